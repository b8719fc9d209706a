//! The events that happen to an order, and the stable names its history stores them by.

use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Something that happens to an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderEvent {
    /// The payment provider took the money.
    PaymentSucceeded,
    /// A payment attempt failed; the shopper may try again.
    PaymentFailed,
    /// Staff dispatched the order.
    Fulfil {
        tracking: Option<String>,
    },
    /// The order reached the shopper.
    Deliver,
    Cancel,
    /// `amount` is being refunded now; `already_refunded` is the total of earlier refunds
    /// and `paid` what the shopper paid, all in the order's currency.
    Refund {
        amount: Money,
        already_refunded: Money,
        paid: Money,
    },
}

/// An [`OrderEvent`] without its data, for the history and for refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderEventKind {
    PaymentSucceeded,
    PaymentFailed,
    Fulfil,
    Deliver,
    Cancel,
    Refund,
}

impl OrderEventKind {
    pub const ALL: [OrderEventKind; 6] = [
        OrderEventKind::PaymentSucceeded,
        OrderEventKind::PaymentFailed,
        OrderEventKind::Fulfil,
        OrderEventKind::Deliver,
        OrderEventKind::Cancel,
        OrderEventKind::Refund,
    ];

    /// The stable name kept in the order history.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderEventKind::PaymentSucceeded => "payment_succeeded",
            OrderEventKind::PaymentFailed => "payment_failed",
            OrderEventKind::Fulfil => "fulfil",
            OrderEventKind::Deliver => "deliver",
            OrderEventKind::Cancel => "cancel",
            OrderEventKind::Refund => "refund",
        }
    }
}

/// A stored event name that is not one of [`OrderEventKind::as_str`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOrderEvent(pub String);

impl fmt::Display for UnknownOrderEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not an order event", self.0)
    }
}

impl std::error::Error for UnknownOrderEvent {}

impl FromStr for OrderEventKind {
    type Err = UnknownOrderEvent;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrderEventKind::ALL
            .into_iter()
            .find(|event| event.as_str() == s)
            .ok_or_else(|| UnknownOrderEvent(s.to_owned()))
    }
}

impl OrderEvent {
    pub fn kind(&self) -> OrderEventKind {
        match self {
            OrderEvent::PaymentSucceeded => OrderEventKind::PaymentSucceeded,
            OrderEvent::PaymentFailed => OrderEventKind::PaymentFailed,
            OrderEvent::Fulfil { .. } => OrderEventKind::Fulfil,
            OrderEvent::Deliver => OrderEventKind::Deliver,
            OrderEvent::Cancel => OrderEventKind::Cancel,
            OrderEvent::Refund { .. } => OrderEventKind::Refund,
        }
    }
}
