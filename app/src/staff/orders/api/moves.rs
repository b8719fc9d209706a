//! Marking an order dispatched or delivered.

use super::OrderChanged;
use crate::forms::FormError;
#[cfg(feature = "ssr")]
use crate::forms::FormErrors;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::{answer, number_of, order_to_change, refused};

/// The longest tracking number kept.
pub const MAX_TRACKING_CHARS: usize = 100;

/// Marks the paid order `number` dispatched, with an optional `tracking` number (kept
/// in the order's history).
#[server(prefix = "/rpc", endpoint = "fulfil_order")]
pub async fn fulfil_order(
    number: String,
    #[server(default)] tracking: String,
) -> Result<OrderChanged, FormError> {
    use crate::forms::invalid;
    use crate::orders::OrderEvent;
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let errors = FormErrors::default().keep("tracking", &tracking);
    let order = order_to_change(&state, &number).await?;
    let tracking = tracking.trim();
    if tracking.chars().count() > MAX_TRACKING_CHARS {
        return Err(invalid(errors.on(
            "tracking",
            format!("Keep the tracking number under {MAX_TRACKING_CHARS} characters."),
        )));
    }
    let note = crate::orders::dispatch_note(tracking);
    let event = OrderEvent::Fulfil {
        tracking: (!tracking.is_empty()).then(|| tracking.to_owned()),
    };
    advanced(&state, &order, &event, &staff, &note, errors, "fulfilled").await
}

/// Marks the dispatched order `number` delivered.
#[server(prefix = "/rpc", endpoint = "deliver_order")]
pub async fn deliver_order(number: String) -> Result<OrderChanged, FormError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let order = order_to_change(&state, &number).await?;
    let event = crate::orders::OrderEvent::Deliver;
    advanced(
        &state,
        &order,
        &event,
        &staff,
        "",
        FormErrors::default(),
        "delivered",
    )
    .await
}

/// Moves `order` with `event` as `staff`; the answer for the page.
#[cfg(feature = "ssr")]
async fn advanced(
    state: &crate::state::AppState,
    order: &crate::staff::orders::server::OrderState,
    event: &crate::orders::OrderEvent,
    staff: &crate::accounts::server::User,
    note: &str,
    errors: FormErrors,
    done: &str,
) -> Result<OrderChanged, FormError> {
    use crate::staff::orders::server::{advance, StaffChange};
    let change = StaffChange {
        staff,
        reason: note,
    };
    match advance(&state.db, order, event, change).await? {
        Ok(changed) => Ok(answer(&number_of(order), changed, done)),
        Err(refusal) => Err(refused(errors, &refusal)),
    }
}
