//! The storefront's catalog pages and the pieces they share.

mod category;
mod home;
mod product;

pub use category::CategoryPage;
pub use home::HomePage;
pub use product::ProductPage;

use super::api::{CategoryLink, Image, ProductCard};
use crate::search::api::Highlighted;
use leptos::prelude::*;

/// Product cards in a responsive grid.
#[component]
fn ProductGrid(products: Vec<ProductCard>) -> impl IntoView {
    view! {
        <ul class="product-grid">
            {products
                .into_iter()
                .map(|product| view! { <li><ProductCardView product/></li> })
                .collect_view()}
        </ul>
    }
}

/// A product card; `highlighted` replaces the plain name with one whose matched
/// words are marked (search results).
#[component]
pub(crate) fn ProductCardView(
    product: ProductCard,
    #[prop(optional)] highlighted: Option<Vec<Highlighted>>,
) -> impl IntoView {
    let href = format!("/products/{}", product.slug);
    let options = match product.variant_count {
        0 | 1 => None,
        n => Some(format!("{n} options")),
    };
    let price = if product.variant_count > 1 {
        format!("From {}", product.price_from)
    } else {
        product.price_from.to_string()
    };
    view! {
        <article class="product-card">
            <a href=href class="product-card-link">
                {product.image.map(|image| view! { <Picture image lazy=true/> })}
                <h3>
                    {match highlighted {
                        Some(pieces) => pieces
                            .into_iter()
                            .map(|piece| if piece.matched {
                                view! { <mark>{piece.text}</mark> }.into_any()
                            } else {
                                piece.text.into_any()
                            })
                            .collect_view()
                            .into_any(),
                        None => product.name.into_any(),
                    }}
                </h3>
            </a>
            <p class="price">{price}</p>
            <p class="card-meta">
                {options.map(|o| view! { <span>{o}</span> })}
                {(!product.in_stock).then(|| view! { <span class="sold-out">"Out of stock"</span> })}
            </p>
        </article>
    }
}

/// A picture with its size stated, so the page does not shift while it loads.
#[component]
fn Picture(image: Image, #[prop(optional)] lazy: bool) -> impl IntoView {
    view! {
        <img
            src=image.url
            alt=image.alt
            width=image.width
            height=image.height
            loading=if lazy { "lazy" } else { "eager" }
            decoding="async"
        />
    }
}

/// "Home / Garden / Planters", each a link, the last one the current page.
#[component]
fn Breadcrumbs(trail: Vec<CategoryLink>, current: String) -> impl IntoView {
    view! {
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href="/">"Home"</a></li>
                {trail
                    .into_iter()
                    .map(|c| view! { <li><a href=format!("/categories/{}", c.slug)>{c.name}</a></li> })
                    .collect_view()}
                <li><span aria-current="page">{current}</span></li>
            </ol>
        </nav>
    }
}

/// "Previous page · Page 2 of 9 · Next page", linking with `link(page)`.
#[component]
pub(crate) fn Pagination(
    page: u32,
    page_count: u32,
    link: impl Fn(u32) -> String + 'static,
) -> impl IntoView {
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
