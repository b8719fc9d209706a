//! Postcodes: checked against the shapes a country uses where the shop knows them, and
//! written back the usual way (upper case, the space or hyphen in its place).

/// Why a postcode was not accepted; `Display` is the sentence shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostcodeProblem {
    Missing,
    /// Something other than letters, digits, spaces and hyphens.
    Characters,
    TooLong,
    /// Not a shape the country uses; the sentence says which it expects.
    Shape(&'static str),
}

impl std::fmt::Display for PostcodeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PostcodeProblem::Missing => f.write_str("Enter a postcode or ZIP code."),
            PostcodeProblem::Characters => {
                f.write_str("A postcode has only letters, digits, spaces and hyphens.")
            }
            PostcodeProblem::TooLong => write!(
                f,
                "A postcode is at most {MAX_POSTCODE_CHARS} characters long."
            ),
            PostcodeProblem::Shape(sentence) => f.write_str(sentence),
        }
    }
}

/// The longest postcode anywhere is ten characters; a little slack for spacing.
pub const MAX_POSTCODE_CHARS: usize = 12;

/// Countries where addresses need no postcode (none exists, or it is seldom used).
const POSTCODE_OPTIONAL: &[&str] = &["AE", "HK", "IE", "QA"];

/// The shapes of one group of countries' postcodes. In a pattern `A` is a letter, `9` a
/// digit, and a space or hyphen is written back even when the shopper left it out.
struct Format {
    countries: &'static [&'static str],
    patterns: &'static [&'static str],
    refusal: &'static str,
}

const FORMATS: &[Format] = &[
    Format {
        countries: &["GB", "GG", "JE", "IM", "GI"],
        patterns: &[
            "A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA", "A9A 9AA", "AA9A 9AA", "GIR 0AA",
        ],
        refusal: "Enter a full UK postcode, like SW1A 1AA.",
    },
    Format {
        countries: &["US"],
        patterns: &["99999", "99999-9999"],
        refusal: "Enter a ZIP code of 5 digits, like 12345, or 9 digits, like 12345-6789.",
    },
    Format {
        countries: &["CA"],
        patterns: &["A9A 9A9"],
        refusal: "Enter a Canadian postal code, like K1A 0B1.",
    },
    Format {
        countries: &["NL"],
        patterns: &["9999 AA"],
        refusal: "Enter a Dutch postcode of 4 digits and 2 letters, like 1012 AB.",
    },
    Format {
        countries: &[
            "AT", "AU", "BE", "BG", "CH", "DK", "HU", "NO", "NZ", "PH", "ZA",
        ],
        patterns: &["9999"],
        refusal: "Enter a postcode of 4 digits, like 2000.",
    },
    Format {
        countries: &[
            "DE", "ES", "FI", "FR", "HR", "IT", "KR", "MX", "MY", "TH", "TR",
        ],
        patterns: &["99999"],
        refusal: "Enter a postcode of 5 digits, like 10115.",
    },
    Format {
        countries: &["CZ", "GR", "SE", "SK"],
        patterns: &["999 99"],
        refusal: "Enter a postcode of 5 digits, like 113 51.",
    },
    Format {
        countries: &["CN", "IN", "SG"],
        patterns: &["999999"],
        refusal: "Enter a postcode of 6 digits, like 110001.",
    },
    Format {
        countries: &["PL"],
        patterns: &["99-999"],
        refusal: "Enter a Polish postcode, like 00-950.",
    },
    Format {
        countries: &["PT"],
        patterns: &["9999-999"],
        refusal: "Enter a Portuguese postcode, like 1000-001.",
    },
    Format {
        countries: &["BR"],
        patterns: &["99999-999"],
        refusal: "Enter a CEP of 8 digits, like 01310-100.",
    },
    Format {
        countries: &["JP"],
        patterns: &["999-9999"],
        refusal: "Enter a Japanese postcode, like 100-0001.",
    },
];

/// `typed` as a postcode of `country` (an ISO code), written the usual way; `None` when
/// the country needs none and none was given.
pub fn check_postcode(country: &str, typed: &str) -> Result<Option<String>, PostcodeProblem> {
    let tidy = typed
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    if tidy.is_empty() {
        return if POSTCODE_OPTIONAL.contains(&country) {
            Ok(None)
        } else {
            Err(PostcodeProblem::Missing)
        };
    }
    if tidy.chars().count() > MAX_POSTCODE_CHARS {
        return Err(PostcodeProblem::TooLong);
    }
    if !tidy
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        return Err(PostcodeProblem::Characters);
    }
    match FORMATS.iter().find(|f| f.countries.contains(&country)) {
        Some(format) => format
            .patterns
            .iter()
            .find_map(|pattern| fit(pattern, &tidy))
            .map(Some)
            .ok_or(PostcodeProblem::Shape(format.refusal)),
        None => Ok(Some(tidy)),
    }
}

/// `tidy` written as `pattern` has it, if it has that shape.
fn fit(pattern: &str, tidy: &str) -> Option<String> {
    let mut input = tidy.chars().peekable();
    let mut out = String::with_capacity(pattern.len());
    for wanted in pattern.chars() {
        if matches!(wanted, ' ' | '-') {
            // Either separator may stand for the other, or be left out.
            if matches!(input.peek(), Some(' ' | '-')) {
                input.next();
            }
            out.push(wanted);
            continue;
        }
        let got = input.next()?;
        let fits = match wanted {
            'A' => got.is_ascii_alphabetic(),
            '9' => got.is_ascii_digit(),
            literal => got == literal,
        };
        if !fits {
            return None;
        }
        out.push(got);
    }
    input.next().is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_postcodes_of_every_shape_are_accepted_and_written_with_one_space() {
        for (typed, written) in [
            ("sw1a 1aa", "SW1A 1AA"),
            ("SW1A1AA", "SW1A 1AA"),
            ("  m1   1ae ", "M1 1AE"),
            ("B33 8TH", "B33 8TH"),
            ("cr2 6xh", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("EC1A 1BB", "EC1A 1BB"),
            ("gir0aa", "GIR 0AA"),
        ] {
            assert_eq!(
                check_postcode("GB", typed),
                Ok(Some(written.to_owned())),
                "{typed}"
            );
        }
    }

    #[test]
    fn uk_postcodes_of_the_wrong_shape_are_refused_with_an_example() {
        for typed in [
            "SW1A",
            "1AA SW1",
            "SW1A 1A",
            "SW1A 1AAA",
            "12345",
            "SWIA 1AA",
        ] {
            let problem = check_postcode("GB", typed).unwrap_err();
            assert!(problem.to_string().contains("SW1A 1AA"), "{typed}");
        }
    }

    #[test]
    fn us_zip_codes_have_five_or_nine_digits() {
        assert_eq!(check_postcode("US", "90210"), Ok(Some("90210".into())));
        assert_eq!(
            check_postcode("US", "90210-1234"),
            Ok(Some("90210-1234".into()))
        );
        assert_eq!(
            check_postcode("US", "902101234"),
            Ok(Some("90210-1234".into()))
        );
        for typed in ["9021", "902101", "90210-123", "ABCDE", "90210 12345"] {
            assert!(
                matches!(check_postcode("US", typed), Err(PostcodeProblem::Shape(_))),
                "{typed}"
            );
        }
    }

    #[test]
    fn other_known_shapes_are_written_back_the_usual_way() {
        assert_eq!(check_postcode("CA", "k1a0b1"), Ok(Some("K1A 0B1".into())));
        assert_eq!(check_postcode("NL", "1012ab"), Ok(Some("1012 AB".into())));
        assert_eq!(check_postcode("PL", "00950"), Ok(Some("00-950".into())));
        assert_eq!(check_postcode("SE", "11351"), Ok(Some("113 51".into())));
        assert_eq!(check_postcode("DE", "10115"), Ok(Some("10115".into())));
        assert!(check_postcode("DE", "1011").is_err());
    }

    #[test]
    fn countries_without_a_known_shape_take_any_tidy_postcode() {
        assert_eq!(check_postcode("IS", " 101 "), Ok(Some("101".into())));
        assert_eq!(check_postcode("LU", "l-1234"), Ok(Some("L-1234".into())));
        assert_eq!(
            check_postcode("LU", "12<34"),
            Err(PostcodeProblem::Characters)
        );
        assert_eq!(
            check_postcode("LU", "1234567890123"),
            Err(PostcodeProblem::TooLong)
        );
    }

    #[test]
    fn a_postcode_is_needed_except_where_addresses_have_none() {
        assert_eq!(check_postcode("GB", "  "), Err(PostcodeProblem::Missing));
        assert_eq!(check_postcode("FR", ""), Err(PostcodeProblem::Missing));
        assert_eq!(check_postcode("HK", ""), Ok(None));
        assert_eq!(
            check_postcode("IE", "D02 X285"),
            Ok(Some("D02 X285".into()))
        );
    }
}
