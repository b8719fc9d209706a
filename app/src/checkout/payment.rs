//! What a payment provider's answer does to an order. Paid: the order moves on, the cart
//! empties, and the confirmation email is queued, in one transaction. Refused: the order
//! is cancelled and its stock released, and the cart stays as it was for another try.
//! Every attempt is recorded with what may be kept of the card (brand, last four).

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

/// The order a payment is for, as the confirmation email needs it.
pub struct PaidOrder<'a> {
    pub order_id: i64,
    pub cart_id: i64,
    pub access_token: &'a str,
}

/// Applies `outcome` (from the `test` provider) to the order.
pub async fn settle(
    db: &Db,
    shop: &Shop,
    order: &PaidOrder<'_>,
    outcome: CardOutcome,
    card: &KeptCard,
) -> Result<Settled, sqlx::Error> {
    let now = now_millis();
    let mut tx = db.pool().begin().await?;
    let grand_total: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT grand_total, currency, email FROM orders WHERE id = $1 AND status = 'awaiting_payment'",
    )
    .bind(order.order_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((amount, currency, email)) = grand_total else {
        tx.rollback().await?;
        return Ok(Settled::NotAwaitingPayment);
    };
    sqlx::query(
        "INSERT INTO payments (order_id, provider, outcome, amount, card_brand, card_last4, at)
         VALUES ($1, 'test', $2, $3, $4, $5, $6)",
    )
    .bind(order.order_id)
    .bind(outcome.as_str())
    .bind(amount)
    .bind(&card.brand)
    .bind(&card.last4)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let settled = match outcome {
        CardOutcome::Succeeded => {
            let moved = sqlx::query(
                "UPDATE orders SET status = 'paid', reserved_until = NULL, updated_at = $1
                 WHERE id = $2 AND status = 'awaiting_payment'",
            )
            .bind(now)
            .bind(order.order_id)
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(Settled::NotAwaitingPayment);
            }
            record_event(
                &mut tx,
                order.order_id,
                Some("awaiting_payment"),
                "paid",
                "payment_provider",
                None,
                Some(&format!("{} ending in {}", card.brand, card.last4)),
            )
            .await?;
            sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1")
                .bind(order.cart_id)
                .execute(&mut *tx)
                .await?;
            let currency: Currency = currency.parse().unwrap_or(Currency::GBP);
            let message =
                confirmation(&mut tx, shop, order, &email, Money::new(amount, currency)).await?;
            crate::email::enqueue_email(&mut tx, &message).await?;
            Settled::Paid
        }
        CardOutcome::RequiresAuthentication => Settled::AwaitingAuthentication,
        refused => {
            cancel_unpaid(
                &mut tx,
                order.order_id,
                "payment_provider",
                refused.as_str(),
                now,
            )
            .await?;
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
    order: &PaidOrder<'_>,
    email: &str,
    total: Money,
) -> Result<crate::email::EmailMessage, sqlx::Error> {
    let lines: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT name, quantity, line_total FROM order_lines WHERE order_id = $1 ORDER BY position",
    )
    .bind(order.order_id)
    .fetch_all(&mut **tx)
    .await?;
    let number = crate::orders::format_order_number(order.order_id as u64);
    let mut paragraphs = vec![format!(
        "Thank you for your order {number}. We have received your payment and will send your order soon."
    )];
    paragraphs.extend(lines.into_iter().map(|(name, quantity, line_total)| {
        format!(
            "{quantity} × {name}: {}",
            Money::new(line_total, total.currency)
        )
    }));
    paragraphs.push(format!("Total paid, with delivery: {total}"));
    let paragraphs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    let path = super::order_path(&number, order.access_token);
    Ok(crate::email::notice(
        shop,
        email,
        &format!("Your {} order {number}", shop.name()),
        &paragraphs,
        Some(("See your order", &path)),
    ))
}
