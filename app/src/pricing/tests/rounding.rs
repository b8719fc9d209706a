//! Rounding half to even and sharing by largest remainder.

use super::super::rounding::{allocate, div_half_even};

#[test]
fn halves_round_to_the_even_neighbour() {
    assert_eq!(div_half_even(25, 10), Some(2));
    assert_eq!(div_half_even(35, 10), Some(4));
    assert_eq!(div_half_even(-25, 10), Some(-2));
    assert_eq!(div_half_even(-35, 10), Some(-4));
}

#[test]
fn anything_but_a_half_rounds_to_the_nearest() {
    assert_eq!(div_half_even(24, 10), Some(2));
    assert_eq!(div_half_even(26, 10), Some(3));
    assert_eq!(div_half_even(-26, 10), Some(-3));
    assert_eq!(div_half_even(0, 7), Some(0));
    assert_eq!(div_half_even(i128::MAX, 1), Some(i128::MAX));
}

#[test]
fn dividing_by_zero_or_a_negative_is_refused() {
    assert_eq!(div_half_even(1, 0), None);
    assert_eq!(div_half_even(1, -3), None);
}

#[test]
fn shares_add_up_to_the_total_exactly() {
    assert_eq!(
        allocate(100, &[100, 100, 100], &[0, 0, 0]),
        Some(vec![34, 33, 33])
    );
    assert_eq!(allocate(0, &[5, 7], &[0, 0]), Some(vec![0, 0]));
    assert_eq!(allocate(12, &[5, 7], &[0, 0]), Some(vec![5, 7]));
}

#[test]
fn leftover_units_go_to_the_largest_remainders() {
    // Exact shares 1.5, 2.7, 0.8: wholes 1, 2, 0; the two units left go to .8 and .7.
    assert_eq!(allocate(5, &[15, 27, 8], &[0, 0, 0]), Some(vec![1, 3, 1]));
}

#[test]
fn equal_remainders_go_by_the_tie_break_key_not_position() {
    assert_eq!(allocate(1, &[1, 1], &[2, 1]), Some(vec![0, 1]));
    assert_eq!(allocate(1, &[1, 1], &[1, 2]), Some(vec![1, 0]));
}

#[test]
fn a_part_of_weight_zero_never_gets_a_share() {
    assert_eq!(
        allocate(3, &[0, 1, 1, 1], &[0, 1, 1, 1]),
        Some(vec![0, 1, 1, 1])
    );
    assert_eq!(allocate(0, &[0, 0], &[0, 0]), Some(vec![0, 0]));
}

#[test]
fn sharing_more_than_the_weights_or_a_negative_is_refused() {
    assert_eq!(allocate(3, &[1, 1], &[0, 0]), None);
    assert_eq!(allocate(-1, &[1, 1], &[0, 0]), None);
    assert_eq!(allocate(1, &[-1, 2], &[0, 0]), None);
    assert_eq!(allocate(1, &[], &[0u8; 0]), None);
    assert_eq!(allocate(1, &[1], &[0, 0]), None);
}

#[test]
fn huge_weights_do_not_overflow() {
    let shares = allocate(i64::MAX, &[i64::MAX, 0], &[0, 1]).unwrap();
    assert_eq!(shares, vec![i64::MAX, 0]);
    let shares = allocate(i64::MAX - 1, &[i64::MAX / 2, i64::MAX / 2], &[0, 1]).unwrap();
    assert_eq!(shares.iter().sum::<i64>(), i64::MAX - 1);
}
