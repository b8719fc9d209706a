//! The `bazaar` server: wiring only. Configuration, logging, the database pool, the
//! HTTP router and the command line live here; the shop itself lives in `app`.

pub mod api;
pub mod cli;
pub mod config;
pub mod http;
pub mod media;
pub mod metrics;
pub mod page_cache;
pub mod security;
pub mod telemetry;
pub mod webhooks;

use app::db::{connect, ConnectError, Db};
use app::state::AppState;
use config::Config;
use leptos::config::LeptosOptions;
use std::future::{Future, IntoFuture};
use tokio::net::TcpListener;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot set up mail: {0}")]
    Mail(#[from] app::email::MailerError),
    #[error("cannot build the search index: {0}")]
    SearchIndex(sqlx::Error),
    #[error("cannot set up payments: {0}")]
    Payments(#[from] app::payments::provider::ProviderError),
    #[error(transparent)]
    Storage(#[from] app::media::StorageError),
    #[error("cannot schedule backups: {0}")]
    Schedule(sqlx::Error),
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
}

/// Opens the database and brings its schema up to date.
pub async fn open_database(config: &Config) -> Result<Db, StartError> {
    let db = connect(&config.database_url, config.db_max_connections).await?;
    db.migrate().await?;
    Ok(db)
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("bazaar")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .reload_port(config.reload_port)
        .build()
}

/// The state `bazaar serve` serves: the search index built from the catalog, and the
/// shop, payments, storage and limits `config` names. Every process sharing a database
/// builds its own (its own search index, following the change feed).
pub async fn app_state(config: &Config, db: Db) -> Result<AppState, StartError> {
    let mut state = AppState::new(leptos_options(config), db, config.data_dir.join("media"))
        .await
        .map_err(StartError::SearchIndex)?;
    state.https = config.shop.public_url().starts_with("https://");
    state.shop = config.shop.clone();
    state.reserve_for = config.reserve_for;
    config.payments.install(&mut state)?;
    state.storage = app::media::Storage::open(&config.storage)?;
    state.photo_limits = config.photo_limits;
    Ok(state)
}

/// Where `/metrics` is served (see [`config::MetricsConfig`]); the default serves it nowhere.
#[derive(Debug, Default)]
pub struct MetricsEndpoints {
    /// Serve it on the shop's port to the bearer of this token.
    pub token: Option<metrics::MetricsToken>,
    /// Serve it, and nothing else, on this listener.
    pub listener: Option<TcpListener>,
}

/// Serves the shop on `listener` until `shutdown` resolves, then finishes the requests
/// in flight. The pool stays open for the job worker to record the job in hand: the
/// caller closes it when everything has stopped. Metrics are recorded but served nowhere.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    serve_with_metrics(listener, state, MetricsEndpoints::default(), shutdown).await
}

/// As [`serve`], with `/metrics` where `endpoints` say.
pub async fn serve_with_metrics(
    listener: TcpListener,
    state: AppState,
    endpoints: MetricsEndpoints,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let db = state.db.clone();
    let sweeper = tokio::spawn(sweep_expired_rows(db.clone()));
    let follower = tokio::spawn(state.search.clone().follow(db.clone()));
    let metrics = metrics::Metrics::new(db.clone());
    let metrics_server = endpoints.listener.map(|listener| {
        tokio::spawn(axum::serve(listener, metrics::listener_router(metrics.clone())).into_future())
    });
    // Connection info gives server functions the client's address (rate limits).
    let app = http::router(state, metrics, endpoints.token)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartError::Serve);
    sweeper.abort();
    follower.abort();
    if let Some(metrics_server) = metrics_server {
        metrics_server.abort();
    }
    result
}

/// The background worker that runs queued jobs (email, releasing unpaid orders' stock,
/// outgoing webhooks),
/// configured from `config`. Run it with a shutdown future; it finishes the job in hand first.
pub fn job_worker(config: &Config, db: Db) -> Result<app::jobs::Worker, StartError> {
    let mailer = app::email::Mailer::new(
        config.smtp_url.as_ref(),
        &config.data_dir.join("mail"),
        &config.mail_from,
    )?;
    let options = app::jobs::WorkerOptions {
        max_attempts: i64::from(config.outbox_max_attempts),
        job_timeout: config.job_timeout,
        ..Default::default()
    };
    Ok(app::jobs::Worker::new(db.clone(), options)
        .handle(app::email::EmailJobs::new(mailer))
        .handle(app::checkout::server::ReservationJobs::new(db.clone()))
        .handle(app::webhooks::delivery::WebhookJobs::new(db)))
}

/// Deletes expired sessions, emailed links, abandoned guest carts, old rate-limit
/// windows and API idempotency keys older than a day once an hour, so no such table
/// grows without bound.
async fn sweep_expired_rows(db: Db) {
    use tower_sessions::ExpiredDeletion;
    let store = app::accounts::session_store::DbSessionStore::new(db.clone());
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        if let Err(err) = app::rate_limit::sweep(&db).await {
            tracing::warn!(error = %err, "rate limit sweep failed; will retry");
        }
        if let Err(err) = store.delete_expired().await {
            tracing::warn!(error = %err, "expired session sweep failed; will retry");
        }
        if let Err(err) = app::accounts::links::sweep(&db).await {
            tracing::warn!(error = %err, "expired email link sweep failed; will retry");
        }
        if let Err(err) = app::cart::server::sweep(&db).await {
            tracing::warn!(error = %err, "abandoned guest cart sweep failed; will retry");
        }
        if let Err(err) = app::staff::tokens::idempotency::sweep(&db).await {
            tracing::warn!(error = %err, "old idempotency key sweep failed; will retry");
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
