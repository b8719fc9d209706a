//! Money as integer minor units with a currency; never floating point.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code such as `GBP`. Kept as three ASCII capitals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a currency is three capital letters (ISO 4217), not {0:?}")]
pub struct InvalidCurrency(pub String);

impl Currency {
    pub const GBP: Currency = Currency(*b"GBP");

    pub fn code(&self) -> &str {
        // Only ever built from three ASCII capitals.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point (ISO 4217 minor unit).
    pub fn exponent(&self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" | b"ISK" | b"CLP" | b"VND" => 0,
            b"BHD" | b"KWD" | b"OMR" | b"JOD" | b"TND" => 3,
            _ => 2,
        }
    }

    /// Minor units in one major unit: 100 pence in a pound.
    pub fn minor_per_major(&self) -> i64 {
        10i64.pow(self.exponent())
    }

    fn symbol(&self) -> Option<&'static str> {
        match &self.0 {
            b"GBP" => Some("£"),
            b"EUR" => Some("€"),
            b"USD" => Some("$"),
            b"JPY" => Some("¥"),
            _ => None,
        }
    }
}

impl std::str::FromStr for Currency {
    type Err = InvalidCurrency;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_uppercase()) => {
                Ok(Currency([*a, *b, *c]))
            }
            _ => Err(InvalidCurrency(s.to_owned())),
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = InvalidCurrency;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

/// An amount in the currency's minor unit (pence for GBP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: i64, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// An amount as staff type it in a form ("5", "5.00", "£5.00"; no sign), in
    /// `currency`. The currency's own symbol is forgiven: "£0.00" starts with "£".
    #[cfg(feature = "ssr")]
    pub fn typed(typed: &str, currency: Currency) -> Option<Money> {
        let zero = Money::new(0, currency).to_string();
        let symbol: String = zero.chars().take_while(|c| !c.is_ascii_digit()).collect();
        let typed = typed.trim();
        let typed = typed
            .strip_prefix(symbol.as_str())
            .filter(|_| !symbol.is_empty())
            .unwrap_or(typed);
        crate::catalog::transfer::values::parse_price(typed, currency)
            .map(|amount| Money::new(amount, currency))
    }

    /// "12.05" for 1205 minor units of a two-decimal currency: how a form shows an
    /// amount, so that [`Money::typed`] reads it back.
    pub fn plain(&self) -> String {
        let exponent = self.currency.exponent();
        if exponent == 0 {
            return self.amount.to_string();
        }
        let scale = 10_i64.pow(exponent);
        format!(
            "{}.{:0width$}",
            self.amount / scale,
            self.amount % scale,
            width = exponent as usize
        )
    }
}

impl fmt::Display for Money {
    /// `£12.34`, `-€0.05`, `¥1200`, `12.345 KWD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exponent = self.currency.exponent();
        let sign = if self.amount < 0 { "-" } else { "" };
        let abs = self.amount.unsigned_abs();
        let scale = 10u64.pow(exponent);
        let number = if exponent == 0 {
            abs.to_string()
        } else {
            format!(
                "{}.{:0width$}",
                abs / scale,
                abs % scale,
                width = exponent as usize
            )
        };
        match self.currency.symbol() {
            Some(symbol) => write!(f, "{sign}{symbol}{number}"),
            None => write!(f, "{sign}{number} {}", self.currency.code()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(amount: i64, code: &str) -> Money {
        Money::new(amount, code.parse().unwrap())
    }

    #[test]
    fn formats_minor_units_with_the_currency_symbol() {
        assert_eq!(money(1234, "GBP").to_string(), "£12.34");
        assert_eq!(money(5, "EUR").to_string(), "€0.05");
        assert_eq!(money(-250, "USD").to_string(), "-$2.50");
        assert_eq!(money(1200, "JPY").to_string(), "¥1200");
        assert_eq!(money(12345, "KWD").to_string(), "12.345 KWD");
        assert_eq!(
            money(i64::MIN, "CHF").to_string(),
            "-92233720368547758.08 CHF"
        );
    }

    #[test]
    fn currency_codes_are_three_capital_letters() {
        assert!("gbp".parse::<Currency>().is_err());
        assert!("GB".parse::<Currency>().is_err());
        assert!("GBPX".parse::<Currency>().is_err());
        assert_eq!("GBP".parse::<Currency>().unwrap(), Currency::GBP);
    }

    #[test]
    fn money_round_trips_through_json_as_code_and_integer() {
        let json = serde_json::to_string(&money(999, "GBP")).unwrap();
        assert_eq!(json, r#"{"amount":999,"currency":"GBP"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, money(999, "GBP"));
        assert!(serde_json::from_str::<Money>(r#"{"amount":1,"currency":"pounds"}"#).is_err());
    }
}
