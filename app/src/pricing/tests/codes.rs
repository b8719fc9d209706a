//! Discount codes: what they take off, and every reason one is refused.

use super::*;

/// 2026-12-01T00:00:00Z.
const DECEMBER: i64 = 1_796_083_200_000;

fn refused(shop: &ShopSettings, request: &QuoteRequest) -> Refusal {
    refusal(&priced(shop, request)).expect("the code is refused")
}

fn two_lines() -> QuoteRequest {
    request(vec![line(1, 2000, 1), line(2, 1000, 2)])
}

#[test]
fn a_percentage_code_takes_its_share_of_the_covered_lines() {
    let quote = priced(&uk_shop(), &with_code(two_lines(), percent_off(1000)));
    assert_eq!(quote.discount_total, gbp(400));
    assert_eq!(quote.lines[0].discount, gbp(200));
    assert_eq!(quote.lines[1].discount, gbp(200));
    assert!(matches!(quote.code, CodeOutcome::Applied { .. }));
}

#[test]
fn a_percentage_code_never_discounts_shipping() {
    let quote = priced(&uk_shop(), &with_code(two_lines(), percent_off(10_000)));
    let shipping = charged(&quote);
    assert_eq!(shipping.discount, gbp(0));
    assert_eq!(quote.discount_total, gbp(4000));
    assert_eq!(quote.grand_total, shipping.total);
}

#[test]
fn a_fixed_amount_code_is_shared_in_proportion() {
    let quote = priced(&uk_shop(), &with_code(two_lines(), amount_off(300)));
    assert_eq!(quote.lines[0].discount, gbp(150));
    assert_eq!(quote.lines[1].discount, gbp(150));
}

#[test]
fn a_fixed_amount_never_exceeds_the_lines_it_covers() {
    let quote = priced(&uk_shop(), &with_code(two_lines(), amount_off(1_000_000)));
    assert_eq!(quote.discount_total, gbp(4000));
    assert!(quote.lines.iter().all(|l| l.total == gbp(0)));
    assert_eq!(quote.grand_total, quote.shipping_total);
}

#[test]
fn a_free_shipping_code_takes_off_shipping_and_nothing_else() {
    let quote = priced(
        &uk_shop(),
        &with_code(two_lines(), code(DiscountKind::FreeShipping)),
    );
    let shipping = charged(&quote);
    assert_eq!(
        (shipping.price, shipping.discount, shipping.total),
        (gbp(395), gbp(395), gbp(0))
    );
    assert!(quote.lines.iter().all(|l| l.discount == gbp(0)));
    assert_eq!(quote.discount_total, gbp(395));
    assert_eq!(quote.grand_total, gbp(4000));
}

#[test]
fn a_code_for_a_category_covers_the_categories_below_it() {
    let mut kitchen_only = percent_off(5000);
    kitchen_only.applies_to = AppliesTo::Only {
        category_ids: vec![KITCHEN],
        product_ids: vec![],
    };
    let knife = in_categories(line(1, 2000, 1), &[KNIVES, KITCHEN]);
    let spade = in_categories(line(2, 2000, 1), &[GARDEN]);
    let quote = priced(
        &uk_shop(),
        &with_code(request(vec![knife, spade]), kitchen_only),
    );
    assert_eq!(quote.lines[0].discount, gbp(1000));
    assert_eq!(quote.lines[1].discount, gbp(0));
}

#[test]
fn a_code_for_some_products_leaves_other_lines_alone() {
    let mut one_product = amount_off(500);
    one_product.applies_to = AppliesTo::Only {
        category_ids: vec![],
        product_ids: vec![2],
    };
    let quote = priced(&uk_shop(), &with_code(two_lines(), one_product));
    assert_eq!(quote.lines[0].discount, gbp(0));
    assert_eq!(quote.lines[1].discount, gbp(500));
}

#[test]
fn an_unknown_code_is_refused_and_named() {
    let mut order = two_lines();
    order.code = Some(CodeAttempt::Unknown {
        typed: "SUMMR".to_owned(),
    });
    let quote = priced(&uk_shop(), &order);
    assert_eq!(
        quote.code,
        CodeOutcome::Refused {
            code: "SUMMR".to_owned(),
            reason: Refusal::Unknown
        }
    );
}

#[test]
fn a_refused_code_leaves_the_prices_alone() {
    let mut disabled = percent_off(5000);
    disabled.active = false;
    let with = priced(&uk_shop(), &with_code(two_lines(), disabled));
    let without = priced(&uk_shop(), &two_lines());
    assert_eq!(refusal(&with), Some(Refusal::Disabled));
    assert_eq!(
        (with.lines, with.grand_total),
        (without.lines, without.grand_total)
    );
}

#[test]
fn a_code_before_its_start_is_refused_with_the_date() {
    let mut christmas = percent_off(1000);
    christmas.starts_at_millis = Some(DECEMBER);
    let reason = refused(&uk_shop(), &with_code(two_lines(), christmas));
    assert_eq!(
        reason,
        Refusal::NotStarted {
            starts_at_millis: DECEMBER
        }
    );
    assert!(
        reason.message().contains("1 December 2026"),
        "{}",
        reason.message()
    );
}

#[test]
fn a_code_works_from_its_start_until_just_before_its_end() {
    let mut window = percent_off(1000);
    window.starts_at_millis = Some(NOW);
    window.ends_at_millis = Some(NOW + 1);
    let quote = priced(&uk_shop(), &with_code(two_lines(), window.clone()));
    assert!(matches!(quote.code, CodeOutcome::Applied { .. }));
    let mut later = with_code(two_lines(), window);
    later.now_millis = NOW + 1;
    assert_eq!(
        refused(&uk_shop(), &later),
        Refusal::Expired {
            ended_at_millis: NOW + 1
        }
    );
}

#[test]
fn an_expired_code_names_its_last_day() {
    let reason = Refusal::Expired {
        ended_at_millis: DECEMBER,
    };
    assert!(
        reason.message().contains("30 November 2026"),
        "{}",
        reason.message()
    );
}

#[test]
fn a_code_used_as_often_as_it_allows_is_refused() {
    let mut limited = percent_off(1000);
    limited.usage_limit = Some(100);
    let mut order = with_code(two_lines(), limited.clone());
    order.code = Some(CodeAttempt::Found {
        code: limited,
        usage: CodeUsage {
            total_uses: 100,
            uses_by_customer: 0,
        },
    });
    assert_eq!(refused(&uk_shop(), &order), Refusal::UsageLimitReached);
}

#[test]
fn a_customer_at_their_limit_is_refused() {
    let mut once_each = percent_off(1000);
    once_each.per_customer_limit = Some(1);
    let order = QuoteRequest {
        code: Some(CodeAttempt::Found {
            code: once_each,
            usage: CodeUsage {
                total_uses: 5,
                uses_by_customer: 1,
            },
        }),
        ..two_lines()
    };
    let reason = refused(&uk_shop(), &order);
    assert_eq!(
        reason,
        Refusal::AlreadyUsedByYou {
            per_customer_limit: 1
        }
    );
    assert_eq!(reason.message(), "You've already used this code.");
}

#[test]
fn a_code_that_covers_nothing_in_the_cart_is_refused() {
    let mut garden_only = percent_off(1000);
    garden_only.applies_to = AppliesTo::Only {
        category_ids: vec![GARDEN],
        product_ids: vec![],
    };
    let reason = refused(&uk_shop(), &with_code(two_lines(), garden_only));
    assert_eq!(reason, Refusal::NothingItAppliesTo);
}

#[test]
fn the_minimum_counts_only_covered_lines_and_says_how_much_more() {
    let mut spend_30_on_knives = percent_off(1000);
    spend_30_on_knives.minimum_subtotal = Some(gbp(3000));
    spend_30_on_knives.applies_to = AppliesTo::Only {
        category_ids: vec![KNIVES],
        product_ids: vec![],
    };
    let knife = in_categories(line(1, 2000, 1), &[KNIVES, KITCHEN]);
    let spade = in_categories(line(2, 5000, 1), &[GARDEN]);
    let reason = refused(
        &uk_shop(),
        &with_code(request(vec![knife, spade]), spend_30_on_knives),
    );
    assert_eq!(
        reason,
        Refusal::MinimumNotMet {
            minimum: gbp(3000),
            short_by: gbp(1000)
        }
    );
    assert!(
        reason.message().contains("£10.00 more"),
        "{}",
        reason.message()
    );
}

#[test]
fn a_cart_exactly_at_the_minimum_qualifies() {
    let mut spend_40 = percent_off(1000);
    spend_40.minimum_subtotal = Some(gbp(4000));
    let quote = priced(&uk_shop(), &with_code(two_lines(), spend_40));
    assert!(matches!(quote.code, CodeOutcome::Applied { .. }));
}

#[test]
fn a_code_in_another_currency_is_refused() {
    let euros = "EUR".parse().unwrap();
    let five_euros_off = code(DiscountKind::FixedAmount {
        amount: Money::new(500, euros),
    });
    let reason = refused(&uk_shop(), &with_code(two_lines(), five_euros_off));
    assert_eq!(
        reason,
        Refusal::CurrencyMismatch {
            code_currency: euros
        }
    );
}

#[test]
fn a_code_set_up_wrongly_is_refused_not_honoured() {
    for broken in [percent_off(10_001), amount_off(-1)] {
        let reason = refused(&uk_shop(), &with_code(two_lines(), broken));
        assert_eq!(reason, Refusal::Misconfigured);
    }
}

#[test]
fn only_one_code_per_order() {
    assert_eq!(one_code_per_order(None, "SAVE"), Ok(()));
    assert_eq!(one_code_per_order(Some("SAVE"), " save "), Ok(()));
    let reason = one_code_per_order(Some("SAVE"), "WELCOME").unwrap_err();
    assert_eq!(
        reason,
        Refusal::OneCodePerOrder {
            applied: "SAVE".to_owned()
        }
    );
    assert!(reason.message().contains("Remove SAVE"));
}

#[test]
fn codes_are_looked_up_without_spaces_or_case() {
    assert_eq!(normalise_code("  summer10 "), "SUMMER10");
}

#[test]
fn every_refusal_has_a_plain_message() {
    let reasons = [
        Refusal::Unknown,
        Refusal::Disabled,
        Refusal::Misconfigured,
        Refusal::CurrencyMismatch {
            code_currency: Currency::GBP,
        },
        Refusal::NotStarted {
            starts_at_millis: DECEMBER,
        },
        Refusal::Expired {
            ended_at_millis: DECEMBER,
        },
        Refusal::UsageLimitReached,
        Refusal::AlreadyUsedByYou {
            per_customer_limit: 3,
        },
        Refusal::NothingItAppliesTo,
        Refusal::MinimumNotMet {
            minimum: gbp(5000),
            short_by: gbp(1),
        },
        Refusal::OneCodePerOrder {
            applied: "SAVE".to_owned(),
        },
    ];
    for reason in reasons {
        let message = reason.message();
        assert!(message.ends_with('.'), "{message}");
        assert!(
            !message.contains('{') && !message.contains("millis"),
            "{message}"
        );
    }
}

#[test]
fn the_first_reason_is_the_one_the_shopper_cannot_fix() {
    let mut everything_wrong = percent_off(1000);
    everything_wrong.active = false;
    everything_wrong.ends_at_millis = Some(NOW);
    everything_wrong.minimum_subtotal = Some(gbp(1_000_000));
    let reason = refused(&uk_shop(), &with_code(two_lines(), everything_wrong));
    assert_eq!(reason, Refusal::Disabled);
}
