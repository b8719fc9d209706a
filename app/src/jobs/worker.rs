//! The loop that runs due jobs, one at a time, until told to stop.

use super::queue::{claim, complete, fail, prune_done, Failure};
use super::{Backoff, Job, JobError, JobHandler};
use crate::db::{now_millis, Db};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a [`Worker`] paces, retries and gives up.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerOptions {
    /// Runs a job may have before it is marked dead (`BAZAAR_OUTBOX_MAX_ATTEMPTS`, 8).
    pub max_attempts: i64,
    /// The wait between a failed run and the next.
    pub backoff: Backoff,
    /// How long an idle worker waits before looking for due jobs again.
    pub poll_interval: Duration,
    /// Longest a handler may run before the run counts as failed. The lease a claim takes
    /// is twice this, so a run is cut off well before another worker may claim its job.
    pub job_timeout: Duration,
    /// How long done jobs are kept before the worker deletes them (dead ones stay).
    pub keep_done_for: Duration,
}

impl Default for WorkerOptions {
    fn default() -> WorkerOptions {
        WorkerOptions {
            max_attempts: 8,
            backoff: Backoff::default(),
            poll_interval: Duration::from_secs(1),
            job_timeout: Duration::from_secs(60),
            keep_done_for: Duration::from_secs(7 * 24 * 60 * 60),
        }
    }
}

impl WorkerOptions {
    fn lease(&self) -> Duration {
        self.job_timeout.saturating_mul(2)
    }
}

/// How often a worker deletes old done jobs.
const PRUNE_EVERY: Duration = Duration::from_secs(60 * 60);

/// Claims due jobs and runs each with the handler registered for its kind. Jobs of kinds
/// it has no handler for are left to workers that do (a newer version during a rollout).
pub struct Worker {
    db: Db,
    options: WorkerOptions,
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
}

impl Worker {
    pub fn new(db: Db, options: WorkerOptions) -> Worker {
        Worker {
            db,
            options,
            handlers: HashMap::new(),
        }
    }

    /// Registers `handler` for the jobs of its kind.
    pub fn handle(mut self, handler: impl JobHandler) -> Worker {
        self.handlers.insert(handler.kind(), Arc::new(handler));
        self
    }

    /// Runs due jobs until `shutdown` resolves. A job already running is finished first
    /// (at most [`WorkerOptions::job_timeout`]); database errors are logged and retried.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut next_prune = Instant::now();
        loop {
            if Instant::now() >= next_prune {
                next_prune = Instant::now() + PRUNE_EVERY;
                self.prune().await;
            }
            let idle = match self.run_once().await {
                Ok(ran) => !ran,
                Err(err) => {
                    tracing::warn!(error = %err, "job queue unavailable; will retry");
                    true
                }
            };
            let pause = if idle {
                self.options.poll_interval
            } else {
                Duration::ZERO
            };
            tokio::select! {
                biased;
                () = &mut shutdown => return,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Claims one due job and runs it. `Ok(false)` when none was due.
    pub async fn run_once(&self) -> Result<bool, sqlx::Error> {
        let kinds: Vec<&str> = self.handlers.keys().copied().collect();
        let Some(job) = claim(&self.db, &kinds, self.options.lease()).await? else {
            return Ok(false);
        };
        let outcome = if job.attempts > self.options.max_attempts {
            // Its last allowed run took the lease and never reported: it crashed or hung.
            Err(JobError::Permanent(format!(
                "gave up after {} attempts; the last one never finished",
                self.options.max_attempts
            )))
        } else {
            self.run_handler(&job).await
        };
        let recorded = match outcome {
            Ok(()) => {
                tracing::debug!(job = job.id, kind = %job.kind, "job done");
                self.record(&job, None).await?
            }
            Err(JobError::Retry(error)) if job.attempts < self.options.max_attempts => {
                let after = self.options.backoff.delay_with_jitter(job.attempts);
                tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts,
                    retry_in_ms = after.as_millis() as u64, %error, "job failed; will retry");
                self.record(&job, Some(Failure::Retry { error, after }))
                    .await?
            }
            Err(JobError::Retry(error)) => {
                let error = format!("{error} (gave up after {} attempts)", job.attempts);
                tracing::error!(job = job.id, kind = %job.kind, %error, "job dead");
                self.record(&job, Some(Failure::Dead { error })).await?
            }
            Err(JobError::Permanent(error)) => {
                tracing::error!(job = job.id, kind = %job.kind, %error, "job dead");
                self.record(&job, Some(Failure::Dead { error })).await?
            }
        };
        if !recorded {
            tracing::warn!(
                job = job.id,
                kind = %job.kind,
                "the job's lease passed before its run ended; its outcome was not recorded"
            );
        }
        Ok(true)
    }

    async fn run_handler(&self, job: &Job) -> Result<(), JobError> {
        let Some(handler) = self.handlers.get(job.kind.as_str()) else {
            return Err(JobError::Retry(format!(
                "no handler for kind {:?}",
                job.kind
            )));
        };
        match tokio::time::timeout(self.options.job_timeout, handler.run(job)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(JobError::Retry(format!(
                "timed out after {} s",
                self.options.job_timeout.as_secs_f64()
            ))),
        }
    }

    /// Records how a run ended, trying a few times: an unrecorded success would be run
    /// again once the lease passes.
    async fn record(&self, job: &Job, failure: Option<Failure>) -> Result<bool, sqlx::Error> {
        let mut tries = 0;
        loop {
            let recorded = match &failure {
                None => complete(&self.db, job).await,
                Some(failure) => fail(&self.db, job, failure).await,
            };
            match recorded {
                Err(err) if tries < 3 => {
                    tries += 1;
                    tracing::warn!(job = job.id, error = %err, "recording a job's outcome failed; retrying");
                    tokio::time::sleep(Duration::from_millis(250 * tries)).await;
                }
                other => return other,
            }
        }
    }

    async fn prune(&self) {
        let keep = i64::try_from(self.options.keep_done_for.as_millis()).unwrap_or(i64::MAX);
        match prune_done(&self.db, now_millis().saturating_sub(keep)).await {
            Ok(0) => {}
            Ok(pruned) => tracing::info!(pruned, "deleted old done jobs"),
            Err(err) => tracing::warn!(error = %err, "pruning done jobs failed"),
        }
    }
}
