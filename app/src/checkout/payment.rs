//! What a payment provider's answer does to an order. Paid: the order moves on, the cart
//! empties, and the confirmation email is queued, in one transaction. Refused: the order
//! is cancelled and its stock released, and the cart stays as it was for another try.
//! Every attempt is recorded with what may be kept of the card (brand, last four) and the
//! provider's id for it.

use super::server::{cancel_unpaid, record_event};
use crate::db::{now_millis, Db};
use crate::email::Shop;
use crate::money::{Currency, Money};
use crate::payments::{CardOutcome, CardSummary};

/// What is kept of a card with a payment attempt: never its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptCard {
    pub brand: String,
    pub last4: String,
}

impl From<&CardSummary> for KeptCard {
    fn from(card: &CardSummary) -> KeptCard {
        KeptCard {
            brand: card.brand.label().to_owned(),
            last4: card.last4.clone(),
        }
    }
}

/// Where an order stands after a payment answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Paid,
    /// The bank wants the shopper to confirm first; the order keeps its stock meanwhile.
    AwaitingAuthentication,
    /// Refused: the order is cancelled, its stock is back.
    Refused(CardOutcome),
    /// The order stopped waiting for payment before the answer came (its reservation ran
    /// out, or it was paid already): nothing changed.
    NotAwaitingPayment,
}

/// One answer from a payment provider, as it is recorded with the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    /// The provider's name (`PaymentProvider::name`).
    pub provider: &'static str,
    pub outcome: CardOutcome,
    /// The provider's id for the payment, if it has one.
    pub reference: Option<String>,
    pub card: KeptCard,
}

/// Applies a provider's answer to order `order_id`: from the checkout (the `test`
/// provider answers at once) or from a webhook (Stripe answers later).
pub async fn settle(
    db: &Db,
    shop: &Shop,
    order_id: i64,
    payment: &PaymentRecord,
) -> Result<Settled, sqlx::Error> {
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO payments (order_id, provider, outcome, amount, card_brand, card_last4, reference, at)
         SELECT id, $2, $3, grand_total, $4, $5, $6, $7 FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .bind(payment.provider)
    .bind(payment.outcome.as_str())
    .bind(&payment.card.brand)
    .bind(&payment.card.last4)
    .bind(&payment.reference)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let order: Option<(i64, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT grand_total, currency, email, cart_id FROM orders
         WHERE id = $1 AND status = 'awaiting_payment'",
    )
    .bind(order_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((amount, currency, email, cart_id)) = order else {
        // Kept: the attempt happened, whatever became of the order.
        tx.commit().await?;
        return Ok(Settled::NotAwaitingPayment);
    };
    let card = &payment.card;
    let settled = match payment.outcome {
        CardOutcome::Succeeded => {
            let moved = sqlx::query(
                "UPDATE orders SET status = 'paid', reserved_until = NULL, updated_at = $1
                 WHERE id = $2 AND status = 'awaiting_payment'",
            )
            .bind(now)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(Settled::NotAwaitingPayment);
            }
            let note = if card.last4.is_empty() {
                format!("paid through {}", payment.provider)
            } else {
                format!("{} ending in {}", card.brand, card.last4)
            };
            record_event(
                &mut tx,
                order_id,
                Some("awaiting_payment"),
                "paid",
                "payment_provider",
                None,
                Some(&note),
            )
            .await?;
            if let Some(cart_id) = cart_id {
                sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1")
                    .bind(cart_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let currency: Currency = currency.parse().unwrap_or(Currency::GBP);
            let message = confirmation(
                &mut tx,
                shop,
                order_id,
                &email,
                Money::new(amount, currency),
            )
            .await?;
            crate::email::enqueue_email(&mut tx, &message).await?;
            Settled::Paid
        }
        CardOutcome::RequiresAuthentication => Settled::AwaitingAuthentication,
        refused => {
            cancel_unpaid(&mut tx, order_id, "payment_provider", refused.as_str(), now).await?;
            Settled::Refused(refused)
        }
    };
    tx.commit().await?;
    Ok(settled)
}

/// The order confirmation: what was bought, the total, and the order's link.
async fn confirmation(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    shop: &Shop,
    order_id: i64,
    email: &str,
    total: Money,
) -> Result<crate::email::EmailMessage, sqlx::Error> {
    let lines: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT name, quantity, line_total FROM order_lines WHERE order_id = $1 ORDER BY position",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await?;
    let number = crate::orders::format_order_number(order_id as u64);
    let mut paragraphs = vec![format!(
        "Thank you for your order {number}. We have received your payment and will send your order soon."
    )];
    paragraphs.extend(lines.into_iter().map(|(name, quantity, line_total)| {
        format!(
            "{quantity} × {name}: {}",
            Money::new(line_total, total.currency)
        )
    }));
    let discount: Option<(Option<String>, i64)> =
        sqlx::query_as("SELECT discount_code, discount_total FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some((Some(code), amount)) = discount.filter(|(_, amount)| *amount > 0) {
        paragraphs.push(format!(
            "Discount ({code}): −{}",
            Money::new(amount, total.currency)
        ));
    }
    paragraphs.push(format!("Total paid, with delivery: {total}"));
    let paragraphs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    // A link of its own, so the email opens the order in any browser.
    let token = super::server::add_order_link(tx, order_id).await?;
    let path = super::order_path(&number, &token);
    Ok(crate::email::notice(
        shop,
        email,
        &format!("Your {} order {number}", shop.name()),
        &paragraphs,
        Some(("See your order", &path)),
    ))
}

/// Records that the provider will answer for order `order_id` by webhook; the order keeps
/// waiting for payment (and its stock) meanwhile.
pub async fn record_pending(
    db: &Db,
    order_id: i64,
    provider: &str,
    reference: &str,
    card: &KeptCard,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payments (order_id, provider, outcome, amount, card_brand, card_last4, reference, at)
         SELECT id, $2, 'pending', grand_total, $3, $4, $5, $6 FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .bind(provider)
    .bind(&card.brand)
    .bind(&card.last4)
    .bind(reference)
    .bind(now_millis())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Cancels order `order_id` if it still awaits payment, releasing its stock: `note` says
/// why, in its history.
pub async fn abandon(db: &Db, order_id: i64, note: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let cancelled = cancel_unpaid(&mut tx, order_id, "system", note, now_millis()).await?;
    tx.commit().await?;
    Ok(cancelled)
}
