//! A page of products with facets to refine it and links to sort and page through
//! it: shared by the search page and the category pages. Every control is a plain
//! link, so it all works before hydration and without JavaScript.

use crate::catalog::pages::{Pagination, ProductCardView};
use crate::search::api::{Facets, ProductPage, ProductQuery, Sort};
use leptos::prelude::*;

/// Where a listing lives, which decides how its links are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingPath {
    /// `/search?q=…&category=…`
    Search,
    /// `/categories/{category}?…`
    Category,
}

impl ListingPath {
    pub fn href(self, query: &ProductQuery) -> String {
        match self {
            ListingPath::Search => format!("/search{}", query.to_query_string()),
            ListingPath::Category => {
                let mut rest = query.clone();
                let slug = rest.category.take().unwrap_or_default();
                format!("/categories/{slug}{}", rest.to_query_string())
            }
        }
    }
}

/// "1 product", "24 products".
pub fn product_count(count: u64) -> String {
    match count {
        1 => "1 product".to_owned(),
        n => format!("{n} products"),
    }
}

#[component]
pub fn Listing(page: ProductPage, path: ListingPath) -> impl IntoView {
    let query = page.query.clone();
    let filtered = is_filtered(&query);
    view! {
        <div class="listing">
            <Refine facets=page.facets query=query.clone() path/>
            <section class="results" aria-labelledby="results-heading">
                <h2 id="results-heading">"Products " <span class="count">{product_count(page.total)}</span></h2>
                <SortLinks query=query.clone() path/>
                {if page.items.is_empty() {
                    view! {
                        <p>"Nothing matches all of these filters."</p>
                        {filtered.then(|| view! { <p><a href=path.href(&cleared(&query))>"Clear all filters"</a></p> })}
                    }.into_any()
                } else {
                    view! {
                        <ul class="product-grid">
                            {page.items
                                .into_iter()
                                .map(|hit| view! { <li><ProductCardView product=hit.product highlighted=hit.name/></li> })
                                .collect_view()}
                        </ul>
                    }.into_any()
                }}
                <Pagination
                    page=query.page
                    page_count=page.page_count
                    link=move |p| path.href(&query.with_page(p))
                />
            </section>
        </div>
    }
    .into_any()
}

/// Are any filters (not words, not the category of a category page) set?
pub fn is_filtered(query: &ProductQuery) -> bool {
    query.min_price.is_some()
        || query.max_price.is_some()
        || query.in_stock
        || !query.attributes.is_empty()
}

fn cleared(query: &ProductQuery) -> ProductQuery {
    query.refined(|q| {
        q.min_price = None;
        q.max_price = None;
        q.in_stock = false;
        q.attributes.clear();
    })
}

#[component]
fn SortLinks(query: ProductQuery, path: ListingPath) -> impl IntoView {
    // Without words to match, "best match" is name order, so it is offered as "Name".
    let sorts: Vec<(Sort, &str)> = if query.q.is_empty() {
        vec![
            (Sort::Relevance, "Name"),
            (Sort::PriceAsc, Sort::PriceAsc.label()),
            (Sort::PriceDesc, Sort::PriceDesc.label()),
            (Sort::Newest, Sort::Newest.label()),
        ]
    } else {
        [
            Sort::Relevance,
            Sort::PriceAsc,
            Sort::PriceDesc,
            Sort::Newest,
        ]
        .into_iter()
        .map(|s| (s, s.label()))
        .collect()
    };
    view! {
        <nav aria-label="Sort products" class="sort-links">
            <span>"Sort by:"</span>
            <ul>
                {sorts
                    .into_iter()
                    .map(|(sort, label)| {
                        let current = query.sort == sort;
                        let href = path.href(&query.refined(|q| q.sort = sort));
                        view! {
                            <li>
                                <a href=href aria-current=current.then_some("true")>{label}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// One facet value as a link that switches it on or off.
#[component]
fn FacetLink(href: String, label: String, count: u64, selected: bool) -> impl IntoView {
    view! {
        <li>
            <a href=href class:selected=selected>
                {selected.then(|| view! { <span class="visually-hidden">"Remove filter: "</span> })}
                {label}
                " "
                <span class="count">{format!("({count})")}</span>
            </a>
        </li>
    }
}

#[component]
fn Refine(facets: Facets, query: ProductQuery, path: ListingPath) -> impl IntoView {
    let categories = (!facets.categories.is_empty()).then(|| {
        let links = facets
            .categories
            .into_iter()
            .map(|value| {
                let href = path.href(&query.refined(|q| q.category = Some(value.value.clone())));
                view! { <FacetLink href label=value.label count=value.count selected=false/> }
            })
            .collect_view();
        view! {
            <section>
                <h3>"Category"</h3>
                <ul>{links}</ul>
            </section>
        }
    });
    let prices = facets
        .price
        .into_iter()
        .filter(|bucket| bucket.count > 0 || bucket.selected)
        .map(|bucket| {
            let label = match bucket.max {
                Some(max) if bucket.min.amount == 0 => format!("Under {}", next_up(max)),
                Some(max) => format!("{} to {}", bucket.min, max),
                None => format!("{} and over", bucket.min),
            };
            let (min, max) = (bucket.min.amount, bucket.max.map(|m| m.amount));
            let href = path.href(&query.refined(|q| {
                if bucket.selected {
                    q.min_price = None;
                    q.max_price = None;
                } else {
                    q.min_price = Some(min);
                    q.max_price = max;
                }
            }));
            view! { <FacetLink href label count=bucket.count selected=bucket.selected/> }
        })
        .collect_view();
    let stock_href = path.href(&query.refined(|q| q.in_stock = !q.in_stock));
    let attributes = facets
        .attributes
        .into_iter()
        .map(|facet| {
            let links = facet
                .values
                .into_iter()
                .map(|value| {
                    let href = path.href(&query.toggle_attribute(&facet.name, &value.value));
                    view! { <FacetLink href label=value.label count=value.count selected=value.selected/> }
                })
                .collect_view();
            view! {
                <section>
                    <h3>{facet.label}</h3>
                    <ul>{links}</ul>
                </section>
            }
        })
        .collect_view();
    let clear = is_filtered(&query).then(|| {
        view! { <p><a href=path.href(&cleared(&query))>"Clear all filters"</a></p> }
    });
    view! {
        <aside class="facets" aria-labelledby="refine-heading">
            <h2 id="refine-heading">"Refine"</h2>
            {clear}
            {categories}
            <section>
                <h3>"Price"</h3>
                <ul>{prices}</ul>
            </section>
            <section>
                <h3>"Availability"</h3>
                <ul>
                    <FacetLink href=stock_href label="In stock only".to_owned() count=facets.in_stock selected=query.in_stock/>
                </ul>
            </section>
            {attributes}
        </aside>
    }
    .into_any()
}

/// The bucket's upper edge for its label: "Under £10.00" for a bucket up to £9.99.
fn next_up(max: crate::money::Money) -> crate::money::Money {
    crate::money::Money::new(max.amount + 1, max.currency)
}
