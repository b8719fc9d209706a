//! When a failed job is tried again, and when it is given up: by default after
//! `BAZAAR_OUTBOX_MAX_ATTEMPTS` runs, or, for a handler that asks for it, once the job
//! is a given age (webhooks keep trying for a day, however many attempts that takes).

use super::Backoff;
use std::time::Duration;

/// When a job stops being retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUp {
    /// After this many runs.
    AfterAttempts(i64),
    /// Once this long has passed since the job was enqueued; the last wait is cut short
    /// so that a final attempt falls exactly at the limit.
    AfterAge(Duration),
}

/// How a kind of job is retried: the waits between runs, and when to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub backoff: Backoff,
    pub give_up: GiveUp,
}

impl RetryPolicy {
    /// After failed run `attempts` of a job enqueued `age` ago, with `unit` a random number
    /// in `[0, 1)` for the jitter: the wait before the next run, or `None` to give up.
    pub fn next_try(&self, attempts: i64, age: Duration, unit: f64) -> Option<Duration> {
        let delay = self.backoff.delay(attempts, unit);
        match self.give_up {
            GiveUp::AfterAttempts(max) => (attempts < max).then_some(delay),
            GiveUp::AfterAge(limit) => {
                let left = limit.checked_sub(age).filter(|left| !left.is_zero())?;
                Some(delay.min(left))
            }
        }
    }

    /// [`RetryPolicy::next_try`] with a fresh random number.
    pub fn next_try_with_jitter(&self, attempts: i64, age: Duration) -> Option<Duration> {
        self.next_try(attempts, age, fastrand::f64())
    }

    /// Whether a job claimed for run `attempts` is past its last allowed run already:
    /// the previous claim took the lease and never reported (it crashed or hung). Only an
    /// attempt limit can tell; a job limited by age gets its run, and is given up after it.
    pub fn exhausted_before_run(&self, attempts: i64) -> bool {
        match self.give_up {
            GiveUp::AfterAttempts(max) => attempts > max,
            GiveUp::AfterAge(_) => false,
        }
    }

    /// How the give-up rule reads in a job's last error.
    pub fn describe(&self, attempts: i64) -> String {
        match self.give_up {
            GiveUp::AfterAttempts(_) => format!("gave up after {attempts} attempts"),
            GiveUp::AfterAge(limit) => format!(
                "gave up after {attempts} attempts over {}",
                human_duration(limit)
            ),
        }
    }
}

fn human_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        s if s >= 3600 && s % 3600 == 0 => format!("{} h", s / 3600),
        s if s >= 60 && s % 60 == 0 => format!("{} min", s / 60),
        s if s > 0 => format!("{s} s"),
        _ => format!("{} ms", duration.as_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKOFF: Backoff = Backoff {
        base: Duration::from_secs(30),
        max: Duration::from_secs(3600),
    };
    const DAY: Duration = Duration::from_secs(24 * 3600);

    #[test]
    fn an_attempt_limit_retries_until_the_last_run_and_then_gives_up() {
        let policy = RetryPolicy {
            backoff: BACKOFF,
            give_up: GiveUp::AfterAttempts(3),
        };
        let long_ago = Duration::from_secs(365 * 24 * 3600);
        assert_eq!(
            policy.next_try(1, long_ago, 1.0),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            policy.next_try(2, Duration::ZERO, 1.0),
            Some(Duration::from_secs(60))
        );
        assert_eq!(policy.next_try(3, Duration::ZERO, 1.0), None);
        assert!(!policy.exhausted_before_run(3));
        assert!(policy.exhausted_before_run(4));
    }

    #[test]
    fn an_age_limit_keeps_retrying_past_any_attempt_count_until_the_limit() {
        let policy = RetryPolicy {
            backoff: BACKOFF,
            give_up: GiveUp::AfterAge(DAY),
        };
        // Attempt 40 an hour in still waits the capped hour.
        assert_eq!(
            policy.next_try(40, Duration::from_secs(3600), 1.0),
            Some(Duration::from_secs(3600))
        );
        // Ten minutes before the limit, the wait is cut so the last try falls on it.
        assert_eq!(
            policy.next_try(40, DAY - Duration::from_secs(600), 1.0),
            Some(Duration::from_secs(600))
        );
        assert_eq!(policy.next_try(41, DAY, 1.0), None);
        assert_eq!(policy.next_try(41, DAY + Duration::from_secs(1), 0.0), None);
        assert!(!policy.exhausted_before_run(1_000));
    }

    #[test]
    fn a_day_of_exponential_backoff_is_about_thirty_attempts() {
        let policy = RetryPolicy {
            backoff: BACKOFF,
            give_up: GiveUp::AfterAge(DAY),
        };
        let (mut age, mut attempts) = (Duration::ZERO, 1);
        while let Some(wait) = policy.next_try(attempts, age, 1.0) {
            age += wait;
            attempts += 1;
        }
        assert_eq!(age, DAY);
        assert!((25..=35).contains(&attempts), "{attempts} attempts");
    }

    #[test]
    fn the_give_up_note_says_which_limit_was_reached() {
        let by_age = RetryPolicy {
            backoff: BACKOFF,
            give_up: GiveUp::AfterAge(DAY),
        };
        assert_eq!(by_age.describe(31), "gave up after 31 attempts over 24 h");
        let by_count = RetryPolicy {
            backoff: BACKOFF,
            give_up: GiveUp::AfterAttempts(8),
        };
        assert_eq!(by_count.describe(8), "gave up after 8 attempts");
    }
}
