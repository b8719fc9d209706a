//! `/admin/orders` and `/admin/orders/{number}`. Both read through server functions that
//! refuse anyone but staff: nobody signed in is sent to sign in, a customer reads that
//! the page is for staff (HTTP 403). The cancel, refund, dispatch and delivery forms are
//! `ActionForm`s, so they work without JavaScript: the page then reads what happened
//! from `?done=`. The list is in `list`.

use super::api::{
    staff_order, CancelOrder, DeliverOrder, FulfilOrder, RefundOrder, StaffOrderView,
};
use super::STAFF_ORDERS;
use crate::accounts::pages::utc_time;
use crate::forms::{form_errors, Field, FormMessage};
use crate::layout::{Loading, NotFound};
use crate::staff::{StaffNav, StaffOnly};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

mod list;

pub use list::{OrderTable, StaffOrdersPage};

/// The forms of the order page: each answers with what it changed.
#[derive(Clone, Copy)]
struct OrderActions {
    cancel: ServerAction<CancelOrder>,
    refund: ServerAction<RefundOrder>,
    fulfil: ServerAction<FulfilOrder>,
    deliver: ServerAction<DeliverOrder>,
}

impl OrderActions {
    fn new() -> OrderActions {
        OrderActions {
            cancel: ServerAction::new(),
            refund: ServerAction::new(),
            fulfil: ServerAction::new(),
            deliver: ServerAction::new(),
        }
    }

    /// Changes whenever any of the forms answered.
    fn versions(self) -> [usize; 4] {
        [
            self.cancel.version().get(),
            self.refund.version().get(),
            self.fulfil.version().get(),
            self.deliver.version().get(),
        ]
    }

    /// What the last change did: from the forms' answers, or, after a post without
    /// JavaScript, from `?done=`.
    fn notices(self) -> impl Fn() -> Vec<String> + Send + Sync + 'static {
        let posted = match use_query_map().read_untracked().get("done").as_deref() {
            Some("cancelled") => Some("The order is cancelled."),
            Some("refunded") => Some("The refund was made."),
            Some("fulfilled") => Some("The order is marked dispatched."),
            Some("delivered") => Some("The order is marked delivered."),
            _ => None,
        };
        move || {
            let answered: Vec<String> = [
                self.cancel.value().get(),
                self.refund.value().get(),
                self.fulfil.value().get(),
                self.deliver.value().get(),
            ]
            .into_iter()
            .filter_map(|answer| match answer {
                Some(Ok(changed)) => Some(changed.message),
                _ => None,
            })
            .collect();
            if answered.is_empty() {
                posted.map(str::to_owned).into_iter().collect()
            } else {
                answered
            }
        }
    }
}

#[component]
pub fn StaffOrderPage() -> impl IntoView {
    let params = use_params_map();
    let actions = OrderActions::new();
    let order = Resource::new(
        move || {
            (
                params.read().get("number").unwrap_or_default(),
                actions.versions(),
            )
        },
        |(number, _)| staff_order(number),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(Some(order)) => view! { <OrderForStaff order actions/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrderForStaff(order: StaffOrderView, actions: OrderActions) -> impl IntoView {
    let notices = actions.notices();
    view! {
        <Title text=format!("Order {} (staff)", order.number)/>
        <section class="staff-page">
            <StaffNav/>
            <p><a href=STAFF_ORDERS>"All orders"</a></p>
            <h1>{format!("Order {}", order.number)}</h1>
            {move || notices().into_iter().map(|notice| view! {
                <p class="notice" role="status">{notice}</p>
            }).collect_view()}
            <dl class="staff-facts">
                <dt>"Status"</dt>
                <dd data-testid="staff-order-status">{order.status_label.clone()}</dd>
                <dt>"Placed"</dt>
                <dd>{utc_time(order.placed_at)}</dd>
                <dt>"Email"</dt>
                <dd>{order.email.clone()}</dd>
                <dt>"Delivery method"</dt>
                <dd>{order.shipping_method.clone()}</dd>
            </dl>
            <OrderLines order=order.clone()/>
            <h2>"Delivery address"</h2>
            <p class="address">
                {order.address.iter().map(|part| view! { {part.clone()} <br/> }).collect_view()}
            </p>
            <Payments order=order.clone()/>
            <Refunds order=order.clone()/>
            <History order=order.clone()/>
            <MoveForms order=order.clone() actions/>
            <CancelForm order=order.clone() cancel=actions.cancel/>
            <RefundForm order refund=actions.refund/>
        </section>
    }
}

/// Marking the order dispatched or delivered, when its rules allow.
#[component]
fn MoveForms(order: StaffOrderView, actions: OrderActions) -> impl IntoView {
    if !order.can_fulfil && !order.can_deliver {
        return ().into_any();
    }
    let fulfil_errors = form_errors(actions.fulfil.value());
    let deliver_errors = form_errors(actions.deliver.value());
    let (fulfil_number, deliver_number) = (order.number.clone(), order.number.clone());
    view! {
        <h2>"Dispatch and delivery"</h2>
        {order.can_fulfil.then(|| view! {
            <FormMessage errors=fulfil_errors/>
            <ActionForm action=actions.fulfil attr:class="account-form">
                <input type="hidden" name="number" value=fulfil_number/>
                <Field errors=fulfil_errors id="fulfil-tracking" name="tracking" label="Tracking number (optional)" autocomplete="off"/>
                <button type="submit">"Mark as dispatched"</button>
            </ActionForm>
        })}
        {order.can_deliver.then(|| view! {
            <FormMessage errors=deliver_errors/>
            <ActionForm action=actions.deliver attr:class="account-form">
                <input type="hidden" name="number" value=deliver_number/>
                <button type="submit">"Mark as delivered"</button>
            </ActionForm>
        })}
    }
    .into_any()
}

#[component]
fn OrderLines(order: StaffOrderView) -> impl IntoView {
    let total_row = |label: &'static str, amount: String| {
        view! {
            <tr>
                <th scope="row" colspan="4">{label}</th>
                <td class="money">{amount}</td>
            </tr>
        }
    };
    view! {
        <h2>"Items"</h2>
        <table class="staff-table">
            <thead>
                <tr>
                    <th scope="col">"SKU"</th>
                    <th scope="col">"Item"</th>
                    <th scope="col" class="money">"Quantity"</th>
                    <th scope="col" class="money">"Unit price"</th>
                    <th scope="col" class="money">"Total"</th>
                </tr>
            </thead>
            <tbody>
                {order.lines.into_iter().map(|line| view! {
                    <tr>
                        <td>{line.sku}</td>
                        <td>{line.name}</td>
                        <td class="money">{line.quantity}</td>
                        <td class="money">{line.unit_price.to_string()}</td>
                        <td class="money">{line.line_total.to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot>
                {total_row("Subtotal", order.subtotal.to_string())}
                {order.discount.map(|(code, amount)| view! {
                    <tr>
                        <th scope="row" colspan="4">"Discount (" {code} ")"</th>
                        <td class="money">"−" {amount.to_string()}</td>
                    </tr>
                })}
                {total_row("Delivery", order.shipping_total.to_string())}
                {total_row("Total, including VAT", order.grand_total.to_string())}
                {total_row("VAT included", order.tax_total.to_string())}
                {total_row("Refunded", order.refunded.to_string())}
            </tfoot>
        </table>
    }
}

#[component]
fn Payments(order: StaffOrderView) -> impl IntoView {
    view! {
        <h2>"Payments"</h2>
        {if order.payments.is_empty() {
            view! { <p>"No payment has been tried yet."</p> }.into_any()
        } else {
            view! {
                <table class="staff-table">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Provider"</th>
                            <th scope="col">"Outcome"</th>
                            <th scope="col">"Card"</th>
                            <th scope="col" class="money">"Amount"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {order.payments.into_iter().map(|payment| view! {
                            <tr>
                                <td>{utc_time(payment.at)}</td>
                                <td>{payment.provider}</td>
                                <td>{payment.outcome}</td>
                                <td>{payment.card.unwrap_or_default()}</td>
                                <td class="money">{payment.amount.to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
    }
}

#[component]
fn Refunds(order: StaffOrderView) -> impl IntoView {
    view! {
        <h2>"Refunds"</h2>
        {if order.refunds.is_empty() {
            view! { <p>"Nothing has been refunded."</p> }.into_any()
        } else {
            view! {
                <table class="staff-table">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col" class="money">"Amount"</th>
                            <th scope="col">"Reason"</th>
                            <th scope="col">"By"</th>
                            <th scope="col">"Provider's reference"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {order.refunds.into_iter().map(|refund| view! {
                            <tr>
                                <td>{utc_time(refund.at)}</td>
                                <td class="money">{refund.amount.to_string()}</td>
                                <td>{refund.reason}</td>
                                <td>{refund.by.unwrap_or_default()}</td>
                                <td>{refund.reference.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
    }
}

#[component]
fn History(order: StaffOrderView) -> impl IntoView {
    view! {
        <h2>"History"</h2>
        <table class="staff-table" data-testid="staff-order-history">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Change"</th>
                    <th scope="col">"By"</th>
                    <th scope="col">"Note"</th>
                </tr>
            </thead>
            <tbody>
                {order.history.into_iter().map(|entry| {
                    let change = match entry.from {
                        Some(from) if from != entry.to => format!("{from} → {}", entry.to),
                        Some(_) => format!("{} (unchanged)", entry.to),
                        None => format!("Placed: {}", entry.to),
                    };
                    view! {
                        <tr>
                            <td>{utc_time(entry.at)}</td>
                            <td>{change}</td>
                            <td>{entry.actor}</td>
                            <td>{entry.note.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn CancelForm(order: StaffOrderView, cancel: ServerAction<CancelOrder>) -> impl IntoView {
    let errors = form_errors(cancel.value());
    let body = if order.can_cancel {
        let what = match order.cancel_refunds {
            Some(amount) => format!(
                "Cancelling refunds {amount} to the shopper's card through the payment provider \
                 first, then puts the items back in stock. The shopper is told by email."
            ),
            None => "Cancelling puts the items back in stock; nothing was paid, so nothing is \
                     refunded. The shopper is told by email."
                .to_owned(),
        };
        view! {
            <p>{what}</p>
            <ActionForm action=cancel attr:class="account-form">
                <input type="hidden" name="number" value=order.number.clone()/>
                <Field errors id="cancel-reason" name="reason" label="Why is it cancelled?" required=true/>
                <button type="submit" class="danger">"Cancel the order"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! { <p>{order.cancel_refused.unwrap_or_default()}</p> }.into_any()
    };
    view! {
        <h2>"Cancel the order"</h2>
        <FormMessage errors/>
        {body}
    }
}

#[component]
fn RefundForm(order: StaffOrderView, refund: ServerAction<RefundOrder>) -> impl IntoView {
    let errors = form_errors(refund.value());
    let body = match order.refund_refused {
        None => view! {
            <p>
                "Up to " <strong data-testid="staff-refundable">{order.refundable.to_string()}</strong>
                " can be refunded to the shopper's card through the payment provider. A refund of \
                 less leaves the order partly refunded."
            </p>
            <ActionForm action=refund attr:class="account-form">
                <input type="hidden" name="number" value=order.number.clone()/>
                <Field errors id="refund-amount" name="amount" label="Amount to refund" autocomplete="off" required=true hint="A number, like 5.00 or 5."/>
                <Field errors id="refund-reason" name="reason" label="Why is it refunded?" required=true/>
                <button type="submit">"Refund"</button>
            </ActionForm>
        }
        .into_any(),
        Some(refused) => view! { <p>{refused}</p> }.into_any(),
    };
    view! {
        <h2>"Refund"</h2>
        <FormMessage errors/>
        {body}
    }
}
