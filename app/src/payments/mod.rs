//! Payments: the decisions behind taking a shopper's money, as rules over plain data.
//!
//! - [`card`]: a card form checked field by field (number with its Luhn check, expiry,
//!   security code), with mistakes in plain words.
//! - [`summary`]: the [`CardSummary`] (brand, last four digits, expiry), all that may ever
//!   be stored of a card.
//! - [`provider`]: the [`provider::PaymentProvider`] interface checkout and refunds go
//!   through, and the `test` provider behind it.
//! - [`stripe`]: the `stripe` provider (PaymentIntents over Stripe's HTTP API) and its
//!   signed webhook, which is what marks an order paid.
//! - [`test_gateway`]: the `test` provider's answer for a card, the default so the shop
//!   runs with no payment account: Stripe's test card numbers with Stripe's outcomes,
//!   including the extra step where the shopper confirms with their bank.
//!
//! Card numbers and security codes are never stored or logged. Apart from the providers,
//! nothing here touches HTTP, SQL or the clock: the caller passes in the current month
//! and keeps what comes back.

pub mod card;
#[cfg(feature = "ssr")]
pub mod provider;
#[cfg(feature = "ssr")]
pub mod stripe;
pub mod summary;
pub mod test_gateway;

#[cfg(test)]
mod tests;

pub use card::{
    check_card, CardForm, CardFormErrors, CvcError, ExpiryError, NumberError, ValidCard, YearMonth,
};
pub use summary::{CardBrand, CardSummary};
pub use test_gateway::{authenticate, outcome_for, CardOutcome, TestCard, TEST_CARDS};
