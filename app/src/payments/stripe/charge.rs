//! Charging a card and refunding through Stripe: the [`PaymentProvider`] side of
//! [`StripeProvider`].

use super::client::CallError;
use super::objects::{IntentStatus, PaymentIntent, PaymentMethod, RefundObject};
use super::{is_stripe_id, StripeProvider};
use crate::payments::provider::{
    Charge, ChargeAnswer, PaymentProvider, ProviderError, Refund, RefundAnswer,
};
use crate::payments::CardOutcome;
use async_trait::async_trait;

impl StripeProvider {
    /// Cancels a PaymentIntent that waits for the shopper's bank, so no money can move
    /// on it later. A failure is logged: the order is released either way, and a payment
    /// that did go through would be refunded when its webhook finds the order cancelled.
    async fn cancel(&self, intent: &PaymentIntent, idempotency_key: &str) {
        let path = format!("/v1/payment_intents/{}/cancel", intent.id);
        let cancelled: Result<PaymentIntent, CallError> = self
            .client
            .post(&path, &[], &format!("{idempotency_key}-cancel"))
            .await;
        if let Err(error) = cancelled {
            tracing::warn!(
                payment_intent = %intent.id,
                error = %error.describe("POST /v1/payment_intents/…/cancel"),
                "could not cancel a payment that needs 3-D Secure"
            );
        }
    }
}

/// What a charge comes to once its PaymentIntent has been confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirmed {
    /// Taken, or on its way: the webhook will say.
    Pending,
    Refused(CardOutcome),
    /// The bank wants 3-D Secure, which the shop cannot run: cancel, and say so.
    NeedsAuthentication,
    /// A status `confirm=true` should never leave.
    Unexpected,
}

fn after_confirm(intent: &PaymentIntent) -> Confirmed {
    match intent.status {
        IntentStatus::Succeeded | IntentStatus::Processing | IntentStatus::RequiresCapture => {
            Confirmed::Pending
        }
        IntentStatus::RequiresAction => Confirmed::NeedsAuthentication,
        IntentStatus::RequiresPaymentMethod | IntentStatus::Canceled => {
            Confirmed::Refused(intent.failure())
        }
        IntentStatus::RequiresConfirmation | IntentStatus::Unknown => Confirmed::Unexpected,
    }
}

#[async_trait]
impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        super::PROVIDER
    }

    async fn charge(&self, charge: &Charge<'_>) -> Result<ChargeAnswer, ProviderError> {
        let card = charge.card;
        let expiry = card.summary().expiry;
        // Stripe's keys are per request and endpoint: one key per step of this charge,
        // each made from the order's own key.
        let key = &charge.idempotency_key;
        let method: Result<PaymentMethod, CallError> = self
            .client
            .post(
                "/v1/payment_methods",
                &[
                    ("type", "card".to_owned()),
                    ("card[number]", card.number().to_owned()),
                    ("card[exp_month]", expiry.month().to_string()),
                    ("card[exp_year]", expiry.year().to_string()),
                    ("card[cvc]", card.cvc().to_owned()),
                    ("billing_details[email]", charge.email.to_owned()),
                ],
                &format!("{key}-payment-method"),
            )
            .await;
        let method = match method {
            Ok(method) => method,
            Err(CallError::Api { status, error }) if error.is_card_refusal(status) => {
                return Ok(ChargeAnswer::Decided {
                    outcome: error.outcome(),
                    reference: None,
                })
            }
            Err(error) => return Err(ProviderError(error.describe("POST /v1/payment_methods"))),
        };
        let intent: Result<PaymentIntent, CallError> = self
            .client
            .post(
                "/v1/payment_intents",
                &[
                    ("amount", charge.amount.amount.to_string()),
                    (
                        "currency",
                        charge.amount.currency.code().to_ascii_lowercase(),
                    ),
                    ("payment_method", method.id),
                    ("payment_method_types[0]", "card".to_owned()),
                    ("confirm", "true".to_owned()),
                    ("metadata[order_id]", charge.order_id.to_string()),
                    ("metadata[shop]", self.shop_url.clone()),
                ],
                &format!("{key}-payment-intent"),
            )
            .await;
        let intent = match intent {
            Ok(intent) => intent,
            Err(CallError::Api { status, error }) if error.is_card_refusal(status) => {
                return Ok(ChargeAnswer::Decided {
                    outcome: error.outcome(),
                    reference: error.payment_intent.map(|intent| intent.id),
                })
            }
            Err(error) => return Err(ProviderError(error.describe("POST /v1/payment_intents"))),
        };
        match after_confirm(&intent) {
            Confirmed::Pending => Ok(ChargeAnswer::Pending {
                reference: intent.id,
            }),
            Confirmed::Refused(outcome) => Ok(ChargeAnswer::Decided {
                outcome,
                reference: Some(intent.id),
            }),
            Confirmed::NeedsAuthentication => {
                self.cancel(&intent, key).await;
                Ok(ChargeAnswer::Decided {
                    outcome: CardOutcome::AuthenticationFailed,
                    reference: Some(intent.id),
                })
            }
            Confirmed::Unexpected => Err(ProviderError(format!(
                "PaymentIntent {} is {:?} after confirmation",
                intent.id, intent.status
            ))),
        }
    }

    async fn refund(&self, refund: &Refund<'_>) -> Result<RefundAnswer, ProviderError> {
        let Some(intent) = refund.payment_reference.filter(|id| is_stripe_id(id)) else {
            return Ok(RefundAnswer::Refused {
                reason: "This order has no Stripe payment to refund.".to_owned(),
            });
        };
        let answer: Result<RefundObject, CallError> = self
            .client
            .post(
                "/v1/refunds",
                &[
                    ("payment_intent", intent.to_owned()),
                    ("amount", refund.amount.amount.to_string()),
                    ("metadata[order_id]", refund.order_id.to_string()),
                ],
                &refund.idempotency_key,
            )
            .await;
        match answer {
            Ok(made) => match made.status.as_deref() {
                Some("failed" | "canceled") => Ok(RefundAnswer::Refused {
                    reason: format!(
                        "Stripe could not refund this payment ({}).",
                        made.failure_reason.as_deref().unwrap_or("no reason given")
                    ),
                }),
                // `succeeded`, or `pending` / `requires_action`: Stripe has accepted it
                // and the money is on its way.
                _ => Ok(RefundAnswer::Refunded {
                    reference: Some(made.id),
                }),
            },
            // Stripe refused this refund (more than is left, a failed payment …): its
            // message is written for whoever asked.
            Err(CallError::Api {
                status: 400 | 402,
                error,
            }) => Ok(RefundAnswer::Refused {
                reason: error
                    .message
                    .unwrap_or_else(|| "Stripe refused the refund.".to_owned()),
            }),
            Err(error) => Err(ProviderError(error.describe("POST /v1/refunds"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(status: IntentStatus, decline_code: Option<&str>) -> PaymentIntent {
        PaymentIntent {
            id: "pi_1".to_owned(),
            status,
            amount: 100,
            currency: "gbp".to_owned(),
            metadata: Default::default(),
            last_payment_error: decline_code.map(|code| super::super::objects::ApiError {
                code: Some("card_declined".to_owned()),
                decline_code: Some(code.to_owned()),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn only_a_refusal_is_decided_at_once() {
        for status in [
            IntentStatus::Succeeded,
            IntentStatus::Processing,
            IntentStatus::RequiresCapture,
        ] {
            assert_eq!(after_confirm(&intent(status, None)), Confirmed::Pending);
        }
        assert_eq!(
            after_confirm(&intent(
                IntentStatus::RequiresPaymentMethod,
                Some("insufficient_funds")
            )),
            Confirmed::Refused(CardOutcome::InsufficientFunds)
        );
        assert_eq!(
            after_confirm(&intent(IntentStatus::Canceled, None)),
            Confirmed::Refused(CardOutcome::Declined)
        );
        assert_eq!(
            after_confirm(&intent(IntentStatus::RequiresAction, None)),
            Confirmed::NeedsAuthentication
        );
        assert_eq!(
            after_confirm(&intent(IntentStatus::RequiresConfirmation, None)),
            Confirmed::Unexpected
        );
    }
}
