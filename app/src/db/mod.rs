//! The one data layer for both engines: SQLite (embedded default) and PostgreSQL.
//!
//! Queries are written once, in portable SQL, through sqlx's `Any` driver: `$1`-style
//! parameters (which SQLite accepts too), `BIGINT` for integers, money and timestamps
//! (UTC Unix milliseconds), `TEXT`, `BOOLEAN` and blobs. Where the engines really differ
//! (schema DDL, later full-text search) the code asks [`Db::engine`] and each engine has its
//! own migrations directory.

mod connect;
pub mod testing;

pub use connect::{connect, ConnectError};

use sqlx::migrate::Migrator;
use sqlx::AnyPool;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a `DATABASE_URL` names, from its scheme.
    pub fn from_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// A connection pool and the engine behind it. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
}

impl Db {
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`, waiting its turn under the busy timeout): a deferred transaction
    /// that reads first fails with "database is locked" when it later tries to write after
    /// another connection wrote meanwhile, and no timeout can save it then.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => self.pool.begin().await,
        }
    }

    /// Applies every embedded migration not yet applied; safe to call on every start.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        let migrator = match self.engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await
    }

    /// True when the database answers a trivial query (for `/readyz`).
    pub async fn is_ready(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await
    }
}

/// `$first, $first+1, …`: `count` numbered parameters, for `IN (…)` lists and
/// multi-row `VALUES` built at run time (both engines take `$n`).
pub fn numbered_params(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Milliseconds since the Unix epoch, UTC: how every timestamp is stored.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbered_params_count_from_first() {
        assert_eq!(super::numbered_params(3, 3), "$3, $4, $5");
        assert_eq!(super::numbered_params(1, 1), "$1");
    }

    use super::*;

    #[test]
    fn engine_is_chosen_by_url_scheme() {
        assert_eq!(
            Engine::from_url("sqlite://data/bazaar.db"),
            Some(Engine::Sqlite)
        );
        assert_eq!(Engine::from_url("sqlite::memory:"), Some(Engine::Sqlite));
        assert_eq!(
            Engine::from_url("postgres://u@h/db"),
            Some(Engine::Postgres)
        );
        assert_eq!(
            Engine::from_url("postgresql://u@h/db"),
            Some(Engine::Postgres)
        );
        assert_eq!(Engine::from_url("mysql://u@h/db"), None);
    }
}
