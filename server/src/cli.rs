//! The command line: what each `bazaar` subcommand does, and how it reports.

use crate::config::Config;
use crate::{open_database, serve_with_metrics, shutdown_signal, StartError};
use app::accounts::password::Password;
use app::accounts::server::{create_user, CreateUser, Role};
use app::catalog::seed::{seed, SeedOptions, SeedOutcome};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

pub mod backup;
mod transfer;

#[derive(Debug, Parser)]
#[command(name = "bazaar", version, about = "Bazaar: an open-source online shop")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the shop (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty catalog with a deterministic demo catalog.
    Seed {
        /// How many products to generate.
        #[arg(long, default_value_t = 200)]
        products: u64,
        /// The same seed always gives the same catalog.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Succeed quietly when the catalog already has products.
        #[arg(long)]
        if_empty: bool,
    },
    /// Create a staff account. The password is read from a prompt, or from standard input.
    CreateAdmin {
        /// The staff member's email address.
        email: String,
        /// Make the existing customer account with this address staff instead (no
        /// password is asked; the account's sessions end, so it signs in afresh).
        #[arg(long)]
        promote: bool,
    },
    /// Import products from Bazaar JSONL or a Shopify product CSV. Nothing is written
    /// unless the whole file is valid; a re-import updates products by handle and
    /// variants by SKU.
    Import {
        /// The file to import: `.jsonl` or `.csv`.
        file: PathBuf,
        /// The file's format, when its extension does not say.
        #[arg(long, value_enum)]
        format: Option<transfer::FileFormat>,
        /// Import the valid products and list the others, instead of importing nothing.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Export the whole catalog in a file that `bazaar import` reads back.
    Export {
        #[arg(long, value_enum)]
        format: transfer::FileFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Write the database and the uploaded photos to one checksummed archive, while the
    /// shop keeps serving (PostgreSQL needs pg_dump).
    Backup {
        /// The archive to write; by default `bazaar-<UTC time>.tar.gz` in BAZAAR_BACKUP_DIR
        /// (`$BAZAAR_DATA_DIR/backups`).
        #[arg(long)]
        to: Option<PathBuf>,
        /// Then delete all but the newest N archives named `bazaar-<UTC time>.tar.gz` in the
        /// archive's folder (other files there are left alone): for backups run from cron.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        keep: Option<u64>,
    },
    /// Restore a `bazaar backup` archive into DATABASE_URL and the data directory, then
    /// migrate. Exits with 2, writing nothing, for a damaged archive or a target with data.
    Restore {
        /// The archive `bazaar backup` wrote.
        file: PathBuf,
        /// Replace a database that already holds data.
        #[arg(long)]
        force: bool,
    },
}

pub async fn run(cli: Cli, config: Config) -> ExitCode {
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => run_serve(config).await,
        Command::Migrate => open_database(&config).await.map(|db| {
            println!("Migrations applied to the {} database.", db.engine().name());
            ExitCode::SUCCESS
        }),
        Command::Seed {
            products,
            seed,
            if_empty,
        } => run_seed(config, products, seed, if_empty).await,
        Command::CreateAdmin { email, promote } if promote => run_promote(config, &email).await,
        Command::CreateAdmin { email, .. } => run_create_admin(config, &email).await,
        Command::Import {
            file,
            format,
            skip_invalid,
        } => transfer::run_import(config, &file, format, skip_invalid).await,
        Command::Export { format, output } => {
            transfer::run_export(config, format, output.as_deref()).await
        }
        Command::Backup { to, keep } => {
            let keep = keep.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
            backup::run_backup(config, to, keep).await
        }
        Command::Restore { file, force } => backup::run_restore(config, &file, force).await,
    };
    result.unwrap_or_else(|err| {
        tracing::error!(error = %err, "bazaar stopped");
        eprintln!("bazaar: {err}");
        ExitCode::FAILURE
    })
}

async fn run_serve(config: Config) -> Result<ExitCode, StartError> {
    let db = open_database(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|source| StartError::Listen {
            addr: config.site_addr,
            source,
        })?;
    let metrics_listener = match config.metrics.addr {
        Some(addr) => Some(
            tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| StartError::Listen { addr, source })?,
        ),
        None => None,
    };
    let started = std::time::Instant::now();
    let state = crate::app_state(&config, db.clone()).await?;
    tracing::info!(
        engine = state.db.engine().name(),
        products = state.search.len(),
        index_ms = started.elapsed().as_millis() as u64,
        "database ready, search index built"
    );
    // One shutdown signal for the HTTP server and the job worker.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let jobs = tokio::spawn(
        crate::job_worker(&config, state.db.clone())?.run(async move {
            let mut stopped = stopped;
            let _ = stopped.wait_for(|stop| *stop).await;
        }),
    );
    // Scheduled backups (BAZAAR_BACKUP_EVERY) on a worker of their own.
    let backups = backup::schedule::worker(&config, state.db.clone())
        .await
        .map_err(StartError::Schedule)?
        .map(|worker| {
            let mut stopped = stop.subscribe();
            tokio::spawn(worker.run(async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            }))
        });
    println!("Bazaar is serving at http://{}", config.site_addr);
    if let Some(addr) = config.metrics.addr {
        println!("Metrics are served at http://{addr}/metrics");
    }
    let endpoints = crate::MetricsEndpoints {
        token: config.metrics.token.clone(),
        listener: metrics_listener,
    };
    let served = serve_with_metrics(listener, state, endpoints, async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    })
    .await;
    // The worker finishes the job in hand (bounded by its job timeout) before exiting.
    let _ = jobs.await;
    // A backup in hand gets a little time; one that needs longer is abandoned (its
    // staging files remain) and taken again once its lease passes.
    if let Some(backups) = backups {
        if tokio::time::timeout(std::time::Duration::from_secs(30), backups)
            .await
            .is_err()
        {
            tracing::warn!("a scheduled backup was still running at shutdown; it will run again");
        }
    }
    // Closed last, so the worker could record how the job in hand ended.
    db.close().await;
    served?;
    Ok(ExitCode::SUCCESS)
}

async fn run_seed(
    config: Config,
    products: u64,
    seed_value: u64,
    if_empty: bool,
) -> Result<ExitCode, StartError> {
    let db = open_database(&config).await?;
    let bar = ProgressBar::new(products).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} products ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("Seeding");
    let started = std::time::Instant::now();
    let options = SeedOptions {
        products,
        seed: seed_value,
        currency: config.currency,
    };
    let mut outcome = seed(&db, &options, |done| bar.set_position(done)).await;
    if matches!(outcome, Ok(SeedOutcome::Seeded { .. })) {
        if let Err(err) = app::checkout::discounts::create_demo_codes(&db).await {
            outcome = Err(err);
        }
    }
    bar.finish_and_clear();
    db.close().await;
    match outcome {
        Ok(SeedOutcome::Seeded {
            categories,
            products,
        }) => {
            println!(
                "Seeded {categories} categories and {products} products in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(SeedOutcome::CatalogNotEmpty { products }) if if_empty => {
            println!("The catalog already has {products} products; nothing seeded.");
            Ok(ExitCode::SUCCESS)
        }
        Ok(SeedOutcome::CatalogNotEmpty { products }) => {
            eprintln!(
                "bazaar: the catalog already has {products} products; seed only fills an empty catalog."
            );
            Ok(ExitCode::FAILURE)
        }
        Err(err) => {
            tracing::error!(error = %err, "seeding failed");
            eprintln!("bazaar: seeding failed: {err}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The password from a hidden prompt on a terminal, else the first line of standard input.
fn read_password() -> std::io::Result<Password> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            return Err(std::io::Error::other("the two passwords differ"));
        }
        Ok(Password::new(first))
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(Password::new(
            line.trim_end_matches(['\r', '\n']).to_owned(),
        ))
    }
}

async fn run_promote(config: Config, email: &str) -> Result<ExitCode, StartError> {
    use app::accounts::audit::{record, Event, Origin};
    let db = open_database(&config).await?;
    let outcome = app::accounts::server::promote_to_staff(&db, email).await;
    let code = match outcome {
        Ok(Some(id)) => {
            let origin = Origin {
                ip: "command line".to_owned(),
                user_agent: "bazaar create-admin --promote".to_owned(),
            };
            record(&db, Event::RoleChanged, Some(id), Some(email), &origin).await;
            println!(
                "{email} is now a staff account; it was signed out everywhere, to sign in afresh."
            );
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!(
                "bazaar: there is no customer account for {email} (unknown, or staff already)."
            );
            ExitCode::FAILURE
        }
        Err(err) => {
            tracing::error!(error = %err, "create-admin --promote failed");
            eprintln!("bazaar: the account could not be changed; see the log.");
            ExitCode::FAILURE
        }
    };
    db.close().await;
    Ok(code)
}

async fn run_create_admin(config: Config, email: &str) -> Result<ExitCode, StartError> {
    let password = match read_password() {
        Ok(password) => password,
        Err(err) => {
            eprintln!("bazaar: cannot read the password: {err}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let db = open_database(&config).await?;
    let outcome = create_user(&db, email, password, Role::Staff).await;
    db.close().await;
    let (message, code) = match outcome {
        Ok(CreateUser::Created { .. }) => {
            (format!("Staff account {email} created."), ExitCode::SUCCESS)
        }
        Ok(CreateUser::EmailTaken) => (
            format!(
                "bazaar: an account for {email} already exists; `bazaar create-admin --promote {email}` makes it staff."
            ),
            ExitCode::FAILURE,
        ),
        Ok(CreateUser::InvalidEmail) => (
            format!("bazaar: {email:?} is not an email address."),
            ExitCode::FAILURE,
        ),
        Ok(CreateUser::WeakPassword(weak)) => (format!("bazaar: {weak}."), ExitCode::FAILURE),
        Err(err) => {
            tracing::error!(error = %err, "create-admin failed");
            (
                "bazaar: the account could not be stored; see the log.".to_owned(),
                ExitCode::FAILURE,
            )
        }
    };
    if code == ExitCode::SUCCESS {
        println!("{message}");
    } else {
        eprintln!("{message}");
    }
    Ok(code)
}
