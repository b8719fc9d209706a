//! Scheduled backups (`BAZAAR_BACKUP_EVERY`), run through the durable job queue so that
//! several instances sharing one database take each backup once: a `backup` job is
//! claimed by one worker only, and the unique index `jobs_one_waiting_backup_idx` lets
//! one next run wait at a time however many instances schedule it.
//!
//! Backups get a worker of their own, with a timeout in hours: a long backup neither
//! times out under the email worker's one-minute limit nor holds up the mail.

use super::{archive, archive_name, now_seconds, retention, write_backup, Progress};
use crate::config::Config;
use app::db::{now_millis, Db};
use app::jobs::{enqueue_once, Job, JobError, JobHandler, Worker, WorkerOptions};
use std::time::Duration;

pub const KIND: &str = "backup";

/// Longest a scheduled backup may run before it counts as failed.
const BACKUP_TIMEOUT: Duration = Duration::from_secs(6 * 3600);

/// Runs `backup` jobs: the next run is scheduled first, then the archive is written to
/// `BAZAAR_BACKUP_DIR` and the oldest archives beyond `BAZAAR_BACKUP_KEEP` are deleted.
pub struct BackupJobs {
    db: Db,
    config: Config,
    every: Duration,
}

impl BackupJobs {
    pub fn new(db: Db, config: Config, every: Duration) -> BackupJobs {
        BackupJobs { db, config, every }
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[async_trait::async_trait]
impl JobHandler for BackupJobs {
    fn kind(&self) -> &'static str {
        KIND
    }

    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        // The next run first, so the schedule outlives a failed backup or a crash mid-way.
        enqueue_once(
            &self.db,
            KIND,
            "{}",
            now_millis().saturating_add(millis(self.every)),
        )
        .await
        .map_err(|err| JobError::Retry(format!("scheduling the next backup: {err}")))?;
        let dir = &self.config.backups.dir;
        let to = dir.join(archive_name(&archive::rfc3339(now_seconds())));
        let started = std::time::Instant::now();
        let written = write_backup(&self.db, &self.config, &to, &Progress::quiet())
            .await
            .map_err(|failure| JobError::Retry(format!("backup failed: {failure}")))?;
        tracing::info!(
            archive = %to.display(),
            files = written.files,
            archive_bytes = written.archive_bytes,
            seconds = started.elapsed().as_secs_f64(),
            "scheduled backup written"
        );
        // The backup is safe; failing to prune is worth a warning, not a second backup.
        match retention::prune(dir, self.config.backups.keep) {
            Ok(removed) if removed.is_empty() => {}
            Ok(removed) => tracing::info!(
                removed = removed.len(),
                keep = self.config.backups.keep,
                "old backups deleted"
            ),
            Err(err) => {
                tracing::warn!(error = %err, dir = %dir.display(), "pruning old backups failed")
            }
        }
        Ok(())
    }
}

/// The worker taking scheduled backups, with the first run scheduled for now unless one
/// already waits; `None` when `BAZAAR_BACKUP_EVERY` is unset.
pub async fn worker(config: &Config, db: Db) -> Result<Option<Worker>, sqlx::Error> {
    let Some(every) = config.backups.every else {
        return Ok(None);
    };
    enqueue_once(&db, KIND, "{}", now_millis()).await?;
    let options = WorkerOptions {
        max_attempts: 3,
        job_timeout: BACKUP_TIMEOUT,
        poll_interval: Duration::from_secs(15),
        ..WorkerOptions::default()
    };
    Ok(Some(
        Worker::new(db.clone(), options).handle(BackupJobs::new(db, config.clone(), every)),
    ))
}
