//! `GET /metrics` in Prometheus' text format: HTTP requests and their latency by route
//! (recorded by one middleware layer, [`track`]), the connection pool, and, read from the
//! database at scrape time, the job queue, orders and revenue.
//!
//! Metrics are off unless configured: `BAZAAR_METRICS_TOKEN` serves them on the shop's
//! port to a bearer of the token, `BAZAAR_METRICS_ADDR` on a listener of their own.

pub mod exposition;
mod shop;

use app::db::Db;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use exposition::{Exposition, Histogram, Kind, CONTENT_TYPE};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The route label of requests no route matched (the "Page not found" fallback, files
/// under the site root): raw paths would make a label value per URL ever requested.
pub const UNMATCHED: &str = "unmatched";

type RequestKey = (String, &'static str, u16);
type LatencyKey = (String, &'static str);

/// The process's request counters and latency histograms, and what it reads at scrape
/// time. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    /// Unix seconds when this process started serving.
    started_at: f64,
    requests: Mutex<BTreeMap<RequestKey, u64>>,
    latency: Mutex<BTreeMap<LatencyKey, Histogram>>,
}

impl Metrics {
    pub fn new(db: Db) -> Metrics {
        let started_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        Metrics {
            inner: Arc::new(Inner {
                db,
                started_at,
                requests: Mutex::default(),
                latency: Mutex::default(),
            }),
        }
    }

    /// Counts one answered request of `route` (a route template) and its latency.
    pub fn record(&self, route: &str, method: &axum::http::Method, status: u16, seconds: f64) {
        let method = method_label(method);
        if let Ok(mut requests) = self.inner.requests.lock() {
            *requests
                .entry((route.to_owned(), method, status))
                .or_default() += 1;
        }
        if let Ok(mut latency) = self.inner.latency.lock() {
            latency
                .entry((route.to_owned(), method))
                .or_default()
                .observe(seconds);
        }
    }

    /// The scrape answer: everything recorded so far and the database's figures now.
    pub async fn render(&self) -> String {
        let mut out = Exposition::new();
        self.render_http(&mut out);
        self.render_pool(&mut out);
        let figures = tokio::time::timeout(Duration::from_secs(5), shop::read(&self.inner.db))
            .await
            .map_err(|_| "timed out".to_owned())
            .and_then(|read| read.map_err(|err| err.to_string()));
        out.family(
            "bazaar_metrics_database_up",
            Kind::Gauge,
            "1 when this scrape read the job queue and orders from the database, else 0 \
             (those families are then missing).",
        );
        match figures {
            Ok(figures) => {
                out.sample("bazaar_metrics_database_up", &[], 1.0);
                render_shop(&mut out, &figures);
            }
            Err(err) => {
                tracing::warn!(error = %err, "metrics could not read the database");
                out.sample("bazaar_metrics_database_up", &[], 0.0);
            }
        }
        out.family(
            "bazaar_start_time_seconds",
            Kind::Gauge,
            "When this process started, in Unix seconds.",
        );
        out.sample("bazaar_start_time_seconds", &[], self.inner.started_at);
        out.family(
            "bazaar_build_info",
            Kind::Gauge,
            "Always 1; the version label is this build's.",
        );
        out.sample(
            "bazaar_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))],
            1.0,
        );
        out.finish()
    }

    fn render_http(&self, out: &mut Exposition) {
        out.family(
            "bazaar_http_requests_total",
            Kind::Counter,
            "HTTP requests answered, by route template, method and status.",
        );
        if let Ok(requests) = self.inner.requests.lock() {
            for ((route, method, status), count) in requests.iter() {
                let status = status.to_string();
                out.sample(
                    "bazaar_http_requests_total",
                    &[("route", route), ("method", method), ("status", &status)],
                    *count as f64,
                );
            }
        }
        out.family(
            "bazaar_http_request_duration_seconds",
            Kind::Histogram,
            "Time from a request's arrival to its response's headers, by route template \
             and method.",
        );
        if let Ok(latency) = self.inner.latency.lock() {
            for ((route, method), histogram) in latency.iter() {
                out.histogram(
                    "bazaar_http_request_duration_seconds",
                    &[("route", route), ("method", method)],
                    histogram,
                );
            }
        }
    }

    fn render_pool(&self, out: &mut Exposition) {
        let pool = self.inner.db.pool();
        let open = pool.size();
        let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX).min(open);
        for (name, help, value) in [
            (
                "bazaar_db_pool_connections_in_use",
                "Database connections lent out to a query or transaction now.",
                open - idle,
            ),
            (
                "bazaar_db_pool_connections_idle",
                "Open database connections waiting in the pool.",
                idle,
            ),
            (
                "bazaar_db_pool_connections_max",
                "The most connections the pool opens (BAZAAR_DB_MAX_CONNECTIONS).",
                pool.options().get_max_connections(),
            ),
        ] {
            out.family(name, Kind::Gauge, help);
            out.sample(name, &[], f64::from(value));
        }
    }
}

fn render_shop(out: &mut Exposition, figures: &shop::ShopFigures) {
    let by = |out: &mut Exposition, name, label, rows: &[(String, i64)]| {
        for (value, count) in rows {
            out.sample(name, &[(label, value.as_str())], *count as f64);
        }
    };
    out.family(
        "bazaar_jobs_pending",
        Kind::Gauge,
        "Jobs in the durable queue not yet done (due now or later, or running), by kind.",
    );
    by(out, "bazaar_jobs_pending", "kind", &figures.pending_jobs);
    out.family(
        "bazaar_jobs_dead",
        Kind::Gauge,
        "Jobs that failed for good and wait for someone to look, by kind.",
    );
    by(out, "bazaar_jobs_dead", "kind", &figures.dead_jobs);
    out.family(
        "bazaar_jobs_oldest_due_age_seconds",
        Kind::Gauge,
        "How long the oldest due job not yet taken by a worker has waited since it fell \
         due; 0 when none waits.",
    );
    out.sample(
        "bazaar_jobs_oldest_due_age_seconds",
        &[],
        figures.oldest_due_job_seconds,
    );
    out.family(
        "bazaar_orders",
        Kind::Gauge,
        "Orders in the database, by their current status.",
    );
    by(out, "bazaar_orders", "status", &figures.orders);
    out.family(
        "bazaar_revenue_minor_units",
        Kind::Gauge,
        "Revenue by currency in minor units (pence, cents): the grand totals of orders paid \
         for and not cancelled (paid, fulfilled, delivered, partially_refunded, refunded), \
         less what was refunded of them. A gauge: a refund or a cancellation lowers it.",
    );
    by(
        out,
        "bazaar_revenue_minor_units",
        "currency",
        &figures.revenue,
    );
}

/// A fixed label per standard method, so a client cannot mint label values.
fn method_label(method: &axum::http::Method) -> &'static str {
    method_str(method)
}

fn method_str(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The route label for a matched path: the route's template. A service nested under a
/// prefix (`/pkg`) matches a tail parameter axum names internally; it is shown as `{*rest}`.
pub fn route_label(matched: Option<&str>) -> String {
    let Some(path) = matched else {
        return UNMATCHED.to_owned();
    };
    match path.find("{*__private__") {
        Some(tail) => format!("{}{{*rest}}", &path[..tail]),
        None => path.to_owned(),
    }
}

/// Middleware: counts every request by its route template and times it.
pub async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let route = route_label(
        request
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
    );
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.record(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `BAZAAR_METRICS_TOKEN`: kept only as its SHA-256, so it can neither be printed nor
/// compared in time that depends on where a guess first differs.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken([u8; 32]);

impl MetricsToken {
    pub fn new(token: &str) -> MetricsToken {
        MetricsToken(Sha256::digest(token.as_bytes()).into())
    }

    /// Whether `headers` carry `Authorization: Bearer <this token>`.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(offered) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return false;
        };
        let offered: [u8; 32] = Sha256::digest(offered.trim().as_bytes()).into();
        offered
            .iter()
            .zip(self.0.iter())
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken([hidden])")
    }
}

/// The scrape answer.
pub async fn scrape(State(metrics): State<Metrics>) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
        metrics.render().await,
    )
        .into_response()
}

/// `/metrics` on the shop's port: for the bearer of the token only.
pub async fn scrape_with_token(
    metrics: Metrics,
    token: &MetricsToken,
    headers: &HeaderMap,
) -> Response {
    if !token.admits(headers) {
        return (
            StatusCode::UNAUTHORIZED,
            [(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"metrics\""),
            )],
            "a bearer token is required\n",
        )
            .into_response();
    }
    scrape(State(metrics)).await
}

/// What `/metrics` on the shop's port needs: the registry and the token, if any.
#[derive(Clone)]
pub struct ShopPort {
    pub metrics: Metrics,
    pub token: Option<MetricsToken>,
}

/// `/metrics` on the shop's port: 404 unless `BAZAAR_METRICS_TOKEN` is set, then for the
/// bearer of that token only.
pub async fn on_shop_port(State(port): State<ShopPort>, headers: HeaderMap) -> Response {
    match &port.token {
        Some(token) => scrape_with_token(port.metrics, token, &headers).await,
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// The router of the metrics listener (`BAZAAR_METRICS_ADDR`): `/metrics` and nothing else.
pub fn listener_router(metrics: Metrics) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .with_state(metrics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_labelled_by_template_and_unmatched_ones_alike() {
        assert_eq!(route_label(Some("/products/{slug}")), "/products/{slug}");
        assert_eq!(
            route_label(Some("/pkg/{*__private__axum_nest_tail_param}")),
            "/pkg/{*rest}"
        );
        assert_eq!(route_label(None), "unmatched");
        assert_eq!(method_label(&axum::http::Method::GET), "GET");
        let odd = axum::http::Method::from_bytes(b"PURGE").unwrap();
        assert_eq!(method_label(&odd), "other");
    }

    #[test]
    fn only_the_exact_bearer_token_is_admitted() {
        let token = MetricsToken::new("s3cret-metrics-token");
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            headers
        };
        assert!(token.admits(&with("Bearer s3cret-metrics-token")));
        assert!(!token.admits(&with("Bearer s3cret-metrics-tokem")));
        assert!(!token.admits(&with("Basic s3cret-metrics-token")));
        assert!(!token.admits(&with("Bearer ")));
        assert!(!token.admits(&HeaderMap::new()));
        assert!(!format!("{token:?}").contains("s3cret"));
    }
}
