//! Discount codes: what a code gives, when it may be used, and how its discount is
//! shared among the lines it covers.

use super::inputs::CartLine;
use super::refusal::Refusal;
use super::rounding::{allocate, div_half_even};
use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};

/// A discount code as staff set it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountCode {
    /// As stored: see [`normalise_code`].
    pub code: String,
    /// Switched off codes are refused without further checks.
    pub active: bool,
    pub kind: DiscountKind,
    pub applies_to: AppliesTo,
    /// The lines the code covers must come to at least this, in the shop's price terms.
    pub minimum_subtotal: Option<Money>,
    /// First moment the code works (unix milliseconds, UTC).
    pub starts_at_millis: Option<i64>,
    /// First moment it no longer works (unix milliseconds, UTC).
    pub ends_at_millis: Option<i64>,
    /// Orders, from all customers together, that may use it.
    pub usage_limit: Option<u32>,
    /// Orders one customer may use it on.
    pub per_customer_limit: Option<u32>,
}

/// What a code takes off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiscountKind {
    /// A share of the covered lines' subtotal, in basis points (1000 = 10%), at most 10000.
    /// Never applies to shipping.
    Percentage { basis_points: u32 },
    /// A sum off the covered lines, at most their subtotal. Never applies to shipping.
    FixedAmount { amount: Money },
    /// The chosen shipping method's whole price; needs a covered line in the cart.
    FreeShipping,
}

impl DiscountKind {
    /// What the code gives, for shoppers and staff: "10% off", "12.5% off", "£5.00 off",
    /// "free delivery".
    pub fn describe(&self) -> String {
        match self {
            DiscountKind::Percentage { basis_points } => {
                format!("{}% off", percent_text(i64::from(*basis_points)))
            }
            DiscountKind::FixedAmount { amount } => format!("{amount} off"),
            DiscountKind::FreeShipping => "free delivery".to_owned(),
        }
    }
}

/// Basis points as a plain percentage: 1250 → "12.5", 1000 → "10", 5 → "0.05".
pub fn percent_text(basis_points: i64) -> String {
    let text = format!("{}.{:02}", basis_points / 100, basis_points % 100);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Which lines a code covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppliesTo {
    Everything,
    /// Lines in any of these categories (or below them) or of any of these products.
    Only {
        category_ids: Vec<i64>,
        product_ids: Vec<i64>,
    },
}

impl AppliesTo {
    pub fn covers(&self, line: &CartLine) -> bool {
        match self {
            AppliesTo::Everything => true,
            AppliesTo::Only {
                category_ids,
                product_ids,
            } => {
                product_ids.contains(&line.product_id)
                    || line.category_ids.iter().any(|c| category_ids.contains(c))
            }
        }
    }
}

/// How often a code has been used, as the order records say at quoting time. For a
/// shopper not yet known (a guest before giving an email) pass 0 uses by the customer,
/// and quote again once they are known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeUsage {
    pub total_uses: u32,
    pub uses_by_customer: u32,
}

/// The code a shopper entered, as the caller found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeAttempt {
    /// The shop has no code by that name.
    Unknown { typed: String },
    Found {
        code: DiscountCode,
        usage: CodeUsage,
    },
}

/// The form codes are stored and looked up in: no surrounding spaces, capitals.
pub fn normalise_code(typed: &str) -> String {
    typed.trim().to_uppercase()
}

/// Whether `entered` may go on an order that already has `applied`: only one code per
/// order, so a different code must replace the first explicitly.
pub fn one_code_per_order(applied: Option<&str>, entered: &str) -> Result<(), Refusal> {
    match applied {
        Some(applied) if normalise_code(applied) != normalise_code(entered) => {
            Err(Refusal::OneCodePerOrder {
                applied: applied.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

/// Whether `code` can be used on `lines` at `now_millis` in a shop selling in
/// `currency`. On success, the positions of the lines it covers (never empty).
pub fn check_code(
    code: &DiscountCode,
    usage: &CodeUsage,
    lines: &[CartLine],
    currency: Currency,
    now_millis: i64,
) -> Result<Vec<usize>, Refusal> {
    if !code.active {
        return Err(Refusal::Disabled);
    }
    let fixed_amount = match code.kind {
        DiscountKind::FixedAmount { amount } => Some(amount),
        _ => None,
    };
    let amounts = || fixed_amount.iter().chain(&code.minimum_subtotal);
    let too_much =
        matches!(code.kind, DiscountKind::Percentage { basis_points } if basis_points > 10_000);
    if too_much || amounts().any(|money| money.amount < 0) {
        return Err(Refusal::Misconfigured);
    }
    if let Some(other) = amounts().find(|money| money.currency != currency) {
        return Err(Refusal::CurrencyMismatch {
            code_currency: other.currency,
        });
    }
    if let Some(starts) = code.starts_at_millis.filter(|starts| now_millis < *starts) {
        return Err(Refusal::NotStarted {
            starts_at_millis: starts,
        });
    }
    if let Some(ended) = code.ends_at_millis.filter(|ends| now_millis >= *ends) {
        return Err(Refusal::Expired {
            ended_at_millis: ended,
        });
    }
    if code
        .usage_limit
        .is_some_and(|limit| usage.total_uses >= limit)
    {
        return Err(Refusal::UsageLimitReached);
    }
    if let Some(limit) = code
        .per_customer_limit
        .filter(|limit| usage.uses_by_customer >= *limit)
    {
        return Err(Refusal::AlreadyUsedByYou {
            per_customer_limit: limit,
        });
    }
    let covered: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].quantity > 0 && code.applies_to.covers(&lines[*i]))
        .collect();
    if covered.is_empty() {
        return Err(Refusal::NothingItAppliesTo);
    }
    if let Some(minimum) = code.minimum_subtotal {
        // Wide and saturating: only compared, so an absurd cart is simply "enough".
        let subtotal: i128 = covered
            .iter()
            .map(|i| i128::from(lines[*i].unit_price.amount) * i128::from(lines[*i].quantity))
            .sum();
        let short_by = i128::from(minimum.amount) - subtotal;
        if short_by > 0 {
            return Err(Refusal::MinimumNotMet {
                minimum,
                short_by: Money::new(i64::try_from(short_by).unwrap_or(i64::MAX), currency),
            });
        }
    }
    Ok(covered)
}

/// Each line's share of the discount `kind` gives: zero for lines not `covered`, and
/// for the rest the discount shared in proportion to `subtotals`. `None` on overflow.
pub(super) fn line_discounts<K: Ord + Copy>(
    kind: &DiscountKind,
    subtotals: &[i64],
    covered: &[usize],
    tie_break: &[K],
) -> Option<Vec<i64>> {
    let weights: Vec<i64> = covered
        .iter()
        .map(|i| subtotals.get(*i).copied())
        .collect::<Option<_>>()?;
    let keys: Vec<K> = covered
        .iter()
        .map(|i| tie_break.get(*i).copied())
        .collect::<Option<_>>()?;
    let base = weights
        .iter()
        .try_fold(0i64, |sum, w| sum.checked_add(*w))?;
    let total = match kind {
        DiscountKind::Percentage { basis_points } => i64::try_from(div_half_even(
            i128::from(base) * i128::from((*basis_points).min(10_000)),
            10_000,
        )?)
        .ok()?,
        DiscountKind::FixedAmount { amount } => amount.amount.clamp(0, base),
        DiscountKind::FreeShipping => 0,
    };
    let shares = allocate(total, &weights, &keys)?;
    let mut discounts = vec![0; subtotals.len()];
    for (i, share) in covered.iter().zip(shares) {
        *discounts.get_mut(*i)? = share;
    }
    Some(discounts)
}
