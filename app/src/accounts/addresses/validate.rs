//! Checking an address as typed. Pure, so the rules are tested without a server.

use super::countries::country;
use super::postcode::check_postcode;

/// An address as typed into the form: every field as sent, untrimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressInput {
    pub full_name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
}

impl AddressInput {
    /// Each field's form name with what was typed into it.
    pub fn fields(&self) -> [(&'static str, &str); 8] {
        [
            ("full_name", &self.full_name),
            ("line1", &self.line1),
            ("line2", &self.line2),
            ("city", &self.city),
            ("region", &self.region),
            ("postcode", &self.postcode),
            ("country", &self.country),
            ("phone", &self.phone),
        ]
    }
}

impl AddressInput {
    /// `errors` with everything typed into the address kept, to show it again.
    pub fn kept_in(&self, errors: crate::forms::FormErrors) -> crate::forms::FormErrors {
        self.fields()
            .into_iter()
            .fold(errors, |errors, (name, typed)| errors.keep(name, typed))
    }
}

/// `errors` with each refused field's sentence next to it.
pub fn with_problems(
    errors: crate::forms::FormErrors,
    problems: Vec<FieldProblem>,
) -> crate::forms::FormErrors {
    problems.into_iter().fold(errors, |errors, problem| {
        errors.on(problem.field, problem.message)
    })
}

/// An address that passed the checks: trimmed, optional parts `None` when left empty,
/// the country an upper-case ISO code and the postcode written the usual way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAddress {
    pub full_name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postcode: Option<String>,
    pub country: String,
    pub phone: Option<String>,
}

/// A refused field: its form name, and the sentence to show next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

/// How long each free-text part may be, in characters.
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_LINE_CHARS: usize = 100;
pub const MAX_CITY_CHARS: usize = 60;
pub const MAX_PHONE_CHARS: usize = 30;

/// A phone number has at least this many digits, and at most 15 (ITU E.164).
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 6..=15;

/// The address `input` describes, or every field that needs fixing.
pub fn validate_address(input: &AddressInput) -> Result<ValidAddress, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut text = |field, label: &str, value: &str, max, missing: Option<&str>| match check_text(
        label, value, max, missing,
    ) {
        Ok(value) => value,
        Err(message) => {
            problems.push(FieldProblem { field, message });
            None
        }
    };
    let full_name = text(
        "full_name",
        "Full name",
        &input.full_name,
        MAX_NAME_CHARS,
        Some("Enter the full name of the person the delivery is for."),
    );
    let line1 = text(
        "line1",
        "Address line 1",
        &input.line1,
        MAX_LINE_CHARS,
        Some("Enter the first line of the address, such as the house and street."),
    );
    let line2 = text(
        "line2",
        "Address line 2",
        &input.line2,
        MAX_LINE_CHARS,
        None,
    );
    let city = text(
        "city",
        "Town or city",
        &input.city,
        MAX_CITY_CHARS,
        Some("Enter a town or city."),
    );
    let region = text(
        "region",
        "County, state or region",
        &input.region,
        MAX_CITY_CHARS,
        None,
    );
    let phone = match check_phone(&input.phone) {
        Ok(phone) => phone,
        Err(message) => {
            problems.push(FieldProblem {
                field: "phone",
                message,
            });
            None
        }
    };
    let code = input.country.trim().to_uppercase();
    let country = country(&code).map(|c| c.code);
    if country.is_none() {
        problems.push(FieldProblem {
            field: "country",
            message: "Choose a country from the list.".into(),
        });
    }
    // Without a known country only the generic checks apply.
    let postcode = match check_postcode(country.unwrap_or(""), &input.postcode) {
        Ok(postcode) => postcode,
        Err(problem) => {
            problems.push(FieldProblem {
                field: "postcode",
                message: problem.to_string(),
            });
            None
        }
    };
    match (full_name, line1, city, country) {
        (Some(full_name), Some(line1), Some(city), Some(country)) if problems.is_empty() => {
            Ok(ValidAddress {
                full_name,
                line1,
                line2,
                city,
                region,
                postcode,
                country: country.to_owned(),
                phone,
            })
        }
        _ => Err(problems),
    }
}

/// `value` trimmed, `None` when empty; an error when it is required (`missing` says
/// what to enter), too long or not one line of text.
fn check_text(
    label: &str,
    value: &str,
    max: usize,
    missing: Option<&str>,
) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return match missing {
            Some(message) => Err(message.to_owned()),
            None => Ok(None),
        };
    }
    if value.chars().count() > max {
        return Err(format!("{label} must be {max} characters or fewer."));
    }
    if value.chars().any(char::is_control) {
        return Err(format!("{label} must be a single line of text."));
    }
    Ok(Some(value.to_owned()))
}

/// An optional phone number: digits with the usual spaces, hyphens, dots and brackets,
/// and a `+` only in front.
fn check_phone(value: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let usual = |(i, c): (usize, char)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0)
    };
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if value.chars().count() > MAX_PHONE_CHARS
        || !value.chars().enumerate().all(usual)
        || !PHONE_DIGITS.contains(&digits)
    {
        return Err(
            "Enter a phone number with its area code, like 020 7946 0018 or +44 20 7946 0018."
                .into(),
        );
    }
    Ok(Some(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> AddressInput {
        AddressInput {
            full_name: "  Ann Example ".into(),
            line1: "1 High Street".into(),
            line2: "  ".into(),
            city: "London".into(),
            region: String::new(),
            postcode: "sw1a1aa".into(),
            country: "gb".into(),
            phone: String::new(),
        }
    }

    fn problems(input: &AddressInput) -> Vec<(&'static str, String)> {
        validate_address(input)
            .unwrap_err()
            .into_iter()
            .map(|p| (p.field, p.message))
            .collect()
    }

    #[test]
    fn a_good_address_is_trimmed_and_its_empty_parts_are_none() {
        let valid = validate_address(&typed()).unwrap();
        assert_eq!(valid.full_name, "Ann Example");
        assert_eq!(valid.line2, None);
        assert_eq!(valid.region, None);
        assert_eq!(valid.phone, None);
        assert_eq!(valid.postcode.as_deref(), Some("SW1A 1AA"));
        assert_eq!(valid.country, "GB");
    }

    #[test]
    fn every_missing_required_field_gets_its_own_sentence() {
        let found = problems(&AddressInput::default());
        let fields: Vec<&str> = found.iter().map(|p| p.0).collect();
        assert_eq!(
            fields,
            ["full_name", "line1", "city", "country", "postcode"]
        );
        assert!(found
            .iter()
            .all(|(_, message)| message.ends_with('.') && message.len() > 10));
    }

    #[test]
    fn overlong_and_multi_line_text_is_refused_with_the_limit() {
        let mut input = typed();
        input.full_name = "x".repeat(MAX_NAME_CHARS + 1);
        input.line2 = "Flat 2\nBack door".into();
        let found = problems(&input);
        assert_eq!(
            found,
            [
                (
                    "full_name",
                    format!("Full name must be {MAX_NAME_CHARS} characters or fewer.")
                ),
                (
                    "line2",
                    "Address line 2 must be a single line of text.".into()
                ),
            ]
        );
        // The limit counts characters, not bytes.
        input.full_name = "é".repeat(MAX_NAME_CHARS);
        input.line2.clear();
        assert!(validate_address(&input).is_ok());
    }

    #[test]
    fn the_country_must_be_one_on_the_list() {
        let mut input = typed();
        input.country = "XX".into();
        input.postcode = "whatever".into();
        assert_eq!(
            problems(&input),
            [("country", "Choose a country from the list.".to_owned())]
        );
    }

    #[test]
    fn the_postcode_is_checked_against_the_country() {
        let mut input = typed();
        input.postcode = "90210".into();
        let found = problems(&input);
        assert_eq!(found[0].0, "postcode");
        assert!(found[0].1.contains("UK postcode"), "{}", found[0].1);
        input.country = "US".into();
        assert_eq!(
            validate_address(&input).unwrap().postcode.as_deref(),
            Some("90210")
        );
    }

    #[test]
    fn phone_numbers_are_optional_but_must_look_like_one() {
        for good in ["020 7946 0018", "+44 (0)20 7946-0018", "555.123.4567"] {
            let mut input = typed();
            input.phone = good.into();
            assert_eq!(
                validate_address(&input).unwrap().phone.as_deref(),
                Some(good)
            );
        }
        for bad in ["call me", "12345", "44+20 7946 0018", &"1".repeat(16)] {
            let mut input = typed();
            input.phone = bad.into();
            assert_eq!(problems(&input)[0].0, "phone", "{bad}");
        }
    }
}
