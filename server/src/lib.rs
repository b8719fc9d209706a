//! The `bazaar` server: wiring only. Configuration, logging, the database pool, the
//! HTTP router and the command line live here; the shop itself lives in `app`.

pub mod api;
pub mod cli;
pub mod config;
pub mod http;
pub mod media;
pub mod page_cache;
pub mod security;
pub mod telemetry;
pub mod webhooks;

use app::db::{connect, ConnectError, Db};
use app::state::AppState;
use config::Config;
use leptos::config::LeptosOptions;
use std::future::Future;
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

/// Serves the shop on `listener` until `shutdown` resolves, then finishes the requests
/// in flight and closes the pool.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let db = state.db.clone();
    let sweeper = tokio::spawn(sweep_expired_rows(db.clone()));
    let follower = tokio::spawn(state.search.clone().follow(db.clone()));
    // Connection info gives server functions the client's address (rate limits).
    let app = http::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartError::Serve);
    sweeper.abort();
    follower.abort();
    db.close().await;
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
        ..Default::default()
    };
    Ok(app::jobs::Worker::new(db.clone(), options)
        .handle(app::email::EmailJobs::new(mailer))
        .handle(app::checkout::server::ReservationJobs::new(db.clone()))
        .handle(app::webhooks::delivery::WebhookJobs::new(db)))
}

/// Deletes expired sessions, emailed links, abandoned guest carts and old rate-limit
/// windows once an hour, so no such table grows without bound.
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
