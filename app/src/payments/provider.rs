//! The payment provider interface: the one place checkout and staff refunds ask for money
//! to move. Two providers implement it, chosen by `BAZAAR_PAYMENT_PROVIDER`: [`TestProvider`]
//! (the default, so the shop runs with no payment account) and the Stripe provider.
//!
//! A provider either decides a charge at once ([`ChargeAnswer::Decided`]) or says the answer
//! will come later by webhook ([`ChargeAnswer::Pending`]); in that case the order waits, and
//! fulfilment follows the webhook, never the shopper's browser.

use super::card::ValidCard;
use super::test_gateway::{outcome_for, CardOutcome};
use crate::money::Money;
use async_trait::async_trait;
use std::fmt;

/// A charge for an order.
#[derive(Debug)]
pub struct Charge<'a> {
    pub order_id: i64,
    pub amount: Money,
    pub card: &'a ValidCard,
    /// The shopper's email address, for the provider's receipt and fraud checks.
    pub email: &'a str,
    /// Made from our own ids (see [`charge_key`]): a retried charge is the same charge.
    pub idempotency_key: String,
}

/// The provider's answer to a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeAnswer {
    /// The provider decided now. `reference` is its id for the payment, if it has one.
    Decided {
        outcome: CardOutcome,
        reference: Option<String>,
    },
    /// The provider will say by webhook; the order keeps its stock meanwhile.
    Pending { reference: String },
}

/// Money back to the shopper, all or part of what an order paid.
#[derive(Debug)]
pub struct Refund<'a> {
    pub order_id: i64,
    /// The provider's id for the payment being refunded (`None` for the test provider).
    pub payment_reference: Option<&'a str>,
    pub amount: Money,
    /// Made from our own ids: a retried refund is the same refund.
    pub idempotency_key: String,
}

/// The provider's answer to a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundAnswer {
    Refunded {
        reference: Option<String>,
    },
    /// The provider would not refund; the reason is the provider's, for staff to read.
    Refused {
        reason: String,
    },
}

/// The provider could not be asked, or answered something we cannot read. Its detail is
/// for the log; shoppers read that nothing was charged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("payment provider: {0}")]
pub struct ProviderError(pub String);

#[async_trait]
pub trait PaymentProvider: fmt::Debug + Send + Sync {
    /// Kept with every payment: `"test"`, `"stripe"`.
    fn name(&self) -> &'static str;

    async fn charge(&self, charge: &Charge<'_>) -> Result<ChargeAnswer, ProviderError>;

    async fn refund(&self, refund: &Refund<'_>) -> Result<RefundAnswer, ProviderError>;
}

/// The idempotency key for charging order `order_id` (one charge per order).
pub fn charge_key(order_id: i64) -> String {
    format!("bazaar-order-{order_id}-charge")
}

/// The idempotency key for the `nth` refund (counting from 1) of order `order_id`.
pub fn refund_key(order_id: i64, nth: i64) -> String {
    format!("bazaar-order-{order_id}-refund-{nth}")
}

/// Stripe's test card numbers with Stripe's outcomes, decided at once, with no account
/// anywhere. Refunds always succeed.
#[derive(Debug, Default, Clone, Copy)]
pub struct TestProvider;

#[async_trait]
impl PaymentProvider for TestProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    async fn charge(&self, charge: &Charge<'_>) -> Result<ChargeAnswer, ProviderError> {
        let outcome = outcome_for(charge.card);
        Ok(ChargeAnswer::Decided {
            outcome,
            reference: None,
        })
    }

    async fn refund(&self, _refund: &Refund<'_>) -> Result<RefundAnswer, ProviderError> {
        Ok(RefundAnswer::Refunded { reference: None })
    }
}
