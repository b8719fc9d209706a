//! The storefront's catalog pages and the pieces they share.

mod category;
mod home;
mod product;

pub use category::CategoryPage;
pub use home::HomePage;
pub use product::ProductPage;

use super::api::{srcset, CategoryLink, Photo, ProductCard};
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
                {product.photo.map(|photo| view! {
                    <PhotoPicture photo src_side=CARD_SIDE sizes=CARD_SIZES lazy=true/>
                })}
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
    .into_any()
}

/// The longest side of the file a card shows without `srcset`.
const CARD_SIDE: u32 = 600;
/// How wide a card's picture is: the grid's columns are about 15rem wide.
const CARD_SIZES: &str = "(min-width: 40rem) 16rem, 50vw";

/// A picture with its size stated, so the page does not shift while it loads: the
/// browser picks the file from `srcset` (WebP where it can); `src_side` chooses the
/// file for `src` and the stated size.
#[component]
fn PhotoPicture(
    photo: Photo,
    src_side: u32,
    sizes: &'static str,
    #[prop(optional)] lazy: bool,
) -> impl IntoView {
    let main = photo.file_up_to(src_side).clone();
    let webp = (!photo.webp.is_empty()).then(|| {
        view! { <source type="image/webp" srcset=srcset(&photo.webp) sizes=sizes/> }
    });
    view! {
        <picture>
            {webp}
            <img
                src=main.url
                srcset=srcset(&photo.files)
                sizes=sizes
                alt=photo.alt
                width=main.width
                height=main.height
                loading=if lazy { "lazy" } else { "eager" }
                decoding="async"
            />
        </picture>
    }
    // Erased: cards nest pictures deep enough to overflow the compiler's type-layout
    // recursion in the browser build.
    .into_any()
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
