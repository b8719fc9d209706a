//! What may be kept of a card once it has been used: its brand, its last four digits and
//! its expiry. Never the full number, never the security code.

use super::card::YearMonth;
use serde::{Deserialize, Serialize};

/// The card scheme, told by the number's first digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardBrand {
    Visa,
    Mastercard,
    AmericanExpress,
    Discover,
    DinersClub,
    Jcb,
    UnionPay,
    Unknown,
}

impl CardBrand {
    /// The brand of a card number as typed (spaces and dashes are ignored); a few leading
    /// digits are enough, so a form can show the brand while the number is typed.
    pub fn of_number(typed: &str) -> CardBrand {
        let digits: String = typed.chars().filter(char::is_ascii_digit).take(4).collect();
        let leading = |count: usize| digits.get(..count).and_then(|d| d.parse::<u32>().ok());
        if digits.starts_with('4') {
            CardBrand::Visa
        } else if matches!(leading(2), Some(34 | 37)) {
            CardBrand::AmericanExpress
        } else if matches!(leading(2), Some(51..=55)) || matches!(leading(4), Some(2221..=2720)) {
            CardBrand::Mastercard
        } else if leading(4) == Some(6011)
            || matches!(leading(3), Some(644..=649))
            || leading(2) == Some(65)
        {
            CardBrand::Discover
        } else if matches!(leading(4), Some(3528..=3589)) {
            CardBrand::Jcb
        } else if matches!(leading(2), Some(36 | 38 | 39)) || matches!(leading(3), Some(300..=305))
        {
            CardBrand::DinersClub
        } else if leading(2) == Some(62) {
            CardBrand::UnionPay
        } else {
            CardBrand::Unknown
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CardBrand::Visa => "Visa",
            CardBrand::Mastercard => "Mastercard",
            CardBrand::AmericanExpress => "American Express",
            CardBrand::Discover => "Discover",
            CardBrand::DinersClub => "Diners Club",
            CardBrand::Jcb => "JCB",
            CardBrand::UnionPay => "UnionPay",
            CardBrand::Unknown => "Card",
        }
    }
}

/// All that may be stored or shown of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSummary {
    pub brand: CardBrand,
    pub last4: String,
    pub expiry: YearMonth,
}

impl CardSummary {
    /// `Visa ending in 4242`.
    pub fn describe(&self) -> String {
        format!("{} ending in {}", self.brand.label(), self.last4)
    }
}
