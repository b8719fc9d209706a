//! Order numbers for people: `BZ-00042-W`, made from the database's sequence value.
//!
//! The shape is the shop's prefix, the sequence value in at least five digits, and a check
//! letter. Digits read aloud well; the only letters are the prefix and the check letter,
//! which is never O, I or L (nor B, S or Z, which look like 8, 5 and 2), so nothing can be
//! taken for a digit.
//!
//! The check letter catches a mistyped number instead of finding somebody else's order.
//! It is one of twenty letters, chosen by two things:
//!
//! - the Damm check digit of the digits, which changes whenever one digit is wrong or two
//!   neighbouring digits are swapped (the Damm quasigroup is weakly totally anti-symmetric);
//! - whether the number of digits is odd or even, which changes whenever a digit is left
//!   out or one too many is typed.
//!
//! Parsing forgives what does not change the number: letter case, spaces or dashes around
//! the parts, a missing prefix, and O, I or L typed for 0, 1 or 1. It forgives nothing
//! else, so the digits must come in one run: a gap inside them is more likely a lost digit
//! than a habit. The property tests check that no single wrong, missing, extra or swapped
//! character ever turns one order number into another.

/// Printed before every number; optional when one is typed in.
const PREFIX: &str = "BZ";

/// Numbers are zero-padded to this many digits, so early orders look like later ones.
const MIN_DIGITS: usize = 5;

/// Twenty letters that are not digits in disguise: index = Damm digit + 10 × (digits odd).
const CHECK_LETTERS: &[u8; 20] = b"ACDEFGHJKMNPQRTUVWXY";

/// The quasigroup of H. Michael Damm's check digit (2004): every row and column holds each
/// digit once, and the diagonal is zero.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/// The number shown to people for the sequence value `n`: `BZ-00042-W`.
pub fn format_order_number(n: u64) -> String {
    let digits = format!("{n:0width$}", width = MIN_DIGITS);
    let check = check_letter(digits.as_bytes()) as char;
    format!("{PREFIX}-{digits}-{check}")
}

/// The sequence value back from a number as somebody typed it, or `None` if it is not a
/// well-formed order number (including any with a typing mistake).
pub fn parse_order_number(typed: &str) -> Option<u64> {
    let upper = typed.trim().to_ascii_uppercase();
    let rest = match upper.strip_prefix(&PREFIX[..1]) {
        Some(after_first) => after_first
            .trim_start_matches(is_separator)
            .strip_prefix(&PREFIX[1..])?,
        None => &upper,
    };
    let mut chars = rest.trim_start_matches(is_separator).chars();
    let check = chars.next_back()?;
    let digits: Vec<u8> = chars
        .as_str()
        .trim_end_matches(is_separator)
        .chars()
        .map(as_digit)
        .collect::<Option<_>>()?;
    let n = digits.iter().try_fold(0u64, |n, digit| {
        n.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })?;
    let canonical = digits.len() == MIN_DIGITS.max(n.to_string().len());
    (canonical && u32::from(check) == u32::from(check_letter(&digits))).then_some(n)
}

/// The check letter of ASCII digits.
fn check_letter(digits: &[u8]) -> u8 {
    CHECK_LETTERS[usize::from(damm(digits)) + 10 * (digits.len() % 2)]
}

/// The Damm check digit of ASCII digits: 0 when the last digit is the check digit of the
/// ones before it.
fn damm(digits: &[u8]) -> u8 {
    digits.iter().fold(0, |interim, digit| {
        DAMM[usize::from(interim)][usize::from(digit - b'0')]
    })
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '–' | '—')
}

/// An ASCII digit for a typed character; O, I and L are read as the digits they look like.
fn as_digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8),
        'O' => Some(b'0'),
        'I' | 'L' => Some(b'1'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damm_matches_the_published_example() {
        // Damm's worked example: the check digit of 572 is 4, and 5724 checks to 0.
        assert_eq!(damm(b"572"), 4);
        assert_eq!(damm(b"5724"), 0);
    }

    #[test]
    fn no_check_letter_looks_like_a_digit() {
        for forbidden in b"OILBSZ0123456789" {
            assert!(!CHECK_LETTERS.contains(forbidden));
        }
        let mut sorted = CHECK_LETTERS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            sorted.len(),
            CHECK_LETTERS.len(),
            "the letters are distinct"
        );
    }
}
