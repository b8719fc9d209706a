//! Faults that stop an order being priced at all: bad data, not a shopper's choice.

use crate::money::Currency;

/// Pricing cannot go on; a shopper's mistake is a [`super::Refusal`] or a
/// [`super::ShippingStatus`] instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    /// A cart price or shipping price is in another currency than the shop's.
    #[error("a price is in {} but the shop sells in {}", .found.code(), .expected.code())]
    CurrencyMismatch { expected: Currency, found: Currency },
    /// A cart price or shipping price is below zero.
    #[error("a price is negative ({amount} minor units)")]
    NegativePrice { amount: i64 },
    /// Some total does not fit in 64 bits of minor units.
    #[error("the amounts are too large to price")]
    AmountTooLarge,
}
