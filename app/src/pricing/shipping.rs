//! Shipping methods: where each one goes and what it costs for a given parcel.

use super::inputs::Destination;
use crate::money::Money;
use serde::{Deserialize, Serialize};

/// A way of delivering an order, such as "Royal Mail Tracked 48".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingMethod {
    /// Stable identifier the shopper's choice is stored under, such as `tracked-48`.
    pub id: String,
    /// What the shopper sees.
    pub name: String,
    /// Where it delivers; a method with no areas delivers nowhere.
    pub areas: Vec<ShippingArea>,
    pub rate: ShippingRate,
    /// Free when the order's goods, after discounts and in the shop's price terms,
    /// come to at least this much.
    pub free_from: Option<Money>,
}

/// A country, or one region of it, that a method delivers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingArea {
    /// ISO 3166-1 alpha-2, such as `GB`.
    pub country: String,
    /// `None` for the whole country.
    pub region: Option<String>,
}

/// How the price of a method is worked out, in the shop's tax mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShippingRate {
    /// The same price for any parcel.
    Flat { price: Money },
    /// The price of the lightest band that takes the parcel's weight; a parcel heavier
    /// than every band cannot go by this method.
    ByWeight { bands: Vec<WeightBand> },
}

/// Parcels up to and including `up_to_grams` cost `price`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightBand {
    pub up_to_grams: u64,
    pub price: Money,
}

impl ShippingArea {
    pub fn country(country: &str) -> ShippingArea {
        ShippingArea {
            country: country.to_owned(),
            region: None,
        }
    }
}

impl ShippingMethod {
    /// Whether the method delivers to `destination`.
    pub fn serves(&self, destination: &Destination) -> bool {
        self.areas
            .iter()
            .any(|area| destination.is_in(&area.country, area.region.as_deref()))
    }

    /// The price of sending `weight_grams` on an order whose goods come to `goods_total`
    /// (after discounts, in the shop's price terms), before any free-shipping code.
    /// `None` when no weight band takes the parcel. A threshold in another currency
    /// than the goods never applies.
    pub fn price_for(&self, weight_grams: u64, goods_total: Money) -> Option<Money> {
        let price = match &self.rate {
            ShippingRate::Flat { price } => *price,
            ShippingRate::ByWeight { bands } => {
                bands
                    .iter()
                    .filter(|band| weight_grams <= band.up_to_grams)
                    // The lightest fitting band, whatever order the bands were entered in;
                    // among equal limits, the first entered.
                    .min_by_key(|band| band.up_to_grams)?
                    .price
            }
        };
        let free = self.free_from.is_some_and(|threshold| {
            threshold.currency == goods_total.currency && goods_total.amount >= threshold.amount
        });
        Some(if free {
            Money::new(0, price.currency)
        } else {
            price
        })
    }

    /// Every price this method can charge, for checking the configuration.
    pub(super) fn prices(&self) -> Vec<Money> {
        let mut prices: Vec<Money> = match &self.rate {
            ShippingRate::Flat { price } => vec![*price],
            ShippingRate::ByWeight { bands } => bands.iter().map(|band| band.price).collect(),
        };
        prices.extend(self.free_from);
        prices
    }
}
