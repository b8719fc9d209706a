//! What the `test` payment provider decides for a card: Stripe's test card numbers, with
//! the outcomes Stripe gives them, so the shop takes "payments" with no account anywhere.
//!
//! | Number                | Outcome                                                  |
//! |-----------------------|----------------------------------------------------------|
//! | `4242 4242 4242 4242` | succeeds                                                 |
//! | `4000 0000 0000 0002` | declined                                                 |
//! | `4000 0000 0000 9995` | declined: insufficient funds                             |
//! | `4000 0025 0000 3155` | asks for authentication, then [`authenticate()`] decides |
//!
//! As with Stripe, any expiry date that has not passed and any 3- or 4-digit security code
//! will do (the form is checked first, by [`super::check_card`]); any other well-formed
//! card is declined, because a test shop must never look as if it could charge a real
//! card. The full number is never stored or logged.

use super::card::ValidCard;
use crate::orders::OrderEvent;
use serde::{Deserialize, Serialize};

/// What the pretend bank answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardOutcome {
    Succeeded,
    /// The shopper must confirm with their bank first; see [`authenticate()`].
    RequiresAuthentication,
    /// Declined, with no reason given (Stripe's `generic_decline`).
    Declined,
    InsufficientFunds,
    /// The shopper did not confirm the payment with their bank.
    AuthenticationFailed,
    /// A well-formed card that is not one of the test cards.
    NotATestCard,
}

impl CardOutcome {
    /// The stable name kept with a payment attempt.
    pub fn as_str(self) -> &'static str {
        match self {
            CardOutcome::Succeeded => "succeeded",
            CardOutcome::RequiresAuthentication => "requires_authentication",
            CardOutcome::Declined => "declined",
            CardOutcome::InsufficientFunds => "insufficient_funds",
            CardOutcome::AuthenticationFailed => "authentication_failed",
            CardOutcome::NotATestCard => "not_a_test_card",
        }
    }

    /// What the shopper reads on the payment page.
    pub fn message(self) -> &'static str {
        match self {
            CardOutcome::Succeeded => "Thank you: your payment went through.",
            CardOutcome::RequiresAuthentication => {
                "Your bank needs you to confirm this payment before it goes through."
            }
            CardOutcome::Declined => "Your card was declined. Please try another card.",
            CardOutcome::InsufficientFunds => {
                "Your card was declined for insufficient funds. Please try another card."
            }
            CardOutcome::AuthenticationFailed => {
                "Your bank couldn't confirm this payment, so nothing was charged. \
                 Please try again or use another card."
            }
            CardOutcome::NotATestCard => {
                "This is a test shop and never charges real cards. Please use a test card, \
                 such as 4242 4242 4242 4242."
            }
        }
    }

    /// What this outcome does to the order: paid, a failed attempt, or nothing yet while
    /// the shopper confirms with their bank.
    pub fn order_event(self) -> Option<OrderEvent> {
        match self {
            CardOutcome::Succeeded => Some(OrderEvent::PaymentSucceeded),
            CardOutcome::RequiresAuthentication => None,
            CardOutcome::Declined
            | CardOutcome::InsufficientFunds
            | CardOutcome::AuthenticationFailed
            | CardOutcome::NotATestCard => Some(OrderEvent::PaymentFailed),
        }
    }
}

/// A test card to list on the payment page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestCard {
    /// Grouped in fours, as printed on a card.
    pub number: &'static str,
    pub outcome: CardOutcome,
}

/// The test cards, in the order the payment page lists them.
pub const TEST_CARDS: [TestCard; 4] = [
    TestCard {
        number: "4242 4242 4242 4242",
        outcome: CardOutcome::Succeeded,
    },
    TestCard {
        number: "4000 0000 0000 0002",
        outcome: CardOutcome::Declined,
    },
    TestCard {
        number: "4000 0000 0000 9995",
        outcome: CardOutcome::InsufficientFunds,
    },
    TestCard {
        number: "4000 0025 0000 3155",
        outcome: CardOutcome::RequiresAuthentication,
    },
];

/// The test provider's answer for a well-formed card.
pub fn outcome_for(card: &ValidCard) -> CardOutcome {
    TEST_CARDS
        .iter()
        .find(|test_card| same_digits(test_card.number, card.number()))
        .map_or(CardOutcome::NotATestCard, |test_card| test_card.outcome)
}

/// The second step after [`CardOutcome::RequiresAuthentication`]: the shopper approved or
/// refused the payment on the (pretend) bank's page.
pub fn authenticate(approve: bool) -> CardOutcome {
    if approve {
        CardOutcome::Succeeded
    } else {
        CardOutcome::AuthenticationFailed
    }
}

fn same_digits(printed: &str, digits: &str) -> bool {
    printed
        .bytes()
        .filter(u8::is_ascii_digit)
        .eq(digits.bytes())
}
