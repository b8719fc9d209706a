use super::{Breadcrumbs, PhotoPicture};
use crate::cart::pages::AddToCartForm;
use crate::catalog::api::{get_product, Photo, ProductDetail, StockStatus};
use crate::layout::{Loading, NotFound, ServerError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let product = Resource::new(slug, get_product);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(Some(product)) => view! { <ProductView product/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <ServerError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductView(product: ProductDetail) -> impl IntoView {
    // Without JavaScript the variant comes from `?variant=SKU` (the picker is a GET
    // form); once hydrated, choosing a variant updates the page in place.
    let query = use_query_map();
    let initial = query
        .read_untracked()
        .get("variant")
        .and_then(|sku| product.variants.iter().position(|v| v.sku == sku))
        .unwrap_or(0);
    let selected = RwSignal::new(initial);
    let variants = StoredValue::new(product.variants.clone());
    let current = move || variants.with_value(|vs| vs[selected.get().min(vs.len() - 1)].clone());
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    let picker = (product.variants.len() > 1).then(|| {
        view! {
            <form method="get" class="variant-picker">
                <fieldset>
                    <legend>"Choose an option"</legend>
                    {product.variants
                        .iter()
                        .enumerate()
                        .map(|(i, v)| view! {
                            <label class="variant-option">
                                <input
                                    type="radio"
                                    name="variant"
                                    value=v.sku.clone()
                                    checked=i == initial
                                    on:change=move |_| selected.set(i)
                                />
                                <span class="variant-title">{v.title.clone()}</span>
                                " "
                                <span class="variant-price">{v.price.to_string()}</span>
                            </label>
                        })
                        .collect_view()}
                </fieldset>
                // Only needed without JavaScript; hydration hides it.
                <button type="submit" hidden=move || hydrated.get()>"Show this option"</button>
            </form>
        }
    });
    view! {
        <Title text=product.name.clone()/>
        <Breadcrumbs trail=product.categories.clone() current=product.name.clone()/>
        <article class="product">
            <Gallery photos=product.photos.clone()/>
            <div class="product-info">
                <h1>{product.name.clone()}</h1>
                <p class="price" data-testid="price" aria-live="polite">
                    {move || current().price.to_string()}
                </p>
                <p class="stock" data-testid="stock">
                    {move || StockStatus::of(current().stock).label()}
                </p>
                <p class="sku">"SKU " {move || current().sku}</p>
                {picker}
                <AddToCartForm
                    sku=Signal::derive(move || current().sku)
                    in_stock=Signal::derive(move || current().stock > 0)
                />
                <h2>"Description"</h2>
                <p class="description">{product.description.clone()}</p>
            </div>
        </article>
    }
}

/// The large photo's longest side, and how wide it is shown: half the page beside the
/// details on wide screens.
const LARGE_SIDE: u32 = 1600;
const LARGE_SIZES: &str = "(min-width: 48rem) 50vw, 100vw";
const THUMBNAIL_SIDE: u32 = 200;
const THUMBNAIL_SIZES: &str = "6rem";

/// The product's photos: one large, the others as thumbnails linking to `?photo=N`
/// (from 1), which shows that one large; a plain link, so it works without JavaScript
/// and, once hydrated, switches the photo in place.
#[component]
fn Gallery(photos: Vec<Photo>) -> impl IntoView {
    let query = use_query_map();
    let count = photos.len();
    let shown = Memo::new(move |_| {
        query
            .read()
            .get("photo")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| (1..=count).contains(n))
            .map_or(0, |n| n - 1)
    });
    let thumbnails = (count > 1).then(|| {
        photos
            .iter()
            .cloned()
            .enumerate()
            .map(|(index, photo)| {
                let current = move || (shown.get() == index).then_some("true");
                view! {
                    <li>
                        <a href=format!("?photo={}", index + 1) aria-current=current>
                            <span class="visually-hidden">
                                {format!("Photo {} of {count}: ", index + 1)}
                            </span>
                            <PhotoPicture photo src_side=THUMBNAIL_SIDE sizes=THUMBNAIL_SIZES lazy=true/>
                        </a>
                    </li>
                }
            })
            .collect_view()
    });
    let photos = StoredValue::new(photos);
    view! {
        <div class="product-gallery">
            {move || {
                photos
                    .with_value(|photos| photos.get(shown.get()).cloned())
                    .map(|photo| view! { <PhotoPicture photo src_side=LARGE_SIDE sizes=LARGE_SIZES/> })
            }}
            {thumbnails.map(|thumbnails| view! { <ul class="gallery-thumbnails">{thumbnails}</ul> })}
        </div>
    }
}
