//! Whole quotes: worked examples, and the faults that stop pricing.

use super::*;

fn tool_and_spoon() -> QuoteRequest {
    request(vec![line(1, 1000, 2), line(2, 333, 1)])
}

#[test]
fn an_inclusive_quote_takes_tax_out_of_each_line() {
    let quote = priced(&uk_shop(), &tool_and_spoon());
    // A sixth of £20.00 is 333.3p; of £3.33 is 55.5p, rounded to the even 56p.
    let taxes: Vec<Money> = quote.lines.iter().map(|l| l.tax).collect();
    assert_eq!(taxes, [gbp(333), gbp(56)]);
    let totals: Vec<Money> = quote.lines.iter().map(|l| l.total).collect();
    assert_eq!(totals, [gbp(2000), gbp(333)]);
    assert_eq!(quote.subtotal, gbp(2333));
    assert_eq!(quote.shipping_total, gbp(395));
    assert_eq!(quote.tax_total, gbp(333 + 56 + 66));
    assert_eq!(quote.grand_total, gbp(2728));
}

#[test]
fn an_exclusive_quote_adds_tax_to_each_line_and_to_shipping() {
    let quote = priced(&trade_shop(), &tool_and_spoon());
    let taxes: Vec<Money> = quote.lines.iter().map(|l| l.tax).collect();
    assert_eq!(taxes, [gbp(400), gbp(67)]);
    let totals: Vec<Money> = quote.lines.iter().map(|l| l.total).collect();
    assert_eq!(totals, [gbp(2400), gbp(400)]);
    assert_eq!(quote.shipping_total, gbp(474));
    assert_eq!(quote.tax_total, gbp(400 + 67 + 79));
    assert_eq!(quote.grand_total, gbp(3274));
}

#[test]
fn an_inclusive_price_is_the_same_abroad_with_that_country_s_tax_inside() {
    let mut to_germany = request(vec![line(1, 1190, 1)]);
    to_germany.destination = Destination::country("DE");
    let quote = priced(&uk_shop(), &to_germany);
    assert_eq!(quote.tax_rate_basis_points, 1900);
    assert_eq!(quote.lines[0].tax, gbp(190));
    assert_eq!(quote.lines[0].total, gbp(1190));
}

#[test]
fn a_discount_comes_off_before_tax() {
    let order = with_code(request(vec![line(1, 1000, 1)]), percent_off(1000));
    let quote = priced(&trade_shop(), &order);
    assert_eq!(quote.lines[0].discount, gbp(100));
    assert_eq!(quote.lines[0].tax, gbp(180));
    assert_eq!(quote.lines[0].total, gbp(1080));
}

#[test]
fn a_percentage_discount_is_rounded_once_for_the_order() {
    // 12.5% of £1.00 + £1.00 + £1.00 is 37.5p, rounded to the even 38p, not 3 × 12.5p.
    let three = request(vec![line(1, 100, 1), line(2, 100, 1), line(3, 100, 1)]);
    let quote = priced(&uk_shop(), &with_code(three, percent_off(1250)));
    assert_eq!(quote.discount_total, gbp(38));
    let shares: Vec<Money> = quote.lines.iter().map(|l| l.discount).collect();
    assert_eq!(shares, [gbp(13), gbp(13), gbp(12)]);
}

#[test]
fn a_leftover_penny_of_discount_goes_by_product_not_position() {
    let forwards = request(vec![line(1, 100, 1), line(2, 100, 1), line(3, 100, 1)]);
    let mut backwards = forwards.clone();
    backwards.lines.reverse();
    let forwards = priced(&uk_shop(), &with_code(forwards, amount_off(100)));
    let backwards = priced(&uk_shop(), &with_code(backwards, amount_off(100)));
    let share = |quote: &Quote, product: i64| {
        quote
            .lines
            .iter()
            .find(|l| l.product_id == product)
            .map(|l| l.discount)
    };
    for product in 1..=3 {
        assert_eq!(share(&forwards, product), share(&backwards, product));
    }
    assert_eq!(share(&forwards, 1), Some(gbp(34)));
}

#[test]
fn a_cart_price_in_another_currency_is_a_fault() {
    let mut order = tool_and_spoon();
    order.lines[1].unit_price = Money::new(333, "EUR".parse().unwrap());
    assert!(matches!(
        quote(&uk_shop(), &order),
        Err(PricingError::CurrencyMismatch { .. })
    ));
}

#[test]
fn a_shipping_price_in_another_currency_is_a_fault() {
    let mut shop = uk_shop();
    shop.shipping_methods[1].rate = ShippingRate::Flat {
        price: Money::new(1200, "EUR".parse().unwrap()),
    };
    assert!(matches!(
        quote(&shop, &tool_and_spoon()),
        Err(PricingError::CurrencyMismatch { .. })
    ));
}

#[test]
fn a_negative_price_is_a_fault() {
    let order = request(vec![line(1, -1, 1)]);
    assert_eq!(
        quote(&uk_shop(), &order),
        Err(PricingError::NegativePrice { amount: -1 })
    );
}

#[test]
fn absurd_amounts_are_a_fault_not_a_panic() {
    let too_many = request(vec![line(1, i64::MAX, 2)]);
    assert_eq!(
        quote(&uk_shop(), &too_many),
        Err(PricingError::AmountTooLarge)
    );
    let too_much_together = request(vec![
        line(1, i64::MAX / 2 + 1, 1),
        line(2, i64::MAX / 2 + 1, 1),
    ]);
    assert_eq!(
        quote(&uk_shop(), &too_much_together),
        Err(PricingError::AmountTooLarge)
    );
    let too_much_tax = request(vec![line(1, i64::MAX - 10, 1)]);
    assert_eq!(
        quote(&trade_shop(), &too_much_tax),
        Err(PricingError::AmountTooLarge)
    );
}

#[test]
fn a_quote_round_trips_through_json() {
    let order = with_code(tool_and_spoon(), percent_off(1000));
    let quote = priced(&uk_shop(), &order);
    let json = serde_json::to_string(&quote).unwrap();
    assert_eq!(serde_json::from_str::<Quote>(&json).unwrap(), quote);
    let json = serde_json::to_string(&uk_shop()).unwrap();
    assert_eq!(
        serde_json::from_str::<ShopSettings>(&json).unwrap(),
        uk_shop()
    );
}
