//! The error every server function returns. Expected outcomes (an unknown product, say)
//! are values such as `Option`, not errors: `AppError` is for faults, and never carries
//! internal detail to the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// A fault on our side; the detail went to the log, not to the user.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The action needs a signed-in account, and nobody is signed in (401).
    #[error("Please sign in first.")]
    SignInRequired,
    /// The signed-in account may not do this (403).
    #[error("Your account may not do this.")]
    Forbidden,
    /// The request could not reach the server or its answer could not be read.
    #[error("The shop could not be reached ({0}). Check your connection and try again.")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// A fault whose detail belongs in the log only.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "{context}");
        AppError::Internal
    }
}
