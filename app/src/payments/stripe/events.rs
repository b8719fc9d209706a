//! Stripe's webhook events, and what one means for an order.
//!
//! An event is treated as a nudge, not as the truth: Stripe may deliver events late, twice
//! or out of order (a `payment_failed` after the `succeeded` of a later attempt), so the
//! webhook fetches the PaymentIntent as it is now and [`decide`]s from that and from the
//! order. Whatever order the events come in, the last one leaves the order where Stripe's
//! current state says.

use super::objects::{IntentStatus, PaymentIntent};
use crate::orders::OrderStatus;
use crate::payments::CardOutcome;
use serde::Deserialize;

/// A webhook event: only what the shop reads of it.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: EventObject,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventObject {
    #[serde(default)]
    pub id: Option<String>,
}

/// The events that can move an order; the others are acknowledged and left alone.
pub const PAYMENT_EVENTS: [&str; 3] = [
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
];

impl Event {
    /// The PaymentIntent this event is news about, if it is an event the shop acts on.
    pub fn payment_intent(&self) -> Option<&str> {
        if !PAYMENT_EVENTS.contains(&self.kind.as_str()) {
            return None;
        }
        self.data
            .object
            .id
            .as_deref()
            .filter(|id| id.starts_with("pi_"))
    }
}

/// An order as the webhook sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    pub status: OrderStatus,
    /// Its history has a `paid` entry: it was paid once, whatever became of it since.
    pub ever_paid: bool,
    /// Something was refunded already.
    pub refunded: bool,
    pub grand_total: i64,
    /// ISO 4217, capitals.
    pub currency: String,
}

/// What to do about an order, given its PaymentIntent as Stripe has it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Apply this outcome to the order (it awaits payment).
    Settle(CardOutcome),
    /// The money came in for an order that was cancelled before it was paid (its
    /// reservation ran out, or the checkout gave up on the provider): give it back.
    RefundUnclaimed,
    /// A payment for another amount than the order's: never fulfil it; staff look.
    AmountMismatch,
    /// Nothing to do: the order is where Stripe's state says, or Stripe has not
    /// decided yet.
    Nothing,
}

pub fn decide(intent: &PaymentIntent, order: &OrderState) -> Action {
    let awaiting = order.status == OrderStatus::AwaitingPayment;
    match intent.status {
        IntentStatus::Succeeded if awaiting => {
            let same_amount = intent.amount == order.grand_total
                && intent.currency.eq_ignore_ascii_case(&order.currency);
            if same_amount {
                Action::Settle(CardOutcome::Succeeded)
            } else {
                Action::AmountMismatch
            }
        }
        IntentStatus::Succeeded
            if order.status == OrderStatus::Cancelled && !order.ever_paid && !order.refunded =>
        {
            Action::RefundUnclaimed
        }
        // Paid by this payment already (a replay, or a late `succeeded`), or paid and
        // then cancelled or refunded by staff, who refund through their own pages.
        IntentStatus::Succeeded => Action::Nothing,
        IntentStatus::RequiresPaymentMethod | IntentStatus::Canceled if awaiting => {
            Action::Settle(intent.failure())
        }
        // A failure for an order that moved on: whatever moved it stands (a `failed`
        // event after `succeeded` leaves a paid order paid).
        IntentStatus::RequiresPaymentMethod | IntentStatus::Canceled => Action::Nothing,
        // Processing, waiting for the shopper's bank …: a later event will say.
        IntentStatus::RequiresAction
        | IntentStatus::RequiresConfirmation
        | IntentStatus::Processing
        | IntentStatus::RequiresCapture
        | IntentStatus::Unknown => Action::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(status: IntentStatus) -> PaymentIntent {
        PaymentIntent {
            id: "pi_1".to_owned(),
            status,
            amount: 4395,
            currency: "gbp".to_owned(),
            metadata: Default::default(),
            last_payment_error: None,
        }
    }

    fn order(status: OrderStatus) -> OrderState {
        OrderState {
            status,
            ever_paid: !matches!(
                status,
                OrderStatus::AwaitingPayment | OrderStatus::Cancelled
            ),
            refunded: false,
            grand_total: 4395,
            currency: "GBP".to_owned(),
        }
    }

    #[test]
    fn only_payment_intent_outcomes_are_acted_on() {
        let event = |kind: &str, id: &str| Event {
            id: "evt_1".to_owned(),
            kind: kind.to_owned(),
            data: EventData {
                object: EventObject {
                    id: Some(id.to_owned()),
                },
            },
        };
        assert_eq!(
            event("payment_intent.succeeded", "pi_1").payment_intent(),
            Some("pi_1")
        );
        assert_eq!(
            event("payment_intent.payment_failed", "pi_1").payment_intent(),
            Some("pi_1")
        );
        assert_eq!(
            event("payment_intent.created", "pi_1").payment_intent(),
            None
        );
        assert_eq!(event("charge.succeeded", "ch_1").payment_intent(), None);
        assert_eq!(
            event("payment_intent.succeeded", "ch_1").payment_intent(),
            None
        );
        let parsed: Event = serde_json::from_str(
            r#"{"id":"evt_2","object":"event","type":"balance.available","data":{"object":{"object":"balance"}}}"#,
        )
        .unwrap();
        assert_eq!(parsed.payment_intent(), None);
    }

    #[test]
    fn a_success_pays_an_order_awaiting_payment() {
        let order = order(OrderStatus::AwaitingPayment);
        assert_eq!(
            decide(&intent(IntentStatus::Succeeded), &order),
            Action::Settle(CardOutcome::Succeeded)
        );
    }

    #[test]
    fn a_success_for_another_amount_pays_nothing() {
        let mut cheaper = intent(IntentStatus::Succeeded);
        cheaper.amount = 1;
        let order = order(OrderStatus::AwaitingPayment);
        assert_eq!(decide(&cheaper, &order), Action::AmountMismatch);
        let mut dollars = intent(IntentStatus::Succeeded);
        dollars.currency = "usd".to_owned();
        assert_eq!(decide(&dollars, &order), Action::AmountMismatch);
    }

    #[test]
    fn a_failure_after_the_success_leaves_the_order_paid() {
        // The failure event arrives last, but Stripe's state says succeeded.
        let paid = order(OrderStatus::Paid);
        assert_eq!(
            decide(&intent(IntentStatus::Succeeded), &paid),
            Action::Nothing
        );
        // Were the intent itself failed, a paid order still does not move.
        assert_eq!(
            decide(&intent(IntentStatus::RequiresPaymentMethod), &paid),
            Action::Nothing
        );
    }

    #[test]
    fn a_failure_releases_an_order_awaiting_payment() {
        let order = order(OrderStatus::AwaitingPayment);
        assert_eq!(
            decide(&intent(IntentStatus::RequiresPaymentMethod), &order),
            Action::Settle(CardOutcome::Declined)
        );
        assert_eq!(
            decide(&intent(IntentStatus::Canceled), &order),
            Action::Settle(CardOutcome::Declined)
        );
    }

    #[test]
    fn a_success_for_a_cancelled_unpaid_order_is_refunded_once() {
        let mut cancelled = order(OrderStatus::Cancelled);
        assert_eq!(
            decide(&intent(IntentStatus::Succeeded), &cancelled),
            Action::RefundUnclaimed
        );
        cancelled.refunded = true;
        assert_eq!(
            decide(&intent(IntentStatus::Succeeded), &cancelled),
            Action::Nothing
        );
        // Paid, then cancelled by staff: their cancellation refunded it.
        let mut staff_cancelled = order(OrderStatus::Cancelled);
        staff_cancelled.ever_paid = true;
        assert_eq!(
            decide(&intent(IntentStatus::Succeeded), &staff_cancelled),
            Action::Nothing
        );
    }

    #[test]
    fn undecided_payments_change_nothing() {
        for status in [
            IntentStatus::Processing,
            IntentStatus::RequiresAction,
            IntentStatus::RequiresConfirmation,
            IntentStatus::RequiresCapture,
            IntentStatus::Unknown,
        ] {
            for order_status in [OrderStatus::AwaitingPayment, OrderStatus::Cancelled] {
                assert_eq!(
                    decide(&intent(status), &order(order_status)),
                    Action::Nothing
                );
            }
        }
    }
}
