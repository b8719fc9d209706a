//! `/search?q=…`: ranked results with the matched words marked, facets, and
//! helpful pages for an empty query, no hits or a broken link; and the search box.

mod listing;
mod search_box;

pub use listing::{is_filtered, product_count, Listing, ListingPath};
pub use search_box::SearchBox;

use super::api::{find_products, ProductPage, ProductQuery, QueryProblem};
use super::params::BadParam;
use crate::layout::{set_status, Loading, NotFound, ServerError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The query in the page's URL, or the parameter that spoils it.
pub fn query_from_url() -> Memo<Result<ProductQuery, BadParam>> {
    let params = use_query_map();
    Memo::new(move |_| {
        let params = params.read();
        ProductQuery::from_pairs((&*params).into_iter().map(|(k, v)| (k.as_ref(), v)))
    })
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = query_from_url();
    let results = Resource::new(
        move || query.get(),
        |query| async move {
            match query {
                Ok(query) => find_products(query).await.map(Ok),
                Err(bad) => Ok(Err(bad)),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(Ok(Ok(page))) => view! { <Results page/> }.into_any(),
                    Ok(Ok(Err(QueryProblem::PageOutOfRange { .. }))) => view! { <NotFound/> }.into_any(),
                    Ok(Ok(Err(QueryProblem::UnknownCategory(_)))) => view! { <NotFound/> }.into_any(),
                    Ok(Err(bad)) => view! { <BadLink bad/> }.into_any(),
                    Err(error) => view! { <ServerError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A link with a parameter that cannot be used: said plainly, with status 400.
#[component]
pub fn BadLink(bad: BadParam) -> impl IntoView {
    set_status(400);
    view! {
        <Title text="This link has a problem"/>
        <section class="message-page">
            <h1>"This link has a problem"</h1>
            <p>{format!("In this address, {bad}.")}</p>
            <p><a href="/">"Back to the shop"</a></p>
        </section>
    }
}

#[component]
fn Results(page: ProductPage) -> impl IntoView {
    let q = page.query.q.clone();
    if q.is_empty() && page.query.category.is_none() && !listing::is_filtered(&page.query) {
        return view! {
            <Title text="Search"/>
            <h1>"Search"</h1>
            <p>"Type what you are looking for in the search box above: a product, a material, a colour."</p>
            <p><a href="/">"Or browse the shop by category"</a></p>
        }
        .into_any();
    }
    if page.total == 0 && !listing::is_filtered(&page.query) {
        return view! {
            <Title text=format!("No results for {q}")/>
            <h1>{format!("No results for “{q}”")}</h1>
            <p>"Check the spelling, try fewer or shorter words, or browse our categories."</p>
            <p><a href="/">"Browse the shop"</a></p>
        }
        .into_any();
    }
    let heading = if q.is_empty() {
        "All products".to_owned()
    } else {
        format!("Results for “{q}”")
    };
    let title = match page.query.page {
        1 => heading.clone(),
        n => format!("{heading} (page {n})"),
    };
    view! {
        <Title text=title/>
        <h1>{heading}</h1>
        <Listing page path=ListingPath::Search/>
    }
    .into_any()
}
