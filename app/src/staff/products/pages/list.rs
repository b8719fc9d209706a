//! `/admin/products`: every product by name, 50 a page. The search and filters are a
//! plain GET form, so a filtered view is a link staff can share and works without
//! JavaScript.

use super::category_label;
use crate::layout::Loading;
use crate::search::params::encode;
use crate::staff::products::api::{staff_products, ProductList, ProductSummary};
use crate::staff::products::{staff_product_path, NEW_PRODUCT, STAFF_PRODUCTS};
use crate::staff::{StaffNav, StaffOnly};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffProductsPage() -> impl IntoView {
    let query = use_query_map();
    let list = Resource::new(
        move || {
            let query = query.read();
            let field = |name: &str| query.get(name).unwrap_or_default();
            (
                field("q"),
                field("category"),
                field("status"),
                field("page").parse::<i64>().unwrap_or(1),
            )
        },
        |(q, category, status, page)| staff_products(q, category, status, page),
    );
    view! {
        <Title text="Products"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <ProductListView list/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn price_range(product: &ProductSummary) -> String {
    match (product.lowest_price, product.highest_price) {
        (Some(low), Some(high)) if low == high => low.to_string(),
        (Some(low), Some(high)) => format!("{low} – {high}"),
        _ => "—".to_owned(),
    }
}

#[component]
fn ProductListView(list: ProductList) -> impl IntoView {
    let query = use_query_map().get_untracked();
    let field = move |name: &str| query.get(name).unwrap_or_default();
    let (q, category, status) = (field("q"), field("category"), field("status"));
    let deleted = (field("done") == "deleted").then_some("The product is deleted.");
    let page = list.page;
    let link_to_page = {
        let (q, category, status) = (q.clone(), category.clone(), status.clone());
        move |page: i64| {
            let pairs = [("q", &q), ("category", &category), ("status", &status)];
            let mut url = format!("{STAFF_PRODUCTS}?page={page}");
            for (name, value) in pairs.into_iter().filter(|(_, v)| !v.is_empty()) {
                url.push_str(&format!("&{name}={}", encode(value)));
            }
            url
        }
    };
    let products = if list.products.is_empty() {
        view! { <p>"No product matches."</p> }.into_any()
    } else {
        view! {
            <table class="staff-table">
                <caption>{format!("Products by name, page {page}")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="money">"Variants"</th>
                        <th scope="col" class="money">"Price"</th>
                        <th scope="col" class="money">"Stock"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.products.into_iter().map(|product| view! {
                        <tr>
                            <th scope="row">
                                <a href=staff_product_path(product.id)>{product.name.clone()}</a>
                            </th>
                            <td>{product.category.clone()}</td>
                            <td>{if product.published { "Published" } else { "Draft" }}</td>
                            <td class="money">{product.variants}</td>
                            <td class="money">{price_range(&product)}</td>
                            <td class="money">{product.stock}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    let status_option = {
        let status = status.clone();
        move |value: &'static str, label: &'static str| {
            view! { <option value=value selected=status == value>{label}</option> }
        }
    };
    view! {
        <section class="staff-page">
            <StaffNav/>
            <h1>"Products"</h1>
            {deleted.map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <p><a href=NEW_PRODUCT>"New product"</a></p>
            <form method="get" action=STAFF_PRODUCTS class="staff-filter">
                <label>"Name or SKU" <input type="search" name="q" value=q/></label>
                <label>
                    "Category"
                    <select name="category">
                        <option value="" selected=category.is_empty()>"Every category"</option>
                        {list.categories.into_iter().map(|choice| {
                            let value = choice.id.to_string();
                            let is_selected = value == category;
                            view! { <option value=value selected=is_selected>{category_label(&choice)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    "Status"
                    <select name="status">
                        {status_option("", "Published and drafts")}
                        {status_option("published", "Published")}
                        {status_option("draft", "Drafts")}
                    </select>
                </label>
                <button type="submit">"Filter"</button>
            </form>
            {products}
            <nav class="pager" aria-label="Product list pages">
                {(page > 1).then(|| view! { <a href=link_to_page(page - 1)>"Previous page"</a> })}
                {list.more.then(|| view! { <a href=link_to_page(page + 1)>"Next page"</a> })}
            </nav>
        </section>
    }
}
