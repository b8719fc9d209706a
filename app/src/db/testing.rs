//! Fresh, migrated databases for tests: a temporary SQLite file, or, when
//! `BAZAAR_TEST_POSTGRES_URL` is set, a new PostgreSQL database named for the test.
//! Dropping a [`TestDb`] removes what it made.

use super::{connect, Db};
use std::sync::atomic::{AtomicU64, Ordering};

/// The variable that switches every database test to PostgreSQL.
pub const POSTGRES_ENV: &str = "BAZAAR_TEST_POSTGRES_URL";

pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(std::path::PathBuf),
    PostgresDatabase { server_url: String, name: String },
}

/// A name no other test in any process uses at the same time.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "bazaar_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

impl TestDb {
    /// A new empty database with every migration applied.
    pub async fn new() -> TestDb {
        let name = unique_name();
        let (url, cleanup) = match std::env::var(POSTGRES_ENV) {
            Ok(server_url) if !server_url.is_empty() => {
                let base = server_url
                    .rsplit_once('/')
                    .map(|(base, _db)| base)
                    .unwrap_or(&server_url);
                let url = format!("{base}/{name}");
                (
                    url,
                    Cleanup::PostgresDatabase {
                        server_url: server_url.clone(),
                        name,
                    },
                )
            }
            _ => {
                let dir = std::env::temp_dir().join(&name);
                let url = format!("sqlite://{}/bazaar.db", dir.display());
                (url, Cleanup::SqliteDir(dir))
            }
        };
        let db = connect(&url, 5)
            .await
            .unwrap_or_else(|e| panic!("test database {url}: {e}"));
        db.migrate().await.expect("migrations apply");
        TestDb { db, url, cleanup }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDatabase { server_url, name } => {
                // Drop runs outside async; a short-lived runtime on its own thread does it.
                let server_url = server_url.clone();
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    runtime
                        .block_on(async {
                            use sqlx::Connection;
                            let mut conn = sqlx::AnyConnection::connect(&server_url).await?;
                            sqlx::query(&sql).execute(&mut conn).await?;
                            conn.close().await
                        })
                        .map_err(std::io::Error::other)
                })
                .join();
            }
        }
    }
}
