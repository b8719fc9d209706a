//! Attempts per key per fixed window, counted in the database so that every server
//! instance shares the count (sign-in attempts per address and per account …).

use crate::db::{now_millis, Db};

/// At most `max` attempts per `window_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: i64,
    pub window_secs: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Over the limit until the window ends, this many seconds from now.
    Refused {
        retry_after_secs: u64,
    },
}

/// Counts one attempt against `bucket` and says whether it is within `limit`.
pub async fn hit(db: &Db, bucket: &str, limit: Limit) -> Result<Verdict, sqlx::Error> {
    let now = now_millis();
    let window = limit.window_secs * 1000;
    let window_start = now - now.rem_euclid(window);
    // One statement: concurrent attempts on any instance each see their own count.
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
         RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_one(db.pool())
    .await?;
    if hits <= limit.max {
        return Ok(Verdict::Allowed);
    }
    let remaining_ms = (window_start + window - now).max(0);
    Ok(Verdict::Refused {
        retry_after_secs: (remaining_ms as u64).div_ceil(1000).max(1),
    })
}

/// Counts an attempt against each of a form's buckets; the first one over its limit
/// refuses the form with 429, `Retry-After`, and `kept` (what the form should show again).
pub async fn limit_form(
    db: &Db,
    buckets: &[(String, Limit)],
    kept: crate::forms::FormErrors,
) -> Result<(), crate::forms::FormError> {
    for (bucket, limit) in buckets {
        if let Verdict::Refused { retry_after_secs } = hit(db, bucket, *limit).await? {
            let minutes = retry_after_secs.div_ceil(60);
            crate::forms::refusal_status(429);
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.insert_header(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(retry_after_secs),
                );
            }
            return Err(crate::forms::FormError::Invalid(crate::forms::FormErrors {
                form: Some(format!(
                    "Too many attempts. Please wait {minutes} minute{} and try again.",
                    if minutes == 1 { "" } else { "s" }
                )),
                ..kept
            }));
        }
    }
    Ok(())
}

/// Deletes windows that ended more than a day ago.
pub async fn sweep(db: &Db) -> Result<u64, sqlx::Error> {
    let day_ago = now_millis() - 24 * 3600 * 1000;
    Ok(
        sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(day_ago)
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDb;

    #[tokio::test]
    async fn attempts_past_the_limit_are_refused_with_a_wait() {
        let test = TestDb::new().await;
        let limit = Limit {
            max: 3,
            window_secs: 600,
        };
        for _ in 0..3 {
            assert_eq!(hit(&test.db, "k", limit).await.unwrap(), Verdict::Allowed);
        }
        match hit(&test.db, "k", limit).await.unwrap() {
            Verdict::Refused { retry_after_secs } => assert!((1..=600).contains(&retry_after_secs)),
            Verdict::Allowed => panic!("the fourth attempt must be refused"),
        }
        // Other keys count separately.
        assert_eq!(
            hit(&test.db, "other", limit).await.unwrap(),
            Verdict::Allowed
        );
        assert_eq!(sweep(&test.db).await.unwrap(), 0, "current windows stay");
    }
}
