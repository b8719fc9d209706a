//! Order numbers: their shape, what parsing forgives, and that typos never find
//! another order.

use super::*;
use proptest::prelude::*;

#[test]
fn numbers_are_padded_to_five_digits_with_a_check_letter() {
    assert_eq!(format_order_number(42), "BZ-00042-W");
    assert_eq!(format_order_number(10_042), "BZ-10042-U");
    assert_eq!(format_order_number(0), "BZ-00000-N");
    assert_eq!(format_order_number(1_234_567), "BZ-1234567-P");
    let largest = format_order_number(u64::MAX);
    assert!(largest.starts_with("BZ-18446744073709551615-"));
    assert_eq!(parse_order_number(&largest), Some(u64::MAX));
}

#[test]
fn parsing_forgives_case_spaces_dashes_and_a_missing_prefix() {
    let formatted = format_order_number(10_042);
    let check = formatted.chars().last().unwrap();
    let lower = check.to_ascii_lowercase();
    for typed in [
        formatted.clone(),
        format!("bz-10042-{lower}"),
        format!("  BZ 10042 {check}  "),
        format!("BZ10042{check}"),
        format!("b z - 10042 - {lower}"),
        format!("10042{check}"),
        format!("10042-{lower}"),
        format!("BZ–10042–{check}"),
        format!("BZ-1OO42-{check}"),
    ] {
        assert_eq!(parse_order_number(&typed), Some(10_042), "{typed:?}");
    }
    assert_eq!(
        parse_order_number(&format_order_number(11).replace('1', "l")),
        Some(11)
    );
}

#[test]
fn malformed_numbers_are_refused() {
    let formatted = format_order_number(42);
    let check = formatted.chars().last().unwrap();
    let wrong_check = if check == 'A' { 'C' } else { 'A' };
    for typed in [
        String::new(),
        "BZ".to_owned(),
        "BZ-".to_owned(),
        "BZ-00042".to_owned(),
        format!("BZ-00042-{wrong_check}"),
        format!("BZ-00 042-{check}"),
        format!("BZ-0042-{check}"),
        format!("BZ-000042-{check}"),
        format!("XY-00042-{check}"),
        format!("B-00042-{check}"),
        format!("BZ-00042-{check}{check}"),
        format!("BZ-00042-{check}-"),
        format!("#BZ-00042-{check}"),
        format!("BZ-99999999999999999999-{check}"),
        "BZ-😀-A".to_owned(),
    ] {
        assert_eq!(parse_order_number(&typed), None, "{typed:?}");
    }
}

/// Characters a slip of the finger might produce instead of the right one.
fn arb_typed_char() -> impl Strategy<Value = char> {
    prop::sample::select(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -–#/._é"
            .chars()
            .collect::<Vec<_>>(),
    )
}

/// Order numbers around every digit count, not only the big ones.
fn arb_sequence_value() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..100_000, 100_000u64..100_000_000, any::<u64>()]
}

fn with_chars(chars: &[char]) -> String {
    chars.iter().collect()
}

proptest! {
    #[test]
    fn every_number_parses_back_to_itself(n in any::<u64>()) {
        prop_assert_eq!(parse_order_number(&format_order_number(n)), Some(n));
        prop_assert_eq!(parse_order_number(&format_order_number(n).to_lowercase()), Some(n));
        prop_assert_eq!(parse_order_number(&format_order_number(n).replace('-', " ")), Some(n));
    }

    #[test]
    fn a_single_wrong_character_never_finds_another_order(
        n in arb_sequence_value(),
        position in any::<prop::sample::Index>(),
        typo in arb_typed_char(),
    ) {
        let mut chars: Vec<char> = format_order_number(n).chars().collect();
        let i = position.index(chars.len());
        chars[i] = typo;
        let parsed = parse_order_number(&with_chars(&chars));
        prop_assert!(parsed.is_none() || parsed == Some(n), "{:?} gave {:?}", with_chars(&chars), parsed);
    }

    #[test]
    fn any_single_wrong_digit_is_caught(
        n in arb_sequence_value(),
        position in any::<prop::sample::Index>(),
        shift in 1u32..10,
    ) {
        let formatted = format_order_number(n);
        let digit_positions: Vec<usize> = formatted
            .char_indices()
            .filter(|(_, c)| c.is_ascii_digit())
            .map(|(i, _)| i)
            .collect();
        let i = digit_positions[position.index(digit_positions.len())];
        let right = formatted[i..].chars().next().and_then(|c| c.to_digit(10)).unwrap();
        let typo = char::from_digit((right + shift) % 10, 10).unwrap();
        let mut typed = formatted.clone();
        typed.replace_range(i..=i, &typo.to_string());
        prop_assert_eq!(parse_order_number(&typed), None, "{:?}", typed);
    }

    #[test]
    fn a_missing_character_never_finds_another_order(
        n in arb_sequence_value(),
        position in any::<prop::sample::Index>(),
    ) {
        let mut chars: Vec<char> = format_order_number(n).chars().collect();
        chars.remove(position.index(chars.len()));
        let parsed = parse_order_number(&with_chars(&chars));
        prop_assert!(parsed.is_none() || parsed == Some(n), "{:?} gave {:?}", with_chars(&chars), parsed);
    }

    #[test]
    fn an_extra_character_never_finds_another_order(
        n in arb_sequence_value(),
        position in any::<prop::sample::Index>(),
        extra in arb_typed_char(),
    ) {
        let mut chars: Vec<char> = format_order_number(n).chars().collect();
        chars.insert(position.index(chars.len() + 1), extra);
        let parsed = parse_order_number(&with_chars(&chars));
        prop_assert!(parsed.is_none() || parsed == Some(n), "{:?} gave {:?}", with_chars(&chars), parsed);
    }

    #[test]
    fn swapping_neighbours_never_finds_another_order(
        n in arb_sequence_value(),
        position in any::<prop::sample::Index>(),
    ) {
        let mut chars: Vec<char> = format_order_number(n).chars().collect();
        let i = position.index(chars.len() - 1);
        chars.swap(i, i + 1);
        let parsed = parse_order_number(&with_chars(&chars));
        prop_assert!(parsed.is_none() || parsed == Some(n), "{:?} gave {:?}", with_chars(&chars), parsed);
    }

    #[test]
    fn anything_typed_is_parsed_without_panicking(typed in "\\PC{0,30}") {
        let _ = parse_order_number(&typed);
    }
}
