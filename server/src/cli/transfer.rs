//! `bazaar import FILE` and `bazaar export`: moving a catalog in and out of the shop.
//! Errors are `line N: reason` lines on standard error; an invalid file exits with 2.

use crate::config::Config;
use crate::{open_database, StartError};
use app::catalog::transfer::export::export;
use app::catalog::transfer::{prepare, write_products, Format, ImportSummary};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Exit code for a file that cannot be imported as it is.
const INVALID_FILE: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// Bazaar's own format: one product per line, as JSON.
    Jsonl,
    /// Shopify's product CSV export.
    #[value(alias = "csv")]
    ShopifyCsv,
}

impl From<FileFormat> for Format {
    fn from(format: FileFormat) -> Format {
        match format {
            FileFormat::Jsonl => Format::Jsonl,
            FileFormat::ShopifyCsv => Format::ShopifyCsv,
        }
    }
}

pub async fn run_import(
    config: Config,
    file: &Path,
    format: Option<FileFormat>,
    skip_invalid: bool,
) -> Result<ExitCode, StartError> {
    let Some(format) = format.map(Format::from).or_else(|| Format::from_path(file)) else {
        eprintln!(
            "bazaar: cannot tell the format of {} from its name; add --format jsonl or --format shopify-csv",
            file.display()
        );
        return Ok(ExitCode::from(INVALID_FILE));
    };
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("bazaar: cannot read {}: {err}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let base_dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let media_dir = config.data_dir.join("media");
    let spinner = ProgressBar::new_spinner().with_message(format!("Checking {}", file.display()));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let prepared = prepare(format, &text, config.currency, base_dir, &media_dir);
    spinner.finish_and_clear();

    for error in &prepared.errors {
        eprintln!("{error}");
    }
    if !prepared.errors.is_empty() && !skip_invalid {
        let errors = prepared.errors.len();
        let rejected = prepared.rejected.len();
        let valid = prepared.products.len();
        let within = if rejected > 0 {
            format!(" in {rejected} {}", plural(rejected, "product", "products"))
        } else {
            String::new()
        };
        eprintln!(
            "bazaar: {} is not valid ({errors} {}{within}); nothing was imported. \
             --skip-invalid imports the {valid} valid {} and lists the others.",
            file.display(),
            plural(errors, "error", "errors"),
            plural(valid, "product", "products"),
        );
        return Ok(ExitCode::from(INVALID_FILE));
    }

    let db = open_database(&config).await?;
    let bar = ProgressBar::new(prepared.products.len() as u64).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} products ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("Importing");
    let outcome = write_products(&db, &prepared.products, &media_dir, |done| {
        bar.set_position(done)
    })
    .await;
    bar.finish_and_clear();
    db.close().await;
    match outcome {
        Ok(summary) => {
            println!("{}", summary_line(&summary));
            for url in &summary.not_fetched {
                println!("  not fetched: {url}");
            }
            if !prepared.rejected.is_empty() {
                println!(
                    "Skipped {} invalid {}: {}",
                    prepared.rejected.len(),
                    plural(prepared.rejected.len(), "product", "products"),
                    prepared.rejected.join(", ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            tracing::error!(error = %err, "import failed");
            eprintln!("bazaar: nothing was imported: {err}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `Imported 120 products (3 new, 117 updated), 240 variants, 80 images; 2 images not fetched (URLs)`
fn summary_line(summary: &ImportSummary) -> String {
    let products = summary.created + summary.updated;
    let mut line = format!(
        "Imported {products} {} ({} new, {} updated), {} {}, {} {} stored",
        plural(products as usize, "product", "products"),
        summary.created,
        summary.updated,
        summary.variants,
        plural(summary.variants as usize, "variant", "variants"),
        summary.images_stored,
        plural(summary.images_stored as usize, "image", "images"),
    );
    let urls = summary.not_fetched.len();
    if urls > 0 {
        line.push_str(&format!(
            "; {urls} {} not fetched (URLs)",
            plural(urls, "image", "images")
        ));
    }
    line
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

pub async fn run_export(
    config: Config,
    format: FileFormat,
    output: Option<&Path>,
) -> Result<ExitCode, StartError> {
    let db = open_database(&config).await?;
    let result = match output {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => export(&db, format.into(), std::io::BufWriter::new(file)).await,
            Err(err) => {
                db.close().await;
                eprintln!("bazaar: cannot create {}: {err}", path.display());
                return Ok(ExitCode::FAILURE);
            }
        },
        None => {
            let stdout = std::io::stdout();
            export(&db, format.into(), std::io::BufWriter::new(stdout)).await
        }
    };
    db.close().await;
    match result {
        Ok(products) => {
            // Standard output may be the file itself, so the count goes to standard error.
            let mut stderr = std::io::stderr();
            let _ = match output {
                Some(path) => writeln!(
                    stderr,
                    "Exported {products} products to {}.",
                    path.display()
                ),
                None => writeln!(stderr, "Exported {products} products."),
            };
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            tracing::error!(error = %err, "export failed");
            eprintln!("bazaar: the export failed: {err}");
            Ok(ExitCode::FAILURE)
        }
    }
}
