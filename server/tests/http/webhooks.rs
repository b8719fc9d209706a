//! Outgoing webhooks end to end: staff register an endpoint over HTTP, the shop's own
//! writes (checkout, payment, dispatch, stock) emit events, and a job worker driven
//! step by step (`run_once`, no waits between retries) delivers them to a small receiver
//! that refuses, is down, or accepts. Receivers check signatures as an integrator would.

use crate::accounts::call;
use crate::checkout::{guest_at_checkout, order_number, pay, variant, GOOD_CARD};
use crate::helpers::TestApp;
use crate::staff::staff_signed_in;
use app::jobs::{Backoff, GiveUp, RetryPolicy, Worker, WorkerOptions};
use app::webhooks::delivery::{
    verify, WebhookJobs, DELIVERY_ID_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER,
};
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    event_id: String,
    delivery_id: String,
    signature: Option<String>,
    body: String,
    accepted: bool,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// A webhook receiver on a loopback port that answers 500 to its first `refuse` requests.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    server: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start(refuse: usize) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Receiver::on(listener, refuse)
    }

    fn on(listener: tokio::net::TcpListener, refuse: usize) -> Receiver {
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let seen = Arc::new(AtomicUsize::new(0));
        let record = got.clone();
        let handler = move |headers: HeaderMap, body: String| {
            let record = record.clone();
            let seen = seen.clone();
            async move {
                let accepted = seen.fetch_add(1, Ordering::SeqCst) >= refuse;
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_owned)
                };
                record.lock().unwrap().push(Received {
                    event_id: header(EVENT_ID_HEADER).unwrap_or_default(),
                    delivery_id: header(DELIVERY_ID_HEADER).unwrap_or_default(),
                    signature: header(SIGNATURE_HEADER),
                    body,
                    accepted,
                });
                if accepted {
                    StatusCode::OK
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            }
        };
        let router = axum::Router::new().route("/hooks", axum::routing::post(handler));
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Receiver { url, got, server }
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// The accepted requests, checked as an integrator would: each signature verifies with
    /// `secret`, each body's id is its `Bazaar-Event-Id`, and no event id came twice.
    fn accepted_events(&self, secret: &str) -> Vec<Value> {
        let now = app::db::now_millis() / 1000;
        let mut seen = HashMap::new();
        let mut events = Vec::new();
        for received in self.received().into_iter().filter(|r| r.accepted) {
            verify(
                received.signature.as_deref(),
                received.body.as_bytes(),
                secret,
                now,
            )
            .unwrap_or_else(|err| panic!("{err}: {received:?}"));
            let event = received.json();
            assert_eq!(event["id"], received.event_id.as_str());
            assert!(received.delivery_id.parse::<i64>().is_ok());
            let before = seen.insert(received.event_id.clone(), ());
            assert!(
                before.is_none(),
                "event {} accepted twice",
                received.event_id
            );
            events.push(event);
        }
        events
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A worker running only webhook deliveries, retrying at once (no backoff) until `limit`.
fn worker(app: &TestApp, limit: Duration) -> Worker {
    let policy = RetryPolicy {
        backoff: Backoff {
            base: Duration::ZERO,
            max: Duration::ZERO,
        },
        give_up: GiveUp::AfterAge(limit),
    };
    Worker::new(app.db.clone(), WorkerOptions::default())
        .handle(WebhookJobs::new(app.db.clone()).with_policy(policy))
}

const A_DAY: Duration = Duration::from_secs(24 * 3600);

/// Runs due deliveries until none is left (at most `most` runs): how many ran.
async fn drain(worker: &Worker, most: usize) -> usize {
    let mut ran = 0;
    while ran < most && worker.run_once().await.unwrap() {
        ran += 1;
    }
    ran
}

/// Staff register `url` for `events`: the endpoint's id and signing secret.
async fn register(
    app: &TestApp,
    staff: &reqwest::Client,
    url: &str,
    events: &[&str],
) -> (i64, String) {
    let mut form = vec![("url", url.to_owned())];
    for event in events {
        form.push((event, "yes".to_owned()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = call(app, staff, "create_webhook_endpoint", &form).await;
    assert_eq!(status, 200, "{body}");
    let id = body["id"].as_i64().unwrap();
    let detail = endpoint(app, staff, id).await;
    (id, detail["secret"].as_str().unwrap().to_owned())
}

/// The endpoint's page data: the endpoint, its secret and its deliveries.
async fn endpoint(app: &TestApp, staff: &reqwest::Client, id: i64) -> Value {
    let (status, body) = call(
        app,
        staff,
        "staff_webhook_endpoint",
        &[("endpoint_id", &id.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// A guest orders one of `sku` and pays: the order number.
async fn paid_order(app: &TestApp, sku: &str) -> String {
    let (guest, key) = guest_at_checkout(app, sku, 1).await;
    let (status, step) = pay(app, &guest, &key, GOOD_CARD).await;
    assert_eq!(status, 200, "{step}");
    let path = step
        .as_object()
        .and_then(|step| step.values().next())
        .and_then(|step| step["path"].as_str())
        .unwrap_or_else(|| panic!("no order page in {step}"));
    order_number(path).to_owned()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

fn codes(delivery: &Value) -> Vec<Value> {
    delivery["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|attempt| attempt["status_code"].clone())
        .collect()
}

#[tokio::test]
async fn a_receiver_that_refuses_at_first_gets_every_order_event_once_signed() {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    let receiver = Receiver::start(2).await;
    let (endpoint_id, secret) = register(
        &app,
        &staff,
        &receiver.url,
        &["order_created", "order_paid", "order_fulfilled"],
    )
    .await;
    let sku = variant(&app, 20).await;
    let number = paid_order(&app, &sku).await;
    let (status, body) = call(
        &app,
        &staff,
        "fulfil_order",
        &[("number", &number), ("tracking", "RM123456785GB")],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let worker = worker(&app, A_DAY);
    assert_eq!(
        drain(&worker, 50).await,
        5,
        "three deliveries, two refusals"
    );

    let events = receiver.accepted_events(&secret);
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 3);
    for kind in ["order.created", "order.paid", "order.fulfilled"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    for event in &events {
        assert_eq!(event["data"]["order"]["number"], number.as_str());
        assert!(event["created_at"].as_str().unwrap().ends_with('Z'));
    }
    let fulfilled = events
        .iter()
        .find(|e| e["type"] == "order.fulfilled")
        .unwrap();
    assert_eq!(fulfilled["data"]["tracking_number"], "RM123456785GB");
    assert_eq!(fulfilled["data"]["order"]["status"], "fulfilled");
    let paid = events.iter().find(|e| e["type"] == "order.paid").unwrap();
    assert_eq!(paid["data"]["order"]["lines"][0]["sku"], sku.as_str());
    assert_eq!(receiver.received().len(), 5);

    // The log shows every attempt with its answer.
    let detail = endpoint(&app, &staff, endpoint_id).await;
    let deliveries = detail["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 3);
    let mut all_codes = Vec::new();
    for delivery in deliveries {
        assert_eq!(delivery["status"], "Delivered");
        assert_eq!(delivery["last_status_code"], 200);
        let codes = codes(delivery);
        assert_eq!(delivery["attempts"].as_i64().unwrap() as usize, codes.len());
        all_codes.extend(codes);
    }
    all_codes.sort_by_key(|code| code.as_i64());
    assert_eq!(all_codes, [200, 200, 200, 500, 500]);
    let (status, html) = {
        let response = staff
            .get(format!("{}/admin/webhooks/{endpoint_id}", app.base))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(status, 200);
    assert!(
        html.contains("order.fulfilled") && html.contains("500, 200"),
        "{html}"
    );
    assert!(html.contains(&secret));
}

#[tokio::test]
async fn a_receiver_that_is_down_for_a_while_loses_nothing() {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    // A port with nothing listening on it, for now.
    let port = app::test_services::free_port();
    let url = format!("http://127.0.0.1:{port}/hooks");
    let (endpoint_id, secret) = register(&app, &staff, &url, &["stock_low"]).await;
    let sku = variant(&app, 8).await;
    let (status, body) = call(
        &app,
        &staff,
        "adjust_stock",
        &[
            ("sku", &sku),
            ("mode", "to"),
            ("amount", "3"),
            ("reason", "damaged"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let worker = worker(&app, A_DAY);
    for _ in 0..3 {
        assert!(worker.run_once().await.unwrap());
    }
    let detail = endpoint(&app, &staff, endpoint_id).await;
    let delivery = &detail["deliveries"][0];
    assert_eq!(delivery["status"], "Pending");
    assert_eq!(codes(delivery), [Value::Null, Value::Null, Value::Null]);

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let receiver = Receiver::on(listener, 0);
    assert_eq!(drain(&worker, 10).await, 1);
    let events = receiver.accepted_events(&secret);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "stock.low");
    assert_eq!(events[0]["data"]["variant"]["sku"], sku.as_str());
    assert_eq!(events[0]["data"]["variant"]["stock"], 3);
    let detail = endpoint(&app, &staff, endpoint_id).await;
    let delivery = &detail["deliveries"][0];
    assert_eq!(delivery["status"], "Delivered");
    assert_eq!(delivery["attempts"], 4);
    assert_eq!(codes(delivery).last().unwrap(), 200);

    // Already low: a further fall sends nothing new.
    let (status, body) = call(
        &app,
        &staff,
        "adjust_stock",
        &[
            ("sku", &sku),
            ("mode", "to"),
            ("amount", "1"),
            ("reason", "damaged"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(drain(&worker, 10).await, 0);
}

#[tokio::test]
async fn a_delivery_refused_past_its_retry_window_is_marked_failed_and_can_be_resent() {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    let receiver = Receiver::start(1).await;
    let (endpoint_id, secret) = register(&app, &staff, &receiver.url, &["order_created"]).await;
    let sku = variant(&app, 20).await;
    paid_order(&app, &sku).await;

    // A window of nothing: the first refusal is the last attempt.
    let impatient = worker(&app, Duration::ZERO);
    assert_eq!(drain(&impatient, 10).await, 1);
    let detail = endpoint(&app, &staff, endpoint_id).await;
    let failed = &detail["deliveries"][0];
    assert_eq!(failed["status"], "Failed");
    assert_eq!(codes(failed), [500]);
    assert!(failed["last_error"].as_str().unwrap().contains("gave up"));
    assert!(receiver.accepted_events(&secret).is_empty());

    let failed_id = failed["id"].as_i64().unwrap().to_string();
    let (status, body) = call(
        &app,
        &staff,
        "resend_webhook_delivery",
        &[
            ("endpoint_id", &endpoint_id.to_string()),
            ("delivery_id", &failed_id),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(drain(&worker(&app, A_DAY), 10).await, 1);
    let events = receiver.accepted_events(&secret);
    assert_eq!(events.len(), 1);
    // The same event, byte for byte, so the receiver can tell it is a repeat.
    let received = receiver.received();
    assert_eq!(received[0].event_id, received[1].event_id);
    assert_eq!(received[0].body, received[1].body);
    assert_ne!(received[0].delivery_id, received[1].delivery_id);
    let detail = endpoint(&app, &staff, endpoint_id).await;
    let resent = &detail["deliveries"][0];
    assert_eq!(resent["status"], "Delivered");
    assert_eq!(resent["resend_of"].as_i64().unwrap().to_string(), failed_id);
    let audited = count(
        &app,
        "SELECT COUNT(*) FROM staff_actions WHERE action = 'webhook_delivery.resent'",
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_delivered_event_resent_arrives_again_with_the_same_event_id() {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    let receiver = Receiver::start(0).await;
    let (endpoint_id, secret) = register(&app, &staff, &receiver.url, &["order_paid"]).await;
    let sku = variant(&app, 20).await;
    paid_order(&app, &sku).await;
    let worker = worker(&app, A_DAY);
    assert_eq!(drain(&worker, 10).await, 1);
    let first = receiver.accepted_events(&secret);
    assert_eq!(first.len(), 1);

    let detail = endpoint(&app, &staff, endpoint_id).await;
    let delivery_id = detail["deliveries"][0]["id"].as_i64().unwrap().to_string();
    let (status, body) = call(
        &app,
        &staff,
        "resend_webhook_delivery",
        &[
            ("endpoint_id", &endpoint_id.to_string()),
            ("delivery_id", &delivery_id),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(drain(&worker, 10).await, 1);
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].event_id, first[0]["id"].as_str().unwrap());
    assert_eq!(received[1].body, received[0].body);
    verify(
        received[1].signature.as_deref(),
        received[1].body.as_bytes(),
        &secret,
        app::db::now_millis() / 1000,
    )
    .unwrap();
}

#[tokio::test]
async fn events_nobody_subscribed_to_write_nothing() {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    let receiver = Receiver::start(0).await;
    // One endpoint wants stock only; another wants paid orders but is switched off.
    register(&app, &staff, &receiver.url, &["stock_low"]).await;
    let (off, _) = register(&app, &staff, &receiver.url, &["order_paid"]).await;
    let (status, body) = call(
        &app,
        &staff,
        "set_webhook_endpoint_active",
        &[("endpoint_id", &off.to_string()), ("active", "false")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let sku = variant(&app, 50).await;
    paid_order(&app, &sku).await;

    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM webhook_deliveries").await,
        0
    );
    let jobs = count(
        &app,
        "SELECT COUNT(*) FROM jobs WHERE kind = 'webhook_delivery'",
    )
    .await;
    assert_eq!(jobs, 0);
    assert_eq!(drain(&worker(&app, A_DAY), 10).await, 0);
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn an_event_in_a_rolled_back_change_is_never_sent() {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    let receiver = Receiver::start(0).await;
    register(&app, &staff, &receiver.url, &["product_updated"]).await;
    let mut tx = app.db.begin_write().await.unwrap();
    let sent = app::webhooks::server::emit(
        &mut tx,
        app::webhooks::Event::ProductUpdated,
        serde_json::json!({ "product": { "id": 1 } }),
    )
    .await
    .unwrap();
    assert_eq!(sent, 1);
    tx.rollback().await.unwrap();
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM webhook_deliveries").await,
        0
    );
    assert_eq!(drain(&worker(&app, A_DAY), 10).await, 0);
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn staff_manage_endpoints_with_checked_urls_and_every_change_audited() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    let (status, body) = call(
        &app,
        &staff,
        "create_webhook_endpoint",
        &[("url", "ftp://example.com/in"), ("order_paid", "yes")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = call(
        &app,
        &staff,
        "create_webhook_endpoint",
        &[("url", "https://example.com/in")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM webhook_endpoints").await,
        0
    );

    let (id, secret) = register(&app, &staff, "https://example.com/in", &["order_paid"]).await;
    assert!(secret.starts_with("whsec_"));
    let (status, list) = call(&app, &staff, "staff_webhook_endpoints", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["url"], "https://example.com/in");
    assert!(
        !list.to_string().contains(&secret),
        "the list never shows a secret"
    );
    let html = staff
        .get(format!("{}/admin/webhooks", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("https://example.com/in") && html.contains("Add the endpoint"));

    let id_text = id.to_string();
    for (name, args) in [
        (
            "set_webhook_endpoint_active",
            vec![("endpoint_id", id_text.as_str()), ("active", "false")],
        ),
        (
            "set_webhook_endpoint_active",
            vec![("endpoint_id", id_text.as_str()), ("active", "true")],
        ),
        (
            "delete_webhook_endpoint",
            vec![("endpoint_id", id_text.as_str())],
        ),
    ] {
        let (status, body) = call(&app, &staff, name, &args).await;
        assert_eq!(status, 200, "{name}: {body}");
    }
    let (status, _) = call(
        &app,
        &staff,
        "delete_webhook_endpoint",
        &[("endpoint_id", &id_text)],
    )
    .await;
    assert_eq!(status, 404);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM staff_actions WHERE action LIKE 'webhook_endpoint.%' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "webhook_endpoint.created",
            "webhook_endpoint.disabled",
            "webhook_endpoint.enabled",
            "webhook_endpoint.deleted"
        ]
    );
}
