//! The audit log as staff read it, and the server function behind `/admin/audit`.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the log is narrowed to; an empty field does not narrow it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// An action ("product.updated") or its area ("product").
    pub action: String,
    /// Part of the actor's email address.
    pub actor: String,
    /// Part of the subject ("oak-chair").
    pub subject: String,
    /// From 1.
    pub page: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffActionView {
    pub id: i64,
    /// Unix milliseconds, UTC.
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// JSON, as recorded.
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<StaffActionView>,
    pub page: i64,
    /// Whether an older page exists.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLog {
    pub page: AuditPage,
    /// Every action the log holds, for the filter.
    pub actions: Vec<String>,
}

#[server(prefix = "/rpc", endpoint = "staff_audit_log")]
pub async fn staff_audit_log(
    #[server(default)] action: String,
    #[server(default)] actor: String,
    #[server(default)] subject: String,
    #[server(default)] page: i64,
) -> Result<AuditLog, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    let filter = AuditFilter {
        action,
        actor,
        subject,
        page,
    };
    Ok(AuditLog {
        page: super::server::entries(&state.db, &filter).await?,
        actions: super::server::actions(&state.db).await?,
    })
}
