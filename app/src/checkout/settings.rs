//! What the shop charges for tax and shipping until staff can edit it: prices include UK
//! VAT at 20%, and three shipping methods (UK standard, free from £50; UK express; Europe).

use crate::money::{Currency, Money};
use crate::pricing::{ShippingArea, ShippingMethod, ShippingRate, ShopSettings, TaxMode, TaxRate};

/// Countries the "Europe" method delivers to.
const EUROPE: [&str; 12] = [
    "IE", "FR", "DE", "NL", "BE", "ES", "PT", "IT", "AT", "DK", "SE", "PL",
];

/// The settings checkout prices with: the defaults, in pounds (the demo catalog's
/// currency). One place, so the form and the order cannot disagree.
pub fn shop_settings() -> ShopSettings {
    default_settings(Currency::GBP)
}

pub fn default_settings(currency: Currency) -> ShopSettings {
    let money = |amount| Money::new(amount, currency);
    let uk = || {
        vec![ShippingArea {
            country: "GB".to_owned(),
            region: None,
        }]
    };
    ShopSettings {
        currency,
        tax_mode: TaxMode::Inclusive,
        tax_rates: vec![TaxRate {
            country: "GB".to_owned(),
            region: None,
            basis_points: 2000,
        }],
        shipping_methods: vec![
            ShippingMethod {
                id: "standard".to_owned(),
                name: "Standard delivery (2–4 working days)".to_owned(),
                areas: uk(),
                rate: ShippingRate::Flat { price: money(395) },
                free_from: Some(money(5000)),
            },
            ShippingMethod {
                id: "express".to_owned(),
                name: "Express delivery (next working day)".to_owned(),
                areas: uk(),
                rate: ShippingRate::Flat { price: money(795) },
                free_from: None,
            },
            ShippingMethod {
                id: "europe".to_owned(),
                name: "Europe (4–8 working days)".to_owned(),
                areas: EUROPE
                    .iter()
                    .map(|country| ShippingArea {
                        country: (*country).to_owned(),
                        region: None,
                    })
                    .collect(),
                rate: ShippingRate::Flat { price: money(1495) },
                free_from: None,
            },
        ],
    }
}
