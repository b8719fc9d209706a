//! The code form read into a [`DiscountCode`], and stored values written back the way
//! the form reads them: pure, so every rule is tested without a database.

use crate::money::{Currency, Money};
use crate::pricing::{normalise_code, AppliesTo, DiscountCode, DiscountKind};
use crate::staff::discounts::api::DiscountFields;
use std::collections::BTreeMap;

/// Per field name, what is wrong with it.
pub type FieldProblems = BTreeMap<String, String>;

/// The longest code accepted.
pub const MAX_CODE_CHARS: usize = 40;

const DAY_MILLIS: i64 = 86_400_000;

/// The code the form describes, covering everything (scopes are resolved apart, as they
/// need the database), or what is wrong with each field.
pub fn parse_fields(
    fields: &DiscountFields,
    currency: Currency,
) -> Result<DiscountCode, FieldProblems> {
    let mut problems = FieldProblems::new();
    let mut problem = |name: &str, message: String| {
        problems.insert(name.to_owned(), message);
    };
    let code = normalise_code(&fields.code);
    if code.is_empty() {
        problem(
            "code",
            "Enter the code shoppers will type, like WELCOME10.".to_owned(),
        );
    } else if code.chars().count() > MAX_CODE_CHARS
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        problem(
            "code",
            format!("Use up to {MAX_CODE_CHARS} letters, digits, dashes or underscores, without spaces."),
        );
    }
    let value = fields.value.trim();
    let kind = match fields.kind.as_str() {
        // Percentages keep two decimals: in "hundredths of a percent" they are basis points.
        "percentage" => match parse_decimal(value, 2) {
            Some(basis_points @ 1..=10_000) => Some(DiscountKind::Percentage {
                basis_points: basis_points as u32,
            }),
            _ => {
                problem(
                    "value",
                    "Enter a percentage between 0.01 and 100, like 10 or 12.5.".to_owned(),
                );
                None
            }
        },
        "fixed_amount" => match Money::typed(value, currency).map(|m| m.amount) {
            Some(amount) if amount > 0 => Some(DiscountKind::FixedAmount {
                amount: Money::new(amount, currency),
            }),
            _ => {
                problem("value", "Enter the amount taken off, like 5.00.".to_owned());
                None
            }
        },
        "free_shipping" => Some(DiscountKind::FreeShipping),
        _ => {
            problem("kind", "Choose what the code gives.".to_owned());
            None
        }
    };
    let minimum_subtotal = optional(&fields.minimum_subtotal, |typed| {
        Money::typed(typed, currency)
    });
    if minimum_subtotal.is_err() {
        problem(
            "minimum_subtotal",
            "Enter the minimum subtotal as an amount, like 30.00, or leave it empty.".to_owned(),
        );
    }
    let starts = optional(&fields.starts, parse_date);
    if starts.is_err() {
        problem(
            "starts",
            "Enter the first day as YYYY-MM-DD, like 2026-12-01, or leave it empty.".to_owned(),
        );
    }
    // The last day it works: it stops at the following midnight, UTC.
    let ends = optional(&fields.ends, |typed| {
        parse_date(typed).map(|day| day + DAY_MILLIS)
    });
    if ends.is_err() {
        problem(
            "ends",
            "Enter the last day as YYYY-MM-DD, like 2026-12-31, or leave it empty.".to_owned(),
        );
    }
    if let (Ok(Some(starts)), Ok(Some(ends))) = (starts, ends) {
        if ends <= starts {
            problem(
                "ends",
                "The last day cannot be before the first day.".to_owned(),
            );
        }
    }
    let whole = |typed: &str| typed.parse::<u32>().ok().filter(|n| *n > 0);
    let usage_limit = optional(&fields.usage_limit, whole);
    if usage_limit.is_err() {
        problem(
            "usage_limit",
            "Enter a whole number of orders, like 100, or leave it empty for no limit.".to_owned(),
        );
    }
    let per_customer_limit = optional(&fields.per_customer_limit, whole);
    if per_customer_limit.is_err() {
        problem(
            "per_customer_limit",
            "Enter a whole number of orders, like 1, or leave it empty for no limit.".to_owned(),
        );
    }
    match (
        kind,
        minimum_subtotal,
        starts,
        ends,
        usage_limit,
        per_customer_limit,
    ) {
        (
            Some(kind),
            Ok(minimum_subtotal),
            Ok(starts),
            Ok(ends),
            Ok(usage_limit),
            Ok(per_customer_limit),
        ) if problems.is_empty() => Ok(DiscountCode {
            code,
            active: true,
            kind,
            applies_to: AppliesTo::Everything,
            minimum_subtotal,
            starts_at_millis: starts,
            ends_at_millis: ends,
            usage_limit,
            per_customer_limit,
        }),
        _ => Err(problems),
    }
}

/// Nothing for an empty field, the parsed value, or `Err` for something unreadable.
fn optional<T>(typed: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<Option<T>, ()> {
    let typed = typed.trim();
    if typed.is_empty() {
        Ok(None)
    } else {
        parse(typed).map(Some).ok_or(())
    }
}

/// "12.5" with `decimals` 2 is 1250; no sign, no more decimals than that.
fn parse_decimal(typed: &str, decimals: u32) -> Option<i64> {
    let (whole, fraction) = typed.split_once('.').unwrap_or((typed, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > decimals as usize
        || whole.len() > 12
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i64 = format!("{fraction:0<width$}", width = decimals as usize)
        .parse()
        .unwrap_or(0);
    Some(whole * 10_i64.pow(decimals) + fraction)
}

/// Midnight UTC starting the day `YYYY-MM-DD`, in Unix milliseconds.
pub fn parse_date(typed: &str) -> Option<i64> {
    let mut parts = typed.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let number = |s: &str| -> Option<i64> {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (year, month, day) = (number(year)?, number(month)?, number(day)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day < 1 || day > month_days[(month - 1) as usize] {
        return None;
    }
    Some(crate::calendar::days_from_civil(year, month, day) * DAY_MILLIS)
}

/// `YYYY-MM-DD` of the UTC day holding `millis`.
pub fn format_date(millis: i64) -> String {
    let (year, month, day) = crate::calendar::civil_from_days(millis.div_euclid(DAY_MILLIS));
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(kind: &str, value: &str) -> DiscountFields {
        DiscountFields {
            code: " summer-5 ".to_owned(),
            kind: kind.to_owned(),
            value: value.to_owned(),
            ..DiscountFields::default()
        }
    }

    #[test]
    fn percentages_and_amounts_are_read_as_staff_type_them() {
        let code = parse_fields(&fields("percentage", "12.5"), Currency::GBP).unwrap();
        assert_eq!(code.code, "SUMMER-5");
        assert_eq!(code.kind, DiscountKind::Percentage { basis_points: 1250 });
        let code = parse_fields(&fields("fixed_amount", "£5"), Currency::GBP).unwrap();
        assert_eq!(
            code.kind,
            DiscountKind::FixedAmount {
                amount: Money::new(500, Currency::GBP)
            }
        );
        for (kind, value) in [
            ("percentage", "101"),
            ("percentage", "0"),
            ("percentage", "1.234"),
            ("fixed_amount", "-5"),
            ("fixed_amount", ""),
        ] {
            let problems = parse_fields(&fields(kind, value), Currency::GBP).unwrap_err();
            assert!(problems.contains_key("value"), "{kind} {value}");
        }
    }

    #[test]
    fn dates_are_whole_utc_days_and_the_last_day_is_included() {
        let mut typed = fields("free_shipping", "");
        typed.starts = "2026-12-01".to_owned();
        typed.ends = "2026-12-31".to_owned();
        let code = parse_fields(&typed, Currency::GBP).unwrap();
        assert_eq!(code.starts_at_millis, Some(1_796_083_200_000));
        assert_eq!(code.ends_at_millis, Some(1_798_761_600_000));
        assert_eq!(format_date(code.starts_at_millis.unwrap()), "2026-12-01");
        assert_eq!(format_date(code.ends_at_millis.unwrap() - 1), "2026-12-31");
        for bad in ["2026-02-29", "2026-13-01", "1/12/2026", "2026-12-1"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert!(parse_date("2024-02-29").is_some());
        typed.ends = "2026-11-30".to_owned();
        assert!(parse_fields(&typed, Currency::GBP)
            .unwrap_err()
            .contains_key("ends"));
    }

    #[test]
    fn stored_values_are_written_back_as_the_form_reads_them() {
        assert_eq!(crate::pricing::percent_text(1250), "12.5");
        assert_eq!(crate::pricing::percent_text(1000), "10");
        assert_eq!(crate::pricing::percent_text(5), "0.05");
        assert_eq!(Money::new(505, Currency::GBP).plain(), "5.05");
    }
}
