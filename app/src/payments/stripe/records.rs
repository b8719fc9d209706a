//! What the Stripe webhook reads and writes: the events handled, the order as the webhook
//! sees it, the card recorded with a payment, and the refund of an unclaimed payment.

use super::events::OrderState;
use super::PROVIDER;
use crate::checkout::payment::KeptCard;
use crate::db::{now_millis, Db};
use crate::orders::OrderStatus;

/// The order a payment with this reference was recorded for.
pub(super) async fn order_with_payment(
    db: &Db,
    reference: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT order_id FROM payments WHERE provider = $1 AND reference = $2
         ORDER BY id LIMIT 1",
    )
    .bind(PROVIDER)
    .bind(reference)
    .fetch_optional(db.pool())
    .await
}

/// `order_id`, if there is such an order.
pub(super) async fn existing_order(db: &Db, order_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_optional(db.pool())
        .await
}

/// Whether event `event_id` was handled before.
pub(super) async fn already_handled(db: &Db, event_id: &str) -> Result<bool, sqlx::Error> {
    let seen: Option<String> = sqlx::query_scalar(
        "SELECT event_id FROM payment_webhook_events WHERE provider = $1 AND event_id = $2",
    )
    .bind(PROVIDER)
    .bind(event_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(seen.is_some())
}

/// Records event `event_id` as handled (once its effect has committed).
pub(super) async fn mark_handled(db: &Db, event_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payment_webhook_events (provider, event_id, received_at) VALUES ($1, $2, $3)
         ON CONFLICT (provider, event_id) DO NOTHING",
    )
    .bind(PROVIDER)
    .bind(event_id)
    .bind(now_millis())
    .execute(db.pool())
    .await?;
    Ok(())
}

pub(super) async fn order_state(db: &Db, order_id: i64) -> Result<Option<OrderState>, sqlx::Error> {
    let row: Option<(String, i64, String, i64, i64)> = sqlx::query_as(
        "SELECT o.status, o.grand_total, o.currency, o.refunded_total,
                (SELECT COUNT(*) FROM order_events e WHERE e.order_id = o.id AND e.to_status = 'paid')
         FROM orders o WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(db.pool())
    .await?;
    let Some((status, grand_total, currency, refunded_total, paid_entries)) = row else {
        return Ok(None);
    };
    let status: OrderStatus = status
        .parse()
        .map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    Ok(Some(OrderState {
        status,
        ever_paid: paid_entries > 0,
        refunded: refunded_total > 0,
        grand_total,
        currency,
    }))
}

/// The card as the checkout recorded it with this payment; blank if the webhook came
/// first.
pub(super) async fn kept_card(
    db: &Db,
    order_id: i64,
    reference: &str,
) -> Result<KeptCard, sqlx::Error> {
    let card: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT card_brand, card_last4 FROM payments
         WHERE order_id = $1 AND reference = $2 ORDER BY id LIMIT 1",
    )
    .bind(order_id)
    .bind(reference)
    .fetch_optional(db.pool())
    .await?;
    let (brand, last4) = card.unwrap_or_default();
    Ok(KeptCard {
        brand: brand.unwrap_or_default(),
        last4: last4.unwrap_or_default(),
    })
}

/// Records the refund of an unclaimed payment, once: the conditional update lets only
/// the first of two deliveries racing for the same payment record it.
pub(super) async fn record_unclaimed_refund(
    db: &Db,
    order_id: i64,
    amount: i64,
    reference: Option<&str>,
    note: &str,
) -> Result<(), sqlx::Error> {
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    let claimed = sqlx::query(
        "UPDATE orders SET refunded_total = $1, updated_at = $2
         WHERE id = $3 AND status = 'cancelled' AND refunded_total = 0",
    )
    .bind(amount)
    .bind(now)
    .bind(order_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO refunds (order_id, amount, reason, provider, reference, actor_id, at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6)",
    )
    .bind(order_id)
    .bind(amount)
    .bind("paid after the order was cancelled")
    .bind(PROVIDER)
    .bind(reference)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    cancelled_order_note(&mut tx, order_id, note).await?;
    tx.commit().await
}

/// A line in a cancelled order's history, from the payment provider.
pub(super) async fn note_on_cancelled_order(
    db: &Db,
    order_id: i64,
    note: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    cancelled_order_note(&mut tx, order_id, note).await?;
    tx.commit().await
}

async fn cancelled_order_note(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    order_id: i64,
    note: &str,
) -> Result<(), sqlx::Error> {
    crate::checkout::server::record_event(
        tx,
        order_id,
        Some("cancelled"),
        "cancelled",
        "payment_provider",
        None,
        Some(note),
    )
    .await
}
