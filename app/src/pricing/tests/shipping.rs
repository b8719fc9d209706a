//! Shipping methods: where they go, what they cost, which one is charged.

use super::*;

fn parcel_force() -> ShippingMethod {
    // Entered out of order on purpose.
    by_weight(
        "parcel",
        &[(10_000, 1500), (2_000, 600), (5_000, 900)],
        &["GB"],
    )
}

#[test]
fn weight_bands_pick_the_first_band_that_fits() {
    let method = parcel_force();
    let goods = gbp(1000);
    assert_eq!(method.price_for(0, goods), Some(gbp(600)));
    assert_eq!(method.price_for(2_000, goods), Some(gbp(600)));
    assert_eq!(method.price_for(2_001, goods), Some(gbp(900)));
    assert_eq!(method.price_for(10_000, goods), Some(gbp(1500)));
}

#[test]
fn a_parcel_heavier_than_every_band_cannot_go_by_that_method() {
    assert_eq!(parcel_force().price_for(10_001, gbp(1000)), None);
    let nothing = by_weight("none", &[], &["GB"]);
    assert_eq!(nothing.price_for(0, gbp(1000)), None);
}

#[test]
fn a_flat_rate_is_the_same_for_any_weight() {
    let method = flat("courier", 799, &["GB"]);
    assert_eq!(method.price_for(0, gbp(1)), Some(gbp(799)));
    assert_eq!(method.price_for(u64::MAX, gbp(1)), Some(gbp(799)));
}

#[test]
fn shipping_is_free_from_the_threshold_on() {
    let method = ShippingMethod {
        free_from: Some(gbp(5000)),
        ..parcel_force()
    };
    assert_eq!(method.price_for(100, gbp(4999)), Some(gbp(600)));
    assert_eq!(method.price_for(100, gbp(5000)), Some(gbp(0)));
    // Too heavy stays too heavy, free or not.
    assert_eq!(method.price_for(20_000, gbp(9000)), None);
}

#[test]
fn a_threshold_in_another_currency_never_applies() {
    let method = ShippingMethod {
        free_from: Some(Money::new(1, "EUR".parse().unwrap())),
        ..flat("courier", 500, &["GB"])
    };
    assert_eq!(method.price_for(0, gbp(100_000)), Some(gbp(500)));
}

#[test]
fn a_method_for_one_region_does_not_serve_the_rest_of_the_country() {
    let method = ShippingMethod {
        areas: vec![ShippingArea {
            country: "GB".to_owned(),
            region: Some("Scotland".to_owned()),
        }],
        ..flat("highlands", 900, &[])
    };
    assert!(method.serves(&Destination::region("GB", "scotland")));
    assert!(!method.serves(&Destination::region("GB", "Wales")));
    assert!(!method.serves(&Destination::country("GB")));
    assert!(!flat("nowhere", 1, &[]).serves(&Destination::country("GB")));
}

#[test]
fn only_methods_that_serve_the_address_are_offered() {
    let mut to_germany = request(vec![line(1, 2000, 1)]);
    to_germany.destination = Destination::country("DE");
    let quote = priced(&uk_shop(), &to_germany);
    let offered: Vec<&str> = quote
        .shipping_options
        .iter()
        .map(|o| o.method_id.as_str())
        .collect();
    assert_eq!(offered, ["europe"]);
    assert_eq!(charged(&quote).price, gbp(1200));
}

#[test]
fn the_cheapest_method_is_charged_when_none_is_chosen() {
    let mut shop = uk_shop();
    shop.shipping_methods.push(flat("economy", 250, &["GB"]));
    shop.shipping_methods
        .push(flat("also-economy", 250, &["GB"]));
    let quote = priced(&shop, &request(vec![line(1, 2000, 1)]));
    assert_eq!(charged(&quote).method_id, "economy");
    assert_eq!(quote.shipping_options.len(), 3);
}

#[test]
fn the_chosen_method_is_charged_even_when_dearer() {
    let mut shop = uk_shop();
    shop.shipping_methods.push(flat("next-day", 995, &["GB"]));
    let mut next_day = request(vec![line(1, 2000, 1)]);
    next_day.shipping_method = Some("next-day".to_owned());
    let quote = priced(&shop, &next_day);
    assert_eq!(quote.shipping_total, gbp(995));
}

#[test]
fn a_chosen_method_that_cannot_take_the_order_is_reported_not_swapped() {
    let mut abroad = request(vec![line(1, 2000, 1)]);
    abroad.shipping_method = Some("standard".to_owned());
    abroad.destination = Destination::country("FR");
    let quote = priced(&uk_shop(), &abroad);
    assert_eq!(
        quote.shipping,
        ShippingStatus::MethodUnavailable {
            method_id: "standard".to_owned()
        }
    );
    assert!(quote.shipping.problem().is_some());
    assert_eq!(quote.shipping_total, gbp(0));
    assert_eq!(quote.grand_total, gbp(2000));
}

#[test]
fn an_address_no_method_serves_is_reported() {
    let mut to_japan = request(vec![line(1, 2000, 1)]);
    to_japan.destination = Destination::country("JP");
    let quote = priced(&uk_shop(), &to_japan);
    assert_eq!(quote.shipping, ShippingStatus::NoMethodAvailable);
    assert!(quote.shipping_options.is_empty());
    assert!(quote.shipping.problem().is_some());
}

#[test]
fn an_order_too_heavy_for_every_band_is_reported() {
    let shop = ShopSettings {
        shipping_methods: vec![parcel_force()],
        ..uk_shop()
    };
    // 30 × 500 g = 15 kg.
    let quote = priced(&shop, &request(vec![line(1, 100, 30)]));
    assert_eq!(quote.shipping, ShippingStatus::NoMethodAvailable);
}

#[test]
fn the_weight_of_every_line_counts() {
    let shop = ShopSettings {
        shipping_methods: vec![parcel_force()],
        ..uk_shop()
    };
    // 4 × 500 g + 1 × 500 g = 2.5 kg: the 5 kg band.
    let quote = priced(&shop, &request(vec![line(1, 100, 4), line(2, 100, 1)]));
    assert_eq!(charged(&quote).price, gbp(900));
}

#[test]
fn an_empty_cart_needs_no_shipping() {
    let quote = priced(&uk_shop(), &request(vec![]));
    assert_eq!(quote.shipping, ShippingStatus::NothingToShip);
    assert_eq!(quote.grand_total, gbp(0));
    let quote = priced(&uk_shop(), &request(vec![line(1, 500, 0)]));
    assert_eq!(quote.shipping, ShippingStatus::NothingToShip);
}

#[test]
fn the_free_shipping_threshold_counts_the_goods_after_discount() {
    // £55 of goods, £10 off: £45, below the £50 threshold.
    let order = with_code(request(vec![line(1, 5500, 1)]), amount_off(1000));
    assert_eq!(charged(&priced(&uk_shop(), &order)).price, gbp(395));
    let order = request(vec![line(1, 5500, 1)]);
    assert_eq!(charged(&priced(&uk_shop(), &order)).price, gbp(0));
}

#[test]
fn shipping_is_taxed_at_the_destination_rate() {
    let quote = priced(&uk_shop(), &request(vec![line(1, 1000, 1)]));
    // £3.95 with 20% inside: 395 / 6 = 65.83 → 66p.
    assert_eq!(charged(&quote).tax, gbp(66));
    assert_eq!(charged(&quote).total, gbp(395));
    let quote = priced(&trade_shop(), &request(vec![line(1, 1000, 1)]));
    // 20% on top of £3.95 = 79p.
    assert_eq!(charged(&quote).tax, gbp(79));
    assert_eq!(charged(&quote).total, gbp(474));
}
