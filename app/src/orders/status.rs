//! An order's status: the names stored in the database and the labels shoppers read.
//! Which events move an order between them is in [`super::lifecycle`].

use super::events::OrderEventKind;
use super::lifecycle::{rule, Rule};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where an order is. Stored as [`OrderStatus::as_str`]; shown as [`OrderStatus::label`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    AwaitingPayment,
    Paid,
    /// Dispatched to the shopper.
    Fulfilled,
    Delivered,
    Cancelled,
    PartiallyRefunded,
    Refunded,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        OrderStatus::Fulfilled,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::PartiallyRefunded,
        OrderStatus::Refunded,
    ];

    /// The stable name kept in the database; never change one once it is stored.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::PartiallyRefunded => "partially_refunded",
            OrderStatus::Refunded => "refunded",
        }
    }

    /// What a shopper reads on their order page.
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "Awaiting payment",
            OrderStatus::Paid => "Paid",
            OrderStatus::Fulfilled => "Dispatched",
            OrderStatus::Delivered => "Delivered",
            OrderStatus::Cancelled => "Cancelled",
            OrderStatus::PartiallyRefunded => "Partly refunded",
            OrderStatus::Refunded => "Refunded",
        }
    }

    /// Whether an event of this kind can apply at all (a refund may still be refused for
    /// its amount): for showing only the buttons that can work.
    pub fn allows(self, event: OrderEventKind) -> bool {
        !matches!(rule(self, event), Rule::Refused(_))
    }

    /// Cancelled and refunded orders take no further events.
    pub fn is_final(self) -> bool {
        OrderEventKind::ALL.iter().all(|&event| !self.allows(event))
    }
}

/// A stored status name that is not one of [`OrderStatus::as_str`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOrderStatus(pub String);

impl fmt::Display for UnknownOrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not an order status", self.0)
    }
}

impl std::error::Error for UnknownOrderStatus {}

impl FromStr for OrderStatus {
    type Err = UnknownOrderStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownOrderStatus(s.to_owned()))
    }
}
