//! Properties every quote keeps, over carts, codes and shops made up at random.

use super::super::rounding::div_half_even;
use super::*;
use proptest::prelude::*;

fn arb_line(max_price: i64) -> impl Strategy<Value = CartLine> {
    (
        1i64..6,
        0i64..3,
        prop::collection::vec(1i64..5, 0..3),
        0..=max_price,
        0u32..6,
        0u32..3_000,
    )
        .prop_map(
            |(product_id, variant, category_ids, price, quantity, weight)| CartLine {
                product_id,
                variant_id: product_id * 10 + variant,
                category_ids,
                unit_price: gbp(price),
                quantity,
                unit_weight_grams: weight,
            },
        )
}

fn arb_kind() -> impl Strategy<Value = DiscountKind> {
    prop_oneof![
        (0u32..=10_000).prop_map(|basis_points| DiscountKind::Percentage { basis_points }),
        (0i64..200_000).prop_map(|amount| DiscountKind::FixedAmount {
            amount: gbp(amount)
        }),
        Just(DiscountKind::FreeShipping),
    ]
}

fn arb_applies_to() -> impl Strategy<Value = AppliesTo> {
    prop_oneof![
        Just(AppliesTo::Everything),
        (
            prop::collection::vec(1i64..5, 0..3),
            prop::collection::vec(1i64..6, 0..3)
        )
            .prop_map(|(category_ids, product_ids)| AppliesTo::Only {
                category_ids,
                product_ids
            }),
    ]
}

fn arb_code() -> impl Strategy<Value = CodeAttempt> {
    let window = prop::option::of(NOW - 1_000..NOW + 1_000);
    let found = (
        arb_kind(),
        arb_applies_to(),
        prop::option::weighted(0.3, (0i64..50_000).prop_map(gbp)),
        prop::bool::weighted(0.9),
        (window.clone(), window),
        prop::option::weighted(0.2, 0u32..3),
    );
    prop_oneof![
        1 => Just(CodeAttempt::Unknown { typed: "NOPE".to_owned() }),
        6 => found.prop_map(|(kind, applies_to, minimum_subtotal, active, (starts, ends), limit)| {
            CodeAttempt::Found {
                code: DiscountCode {
                    applies_to,
                    minimum_subtotal,
                    active,
                    starts_at_millis: starts,
                    ends_at_millis: ends,
                    per_customer_limit: limit,
                    ..code(kind)
                },
                usage: CodeUsage { total_uses: 0, uses_by_customer: 1 },
            }
        }),
    ]
}

fn arb_method(id: &'static str) -> impl Strategy<Value = ShippingMethod> {
    let bands = prop::collection::vec((0u64..20_000, 0i64..3_000), 0..4);
    (
        prop::bool::ANY,
        0i64..3_000,
        bands,
        prop::option::of((0i64..20_000).prop_map(gbp)),
        prop::sample::subsequence(vec!["GB", "DE", "JP"], 0..=3),
    )
        .prop_map(move |(is_flat, price, bands, free_from, countries)| {
            let method = if is_flat {
                flat(id, price, &countries)
            } else {
                by_weight(id, &bands, &countries)
            };
            ShippingMethod {
                free_from,
                ..method
            }
        })
}

fn arb_shop() -> impl Strategy<Value = ShopSettings> {
    (
        prop::bool::ANY,
        0u32..3_000,
        0u32..3_000,
        arb_method("a"),
        arb_method("b"),
    )
        .prop_map(|(inclusive, gb, de, a, b)| ShopSettings {
            currency: Currency::GBP,
            tax_mode: if inclusive {
                TaxMode::Inclusive
            } else {
                TaxMode::Exclusive
            },
            tax_rates: vec![rate("GB", None, gb), rate("DE", None, de)],
            shipping_methods: vec![a, b],
        })
}

fn arb_request(max_price: i64) -> impl Strategy<Value = QuoteRequest> {
    (
        prop::collection::vec(arb_line(max_price), 0..6),
        prop::sample::select(vec!["GB", "DE", "JP"]),
        prop::option::weighted(0.8, arb_code()),
        prop::option::of(prop::sample::select(vec!["a", "b", "c"])),
    )
        .prop_map(|(lines, country, code, method)| QuoteRequest {
            lines,
            destination: Destination::country(country),
            code,
            shipping_method: method.map(str::to_owned),
            now_millis: NOW,
        })
}

fn amounts(quote: &Quote) -> Vec<Money> {
    let mut all = vec![
        quote.subtotal,
        quote.discount_total,
        quote.shipping_total,
        quote.tax_total,
        quote.grand_total,
    ];
    for l in &quote.lines {
        all.extend([l.unit_price, l.subtotal, l.discount, l.tax, l.total]);
    }
    for s in &quote.shipping_options {
        all.extend([s.price, s.discount, s.tax, s.total]);
    }
    all
}

fn shipping_part(quote: &Quote) -> (i64, i64, i64, i64) {
    match &quote.shipping {
        ShippingStatus::Charged(s) => (
            s.price.amount,
            s.discount.amount,
            s.tax.amount,
            s.total.amount,
        ),
        _ => (0, 0, 0, 0),
    }
}

/// The sums and per-line arithmetic the module promises (in i128: the test must not
/// overflow where the module would have refused).
fn assert_adds_up(quote: &Quote) {
    let (price, discount, tax, total) = shipping_part(quote);
    let wide = |m: Money| i128::from(m.amount);
    let sum = |f: fn(&QuotedLine) -> Money| quote.lines.iter().map(|l| wide(f(l))).sum::<i128>();
    assert_eq!(
        sum(|l| l.total) + i128::from(total),
        wide(quote.grand_total)
    );
    assert_eq!(sum(|l| l.tax) + i128::from(tax), wide(quote.tax_total));
    assert_eq!(
        sum(|l| l.discount) + i128::from(discount),
        wide(quote.discount_total)
    );
    assert_eq!(sum(|l| l.subtotal), wide(quote.subtotal));
    assert_eq!(total, quote.shipping_total.amount);
    let added = match quote.tax_mode {
        TaxMode::Inclusive => 0,
        TaxMode::Exclusive => wide(quote.tax_total),
    };
    assert_eq!(
        wide(quote.subtotal) - wide(quote.discount_total) + i128::from(price) + added,
        wide(quote.grand_total)
    );
    for l in &quote.lines {
        assert_eq!(
            wide(l.subtotal),
            wide(l.unit_price) * i128::from(l.quantity)
        );
        let added = match quote.tax_mode {
            TaxMode::Inclusive => 0,
            TaxMode::Exclusive => wide(l.tax),
        };
        assert_eq!(wide(l.total), wide(l.subtotal) - wide(l.discount) + added);
        assert!(l.tax.amount <= l.total.amount);
    }
}

proptest! {
    #[test]
    fn totals_are_never_negative(shop in arb_shop(), request in arb_request(100_000)) {
        let quote = quote(&shop, &request).unwrap();
        for amount in amounts(&quote) {
            prop_assert!(amount.amount >= 0, "{amount:?} in {quote:#?}");
            prop_assert_eq!(amount.currency, Currency::GBP);
        }
    }

    #[test]
    fn a_discount_never_exceeds_what_it_discounts(shop in arb_shop(), request in arb_request(100_000)) {
        let quote = quote(&shop, &request).unwrap();
        for l in &quote.lines {
            prop_assert!(l.discount.amount <= l.subtotal.amount);
        }
        for s in &quote.shipping_options {
            prop_assert!(s.discount.amount <= s.price.amount);
        }
        let (price, ..) = shipping_part(&quote);
        prop_assert!(quote.discount_total.amount <= quote.subtotal.amount + price);
    }

    #[test]
    fn an_applied_code_takes_off_exactly_what_it_promises(shop in arb_shop(), request in arb_request(100_000)) {
        let quote = quote(&shop, &request).unwrap();
        let Some(CodeAttempt::Found { code, .. }) = &request.code else { return Ok(()) };
        let on_lines: i64 = quote.lines.iter().map(|l| l.discount.amount).sum();
        if !matches!(quote.code, CodeOutcome::Applied { .. }) {
            prop_assert_eq!(quote.discount_total.amount, 0);
            return Ok(());
        }
        let covered: i64 = request
            .lines
            .iter()
            .filter(|l| l.quantity > 0 && code.applies_to.covers(l))
            .map(|l| l.unit_price.amount * i64::from(l.quantity))
            .sum();
        let promised = match &code.kind {
            DiscountKind::Percentage { basis_points } => {
                div_half_even(i128::from(covered) * i128::from(*basis_points), 10_000).unwrap() as i64
            }
            DiscountKind::FixedAmount { amount } => amount.amount.min(covered),
            DiscountKind::FreeShipping => 0,
        };
        prop_assert_eq!(on_lines, promised);
        let (price, discount, ..) = shipping_part(&quote);
        let free_shipping = code.kind == DiscountKind::FreeShipping;
        prop_assert_eq!(discount, if free_shipping { price } else { 0 });
    }

    #[test]
    fn line_totals_add_up_to_the_order_total(shop in arb_shop(), request in arb_request(100_000)) {
        assert_adds_up(&quote(&shop, &request).unwrap());
    }

    #[test]
    fn the_same_cart_always_prices_the_same(
        (shop, request, shuffled) in (arb_shop(), arb_request(100_000)).prop_flat_map(|(shop, request)| {
            let lines = request.lines.clone();
            (Just(shop), Just(request), Just(lines).prop_shuffle())
        })
    ) {
        let first = quote(&shop, &request).unwrap();
        prop_assert_eq!(&quote(&shop, &request.clone()).unwrap(), &first);
        let reordered = quote(&shop, &QuoteRequest { lines: shuffled, ..request }).unwrap();
        prop_assert_eq!(reordered.subtotal, first.subtotal);
        prop_assert_eq!(reordered.discount_total, first.discount_total);
        prop_assert_eq!(reordered.tax_total, first.tax_total);
        prop_assert_eq!(reordered.grand_total, first.grand_total);
        prop_assert_eq!(reordered.shipping, first.shipping);
        prop_assert_eq!(reordered.code, first.code);
    }

    #[test]
    fn any_input_prices_or_fails_cleanly_but_never_panics(
        mut shop in arb_shop(),
        mut request in arb_request(i64::MAX),
        rate_bp in any::<u32>(),
        quantity in prop_oneof![any::<u32>(), 0u32..10],
        weird_price in prop_oneof![any::<i64>(), 0i64..1_000],
        in_euros in prop::bool::weighted(0.1),
    ) {
        shop.tax_rates.push(rate("JP", None, rate_bp));
        if let Some(first) = request.lines.first_mut() {
            first.quantity = quantity;
            first.unit_price.amount = weird_price;
            if in_euros {
                first.unit_price.currency = "EUR".parse().unwrap();
            }
        }
        if let Ok(quote) = quote(&shop, &request) {
            assert_adds_up(&quote);
            prop_assert!(amounts(&quote).iter().all(|m| m.amount >= 0));
        }
    }
}
