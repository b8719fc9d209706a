//! Writing and reading `staff_actions`.

use super::api::{AuditFilter, AuditPage, StaffActionView};
use crate::accounts::server::User;
use crate::db::{now_millis, Db};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

/// Whoever makes a staff-side change: a member of staff, or an integration through its
/// API token. The audit log, the stock history and the order history name them by it.
pub trait Actor: std::fmt::Debug + Send + Sync {
    /// The member of staff's user id; none for an API token.
    fn user_id(&self) -> Option<i64>;
    /// How the logs name them: the staff member's address, "API token ERP (bz_1a2b3c4d)".
    fn label(&self) -> String;
    /// The kind of actor an order's history keeps: `staff` or `api_token`.
    fn kind(&self) -> &'static str;
}

impl Actor for User {
    fn user_id(&self) -> Option<i64> {
        Some(self.id)
    }

    fn label(&self) -> String {
        self.email.clone()
    }

    fn kind(&self) -> &'static str {
        "staff"
    }
}

/// One change by a member of staff (or an API token), as the log keeps it.
pub struct StaffAction<'a> {
    pub actor: &'a dyn Actor,
    /// Dotted and stable, so the log can be filtered by it: "product.updated".
    pub action: &'a str,
    /// What changed, in words staff would search for: "product oak-chair".
    pub subject: String,
    /// The thing before the change (`None` for a creation).
    pub before: Option<serde_json::Value>,
    /// The thing after the change (`None` for a deletion).
    pub after: Option<serde_json::Value>,
}

/// Any serialisable value as the JSON the log stores.
pub fn snapshot<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// Records `action` in the caller's transaction.
pub async fn record(
    tx: &mut Transaction<'_, Any>,
    action: StaffAction<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO staff_actions (at, actor_id, actor, action, subject, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now_millis())
    .bind(action.actor.user_id())
    .bind(action.actor.label())
    .bind(action.action)
    .bind(&action.subject)
    .bind(action.before.map(|v| v.to_string()))
    .bind(action.after.map(|v| v.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Entries on one page of the log.
pub const PAGE_SIZE: i64 = 50;

/// The entries matching `filter`, newest first, one page at a time.
pub async fn entries(db: &Db, filter: &AuditFilter) -> Result<AuditPage, sqlx::Error> {
    let page = filter.page.max(1);
    // Each condition is switched off by an empty parameter, so one statement serves
    // every combination of filters.
    let rows = sqlx::query(
        "SELECT id, at, actor, action, subject, before, after FROM staff_actions
         WHERE ($1 = '' OR action = $1 OR action LIKE $1 || '.%')
           AND ($2 = '' OR lower(actor) LIKE '%' || lower($2) || '%')
           AND ($3 = '' OR lower(subject) LIKE '%' || lower($3) || '%')
         ORDER BY at DESC, id DESC
         LIMIT $4 OFFSET $5",
    )
    .bind(filter.action.trim())
    .bind(filter.actor.trim())
    .bind(filter.subject.trim())
    .bind(PAGE_SIZE + 1)
    .bind((page - 1) * PAGE_SIZE)
    .fetch_all(db.pool())
    .await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let entries = rows
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|row| {
            Ok(StaffActionView {
                id: row.try_get("id")?,
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                before: row.try_get("before")?,
                after: row.try_get("after")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(AuditPage {
        entries,
        page,
        more,
    })
}

/// The distinct actions in the log, for the filter's choices.
pub async fn actions(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT DISTINCT action FROM staff_actions ORDER BY action")
        .fetch_all(db.pool())
        .await
}
