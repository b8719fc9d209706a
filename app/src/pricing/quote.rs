//! Putting the rules together: the price of a whole order, line by line.

use super::discount::{check_code, line_discounts, CodeAttempt, DiscountKind};
use super::error::PricingError;
use super::inputs::{CartLine, Destination, ShopSettings};
use super::refusal::Refusal;
use super::shipping::ShippingMethod;
use super::tax::{rate_for, tax_for, with_tax, TaxMode};
use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};

/// Everything about one order that pricing depends on, besides the shop's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteRequest {
    pub lines: Vec<CartLine>,
    pub destination: Destination,
    /// At most one code per order; see [`super::one_code_per_order`].
    pub code: Option<CodeAttempt>,
    /// The chosen method's id; `None` picks the cheapest on offer.
    pub shipping_method: Option<String>,
    /// The moment to price at (unix milliseconds, UTC); decides whether a code is live.
    pub now_millis: i64,
}

/// The price of an order. Every amount is in `currency` and never negative;
/// `grand_total` is exactly the line totals plus `shipping_total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub currency: Currency,
    pub tax_mode: TaxMode,
    /// The destination's rate, applied to every line and to shipping.
    pub tax_rate_basis_points: u32,
    /// In the order of the request.
    pub lines: Vec<QuotedLine>,
    pub code: CodeOutcome,
    pub shipping: ShippingStatus,
    /// Every method that serves this address and cart, priced for it, in the shop's order.
    pub shipping_options: Vec<ShippingCharge>,
    /// The lines' subtotals, before discount.
    pub subtotal: Money,
    /// Taken off the lines and shipping together.
    pub discount_total: Money,
    /// The chosen shipping's total; zero when none is charged.
    pub shipping_total: Money,
    /// On the lines and shipping together; included in the totals or added to them,
    /// according to `tax_mode`.
    pub tax_total: Money,
    pub grand_total: Money,
}

/// One cart line, priced. `total` is `subtotal − discount`, plus `tax` when prices
/// exclude it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotedLine {
    pub product_id: i64,
    pub variant_id: i64,
    pub unit_price: Money,
    pub quantity: u32,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
}

/// A shipping method priced for this order. `total` is `price − discount`, plus `tax`
/// when prices exclude it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingCharge {
    pub method_id: String,
    pub name: String,
    /// After any free-over threshold, before any free-shipping code.
    pub price: Money,
    /// What a free-shipping code takes off.
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
}

/// What happened to shipping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShippingStatus {
    /// The chosen (or cheapest) method, included in the totals.
    Charged(ShippingCharge),
    /// The cart is empty.
    NothingToShip,
    /// No method serves this address with this cart (too far, or too heavy).
    NoMethodAvailable,
    /// The chosen method does not serve this address or cart; others do.
    MethodUnavailable { method_id: String },
}

impl ShippingStatus {
    /// A sentence for the shopper when the order cannot be shipped as it stands.
    pub fn problem(&self) -> Option<&'static str> {
        match self {
            ShippingStatus::Charged(_) | ShippingStatus::NothingToShip => None,
            ShippingStatus::NoMethodAvailable => {
                Some("Sorry, we can't deliver this order to that address.")
            }
            ShippingStatus::MethodUnavailable { .. } => {
                Some("That delivery option isn't available for this order. Please choose another.")
            }
        }
    }
}

/// What became of the discount code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeOutcome {
    NotEntered,
    Applied {
        code: String,
        kind: DiscountKind,
    },
    /// `code` as the shopper typed it or as the shop stores it.
    Refused {
        code: String,
        reason: Refusal,
    },
}

/// Prices `request` by the rules of `shop`. A refused code or an undeliverable order
/// is part of the quote; `Err` only for data pricing cannot use.
pub fn quote(shop: &ShopSettings, request: &QuoteRequest) -> Result<Quote, PricingError> {
    check_currency_and_sign(shop, &request.lines)?;
    let currency = shop.currency;
    let mode = shop.tax_mode;
    let money = |amount: i64| Money::new(amount, currency);
    let subtotals: Vec<i64> = request
        .lines
        .iter()
        .map(|line| line.subtotal().ok_or(PricingError::AmountTooLarge))
        .collect::<Result<_, _>>()?;

    let (code, discount_kind, covered) = apply_code(request, currency);
    let discounts = match discount_kind {
        // Ties for a leftover penny go by what the line is, not where it sits, so the
        // same cart in another order prices the same.
        Some(kind) => {
            let tie_break: Vec<(i64, i64, i64)> = request
                .lines
                .iter()
                .zip(&subtotals)
                .map(|(line, subtotal)| (line.product_id, line.variant_id, *subtotal))
                .collect();
            line_discounts(kind, &subtotals, &covered, &tie_break)
                .ok_or(PricingError::AmountTooLarge)?
        }
        None => vec![0; subtotals.len()],
    };

    let rate = rate_for(&shop.tax_rates, &request.destination);
    let mut lines = Vec::with_capacity(request.lines.len());
    for ((line, subtotal), discount) in request.lines.iter().zip(&subtotals).zip(&discounts) {
        // Never negative: a share never exceeds its line's subtotal.
        let discounted = subtotal - discount;
        let tax = tax_for(discounted, rate, mode).ok_or(PricingError::AmountTooLarge)?;
        let total = with_tax(discounted, tax, mode).ok_or(PricingError::AmountTooLarge)?;
        lines.push(QuotedLine {
            product_id: line.product_id,
            variant_id: line.variant_id,
            unit_price: line.unit_price,
            quantity: line.quantity,
            subtotal: money(*subtotal),
            discount: money(*discount),
            tax: money(tax),
            total: money(total),
        });
    }

    let goods_total = sum(lines.iter().map(|l| l.subtotal.amount - l.discount.amount))?;
    let free_shipping = matches!(discount_kind, Some(DiscountKind::FreeShipping));
    let weight = request.lines.iter().fold(0u64, |weight, line| {
        weight.saturating_add(line.weight_grams())
    });
    let needs_shipping = request.lines.iter().any(|line| line.quantity > 0);
    let shipping_options: Vec<ShippingCharge> = if needs_shipping {
        shop.shipping_methods
            .iter()
            .filter(|method| method.serves(&request.destination))
            .filter_map(|method| {
                let price = method.price_for(weight, money(goods_total))?;
                Some(charge(method, price, free_shipping, rate, mode))
            })
            .collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    let chosen = match &request.shipping_method {
        Some(id) => shipping_options
            .iter()
            .find(|option| option.method_id == *id),
        None => shipping_options
            .iter()
            .min_by_key(|option| option.total.amount),
    };
    let shipping = match (chosen, &request.shipping_method) {
        _ if !needs_shipping => ShippingStatus::NothingToShip,
        (Some(charge), _) => ShippingStatus::Charged(charge.clone()),
        (None, Some(id)) if !shipping_options.is_empty() => ShippingStatus::MethodUnavailable {
            method_id: id.clone(),
        },
        (None, _) => ShippingStatus::NoMethodAvailable,
    };

    let charged = match &shipping {
        ShippingStatus::Charged(charge) => (
            charge.discount.amount,
            charge.tax.amount,
            charge.total.amount,
        ),
        _ => (0, 0, 0),
    };
    let (shipping_discount, shipping_tax, shipping_total) = charged;
    Ok(Quote {
        currency,
        tax_mode: mode,
        tax_rate_basis_points: rate,
        subtotal: money(sum(subtotals.iter().copied())?),
        discount_total: money(sum(discounts.iter().copied().chain([shipping_discount]))?),
        shipping_total: money(shipping_total),
        tax_total: money(sum(lines
            .iter()
            .map(|l| l.tax.amount)
            .chain([shipping_tax]))?),
        grand_total: money(sum(lines
            .iter()
            .map(|l| l.total.amount)
            .chain([shipping_total]))?),
        lines,
        code,
        shipping,
        shipping_options,
    })
}

/// What became of the request's code, what it gives, and the lines it covers.
fn apply_code(
    request: &QuoteRequest,
    currency: Currency,
) -> (CodeOutcome, Option<&DiscountKind>, Vec<usize>) {
    let refused = |code: &str, reason| CodeOutcome::Refused {
        code: code.to_owned(),
        reason,
    };
    match &request.code {
        None => (CodeOutcome::NotEntered, None, Vec::new()),
        Some(CodeAttempt::Unknown { typed }) => {
            (refused(typed, Refusal::Unknown), None, Vec::new())
        }
        Some(CodeAttempt::Found { code, usage }) => {
            match check_code(code, usage, &request.lines, currency, request.now_millis) {
                Ok(covered) => {
                    let applied = CodeOutcome::Applied {
                        code: code.code.clone(),
                        kind: code.kind.clone(),
                    };
                    (applied, Some(&code.kind), covered)
                }
                Err(reason) => (refused(&code.code, reason), None, Vec::new()),
            }
        }
    }
}

/// Every price pricing will use must be in the shop's currency and not below zero.
fn check_currency_and_sign(shop: &ShopSettings, lines: &[CartLine]) -> Result<(), PricingError> {
    let line_prices = lines.iter().map(|line| line.unit_price);
    let shipping_prices = shop
        .shipping_methods
        .iter()
        .flat_map(ShippingMethod::prices);
    for price in line_prices.chain(shipping_prices) {
        if price.currency != shop.currency {
            return Err(PricingError::CurrencyMismatch {
                expected: shop.currency,
                found: price.currency,
            });
        }
        if price.amount < 0 {
            return Err(PricingError::NegativePrice {
                amount: price.amount,
            });
        }
    }
    Ok(())
}

/// `method` at `price`, less a free-shipping code, with its tax.
fn charge(
    method: &ShippingMethod,
    price: Money,
    free_shipping: bool,
    rate: u32,
    mode: TaxMode,
) -> Result<ShippingCharge, PricingError> {
    let discount = if free_shipping { price.amount } else { 0 };
    let discounted = price.amount - discount;
    let tax = tax_for(discounted, rate, mode).ok_or(PricingError::AmountTooLarge)?;
    let total = with_tax(discounted, tax, mode).ok_or(PricingError::AmountTooLarge)?;
    Ok(ShippingCharge {
        method_id: method.id.clone(),
        name: method.name.clone(),
        price,
        discount: Money::new(discount, price.currency),
        tax: Money::new(tax, price.currency),
        total: Money::new(total, price.currency),
    })
}

fn sum(amounts: impl IntoIterator<Item = i64>) -> Result<i64, PricingError> {
    amounts
        .into_iter()
        .try_fold(0i64, i64::checked_add)
        .ok_or(PricingError::AmountTooLarge)
}
