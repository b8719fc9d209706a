//! Tests of the order rules: every transition, refusals and their words, the history
//! record, and order numbers, with property tests over random event sequences and typos.

use super::*;
use crate::money::{Currency, Money};

mod history;
mod numbers;
mod properties;
mod transitions;

fn gbp(amount: i64) -> Money {
    Money::new(amount, Currency::GBP)
}

/// A refund of `amount` when `already_refunded` of `paid` has been refunded before.
fn refund(amount: i64, already_refunded: i64, paid: i64) -> OrderEvent {
    OrderEvent::Refund {
        amount: gbp(amount),
        already_refunded: gbp(already_refunded),
        paid: gbp(paid),
    }
}
