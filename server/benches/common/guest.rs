//! A guest in the shop over HTTP, as a browser and its JavaScript are: pages, and the
//! server functions of the cart and checkout, with the session cookie the shop gives.

use serde_json::Value;
use std::time::{Duration, Instant};

const GOOD_CARD: &str = "4242 4242 4242 4242";

/// A guest: a keep-alive connection and the session cookie the shop gave it.
pub struct Guest {
    base: String,
    client: reqwest::Client,
    cookie: Option<String>,
}

impl Guest {
    pub fn new(base: &str) -> Guest {
        Guest {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
            cookie: None,
        }
    }

    /// Sends the next requests to the instance at `base`, keeping the session.
    pub fn move_to(&mut self, base: &str) {
        if self.base != base {
            base.clone_into(&mut self.base);
        }
    }

    /// Becomes a new guest: no session, nothing in a cart.
    pub fn forget(&mut self) {
        self.cookie = None;
    }

    /// Whether the shop has given this guest a session (its cart) yet.
    pub fn has_session(&self) -> bool {
        self.cookie.is_some()
    }

    /// Gets page `path` as a browser does: an error unless it answers 200 with a body.
    pub async fn page(&mut self, path: &str) -> Result<(), String> {
        let mut request = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept", "text/html");
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("GET {path} got no answer: {e}"))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("GET {path} got no answer: {e}"))?;
        if status != 200 || body.is_empty() {
            return Err(format!("GET {path} answered {status}"));
        }
        Ok(())
    }

    /// Puts one of `sku` in the cart.
    pub async fn add_to_cart(&mut self, sku: &str) -> Result<(), String> {
        let (status, added) = self
            .call("add_to_cart", &[("sku", sku), ("quantity", "1")])
            .await?;
        if status != 200 || added["item_count"].as_i64().unwrap_or(0) < 1 {
            return Err(format!("add_to_cart answered {status}: {added}"));
        }
        Ok(())
    }

    /// Checks the cart out and pays with the good card: how long `pay` took.
    pub async fn checkout_and_pay(&mut self, email: &str) -> Result<Duration, String> {
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
                    ("email", email),
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

    /// One order of one `sku`, paid: how long `pay` took; or what went wrong.
    pub async fn order(&mut self, sku: &str) -> Result<Duration, String> {
        self.add_to_cart(sku).await?;
        self.checkout_and_pay("guest@shop.test").await
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
