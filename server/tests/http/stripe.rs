//! The `stripe` payment provider against localstripe (a stateful Stripe stand-in), over
//! HTTP: a card payment is fulfilled by the signed webhook, not by the browser; refusals
//! are decided at once; forged, stale and replayed deliveries change nothing; events in
//! any order end where Stripe's state says; a payment for an order cancelled meanwhile
//! is refunded; refunds reach Stripe.

use crate::accounts::call;
use crate::checkout::{
    guest_at_checkout, order_number, pay, stock, variant, ASKS_THE_BANK, GOOD_CARD,
};
use crate::helpers::TestApp;
use crate::localstripe::{Delivery, Localstripe, WebhookRelay, SECRET_KEY, WEBHOOK_SECRET};
use app::email::Shop;
use app::money::{Currency, Money};
use app::payments::provider::{refund_key, PaymentProvider, Refund, RefundAnswer};
use app::payments::stripe::signature::sign;
use app::payments::stripe::{Secret, StripeProvider, StripeSettings};
use serde_json::{json, Value};
use server::config::PaymentsConfig;

/// Declined when charged (localstripe declines 4000 0000 0000 0002 only when a card is
/// attached to a customer, which the shop never does).
const DECLINED: &str = "4000 0000 0000 0341";

/// A shop taking payments through localstripe.
struct StripeShop {
    app: TestApp,
    /// The same settings as the shop's, for calling the provider directly.
    stripe: StripeProvider,
    localstripe: Localstripe,
}

/// `None` when localstripe is not installed (outside CI: the test then skips, loudly).
async fn stripe_shop() -> Option<StripeShop> {
    let localstripe = Localstripe::start()?;
    let settings = StripeSettings {
        secret_key: Secret::new(SECRET_KEY),
        webhook_secret: Secret::new(WEBHOOK_SECRET),
        api_base: localstripe.base.clone(),
        shop_url: Shop::default().public_url().to_owned(),
    };
    let stripe = StripeProvider::new(&settings).unwrap();
    let payments = PaymentsConfig::Stripe(settings);
    let app = TestApp::seeded_with(3, move |state| payments.install(state).unwrap()).await;
    Some(StripeShop {
        app,
        stripe,
        localstripe,
    })
}

impl StripeShop {
    /// Webhooks go straight to the shop.
    async fn webhooks_to_the_shop(&self) {
        let url = format!("{}/webhooks/stripe", self.app.base);
        self.localstripe
            .send_webhooks_to(&url, WEBHOOK_SECRET)
            .await;
    }

    /// Webhooks are caught, for the test to hand over.
    async fn webhooks_to_a_relay(&self) -> WebhookRelay {
        let relay = WebhookRelay::start().await;
        self.localstripe
            .send_webhooks_to(&relay.url, WEBHOOK_SECRET)
            .await;
        relay
    }

    /// A guest pays for 2 of a variant holding 5 with a good card, and Stripe's
    /// `payment_intent.succeeded` is caught by a relay: the shop has not been told.
    async fn paid_but_not_told(&self) -> Untold {
        let app = &self.app;
        let relay = self.webhooks_to_a_relay().await;
        let sku = variant(app, 5).await;
        let (_, status, step) = guest_pays(app, &sku, GOOD_CARD).await;
        assert_eq!(status, 200, "{step}");
        let intent = payment_intent(app).await;
        let succeeded = relay
            .wait_for("payment_intent.succeeded", Some(&intent))
            .await;
        Untold {
            sku,
            intent,
            succeeded,
            _relay: relay,
        }
    }
}

/// A payment Stripe has taken and the shop not yet heard of.
struct Untold {
    sku: String,
    /// The PaymentIntent.
    intent: String,
    /// Stripe's notice of it, for the test to hand over.
    succeeded: Delivery,
    /// Kept running: localstripe goes on sending events to it.
    _relay: WebhookRelay,
}

/// A guest buys 2 × £20.00 of `sku` with standard delivery (£43.95) and `card`.
async fn guest_pays(app: &TestApp, sku: &str, card: &str) -> (reqwest::Client, u16, Value) {
    let (guest, key) = guest_at_checkout(app, sku, 2).await;
    let (status, step) = pay(app, &guest, &key, card).await;
    (guest, status, step)
}

/// The only order: its id and status.
async fn the_order(app: &TestApp) -> (i64, String) {
    sqlx::query_as("SELECT id, status FROM orders")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The PaymentIntent recorded with the order.
async fn payment_intent(app: &TestApp) -> String {
    sqlx::query_scalar(
        "SELECT reference FROM payments WHERE reference IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

/// How many history entries took the order to `status`.
async fn entries_to(app: &TestApp, status: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM order_events WHERE to_status = $1")
        .bind(status)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn handled_events(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM payment_webhook_events")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Posts a delivery to the shop's webhook. It says it came from another site, as a
/// browser would: the webhook must not care (its signature is what counts).
async fn deliver(app: &TestApp, signature: Option<&str>, body: &[u8]) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/webhooks/stripe", app.base))
        .header("content-type", "application/json; charset=utf-8")
        .header("origin", "https://hooks.stripe.example")
        .header("sec-fetch-site", "cross-site")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn hand_over(app: &TestApp, delivery: &Delivery) -> (u16, Value) {
    deliver(app, Some(&delivery.signature), &delivery.body).await
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// An event of our own making about PaymentIntent `intent`, and its signature.
fn signed_event(id: &str, kind: &str, intent: &str, at: i64) -> (String, Vec<u8>) {
    let body = json!({
        "id": id, "object": "event", "type": kind, "created": at, "livemode": false,
        "data": {"object": {"id": intent, "object": "payment_intent", "status": "requires_payment_method"}},
    })
    .to_string()
    .into_bytes();
    (sign(WEBHOOK_SECRET.as_bytes(), at, &body), body)
}

/// Waits up to 20 s for the order to reach `status`.
async fn wait_for_status(app: &TestApp, status: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, now) = the_order(app).await;
        if now == status {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the order is still {now}, not {status}, after 20 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn a_card_payment_is_fulfilled_by_stripes_webhook_not_by_the_browser() {
    let Some(shop) = stripe_shop().await else {
        return;
    };
    let app = &shop.app;
    shop.webhooks_to_the_shop().await;
    let mail = app.deliver_mail();
    let sku = variant(app, 5).await;
    let (guest, status, step) = guest_pays(app, &sku, GOOD_CARD).await;
    assert_eq!(status, 200, "{step}");
    // The browser is told the payment is being confirmed, never that it is paid.
    let path = step["Processing"]["path"]
        .as_str()
        .expect("Processing")
        .to_owned();
    assert!(path.starts_with("/orders/BZ-"), "{path}");
    let intent = payment_intent(app).await;
    assert!(intent.starts_with("pi_"), "{intent}");
    let at_stripe = shop
        .localstripe
        .get(&format!("/v1/payment_intents/{intent}"))
        .await;
    assert_eq!(at_stripe["amount"], 4395);
    assert_eq!(at_stripe["currency"], "gbp");
    let (order_id, _) = the_order(app).await;
    assert_eq!(at_stripe["metadata"]["order_id"], order_id.to_string());

    // localstripe's own signed delivery pays the order.
    wait_for_status(app, "paid").await;
    assert_eq!(stock(app, &sku).await, 3);
    assert_eq!(call(app, &guest, "get_cart", &[]).await.1["item_count"], 0);
    let message = mail.wait_for("guest@shop.test", order_number(&path)).await;
    assert!(message.text.unwrap().contains("£43.95"));
    let card: (String, String) =
        sqlx::query_as("SELECT card_brand, card_last4 FROM payments WHERE outcome = 'succeeded'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(card, ("Visa".to_owned(), "4242".to_owned()));
    // Nothing of the card but brand and last four digits is kept anywhere.
    let kept: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT card_brand, card_last4 FROM payments")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert!(
        kept.iter()
            .all(|(_, last4)| last4.as_deref() == Some("4242")),
        "{kept:?}"
    );
}

#[tokio::test]
async fn the_order_awaits_payment_until_the_webhook_and_a_replay_changes_nothing() {
    let Some(shop) = stripe_shop().await else {
        return;
    };
    let app = &shop.app;
    let Untold {
        sku,
        succeeded,
        _relay,
        ..
    } = shop.paid_but_not_told().await;
    // Stripe has the money, but the shop has not been told: nothing is fulfilled yet.
    assert_eq!(the_order(app).await.1, "awaiting_payment");
    assert_eq!(stock(app, &sku).await, 3, "held for the order");

    let (status, body) = hand_over(app, &succeeded).await;
    assert_eq!(
        (status, body["outcome"].as_str()),
        (200, Some("handled")),
        "{body}"
    );
    assert_eq!(the_order(app).await.1, "paid");

    // The same delivery again (Stripe retries when an answer is lost): one effect.
    let (status, body) = hand_over(app, &succeeded).await;
    assert_eq!(
        (status, body["outcome"].as_str()),
        (200, Some("duplicate")),
        "{body}"
    );
    assert_eq!(entries_to(app, "paid").await, 1);
    let succeeded_payments: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM payments WHERE outcome = 'succeeded'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(succeeded_payments, 1);
    let confirmations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'email'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(confirmations, 1);
}

#[tokio::test]
async fn forged_stale_and_unsigned_deliveries_are_refused_and_change_nothing() {
    let Some(shop) = stripe_shop().await else {
        return;
    };
    let app = &shop.app;
    let Untold {
        sku,
        intent,
        succeeded: genuine,
        _relay,
    } = shop.paid_but_not_told().await;

    let forged = sign(b"whsec_not_the_shops", now(), &genuine.body);
    let (_, fresh) = signed_event("evt_fresh", "payment_intent.succeeded", &intent, now());
    let stale_at = now() - 301;
    let (stale, stale_body) =
        signed_event("evt_stale", "payment_intent.succeeded", &intent, stale_at);
    let mut tampered = genuine.body.clone();
    tampered.extend_from_slice(b" ");
    let refused: [(Option<&str>, &[u8], &str); 5] = [
        (Some(&forged), &genuine.body, "no v1 signature"),
        (Some(&stale), &stale_body, "seconds from now"),
        (None, &fresh, "missing"),
        (Some("t=garbage"), &fresh, "cannot be read"),
        (Some(&genuine.signature), &tampered, "no v1 signature"),
    ];
    for (signature, body, why) in refused {
        let (status, problem) = deliver(app, signature, body).await;
        assert_eq!(status, 400, "{problem}");
        assert_eq!(problem["type"], "/api/v1/docs#problem-bad-signature");
        assert!(
            problem["detail"].as_str().unwrap().contains(why),
            "{problem}"
        );
    }
    assert_eq!(the_order(app).await.1, "awaiting_payment");
    assert_eq!(handled_events(app).await, 0);
    assert_eq!(stock(app, &sku).await, 3);

    // The genuine delivery still works afterwards.
    let (status, _) = hand_over(app, &genuine).await;
    assert_eq!(status, 200);
    assert_eq!(the_order(app).await.1, "paid");
}

#[tokio::test]
async fn events_in_any_order_end_where_stripe_says() {
    let Some(shop) = stripe_shop().await else {
        return;
    };
    let app = &shop.app;
    let Untold {
        sku,
        intent,
        succeeded,
        _relay,
    } = shop.paid_but_not_told().await;

    // A failure first (an earlier attempt's, delivered late): Stripe's state is
    // `succeeded`, so the order is paid.
    let (signature, body) = signed_event(
        "evt_early_failure",
        "payment_intent.payment_failed",
        &intent,
        now(),
    );
    let (status, _) = deliver(app, Some(&signature), &body).await;
    assert_eq!(status, 200);
    assert_eq!(the_order(app).await.1, "paid");
    // Then the success, and another failure after it: the order stays paid, once.
    assert_eq!(hand_over(app, &succeeded).await.0, 200);
    let (signature, body) = signed_event(
        "evt_late_failure",
        "payment_intent.payment_failed",
        &intent,
        now(),
    );
    let (status, body) = deliver(app, Some(&signature), &body).await;
    assert_eq!(
        (status, body["outcome"].as_str()),
        (200, Some("handled")),
        "{body}"
    );
    assert_eq!(the_order(app).await.1, "paid");
    assert_eq!(entries_to(app, "paid").await, 1);
    assert_eq!(entries_to(app, "cancelled").await, 0);
    assert_eq!(stock(app, &sku).await, 3);
    assert_eq!(handled_events(app).await, 3);

    // Events the shop does not act on are acknowledged, so Stripe stops sending them.
    let (signature, body) = signed_event("evt_other", "customer.created", "cus_1", now());
    let (status, body) = deliver(app, Some(&signature), &body).await;
    assert_eq!(
        (status, body["outcome"].as_str()),
        (200, Some("ignored")),
        "{body}"
    );
}

#[tokio::test]
async fn a_declined_card_is_refused_at_once_and_its_stock_comes_back() {
    let Some(shop) = stripe_shop().await else {
        return;
    };
    let app = &shop.app;
    let relay = shop.webhooks_to_a_relay().await;
    let sku = variant(app, 5).await;
    let (guest, status, refused) = guest_pays(app, &sku, DECLINED).await;
    assert_eq!(status, 422, "{refused}");
    let message = refused["Invalid"]["form"].as_str().unwrap();
    assert!(message.starts_with("Your card was declined."), "{message}");
    assert_eq!(the_order(app).await.1, "cancelled");
    assert_eq!(stock(app, &sku).await, 5);
    assert_eq!(call(app, &guest, "get_cart", &[]).await.1["item_count"], 2);

    // Stripe's `payment_failed` comes afterwards and finds the order released already.
    let failed = relay.wait_for("payment_intent.payment_failed", None).await;
    let (status, _) = hand_over(app, &failed).await;
    assert_eq!(status, 200);
    assert_eq!(the_order(app).await.1, "cancelled");
    assert_eq!(entries_to(app, "cancelled").await, 1);
    assert_eq!(stock(app, &sku).await, 5);
}

#[tokio::test]
async fn a_card_that_needs_3d_secure_is_refused_and_its_payment_cancelled() {
    let Some(shop) = stripe_shop().await else {
        return;
    };
    let app = &shop.app;
    let sku = variant(app, 5).await;
    let (_, status, refused) = guest_pays(app, &sku, ASKS_THE_BANK).await;
    assert_eq!(status, 422, "{refused}");
    let message = refused["Invalid"]["form"].as_str().unwrap();
    assert!(
        message.contains("couldn't confirm this payment"),
        "{message}"
    );
    assert_eq!(the_order(app).await.1, "cancelled");
    assert_eq!(stock(app, &sku).await, 5);
    // No money can move on it later.
    let intent = payment_intent(app).await;
    let at_stripe = shop
        .localstripe
        .get(&format!("/v1/payment_intents/{intent}"))
        .await;
    assert_eq!(at_stripe["status"], "canceled");
}

#[tokio::test]
async fn money_for_an_order_cancelled_meanwhile_goes_back_once() {
    let Some(shop) = stripe_shop().await else {
        return;
    };
    let app = &shop.app;
    let Untold {
        intent,
        succeeded,
        _relay,
        ..
    } = shop.paid_but_not_told().await;
    // The reservation ran out before Stripe's notice came.
    let (order_id, _) = the_order(app).await;
    assert!(
        app::checkout::payment::abandon(&app.db, order_id, "not paid in time")
            .await
            .unwrap()
    );

    let (status, _) = hand_over(app, &succeeded).await;
    assert_eq!(status, 200);
    assert_eq!(the_order(app).await.1, "cancelled");
    let refunds: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT amount, provider, reference FROM refunds")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    let (amount, provider, reference) = refunds[0].clone();
    assert_eq!((amount, provider.as_str()), (4395, "stripe"));
    let reference = reference.unwrap();
    let at_stripe = shop
        .localstripe
        .get(&format!("/v1/refunds/{reference}"))
        .await;
    assert_eq!(at_stripe["amount"], 4395);
    assert_eq!(at_stripe["payment_intent"], intent.as_str());
    let refunded_total: i64 = sqlx::query_scalar("SELECT refunded_total FROM orders")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(refunded_total, 4395);
    let note: String = sqlx::query_scalar(
        "SELECT note FROM order_events WHERE from_status = 'cancelled' AND to_status = 'cancelled'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(note.contains("refunded in full"), "{note}");

    // Another notice of the same payment gives nothing back twice.
    let (signature, body) = signed_event("evt_again", "payment_intent.succeeded", &intent, now());
    assert_eq!(deliver(app, Some(&signature), &body).await.0, 200);
    let at_stripe = shop
        .localstripe
        .get(&format!("/v1/refunds?payment_intent={intent}"))
        .await;
    assert_eq!(
        at_stripe["data"].as_array().unwrap().len(),
        1,
        "{at_stripe}"
    );
    assert_eq!(entries_to(app, "paid").await, 0);
}

#[tokio::test]
async fn refunds_go_through_stripe() {
    let Some(shop) = stripe_shop().await else {
        return;
    };
    let app = &shop.app;
    shop.webhooks_to_the_shop().await;
    let sku = variant(app, 5).await;
    guest_pays(app, &sku, GOOD_CARD).await;
    wait_for_status(app, "paid").await;
    let intent = payment_intent(app).await;
    let (order_id, _) = the_order(app).await;

    let part = Refund {
        order_id,
        payment_reference: Some(&intent),
        amount: Money::new(1000, Currency::GBP),
        idempotency_key: refund_key(order_id, 1),
    };
    let RefundAnswer::Refunded {
        reference: Some(reference),
    } = shop.stripe.refund(&part).await.unwrap()
    else {
        panic!("refunded");
    };
    let at_stripe = shop
        .localstripe
        .get(&format!("/v1/refunds/{reference}"))
        .await;
    assert_eq!(at_stripe["amount"], 1000);
    assert_eq!(at_stripe["payment_intent"], intent.as_str());
    assert_eq!(at_stripe["metadata"]["order_id"], order_id.to_string());

    // No Stripe payment: a refusal in words, not a fault.
    let nothing = Refund {
        payment_reference: None,
        ..part
    };
    assert!(matches!(
        shop.stripe.refund(&nothing).await.unwrap(),
        RefundAnswer::Refused { .. }
    ));
}

#[tokio::test]
async fn stripes_webhook_is_not_found_when_the_shop_does_not_use_stripe() {
    let app = TestApp::seeded(1).await;
    let (status, problem) = deliver(&app, Some("t=1,v1=00"), b"{}").await;
    assert_eq!(status, 404, "{problem}");
    assert_eq!(problem["type"], "/api/v1/docs#problem-not-found");
}
