//! Guests placing orders over HTTP, as a browser's JavaScript does.

use crate::Settings;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const GOOD_CARD: &str = "4242 4242 4242 4242";

/// One paid order: how long the whole sequence took, and the `pay` call alone.
pub struct Order {
    pub sequence: Duration,
    pub pay: Duration,
}

#[derive(Default)]
pub struct Outcome {
    /// Orders finished inside the measured window.
    pub measured: Vec<Order>,
    /// Every order the shoppers saw paid, warm-up and the tail included.
    pub paid: u64,
    pub failures: u64,
    /// Failures by step and status (`add_to_cart answered 500`), with an example.
    pub failure_kinds: BTreeMap<String, (u64, String)>,
}

pub async fn run(base: &str, skus: &Arc<Vec<String>>, settings: &Settings) -> Outcome {
    let start = Instant::now();
    let window = (
        start + settings.warmup,
        start + settings.warmup + settings.measure,
    );
    let tasks: Vec<_> = (0..settings.shoppers)
        .map(|n| {
            let shopper = Shopper {
                base: base.to_owned(),
                client: reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .expect("HTTP client"),
                cookie: None,
            };
            tokio::spawn(shop_until(
                shopper,
                Arc::clone(skus),
                n,
                window,
                settings.orders_per_guest,
            ))
        })
        .collect();
    let mut total = Outcome::default();
    for task in tasks {
        let outcome = task.await.expect("shopper task");
        total.measured.extend(outcome.measured);
        total.paid += outcome.paid;
        total.failures += outcome.failures;
        for (kind, (count, example)) in outcome.failure_kinds {
            total.failure_kinds.entry(kind).or_insert((0, example)).0 += count;
        }
    }
    total
}

/// Places orders until the window ends, a new guest every `orders_per_guest` orders.
async fn shop_until(
    mut shopper: Shopper,
    skus: Arc<Vec<String>>,
    n: usize,
    (from, until): (Instant, Instant),
    orders_per_guest: u32,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut placed_by_guest = 0;
    // Shoppers walk the catalog from different places, so orders spread over it.
    let mut next = n * 7919;
    while Instant::now() < until {
        if placed_by_guest == orders_per_guest {
            shopper.cookie = None;
            placed_by_guest = 0;
        }
        let sku = &skus[next % skus.len()];
        next += 1;
        let started = Instant::now();
        match shopper.order(sku).await {
            Ok(pay) => {
                let finished = Instant::now();
                outcome.paid += 1;
                placed_by_guest += 1;
                if finished >= from && finished < until {
                    outcome.measured.push(Order {
                        sequence: finished - started,
                        pay,
                    });
                }
            }
            Err(why) => {
                outcome.failures += 1;
                let kind = why.split(':').next().unwrap_or_default().to_owned();
                outcome.failure_kinds.entry(kind).or_insert((0, why)).0 += 1;
                // Start again as a new guest, with nothing left in a cart.
                shopper.cookie = None;
                placed_by_guest = 0;
            }
        }
    }
    outcome
}

/// A guest: a keep-alive connection and the session cookie the shop gave it.
struct Shopper {
    base: String,
    client: reqwest::Client,
    cookie: Option<String>,
}

impl Shopper {
    /// One order of one `sku`, paid: how long `pay` took; or what went wrong.
    async fn order(&mut self, sku: &str) -> Result<Duration, String> {
        let (status, added) = self
            .call("add_to_cart", &[("sku", sku), ("quantity", "1")])
            .await?;
        if status != 200 || added["item_count"].as_i64().unwrap_or(0) < 1 {
            return Err(format!("add_to_cart answered {status}: {added}"));
        }
        let (status, start) = self.call("start_checkout", &[]).await?;
        let Some(key) = start["idempotency_key"].as_str().filter(|_| status == 200) else {
            return Err(format!("start_checkout answered {status}: {start}"));
        };
        let key = key.to_owned();
        let asked = Instant::now();
        let (status, step) = self
            .call(
                "pay",
                &[
                    ("idempotency_key", key.as_str()),
                    ("email", "guest@shop.test"),
                    ("full_name", "Ada Lovelace"),
                    ("line1", "12 St James's Square"),
                    ("city", "London"),
                    ("postcode", "SW1Y 4LG"),
                    ("country", "GB"),
                    ("shipping_method", "standard"),
                    ("card_number", GOOD_CARD),
                    ("card_expiry", "12/40"),
                    ("card_cvc", "123"),
                ],
            )
            .await?;
        let took = asked.elapsed();
        let paid = step["Paid"]["path"]
            .as_str()
            .is_some_and(|path| path.starts_with("/orders/BZ-"));
        if status != 200 || !paid {
            return Err(format!("pay answered {status}: {step}"));
        }
        Ok(took)
    }

    /// Posts the form to server function `name` with this guest's session.
    async fn call(&mut self, name: &str, form: &[(&str, &str)]) -> Result<(u16, Value), String> {
        let mut request = self
            .client
            .post(format!("{}/rpc/{name}", self.base))
            .header("accept", "application/json")
            .header("sec-fetch-site", "same-origin")
            .form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{name} got no answer: {e}"))?;
        let status = response.status().as_u16();
        if let Some(cookie) = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("id="))
        {
            self.cookie = cookie.split(';').next().map(str::to_owned);
        }
        let body = response
            .text()
            .await
            .map_err(|e| format!("{name} got no answer: {e}"))?;
        let mut value = serde_json::from_str(&body).unwrap_or(Value::Null);
        if value.is_null() {
            value = Value::String(body.chars().take(300).collect());
        }
        Ok((status, value))
    }
}
