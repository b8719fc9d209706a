//! A mixed workload against the shop with 10,000 products: shoppers browse, search, add
//! to cart and check out in fixed proportions (see `mixed/visits.rs`), over HTTP, on
//! SQLite, on PostgreSQL, and on two instances sharing one PostgreSQL database.
//!
//! Each run starts the shop in this process as `bazaar serve` does (the `server` lib's
//! `open_database`, `app_state`, `serve` and `job_worker`; no per-request logging) on a
//! fresh database seeded with the demo catalog, lets the shoppers run for a warm-up and
//! then for a measured time, and prints per step: count, throughput, p50, p99 and errors.
//! Page steps are split by whether the request carried a session cookie: anonymous
//! pages may come from the page cache, pages with a session are rendered every time.
//! Any error, or paid orders in the database differing from the shoppers' count, makes
//! it exit non-zero.
//!
//!   cargo bench -p server --bench mixed        (or `make bench-mixed`)
//!
//! Knobs (environment): `BENCH_SHOPPERS` (16), `BENCH_SECONDS` (15),
//! `BENCH_WARMUP_SECONDS` (3), `BENCH_PRODUCTS` (10000), `BENCH_RUNS`
//! (`sqlite,postgres,postgres-x2`), `BAZAAR_DB_MAX_CONNECTIONS` (the server's default, per
//! instance), `BAZAAR_TEST_POSTGRES_URL` (`postgres://postgres@127.0.0.1:5432/test`: a
//! fresh database is created there and dropped afterwards; PostgreSQL runs are skipped
//! when it does not answer), and `RUST_LOG` (`warn`).

// The crate root's modules: its own in `mixed/`, and those it shares with the checkout
// bench in `common/` (each bench uses part of them).
#[allow(dead_code)]
#[path = "common/guest.rs"]
mod guest;
#[path = "common/measure.rs"]
mod measure;
#[path = "common/shop.rs"]
mod shop;
#[path = "mixed/visits.rs"]
mod visits;

use measure::{env_number, load_average, process_cpu, quantile_ms, scratch_dir};
use shop::{postgres, BoxError, Shop};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use visits::Catalog;

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

struct Settings {
    shoppers: usize,
    warmup: Duration,
    measure: Duration,
    products: u64,
    /// Which of `sqlite`, `postgres`, `postgres-x2` to run.
    runs: String,
}

impl Settings {
    fn from_env() -> Settings {
        Settings {
            shoppers: env_number("BENCH_SHOPPERS", 16usize).max(1),
            warmup: Duration::from_secs_f64(env_number("BENCH_WARMUP_SECONDS", 3.0)),
            measure: Duration::from_secs_f64(env_number("BENCH_SECONDS", 15.0_f64).max(1.0)),
            products: env_number("BENCH_PRODUCTS", 10_000u64).max(1),
            runs: std::env::var("BENCH_RUNS")
                .unwrap_or_else(|_| "sqlite,postgres,postgres-x2".to_owned())
                .to_lowercase(),
        }
    }

    fn wants(&self, run: &str) -> bool {
        self.runs.split(',').any(|r| r.trim() == run)
    }
}

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let settings = Settings::from_env();
    // The servers get the runtime `bazaar serve` builds; the shoppers a thread of their
    // own, like a load generator beside the server.
    let server_rt = tokio::runtime::Runtime::new().expect("server runtime");
    let shoppers_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("shoppers runtime");
    println!(
        "Mixed workload benchmark: {} shoppers, {:.0} s warm-up, {:.0} s measured, {} products, {} cores",
        settings.shoppers,
        settings.warmup.as_secs_f64(),
        settings.measure.as_secs_f64(),
        settings.products,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let mut healthy = true;
    if settings.wants("sqlite") {
        let scratch = scratch_dir("mixed", "sqlite");
        let url = format!("sqlite://{}", scratch.join("bazaar.db").display());
        healthy &= report(
            "SQLite, one instance",
            server_rt.block_on(start(&url, &scratch, &settings, 1)),
            &server_rt,
            &shoppers_rt,
            &settings,
        );
        let _ = std::fs::remove_dir_all(&scratch);
    }
    for (run, instances) in [("postgres", 1), ("postgres-x2", 2)] {
        if settings.wants(run) {
            healthy &= bench_postgres(&server_rt, &shoppers_rt, &settings, instances);
        }
    }
    if healthy {
        ExitCode::SUCCESS
    } else {
        println!("\nThe benchmark saw failures (above): its figures do not count.");
        ExitCode::FAILURE
    }
}

/// A run on a fresh PostgreSQL database with `instances` servers; skipped (true) when
/// PostgreSQL does not answer.
fn bench_postgres(
    server_rt: &tokio::runtime::Runtime,
    shoppers_rt: &tokio::runtime::Runtime,
    settings: &Settings,
    instances: usize,
) -> bool {
    let server_url = std::env::var(app::db::testing::POSTGRES_ENV)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES.to_owned());
    let fresh = match server_rt.block_on(postgres::create(&server_url)) {
        Ok(fresh) => fresh,
        Err(why) => {
            println!("\nPostgreSQL at {server_url} does not answer ({why}): skipping its run.");
            return true;
        }
    };
    let scratch = scratch_dir("mixed", "postgres");
    let title = if instances == 1 {
        "PostgreSQL, one instance".to_owned()
    } else {
        format!("PostgreSQL, {instances} instances on one database")
    };
    let healthy = report(
        &title,
        server_rt.block_on(start(&fresh.url, &scratch, settings, instances)),
        server_rt,
        shoppers_rt,
        settings,
    );
    if let Err(err) = server_rt.block_on(postgres::drop(&server_url, &fresh.name)) {
        eprintln!(
            "could not drop the benchmark database {}: {err}",
            fresh.name
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
    healthy
}

/// `instances` servers on one freshly seeded database, and what shoppers pick from.
async fn start(
    database_url: &str,
    scratch: &std::path::Path,
    settings: &Settings,
    instances: usize,
) -> Result<(Vec<Shop>, Catalog), BoxError> {
    let first = Shop::start(database_url, &scratch.join("instance-0"), settings.products).await?;
    let catalog = catalog(&first).await?;
    let mut shops = vec![first];
    for n in 1..instances {
        let another = shops[0]
            .another_instance(&scratch.join(format!("instance-{n}")))
            .await?;
        shops.push(another);
    }
    Ok((shops, catalog))
}

/// The published products' slugs and name words, and the categories' slugs.
async fn catalog(shop: &Shop) -> Result<Catalog, BoxError> {
    let pool = shop.db().pool();
    let product_slugs: Vec<String> =
        sqlx::query_scalar("SELECT slug FROM products WHERE published ORDER BY id")
            .fetch_all(pool)
            .await?;
    let category_slugs: Vec<String> = sqlx::query_scalar("SELECT slug FROM categories ORDER BY id")
        .fetch_all(pool)
        .await?;
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM products WHERE published ORDER BY id")
            .fetch_all(pool)
            .await?;
    let mut words: Vec<String> = names
        .iter()
        .flat_map(|name| name.split(|c: char| !c.is_alphabetic()))
        .filter(|word| word.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect();
    words.sort_unstable();
    words.dedup();
    if product_slugs.is_empty() || category_slugs.is_empty() || words.is_empty() {
        return Err("the seeded catalog is empty".into());
    }
    Ok(Catalog {
        product_slugs,
        category_slugs,
        words,
        skus: Arc::clone(&shop.skus),
    })
}

/// Runs the shoppers against the started shop and prints the table: false on failures.
fn report(
    title: &str,
    started: Result<(Vec<Shop>, Catalog), BoxError>,
    server_rt: &tokio::runtime::Runtime,
    shoppers_rt: &tokio::runtime::Runtime,
    settings: &Settings,
) -> bool {
    println!("\n## {title}\n");
    let (shops, catalog) = match started {
        Ok(started) => started,
        Err(err) => {
            eprintln!("{title}: the shop did not start: {err}");
            return false;
        }
    };
    if let Some(load) = load_average() {
        println!("load average before the run: {load}");
    }
    let bases: Vec<String> = shops.iter().map(|shop| shop.base.clone()).collect();
    let cpu_before = process_cpu();
    let outcome = shoppers_rt.block_on(visits::run(&bases, Arc::new(catalog), settings));
    let cpu = process_cpu() - cpu_before;
    let counts = server_rt.block_on(shops[0].counts());
    for shop in shops {
        server_rt.block_on(shop.stop());
    }

    let seconds = settings.measure.as_secs_f64();
    println!(
        "visits/s: {:.1} ({} visits finished in the measured {seconds:.0} s)\n",
        outcome.visits as f64 / seconds,
        outcome.visits
    );
    println!("| step | count | per s | p50 ms | p99 ms | errors |");
    println!("|---|---|---|---|---|---|");
    let mut errors = 0;
    for (name, step) in &outcome.steps {
        let mut sorted = step.measured.clone();
        sorted.sort_unstable();
        println!(
            "| {name} | {} | {:.1} | {:.1} | {:.1} | {} |",
            sorted.len(),
            sorted.len() as f64 / seconds,
            quantile_ms(&sorted, 50.0),
            quantile_ms(&sorted, 99.0),
            step.errors
        );
        errors += step.errors;
    }
    for (name, step) in &outcome.steps {
        if let Some(example) = &step.example {
            println!("  {name} failed, e.g.: {example}");
        }
    }
    println!(
        "\nprocess CPU (servers, workers and shoppers): {:.1} s over {:.0} s wall",
        cpu.as_secs_f64(),
        (settings.warmup + settings.measure).as_secs_f64()
    );
    let paid_by_shoppers = outcome
        .steps
        .get("checkout + pay")
        .map_or(0, |step| step.succeeded);
    let counts_agree = match counts {
        Ok((paid, outbox)) => {
            println!(
                "confirmation emails: {} written by the job workers, {} still queued at the end",
                outbox.done, outbox.pending
            );
            println!(
                "orders paid in the database: {paid} ({})",
                if paid == paid_by_shoppers {
                    "equal to the shoppers' count".to_owned()
                } else {
                    format!("MISMATCH: the shoppers counted {paid_by_shoppers}")
                }
            );
            paid == paid_by_shoppers
        }
        Err(err) => {
            eprintln!("could not count the paid orders: {err}");
            false
        }
    };
    errors == 0 && counts_agree
}
