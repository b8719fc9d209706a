//! Tax rates by place, and the tax in or on an amount.

use super::*;

#[test]
fn an_inclusive_price_contains_the_tax_at_the_rate() {
    // £12.00 with 20% VAT inside is £10.00 plus £2.00.
    assert_eq!(tax_for(1200, 2000, TaxMode::Inclusive), Some(200));
}

#[test]
fn an_exclusive_price_has_the_tax_added_on_top() {
    assert_eq!(tax_for(1000, 2000, TaxMode::Exclusive), Some(200));
}

#[test]
fn tax_is_rounded_half_to_even() {
    // 10% of 25p is 2.5p, of 35p is 3.5p.
    assert_eq!(tax_for(25, 1000, TaxMode::Exclusive), Some(2));
    assert_eq!(tax_for(35, 1000, TaxMode::Exclusive), Some(4));
    // A sixth of 3p is 0.5p, of 9p is 1.5p (20% inside the price).
    assert_eq!(tax_for(3, 2000, TaxMode::Inclusive), Some(0));
    assert_eq!(tax_for(9, 2000, TaxMode::Inclusive), Some(2));
}

#[test]
fn a_zero_rate_means_no_tax() {
    assert_eq!(tax_for(999, 0, TaxMode::Inclusive), Some(0));
    assert_eq!(tax_for(999, 0, TaxMode::Exclusive), Some(0));
}

#[test]
fn a_negative_amount_or_an_absurd_tax_is_refused() {
    assert_eq!(tax_for(-1, 2000, TaxMode::Exclusive), None);
    assert_eq!(tax_for(i64::MAX, 20_000, TaxMode::Exclusive), None);
    // Inside a price, tax is always less than the price: no overflow.
    assert!(tax_for(i64::MAX, u32::MAX, TaxMode::Inclusive).is_some());
}

#[test]
fn a_region_rate_wins_over_the_country_rate() {
    let rates = [
        rate("US", None, 0),
        rate("US", Some("CA"), 725),
        rate("US", Some("NY"), 400),
    ];
    assert_eq!(rate_for(&rates, &Destination::region("US", "CA")), 725);
    assert_eq!(rate_for(&rates, &Destination::region("US", "TX")), 0);
    assert_eq!(rate_for(&rates, &Destination::country("US")), 0);
}

#[test]
fn a_region_rate_applies_even_when_listed_after_the_country() {
    let rates = [rate("ES", None, 2100), rate("ES", Some("CN"), 700)];
    assert_eq!(rate_for(&rates, &Destination::region("ES", "CN")), 700);
}

#[test]
fn a_country_without_a_rate_pays_no_tax() {
    assert_eq!(
        rate_for(&uk_shop().tax_rates, &Destination::country("JP")),
        0
    );
}

#[test]
fn places_match_without_regard_to_case_or_spaces() {
    let rates = [rate("GB", None, 2000), rate("CA", Some("QC"), 1498)];
    assert_eq!(rate_for(&rates, &Destination::country("gb ")), 2000);
    assert_eq!(rate_for(&rates, &Destination::region("ca", "qc")), 1498);
}

#[test]
fn the_first_of_two_rates_for_one_place_counts() {
    let rates = [rate("GB", None, 2000), rate("GB", None, 500)];
    assert_eq!(rate_for(&rates, &Destination::country("GB")), 2000);
}
