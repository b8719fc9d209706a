//! Paid orders per second through the real checkout path, on SQLite and on PostgreSQL.
//!
//! Starts the shop in this process as `bazaar serve` does (the `server` lib's
//! `open_database`, `serve` and `job_worker`, the production pool size and pragmas, no
//! per-request logging) on a free 127.0.0.1 port with a fresh database, seeds a demo
//! catalog with plenty of stock, and lets concurrent shoppers place orders over HTTP:
//! each order is a new guest's `add_to_cart` → `start_checkout` → `pay` with the card
//! 4242 4242 4242 4242, and every answer is checked. After a warm-up it measures for a
//! fixed time and prints orders/s, latencies, and the paid orders in the database (which
//! must equal what the shoppers counted). Failures or a mismatch exit non-zero.
//!
//!   cargo bench -p server --bench checkout
//!
//! Knobs (environment): `BENCH_SHOPPERS` (16), `BENCH_SECONDS` (10),
//! `BENCH_WARMUP_SECONDS` (3), `BENCH_PRODUCTS` (200), `BENCH_ORDERS_PER_GUEST` (1),
//! `BENCH_ENGINES` (`sqlite,postgres`),
//! `BAZAAR_DB_MAX_CONNECTIONS` (the server's default), `BAZAAR_TEST_POSTGRES_URL`
//! (`postgres://postgres@127.0.0.1:5432/test`: a fresh database is created on that
//! server and dropped afterwards; the run is skipped when it does not answer), and
//! `RUST_LOG` (`warn`).

// The crate root's modules: its own in `checkout/`, and those it shares with the mixed
// workload bench in `common/` (each bench uses part of them).
#[allow(dead_code)]
#[path = "common/guest.rs"]
mod guest;
#[path = "common/measure.rs"]
mod measure;
#[allow(dead_code)]
#[path = "common/shop.rs"]
mod shop;
#[path = "checkout/shoppers.rs"]
mod shoppers;

use measure::{env_number, load_average, process_cpu, quantile_ms, scratch_dir};
use shop::{postgres, BoxError, Shop};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";
/// The floor for SQLite on the 2-core reference machine.
const SQLITE_FLOOR: f64 = 300.0;

struct Settings {
    shoppers: usize,
    warmup: Duration,
    measure: Duration,
    products: u64,
    orders_per_guest: u32,
    /// `sqlite`, `postgres`, or both.
    engines: String,
}

impl Settings {
    fn from_env() -> Settings {
        Settings {
            shoppers: env_number("BENCH_SHOPPERS", 16usize).max(1),
            warmup: Duration::from_secs_f64(env_number("BENCH_WARMUP_SECONDS", 3.0)),
            measure: Duration::from_secs_f64(env_number("BENCH_SECONDS", 10.0_f64).max(1.0)),
            products: env_number("BENCH_PRODUCTS", 200u64).max(1),
            orders_per_guest: env_number("BENCH_ORDERS_PER_GUEST", 1u32).max(1),
            engines: std::env::var("BENCH_ENGINES")
                .unwrap_or_else(|_| "sqlite,postgres".to_owned())
                .to_lowercase(),
        }
    }
}

fn main() -> ExitCode {
    // Warnings and errors only: the request spans and per-request events stay off.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let settings = Settings::from_env();
    // The server's runtime is the one `bazaar serve` builds (a worker per core); the
    // shoppers get a thread of their own, like a load generator beside the server.
    let server_rt = tokio::runtime::Runtime::new().expect("server runtime");
    let shoppers_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("shoppers runtime");
    println!(
        "Checkout benchmark: {} shoppers, {:.0} s warm-up, {:.0} s measured, {} products, {} order(s) per guest, {} cores",
        settings.shoppers,
        settings.warmup.as_secs_f64(),
        settings.measure.as_secs_f64(),
        settings.products,
        settings.orders_per_guest,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );

    let mut healthy = true;
    if settings.engines.contains("sqlite") {
        healthy &= bench_sqlite(&server_rt, &shoppers_rt, &settings);
    }
    if settings.engines.contains("postgres") {
        healthy &= bench_postgres(&server_rt, &shoppers_rt, &settings);
    }
    if healthy {
        ExitCode::SUCCESS
    } else {
        println!("\nThe benchmark saw failures (above): its figures do not count.");
        ExitCode::FAILURE
    }
}

/// The run on a temporary SQLite file: false when it saw failures.
fn bench_sqlite(
    server_rt: &tokio::runtime::Runtime,
    shoppers_rt: &tokio::runtime::Runtime,
    settings: &Settings,
) -> bool {
    let scratch = scratch_dir("checkout", "sqlite");
    let url = format!("sqlite://{}", scratch.join("bazaar.db").display());
    let healthy = match run(server_rt, shoppers_rt, settings, "SQLite", &url, &scratch) {
        Ok(result) => {
            let verdict = if result.orders_per_second >= SQLITE_FLOOR {
                "met"
            } else {
                "NOT met"
            };
            println!("Floor of {SQLITE_FLOOR:.0} paid orders/s on SQLite: {verdict}.");
            result.healthy
        }
        Err(err) => {
            eprintln!("SQLite run failed: {err}");
            false
        }
    };
    let _ = std::fs::remove_dir_all(&scratch);
    healthy
}

/// The run on a fresh database of the PostgreSQL server the tests use, dropped
/// afterwards; skipped (true) when that server does not answer.
fn bench_postgres(
    server_rt: &tokio::runtime::Runtime,
    shoppers_rt: &tokio::runtime::Runtime,
    settings: &Settings,
) -> bool {
    let server_url = std::env::var(app::db::testing::POSTGRES_ENV)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES.to_owned());
    let fresh = match server_rt.block_on(postgres::create(&server_url)) {
        Ok(fresh) => fresh,
        Err(why) => {
            println!(
                "\nPostgreSQL at {server_url} does not answer ({why}): skipping the PostgreSQL run."
            );
            return true;
        }
    };
    let scratch = scratch_dir("checkout", "postgres");
    let url = &fresh.url;
    let healthy = match run(
        server_rt,
        shoppers_rt,
        settings,
        "PostgreSQL",
        url,
        &scratch,
    ) {
        Ok(result) => result.healthy,
        Err(err) => {
            eprintln!("PostgreSQL run failed: {err}");
            false
        }
    };
    if let Err(err) = server_rt.block_on(postgres::drop(&server_url, &fresh.name)) {
        eprintln!(
            "could not drop the benchmark database {}: {err}",
            fresh.name
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
    healthy
}

/// What one engine's run showed.
struct RunResult {
    orders_per_second: f64,
    healthy: bool,
}

fn run(
    server_rt: &tokio::runtime::Runtime,
    shoppers_rt: &tokio::runtime::Runtime,
    settings: &Settings,
    engine: &str,
    database_url: &str,
    data_dir: &Path,
) -> Result<RunResult, BoxError> {
    println!("\n## {engine}\n");
    let shop = server_rt.block_on(Shop::start(database_url, data_dir, settings.products))?;
    // Anything else busy on the machine shows here, and lowers the figures below.
    if let Some(load) = load_average() {
        println!("load average before the run: {load}");
    }
    let cpu_before = process_cpu();
    let outcome = shoppers_rt.block_on(shoppers::run(&shop.base, &shop.skus, settings));
    let cpu = process_cpu() - cpu_before;
    let counts = server_rt.block_on(shop.counts());
    server_rt.block_on(shop.stop());
    let (paid_in_db, outbox) = counts?;

    let measured = &outcome.measured;
    let orders_per_second = measured.len() as f64 / settings.measure.as_secs_f64();
    let sequence: Vec<Duration> = measured.iter().map(|o| o.sequence).collect();
    let pay: Vec<Duration> = measured.iter().map(|o| o.pay).collect();
    println!(
        "paid orders/s: {orders_per_second:.0} ({} orders paid in the measured {:.0} s; {} in all with the warm-up)",
        measured.len(),
        settings.measure.as_secs_f64(),
        outcome.paid
    );
    println!(
        "add_to_cart → start_checkout → pay: {}",
        percentiles(sequence)
    );
    println!("pay alone: {}", percentiles(pay));
    println!(
        "process CPU (server, worker and shoppers) over the whole run: {:.1} s of {:.0} s wall on {} cores",
        cpu.as_secs_f64(),
        (settings.warmup + settings.measure).as_secs_f64(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    println!(
        "confirmation emails: {} written by the job worker, {} still queued at the end",
        outbox.done, outbox.pending
    );
    let counts_agree = paid_in_db == outcome.paid;
    println!(
        "orders with status 'paid' in the database: {paid_in_db} ({})",
        if counts_agree {
            "equal to the shoppers' count".to_owned()
        } else {
            format!("MISMATCH: the shoppers counted {}", outcome.paid)
        }
    );
    println!("failures: {}", outcome.failures);
    for (kind, (count, example)) in &outcome.failure_kinds {
        println!("  {count} × {kind}, e.g. {example}");
    }
    Ok(RunResult {
        orders_per_second,
        healthy: outcome.failures == 0 && counts_agree,
    })
}

/// p50/p95/p99 of `samples`, in milliseconds.
fn percentiles(mut samples: Vec<Duration>) -> String {
    if samples.is_empty() {
        return "no samples".to_owned();
    }
    samples.sort_unstable();
    let at = |p: f64| quantile_ms(&samples, p);
    format!(
        "p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
        at(50.0),
        at(95.0),
        at(99.0)
    )
}
