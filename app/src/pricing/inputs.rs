//! What pricing needs to know about the cart, the shop and where the order is going.

use super::shipping::ShippingMethod;
use super::tax::{TaxMode, TaxRate};
use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};

/// One line of the cart: a variant of a product, some number of times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub product_id: i64,
    pub variant_id: i64,
    /// The product's category and every category above it, so a code restricted to
    /// "Kitchen" also covers "Kitchen › Knives".
    pub category_ids: Vec<i64>,
    /// In the shop's currency and tax mode; never negative.
    pub unit_price: Money,
    pub quantity: u32,
    /// The weight of one unit, packed.
    pub unit_weight_grams: u32,
}

impl CartLine {
    /// `unit_price × quantity`, or `None` when that does not fit in an `i64`.
    pub fn subtotal(&self) -> Option<i64> {
        self.unit_price.amount.checked_mul(i64::from(self.quantity))
    }

    /// The weight of the whole line (two `u32`s always fit in a `u64`).
    pub fn weight_grams(&self) -> u64 {
        u64::from(self.unit_weight_grams) * u64::from(self.quantity)
    }
}

/// How the shop prices: its currency, whether its prices include tax, the tax rates
/// and the shipping methods it offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSettings {
    pub currency: Currency,
    pub tax_mode: TaxMode,
    pub tax_rates: Vec<TaxRate>,
    /// In the order the shopper should see them; ties for cheapest go to the first.
    pub shipping_methods: Vec<ShippingMethod>,
}

/// Where the order is delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    /// ISO 3166-1 alpha-2, such as `GB`; compared without regard to case.
    pub country: String,
    /// County, state or province where rates or shipping differ within a country,
    /// such as `CA` in the US; compared without regard to case.
    pub region: Option<String>,
}

impl Destination {
    pub fn country(country: &str) -> Destination {
        Destination {
            country: country.to_owned(),
            region: None,
        }
    }

    pub fn region(country: &str, region: &str) -> Destination {
        Destination {
            country: country.to_owned(),
            region: Some(region.to_owned()),
        }
    }

    /// Whether this is `country`, and, when `region` is given, that region of it.
    pub fn is_in(&self, country: &str, region: Option<&str>) -> bool {
        self.country.trim().eq_ignore_ascii_case(country.trim())
            && match region {
                None => true,
                Some(wanted) => self
                    .region
                    .as_deref()
                    .is_some_and(|r| r.trim().eq_ignore_ascii_case(wanted.trim())),
            }
    }
}
