//! What every request handler and server function can reach: one `AppState`,
//! handed to server functions through Leptos context.

use crate::db::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
}

impl AppState {
    /// The state from the Leptos context of the current request.
    pub fn from_context() -> Result<AppState, crate::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            crate::AppError::internal("server function", "AppState missing from context")
        })
    }
}
