//! The staff's server functions for orders: the list and its filters, one order with
//! everything that happened to it, cancelling or refunding it, and marking it dispatched
//! or delivered. Each starts with `require_staff`
//! (401 for nobody, 403 for a customer), whatever the page showed.

use crate::forms::FormError;
#[cfg(feature = "ssr")]
use crate::forms::FormErrors;
use crate::money::Money;
use crate::orders::OrderStatus;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

mod list;
mod moves;

pub use list::{staff_orders, StaffOrderList, StaffOrders, ORDERS_PAGE_SIZE};
pub use moves::{deliver_order, fulfil_order, DeliverOrder, FulfilOrder, MAX_TRACKING_CHARS};

/// The longest reason kept with a cancellation or a refund.
pub const MAX_REASON_CHARS: usize = 500;

/// One order in the staff's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOrderSummary {
    pub number: String,
    /// Unix milliseconds, UTC.
    pub placed_at: i64,
    pub email: String,
    pub status_label: String,
    pub grand_total: Money,
    pub refunded: Money,
}

/// One line of an order, as it was priced when it was placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub line_total: Money,
}

/// One attempt to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentAttempt {
    /// Unix milliseconds, UTC.
    pub at: i64,
    pub provider: String,
    /// "Succeeded", "Declined" …
    pub outcome: String,
    /// "Visa ending in 4242", if the card is known.
    pub card: Option<String>,
    pub amount: Money,
}

/// Money given back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRecord {
    /// Unix milliseconds, UTC.
    pub at: i64,
    pub amount: Money,
    pub reason: String,
    /// The email address of the member of staff, if the account still exists.
    pub by: Option<String>,
    /// The provider's id for the refund, if it has one.
    pub reference: Option<String>,
}

/// One change of the order's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Unix milliseconds, UTC.
    pub at: i64,
    /// The status before (none for the order being placed), as a label.
    pub from: Option<String>,
    pub to: String,
    /// "Staff (ann@shop.test)", "Customer", "The shop", "Payment provider".
    pub actor: String,
    pub note: Option<String>,
}

/// An order as staff see it: what was bought, what happened to it, and what can be
/// done to it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOrderView {
    pub number: String,
    pub placed_at: i64,
    pub email: String,
    pub status: OrderStatus,
    pub status_label: String,
    pub lines: Vec<StaffOrderLine>,
    pub subtotal: Money,
    /// The discount code used, and what it took off.
    pub discount: Option<(String, Money)>,
    pub shipping_method: String,
    pub shipping_total: Money,
    pub tax_total: Money,
    pub grand_total: Money,
    pub refunded: Money,
    /// Name, lines, city, postcode and country, one per line.
    pub address: Vec<String>,
    pub payments: Vec<PaymentAttempt>,
    pub refunds: Vec<RefundRecord>,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
    pub can_cancel: bool,
    /// The order's rules allow marking it dispatched now.
    pub can_fulfil: bool,
    /// The order's rules allow marking it delivered now.
    pub can_deliver: bool,
    /// What cancelling gives back through the payment provider (a paid order's payment).
    pub cancel_refunds: Option<Money>,
    /// Why the order cannot be cancelled now, in the order rules' words.
    pub cancel_refused: Option<String>,
    /// What can still be refunded (nothing when no refund can be made now).
    pub refundable: Money,
    /// Why no refund can be made now, in the order rules' words.
    pub refund_refused: Option<String>,
}

/// What a cancellation or a refund did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderChanged {
    pub status: OrderStatus,
    pub status_label: String,
    /// What happened, in a sentence for the page.
    pub message: String,
}

/// The order `number` with everything that happened to it; `None` if there is none.
#[server(prefix = "/rpc", endpoint = "staff_order")]
pub async fn staff_order(number: String) -> Result<Option<StaffOrderView>, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    let Some(order_id) = crate::orders::parse_order_number(&number) else {
        return Ok(None);
    };
    let Ok(order_id) = i64::try_from(order_id) else {
        return Ok(None);
    };
    Ok(super::server::reads::order_view(&state.db, order_id).await?)
}

/// Cancels the order `number`: a paid one is refunded in full through the payment
/// provider first; either way its stock goes back.
#[server(prefix = "/rpc", endpoint = "cancel_order")]
pub async fn cancel_order(
    number: String,
    #[server(default)] reason: String,
) -> Result<OrderChanged, FormError> {
    use super::server::{cancel, StaffChange};
    use crate::forms::invalid;
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let errors = FormErrors::default().keep("reason", &reason);
    let order = order_to_change(&state, &number).await?;
    if let Some(problem) = reason_problem(&reason) {
        return Err(invalid(errors.on("reason", problem)));
    }
    let change = StaffChange {
        staff: &staff,
        reason: reason.trim(),
    };
    match cancel(&state.db, &*state.payments, &state.shop, &order, change).await? {
        Ok(changed) => Ok(answer(&number_of(&order), changed, "cancelled")),
        Err(refusal) => Err(refused(errors, &refusal)),
    }
}

/// Refunds `amount` (typed like "5.00" or "5") of the order `number` through the
/// payment provider; the order's rules decide whether it is partly or fully refunded.
#[server(prefix = "/rpc", endpoint = "refund_order")]
pub async fn refund_order(
    number: String,
    #[server(default)] amount: String,
    #[server(default)] reason: String,
) -> Result<OrderChanged, FormError> {
    use super::server::{refund, Refusal, StaffChange};
    use crate::forms::invalid;
    use crate::orders::IllegalTransition;
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let errors = FormErrors::default()
        .keep("amount", &amount)
        .keep("reason", &reason);
    let order = order_to_change(&state, &number).await?;
    let amount = Money::typed(&amount, order.currency).map(|m| m.amount);
    let problem = reason_problem(&reason);
    let (Some(amount), None) = (amount, &problem) else {
        let mut errors = errors;
        if let Some(problem) = problem {
            errors = errors.on("reason", problem);
        }
        if amount.is_none() {
            errors = errors.on(
                "amount",
                "Enter the amount to refund as a number, like 5.00 or 5.",
            );
        }
        return Err(invalid(errors));
    };
    let amount = Money::new(amount, order.currency);
    let change = StaffChange {
        staff: &staff,
        reason: reason.trim(),
    };
    match refund(
        &state.db,
        &*state.payments,
        &state.shop,
        &order,
        amount,
        change,
    )
    .await?
    {
        Ok(changed) => Ok(answer(&number_of(&order), changed, "refunded")),
        // Amounts are the amount field's to fix; the rest is about the whole order.
        Err(
            refusal @ Refusal::Rules(
                IllegalTransition::RefundNotPositive { .. }
                | IllegalTransition::RefundTooLarge { .. },
            ),
        ) => Err(invalid(errors.on("amount", refusal.message()))),
        Err(refusal) => Err(refused(errors, &refusal)),
    }
}

/// What is wrong with the reason typed, if anything.
#[cfg(feature = "ssr")]
fn reason_problem(reason: &str) -> Option<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        Some("Say why, in a few words: it is kept in the order's history.".to_owned())
    } else if reason.chars().count() > MAX_REASON_CHARS {
        Some(format!(
            "Keep the reason under {MAX_REASON_CHARS} characters."
        ))
    } else {
        None
    }
}

/// The order `number` as it stands, or the form's "no such order" (404).
#[cfg(feature = "ssr")]
async fn order_to_change(
    state: &crate::state::AppState,
    number: &str,
) -> Result<super::server::OrderState, FormError> {
    let order_id = crate::orders::parse_order_number(number).and_then(|n| i64::try_from(n).ok());
    let order = match order_id {
        Some(order_id) => super::server::order_state(&state.db, order_id).await?,
        None => None,
    };
    order.ok_or_else(|| {
        crate::forms::refusal_status(404);
        FormError::Invalid(FormErrors::whole("There is no order with this number."))
    })
}

#[cfg(feature = "ssr")]
fn number_of(order: &super::server::OrderState) -> String {
    crate::orders::format_order_number(order.id as u64)
}

/// The answer to a change that was made; a browser without JavaScript goes back to the
/// order's page, which says what happened (`?done=cancelled`).
#[cfg(feature = "ssr")]
fn answer(number: &str, changed: super::server::Changed, done: &str) -> OrderChanged {
    use crate::orders::OrderStatus;
    let message = match (changed.status, changed.refunded) {
        (OrderStatus::Cancelled, Some(amount)) => {
            format!("The order is cancelled, {amount} was refunded and its stock is back.")
        }
        (OrderStatus::Cancelled, None) => {
            "The order is cancelled and its stock is back.".to_owned()
        }
        (OrderStatus::Refunded, Some(amount)) => {
            format!("{amount} was refunded: the order is now refunded in full.")
        }
        (_, Some(amount)) => format!("{amount} was refunded."),
        (status, None) => format!("The order is now {}.", status.label().to_lowercase()),
    };
    crate::forms::after_browser_post(&format!("{}?done={done}", super::staff_order_path(number)));
    OrderChanged {
        status: changed.status,
        status_label: changed.status.label().to_owned(),
        message,
    }
}

/// A refusal as the form shows it: 502 when the provider could not be reached, 409 when
/// the order moved on, 422 otherwise.
#[cfg(feature = "ssr")]
fn refused(errors: FormErrors, refusal: &super::server::Refusal) -> FormError {
    use super::server::Refusal;
    let status = match refusal {
        Refusal::ProviderFailed => 502,
        Refusal::ChangedMeanwhile => 409,
        Refusal::Rules(_) | Refusal::OtherProvider { .. } | Refusal::ProviderRefused(_) => 422,
    };
    crate::forms::refusal_status(status);
    FormError::Invalid(FormErrors {
        form: Some(refusal.message()),
        ..errors
    })
}
