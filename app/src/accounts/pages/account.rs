//! `/account`: who is signed in, whether their address is confirmed, and a place for
//! their orders.

use super::{AccountNav, SignedInOnly};
use crate::accounts::api::SignOut;
use crate::accounts::email_links::ResendVerification;
use crate::checkout::api::my_orders;
use crate::forms::{form_errors, FormMessage};
use crate::layout::{Loading, ServerError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let query = use_query_map().read_untracked();
    let confirmed = query.get("confirmed").is_some();
    let sent = query.get("sent").is_some();
    view! {
        <Title text="Your account"/>
        <section class="account-page">
            <h1>"Your account"</h1>
            <AccountNav current="/account"/>
            {confirmed.then(|| view! {
                <p class="notice" role="status">"Thank you: your email address is confirmed."</p>
            })}
            <SignedInOnly refresh=Signal::derive(move || sign_out.version().get()) children=move |account| view! {
                <p>"Signed in as " <strong>{account.email}</strong></p>
                {(!account.email_verified).then(|| view! { <Unconfirmed sent_before=sent/> })}
                {account.staff.then(|| view! {
                    <p><a href="/admin">"Staff dashboard"</a></p>
                    <p><a href=crate::staff::orders::STAFF_ORDERS>"Manage the shop's orders"</a></p>
                    <p><a href=crate::staff::discounts::STAFF_DISCOUNTS>"Manage discount codes"</a></p>
                })}
                <h2>"Orders"</h2>
                <OrderHistory/>
                <ActionForm action=sign_out>
                    <button type="submit">"Sign out"</button>
                </ActionForm>
            }/>
        </section>
    }
}

/// The shopper's orders, newest first, each linking to its page.
#[component]
fn OrderHistory() -> impl IntoView {
    let orders = Resource::new(|| (), |_| my_orders());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(orders) if orders.is_empty() => {
                        view! { <p>"You have not placed any orders yet."</p> }.into_any()
                    }
                    Ok(orders) => view! {
                        <ul class="order-history">
                            {orders.into_iter().map(|order| view! {
                                <li>
                                    <a href=format!("/orders/{}", order.number)>{order.number.clone()}</a>
                                    {format!(" · {} · {} · {}", super::utc_date(order.placed_at), order.status_label, order.grand_total)}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ServerError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The address is not confirmed yet: say so, and offer the link again.
#[component]
fn Unconfirmed(sent_before: bool) -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    let errors = form_errors(resend.value());
    let sent = move || sent_before || matches!(resend.value().get(), Some(Ok(())));
    view! {
        <div class="unconfirmed">
            <p>"Your email address is not confirmed yet. Open the link we emailed you to confirm it."</p>
            <Show when=sent>
                <p class="notice" role="status">"We have sent you a new link."</p>
            </Show>
            <ActionForm action=resend>
                <FormMessage errors/>
                <button type="submit">"Send the link again"</button>
            </ActionForm>
        </div>
    }
}
