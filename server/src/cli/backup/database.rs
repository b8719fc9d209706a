//! Copying the database out while the shop keeps serving, and putting a copy back.
//! SQLite: `VACUUM INTO` (a consistent snapshot beside live WAL writers); PostgreSQL:
//! `pg_dump --format=custom` and `pg_restore`, from the PostgreSQL client tools.

use app::db::{Db, Engine};
use sqlx::Executor;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Tables a freshly migrated database already fills: rows there are not shop data.
const FILLED_BY_MIGRATIONS: [&str; 2] = ["_sqlx_migrations", "catalog_revision"];

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("{0}")]
    Sql(#[from] sqlx::Error),
    #[error(
        "{tool} is not installed; install the PostgreSQL client tools of the server's major \
         version (Debian/Ubuntu: apt install postgresql-client)"
    )]
    MissingTool { tool: &'static str },
    #[error("{tool} failed: {detail}")]
    ToolFailed { tool: &'static str, detail: String },
}

/// The archive's name for the database file of `engine`.
pub fn archive_path(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "database/bazaar.db",
        Engine::Postgres => "database/bazaar.pgdump",
    }
}

/// The manifest's name for `engine`.
pub fn engine_key(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    }
}

/// Writes a consistent copy of the live database to `to`.
pub async fn snapshot(db: &Db, url: &str, to: &Path) -> Result<(), DatabaseError> {
    match db.engine() {
        Engine::Sqlite => {
            let quoted = to.display().to_string().replace('\'', "''");
            db.pool()
                .execute(format!("VACUUM INTO '{quoted}'").as_str())
                .await?;
            Ok(())
        }
        Engine::Postgres => {
            let mut pg_dump = postgres_tool("pg_dump", url);
            pg_dump
                .arg("--format=custom")
                .arg("--no-owner")
                .arg(format!("--file={}", to.display()));
            run_tool("pg_dump", pg_dump).await
        }
    }
}

/// Replaces the database at `url` with the copy at `from` (a file from [`snapshot`]).
/// The pool on the target must be closed first.
pub async fn put_back(engine: Engine, url: &str, from: &Path) -> Result<(), DatabaseError> {
    match engine {
        Engine::Sqlite => {
            let Some(target) = sqlite_file(url) else {
                return Ok(());
            };
            // An old write-ahead log would be replayed onto the restored file.
            for suffix in ["-wal", "-shm"] {
                let mut side = target.clone().into_os_string();
                side.push(suffix);
                let _ = std::fs::remove_file(side);
            }
            std::fs::rename(from, &target).map_err(|err| DatabaseError::ToolFailed {
                tool: "placing the database file",
                detail: format!("{}: {err}", target.display()),
            })
        }
        Engine::Postgres => {
            let mut pg_restore = postgres_tool("pg_restore", url);
            pg_restore
                .args([
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                ])
                .arg(from);
            run_tool("pg_restore", pg_restore).await
        }
    }
}

/// `tool` pointed at the database `url`. The password goes to the tool through
/// `PGPASSWORD`, not on its command line, where anyone on the machine could read it
/// (`ps`).
fn postgres_tool(tool: &str, url: &str) -> Command {
    let (url, password) = without_password(url);
    let mut command = Command::new(tool);
    command.arg(format!("--dbname={url}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    command
}

/// `postgres://user:secret@host/db` as `postgres://user@host/db` and the password,
/// percent-decoded; a URL without a password comes back as it is.
fn without_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((user_info, host)) = authority.rsplit_once('@') else {
        return (url.to_owned(), None);
    };
    let Some((user, password)) = user_info.split_once(':') else {
        return (url.to_owned(), None);
    };
    (
        format!("{scheme}://{user}@{host}{path}"),
        Some(percent_decode(password)),
    )
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn run_tool(tool: &'static str, mut command: Command) -> Result<(), DatabaseError> {
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|err| DatabaseError::ToolFailed {
            tool,
            detail: err.to_string(),
        })?
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => DatabaseError::MissingTool { tool },
            _ => DatabaseError::ToolFailed {
                tool,
                detail: err.to_string(),
            },
        })?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(DatabaseError::ToolFailed {
            tool,
            detail: stderr.lines().next().unwrap_or("no message").to_owned(),
        })
    }
}

/// The newest migration applied, 0 for none.
pub async fn migration_version(db: &Db) -> Result<i64, sqlx::Error> {
    let version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(db.pool())
            .await?;
    Ok(version.unwrap_or(0))
}

/// The tables holding shop data (products, users, orders, anything migrated), by name.
pub async fn tables_with_rows(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let list = match db.engine() {
        Engine::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        Engine::Postgres => {
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"
        }
    };
    let tables: Vec<String> = sqlx::query_scalar(list).fetch_all(db.pool()).await?;
    let mut filled = Vec::new();
    for table in tables {
        if FILLED_BY_MIGRATIONS.contains(&table.as_str()) {
            continue;
        }
        let quoted = table.replace('"', "\"\"");
        let rows: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM \"{quoted}\" LIMIT 1) AS any_row"
        ))
        .fetch_one(db.pool())
        .await?;
        if rows > 0 {
            filled.push(table);
        }
    }
    filled.sort();
    Ok(filled)
}

/// The file behind a `sqlite:` URL; `None` for an in-memory database.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            without_password("postgres://shop:s%40cr%3At@db.local:5432/bazaar?sslmode=require"),
            (
                "postgres://shop@db.local:5432/bazaar?sslmode=require".to_owned(),
                Some("s@cr:t".to_owned())
            )
        );
        for plain in [
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://127.0.0.1/test",
            "postgres:///test?host=/run/postgresql",
        ] {
            assert_eq!(without_password(plain), (plain.to_owned(), None));
        }
        let tool = postgres_tool("pg_dump", "postgres://a:b@h/d");
        let args: Vec<_> = tool.get_args().collect();
        assert_eq!(args, ["--dbname=postgres://a@h/d"]);
        let env: Vec<_> = tool.get_envs().collect();
        assert_eq!(
            env,
            [(
                std::ffi::OsStr::new("PGPASSWORD"),
                Some(std::ffi::OsStr::new("b"))
            )]
        );
    }

    #[test]
    fn finds_the_sqlite_file_to_replace() {
        assert_eq!(
            sqlite_file("sqlite:///srv/shop/bazaar.db?mode=rwc"),
            Some(PathBuf::from("/srv/shop/bazaar.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://db/shop"), None);
    }
}
