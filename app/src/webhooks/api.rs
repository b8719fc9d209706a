//! The staff's server functions for webhooks: the endpoints, one endpoint with its secret
//! and delivery log, creating, switching on and off, deleting, and resending a delivery.
//! Each starts with `require_staff`.

use super::{DeliveryStatus, Event};
use crate::forms::FormError;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Longest endpoint URL, in characters.
pub const MAX_URL_CHARS: usize = 2_000;

/// An endpoint as the list shows it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointForStaff {
    pub id: i64,
    pub url: String,
    pub events: Vec<Event>,
    pub active: bool,
    /// Unix milliseconds, UTC.
    pub created_at: i64,
    /// The email address of whoever made it, if the account still exists.
    pub created_by: Option<String>,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptForStaff {
    pub at: i64,
    /// The receiver's HTTP status; none when it could not be reached.
    pub status_code: Option<i64>,
    pub error: Option<String>,
}

/// One event sent (or being sent) to an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryForStaff {
    pub id: i64,
    pub event_id: String,
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    /// The delivery this one resends.
    pub resend_of: Option<i64>,
    pub created_at: i64,
    pub last_attempt_at: Option<i64>,
    pub attempt_log: Vec<AttemptForStaff>,
}

/// An endpoint's page: the endpoint, its signing secret and its newest deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointDetail {
    pub endpoint: EndpointForStaff,
    pub secret: String,
    pub deliveries: Vec<DeliveryForStaff>,
}

/// What a change of an endpoint did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointChanged {
    pub id: i64,
    pub message: String,
}

/// The path of endpoint `id`'s page.
pub fn endpoint_path(id: i64) -> String {
    format!("{}/{id}", super::STAFF_WEBHOOKS)
}

/// Every endpoint, newest first.
#[server(prefix = "/rpc", endpoint = "staff_webhook_endpoints")]
pub async fn staff_webhook_endpoints() -> Result<Vec<EndpointForStaff>, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    Ok(super::server::list_endpoints(&state.db).await?)
}

/// Endpoint `endpoint_id` with its secret and delivery log; `None` if there is none.
#[server(prefix = "/rpc", endpoint = "staff_webhook_endpoint")]
pub async fn staff_webhook_endpoint(endpoint_id: i64) -> Result<Option<EndpointDetail>, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    let Some((endpoint, secret)) = super::server::endpoint(&state.db, endpoint_id).await? else {
        return Ok(None);
    };
    let deliveries = super::server::deliveries(&state.db, endpoint_id).await?;
    Ok(Some(EndpointDetail {
        endpoint,
        secret,
        deliveries,
    }))
}

/// Registers an endpoint for `url` with the events whose boxes are ticked (any value).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/rpc", endpoint = "create_webhook_endpoint")]
pub async fn create_webhook_endpoint(
    #[server(default)] url: String,
    #[server(default)] order_created: String,
    #[server(default)] order_paid: String,
    #[server(default)] order_fulfilled: String,
    #[server(default)] order_refunded: String,
    #[server(default)] product_updated: String,
    #[server(default)] stock_low: String,
) -> Result<EndpointChanged, FormError> {
    use crate::forms::{invalid, FormErrors};
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let url = url.trim().to_owned();
    let ticked = [
        (Event::OrderCreated, order_created),
        (Event::OrderPaid, order_paid),
        (Event::OrderFulfilled, order_fulfilled),
        (Event::OrderRefunded, order_refunded),
        (Event::ProductUpdated, product_updated),
        (Event::StockLow, stock_low),
    ];
    let events: Vec<Event> = ticked
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(event, _)| event)
        .collect();
    let mut errors = FormErrors::default().keep("url", &url);
    if url.chars().count() > MAX_URL_CHARS {
        errors = errors.on("url", format!("At most {MAX_URL_CHARS} characters."));
    } else if !super::acceptable_url(&url) {
        errors = errors.on(
            "url",
            "Enter the full address, starting with https:// (or http://).",
        );
    }
    if events.is_empty() {
        errors = errors.on("events", "Choose at least one event to send.");
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let secret = super::server::new_secret().map_err(|error| {
        tracing::error!(%error, "no randomness for a webhook secret");
        AppError::Internal
    })?;
    let id = super::server::create_endpoint(&state.db, &staff, &url, &events, &secret).await?;
    crate::forms::after_browser_post(&format!("{}?done=created", endpoint_path(id)));
    Ok(EndpointChanged {
        id,
        message: format!("The endpoint {url} is added. Its signing secret is on its page."),
    })
}

#[cfg(feature = "ssr")]
fn no_such_endpoint() -> FormError {
    crate::forms::refusal_status(404);
    FormError::Invalid(crate::forms::FormErrors::whole(
        "There is no such endpoint, or it is that way already.",
    ))
}

/// Switches endpoint `endpoint_id` on (`active`) or off.
#[server(prefix = "/rpc", endpoint = "set_webhook_endpoint_active")]
pub async fn set_webhook_endpoint_active(
    endpoint_id: i64,
    active: bool,
) -> Result<EndpointChanged, FormError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let Some(url) =
        super::server::set_endpoint_active(&state.db, &staff, endpoint_id, active).await?
    else {
        return Err(no_such_endpoint());
    };
    let done = if active { "enabled" } else { "disabled" };
    crate::forms::after_browser_post(&format!("{}?done={done}", endpoint_path(endpoint_id)));
    Ok(EndpointChanged {
        id: endpoint_id,
        message: format!("The endpoint {url} is {done}."),
    })
}

/// Deletes endpoint `endpoint_id` and its delivery log.
#[server(prefix = "/rpc", endpoint = "delete_webhook_endpoint")]
pub async fn delete_webhook_endpoint(endpoint_id: i64) -> Result<EndpointChanged, FormError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let Some(url) = super::server::delete_endpoint(&state.db, &staff, endpoint_id).await? else {
        return Err(no_such_endpoint());
    };
    crate::forms::after_browser_post(&format!("{}?done=deleted", super::STAFF_WEBHOOKS));
    Ok(EndpointChanged {
        id: endpoint_id,
        message: format!("The endpoint {url} is deleted."),
    })
}

/// Sends delivery `delivery_id` of endpoint `endpoint_id` again: a new delivery of the same
/// event, with the same event id.
#[server(prefix = "/rpc", endpoint = "resend_webhook_delivery")]
pub async fn resend_webhook_delivery(
    endpoint_id: i64,
    delivery_id: i64,
) -> Result<EndpointChanged, FormError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let Some(id) = super::server::resend(&state.db, &staff, endpoint_id, delivery_id).await? else {
        crate::forms::refusal_status(404);
        return Err(FormError::Invalid(crate::forms::FormErrors::whole(
            "There is no such delivery, or its endpoint is switched off.",
        )));
    };
    crate::forms::after_browser_post(&format!("{}?done=resent", endpoint_path(endpoint_id)));
    Ok(EndpointChanged {
        id,
        message: "The event is sent again, as a new delivery.".to_owned(),
    })
}
