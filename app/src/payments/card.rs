//! A payment card as typed into a card form, checked field by field: the number (digits,
//! length, Luhn check), the expiry date against the current month, and the security code.
//!
//! What may be kept of a card is a [`CardSummary`]: brand, last four digits and expiry.
//! The full number and the security code are never stored or logged: [`CardForm`] only
//! borrows them for the check, [`ValidCard`] keeps them only while a decision is made (or
//! a payment provider is asked), and neither prints them in `Debug` output. Neither type
//! is `Serialize`.

use super::summary::{CardBrand, CardSummary};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The three fields as typed, borrowed from the request for as long as the check takes.
#[derive(Clone, Copy)]
pub struct CardForm<'a> {
    pub number: &'a str,
    /// `MM/YY`, `MM/YYYY`, `MM YY` or `MMYY`.
    pub expiry: &'a str,
    pub cvc: &'a str,
}

impl fmt::Debug for CardForm<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardForm")
            .field("number", &"[hidden]")
            .field("expiry", &self.expiry)
            .field("cvc", &"[hidden]")
            .finish()
    }
}

/// A calendar month: a card's expiry, or the month it is now (UTC). Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "UncheckedYearMonth")]
pub struct YearMonth {
    year: u16,
    month: u8,
}

/// A [`YearMonth`] as read, before its month is checked.
#[derive(Deserialize)]
struct UncheckedYearMonth {
    year: u16,
    month: u8,
}

impl TryFrom<UncheckedYearMonth> for YearMonth {
    type Error = String;
    fn try_from(read: UncheckedYearMonth) -> Result<Self, Self::Error> {
        YearMonth::new(read.year, read.month)
            .ok_or_else(|| format!("{} is not a month", read.month))
    }
}

impl YearMonth {
    /// `None` unless `month` is 1 to 12.
    pub fn new(year: u16, month: u8) -> Option<YearMonth> {
        (1..=12)
            .contains(&month)
            .then_some(YearMonth { year, month })
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }
}

impl fmt::Display for YearMonth {
    /// `04/28`, as printed on cards.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}", self.month, self.year % 100)
    }
}

/// What is wrong with the card number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumberError {
    Missing,
    NotDigits,
    WrongLength,
    /// The digits fail the Luhn check, which catches most mistyped numbers.
    Mistyped,
}

impl NumberError {
    pub fn message(self) -> &'static str {
        match self {
            NumberError::Missing => "Enter your card number.",
            NumberError::NotDigits => "A card number has only digits (spaces are fine).",
            NumberError::WrongLength => {
                "A card number has between 12 and 19 digits; please check yours."
            }
            NumberError::Mistyped => {
                "That card number isn't right; please check it for a mistyped digit."
            }
        }
    }
}

/// What is wrong with the expiry date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExpiryError {
    Missing,
    Unreadable,
    NoSuchMonth,
    Expired,
}

impl ExpiryError {
    pub fn message(self) -> &'static str {
        match self {
            ExpiryError::Missing => "Enter the card's expiry date.",
            ExpiryError::Unreadable => {
                "Enter the expiry date as month and year, as printed on the card: 04/28."
            }
            ExpiryError::NoSuchMonth => "The expiry month must be from 01 to 12.",
            ExpiryError::Expired => "This card has expired; please use another card.",
        }
    }
}

/// What is wrong with the security code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CvcError {
    Missing,
    Invalid,
}

impl CvcError {
    pub fn message(self) -> &'static str {
        match self {
            CvcError::Missing => "Enter the card's security code (CVC).",
            CvcError::Invalid => {
                "The security code is the 3 or 4 digits on the back of the card \
                 (on the front for American Express)."
            }
        }
    }
}

/// Every field's mistake at once, so the shopper can fix them all in one go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardFormErrors {
    pub number: Option<NumberError>,
    pub expiry: Option<ExpiryError>,
    pub cvc: Option<CvcError>,
}

/// A card whose fields are all well formed and not expired.
pub struct ValidCard {
    /// Digits only. Private, and never printed.
    number: String,
    expiry: YearMonth,
    /// The security code, for a provider that checks it (on the server). Private, and
    /// never printed.
    #[cfg(feature = "ssr")]
    cvc: String,
}

impl ValidCard {
    /// The digits, for deciding an outcome within this module only.
    pub(super) fn number(&self) -> &str {
        &self.number
    }

    /// The security code, for handing to a payment provider within this module only.
    #[cfg(feature = "ssr")]
    pub(super) fn cvc(&self) -> &str {
        &self.cvc
    }

    /// What may be stored and shown of this card.
    pub fn summary(&self) -> CardSummary {
        CardSummary {
            brand: CardBrand::of_number(&self.number),
            last4: self.number[self.number.len().saturating_sub(4)..].to_owned(),
            expiry: self.expiry,
        }
    }
}

impl fmt::Debug for ValidCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ValidCard").field(&self.summary()).finish()
    }
}

/// Checks every field of `form`; a card that expires this month is still good.
pub fn check_card(form: &CardForm<'_>, now: YearMonth) -> Result<ValidCard, CardFormErrors> {
    let number = check_number(form.number);
    let expiry = check_expiry(form.expiry, now);
    let cvc = check_cvc(form.cvc);
    match (number, expiry, cvc) {
        (Ok(number), Ok(expiry), Ok(())) => Ok(ValidCard {
            number,
            expiry,
            #[cfg(feature = "ssr")]
            cvc: form.cvc.trim().to_owned(),
        }),
        (number, expiry, cvc) => Err(CardFormErrors {
            number: number.err(),
            expiry: expiry.err(),
            cvc: cvc.err(),
        }),
    }
}

/// The digits of a typed card number, without the spaces and dashes people type.
fn check_number(typed: &str) -> Result<String, NumberError> {
    let digits: String = typed
        .chars()
        .filter(|&c| !(c.is_whitespace() || c == '-'))
        .collect();
    if digits.is_empty() {
        Err(NumberError::Missing)
    } else if !digits.bytes().all(|b| b.is_ascii_digit()) {
        Err(NumberError::NotDigits)
    } else if !(12..=19).contains(&digits.len()) {
        Err(NumberError::WrongLength)
    } else if !passes_luhn(&digits) {
        Err(NumberError::Mistyped)
    } else {
        Ok(digits)
    }
}

/// The Luhn (mod 10) check every card number carries in its last digit.
fn passes_luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(i, d)| match (i % 2, d * 2) {
            (0, _) => d,
            (_, doubled) if doubled > 9 => doubled - 9,
            (_, doubled) => doubled,
        })
        .sum();
    sum.is_multiple_of(10)
}

fn check_expiry(typed: &str, now: YearMonth) -> Result<YearMonth, ExpiryError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(ExpiryError::Missing);
    }
    let parts: Vec<&str> = typed
        .split(|c: char| c == '/' || c == '-' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .collect();
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let (month, year) = match parts.as_slice() {
        [month, year] => (*month, *year),
        [both] if all_digits(both) && matches!(both.len(), 4 | 6) => both.split_at(2),
        _ => return Err(ExpiryError::Unreadable),
    };
    let readable = all_digits(month)
        && all_digits(year)
        && matches!(month.len(), 1 | 2)
        && matches!(year.len(), 2 | 4);
    if !readable {
        return Err(ExpiryError::Unreadable);
    }
    let month: u8 = month.parse().map_err(|_| ExpiryError::Unreadable)?;
    let typed_year: u16 = year.parse().map_err(|_| ExpiryError::Unreadable)?;
    // Two-digit years on cards are this century's.
    let year = if year.len() == 2 {
        2000 + typed_year
    } else {
        typed_year
    };
    let expiry = YearMonth::new(year, month).ok_or(ExpiryError::NoSuchMonth)?;
    if expiry < now {
        return Err(ExpiryError::Expired);
    }
    Ok(expiry)
}

fn check_cvc(typed: &str) -> Result<(), CvcError> {
    let typed = typed.trim();
    if typed.is_empty() {
        Err(CvcError::Missing)
    } else if matches!(typed.len(), 3 | 4) && typed.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(CvcError::Invalid)
    }
}
