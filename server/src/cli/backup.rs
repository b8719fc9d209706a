//! `bazaar backup` and `bazaar restore`: the whole shop (database and photos) in one
//! checksummed archive, taken while the shop serves. Exit codes: 0 done, 2 refused (a
//! damaged archive, a target that already holds data), 1 a fault; one line on stderr.

use crate::config::Config;
use crate::{open_database, StartError};
use app::db::{connect, Db, Engine};
use app::media::StorageSettings;
use archive::{ArchiveError, FileEntry, Manifest, Source};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod archive;
mod database;
pub(crate) mod retention;
pub mod schedule;

/// Exit code for a restore that was refused and wrote nothing.
const REFUSED: u8 = 2;

pub(crate) enum Failure {
    Refused(String),
    Fault(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Refused(why) | Failure::Fault(why) => f.write_str(why),
        }
    }
}

/// Wraps an error as a fault about `what` (a file, a step).
fn fault<E: std::fmt::Display>(what: impl std::fmt::Display) -> impl FnOnce(E) -> Failure {
    let what = what.to_string();
    move |err| Failure::Fault(format!("{what}: {err}"))
}

fn exit(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Refused(why)) => {
            eprintln!("bazaar: {why}");
            ExitCode::from(REFUSED)
        }
        Err(Failure::Fault(why)) => {
            eprintln!("bazaar: {why}");
            ExitCode::FAILURE
        }
    }
}

/// Steps on a spinner when stderr is a terminal, else as plain lines; or nothing at all
/// (a scheduled backup, which logs instead).
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    lines: bool,
}

impl Progress {
    fn new() -> Progress {
        let terminal = std::io::stderr().is_terminal();
        Progress {
            bar: terminal.then(|| {
                let bar = ProgressBar::new_spinner();
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
                bar
            }),
            lines: !terminal,
        }
    }

    pub(crate) fn quiet() -> Progress {
        Progress {
            bar: None,
            lines: false,
        }
    }

    fn step(&self, message: String) {
        match &self.bar {
            Some(bar) => bar.set_message(message),
            None if self.lines => eprintln!("bazaar: {message}"),
            None => {}
        }
    }

    /// Turns the spinner into a bar over `total` bytes.
    fn bytes(&self, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta} left)")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
        }
    }

    fn at(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// The name `bazaar backup` gives an archive taken at `created_at` (RFC 3339):
/// `bazaar-20261205T061500Z.tar.gz`. Only names of this form are ever pruned.
pub(crate) fn archive_name(created_at: &str) -> String {
    let stamp: String = created_at
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .collect();
    format!("bazaar-{stamp}.tar.gz")
}

pub async fn run_backup(
    config: Config,
    to: Option<PathBuf>,
    keep: Option<usize>,
) -> Result<ExitCode, StartError> {
    let db = connect(&config.database_url, 2).await?;
    let progress = Progress::new();
    let started = std::time::Instant::now();
    let to = to.unwrap_or_else(|| {
        config
            .backups
            .dir
            .join(archive_name(&archive::rfc3339(now_seconds())))
    });
    let written = write_backup(&db, &config, &to, &progress).await;
    db.close().await;
    progress.clear();
    let result = written.and_then(|written| {
        println!(
            "Backup written to {} ({} files, {} of data, {} archive) in {:.1} s.",
            to.display(),
            written.files,
            megabytes(written.data_bytes),
            megabytes(written.archive_bytes),
            started.elapsed().as_secs_f64()
        );
        let Some(keep) = keep else {
            return Ok(());
        };
        let dir = to
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let removed = retention::prune(dir, keep).map_err(fault(dir.display()))?;
        println!(
            "Kept the newest {keep} archives in {}; removed {}.",
            dir.display(),
            removed.len()
        );
        Ok(())
    });
    Ok(exit(result))
}

/// What [`write_backup`] wrote.
pub(crate) struct Written {
    pub files: usize,
    pub data_bytes: u64,
    pub archive_bytes: u64,
}

/// Writes the shop (the database `db`, at `config.database_url`, and photos stored as
/// files) to the archive `to`, while the shop keeps serving. The archive appears whole
/// or not at all.
pub(crate) async fn write_backup(
    db: &Db,
    config: &Config,
    to: &Path,
    progress: &Progress,
) -> Result<Written, Failure> {
    let created_at = archive::rfc3339(now_seconds());
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fault(dir.display()))?;
    }
    let staging = to.with_extension(format!("staging-{}", std::process::id()));
    let result = async {
        std::fs::create_dir_all(&staging).map_err(fault(staging.display()))?;
        let engine = db.engine();
        progress.step(format!("copying the {} database", engine.name()));
        let migration_version = database::migration_version(db)
            .await
            .map_err(fault("reading the migration version"))?;
        let snapshot = staging.join("database");
        database::snapshot(db, &config.database_url, &snapshot)
            .await
            .map_err(|e| Failure::Fault(e.to_string()))?;

        let mut sources = vec![Source {
            from: snapshot,
            path: database::archive_path(engine).to_owned(),
        }];
        let media = match &config.storage {
            StorageSettings::Local(dir) => {
                media_files(dir, dir, &mut sources).map_err(fault(dir.display()))?;
                "in this archive".to_owned()
            }
            StorageSettings::S3(s3) => format!(
                "in the bucket {} (prefix {:?}); photos are not in this archive",
                s3.bucket, s3.prefix
            ),
        };
        progress.step(format!("checksumming {} files", sources.len()));
        let mut files = Vec::with_capacity(sources.len());
        for source in &sources {
            let (size, sha256) =
                archive::checksum(&source.from).map_err(fault(source.from.display()))?;
            files.push(FileEntry {
                path: source.path.clone(),
                size,
                sha256,
            });
        }
        let total: u64 = files.iter().map(|f| f.size).sum();
        let manifest = Manifest {
            format_version: archive::FORMAT_VERSION,
            created_at,
            engine: database::engine_key(engine).to_owned(),
            bazaar_version: env!("CARGO_PKG_VERSION").to_owned(),
            migration_version,
            media,
            files,
        };
        progress.step(format!("writing {} ({})", to.display(), megabytes(total)));
        progress.bytes(total);
        let partial = to.with_extension("partial");
        archive::write(&partial, &manifest, &sources, |done| progress.at(done))
            .and_then(|()| std::fs::rename(&partial, to))
            .map_err(fault(to.display()))?;
        Ok(Written {
            files: manifest.files.len(),
            data_bytes: total,
            archive_bytes: std::fs::metadata(to).map(|m| m.len()).unwrap_or(0),
        })
    }
    .await;
    let _ = std::fs::remove_dir_all(&staging);
    result
}

/// Adds every file under `dir` as `media/<path relative to root>`, in a stable order.
fn media_files(root: &Path, dir: &Path, sources: &mut Vec<Source>) -> Result<(), String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err.to_string()),
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    paths.sort();
    for path in paths {
        let kind = std::fs::symlink_metadata(&path)
            .map_err(|e| e.to_string())?
            .file_type();
        if kind.is_dir() {
            media_files(root, &path, sources)?;
        } else if kind.is_file() {
            let relative = path.strip_prefix(root).map_err(|e| e.to_string())?;
            let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
            sources.push(Source {
                from: path.clone(),
                path: format!("media/{}", parts.join("/")),
            });
        }
    }
    Ok(())
}

pub async fn run_restore(config: Config, file: &Path, force: bool) -> Result<ExitCode, StartError> {
    let progress = Progress::new();
    let result = restore(&config, file, force, &progress).await;
    progress.clear();
    Ok(exit(result))
}

async fn restore(
    config: &Config,
    file: &Path,
    force: bool,
    progress: &Progress,
) -> Result<(), Failure> {
    progress.step(format!("checking every file in {}", file.display()));
    let checked = file.to_owned();
    let manifest = tokio::task::spawn_blocking(move || archive::verify(&checked))
        .await
        .map_err(|e| Failure::Fault(e.to_string()))?
        .map_err(|err| match err {
            ArchiveError::Damaged(why) => Failure::Refused(format!(
                "{} is damaged, nothing was restored: {why}",
                file.display()
            )),
            ArchiveError::Io(err) => {
                Failure::Fault(format!("cannot read {}: {err}", file.display()))
            }
        })?;

    let engine = Engine::from_url(&config.database_url).ok_or_else(|| {
        Failure::Fault("DATABASE_URL must start with sqlite: or postgres://".into())
    })?;
    if manifest.engine != database::engine_key(engine) {
        return Err(Failure::Refused(format!(
            "{} holds a {} database but DATABASE_URL names {}; nothing was restored",
            file.display(),
            manifest.engine,
            engine.name()
        )));
    }
    let sqlite_target = database::sqlite_file(&config.database_url);
    let target_exists = match &sqlite_target {
        Some(path) => path.exists(),
        None => engine == Engine::Postgres,
    };
    if target_exists {
        let db = connect(&config.database_url, 2)
            .await
            .map_err(|e| Failure::Fault(e.to_string()))?;
        let filled = database::tables_with_rows(&db).await;
        db.close().await;
        let filled = filled.map_err(fault("reading the target database"))?;
        if !filled.is_empty() && !force {
            return Err(Failure::Refused(format!(
                "the target database already holds data (in {}); nothing was restored. \
                 --force replaces it",
                filled.join(", ")
            )));
        }
    }

    progress.step(format!("restoring from {}", file.display()));
    let database_entry = database::archive_path(engine);
    let incoming = match &sqlite_target {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(fault(dir.display()))?;
            }
            path.with_extension("incoming")
        }
        None => std::env::temp_dir().join(format!("bazaar-restore-{}.pgdump", std::process::id())),
    };
    let media_dir = match &config.storage {
        StorageSettings::Local(dir) => Some(dir.clone()),
        StorageSettings::S3(_) => None,
    };
    let unpacked = file.to_owned();
    let to_database = incoming.clone();
    let unpacking = tokio::task::spawn_blocking(move || {
        let mut photos = 0;
        archive::extract(&unpacked, |path| {
            if path == database_entry {
                return Some(to_database.clone());
            }
            let photo = path.strip_prefix("media/")?;
            photos += 1;
            Some(media_dir.as_ref()?.join(photo))
        })
        .map(|()| photos)
    })
    .await
    .map_err(|e| Failure::Fault(e.to_string()))?;
    let photos = unpacking.map_err(fault(format!("unpacking {}", file.display())))?;
    let placed = database::put_back(engine, &config.database_url, &incoming).await;
    if engine == Engine::Postgres {
        let _ = std::fs::remove_file(&incoming);
    }
    placed.map_err(|e| Failure::Fault(e.to_string()))?;

    progress.step("applying migrations".to_owned());
    let db = open_database(config)
        .await
        .map_err(|e| Failure::Fault(e.to_string()))?;
    let now = database::migration_version(&db)
        .await
        .unwrap_or(manifest.migration_version);
    db.close().await;
    progress.clear();
    let upgraded = if now != manifest.migration_version {
        format!(
            ", upgraded from migration {} to {now}",
            manifest.migration_version
        )
    } else {
        String::new()
    };
    let photos = if matches!(config.storage, StorageSettings::S3(_)) && photos > 0 {
        format!("{photos} photo files not restored: BAZAAR_STORAGE_URL names a bucket")
    } else {
        format!("{photos} photo files")
    };
    println!(
        "Restored the backup of {} ({} database{upgraded}, {photos}).",
        manifest.created_at,
        engine.name()
    );
    Ok(())
}
