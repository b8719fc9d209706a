//! Typed configuration, read once from environment variables at start-up.
//! Every variable, its default and its meaning is listed in the README.

use app::money::Currency;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `LEPTOS_SITE_ADDR`: where the shop listens.
    pub site_addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT`: the built site (wasm, JS, CSS, public files).
    pub site_root: PathBuf,
    /// `LEPTOS_RELOAD_PORT`: live-reload port used by `cargo leptos watch`.
    pub reload_port: u32,
    /// `BAZAAR_DATA_DIR`: where the shop keeps its files, the SQLite database included.
    pub data_dir: PathBuf,
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// `BAZAAR_DB_MAX_CONNECTIONS`: size of the connection pool.
    pub db_max_connections: u32,
    /// `BAZAAR_LOG_FORMAT`: `pretty` or `json`.
    pub log_format: LogFormat,
    /// `BAZAAR_CURRENCY`: the shop's currency, used by the demo catalog.
    pub currency: Currency,
    /// `BAZAAR_SMTP_URL`; without it mail is written as `.eml` files under `data_dir/mail`.
    pub smtp_url: Option<app::email::SmtpUrl>,
    /// `BAZAAR_MAIL_FROM`: the sender of the shop's mail.
    pub mail_from: String,
    /// `BAZAAR_SHOP_NAME` and `BAZAAR_PUBLIC_URL`: what mail calls the shop and links to.
    pub shop: app::email::Shop,
    /// `BAZAAR_OUTBOX_MAX_ATTEMPTS`: tries before a queued job is marked dead.
    pub outbox_max_attempts: u32,
}

/// A variable with a value we cannot use: the message names it.
#[derive(Debug, thiserror::Error)]
#[error("{variable}={value:?} is not valid: {expected}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let site_addr = read(
            &var,
            "LEPTOS_SITE_ADDR",
            "127.0.0.1:3000",
            "an address and port such as 127.0.0.1:3000",
            |v| v.parse().ok(),
        )?;
        let site_root =
            PathBuf::from(var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()));
        let reload_port = read(&var, "LEPTOS_RELOAD_PORT", "3001", "a port number", |v| {
            v.parse().ok()
        })?;
        let data_dir = PathBuf::from(var("BAZAAR_DATA_DIR").unwrap_or_else(|| "data".to_owned()));
        let default_db = format!("sqlite://{}", data_dir.join("bazaar.db").display());
        let database_url = read(
            &var,
            "DATABASE_URL",
            &default_db,
            "a URL starting with sqlite:// or postgres://",
            |v| app::db::Engine::from_url(v).map(|_| v.to_owned()),
        )?;
        let db_max_connections = read(
            &var,
            "BAZAAR_DB_MAX_CONNECTIONS",
            "10",
            "a whole number from 1 to 1000",
            |v| v.parse().ok().filter(|n| (1..=1000).contains(n)),
        )?;
        let log_format = read(
            &var,
            "BAZAAR_LOG_FORMAT",
            "pretty",
            "pretty or json",
            |v| match v {
                "pretty" => Some(LogFormat::Pretty),
                "json" => Some(LogFormat::Json),
                _ => None,
            },
        )?;
        let currency = read(
            &var,
            "BAZAAR_CURRENCY",
            "GBP",
            "an ISO 4217 code such as GBP",
            |v| v.parse().ok(),
        )?;
        let smtp_url = var("BAZAAR_SMTP_URL").map(app::email::SmtpUrl::new);
        let shop_name = var("BAZAAR_SHOP_NAME").unwrap_or_else(|| "Bazaar".to_owned());
        let shop = read(
            &var,
            "BAZAAR_PUBLIC_URL",
            "http://127.0.0.1:3000",
            "the shop's address as shoppers reach it, such as https://shop.example",
            |v| app::email::Shop::new(&shop_name, v).ok(),
        )?;
        let mail_from =
            var("BAZAAR_MAIL_FROM").unwrap_or_else(|| app::email::default_sender(&shop_name));
        let outbox_max_attempts = read(
            &var,
            "BAZAAR_OUTBOX_MAX_ATTEMPTS",
            "8",
            "a whole number from 1 to 100",
            |v| v.parse().ok().filter(|n| (1..=100).contains(n)),
        )?;
        Ok(Config {
            smtp_url,
            mail_from,
            shop,
            outbox_max_attempts,
            site_addr,
            site_root,
            reload_port,
            data_dir,
            database_url,
            db_max_connections,
            log_format,
            currency,
        })
    }
}

/// The value of `name` (or `default`) turned into a `T` by `convert`, or an error naming it.
fn read<T>(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: &str,
    expected: &'static str,
    convert: impl Fn(&str) -> Option<T>,
) -> Result<T, ConfigError> {
    let value = var(name).unwrap_or_else(|| default.to_owned());
    convert(value.trim()).ok_or(ConfigError {
        variable: name,
        value,
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn mail_settings_are_checked_at_start_up() {
        let bad_url = config(&[("BAZAAR_PUBLIC_URL", "shop.example")]).unwrap_err();
        assert_eq!(bad_url.variable, "BAZAAR_PUBLIC_URL");
        let bad_attempts = config(&[("BAZAAR_OUTBOX_MAX_ATTEMPTS", "0")]).unwrap_err();
        assert_eq!(bad_attempts.variable, "BAZAAR_OUTBOX_MAX_ATTEMPTS");
        let default = config(&[]).unwrap();
        assert!(default.smtp_url.is_none());
        assert_eq!(default.outbox_max_attempts, 8);
    }

    #[test]
    fn defaults_serve_sqlite_under_data_on_port_3000() {
        let config = config(&[]).unwrap();
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database_url, "sqlite://data/bazaar.db");
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert_eq!(config.currency, Currency::GBP);
    }

    #[test]
    fn the_database_follows_the_data_dir() {
        let config = config(&[("BAZAAR_DATA_DIR", "/var/lib/bazaar")]).unwrap();
        assert_eq!(config.database_url, "sqlite:///var/lib/bazaar/bazaar.db");
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        for (name, value) in [
            ("LEPTOS_SITE_ADDR", "localhost"),
            ("DATABASE_URL", "mysql://x/y"),
            ("BAZAAR_LOG_FORMAT", "xml"),
            ("BAZAAR_DB_MAX_CONNECTIONS", "0"),
            ("BAZAAR_CURRENCY", "pounds"),
        ] {
            let err = config(&[(name, value)]).unwrap_err();
            assert_eq!(err.variable, name);
            assert!(err.to_string().starts_with(&format!("{name}=")), "{err}");
        }
    }
}
