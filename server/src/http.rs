//! The HTTP side: the axum router with the Leptos pages, operations endpoints, static
//! files and the middleware every response passes through.

use app::catalog::demo_picture;
use app::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::{Expiry, SessionManagerLayer};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The app's routes, generated once per process. Generating them switches resource
/// loading off process-wide for a moment (leptos_server's `SuppressResourceLoad`), so
/// doing it while another router in the same process renders a page (several test
/// servers at once) would leave that page waiting forever.
fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The shop's router. `metrics` counts every request; `/metrics` is served here only to
/// the bearer of `metrics_token`.
pub fn router(
    state: AppState,
    metrics: crate::metrics::Metrics,
    metrics_token: Option<crate::metrics::MetricsToken>,
) -> Router {
    let routes = routes();
    let pkg_dir = std::path::Path::new(state.leptos_options.site_root.as_ref())
        .join(state.leptos_options.site_pkg_dir.as_ref());
    // The wasm and JS keep their names across releases, so browsers revalidate them
    // (a cheap 304) instead of risking a stale bundle against a new server.
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .service(ServeDir::new(pkg_dir));
    // Imported pictures are named by their content, so a name never changes meaning.
    let imported = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .service(ServeDir::new(state.media_dir.join("imported")));
    let sessions = SessionManagerLayer::new(app::accounts::session_store::DbSessionStore::new(
        state.db.clone(),
    ))
    .with_http_only(true)
    .with_same_site(tower_sessions::cookie::SameSite::Lax)
    .with_secure(state.https)
    .with_expiry(Expiry::OnInactivity(
        tower_sessions::cookie::time::Duration::days(14),
    ));

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .nest("/api/v1", crate::api::router(&state))
        .route("/media/demo/{file}", get(demo_media))
        .nest_service("/media/imported", imported)
        .route("/media/photos/{file}", get(crate::media::photo))
        .nest_service("/pkg", pkg)
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    crate::security::set_page_policy();
                }
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(static_file_or_not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.photo_limits,
            limit_photo_uploads,
        ))
        .layer(axum::middleware::from_fn_with_state(
            crate::page_cache::PageCache::new(state.search.clone()),
            crate::page_cache::serve_cached,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(crate::security::refuse_cross_site))
        // Added after the layers above, so it is the one route without them: Stripe's
        // server is no browser, and the signature, not the origin, proves a delivery
        // genuine. (The cross-site refusal would pass it today, as it carries neither
        // `Origin` nor `Sec-Fetch-Site`, but payments must not depend on that.) It needs no
        // session and must never be answered from the page cache.
        .route("/webhooks/stripe", post(crate::webhooks::stripe))
        // Outside the browser layers too: a scraper has no session and no origin.
        .route(
            "/metrics",
            get(crate::metrics::on_shop_port).with_state(crate::metrics::ShopPort {
                metrics: metrics.clone(),
                token: metrics_token,
            }),
        )
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                    let request_id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(axum::middleware::from_fn(crate::security::harden))
                .option_layer(state.https.then(|| {
                    SetResponseHeaderLayer::if_not_present(
                        header::STRICT_TRANSPORT_SECURITY,
                        HeaderValue::from_static(crate::security::HSTS),
                    )
                }))
                .layer(CompressionLayer::new()),
        )
        // Outermost, so it times and counts every answer, by the route that matched.
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            crate::metrics::track,
        ))
        .with_state(state)
}

/// Files under the site root (favicon and other `public/` files), cached for a day;
/// anything else is the app's "Page not found" with status 404.
async fn static_file_or_not_found(
    uri: Uri,
    state: State<AppState>,
    request: Request<Body>,
) -> Response {
    let files = leptos_axum::file_and_error_handler::<AppState, _>(shell);
    let mut response = files(uri, state, request).await;
    if response.status().is_success() {
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("public, max-age=86400"));
    }
    response
}

/// A photo upload may carry one photo of the largest size and the form around it, and no
/// more: a larger one is refused unread (413), and any body is cut off at that size.
/// (Other server functions read at most axum's default 2 MB; this one streams its body.)
async fn limit_photo_uploads(
    State(limits): State<app::media::PhotoLimits>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    if request.uri().path() != app::staff::photos::api::UPLOAD_PATH {
        return next.run(request).await;
    }
    match app::staff::photos::server::guard_upload(request, &limits) {
        Ok(request) => next.run(request).await,
        Err(too_large) => (StatusCode::PAYLOAD_TOO_LARGE, too_large).into_response(),
    }
}

/// 200 while the process runs.
async fn healthz() -> &'static str {
    "ok"
}

/// 200 when the database answers, 503 otherwise.
async fn readyz(State(state): State<AppState>) -> Response {
    let ready = tokio::time::timeout(Duration::from_secs(2), state.db.is_ready())
        .await
        .unwrap_or(false);
    if ready {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

/// Demo catalog pictures: drawn from their name, so they never change and cache forever.
async fn demo_media(Path(file): Path<String>) -> Response {
    match demo_picture::render(&file) {
        Some(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            svg,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such picture").into_response(),
    }
}
