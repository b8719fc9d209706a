//! An order as staff changes need it: its status and money, the payment that paid for
//! it, and what the order's rules allow now.

use crate::db::Db;
use crate::money::{Currency, Money};
use crate::orders::{transition, IllegalTransition, OrderEvent, OrderEventKind, OrderStatus};

/// The payment that paid for an order, as a refund needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenPayment {
    /// The provider that took it (`PaymentProvider::name`).
    pub provider: String,
    /// The provider's id for it, if it has one.
    pub reference: Option<String>,
    pub amount: i64,
}

/// An order as staff changes need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    pub id: i64,
    pub status: OrderStatus,
    pub currency: Currency,
    pub email: String,
    pub refunded_total: i64,
    /// The successful payment, if there was one.
    pub payment: Option<TakenPayment>,
    /// How many refunds were made before: the next one is number `refunds + 1`, which
    /// makes its idempotency key.
    pub refunds: i64,
}

impl OrderState {
    /// What the shopper paid (nothing before a successful payment).
    pub fn paid(&self) -> Money {
        Money::new(
            self.payment.as_ref().map_or(0, |payment| payment.amount),
            self.currency,
        )
    }

    pub fn refunded(&self) -> Money {
        Money::new(self.refunded_total, self.currency)
    }

    pub(super) fn refund_event(&self, amount: Money) -> OrderEvent {
        OrderEvent::Refund {
            amount,
            already_refunded: self.refunded(),
            paid: self.paid(),
        }
    }

    /// What is left to refund, if a refund can be made now; why not, if not.
    pub fn refundable(&self) -> Result<Money, IllegalTransition> {
        let left = Money::new(
            self.paid().amount.saturating_sub(self.refunded_total),
            self.currency,
        );
        transition(self.status, &self.refund_event(left)).map(|_| left)
    }

    /// Whether the order can be cancelled now, and what cancelling refunds: what is left
    /// of the payment of an order that was paid for, nothing for one that was not.
    pub fn cancellable(&self) -> Result<Option<Money>, IllegalTransition> {
        transition(self.status, &OrderEvent::Cancel)?;
        if self.status.allows(OrderEventKind::Refund) {
            self.refundable().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// The order `order_id` as it stands now.
pub async fn order_state(db: &Db, order_id: i64) -> Result<Option<OrderState>, sqlx::Error> {
    let row: Option<(i64, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, status, currency, email, refunded_total,
                (SELECT COUNT(*) FROM refunds r WHERE r.order_id = orders.id) AS refunds
         FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_optional(db.pool())
    .await?;
    let Some((id, status, currency, email, refunded_total, refunds)) = row else {
        return Ok(None);
    };
    let payment: Option<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT provider, reference, amount FROM payments
         WHERE order_id = $1 AND outcome = 'succeeded' ORDER BY id LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(Some(OrderState {
        id,
        status: status
            .parse()
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        currency: currency
            .parse()
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        email,
        refunded_total,
        payment: payment.map(|(provider, reference, amount)| TakenPayment {
            provider,
            reference,
            amount,
        }),
        refunds,
    }))
}
