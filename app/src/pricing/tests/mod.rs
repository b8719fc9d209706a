//! Tests of the pricing rules, one file per rule, and the properties every quote keeps.

mod codes;
mod properties;
mod quotes;
mod rounding;
mod shipping;
mod tax;

use super::*;
use crate::money::{Currency, Money};

/// 2026-06-01T00:00:00Z.
pub(super) const NOW: i64 = 1_780_272_000_000;
pub(super) const KITCHEN: i64 = 1;
pub(super) const KNIVES: i64 = 2;
pub(super) const GARDEN: i64 = 3;

pub(super) fn gbp(amount: i64) -> Money {
    Money::new(amount, Currency::GBP)
}

/// A line of `quantity` at `price` pence, 500 g each, in the kitchen.
pub(super) fn line(product_id: i64, price: i64, quantity: u32) -> CartLine {
    CartLine {
        product_id,
        variant_id: product_id * 10,
        category_ids: vec![KITCHEN],
        unit_price: gbp(price),
        quantity,
        unit_weight_grams: 500,
    }
}

pub(super) fn in_categories(mut line: CartLine, category_ids: &[i64]) -> CartLine {
    line.category_ids = category_ids.to_vec();
    line
}

pub(super) fn flat(id: &str, price: i64, countries: &[&str]) -> ShippingMethod {
    ShippingMethod {
        id: id.to_owned(),
        name: id.to_owned(),
        areas: countries.iter().map(|c| ShippingArea::country(c)).collect(),
        rate: ShippingRate::Flat { price: gbp(price) },
        free_from: None,
    }
}

pub(super) fn by_weight(id: &str, bands: &[(u64, i64)], countries: &[&str]) -> ShippingMethod {
    ShippingMethod {
        rate: ShippingRate::ByWeight {
            bands: bands
                .iter()
                .map(|(up_to_grams, price)| WeightBand {
                    up_to_grams: *up_to_grams,
                    price: gbp(*price),
                })
                .collect(),
        },
        ..flat(id, 0, countries)
    }
}

pub(super) fn rate(country: &str, region: Option<&str>, basis_points: u32) -> TaxRate {
    TaxRate {
        country: country.to_owned(),
        region: region.map(str::to_owned),
        basis_points,
    }
}

/// A UK shop: prices include 20% VAT, standard post £3.95 (free from £50) in Great
/// Britain, £12 to Germany and France where VAT is 19% and 20%.
pub(super) fn uk_shop() -> ShopSettings {
    ShopSettings {
        currency: Currency::GBP,
        tax_mode: TaxMode::Inclusive,
        tax_rates: vec![
            rate("GB", None, 2000),
            rate("DE", None, 1900),
            rate("FR", None, 2000),
        ],
        shipping_methods: vec![
            ShippingMethod {
                free_from: Some(gbp(5000)),
                ..flat("standard", 395, &["GB"])
            },
            flat("europe", 1200, &["DE", "FR"]),
        ],
    }
}

/// The same shop selling before tax, as a trade shop would.
pub(super) fn trade_shop() -> ShopSettings {
    ShopSettings {
        tax_mode: TaxMode::Exclusive,
        ..uk_shop()
    }
}

pub(super) fn request(lines: Vec<CartLine>) -> QuoteRequest {
    QuoteRequest {
        lines,
        destination: Destination::country("GB"),
        code: None,
        shipping_method: None,
        now_millis: NOW,
    }
}

pub(super) fn with_code(request: QuoteRequest, code: DiscountCode) -> QuoteRequest {
    QuoteRequest {
        code: Some(CodeAttempt::Found {
            code,
            usage: CodeUsage::default(),
        }),
        ..request
    }
}

/// A live code for everything, with no limits.
pub(super) fn code(kind: DiscountKind) -> DiscountCode {
    DiscountCode {
        code: "SAVE".to_owned(),
        active: true,
        kind,
        applies_to: AppliesTo::Everything,
        minimum_subtotal: None,
        starts_at_millis: None,
        ends_at_millis: None,
        usage_limit: None,
        per_customer_limit: None,
    }
}

pub(super) fn percent_off(basis_points: u32) -> DiscountCode {
    code(DiscountKind::Percentage { basis_points })
}

pub(super) fn amount_off(amount: i64) -> DiscountCode {
    code(DiscountKind::FixedAmount {
        amount: gbp(amount),
    })
}

pub(super) fn priced(shop: &ShopSettings, request: &QuoteRequest) -> Quote {
    quote(shop, request).expect("prices")
}

pub(super) fn refusal(quote: &Quote) -> Option<Refusal> {
    match &quote.code {
        CodeOutcome::Refused { reason, .. } => Some(reason.clone()),
        _ => None,
    }
}

pub(super) fn charged(quote: &Quote) -> ShippingCharge {
    match &quote.shipping {
        ShippingStatus::Charged(charge) => charge.clone(),
        other => panic!("expected a shipping charge, got {other:?}"),
    }
}
