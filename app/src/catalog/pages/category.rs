use super::Breadcrumbs;
use crate::catalog::api::{get_category, CategoryListing};
use crate::layout::{Loading, NotFound, ServerError};
use crate::search::pages::{query_from_url, BadLink, Listing, ListingPath};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = query_from_url();
    // The category comes from the path; the query string filters, sorts and pages.
    let listing = Resource::new(
        move || {
            let slug = params.read().get("slug").unwrap_or_default();
            query.get().map(|mut q| {
                q.category = Some(slug);
                q
            })
        },
        |query| async move {
            match query {
                Ok(query) => get_category(query).await.map(Ok),
                Err(bad) => Ok(Err(bad)),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(Ok(Some(listing))) => view! { <CategoryView listing/> }.into_any(),
                    Ok(Ok(None)) => view! { <NotFound/> }.into_any(),
                    Ok(Err(bad)) => view! { <BadLink bad/> }.into_any(),
                    Err(error) => view! { <ServerError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CategoryView(listing: CategoryListing) -> impl IntoView {
    let page = listing.results.query.page;
    let title = if page > 1 {
        format!("{} (page {page})", listing.name)
    } else {
        listing.name.clone()
    };
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
        {if listing.results.total == 0 && !crate::search::pages::is_filtered(&listing.results.query) {
            view! { <p>"Nothing here yet. Have a look at our other categories."</p> }.into_any()
        } else {
            view! { <Listing page=listing.results path=ListingPath::Category/> }.into_any()
        }}
    }
}
