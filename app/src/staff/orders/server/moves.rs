//! Staff moving an order along without money changing hands (dispatched, delivered),
//! and the staff audit entry every staff change of an order writes.

use super::{move_order, Changed, OrderState, Refusal, StaffChange};
use crate::checkout::server::record_event;
use crate::db::Db;
use crate::orders::{format_order_number, transition, OrderEvent, OrderStatus};
use crate::staff::audit::server::{record, snapshot, StaffAction};
use serde::Serialize;
use sqlx::{Any, Transaction};

/// Moves `order` along without money changing hands: dispatched (`Fulfil`, its
/// tracking number kept in the history's note) or delivered, if the order's rules allow.
pub async fn advance(
    db: &Db,
    order: &OrderState,
    event: &OrderEvent,
    change: StaffChange<'_>,
) -> Result<Result<Changed, Refusal>, sqlx::Error> {
    let to = match transition(order.status, event) {
        Ok(to) => to,
        Err(illegal) => return Ok(Err(illegal.into())),
    };
    let action = match event {
        OrderEvent::Fulfil { .. } => "order.fulfilled",
        _ => "order.delivered",
    };
    let mut tx = db.begin_write().await?;
    if !move_order(&mut tx, order, to, 0).await? {
        tx.rollback().await?;
        return Ok(Err(Refusal::ChangedMeanwhile));
    }
    let note = (!change.reason.is_empty()).then_some(change.reason);
    record_event(
        &mut tx,
        order.id,
        Some(order.status.as_str()),
        to.as_str(),
        change.staff.kind(),
        change.staff.user_id(),
        note,
    )
    .await?;
    audit(&mut tx, action, order, to, order.refunded_total, change).await?;
    tx.commit().await?;
    Ok(Ok(Changed {
        status: to,
        refunded: None,
    }))
}

/// An order as the staff audit log keeps it.
#[derive(Serialize)]
struct AuditedOrder<'a> {
    status: &'static str,
    refunded_total: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

/// Records a staff change of `order` (now `to`, with `refunded_total`) in the audit log.
pub(super) async fn audit(
    tx: &mut Transaction<'_, Any>,
    action: &str,
    order: &OrderState,
    to: OrderStatus,
    refunded_total: i64,
    change: StaffChange<'_>,
) -> Result<(), sqlx::Error> {
    let before = AuditedOrder {
        status: order.status.as_str(),
        refunded_total: order.refunded_total,
        note: None,
    };
    let after = AuditedOrder {
        status: to.as_str(),
        refunded_total,
        note: (!change.reason.is_empty()).then_some(change.reason),
    };
    record(
        tx,
        StaffAction {
            actor: change.staff,
            action,
            subject: format!("order {}", format_order_number(order.id as u64)),
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )
    .await
}
