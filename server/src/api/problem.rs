//! API errors as `application/problem+json` (RFC 9457). Each kind of problem has a
//! stable `type`, documented on the API's docs page under the same anchor.

use app::search::params::BadParam;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
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
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::BadParameter,
        Kind::NotFound,
        Kind::MethodNotAllowed,
        Kind::Internal,
        Kind::BadSignature,
        Kind::UnreadableEvent,
        Kind::Unauthorized,
        Kind::Forbidden,
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
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Kind::BadParameter | Kind::BadSignature | Kind::UnreadableEvent => {
                StatusCode::BAD_REQUEST
            }
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
    /// For `bad-parameter`: the query parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

impl Problem {
    pub fn new(kind: Kind, detail: impl Into<String>) -> Problem {
        Problem {
            kind: kind.type_uri(),
            title: kind.title().to_owned(),
            status: kind.status().as_u16(),
            detail: detail.into(),
            parameter: None,
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
