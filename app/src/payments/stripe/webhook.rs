//! Receiving Stripe's webhook: check the signature, skip events already handled, fetch the
//! PaymentIntent as Stripe has it now, and move the order accordingly.
//!
//! **Replays.** An event's id is recorded in `payment_webhook_events` once its effect has
//! committed, and an event whose id is there changes nothing. The record is written after
//! the effect, not in its transaction (`settle` owns its own), and that order is the safe
//! one: a crash between the two leaves the event unrecorded, so Stripe's redelivery runs
//! it again, and running it again changes nothing, because every effect is conditional on
//! the order's state (`settle` moves only an order awaiting payment; an unclaimed payment
//! is refunded once, under an idempotency key, and recorded only while nothing has been
//! refunded). Recording first would be the unsafe order: a crash after it would lose the
//! payment for good. Two deliveries of one event at the same moment may both run; the
//! same conditions let only one of them move the order or record the refund (the other
//! may leave a second attempt line in `payments`, which is harmless).
//!
//! **Order of arrival.** The event is only a nudge; what is acted on is the PaymentIntent
//! fetched from Stripe, so a late `payment_failed` finds the payment `succeeded` and a paid
//! order stays paid (see [`super::events::decide`]).

use super::events::{decide, Action, Event, OrderState};
use super::objects::PaymentIntent;
use super::records::{self, already_handled, kept_card, mark_handled, order_state};
use super::signature::{self, SignatureError};
use super::{StripeProvider, PROVIDER};
use crate::checkout::payment::{settle, PaymentRecord, Settled};
use crate::db::Db;
use crate::email::Shop;
use crate::money::{Currency, Money};
use crate::payments::provider::{PaymentProvider, ProviderError, Refund, RefundAnswer};
use crate::payments::CardOutcome;

/// What became of a delivery that was Stripe's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// This event was handled before; nothing was done again.
    Duplicate,
    /// Not an event that moves orders.
    Ignored,
    Handled(Effect),
}

/// What an event did to its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Paid {
        order_id: i64,
    },
    Refused {
        order_id: i64,
        outcome: CardOutcome,
    },
    /// The money came in for a cancelled order and went back.
    Refunded {
        order_id: i64,
        reference: Option<String>,
    },
    /// The money came in for a cancelled order and Stripe would not refund it.
    RefundRefused {
        order_id: i64,
        reason: String,
    },
    /// Paid for another amount than the order's; logged for staff, nothing moved.
    AmountMismatch {
        order_id: i64,
    },
    /// The order was already where Stripe's state says, or Stripe has not decided yet.
    Unchanged {
        order_id: i64,
    },
    /// Not one of this shop's payments.
    NoOrder,
}

/// Why a delivery was not handled.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error("the event cannot be read: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// The idempotency key for giving back a payment that arrived for a cancelled order.
pub fn unclaimed_refund_key(order_id: i64) -> String {
    format!("bazaar-order-{order_id}-refund-unclaimed")
}

impl StripeProvider {
    /// Handles one delivery to the webhook: `signature_header` is its `Stripe-Signature`,
    /// `payload` its body exactly as received, `now_unix` the time in seconds.
    pub async fn receive_webhook(
        &self,
        db: &Db,
        shop: &Shop,
        signature_header: Option<&str>,
        payload: &[u8],
        now_unix: i64,
    ) -> Result<Received, WebhookError> {
        signature::verify(
            signature_header,
            payload,
            self.webhook_secret.expose().as_bytes(),
            now_unix,
        )?;
        let event: Event = serde_json::from_slice(payload)
            .map_err(|error| WebhookError::Unreadable(error.to_string()))?;
        let Some(intent_id) = event.payment_intent() else {
            return Ok(Received::Ignored);
        };
        if already_handled(db, &event.id).await? {
            return Ok(Received::Duplicate);
        }
        let intent = self.payment_intent(intent_id).await?;
        let effect = self.apply(db, shop, &intent).await?;
        mark_handled(db, &event.id).await?;
        Ok(Received::Handled(effect))
    }

    /// Moves the order of `intent` to where Stripe's state says.
    async fn apply(
        &self,
        db: &Db,
        shop: &Shop,
        intent: &PaymentIntent,
    ) -> Result<Effect, WebhookError> {
        let Some(order_id) = self.order_for(db, intent).await? else {
            tracing::info!(payment_intent = %intent.id, "a Stripe payment for no order of this shop");
            return Ok(Effect::NoOrder);
        };
        // An order that moves between being read and being settled (the reservation
        // sweep cancelling it, a duplicate delivery paying it) is read again.
        for _ in 0..3 {
            let Some(order) = order_state(db, order_id).await? else {
                return Ok(Effect::NoOrder);
            };
            match decide(intent, &order) {
                Action::Settle(outcome) => {
                    let payment = PaymentRecord {
                        provider: PROVIDER,
                        outcome,
                        reference: Some(intent.id.clone()),
                        card: kept_card(db, order_id, &intent.id).await?,
                    };
                    match settle(db, shop, order_id, &payment).await? {
                        Settled::Paid => return Ok(Effect::Paid { order_id }),
                        Settled::Refused(outcome) => {
                            return Ok(Effect::Refused { order_id, outcome })
                        }
                        Settled::AwaitingAuthentication => {
                            return Ok(Effect::Unchanged { order_id })
                        }
                        Settled::NotAwaitingPayment => continue,
                    }
                }
                Action::RefundUnclaimed => {
                    return self.refund_unclaimed(db, order_id, &order, intent).await
                }
                Action::AmountMismatch => {
                    tracing::error!(
                        order_id,
                        payment_intent = %intent.id,
                        amount = intent.amount,
                        currency = %intent.currency,
                        order_total = order.grand_total,
                        "a Stripe payment does not match its order's total; the order was not marked paid"
                    );
                    return Ok(Effect::AmountMismatch { order_id });
                }
                Action::Nothing => return Ok(Effect::Unchanged { order_id }),
            }
        }
        Ok(Effect::Unchanged { order_id })
    }

    /// The order a PaymentIntent pays for: the one its reference was recorded with, or
    /// (when the webhook comes before the checkout recorded it, or the checkout gave up
    /// waiting for Stripe) the one its metadata names, if this shop made it.
    async fn order_for(&self, db: &Db, intent: &PaymentIntent) -> Result<Option<i64>, sqlx::Error> {
        if let Some(order_id) = records::order_with_payment(db, &intent.id).await? {
            return Ok(Some(order_id));
        }
        match intent.order_of(&self.shop_url) {
            Some(named) => records::existing_order(db, named).await,
            None => Ok(None),
        }
    }

    /// Gives back a payment that arrived for a cancelled order, and records that with the
    /// order (a refund, and a line in its history).
    async fn refund_unclaimed(
        &self,
        db: &Db,
        order_id: i64,
        order: &OrderState,
        intent: &PaymentIntent,
    ) -> Result<Effect, WebhookError> {
        let currency: Currency = intent
            .currency
            .to_ascii_uppercase()
            .parse()
            .or_else(|_| order.currency.parse())
            .unwrap_or(Currency::GBP);
        let amount = Money::new(intent.amount, currency);
        let refund = Refund {
            order_id,
            payment_reference: Some(&intent.id),
            amount,
            idempotency_key: unclaimed_refund_key(order_id),
        };
        match self.refund(&refund).await? {
            RefundAnswer::Refunded { reference } => {
                let note = format!(
                    "A payment of {amount} arrived after the order was cancelled; it was \
                     refunded in full through Stripe ({}).",
                    reference.as_deref().unwrap_or("no reference")
                );
                records::record_unclaimed_refund(
                    db,
                    order_id,
                    intent.amount,
                    reference.as_deref(),
                    &note,
                )
                .await?;
                tracing::warn!(order_id, payment_intent = %intent.id, %amount, "a payment for a cancelled order was refunded");
                Ok(Effect::Refunded {
                    order_id,
                    reference,
                })
            }
            RefundAnswer::Refused { reason } => {
                tracing::error!(
                    order_id,
                    payment_intent = %intent.id,
                    %amount,
                    %reason,
                    "a payment arrived for a cancelled order and Stripe would not refund it: refund it by hand"
                );
                let note = format!(
                    "A payment of {amount} arrived after the order was cancelled, and Stripe \
                     would not refund it ({reason}). It must be refunded by hand."
                );
                records::note_on_cancelled_order(db, order_id, &note).await?;
                Ok(Effect::RefundRefused { order_id, reason })
            }
        }
    }
}
