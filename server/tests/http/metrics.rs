//! `GET /metrics`: off unless configured, behind a bearer token on the shop's port or
//! open on a listener of its own, and what a Prometheus scrape reads there.

use crate::checkout::{guest_at_checkout, pay, variant, GOOD_CARD};
use crate::helpers::TestApp;
use server::metrics::MetricsToken;
use server::MetricsEndpoints;

const TOKEN: &str = "scrape-me-0123456789";

async fn with_token() -> TestApp {
    TestApp::seeded_serving_metrics(
        3,
        |_| {},
        MetricsEndpoints {
            token: Some(MetricsToken::new(TOKEN)),
            listener: None,
        },
    )
    .await
}

async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(format!("{}/metrics", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// The value of the sample written exactly as `series` (name and labels).
fn sample(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.parse().unwrap())
}

#[tokio::test]
async fn metrics_are_served_nowhere_unless_configured() {
    let app = TestApp::seeded(1).await;
    assert_eq!(app.get("/metrics").await.status(), 404);
    assert_eq!(
        scrape(&app, Some("anything-at-all-really")).await.status(),
        404
    );
}

#[tokio::test]
async fn the_shop_port_serves_metrics_to_the_token_bearer_only() {
    let app = with_token().await;
    for token in [None, Some("scrape-me-0123456788"), Some("")] {
        let refused = scrape(&app, token).await;
        assert_eq!(refused.status(), 401, "{token:?}");
        assert_eq!(
            refused.headers()["www-authenticate"],
            "Bearer realm=\"metrics\""
        );
        assert!(!refused.text().await.unwrap().contains("bazaar_"));
    }
    let scraped = scrape(&app, Some(TOKEN)).await;
    assert_eq!(scraped.status(), 200);
    assert_eq!(
        scraped.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let body = scraped.text().await.unwrap();
    assert!(
        body.contains("# TYPE bazaar_http_requests_total counter"),
        "{body}"
    );
    let max = app.db.pool().options().get_max_connections();
    assert_eq!(
        sample(&body, "bazaar_db_pool_connections_max"),
        Some(f64::from(max))
    );
    let in_use = sample(&body, "bazaar_db_pool_connections_in_use").unwrap();
    let idle = sample(&body, "bazaar_db_pool_connections_idle").unwrap();
    assert!(in_use + idle <= f64::from(max), "{body}");
    assert_eq!(sample(&body, "bazaar_metrics_database_up"), Some(1.0));
    assert!(body.contains("bazaar_build_info{version=\""), "{body}");
}

#[tokio::test]
async fn requests_are_counted_by_route_template_never_by_raw_url() {
    let app = with_token().await;
    let slugs: Vec<String> = sqlx::query_scalar("SELECT slug FROM products ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    for slug in &slugs {
        assert_eq!(app.get(&format!("/products/{slug}")).await.status(), 200);
        assert_eq!(
            app.get(&format!("/api/v1/products/{slug}")).await.status(),
            200
        );
    }
    for path in ["/no/such/page", "/another-missing-page-123"] {
        assert_eq!(app.get(path).await.status(), 404);
    }
    assert_eq!(app.get("/healthz").await.status(), 200);

    let body = scrape(&app, Some(TOKEN)).await.text().await.unwrap();
    let n = slugs.len() as f64;
    for (series, count) in [
        (
            "bazaar_http_requests_total{route=\"/products/{slug}\",method=\"GET\",status=\"200\"}",
            n,
        ),
        (
            "bazaar_http_requests_total{route=\"/api/v1/products/{slug}\",method=\"GET\",status=\"200\"}",
            n,
        ),
        (
            "bazaar_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}",
            2.0,
        ),
        (
            "bazaar_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}",
            1.0,
        ),
        (
            "bazaar_http_request_duration_seconds_count{route=\"/products/{slug}\",method=\"GET\"}",
            n,
        ),
        (
            "bazaar_http_request_duration_seconds_bucket{route=\"/products/{slug}\",method=\"GET\",le=\"+Inf\"}",
            n,
        ),
    ] {
        assert_eq!(sample(&body, series), Some(count), "{series} in\n{body}");
    }
    for slug in &slugs {
        assert!(!body.contains(slug.as_str()), "{slug} is a label value");
    }
    assert!(!body.contains("no/such/page"));
}

#[tokio::test]
async fn a_paid_order_shows_in_orders_revenue_and_the_mail_queue() {
    let app = with_token().await;
    let before = scrape(&app, Some(TOKEN)).await.text().await.unwrap();
    assert_eq!(sample(&before, "bazaar_orders{status=\"paid\"}"), Some(0.0));
    assert_eq!(
        sample(&before, "bazaar_revenue_minor_units{currency=\"GBP\"}"),
        None
    );

    let sku = variant(&app, 5).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 2).await;
    let (status, step) = pay(&app, &guest, &key, GOOD_CARD).await;
    assert_eq!(status, 200, "{step}");

    let body = scrape(&app, Some(TOKEN)).await.text().await.unwrap();
    assert_eq!(sample(&body, "bazaar_orders{status=\"paid\"}"), Some(1.0));
    assert_eq!(
        sample(&body, "bazaar_orders{status=\"awaiting_payment\"}"),
        Some(0.0)
    );
    assert_eq!(
        sample(&body, "bazaar_orders{status=\"refunded\"}"),
        Some(0.0)
    );
    // £40 of goods and £3.95 delivery.
    assert_eq!(
        sample(&body, "bazaar_revenue_minor_units{currency=\"GBP\"}"),
        Some(4395.0)
    );
    // No worker runs in this test: the confirmation email waits in the queue.
    assert!(sample(&body, "bazaar_jobs_pending{kind=\"email\"}").unwrap() >= 1.0);
    assert!(sample(&body, "bazaar_jobs_oldest_due_age_seconds").unwrap() >= 0.0);
    assert!(
        body.contains(
            "bazaar_http_requests_total{route=\"/rpc/pay\",method=\"POST\",status=\"200\"} 1"
        ),
        "{body}"
    );
}

#[tokio::test]
async fn a_metrics_address_serves_metrics_alone_and_without_a_token() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics_base = format!("http://{}", listener.local_addr().unwrap());
    let app = TestApp::seeded_serving_metrics(
        1,
        |_| {},
        MetricsEndpoints {
            token: None,
            listener: Some(listener),
        },
    )
    .await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let scraped = reqwest::get(format!("{metrics_base}/metrics"))
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let body = scraped.text().await.unwrap();
    assert_eq!(
        sample(
            &body,
            "bazaar_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"
        ),
        Some(1.0)
    );
    // Only metrics there; and not on the shop's port, which has no token to ask for.
    assert_eq!(
        reqwest::get(format!("{metrics_base}/healthz"))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(app.get("/metrics").await.status(), 404);
}
