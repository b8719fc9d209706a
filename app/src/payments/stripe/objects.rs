//! The parts of Stripe's API objects the shop reads, and what a refusal means for the
//! shopper. Unknown fields are ignored, so both Stripe's API versions and `localstripe`
//! (whose objects differ in detail: an expanded `latest_charge`, fewer fields) read the same.

use crate::payments::CardOutcome;
use serde::Deserialize;

/// Where a PaymentIntent stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentStatus {
    /// Never confirmed with a card, or its last attempt failed.
    RequiresPaymentMethod,
    RequiresConfirmation,
    /// The card's bank wants the shopper to authenticate (3-D Secure) in Stripe.js.
    RequiresAction,
    Processing,
    RequiresCapture,
    Canceled,
    Succeeded,
    /// A status added after this code was written.
    #[serde(other)]
    Unknown,
}

/// A PaymentIntent: the one charge the shop makes for an order.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    pub status: IntentStatus,
    /// In the currency's smallest unit, as `Money` keeps it.
    pub amount: i64,
    /// Lower case, as Stripe writes it (`gbp`).
    pub currency: String,
    #[serde(default)]
    pub metadata: IntentMetadata,
    /// Why the last attempt failed, while `status` is `requires_payment_method`.
    #[serde(default)]
    pub last_payment_error: Option<ApiError>,
}

/// What the shop writes into a PaymentIntent's metadata.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IntentMetadata {
    /// Our order's id, so a webhook finds the order even before the payment is recorded.
    pub order_id: Option<String>,
    /// The public URL of the shop that made it (one Stripe account may serve several).
    pub shop: Option<String>,
}

impl PaymentIntent {
    /// The order the shop at `shop_url` created this PaymentIntent for, as its metadata
    /// says; `None` for another shop's.
    pub fn order_of(&self, shop_url: &str) -> Option<i64> {
        if self.metadata.shop.as_deref() != Some(shop_url) {
            return None;
        }
        self.metadata.order_id.as_deref()?.trim().parse().ok()
    }

    /// Why the last attempt failed, as a shopper reads it.
    pub fn failure(&self) -> CardOutcome {
        match &self.last_payment_error {
            Some(error) => error.outcome(),
            None => CardOutcome::Declined,
        }
    }
}

/// A PaymentMethod: the card, as Stripe keeps it.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
}

/// A refund.
#[derive(Debug, Clone, Deserialize)]
pub struct RefundObject {
    pub id: String,
    /// `succeeded`, `pending` (money on its way), `failed`, `canceled`, `requires_action`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub failure_reason: Option<String>,
}

/// Stripe's error body: `{"error": {…}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody {
    pub error: ApiError,
}

/// One error from Stripe, or a failed payment attempt.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ApiError {
    /// `card_error`, `invalid_request_error`, `api_error`, `idempotency_error` …
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    /// For card errors: the bank's reason (`generic_decline`, `insufficient_funds` …).
    #[serde(default)]
    pub decline_code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// For a declined confirmation: the PaymentIntent it belongs to.
    #[serde(default)]
    pub payment_intent: Option<IntentRef>,
}

/// A PaymentIntent as an error names it.
#[derive(Debug, Clone, Deserialize)]
pub struct IntentRef {
    pub id: String,
}

impl ApiError {
    /// A refusal of the card (Stripe answers those with HTTP 402), rather than a fault in
    /// the request or on Stripe's side.
    pub fn is_card_refusal(&self, status: u16) -> bool {
        status == 402 || self.kind.as_deref() == Some("card_error")
    }

    /// What the refusal means for the shopper.
    pub fn outcome(&self) -> CardOutcome {
        outcome_for_decline(self.code.as_deref(), self.decline_code.as_deref())
    }

    /// For the log: type, code and message, never a card number (Stripe's messages do not
    /// repeat what was sent).
    pub fn describe(&self) -> String {
        let field = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".to_owned());
        format!(
            "{}/{}/{}: {}",
            field(&self.kind),
            field(&self.code),
            field(&self.decline_code),
            field(&self.message)
        )
    }
}

/// The outcome for a refusal with Stripe's error `code` and the bank's `decline_code`
/// (which says more when there is one).
pub fn outcome_for_decline(code: Option<&str>, decline_code: Option<&str>) -> CardOutcome {
    match decline_code.or(code) {
        Some("insufficient_funds") => CardOutcome::InsufficientFunds,
        Some("authentication_required" | "payment_intent_authentication_failure") => {
            CardOutcome::AuthenticationFailed
        }
        // Stripe's test mode refuses real cards with this reason.
        Some("test_mode_live_card") => CardOutcome::NotATestCard,
        // `generic_decline`, `card_declined`, `do_not_honor`, `expired_card`,
        // `incorrect_cvc`, `lost_card`, `fraudulent` …: the shopper tries another card.
        _ => CardOutcome::Declined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decline_codes_say_why_the_card_was_refused() {
        let cases = [
            (
                Some("card_declined"),
                Some("generic_decline"),
                CardOutcome::Declined,
            ),
            (Some("card_declined"), None, CardOutcome::Declined),
            (
                Some("card_declined"),
                Some("insufficient_funds"),
                CardOutcome::InsufficientFunds,
            ),
            (
                Some("insufficient_funds"),
                None,
                CardOutcome::InsufficientFunds,
            ),
            (
                Some("card_declined"),
                Some("authentication_required"),
                CardOutcome::AuthenticationFailed,
            ),
            (
                Some("payment_intent_authentication_failure"),
                None,
                CardOutcome::AuthenticationFailed,
            ),
            (
                Some("card_declined"),
                Some("test_mode_live_card"),
                CardOutcome::NotATestCard,
            ),
            (Some("expired_card"), None, CardOutcome::Declined),
            (Some("incorrect_cvc"), None, CardOutcome::Declined),
            (
                Some("card_declined"),
                Some("fraudulent"),
                CardOutcome::Declined,
            ),
            (None, None, CardOutcome::Declined),
        ];
        for (code, decline_code, outcome) in cases {
            assert_eq!(
                outcome_for_decline(code, decline_code),
                outcome,
                "{code:?} {decline_code:?}"
            );
        }
    }

    #[test]
    fn a_payment_intent_reads_from_stripe_and_from_localstripe() {
        // Stripe's shape: `latest_charge` an id, metadata strings.
        let stripe: PaymentIntent = serde_json::from_str(
            r#"{"id":"pi_1","object":"payment_intent","amount":4395,"currency":"gbp",
                "status":"requires_payment_method","latest_charge":"ch_1",
                "metadata":{"order_id":"42","shop":"https://shop.example"},
                "last_payment_error":{"type":"card_error","code":"card_declined",
                    "decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}"#,
        )
        .unwrap();
        assert_eq!(stripe.status, IntentStatus::RequiresPaymentMethod);
        assert_eq!(stripe.order_of("https://shop.example"), Some(42));
        assert_eq!(stripe.order_of("https://staging.shop.example"), None);
        assert_eq!(stripe.failure(), CardOutcome::InsufficientFunds);
        // localstripe's: `latest_charge` expanded, a status from the future.
        let local: PaymentIntent = serde_json::from_str(
            r#"{"id":"pi_2","amount":100,"currency":"gbp","status":"requires_reauthorization",
                "latest_charge":{"id":"ch_2"},"metadata":{},"last_payment_error":null}"#,
        )
        .unwrap();
        assert_eq!(local.status, IntentStatus::Unknown);
        assert_eq!(local.order_of("https://shop.example"), None);
        assert_eq!(local.failure(), CardOutcome::Declined);
    }

    #[test]
    fn only_card_errors_are_refusals() {
        let error: ErrorBody = serde_json::from_str(
            r#"{"error":{"type":"invalid_request_error","code":"card_declined","charge":"ch_1","message":"Your card was declined."}}"#,
        )
        .unwrap();
        // localstripe calls every error an invalid request, but answers refusals with 402.
        assert!(error.error.is_card_refusal(402));
        assert!(!error.error.is_card_refusal(400));
        let card_error = ApiError {
            kind: Some("card_error".to_owned()),
            ..ApiError::default()
        };
        assert!(card_error.is_card_refusal(400));
        assert_eq!(
            error.error.describe(),
            "invalid_request_error/card_declined/-: Your card was declined."
        );
    }
}
