use super::{Breadcrumbs, ProductGrid};
use crate::catalog::api::{get_category, CategoryListing};
use crate::layout::{Loading, NotFound, ServerError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    // A page number that is not a number is page 1; one past the end is "not found".
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
    };
    let listing = Resource::new(
        move || (slug(), page()),
        |(slug, page)| get_category(slug, page),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(Some(listing)) => view! { <Listing listing/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <ServerError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Listing(listing: CategoryListing) -> impl IntoView {
    let title = if listing.page > 1 {
        format!("{} (page {})", listing.name, listing.page)
    } else {
        listing.name.clone()
    };
    let count = match listing.product_count {
        1 => "1 product".to_owned(),
        n => format!("{n} products"),
    };
    let empty = listing.products.is_empty();
    view! {
        <Title text=title/>
        <Breadcrumbs trail=listing.ancestors current=listing.name.clone()/>
        <h1>{listing.name}</h1>
        <p class="lead">{listing.description}</p>
        {(!listing.subcategories.is_empty()).then(|| view! {
            <nav aria-label="Subcategories">
                <ul class="category-list">
                    {listing.subcategories
                        .into_iter()
                        .map(|c| view! { <li><a href=format!("/categories/{}", c.slug)>{c.name}</a></li> })
                        .collect_view()}
                </ul>
            </nav>
        })}
        <section aria-labelledby="products-heading">
            <h2 id="products-heading">"Products " <span class="count">{count}</span></h2>
            {if empty {
                view! { <p>"Nothing here yet. Have a look at our other categories."</p> }.into_any()
            } else {
                view! { <ProductGrid products=listing.products/> }.into_any()
            }}
        </section>
        <Pagination slug=listing.slug page=listing.page page_count=listing.page_count/>
    }
}

#[component]
fn Pagination(slug: String, page: u32, page_count: u32) -> impl IntoView {
    let link = move |p: u32| {
        if p == 1 {
            format!("/categories/{slug}")
        } else {
            format!("/categories/{slug}?page={p}")
        }
    };
    (page_count > 1).then(|| {
        view! {
            <nav aria-label="Pagination" class="pagination">
                {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">"Previous page"</a> })}
                <span aria-current="page">{format!("Page {page} of {page_count}")}</span>
                {(page < page_count).then(|| view! { <a href=link(page + 1) rel="next">"Next page"</a> })}
            </nav>
        }
    })
}
