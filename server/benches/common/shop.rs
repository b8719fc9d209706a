//! The shop served in this process as `bazaar serve` serves it, on a fresh database:
//! one instance, or several on one database as several `bazaar serve` processes.

use app::catalog::seed::{seed, SeedOptions};
use app::db::Db;
use server::config::Config;
use std::path::Path;
use std::sync::Arc;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The shop, served in this process as `bazaar serve` serves it.
pub struct Shop {
    pub base: String,
    /// The variants on sale, for the shoppers to choose from.
    pub skus: Arc<Vec<String>>,
    config: Config,
    db: Db,
    stop: tokio::sync::watch::Sender<bool>,
    served: tokio::task::JoinHandle<Result<(), server::StartError>>,
    worker: tokio::task::JoinHandle<()>,
}

/// Confirmation emails: delivered, and still waiting in the outbox.
pub struct Outbox {
    pub done: i64,
    pub pending: i64,
}

impl Shop {
    pub async fn start(
        database_url: &str,
        data_dir: &Path,
        products: u64,
    ) -> Result<Shop, BoxError> {
        let config = config(database_url, data_dir)?;
        let db = server::open_database(&config).await?;
        let options = SeedOptions {
            products,
            seed: 1,
            currency: config.currency,
        };
        seed(&db, &options, |_| {}).await?;
        // Enough stock that no order of the run can sell out.
        sqlx::query("UPDATE variants SET stock = 1000000000")
            .execute(db.pool())
            .await?;
        let skus: Vec<String> = sqlx::query_scalar(
            "SELECT v.sku FROM variants v JOIN products p ON p.id = v.product_id
             WHERE p.published ORDER BY v.id",
        )
        .fetch_all(db.pool())
        .await?;
        if skus.is_empty() {
            return Err("the seeded catalog has no published variant".into());
        }
        println!(
            "{} database with {products} products ({} variants on sale), pool of {} connections",
            db.engine().name(),
            skus.len(),
            config.db_max_connections
        );
        Shop::serve(config, db, Arc::new(skus)).await
    }

    /// Another instance on this shop's database, with its own data directory, pool,
    /// search index and job worker, as a second `bazaar serve` process would have.
    pub async fn another_instance(&self, data_dir: &Path) -> Result<Shop, BoxError> {
        let config = config(&self.config.database_url, data_dir)?;
        let db = server::open_database(&config).await?;
        Shop::serve(config, db, Arc::clone(&self.skus)).await
    }

    async fn serve(config: Config, db: Db, skus: Arc<Vec<String>>) -> Result<Shop, BoxError> {
        let state = server::app_state(&config, db.clone()).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let until_stopped = move || {
            let mut stopped = stopped.clone();
            async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            }
        };
        // Confirmation emails are delivered as `bazaar serve` delivers them without
        // SMTP: written as .eml files under the (scratch) data directory.
        let worker = tokio::spawn(server::job_worker(&config, db.clone())?.run(until_stopped()));
        let served = tokio::spawn(server::serve(listener, state, until_stopped()));
        Ok(Shop {
            base,
            skus,
            config,
            db,
            stop,
            served,
            worker,
        })
    }

    /// The database, for reading what the run needs (slugs, words) and its results.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Paid orders, and the confirmation emails sent and still queued.
    pub async fn counts(&self) -> Result<(u64, Outbox), sqlx::Error> {
        let paid: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .fetch_one(self.db.pool())
            .await?;
        let jobs = |state: &'static str| {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = $2")
                .bind(app::email::EMAIL_JOB)
                .bind(state)
                .fetch_one(self.db.pool())
        };
        let outbox = Outbox {
            done: jobs("done").await?,
            pending: jobs("pending").await?,
        };
        Ok((paid as u64, outbox))
    }

    /// Stops the server and the worker; the server closes the pool.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.worker.await;
        if let Ok(Err(err)) = self.served.await {
            eprintln!("the server stopped with an error: {err}");
        }
    }
}

/// The configuration `bazaar serve` would read with only these variables set (and the
/// pool size, when the environment sets it).
fn config(database_url: &str, data_dir: &Path) -> Result<Config, BoxError> {
    Ok(Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(database_url.to_owned()),
        "BAZAAR_DATA_DIR" => Some(data_dir.display().to_string()),
        "LEPTOS_SITE_ROOT" => Some(data_dir.join("site").display().to_string()),
        "BAZAAR_DB_MAX_CONNECTIONS" => std::env::var(name).ok(),
        _ => None,
    })?)
}

/// A fresh PostgreSQL database for one run, on the server the tests use.
pub mod postgres {
    use sqlx::Connection;

    pub struct Fresh {
        pub url: String,
        pub name: String,
    }

    async fn execute(server_url: &str, sql: &str) -> Result<(), String> {
        sqlx::any::install_default_drivers();
        let connecting = sqlx::AnyConnection::connect(server_url);
        let mut conn = tokio::time::timeout(std::time::Duration::from_secs(3), connecting)
            .await
            .map_err(|_| "no answer within 3 s".to_owned())?
            .map_err(|e| e.to_string())?;
        sqlx::query(sql)
            .execute(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
        conn.close().await.map_err(|e| e.to_string())
    }

    /// Creates a database named for this run next to the one `server_url` names.
    pub async fn create(server_url: &str) -> Result<Fresh, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("bazaar_bench_{}_{nanos}", std::process::id());
        execute(server_url, &format!("CREATE DATABASE \"{name}\"")).await?;
        let base = server_url
            .rsplit_once('/')
            .map_or(server_url, |(base, _)| base);
        Ok(Fresh {
            url: format!("{base}/{name}"),
            name,
        })
    }

    pub async fn drop(server_url: &str, name: &str) -> Result<(), String> {
        execute(
            server_url,
            &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        )
        .await
    }
}
