use super::{Breadcrumbs, Picture};
use crate::cart::pages::AddToCartForm;
use crate::catalog::api::{get_product, ProductDetail, StockStatus};
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
            <div class="product-gallery">
                {product.images.first().cloned().map(|image| view! { <Picture image/> })}
            </div>
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
