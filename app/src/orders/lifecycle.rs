//! The only ways an order's status may change.
//!
//! ```text
//! awaiting_payment ── payment succeeded ──▶ paid
//! awaiting_payment ── payment failed ─────▶ awaiting_payment
//! awaiting_payment ── cancel ─────────────▶ cancelled
//! paid ────────────── cancel ─────────────▶ cancelled
//! paid ────────────── fulfil ─────────────▶ fulfilled
//! fulfilled ───────── deliver ────────────▶ delivered
//! paid, fulfilled, delivered, partially_refunded
//!                  ── refund ─────────────▶ partially_refunded   (refunds < paid)
//!                                         ▶ refunded             (refunds = paid)
//! ```
//!
//! The rules, decided once here so the shop, the admin pages and the payment webhooks agree:
//!
//! - **Payment** moves an order awaiting payment to paid. A failed attempt leaves it awaiting
//!   payment (the shopper may try again); it is still a transition, so the history shows it.
//!   A payment for any other order is refused: a second payment for a paid order, or a late
//!   payment for a cancelled one, is the caller's to refund with the provider.
//! - **Cancel** is allowed while awaiting payment and once paid, before dispatch. The caller
//!   releases the reserved stock and, for a paid order, refunds the whole payment with the
//!   provider; the status stays "cancelled" rather than "refunded" because the goods never
//!   left. A dispatched or delivered order is refunded instead.
//! - **Fulfil** (dispatch, with an optional tracking number) needs a paid order; **deliver**
//!   needs a dispatched one. So an order is never delivered without having been paid.
//! - **Refund** is allowed once paid: from paid, fulfilled, delivered and partially refunded.
//!   The amounts decide where it goes: refunds totalling less than was paid give
//!   "partially refunded", exactly what was paid gives "refunded", more is refused.
//! - **Partially refunded** accepts only further refunds. To send part of an order and refund
//!   the rest, mark it dispatched first, then refund the missing items.
//! - **Cancelled** and **refunded** are final: every event is refused.
//!
//! Who may do what (a shopper may cancel only an unpaid order, say) is the caller's check;
//! these rules say only what may happen to the order at all.

use super::events::{OrderEvent, OrderEventKind};
use super::status::OrderStatus;
use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an event was refused. The order is unchanged; [`IllegalTransition::message`] says
/// why in words for whoever tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IllegalTransition {
    /// The event cannot happen to an order in this status.
    NotAllowed {
        from: OrderStatus,
        event: OrderEventKind,
    },
    /// A refund of nothing, or of a negative amount.
    RefundNotPositive { requested: Money },
    /// This refund would take the refunds past what was paid.
    RefundTooLarge {
        paid: Money,
        already_refunded: Money,
        requested: Money,
    },
    /// The amounts disagree among themselves (currencies differ, nothing was paid, more was
    /// refunded already than paid): a fault in the caller's records, not a choice.
    RefundAmountsInconsistent,
}

impl IllegalTransition {
    pub fn message(&self) -> String {
        match self {
            IllegalTransition::NotAllowed { from, event } => match rule(*from, *event) {
                Rule::Refused(message) => message.to_owned(),
                Rule::To(_) | Rule::Refund => "This can't be done to the order now.".to_owned(),
            },
            IllegalTransition::RefundNotPositive { requested } => format!(
                "A refund must be for more than {}.",
                Money::new(0, requested.currency)
            ),
            IllegalTransition::RefundTooLarge {
                paid,
                already_refunded,
                requested,
            } => {
                let left = Money::new(
                    paid.amount.saturating_sub(already_refunded.amount).max(0),
                    paid.currency,
                );
                if already_refunded.amount == 0 {
                    format!("{requested} is more than was paid: at most {left} can be refunded.")
                } else {
                    format!(
                        "{requested} is more than is left to refund: {paid} was paid and \
                         {already_refunded} has been refunded already, so at most {left} can be refunded."
                    )
                }
            }
            IllegalTransition::RefundAmountsInconsistent => {
                "The refund doesn't match this order's payment records, so it was not made."
                    .to_owned()
            }
        }
    }
}

impl fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for IllegalTransition {}

/// Where `event` takes an order that is `current`, or why it may not.
pub fn transition(
    current: OrderStatus,
    event: &OrderEvent,
) -> Result<OrderStatus, IllegalTransition> {
    match (rule(current, event.kind()), event) {
        (Rule::To(next), _) => Ok(next),
        (
            Rule::Refund,
            OrderEvent::Refund {
                amount,
                already_refunded,
                paid,
            },
        ) => refund(*amount, *already_refunded, *paid),
        (Rule::Refund, _) | (Rule::Refused(_), _) => Err(IllegalTransition::NotAllowed {
            from: current,
            event: event.kind(),
        }),
    }
}

fn refund(
    amount: Money,
    already_refunded: Money,
    paid: Money,
) -> Result<OrderStatus, IllegalTransition> {
    if amount.currency != paid.currency
        || already_refunded.currency != paid.currency
        || paid.amount <= 0
        || !(0..paid.amount).contains(&already_refunded.amount)
    {
        return Err(IllegalTransition::RefundAmountsInconsistent);
    }
    if amount.amount <= 0 {
        return Err(IllegalTransition::RefundNotPositive { requested: amount });
    }
    match already_refunded.amount.checked_add(amount.amount) {
        Some(total) if total < paid.amount => Ok(OrderStatus::PartiallyRefunded),
        Some(total) if total == paid.amount => Ok(OrderStatus::Refunded),
        _ => Err(IllegalTransition::RefundTooLarge {
            paid,
            already_refunded,
            requested: amount,
        }),
    }
}

/// The whole table of statuses × events, in one place so the refusals' words sit next to
/// the rules they explain.
pub(super) enum Rule {
    To(OrderStatus),
    /// Allowed; the amounts decide between partly and fully refunded.
    Refund,
    Refused(&'static str),
}

pub(super) fn rule(from: OrderStatus, event: OrderEventKind) -> Rule {
    use OrderEventKind as E;
    use OrderStatus as S;
    match (from, event) {
        (S::AwaitingPayment, E::PaymentSucceeded) => Rule::To(S::Paid),
        (S::AwaitingPayment, E::PaymentFailed) => Rule::To(S::AwaitingPayment),
        (S::AwaitingPayment | S::Paid, E::Cancel) => Rule::To(S::Cancelled),
        (S::Paid, E::Fulfil) => Rule::To(S::Fulfilled),
        (S::Fulfilled, E::Deliver) => Rule::To(S::Delivered),
        (S::Paid | S::Fulfilled | S::Delivered | S::PartiallyRefunded, E::Refund) => Rule::Refund,

        (S::AwaitingPayment, E::Fulfil) => {
            Rule::Refused("This order can't be dispatched before it has been paid for.")
        }
        (S::AwaitingPayment, E::Deliver) => Rule::Refused(
            "This order can't be delivered before it has been paid for and dispatched.",
        ),
        (S::AwaitingPayment, E::Refund) => Rule::Refused(
            "Nothing has been paid for this order yet, so there is nothing to refund.",
        ),
        (
            S::Paid | S::Fulfilled | S::Delivered | S::PartiallyRefunded,
            E::PaymentSucceeded | E::PaymentFailed,
        ) => Rule::Refused("This order has already been paid for."),
        (S::Paid, E::Deliver) => Rule::Refused(
            "This order hasn't been dispatched yet; mark it as dispatched before marking it as delivered.",
        ),
        (S::Fulfilled, E::Fulfil) => Rule::Refused("This order has already been dispatched."),
        (S::Fulfilled, E::Cancel) => {
            Rule::Refused("A dispatched order cannot be cancelled; refund it instead.")
        }
        (S::Delivered, E::Fulfil | E::Deliver) => {
            Rule::Refused("This order has already been delivered.")
        }
        (S::Delivered, E::Cancel) => {
            Rule::Refused("A delivered order cannot be cancelled; refund it instead.")
        }
        (S::PartiallyRefunded, E::Fulfil | E::Deliver) => Rule::Refused(
            "Part of this order has been refunded, so it can no longer be marked as dispatched \
             or delivered. Mark an order as dispatched before refunding part of it.",
        ),
        (S::PartiallyRefunded, E::Cancel) => Rule::Refused(
            "Part of this order has been refunded, so it cannot be cancelled; refund the rest instead.",
        ),
        (S::Cancelled, E::PaymentSucceeded | E::PaymentFailed) => Rule::Refused(
            "This order has been cancelled, so it cannot take a payment; any payment made for it is refunded.",
        ),
        (S::Cancelled, E::Refund) => Rule::Refused(
            "This order has been cancelled; whatever was paid for it was refunded when it was cancelled.",
        ),
        (S::Cancelled, E::Fulfil | E::Deliver | E::Cancel) => {
            Rule::Refused("This order has been cancelled.")
        }
        (S::Refunded, E::PaymentSucceeded | E::PaymentFailed) => Rule::Refused(
            "This order has been refunded in full, so it cannot take another payment.",
        ),
        (S::Refunded, E::Refund) => Rule::Refused("This order has already been refunded in full."),
        (S::Refunded, E::Fulfil | E::Deliver | E::Cancel) => Rule::Refused(
            "This order has been refunded in full, so nothing more can be done with it.",
        ),
    }
}
