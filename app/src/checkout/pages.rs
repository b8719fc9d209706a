//! `/checkout` (contact, delivery address, delivery method, card, on one page) and
//! `/orders/{number}` (the order, and the bank's confirmation step when a card asks for
//! one). Both work without JavaScript.

use super::api::{
    get_order, start_checkout, AppliedDiscount, ApplyCode, CheckoutStart, ConfirmWithBank,
    OrderView, Pay, PaymentStep, RemoveCode,
};
use crate::accounts::addresses::AddressFields;
use crate::forms::{form_errors, Field, FormMessage};
use crate::layout::{Loading, NotFound, ServerError};
use crate::payments::TEST_CARDS;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// Goes to the page a successful payment step names.
fn follow_payment(
    value: impl Get<Value = Option<Result<PaymentStep, crate::forms::FormError>>>
        + Send
        + Sync
        + 'static,
) {
    let navigate = use_navigate();
    Effect::new(move |_| {
        match value.get() {
            Some(Ok(PaymentStep::Paid { path })) => {
                // The paid cart is empty now: the header's count follows.
                crate::cart::pages::CartChanged::bump();
                navigate(&path, Default::default());
            }
            Some(Ok(PaymentStep::ConfirmWithBank { path } | PaymentStep::Processing { path })) => {
                navigate(&path, Default::default())
            }
            _ => {}
        }
    });
}

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let pay = ServerAction::<Pay>::new();
    follow_payment(pay.value());
    let apply = ServerAction::<ApplyCode>::new();
    let remove = ServerAction::<RemoveCode>::new();
    // A refused payment shows a fresh form (and key): a new attempt is a new order. A
    // code applied or removed prices the summary again.
    let start = Resource::new(
        move || {
            (
                pay.version().get(),
                apply.version().get(),
                remove.version().get(),
            )
        },
        |_| start_checkout(),
    );
    view! {
        <Title text="Checkout"/>
        <section class="checkout-page">
            <h1>"Checkout"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match start.await {
                        Ok(start) if start.cart.lines.is_empty() => view! {
                            <p>"Your cart is empty."</p>
                            <p><a href="/">"Find something you like"</a></p>
                        }.into_any(),
                        Ok(start) => view! {
                            <CheckoutForm start pay apply remove/>
                        }.into_any(),
                        Err(error) => view! { <ServerError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CheckoutForm(
    start: CheckoutStart,
    pay: ServerAction<Pay>,
    apply: ServerAction<ApplyCode>,
    remove: ServerAction<RemoveCode>,
) -> impl IntoView {
    let errors = form_errors(pay.value());
    let chosen_method = move || {
        errors
            .read()
            .as_ref()
            .and_then(|e| e.typed("shipping_method"))
            .unwrap_or_else(|| "standard".to_owned())
    };
    view! {
        <div class="checkout-summary">
            <h2>"Your order"</h2>
            <ul>
                {start.cart.lines.iter().map(|line| view! {
                    <li>{format!("{} × {} ({}): {}", line.quantity, line.product_name, line.variant_title, line.line_total)}</li>
                }).collect_view()}
            </ul>
            <p>"Subtotal: " <strong>{start.cart.subtotal.map(|s| s.to_string())}</strong> " (prices include VAT)"</p>
            <DiscountCodeForm discount=start.discount.clone() apply remove/>
        </div>
        <ActionForm action=pay attr:class="account-form checkout-form">
            <FormMessage errors/>
            <input type="hidden" name="idempotency_key" value=start.idempotency_key.clone()/>
            <h2>"Contact"</h2>
            <Field errors id="email" name="email" label="Email, for your receipt" kind="email" autocomplete="email" required=true value=start.email.clone()/>
            <h2>"Delivery address"</h2>
            <AddressFields errors address=start.address.clone()/>
            <fieldset>
                <legend>"Delivery"</legend>
                {start.shipping.iter().map(|method| {
                    let id = method.id.clone();
                    let checked = {
                        let id = id.clone();
                        move || chosen_method() == id
                    };
                    let price = match method.free_from {
                        Some(from) => format!("{}, free from {from}", method.price),
                        None => method.price.to_string(),
                    };
                    view! {
                        <label class="variant-option">
                            <input type="radio" name="shipping_method" value=id checked=checked/>
                            " " {method.name.clone()} " · " {price}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <h2>"Payment"</h2>
            <p class="hint" id="test-cards">
                "This shop takes test payments only. Use "
                {TEST_CARDS.iter().map(|card| format!("{} ({})", card.number, card.outcome.as_str().replace('_', " "))).collect::<Vec<_>>().join(", ")}
                ", with any future expiry date and any three digits."
            </p>
            <Field errors id="card_number" name="card_number" label="Card number" autocomplete="cc-number" required=true/>
            <Field errors id="card_expiry" name="card_expiry" label="Expiry date (MM/YY)" autocomplete="cc-exp" required=true/>
            <Field errors id="card_cvc" name="card_cvc" label="Security code" autocomplete="cc-csc" required=true/>
            <button type="submit">"Place order and pay"</button>
        </ActionForm>
    }
}

/// The discount code box: the code applied (or why it no longer applies), and a form to
/// apply one.
#[component]
fn DiscountCodeForm(
    discount: Option<AppliedDiscount>,
    apply: ServerAction<ApplyCode>,
    remove: ServerAction<RemoveCode>,
) -> impl IntoView {
    let errors = form_errors(apply.value());
    view! {
        {discount.map(|discount| {
            let said = match &discount.problem {
                None if discount.saving.amount > 0 => format!(
                    "Code {} ({}): −{}", discount.code, discount.description, discount.saving
                ),
                None => format!("Code {} ({})", discount.code, discount.description),
                Some(problem) => format!("Code {}: {problem}", discount.code),
            };
            view! {
                <p class="applied-code" data-testid="applied-code" role="status">{said}</p>
                <ActionForm action=remove attr:class="inline-form">
                    <button type="submit">"Remove code"</button>
                </ActionForm>
            }
        })}
        <ActionForm action=apply attr:class="inline-form code-form">
            <Field errors id="code" name="code" label="Discount code" autocomplete="off"/>
            <button type="submit">"Apply code"</button>
        </ActionForm>
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let confirm = ServerAction::<ConfirmWithBank>::new();
    follow_payment(confirm.value());
    let order = Resource::new(
        move || {
            (
                params.read().get("number").unwrap_or_default(),
                confirm.version().get(),
            )
        },
        {
            let token = token.clone();
            move |(number, _)| get_order(number, token.clone())
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    match order.await {
                        Ok(Some(order)) => view! { <OrderDetails order token confirm/> }.into_any(),
                        Ok(None) => view! { <NotFound/> }.into_any(),
                        Err(error) => view! { <ServerError error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn OrderDetails(
    order: OrderView,
    token: String,
    confirm: ServerAction<ConfirmWithBank>,
) -> impl IntoView {
    let errors = form_errors(confirm.value());
    let bank_step = order.bank_step;
    let processing = order.status == "awaiting_payment" && !order.bank_step;
    let paid = order.status == "paid";
    let (yes_number, no_number) = (order.number.clone(), order.number.clone());
    let (yes_token, no_token) = (token.clone(), token);
    view! {
        <Title text=format!("Order {}", order.number)/>
        <section class="order-page">
            <h1>"Order " {order.number.clone()}</h1>
            {paid.then(|| view! {
                <p class="notice" role="status">
                    "Thank you! Your payment went through. A confirmation is on its way to " {order.email.clone()} "."
                </p>
            })}
            <p>"Status: " <strong data-testid="order-status">{order.status_label.clone()}</strong></p>
            {processing.then(|| view! {
                <p class="notice" role="status">
                    "Your order is placed and its items are held for you. We are waiting for the payment service to confirm your payment; reload this page to see it, and we will email you as soon as it is confirmed."
                </p>
            })}
            {bank_step.then(|| view! {
                <div class="bank-step">
                    <h2>"Confirm the payment with your bank"</h2>
                    <p>"Your bank needs you to confirm this payment before it goes through. (This is the test bank: choose either answer.)"</p>
                    <FormMessage errors/>
                    <ActionForm action=confirm attr:class="inline-form">
                        <input type="hidden" name="number" value=yes_number/>
                        <input type="hidden" name="token" value=yes_token/>
                        <input type="hidden" name="approve" value="yes"/>
                        <button type="submit">"Confirm the payment"</button>
                    </ActionForm>
                    <ActionForm action=confirm attr:class="inline-form">
                        <input type="hidden" name="number" value=no_number/>
                        <input type="hidden" name="token" value=no_token/>
                        <input type="hidden" name="approve" value="no"/>
                        <button type="submit">"Refuse the payment"</button>
                    </ActionForm>
                </div>
            })}
            <h2>"What you ordered"</h2>
            <ul>
                {order.lines.iter().map(|line| view! {
                    <li>{format!("{} × {}: {}", line.quantity, line.name, line.line_total)}</li>
                }).collect_view()}
            </ul>
            {order.discount.clone().map(|(code, saving)| view! {
                <p>{format!("Discount ({code}): −{saving}")}</p>
            })}
            <p>"Delivery: " {order.shipping_total.to_string()}</p>
            <p>"Total: " <strong data-testid="order-total">{order.grand_total.to_string()}</strong> " (including VAT of " {order.tax_total.to_string()} ")"</p>
            <h2>"Delivery address"</h2>
            <p class="address">
                {order.address.iter().map(|part| view! { {part.clone()} <br/> }).collect_view()}
            </p>
        </section>
    }
}
