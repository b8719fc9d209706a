//! Typed configuration, read once from environment variables at start-up.
//! Every variable, its default and its meaning is listed in the README.

use app::money::Currency;
use app::payments::provider::ProviderError;
use app::payments::stripe::{Secret, StripeProvider, StripeSettings, DEFAULT_API_BASE};
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
    /// `BAZAAR_JOB_TIMEOUT_SECONDS`: longest a queued job may run. A job whose worker died
    /// (a crashed process) is run again once twice this has passed.
    pub job_timeout: std::time::Duration,
    /// `BAZAAR_PAYMENT_PROVIDER` (and `BAZAAR_STRIPE_*`): who takes the money.
    pub payments: PaymentsConfig,
    /// `BAZAAR_RESERVATION_MINUTES`: how long an order awaiting payment holds its stock.
    pub reserve_for: std::time::Duration,
    /// `BAZAAR_STORAGE_URL` (and `BAZAAR_S3_*`): where staff photos are stored.
    pub storage: app::media::StorageSettings,
    /// `BAZAAR_PHOTO_MAX_MB`: how large an uploaded photo may be.
    pub photo_limits: app::media::PhotoLimits,
    /// `BAZAAR_METRICS_TOKEN` and `BAZAAR_METRICS_ADDR`: who may read `/metrics`, and where.
    pub metrics: MetricsConfig,
    /// `BAZAAR_BACKUP_EVERY`, `BAZAAR_BACKUP_KEEP` and `BAZAAR_BACKUP_DIR`.
    pub backups: BackupConfig,
}

/// Where `/metrics` is served. Neither set: nowhere (the shop's port answers 404).
#[derive(Debug, Clone, Default)]
pub struct MetricsConfig {
    /// On the shop's own port, to `Authorization: Bearer <token>` only.
    pub token: Option<crate::metrics::MetricsToken>,
    /// On a listener of its own (such as `127.0.0.1:9100`), without a token.
    pub addr: Option<SocketAddr>,
}

/// Scheduled backups (through the job queue, so once across instances), and where
/// archives go and how many are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupConfig {
    /// How often to take one; `None` (the default) takes none.
    pub every: Option<std::time::Duration>,
    /// How many of the newest scheduled archives to keep (7).
    pub keep: usize,
    /// Where archives are written (`BAZAAR_DATA_DIR/backups`).
    pub dir: PathBuf,
}

/// The payment provider and its settings.
#[derive(Debug, Clone)]
pub enum PaymentsConfig {
    /// Stripe's test cards, decided on the spot; no account anywhere.
    Test,
    Stripe(StripeSettings),
}

impl PaymentsConfig {
    /// Puts this provider into `state`: the `test` provider is the state's default;
    /// Stripe also answers Stripe's webhook.
    pub fn install(&self, state: &mut app::state::AppState) -> Result<(), ProviderError> {
        if let PaymentsConfig::Stripe(settings) = self {
            let stripe = std::sync::Arc::new(StripeProvider::new(settings)?);
            state.payments = stripe.clone();
            state.stripe = Some(stripe);
        }
        Ok(())
    }
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
        let job_timeout_seconds: u64 = read(
            &var,
            "BAZAAR_JOB_TIMEOUT_SECONDS",
            "60",
            "a whole number of seconds from 1 to 3600",
            |v| v.parse().ok().filter(|n| (1..=3600).contains(n)),
        )?;
        let payments = payments(&var, &shop)?;
        let reservation_minutes: u64 = read(
            &var,
            "BAZAAR_RESERVATION_MINUTES",
            "30",
            "a whole number of minutes from 1 to 1440",
            |v| v.parse().ok().filter(|n| (1..=1440).contains(n)),
        )?;
        let storage = storage(&var, &data_dir)?;
        let photo_max_mb: u64 = read(
            &var,
            "BAZAAR_PHOTO_MAX_MB",
            "10",
            "a whole number of megabytes from 1 to 100",
            |v| v.parse().ok().filter(|n| (1..=100).contains(n)),
        )?;
        let photo_limits = app::media::PhotoLimits {
            max_bytes: photo_max_mb * 1024 * 1024,
            ..app::media::PhotoLimits::default()
        };
        let metrics = metrics(&var)?;
        let backups = backups(&var, &data_dir)?;
        Ok(Config {
            metrics,
            backups,
            storage,
            photo_limits,
            payments,
            reserve_for: std::time::Duration::from_secs(reservation_minutes * 60),
            smtp_url,
            mail_from,
            shop,
            outbox_max_attempts,
            job_timeout: std::time::Duration::from_secs(job_timeout_seconds),
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

/// `BAZAAR_PAYMENT_PROVIDER` and, for Stripe, its keys and address. The keys are
/// required then, and never repeated in an error message.
fn payments(
    var: &impl Fn(&str) -> Option<String>,
    shop: &app::email::Shop,
) -> Result<PaymentsConfig, ConfigError> {
    let provider = read(
        var,
        "BAZAAR_PAYMENT_PROVIDER",
        "test",
        "test or stripe",
        |v| matches!(v, "test" | "stripe").then(|| v.to_owned()),
    )?;
    if provider == "test" {
        return Ok(PaymentsConfig::Test);
    }
    let secret = |name: &'static str, prefixes: &[&str], expected: &'static str| {
        let value = var(name).map(|v| v.trim().to_owned()).unwrap_or_default();
        if prefixes.iter().any(|prefix| value.starts_with(prefix)) && value.len() > 8 {
            Ok(Secret::new(value))
        } else {
            Err(ConfigError {
                variable: name,
                value: if value.is_empty() {
                    value
                } else {
                    "[hidden]".to_owned()
                },
                expected,
            })
        }
    };
    let secret_key = secret(
        "BAZAAR_STRIPE_SECRET_KEY",
        &["sk_", "rk_"],
        "Stripe's secret key (sk_…), required with BAZAAR_PAYMENT_PROVIDER=stripe",
    )?;
    let webhook_secret = secret(
        "BAZAAR_STRIPE_WEBHOOK_SECRET",
        &["whsec_"],
        "the webhook endpoint's signing secret (whsec_…), required with BAZAAR_PAYMENT_PROVIDER=stripe",
    )?;
    let api_base = read(
        var,
        "BAZAAR_STRIPE_API_BASE",
        DEFAULT_API_BASE,
        "an http:// or https:// URL such as https://api.stripe.com",
        |v| {
            let rest = v
                .strip_prefix("https://")
                .or_else(|| v.strip_prefix("http://"))?;
            (!rest.is_empty() && !rest.starts_with('/')).then(|| v.trim_end_matches('/').to_owned())
        },
    )?;
    Ok(PaymentsConfig::Stripe(StripeSettings {
        secret_key,
        webhook_secret,
        api_base,
        shop_url: shop.public_url().to_owned(),
    }))
}

/// `BAZAAR_STORAGE_URL`: unset, photos are files under `data_dir/media`; `s3://bucket/prefix`
/// stores them in a bucket, with `BAZAAR_S3_ENDPOINT` (a store that is not Amazon's),
/// `BAZAAR_S3_REGION` and the keys in `BAZAAR_S3_ACCESS_KEY_ID` and
/// `BAZAAR_S3_SECRET_ACCESS_KEY` (or AWS's usual `AWS_ACCESS_KEY_ID` and
/// `AWS_SECRET_ACCESS_KEY`; neither, and the machine's own AWS role is used).
fn storage(
    var: &impl Fn(&str) -> Option<String>,
    data_dir: &std::path::Path,
) -> Result<app::media::StorageSettings, ConfigError> {
    use app::media::{S3Settings, StorageSettings};
    let Some(url) = var("BAZAAR_STORAGE_URL") else {
        return Ok(StorageSettings::Local(data_dir.join("media")));
    };
    let mut s3 = S3Settings::from_url(url.trim()).ok_or(ConfigError {
        variable: "BAZAAR_STORAGE_URL",
        value: url.clone(),
        expected: "s3://bucket/folder (a bucket name of 3-63 lower-case letters, digits, \
                   dots and hyphens), or unset for files under BAZAAR_DATA_DIR/media",
    })?;
    s3.endpoint = var("BAZAAR_S3_ENDPOINT")
        .map(|endpoint| {
            let endpoint = endpoint.trim().trim_end_matches('/').to_owned();
            let host = endpoint
                .strip_prefix("https://")
                .or_else(|| endpoint.strip_prefix("http://"));
            match host {
                Some(host) if !host.is_empty() && !host.contains('/') => Ok(endpoint),
                _ => Err(ConfigError {
                    variable: "BAZAAR_S3_ENDPOINT",
                    value: endpoint.clone(),
                    expected: "an http:// or https:// address such as http://127.0.0.1:9000",
                }),
            }
        })
        .transpose()?;
    if let Some(region) = var("BAZAAR_S3_REGION") {
        s3.region = region.trim().to_owned();
    }
    let id = var("BAZAAR_S3_ACCESS_KEY_ID").or_else(|| var("AWS_ACCESS_KEY_ID"));
    let secret = var("BAZAAR_S3_SECRET_ACCESS_KEY").or_else(|| var("AWS_SECRET_ACCESS_KEY"));
    match (id, secret) {
        (Some(id), Some(secret)) => {
            s3.access_key_id = Some(id.trim().to_owned());
            s3.secret_access_key = Some(secret.trim().to_owned());
        }
        (None, None) => {}
        (id, _) => {
            let missing = if id.is_none() {
                "BAZAAR_S3_ACCESS_KEY_ID"
            } else {
                "BAZAAR_S3_SECRET_ACCESS_KEY"
            };
            return Err(ConfigError {
                variable: missing,
                value: String::new(),
                expected: "both BAZAAR_S3_ACCESS_KEY_ID and BAZAAR_S3_SECRET_ACCESS_KEY \
                           (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or neither",
            });
        }
    }
    Ok(StorageSettings::S3(s3))
}

/// `BAZAAR_METRICS_TOKEN` (at least 16 characters, never printed) and `BAZAAR_METRICS_ADDR`.
fn metrics(var: &impl Fn(&str) -> Option<String>) -> Result<MetricsConfig, ConfigError> {
    let token = var("BAZAAR_METRICS_TOKEN")
        .map(|token| {
            let token = token.trim();
            if token.chars().count() >= 16 && !token.contains(char::is_whitespace) {
                Ok(crate::metrics::MetricsToken::new(token))
            } else {
                Err(ConfigError {
                    variable: "BAZAAR_METRICS_TOKEN",
                    value: "[hidden]".to_owned(),
                    expected: "a secret of at least 16 characters without spaces, or unset",
                })
            }
        })
        .transpose()?;
    let addr = var("BAZAAR_METRICS_ADDR")
        .map(|addr| {
            addr.trim().parse().map_err(|_| ConfigError {
                variable: "BAZAAR_METRICS_ADDR",
                value: addr.clone(),
                expected: "an address and port such as 127.0.0.1:9100, or unset",
            })
        })
        .transpose()?;
    Ok(MetricsConfig { token, addr })
}

/// `BAZAAR_BACKUP_EVERY` (unset: no scheduled backups), `BAZAAR_BACKUP_KEEP` (7) and
/// `BAZAAR_BACKUP_DIR` (`BAZAAR_DATA_DIR/backups`).
fn backups(
    var: &impl Fn(&str) -> Option<String>,
    data_dir: &std::path::Path,
) -> Result<BackupConfig, ConfigError> {
    let every = var("BAZAAR_BACKUP_EVERY")
        .map(|every| {
            interval(every.trim()).ok_or(ConfigError {
                variable: "BAZAAR_BACKUP_EVERY",
                value: every.clone(),
                expected:
                    "a whole number with m, h or d, such as 6h or 1d (at least 15m), or unset",
            })
        })
        .transpose()?;
    let keep = read(
        var,
        "BAZAAR_BACKUP_KEEP",
        "7",
        "a whole number of archives from 1 to 10000",
        |v| v.parse().ok().filter(|n| (1..=10_000).contains(n)),
    )?;
    let dir = var("BAZAAR_BACKUP_DIR")
        .map(|dir| PathBuf::from(dir.trim()))
        .unwrap_or_else(|| data_dir.join("backups"));
    Ok(BackupConfig { every, keep, dir })
}

/// `30m`, `6h`, `1d`: a whole number of minutes, hours or days, at least 15 minutes.
fn interval(text: &str) -> Option<std::time::Duration> {
    let unit = match text.chars().last()? {
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    let count: u64 = text[..text.len() - 1].parse().ok()?;
    let seconds = count.checked_mul(unit)?;
    (seconds >= 15 * 60).then(|| std::time::Duration::from_secs(seconds))
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
        assert_eq!(default.job_timeout, std::time::Duration::from_secs(60));
        let bad_timeout = config(&[("BAZAAR_JOB_TIMEOUT_SECONDS", "0")]).unwrap_err();
        assert_eq!(bad_timeout.variable, "BAZAAR_JOB_TIMEOUT_SECONDS");
    }

    #[test]
    fn payments_default_to_the_test_provider_and_a_30_minute_reservation() {
        let default = config(&[("BAZAAR_STRIPE_SECRET_KEY", "sk_test_ignored")]).unwrap();
        assert!(matches!(default.payments, PaymentsConfig::Test));
        assert_eq!(default.reserve_for, std::time::Duration::from_secs(30 * 60));
        let a_day = config(&[("BAZAAR_RESERVATION_MINUTES", "1440")]).unwrap();
        assert_eq!(a_day.reserve_for, std::time::Duration::from_secs(24 * 3600));
        for bad in ["0", "1441", "ten", "-5"] {
            let err = config(&[("BAZAAR_RESERVATION_MINUTES", bad)]).unwrap_err();
            assert_eq!(err.variable, "BAZAAR_RESERVATION_MINUTES");
        }
        let err = config(&[("BAZAAR_PAYMENT_PROVIDER", "paypal")]).unwrap_err();
        assert_eq!(err.variable, "BAZAAR_PAYMENT_PROVIDER");
    }

    const STRIPE: [(&str, &str); 3] = [
        ("BAZAAR_PAYMENT_PROVIDER", "stripe"),
        (
            "BAZAAR_STRIPE_SECRET_KEY",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        ),
        ("BAZAAR_STRIPE_WEBHOOK_SECRET", "whsec_abcdefghijklmnop"),
    ];

    #[test]
    fn stripe_needs_both_secrets_and_defaults_to_stripes_api() {
        let PaymentsConfig::Stripe(stripe) = config(&STRIPE).unwrap().payments else {
            panic!("stripe was chosen");
        };
        assert_eq!(stripe.api_base, "https://api.stripe.com");
        assert_eq!(stripe.shop_url, "http://127.0.0.1:3000");
        for missing in ["BAZAAR_STRIPE_SECRET_KEY", "BAZAAR_STRIPE_WEBHOOK_SECRET"] {
            let vars: Vec<_> = STRIPE.into_iter().filter(|(k, _)| *k != missing).collect();
            let err = config(&vars).unwrap_err();
            assert_eq!(err.variable, missing);
            assert!(
                err.to_string()
                    .contains("required with BAZAAR_PAYMENT_PROVIDER=stripe"),
                "{err}"
            );
        }
    }

    #[test]
    fn a_wrong_stripe_secret_is_named_but_never_printed() {
        // A later pair replaces an earlier one of the same name.
        let mut vars = STRIPE.to_vec();
        vars.push(("BAZAAR_STRIPE_SECRET_KEY", "pk_test_publishable_not_secret"));
        let err = config(&vars).unwrap_err();
        assert_eq!(err.variable, "BAZAAR_STRIPE_SECRET_KEY");
        assert!(!err.to_string().contains("pk_test_publishable"), "{err}");
        let printed = format!("{:?}", config(&STRIPE).unwrap());
        assert!(!printed.contains("sk_test_4eC39"), "{printed}");
        assert!(!printed.contains("whsec_abcdef"), "{printed}");
    }

    #[test]
    fn the_stripe_api_base_may_point_at_a_stand_in() {
        let mut vars = STRIPE.to_vec();
        vars.push(("BAZAAR_STRIPE_API_BASE", "http://127.0.0.1:8420/"));
        let PaymentsConfig::Stripe(stripe) = config(&vars).unwrap().payments else {
            panic!("stripe was chosen");
        };
        assert_eq!(stripe.api_base, "http://127.0.0.1:8420");
        for bad in ["api.stripe.com", "ftp://x", "https://"] {
            let mut vars = STRIPE.to_vec();
            vars.push(("BAZAAR_STRIPE_API_BASE", bad));
            let err = config(&vars).unwrap_err();
            assert_eq!(err.variable, "BAZAAR_STRIPE_API_BASE", "{bad}");
        }
    }

    #[test]
    fn photos_are_files_under_the_data_dir_unless_a_bucket_is_named() {
        use app::media::StorageSettings;
        let local = config(&[("BAZAAR_DATA_DIR", "/srv/shop")]).unwrap();
        assert_eq!(
            local.storage,
            StorageSettings::Local("/srv/shop/media".into())
        );
        assert_eq!(local.photo_limits.max_bytes, 10 * 1024 * 1024);
        let s3 = config(&[
            ("BAZAAR_STORAGE_URL", "s3://shop-photos/live"),
            ("BAZAAR_S3_ENDPOINT", "http://127.0.0.1:9000/"),
            ("BAZAAR_S3_REGION", "eu-west-2"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIexample"),
            ("BAZAAR_PHOTO_MAX_MB", "25"),
        ])
        .unwrap();
        let StorageSettings::S3(bucket) = &s3.storage else {
            panic!("a bucket was named");
        };
        assert_eq!(bucket.bucket, "shop-photos");
        assert_eq!(bucket.prefix, "live");
        assert_eq!(bucket.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(bucket.region, "eu-west-2");
        assert_eq!(bucket.access_key_id.as_deref(), Some("AKIDEXAMPLE"));
        assert_eq!(s3.photo_limits.max_bytes, 25 * 1024 * 1024);
        assert!(!format!("{s3:?}").contains("wJalrXUtnFEMI"));
        for (name, value) in [
            ("BAZAAR_STORAGE_URL", "/var/photos"),
            ("BAZAAR_PHOTO_MAX_MB", "0"),
            ("BAZAAR_PHOTO_MAX_MB", "101"),
        ] {
            assert_eq!(config(&[(name, value)]).unwrap_err().variable, name);
        }
        let bad_endpoint = config(&[
            ("BAZAAR_STORAGE_URL", "s3://shop-photos"),
            ("BAZAAR_S3_ENDPOINT", "127.0.0.1:9000"),
        ]);
        assert_eq!(bad_endpoint.unwrap_err().variable, "BAZAAR_S3_ENDPOINT");
        let half_keys = config(&[
            ("BAZAAR_STORAGE_URL", "s3://shop-photos"),
            ("BAZAAR_S3_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ]);
        assert_eq!(
            half_keys.unwrap_err().variable,
            "BAZAAR_S3_SECRET_ACCESS_KEY"
        );
    }

    #[test]
    fn metrics_are_off_unless_a_token_or_an_address_is_given() {
        let off = config(&[]).unwrap();
        assert!(off.metrics.token.is_none() && off.metrics.addr.is_none());
        let on = config(&[
            ("BAZAAR_METRICS_TOKEN", "0123456789abcdef-scrape"),
            ("BAZAAR_METRICS_ADDR", "127.0.0.1:9100"),
        ])
        .unwrap();
        assert!(on.metrics.token.is_some());
        assert_eq!(on.metrics.addr, Some("127.0.0.1:9100".parse().unwrap()));
        let short = config(&[("BAZAAR_METRICS_TOKEN", "short-secret")]).unwrap_err();
        assert_eq!(short.variable, "BAZAAR_METRICS_TOKEN");
        assert!(!short.to_string().contains("short-secret"), "{short}");
        let printed = format!("{on:?}");
        assert!(!printed.contains("0123456789abcdef"), "{printed}");
        let addr = config(&[("BAZAAR_METRICS_ADDR", "9100")]).unwrap_err();
        assert_eq!(addr.variable, "BAZAAR_METRICS_ADDR");
    }

    #[test]
    fn backups_are_unscheduled_by_default_and_keep_seven_under_the_data_dir() {
        let default = config(&[("BAZAAR_DATA_DIR", "/srv/shop")]).unwrap().backups;
        assert_eq!(
            default,
            BackupConfig {
                every: None,
                keep: 7,
                dir: "/srv/shop/backups".into()
            }
        );
        let hours = |h: u64| std::time::Duration::from_secs(h * 3600);
        for (text, every) in [("6h", hours(6)), ("1d", hours(24)), ("90m", hours(3) / 2)] {
            let backups = config(&[("BAZAAR_BACKUP_EVERY", text)]).unwrap().backups;
            assert_eq!(backups.every, Some(every), "{text}");
        }
        let set = config(&[
            ("BAZAAR_BACKUP_KEEP", "30"),
            ("BAZAAR_BACKUP_DIR", "/mnt/backups"),
        ])
        .unwrap()
        .backups;
        assert_eq!((set.keep, set.dir), (30, "/mnt/backups".into()));
        for (name, value) in [
            ("BAZAAR_BACKUP_EVERY", "6"),
            ("BAZAAR_BACKUP_EVERY", "5m"),
            ("BAZAAR_BACKUP_EVERY", "1w"),
            ("BAZAAR_BACKUP_EVERY", "-1h"),
            ("BAZAAR_BACKUP_KEEP", "0"),
        ] {
            let err = config(&[(name, value)]).unwrap_err();
            assert_eq!(err.variable, name, "{value}");
        }
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
