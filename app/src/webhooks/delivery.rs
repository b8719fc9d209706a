//! Sending a delivery: the job behind every webhook, its signature, and [`verify`] for
//! receivers (and our tests) to check one.
//!
//! A delivery is a POST of the event's JSON with `Bazaar-Signature`, `Bazaar-Event-Id`
//! and `Bazaar-Delivery-Id`. A 2xx answer delivers it; any other answer, a redirect, a
//! timeout or no connection is another attempt later, with exponential backoff (30 s
//! doubling to an hour, with jitter) until the delivery is a day old, when it is marked
//! failed. Each attempt is recorded for the endpoint's log.

use super::server::{mark_failed, outgoing, record_attempt, Attempt, DELIVERY_JOB};
use super::DeliveryStatus;
use crate::db::Db;
use crate::jobs::{Backoff, GiveUp, Job, JobError, JobHandler, RetryPolicy};
use crate::signing::SignatureError;
use std::time::Duration;

/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">`, as Stripe's `Stripe-Signature`.
pub const SIGNATURE_HEADER: &str = "Bazaar-Signature";
/// The event's id: the same on every delivery and resend of one event.
pub const EVENT_ID_HEADER: &str = "Bazaar-Event-Id";
/// The delivery's id: one per endpoint and send (a resend is a new delivery).
pub const DELIVERY_ID_HEADER: &str = "Bazaar-Delivery-Id";

/// How long a receiver has to answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a delivery keeps being retried.
pub const RETRY_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// The signature header for `body`, signed with `secret` at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    crate::signing::sign(secret.as_bytes(), timestamp, body)
}

/// What a receiver does with a delivery: accepts `body` if `header` (the
/// `Bazaar-Signature` value) carries a signature of it made with the endpoint's `secret`
/// within five minutes of `now_unix`. Returns the signature's timestamp.
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now_unix: i64,
) -> Result<i64, SignatureError> {
    crate::signing::verify(header, body, secret.as_bytes(), now_unix)
}

/// The retry policy deliveries use unless told otherwise: 30 s doubling to an hour, for a day.
pub fn default_policy() -> RetryPolicy {
    RetryPolicy {
        backoff: Backoff::default(),
        give_up: GiveUp::AfterAge(RETRY_FOR),
    }
}

/// Runs `webhook_delivery` jobs.
pub struct WebhookJobs {
    db: Db,
    client: reqwest::Client,
    policy: RetryPolicy,
}

impl WebhookJobs {
    pub fn new(db: Db) -> WebhookJobs {
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Bazaar-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        WebhookJobs {
            db,
            client,
            policy: default_policy(),
        }
    }

    /// The same, retrying by `policy` (tests use no waits and short limits).
    pub fn with_policy(mut self, policy: RetryPolicy) -> WebhookJobs {
        self.policy = policy;
        self
    }

    async fn send(&self, delivery: &super::server::Outgoing) -> Attempt {
        let timestamp = crate::db::now_millis().div_euclid(1000);
        let signature = sign(&delivery.secret, timestamp, delivery.payload.as_bytes());
        let sent = self
            .client
            .post(&delivery.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .header(EVENT_ID_HEADER, &delivery.event_id)
            .header(DELIVERY_ID_HEADER, delivery.id.to_string())
            .body(delivery.payload.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => Attempt {
                status_code: Some(response.status().as_u16()),
                error: None,
                status: DeliveryStatus::Delivered,
            },
            Ok(response) => Attempt {
                status_code: Some(response.status().as_u16()),
                error: Some(format!("the receiver answered {}", response.status())),
                status: DeliveryStatus::Pending,
            },
            Err(err) => Attempt {
                status_code: None,
                error: Some(if err.is_timeout() {
                    format!("no answer within {} s", REQUEST_TIMEOUT.as_secs())
                } else if err.is_connect() {
                    "could not connect to the receiver".to_owned()
                } else {
                    format!("the request failed: {err}")
                }),
                status: DeliveryStatus::Pending,
            },
        }
    }
}

fn delivery_id(job: &Job) -> Result<i64, JobError> {
    job.payload
        .trim()
        .parse()
        .map_err(|_| JobError::Permanent(format!("not a delivery id: {:?}", job.payload)))
}

fn retry(err: sqlx::Error) -> JobError {
    JobError::Retry(format!("database: {err}"))
}

#[async_trait::async_trait]
impl JobHandler for WebhookJobs {
    fn kind(&self) -> &'static str {
        DELIVERY_JOB
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let id = delivery_id(job)?;
        let Some(delivery) = outgoing(&self.db, id).await.map_err(retry)? else {
            // The endpoint was deleted with its log: nothing to send.
            return Ok(());
        };
        if delivery.status != DeliveryStatus::Pending {
            // Delivered (or given up) by an earlier run whose end was not recorded.
            return Ok(());
        }
        if !delivery.endpoint_active {
            mark_failed(&self.db, id, "the endpoint was switched off")
                .await
                .map_err(retry)?;
            return Ok(());
        }
        let attempt = self.send(&delivery).await;
        record_attempt(&self.db, id, &attempt)
            .await
            .map_err(retry)?;
        match attempt.status {
            DeliveryStatus::Pending => Err(JobError::Retry(attempt.error.unwrap_or_default())),
            _ => Ok(()),
        }
    }

    fn retry_policy(&self) -> Option<RetryPolicy> {
        Some(self.policy)
    }

    async fn gave_up(&self, job: &Job, error: &str) -> Result<(), JobError> {
        mark_failed(&self.db, delivery_id(job)?, error)
            .await
            .map_err(retry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_0123456789abcdef";
    const BODY: &[u8] =
        br#"{"id":"evt_1","type":"order.paid","created_at":"2026-12-05T06:00:00Z","data":{}}"#;
    const NOW: i64 = 1_796_450_400;

    #[test]
    fn a_delivery_signed_with_the_endpoints_secret_verifies() {
        let header = sign(SECRET, NOW, BODY);
        assert!(header.starts_with(&format!("t={NOW},v1=")));
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW + 60), Ok(NOW));
    }

    #[test]
    fn another_secret_another_body_or_an_old_signature_is_refused() {
        let header = sign(SECRET, NOW, BODY);
        assert_eq!(
            verify(Some(&header), BODY, "whsec_other", NOW),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&header), b"{}", SECRET, NOW),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&header), BODY, SECRET, NOW + 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(None, BODY, SECRET, NOW),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body_in_hex() {
        // From openssl: printf '1.{}' | openssl dgst -sha256 -hmac key
        assert_eq!(
            sign("key", 1, b"{}"),
            "t=1,v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"
        );
    }

    #[test]
    fn deliveries_retry_for_a_day_whatever_the_attempt_count() {
        let policy = default_policy();
        assert_eq!(policy.give_up, GiveUp::AfterAge(RETRY_FOR));
        assert!(policy
            .next_try(100, Duration::from_secs(23 * 3600), 1.0)
            .is_some());
        assert_eq!(policy.next_try(2, RETRY_FOR, 1.0), None);
    }
}
