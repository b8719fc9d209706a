//! Tax: which rate applies where, and how much of an amount is tax.

use super::inputs::Destination;
use super::rounding::div_half_even;
use serde::{Deserialize, Serialize};

/// Basis points in one whole: 10000 = 100%.
const WHOLE: i128 = 10_000;

/// Whether the shop's prices already contain tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaxMode {
    /// Prices are what the shopper pays; tax is the part of them the shop passes on (UK, EU).
    Inclusive,
    /// Prices are before tax, which is added at checkout (US, trade).
    Exclusive,
}

/// The tax rate for a country, or for one region of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    /// ISO 3166-1 alpha-2, such as `GB`.
    pub country: String,
    /// `None` for the whole country; a region's own rate wins over the country's.
    pub region: Option<String>,
    /// 2000 = 20%.
    pub basis_points: u32,
}

/// The rate that applies at `destination`: the rate for its region if there is one,
/// else the rate for its country, else zero (the shop charges no tax there). When a
/// rate is listed twice, the first one counts.
pub fn rate_for(rates: &[TaxRate], destination: &Destination) -> u32 {
    let regional = rates.iter().find(|rate| {
        rate.region.is_some() && destination.is_in(&rate.country, rate.region.as_deref())
    });
    let national = || {
        rates
            .iter()
            .find(|rate| rate.region.is_none() && destination.is_in(&rate.country, None))
    };
    regional
        .or_else(national)
        .map_or(0, |rate| rate.basis_points)
}

/// The tax on `amount` minor units at `basis_points`, rounded half to even.
///
/// Inclusive: the tax inside the amount, `amount × rate ÷ (10000 + rate)`.
/// Exclusive: the tax to add, `amount × rate ÷ 10000`.
/// `None` for a negative amount or a tax too large for an `i64`.
pub fn tax_for(amount: i64, basis_points: u32, mode: TaxMode) -> Option<i64> {
    if amount < 0 {
        return None;
    }
    let rate = i128::from(basis_points);
    // Below 2^63 × 2^32 = 2^95: no overflow in i128.
    let numerator = i128::from(amount) * rate;
    let tax = match mode {
        TaxMode::Inclusive => div_half_even(numerator, WHOLE + rate)?,
        TaxMode::Exclusive => div_half_even(numerator, WHOLE)?,
    };
    i64::try_from(tax).ok()
}

/// What the shopper pays for `amount` once `tax` is accounted for.
pub(super) fn with_tax(amount: i64, tax: i64, mode: TaxMode) -> Option<i64> {
    match mode {
        TaxMode::Inclusive => Some(amount),
        TaxMode::Exclusive => amount.checked_add(tax),
    }
}
