//! `/cart`, the "Add to cart" form of the product page, and the cart link in the header.
//! Every form is an `ActionForm`: without JavaScript the browser posts it and comes back.

use super::api::{cart_count, get_cart, AddToCart, CartLine, RemoveCartLine, UpdateCartLine};
use crate::forms::{form_errors, FormMessage};
use crate::layout::{Loading, ServerError};
use leptos::prelude::*;
use leptos_meta::Title;

/// Bumped whenever a form changes the cart, so the header's count follows.
#[derive(Clone, Copy)]
pub struct CartChanged(pub RwSignal<u64>);

impl CartChanged {
    pub fn provide() {
        provide_context(CartChanged(RwSignal::new(0)));
    }

    /// Tells the header the cart changed (an item added, an order paid).
    pub fn bump() {
        if let Some(CartChanged(signal)) = use_context::<CartChanged>() {
            signal.update(|n| *n += 1);
        }
    }

    fn version() -> u64 {
        use_context::<CartChanged>()
            .map(|CartChanged(signal)| signal.get())
            .unwrap_or(0)
    }
}

/// The header's link to the cart, with how many items it holds.
#[component]
pub fn CartLink() -> impl IntoView {
    let count = Resource::new(CartChanged::version, |_| cart_count());
    view! {
        <Suspense fallback=|| view! { <a href="/cart">"Cart"</a> }>
            {move || Suspend::new(async move {
                let n = count.await.unwrap_or(0);
                let label = match n {
                    0 => "Cart, empty".to_owned(),
                    1 => "Cart, 1 item".to_owned(),
                    n => format!("Cart, {n} items"),
                };
                view! {
                    <a href="/cart" aria-label=label>
                        "Cart"
                        {(n > 0).then(|| view! { " " <span class="cart-count" data-testid="cart-count">{n}</span> })}
                    </a>
                }
            })}
        </Suspense>
    }
}

/// "Add to cart" for the variant `sku` (a signal: the picker changes it in place).
#[component]
pub fn AddToCartForm(sku: Signal<String>, in_stock: Signal<bool>) -> impl IntoView {
    let action = ServerAction::<AddToCart>::new();
    let errors = form_errors(action.value());
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            CartChanged::bump();
        }
    });
    let added = move || match action.value().get() {
        Some(Ok(added)) => Some(added.message),
        _ => None,
    };
    view! {
        <ActionForm action attr:class="add-to-cart">
            <FormMessage errors/>
            <input type="hidden" name="sku" value=sku/>
            <label for="quantity">"Quantity"</label>
            <input id="quantity" name="quantity" type="number" min="1" max="99" value="1" required/>
            <button type="submit" disabled=move || !in_stock.get()>"Add to cart"</button>
            {move || added().map(|message| view! {
                <p class="notice" role="status">{message} " " <a href="/cart">"View your cart"</a></p>
            })}
        </ActionForm>
    }
}

#[component]
pub fn CartPage() -> impl IntoView {
    let update = ServerAction::<UpdateCartLine>::new();
    let remove = ServerAction::<RemoveCartLine>::new();
    let cart = Resource::new(
        move || (update.version().get(), remove.version().get()),
        |_| get_cart(),
    );
    Effect::new(move |_| {
        if update.version().get() + remove.version().get() > 0 {
            CartChanged::bump();
        }
    });
    let errors = form_errors(update.value());
    view! {
        <Title text="Your cart"/>
        <section class="cart-page">
            <h1>"Your cart"</h1>
            <FormMessage errors/>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match cart.await {
                        Ok(cart) if cart.lines.is_empty() => view! {
                            <p>"Your cart is empty."</p>
                            <p><a href="/">"Find something you like"</a></p>
                        }.into_any(),
                        Ok(cart) => view! {
                            <ul class="cart-lines">
                                {cart.lines.into_iter().map(|line| view! { <CartItem line update remove/> }).collect_view()}
                            </ul>
                            <p class="cart-subtotal">
                                "Subtotal (" {cart.item_count} " items): "
                                <strong data-testid="cart-subtotal">{cart.subtotal.map(|s| s.to_string())}</strong>
                            </p>
                            <p class="hint">"Prices include VAT. Delivery is added at checkout."</p>
                            <p><a class="button" href="/checkout">"Go to checkout"</a></p>
                        }.into_any(),
                        Err(error) => view! { <ServerError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CartItem(
    line: CartLine,
    update: ServerAction<UpdateCartLine>,
    remove: ServerAction<RemoveCartLine>,
) -> impl IntoView {
    let field_id = format!("quantity-{}", line.sku);
    let name = format!("{} ({})", line.product_name, line.variant_title);
    let notes: Vec<String> = line
        .notes
        .iter()
        .map(|n| n.message(&line.unit_price))
        .collect();
    let (update_sku, remove_sku) = (line.sku.clone(), line.sku.clone());
    let (quantity_label, remove_label) = (format!("Quantity of {name}"), format!("Remove {name}"));
    view! {
        <li class="cart-line">
            <a href=format!("/products/{}", line.slug)>{line.product_name.clone()}</a>
            " · " {line.variant_title.clone()}
            <span class="cart-unit-price">" · " {line.unit_price.to_string()} " each"</span>
            {notes.into_iter().map(|note| view! { <p class="cart-note">{note}</p> }).collect_view()}
            <ActionForm action=update attr:class="inline-form">
                <input type="hidden" name="sku" value=update_sku/>
                <label for=field_id.clone()>{quantity_label}</label>
                <input id=field_id name="quantity" type="number" min="0" max="99" value=line.quantity/>
                <button type="submit">"Update"</button>
            </ActionForm>
            <ActionForm action=remove attr:class="inline-form">
                <input type="hidden" name="sku" value=remove_sku/>
                <button type="submit" aria-label=remove_label>"Remove"</button>
            </ActionForm>
            <p class="cart-line-total">{line.line_total.to_string()}</p>
        </li>
    }
}
