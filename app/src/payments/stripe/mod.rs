//! The `stripe` payment provider: PaymentIntents over Stripe's HTTP API, and its webhooks.
//!
//! A charge creates a PaymentMethod from the card and a PaymentIntent confirmed at once
//! (`confirm=true`), with our order's id in its metadata. A card Stripe refuses there and
//! then is `ChargeAnswer::Decided`; anything else is `ChargeAnswer::Pending`, even a
//! PaymentIntent that says `succeeded`: the order is paid when the signed webhook says so
//! ([`webhook`]), never because a browser came back. Every POST carries an
//! `Idempotency-Key` made from our own ids, so a retried request is the same request.
//!
//! 3-D Secure: a card whose bank wants the shopper to authenticate leaves the PaymentIntent
//! in `requires_action`, which only Stripe.js in the shopper's browser can complete. The
//! shop does not load Stripe.js (it runs offline, and its pages allow only their own
//! scripts), and the `test` provider's confirmation step is a pretend bank that would
//! mark the order paid with no money taken. So such a PaymentIntent is cancelled at once
//! (no money can move on it later) and the answer is
//! `CardOutcome::AuthenticationFailed`: the order is released and the shopper reads that
//! nothing was charged and may try another card.

mod charge;
mod client;
pub mod events;
pub mod objects;
mod records;
pub mod signature;
pub mod webhook;

use super::provider::ProviderError;
use client::Client;
use objects::PaymentIntent;
use std::fmt;

/// A secret that never prints: Stripe's API key, or the webhook signing secret.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([hidden])")
    }
}

/// How to reach Stripe (`BAZAAR_STRIPE_*`).
#[derive(Debug, Clone)]
pub struct StripeSettings {
    /// `sk_…` (or a restricted `rk_…` key).
    pub secret_key: Secret,
    /// `whsec_…`: what Stripe signs this shop's webhook deliveries with.
    pub webhook_secret: Secret,
    /// `https://api.stripe.com`, or a stand-in such as localstripe.
    pub api_base: String,
    /// This shop's public URL, written into every PaymentIntent's metadata: a Stripe
    /// account may serve several shops (staging and live, say), each with its own order
    /// numbers, and each shop's webhook must act only on its own payments.
    pub shop_url: String,
}

pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// The provider's name, kept with every payment and handled event.
const PROVIDER: &str = "stripe";

#[derive(Debug)]
pub struct StripeProvider {
    client: Client,
    webhook_secret: Secret,
    shop_url: String,
}

impl StripeProvider {
    pub fn new(settings: &StripeSettings) -> Result<StripeProvider, ProviderError> {
        let client = Client::new(&settings.api_base, settings.secret_key.clone())
            .map_err(|error| ProviderError(format!("cannot build the HTTP client: {error}")))?;
        Ok(StripeProvider {
            client,
            webhook_secret: settings.webhook_secret.clone(),
            shop_url: settings.shop_url.clone(),
        })
    }

    /// The PaymentIntent `id` as Stripe has it now.
    pub async fn payment_intent(&self, id: &str) -> Result<PaymentIntent, ProviderError> {
        if !is_stripe_id(id) {
            return Err(ProviderError(format!("{id:?} is not a Stripe id")));
        }
        self.client
            .get(&format!("/v1/payment_intents/{id}"))
            .await
            .map_err(|error| ProviderError(error.describe("GET /v1/payment_intents")))
    }
}

/// Stripe's ids are letters, digits and underscores; anything else is not put in a URL.
fn is_stripe_id(id: &str) -> bool {
    (3..=255).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let settings = StripeSettings {
            secret_key: Secret::new("sk_test_123"),
            webhook_secret: Secret::new("whsec_456"),
            api_base: DEFAULT_API_BASE.to_owned(),
            shop_url: "https://shop.example".to_owned(),
        };
        let printed = format!("{settings:?} {:?}", StripeProvider::new(&settings).unwrap());
        assert!(!printed.contains("sk_test_123"), "{printed}");
        assert!(!printed.contains("whsec_456"), "{printed}");
    }

    #[test]
    fn only_stripe_ids_go_into_urls() {
        assert!(is_stripe_id("pi_3MtwBwLkdIwHu7ix28a3tqPa"));
        for bad in ["", "pi", "pi_1/../refunds", "pi_1?x=1", "pi 1", "pi_é"] {
            assert!(!is_stripe_id(bad), "{bad}");
        }
    }
}
