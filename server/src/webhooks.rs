//! `POST /webhooks/stripe`: Stripe's signed notices about payments. The body is read as
//! raw bytes, because the signature is over exactly those bytes; the handling itself
//! (signature, replays, the order's new state) is `app::payments::stripe::webhook`.
//!
//! The route sits outside the middleware meant for browsers (see `http::router`): it has
//! no session, is never cached, and is not subject to the cross-site refusal, because its
//! authenticity is the signature, not where the request came from.

use crate::api::problem::{Kind, Problem};
use app::payments::stripe::webhook::{Received, WebhookError};
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// 2xx for every delivery that was Stripe's, including events the shop ignores and
/// replays, so Stripe stops sending them; 400 (and nothing changed) for one that was not;
/// 500 when the database or Stripe's API failed, so Stripe delivers it again later.
pub async fn stripe(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(stripe) = &state.stripe else {
        return Problem::new(
            Kind::NotFound,
            "This shop does not take payments through Stripe.",
        )
        .into_response();
    };
    let signature = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or(0);
    match stripe
        .receive_webhook(&state.db, &state.shop, signature, &body, now)
        .await
    {
        Ok(received) => {
            let outcome = match &received {
                Received::Duplicate => "duplicate",
                Received::Ignored => "ignored",
                Received::Handled(_) => "handled",
            };
            tracing::info!(?received, "Stripe webhook");
            (
                StatusCode::OK,
                Json(serde_json::json!({ "received": true, "outcome": outcome })),
            )
                .into_response()
        }
        Err(WebhookError::Signature(error)) => {
            tracing::warn!(%error, "refused a Stripe webhook delivery");
            Problem::new(Kind::BadSignature, format!("{error}. Nothing was changed."))
                .into_response()
        }
        Err(error @ WebhookError::Unreadable(_)) => {
            tracing::warn!(%error, "refused a Stripe webhook delivery");
            Problem::new(
                Kind::UnreadableEvent,
                format!("{error}. Nothing was changed."),
            )
            .into_response()
        }
        Err(error) => Problem::internal(&error).into_response(),
    }
}
