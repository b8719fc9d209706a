//! How long a failed job waits before its next attempt.

use std::time::Duration;

/// Exponential backoff with jitter: after failed attempt `n` the job waits
/// `base · 2^(n−1)`, capped at `max`, of which the upper half is random ("equal jitter"),
/// so jobs that failed together (a mail server outage) do not all retry at once, while
/// each one's wait still grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    /// 30 s, 1 min, 2 min … capped at an hour: eight attempts span about an hour.
    fn default() -> Backoff {
        Backoff {
            base: Duration::from_secs(30),
            max: Duration::from_secs(60 * 60),
        }
    }
}

impl Backoff {
    /// The wait after failed attempt `attempt` (1 for the first), with `unit` a random
    /// number in `[0, 1)` choosing where in the upper half of the window it falls.
    pub fn delay(&self, attempt: i64, unit: f64) -> Duration {
        let doublings = attempt.saturating_sub(1).clamp(0, 31) as u32;
        let window = self
            .base
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.max)
            .min(self.max);
        let half = window / 2;
        half + half.mul_f64(unit.clamp(0.0, 1.0))
    }

    /// [`Backoff::delay`] with a fresh random number.
    pub fn delay_with_jitter(&self, attempt: i64) -> Duration {
        self.delay(attempt, fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKOFF: Backoff = Backoff {
        base: Duration::from_secs(30),
        max: Duration::from_secs(3600),
    };

    #[test]
    fn the_window_doubles_per_attempt_and_stops_at_the_cap() {
        let top = |attempt| BACKOFF.delay(attempt, 1.0);
        assert_eq!(top(1), Duration::from_secs(30));
        assert_eq!(top(2), Duration::from_secs(60));
        assert_eq!(top(3), Duration::from_secs(120));
        assert_eq!(top(7), Duration::from_secs(1920));
        assert_eq!(top(8), Duration::from_secs(3600));
        assert_eq!(top(1_000), Duration::from_secs(3600));
    }

    #[test]
    fn jitter_stays_in_the_upper_half_of_the_window() {
        assert_eq!(BACKOFF.delay(3, 0.0), Duration::from_secs(60));
        assert_eq!(BACKOFF.delay(3, 0.5), Duration::from_secs(90));
        for attempt in 1..=12 {
            let window = BACKOFF.delay(attempt, 1.0);
            for _ in 0..50 {
                let delay = BACKOFF.delay_with_jitter(attempt);
                assert!(
                    delay >= window / 2 && delay <= window,
                    "{delay:?} of {window:?}"
                );
            }
        }
    }

    #[test]
    fn nonsense_attempt_counts_still_give_a_sane_wait() {
        assert_eq!(BACKOFF.delay(0, 1.0), Duration::from_secs(30));
        assert_eq!(BACKOFF.delay(-5, 1.0), Duration::from_secs(30));
        assert_eq!(BACKOFF.delay(i64::MAX, 1.0), Duration::from_secs(3600));
    }
}
