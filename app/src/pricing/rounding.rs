//! Where fractions of a minor unit are settled: rounding half to even, and sharing an
//! amount among parts so the shares add up exactly.

use std::cmp::Ordering;

/// `numerator ÷ denominator` rounded to the nearest integer, halves to the even
/// neighbour. `None` unless `denominator` is positive.
pub(super) fn div_half_even(numerator: i128, denominator: i128) -> Option<i128> {
    if denominator <= 0 {
        return None;
    }
    // Euclidean division with a positive divisor: the floor, and 0 <= remainder < denominator.
    let floor = numerator.div_euclid(denominator);
    let remainder = numerator.rem_euclid(denominator);
    let round_up = match remainder.cmp(&(denominator - remainder)) {
        Ordering::Less => false,
        Ordering::Greater => true,
        Ordering::Equal => floor % 2 != 0,
    };
    // `floor + 1` cannot overflow: a remainder means the quotient is below i128::MAX.
    Some(if round_up { floor + 1 } else { floor })
}

/// Shares `total` among `weights` in proportion to them, by the largest-remainder method:
/// each part first gets the whole minor units of its exact share, then the units left
/// over go one each to the parts with the largest fractions. Equal fractions go to the
/// part with the smaller `tie_break` key, then to the earlier part.
///
/// The shares add up to `total` exactly and none exceeds its weight. `None` unless
/// `0 <= total <= sum(weights)`, every weight is non-negative and `tie_break` is as long
/// as `weights`.
pub(super) fn allocate<K: Ord>(total: i64, weights: &[i64], tie_break: &[K]) -> Option<Vec<i64>> {
    if weights.len() != tie_break.len() || total < 0 || weights.iter().any(|w| *w < 0) {
        return None;
    }
    let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    let total_wide = i128::from(total);
    if total_wide > sum {
        return None;
    }
    if sum == 0 {
        return Some(vec![0; weights.len()]);
    }
    // total × weight <= 2^63 × 2^63 fits an i128; each floor is at most the weight.
    let exact: Vec<(i128, i128)> = weights
        .iter()
        .map(|w| {
            let scaled = total_wide * i128::from(*w);
            (scaled / sum, scaled % sum)
        })
        .collect();
    let given: i128 = exact.iter().map(|(whole, _)| whole).sum();
    // Fewer units are left than parts with a non-zero remainder, so a part whose
    // share was exact never gets one and no share passes its weight.
    let left_over = usize::try_from(total_wide - given).ok()?;
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| {
        exact[*b]
            .1
            .cmp(&exact[*a].1)
            .then_with(|| tie_break[*a].cmp(&tie_break[*b]))
            .then_with(|| a.cmp(b))
    });
    let mut shares: Vec<i64> = exact
        .iter()
        .map(|(whole, _)| i64::try_from(*whole))
        .collect::<Result<_, _>>()
        .ok()?;
    for index in order.into_iter().take(left_over) {
        shares[index] += 1;
    }
    Some(shares)
}
