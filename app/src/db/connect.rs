//! Opening the pool: creates the database when missing and sets SQLite's pragmas.

use super::{Db, Engine};
use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::migrate::MigrateDatabase;
use sqlx::{Any, Executor};
use std::path::Path;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("DATABASE_URL must start with sqlite: or postgres://")]
    UnknownScheme,
    #[error("cannot create the directory {path} for the SQLite database: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot reach the {engine} database: {source}")]
    Unreachable {
        engine: &'static str,
        source: sqlx::Error,
    },
}

/// SQLite: write-ahead log so readers never wait for the writer, foreign keys enforced,
/// and a busy timeout so concurrent writers queue instead of failing at once.
const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA synchronous = NORMAL",
];

/// Opens a pool on `url`, creating the database (and a SQLite file's directory) if missing.
pub async fn connect(url: &str, max_connections: u32) -> Result<Db, ConnectError> {
    install_default_drivers();
    let engine = Engine::from_url(url).ok_or(ConnectError::UnknownScheme)?;
    let unreachable = |source| ConnectError::Unreachable {
        engine: engine.name(),
        source,
    };
    if engine == Engine::Sqlite {
        if let Some(dir) = sqlite_file_path(url).and_then(|p| p.parent().map(Path::to_owned)) {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(&dir).map_err(|source| ConnectError::CreateDir {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
        }
    }
    if !Any::database_exists(url).await.map_err(unreachable)? {
        Any::create_database(url).await.map_err(unreachable)?;
    }
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    for pragma in SQLITE_PRAGMAS {
                        conn.execute(pragma).await?;
                    }
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .map_err(unreachable)?;
    Ok(Db { pool, engine })
}

/// The file behind a `sqlite:` URL, or `None` for an in-memory database.
fn sqlite_file_path(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(Path::new(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_file_behind_a_sqlite_url() {
        assert_eq!(
            sqlite_file_path("sqlite://data/bazaar.db"),
            Some(Path::new("data/bazaar.db"))
        );
        assert_eq!(
            sqlite_file_path("sqlite:///var/lib/bazaar.db?mode=rwc"),
            Some(Path::new("/var/lib/bazaar.db"))
        );
        assert_eq!(sqlite_file_path("sqlite::memory:"), None);
    }

    #[tokio::test]
    async fn creates_a_missing_sqlite_file_in_wal_mode() {
        let dir = std::env::temp_dir().join(format!("bazaar-connect-{}", std::process::id()));
        let url = format!("sqlite://{}/nested/shop.db", dir.display());
        let db = connect(&url, 2).await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(fk, 1);
        db.close().await;
        assert!(dir.join("nested/shop.db").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn an_unknown_scheme_is_refused() {
        assert!(matches!(
            connect("mysql://localhost/shop", 1).await,
            Err(ConnectError::UnknownScheme)
        ));
    }
}
