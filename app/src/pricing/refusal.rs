//! Why a discount code was not applied, in words a shopper can act on.

use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};

/// Why a discount code was turned down. Checked in this order, so the shopper hears
/// first about what they cannot change, last about what they can (adding to the cart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The shop has no such code.
    Unknown,
    /// The code exists but has been switched off.
    Disabled,
    /// The code is set up in a way pricing cannot honour (a percentage over 100%, a
    /// negative amount): a fault for staff to fix, shown to the shopper as unusable.
    Misconfigured,
    /// The code's amounts are in another currency than the shop's prices.
    CurrencyMismatch { code_currency: Currency },
    /// Before the code's start time (unix milliseconds, UTC).
    NotStarted { starts_at_millis: i64 },
    /// At or after the code's end time (unix milliseconds, UTC).
    Expired { ended_at_millis: i64 },
    /// Every use the code allows has been taken.
    UsageLimitReached,
    /// This customer has used it as often as one customer may.
    AlreadyUsedByYou { per_customer_limit: u32 },
    /// No line in the cart is one the code covers.
    NothingItAppliesTo,
    /// The lines the code covers come to less than its minimum.
    MinimumNotMet { minimum: Money, short_by: Money },
    /// Another code is already on the order; only one is allowed.
    OneCodePerOrder { applied: String },
}

impl Refusal {
    /// A sentence for the shopper, next to the code box.
    pub fn message(&self) -> String {
        match self {
            Refusal::Unknown => {
                "We don't recognise that code. Please check it and try again.".to_owned()
            }
            Refusal::Disabled => "This code is no longer available.".to_owned(),
            Refusal::Misconfigured => "This code can't be used at the moment.".to_owned(),
            Refusal::CurrencyMismatch { code_currency } => format!(
                "This code is for orders in {}, so it can't be used here.",
                code_currency.code()
            ),
            Refusal::NotStarted { starts_at_millis } => format!(
                "This code can't be used yet: it starts on {}.",
                utc_date(*starts_at_millis)
            ),
            // The end is the first moment the code no longer works; name the last day it did.
            Refusal::Expired { ended_at_millis } => format!(
                "This code expired on {}.",
                utc_date(ended_at_millis.saturating_sub(1))
            ),
            Refusal::UsageLimitReached => {
                "This code has already been used as many times as it allows.".to_owned()
            }
            Refusal::AlreadyUsedByYou {
                per_customer_limit: 1,
            } => "You've already used this code.".to_owned(),
            Refusal::AlreadyUsedByYou { per_customer_limit } => format!(
                "You've already used this code {per_customer_limit} times, which is as many as it allows."
            ),
            Refusal::NothingItAppliesTo => {
                "This code doesn't apply to anything in your cart.".to_owned()
            }
            Refusal::MinimumNotMet { minimum, short_by } => format!(
                "This code needs {minimum} of eligible items in your cart. Add {short_by} more to use it."
            ),
            Refusal::OneCodePerOrder { applied } => format!(
                "Only one code can be used per order. Remove {applied} to use this one instead."
            ),
        }
    }
}

/// `1 December 2026` for a moment in unix milliseconds, by the UTC calendar.
fn utc_date(millis: i64) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let (year, month, day) = crate::calendar::civil_from_days(millis.div_euclid(86_400_000));
    let month_name = MONTHS.get(month.saturating_sub(1) as usize).unwrap_or(&"");
    format!("{day} {month_name} {year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_messages_follow_the_utc_calendar() {
        assert_eq!(utc_date(0), "1 January 1970");
        // 2026-12-01T00:00:00Z
        assert_eq!(utc_date(1_796_083_200_000), "1 December 2026");
        // 2024-02-29T23:59:59.999Z
        assert_eq!(utc_date(1_709_251_199_999), "29 February 2024");
        assert_eq!(utc_date(-1), "31 December 1969");
        // Absurd moments still give a date rather than a panic.
        assert!(!utc_date(i64::MIN).is_empty());
        assert!(!utc_date(i64::MAX).is_empty());
    }
}
