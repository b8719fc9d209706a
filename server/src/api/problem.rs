//! API errors as `application/problem+json` (RFC 9457). Each kind of problem has a
//! stable `type`, documented on the API's docs page under the same anchor.

use app::search::params::BadParam;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The problem kinds, with the `title` each one always carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BadParameter,
    NotFound,
    MethodNotAllowed,
    Internal,
    /// A webhook delivery whose signature is missing, wrong or too old.
    BadSignature,
    /// A signed webhook delivery whose event cannot be read.
    UnreadableEvent,
    /// An API token is needed and none, or a bad, unknown or revoked one, was sent.
    Unauthorized,
    /// The API token sent lacks the scope the endpoint needs.
    Forbidden,
    /// A write's JSON body cannot be read (not JSON, a field missing or of the wrong type).
    BadBody,
    /// A write's body is larger than the API takes.
    BodyTooLarge,
    /// `If-Match` names a version the resource is no longer at.
    PreconditionFailed,
    /// The resource's state does not allow the change (an order not yet paid), or it
    /// changed during the request.
    Conflict,
    /// SKUs that name no variant; nothing was changed.
    UnknownSku,
    /// The `Idempotency-Key` was used for a different request by this token.
    IdempotencyKeyReused,
    /// The first request with this `Idempotency-Key` has not been answered yet.
    IdempotencyKeyInFlight,
}

impl Kind {
    pub const ALL: [Kind; 15] = [
        Kind::BadParameter,
        Kind::NotFound,
        Kind::MethodNotAllowed,
        Kind::Internal,
        Kind::BadSignature,
        Kind::UnreadableEvent,
        Kind::Unauthorized,
        Kind::Forbidden,
        Kind::BadBody,
        Kind::BodyTooLarge,
        Kind::PreconditionFailed,
        Kind::Conflict,
        Kind::UnknownSku,
        Kind::IdempotencyKeyReused,
        Kind::IdempotencyKeyInFlight,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Kind::BadParameter => "bad-parameter",
            Kind::NotFound => "not-found",
            Kind::MethodNotAllowed => "method-not-allowed",
            Kind::Internal => "internal",
            Kind::BadSignature => "bad-signature",
            Kind::UnreadableEvent => "unreadable-event",
            Kind::Unauthorized => "unauthorized",
            Kind::Forbidden => "forbidden",
            Kind::BadBody => "bad-body",
            Kind::BodyTooLarge => "body-too-large",
            Kind::PreconditionFailed => "precondition-failed",
            Kind::Conflict => "conflict",
            Kind::UnknownSku => "unknown-sku",
            Kind::IdempotencyKeyReused => "idempotency-key-reused",
            Kind::IdempotencyKeyInFlight => "idempotency-key-in-flight",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::BadParameter => "A parameter cannot be used",
            Kind::NotFound => "Not found",
            Kind::MethodNotAllowed => "Method not allowed",
            Kind::Internal => "Something went wrong on our side",
            Kind::BadSignature => "The webhook signature is not valid",
            Kind::UnreadableEvent => "The webhook event cannot be read",
            Kind::Unauthorized => "A valid API token is needed",
            Kind::Forbidden => "The API token may not do this",
            Kind::BadBody => "The request body cannot be read",
            Kind::BodyTooLarge => "The request body is too large",
            Kind::PreconditionFailed => "The resource has changed since the version sent",
            Kind::Conflict => "The resource's state does not allow this",
            Kind::UnknownSku => "A SKU names no variant",
            Kind::IdempotencyKeyReused => "The Idempotency-Key was used for another request",
            Kind::IdempotencyKeyInFlight => {
                "The first request with this Idempotency-Key is still running"
            }
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Kind::BadParameter | Kind::BadSignature | Kind::UnreadableEvent | Kind::BadBody => {
                StatusCode::BAD_REQUEST
            }
            Kind::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Kind::Conflict | Kind::IdempotencyKeyInFlight => StatusCode::CONFLICT,
            Kind::UnknownSku | Kind::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::Unauthorized => StatusCode::UNAUTHORIZED,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `type` URI: the problem's entry on the docs page.
    pub fn type_uri(self) -> String {
        format!("/api/v1/docs#problem-{}", self.slug())
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// Stable per kind of problem, e.g. `/api/v1/docs#problem-bad-parameter`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong this time, in words for the integrator.
    pub detail: String,
    /// For `bad-parameter`: the query parameter, header or body field at fault (the
    /// first, when there are several).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// For a refused write: what is wrong, per body field (`name`, `variants[0].price`,
    /// `items[2].sku` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, String>>,
}

impl Problem {
    pub fn new(kind: Kind, detail: impl Into<String>) -> Problem {
        Problem {
            kind: kind.type_uri(),
            title: kind.title().to_owned(),
            status: kind.status().as_u16(),
            detail: detail.into(),
            parameter: None,
            errors: None,
        }
    }

    /// A write refused for what its body says: `kind` with every field at fault in
    /// `errors`, the first also in `parameter`.
    pub fn fields(
        kind: Kind,
        detail: impl Into<String>,
        errors: BTreeMap<String, String>,
    ) -> Problem {
        Problem {
            parameter: errors.keys().next().cloned(),
            errors: Some(errors),
            ..Problem::new(kind, detail)
        }
    }

    pub fn bad_parameter(bad: BadParam) -> Problem {
        Problem {
            parameter: Some(bad.name.clone()),
            ..Problem::new(Kind::BadParameter, format!("The parameter {bad}."))
        }
    }

    /// A fault of ours: logged in full, answered without internal detail.
    pub fn internal(error: &dyn std::fmt::Display) -> Problem {
        tracing::error!(error = %error, "API request failed");
        Problem::new(
            Kind::Internal,
            "The request could not be completed. Please try again shortly.",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            )],
            body,
        )
            .into_response()
    }
}
