use super::ProductGrid;
use crate::catalog::api::get_home;
use crate::layout::{Loading, ServerError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_home());
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Welcome to Bazaar"</h1>
            <p>"Well-made things for home, garden and the great outdoors."</p>
        </section>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(home) => view! {
                        <section aria-labelledby="categories-heading">
                            <h2 id="categories-heading">"Shop by category"</h2>
                            <ul class="category-list">
                                {home.categories
                                    .into_iter()
                                    .map(|c| view! {
                                        <li><a href=format!("/categories/{}", c.slug)>{c.name}</a></li>
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                        <section aria-labelledby="featured-heading">
                            <h2 id="featured-heading">"Featured products"</h2>
                            <ProductGrid products=home.featured/>
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! { <ServerError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
