//! The HTTP calls to Stripe's API: form-encoded POSTs with an `Idempotency-Key`, GETs, the
//! secret key as a Bearer token, and a few retries of what failed on the way (a retried
//! POST carries the same key, so Stripe replays its first answer instead of acting twice).

use super::objects::{ApiError, ErrorBody};
use super::Secret;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Stripe's API version the shop's requests are read and answered in.
const API_VERSION: &str = "2024-06-20";
/// Tries per request: the first and two retries.
const ATTEMPTS: u32 = 3;

/// Why a call did not give the object asked for.
#[derive(Debug)]
pub enum CallError {
    /// Stripe answered with an error (`status` ≥ 400).
    Api { status: u16, error: ApiError },
    /// No answer (connection, timeout), or one that is not Stripe's JSON.
    Broken(String),
}

impl CallError {
    /// The detail for the log, naming the call.
    pub fn describe(&self, call: &str) -> String {
        match self {
            CallError::Api { status, error } => {
                format!("{call}: HTTP {status} {}", error.describe())
            }
            CallError::Broken(detail) => format!("{call}: {detail}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    /// `https://api.stripe.com`, or a stand-in such as localstripe; no trailing slash.
    base: String,
    secret_key: Secret,
}

impl Client {
    pub fn new(base: &str, secret_key: Secret) -> Result<Client, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(40))
            .user_agent(concat!("bazaar/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client {
            http,
            base: base.trim_end_matches('/').to_owned(),
            secret_key,
        })
    }

    /// POSTs `form` to `path` (`/v1/…`) with `idempotency_key`.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, String)],
        idempotency_key: &str,
    ) -> Result<T, CallError> {
        self.send(|| {
            self.http
                .post(format!("{}{path}", self.base))
                .header("Idempotency-Key", idempotency_key)
                .form(form)
        })
        .await
    }

    /// GETs the object at `path` (`/v1/…`).
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, CallError> {
        self.send(|| self.http.get(format!("{}{path}", self.base)))
            .await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T, CallError> {
        let mut attempt = 1;
        loop {
            let outcome = request()
                .bearer_auth(self.secret_key.expose())
                .header("Stripe-Version", API_VERSION)
                .send()
                .await;
            let retry = match &outcome {
                Err(error) => !error.is_builder(),
                Ok(response) => should_retry(response),
            };
            if retry && attempt < ATTEMPTS {
                let wait = Duration::from_millis(250 * 4u64.pow(attempt - 1));
                let answer = match &outcome {
                    Ok(response) => response.status().to_string(),
                    Err(error) => error.to_string(),
                };
                tracing::warn!(attempt, ?wait, %answer, "Stripe did not answer usefully; retrying");
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            let response = outcome.map_err(|error| CallError::Broken(error.to_string()))?;
            return read(response).await;
        }
    }
}

/// Stripe says whether a retry may help (`Stripe-Should-Retry`); without that, conflicts
/// (the same key still in flight), rate limits and Stripe's own faults are worth one.
fn should_retry(response: &reqwest::Response) -> bool {
    match response
        .headers()
        .get("stripe-should-retry")
        .and_then(|v| v.to_str().ok())
    {
        Some("true") => true,
        Some("false") => false,
        _ => {
            let status = response.status().as_u16();
            status == 409 || status == 429 || status >= 500
        }
    }
}

async fn read<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, CallError> {
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|error| CallError::Broken(format!("reading the answer: {error}")))?;
    if status < 400 {
        return serde_json::from_slice(&body).map_err(|error| {
            CallError::Broken(format!(
                "HTTP {status} with an answer we cannot read: {error}"
            ))
        });
    }
    match serde_json::from_slice::<ErrorBody>(&body) {
        Ok(ErrorBody { error }) => Err(CallError::Api { status, error }),
        Err(_) => Err(CallError::Broken(format!(
            "HTTP {status} without Stripe's error body"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::stripe::objects::PaymentMethod;
    use axum::http::{HeaderMap, StatusCode};
    use std::sync::{Arc, Mutex};

    /// A stand-in for Stripe that fails the first request with 503, then answers; it
    /// keeps each request's `Idempotency-Key` and `Authorization`.
    async fn flaky_stripe() -> (String, Arc<Mutex<Vec<(String, String)>>>) {
        let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let keep = seen.clone();
        let handler = move |headers: HeaderMap| {
            let keep = keep.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                let mut seen = keep.lock().unwrap();
                seen.push((header("idempotency-key"), header("authorization")));
                if seen.len() == 1 {
                    (StatusCode::SERVICE_UNAVAILABLE, "{}".to_owned())
                } else {
                    (
                        StatusCode::OK,
                        r#"{"id":"pm_1","object":"payment_method"}"#.to_owned(),
                    )
                }
            }
        };
        let declined = || async {
            (
                StatusCode::PAYMENT_REQUIRED,
                r#"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds"}}"#,
            )
        };
        let router = axum::Router::new()
            .route("/v1/payment_methods", axum::routing::post(handler))
            .route("/v1/payment_intents", axum::routing::post(declined))
            .route("/v1/refunds", axum::routing::post(|| async { "not json" }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (base, seen)
    }

    #[tokio::test]
    async fn a_retried_post_is_the_same_request() {
        let (base, seen) = flaky_stripe().await;
        let client = Client::new(&base, Secret::new("sk_test_key")).unwrap();
        let method: PaymentMethod = client
            .post(
                "/v1/payment_methods",
                &[("type", "card".to_owned())],
                "order-1-pm",
            )
            .await
            .unwrap();
        assert_eq!(method.id, "pm_1");
        let seen = seen.lock().unwrap().clone();
        let sent = ("order-1-pm".to_owned(), "Bearer sk_test_key".to_owned());
        assert_eq!(seen, [sent.clone(), sent]);
    }

    #[tokio::test]
    async fn stripes_errors_are_read_and_anything_else_is_broken() {
        let (base, _) = flaky_stripe().await;
        let client = Client::new(&base, Secret::new("sk_test_key")).unwrap();
        let declined = client
            .post::<PaymentMethod>("/v1/payment_intents", &[], "k")
            .await
            .unwrap_err();
        let CallError::Api { status, error } = &declined else {
            panic!("{declined:?}");
        };
        assert_eq!(*status, 402);
        assert_eq!(
            error.outcome(),
            crate::payments::CardOutcome::InsufficientFunds
        );
        let unreadable = client
            .post::<PaymentMethod>("/v1/refunds", &[], "k")
            .await
            .unwrap_err();
        assert!(matches!(unreadable, CallError::Broken(_)), "{unreadable:?}");
        assert!(!unreadable
            .describe("POST /v1/refunds")
            .contains("sk_test_key"));
    }
}
