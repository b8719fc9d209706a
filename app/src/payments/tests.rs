//! The test gateway's answer for each test card, and every kind of mistyped field.

use super::*;
use crate::orders::OrderEvent;

/// December 2026.
fn now() -> YearMonth {
    YearMonth::new(2026, 12).unwrap()
}

fn form<'a>(number: &'a str, expiry: &'a str, cvc: &'a str) -> CardForm<'a> {
    CardForm {
        number,
        expiry,
        cvc,
    }
}

/// The test gateway's answer for a well-formed card, and what may be kept of it.
fn outcome_for(number: &str) -> (CardOutcome, CardSummary) {
    match check_card(&form(number, "12/30", "123"), now()) {
        Ok(card) => (test_gateway::outcome_for(&card), card.summary()),
        Err(errors) => panic!("{number} was refused: {errors:?}"),
    }
}

fn errors_for(number: &str, expiry: &str, cvc: &str) -> CardFormErrors {
    match check_card(&form(number, expiry, cvc), now()) {
        Err(errors) => errors,
        Ok(card) => panic!("{number} {expiry} {cvc} was taken: {card:?}"),
    }
}

/// The mistakes in a form, none when it is good.
fn checked(number: &str, expiry: &str, cvc: &str) -> CardFormErrors {
    check_card(&form(number, expiry, cvc), now())
        .err()
        .unwrap_or_default()
}

fn number_error(number: &str) -> Option<NumberError> {
    checked(number, "12/30", "123").number
}

fn expiry_error(expiry: &str) -> Option<ExpiryError> {
    checked("4242424242424242", expiry, "123").expiry
}

fn cvc_error(cvc: &str) -> Option<CvcError> {
    checked("4242424242424242", "12/30", cvc).cvc
}

#[test]
fn the_success_card_succeeds_and_keeps_only_its_summary() {
    let (outcome, card) = outcome_for("4242 4242 4242 4242");
    assert_eq!(outcome, CardOutcome::Succeeded);
    assert_eq!(
        card,
        CardSummary {
            brand: CardBrand::Visa,
            last4: "4242".to_owned(),
            expiry: YearMonth::new(2030, 12).unwrap(),
        }
    );
    assert_eq!(card.describe(), "Visa ending in 4242");
    assert_eq!(outcome.order_event(), Some(OrderEvent::PaymentSucceeded));
}

#[test]
fn the_decline_card_is_declined() {
    let (outcome, card) = outcome_for("4000-0000-0000-0002");
    assert_eq!(outcome, CardOutcome::Declined);
    assert_eq!(card.last4, "0002");
    assert_eq!(
        outcome.message(),
        "Your card was declined. Please try another card."
    );
    assert_eq!(outcome.order_event(), Some(OrderEvent::PaymentFailed));
}

#[test]
fn the_insufficient_funds_card_says_so() {
    let (outcome, _) = outcome_for("4000000000009995");
    assert_eq!(outcome, CardOutcome::InsufficientFunds);
    assert!(outcome.message().contains("insufficient funds"));
}

#[test]
fn the_authentication_card_asks_for_a_second_step() {
    let (outcome, _) = outcome_for(" 4000 0025 0000 3155 ");
    assert_eq!(outcome, CardOutcome::RequiresAuthentication);
    assert_eq!(outcome.order_event(), None);
    assert_eq!(authenticate(true), CardOutcome::Succeeded);
    assert_eq!(authenticate(false), CardOutcome::AuthenticationFailed);
    assert_eq!(
        authenticate(false).order_event(),
        Some(OrderEvent::PaymentFailed)
    );
}

#[test]
fn any_other_valid_card_is_declined_as_not_a_test_card() {
    for number in [
        "4111 1111 1111 1111",
        "5555 5555 5555 4444",
        "378282246310005",
    ] {
        let (outcome, _) = outcome_for(number);
        assert_eq!(outcome, CardOutcome::NotATestCard, "{number}");
    }
    assert!(CardOutcome::NotATestCard
        .message()
        .contains("4242 4242 4242 4242"));
}

#[test]
fn every_listed_test_card_gives_its_listed_outcome() {
    for test_card in TEST_CARDS {
        assert_eq!(outcome_for(test_card.number).0, test_card.outcome);
    }
}

#[test]
fn card_numbers_must_be_digits_of_a_card_length_that_pass_the_luhn_check() {
    assert_eq!(number_error(""), Some(NumberError::Missing));
    assert_eq!(number_error("  - "), Some(NumberError::Missing));
    assert_eq!(
        number_error("4242 4242 4242 424x"),
        Some(NumberError::NotDigits)
    );
    assert_eq!(
        number_error("4242.4242.4242.4242"),
        Some(NumberError::NotDigits)
    );
    assert_eq!(number_error("42424242424"), Some(NumberError::WrongLength));
    assert_eq!(
        number_error("42424242424242424242"),
        Some(NumberError::WrongLength)
    );
    // One digit wrong, and two neighbours swapped.
    assert_eq!(
        number_error("4242 4242 4242 4241"),
        Some(NumberError::Mistyped)
    );
    assert_eq!(
        number_error("4000 0000 0000 0020"),
        Some(NumberError::Mistyped)
    );
}

#[test]
fn expiry_dates_are_read_in_the_usual_ways() {
    for typed in [
        "12/30", "12 / 30", "12/2030", "12-30", "12 2030", "1230", "122030",
    ] {
        assert_eq!(expiry_error(typed), None, "{typed:?}");
    }
    assert_eq!(expiry_error("1/27"), None);
}

#[test]
fn unreadable_or_impossible_expiry_dates_are_refused() {
    assert_eq!(expiry_error(""), Some(ExpiryError::Missing));
    assert_eq!(expiry_error("   "), Some(ExpiryError::Missing));
    for typed in [
        "April 2030",
        "12/3",
        "12/203",
        "123",
        "12/30/1",
        "1é/30",
        "٣/30",
    ] {
        assert_eq!(
            expiry_error(typed),
            Some(ExpiryError::Unreadable),
            "{typed:?}"
        );
    }
    assert_eq!(expiry_error("13/30"), Some(ExpiryError::NoSuchMonth));
    assert_eq!(expiry_error("00/30"), Some(ExpiryError::NoSuchMonth));
}

#[test]
fn a_card_is_good_until_the_end_of_its_expiry_month() {
    assert_eq!(expiry_error("12/26"), None);
    assert_eq!(expiry_error("11/26"), Some(ExpiryError::Expired));
    assert_eq!(expiry_error("01/2020"), Some(ExpiryError::Expired));
    // Only two-digit years are this century's.
    assert_eq!(expiry_error("12/0030"), Some(ExpiryError::Expired));
}

#[test]
fn security_codes_are_three_or_four_digits() {
    assert_eq!(cvc_error("123"), None);
    assert_eq!(cvc_error(" 1234 "), None);
    assert_eq!(cvc_error(""), Some(CvcError::Missing));
    for typed in ["12", "12345", "12a", "1 23"] {
        assert_eq!(cvc_error(typed), Some(CvcError::Invalid), "{typed:?}");
    }
}

#[test]
fn every_mistake_is_reported_at_once_in_plain_words() {
    let errors = errors_for("1234", "13/30", "");
    assert_eq!(
        errors,
        CardFormErrors {
            number: Some(NumberError::WrongLength),
            expiry: Some(ExpiryError::NoSuchMonth),
            cvc: Some(CvcError::Missing),
        }
    );
    assert_eq!(
        errors.number.unwrap().message(),
        "A card number has between 12 and 19 digits; please check yours."
    );
    assert_eq!(
        ExpiryError::Expired.message(),
        "This card has expired; please use another card."
    );
    let only_expired = errors_for("4242424242424242", "01/26", "123");
    assert_eq!(
        only_expired,
        CardFormErrors {
            expiry: Some(ExpiryError::Expired),
            ..CardFormErrors::default()
        }
    );
}

#[test]
fn the_full_number_and_security_code_are_never_printed() {
    let typed = form("4242 4242 4242 4242", "12/30", "987");
    let printed = format!("{typed:?}");
    assert!(
        !printed.contains("4242 4242") && !printed.contains("987"),
        "{printed}"
    );
    let card = check_card(&typed, now()).unwrap();
    let printed = format!("{card:?}");
    assert!(!printed.contains("42424242"), "{printed}");
    assert!(printed.contains("4242"), "{printed}");
    let attempted = format!("{:?}", (test_gateway::outcome_for(&card), card.summary()));
    assert!(!attempted.contains("42424242") && !attempted.contains("987"));
}

#[test]
fn brands_are_told_by_the_leading_digits() {
    let cases = [
        ("4242 4242", CardBrand::Visa),
        ("5555 5555 5555 4444", CardBrand::Mastercard),
        ("2223 0031 2200 3222", CardBrand::Mastercard),
        ("3782 822463 10005", CardBrand::AmericanExpress),
        ("6011 1111 1111 1117", CardBrand::Discover),
        ("6500", CardBrand::Discover),
        ("3056 9300 0902 0004", CardBrand::DinersClub),
        ("3622 720627 1667", CardBrand::DinersClub),
        ("3566 0020 2036 0505", CardBrand::Jcb),
        ("6200 0000 0000 0005", CardBrand::UnionPay),
        ("9999", CardBrand::Unknown),
        ("", CardBrand::Unknown),
    ];
    for (number, brand) in cases {
        assert_eq!(CardBrand::of_number(number), brand, "{number}");
    }
}

#[test]
fn months_are_checked_and_ordered_by_time() {
    assert_eq!(YearMonth::new(2026, 0), None);
    assert_eq!(YearMonth::new(2026, 13), None);
    assert!(YearMonth::new(2026, 12) < YearMonth::new(2027, 1));
    assert_eq!(YearMonth::new(2028, 4).unwrap().to_string(), "04/28");
    let json = serde_json::to_string(&YearMonth::new(2028, 4)).unwrap();
    assert_eq!(json, r#"{"year":2028,"month":4}"#);
    assert!(serde_json::from_str::<YearMonth>(r#"{"year":2028,"month":13}"#).is_err());
}

#[test]
fn outcomes_are_stored_as_stable_names() {
    for outcome in [
        CardOutcome::Succeeded,
        CardOutcome::RequiresAuthentication,
        CardOutcome::Declined,
        CardOutcome::InsufficientFunds,
        CardOutcome::AuthenticationFailed,
        CardOutcome::NotATestCard,
    ] {
        assert_eq!(
            serde_json::to_string(&outcome).unwrap(),
            format!("\"{}\"", outcome.as_str())
        );
        assert!(outcome.message().ends_with('.'));
    }
}
