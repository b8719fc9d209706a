//! A real, stateful Stripe stand-in for tests: `localstripe` (PyPI), one per test on a
//! free port, killed on drop; and a relay that catches the webhooks it sends, so a test
//! decides when (and how often) the shop receives each one.

use app::test_services::{free_port, PythonPackage, PythonService};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the tests' shop calls its Stripe keys.
pub const SECRET_KEY: &str = "sk_test_bazaar_tests";
pub const WEBHOOK_SECRET: &str = "whsec_bazaar_tests";

/// localstripe's server, with its store kept in memory: by default it writes every change
/// to `/tmp/localstripe.pickle`, a file all instances would share.
const SCRIPT: &str = "
import sys
from localstripe import resources, server
resources.Store.dump_to_disk = lambda self: None
sys.argv = ['localstripe', '--port', sys.argv[1], '--from-scratch']
server.start()
";

/// What the Stripe tests need: `make python-packages` installs it.
const LOCALSTRIPE: PythonPackage = PythonPackage {
    import: "localstripe",
    requirement: "localstripe==1.15.10",
    needed_by: "the Stripe tests",
};

/// The running localstripe; killed on drop.
pub struct Localstripe {
    _service: PythonService,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    http: reqwest::Client,
}

impl Localstripe {
    /// A fresh localstripe, answering. `None` (the test skips, loudly) only when the
    /// package is missing outside CI; under `CI=true` a missing package fails the test.
    pub fn start() -> Option<Localstripe> {
        if !LOCALSTRIPE.installed_or_skip() {
            return None;
        }
        let port = free_port();
        let service = PythonService::start("localstripe", port, &["-c", SCRIPT, &port.to_string()]);
        Some(Localstripe {
            _service: service,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        })
    }

    /// Sends every event, signed with `secret`, to `url`.
    pub async fn send_webhooks_to(&self, url: &str, secret: &str) {
        let response = self
            .http
            .post(format!("{}/_config/webhooks/bazaar", self.base))
            .form(&[("url", url), ("secret", secret)])
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{response:?}");
    }

    /// A Stripe object, read with the secret key.
    pub async fn get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(SECRET_KEY)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "GET {path}: {response:?}");
        response.json().await.unwrap()
    }
}

/// A webhook delivery exactly as it was sent.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub signature: String,
    pub body: Vec<u8>,
}

impl Delivery {
    pub fn event(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// Catches webhook deliveries on a port of its own, answering 200, and keeps them.
pub struct WebhookRelay {
    pub url: String,
    caught: Arc<Mutex<Vec<Delivery>>>,
    server: tokio::task::JoinHandle<()>,
}

impl WebhookRelay {
    pub async fn start() -> WebhookRelay {
        use axum::http::HeaderMap;
        let caught: Arc<Mutex<Vec<Delivery>>> = Arc::default();
        let keep = caught.clone();
        let catch = axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let keep = keep.clone();
            async move {
                let signature = headers
                    .get("stripe-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                keep.lock().unwrap().push(Delivery {
                    signature,
                    body: body.to_vec(),
                });
                "caught"
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/caught", listener.local_addr().unwrap());
        let router = axum::Router::new().route("/caught", catch);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        WebhookRelay {
            url,
            caught,
            server,
        }
    }

    /// The delivery of the event `kind` (about `object_id`, if given), waiting up to 20 s.
    pub async fn wait_for(&self, kind: &str, object_id: Option<&str>) -> Delivery {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self
                .caught
                .lock()
                .unwrap()
                .iter()
                .find(|delivery| {
                    let event = delivery.event();
                    event["type"] == kind
                        && object_id.is_none_or(|id| event["data"]["object"]["id"] == id)
                })
                .cloned();
            if let Some(delivery) = found {
                return delivery;
            }
            let caught: Vec<Value> = self
                .caught
                .lock()
                .unwrap()
                .iter()
                .map(|d| d.event()["type"].clone())
                .collect();
            assert!(
                Instant::now() < deadline,
                "no {kind} event about {object_id:?} within 20 s; caught: {caught:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for WebhookRelay {
    fn drop(&mut self) {
        self.server.abort();
    }
}
