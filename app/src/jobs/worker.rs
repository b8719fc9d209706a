//! The loop that runs due jobs, one at a time, until told to stop.

use super::queue::{claim, complete, fail, prune_done, Failure};
use super::{Backoff, GiveUp, Job, JobError, JobHandler, RetryPolicy};
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
        let policy = self.policy_for(&job);
        let outcome = if policy.exhausted_before_run(job.attempts) {
            // Its last allowed run took the lease and never reported: it crashed or hung.
            Err(JobError::Permanent(format!(
                "{}; the last one never finished",
                policy.describe(job.attempts - 1)
            )))
        } else {
            self.run_handler(&job).await
        };
        let failure = match outcome {
            Ok(()) => None,
            Err(JobError::Retry(error)) => {
                let age = Duration::from_millis(
                    u64::try_from(now_millis().saturating_sub(job.created_at)).unwrap_or(0),
                );
                match policy.next_try_with_jitter(job.attempts, age) {
                    Some(after) => {
                        tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts,
                            retry_in_ms = after.as_millis() as u64, %error, "job failed; will retry");
                        Some(Failure::Retry { error, after })
                    }
                    None => Some(Failure::Dead {
                        error: format!("{error} ({})", policy.describe(job.attempts)),
                    }),
                }
            }
            Err(JobError::Permanent(error)) => Some(Failure::Dead { error }),
        };
        if failure.is_none() {
            tracing::debug!(job = job.id, kind = %job.kind, "job done");
        }
        let dead = match &failure {
            Some(Failure::Dead { error }) => {
                tracing::error!(job = job.id, kind = %job.kind, %error, "job dead");
                Some(error.clone())
            }
            _ => None,
        };
        let recorded = self.record(&job, failure).await?;
        if !recorded {
            tracing::warn!(
                job = job.id,
                kind = %job.kind,
                "the job's lease passed before its run ended; its outcome was not recorded"
            );
        } else if let (Some(error), Some(handler)) = (dead, self.handlers.get(job.kind.as_str())) {
            if let Err(err) = handler.gave_up(&job, &error).await {
                tracing::error!(job = job.id, kind = %job.kind, error = %err,
                    "the handler could not record that the job was given up");
            }
        }
        Ok(true)
    }

    /// The handler's own retry policy, or the worker's.
    fn policy_for(&self, job: &Job) -> RetryPolicy {
        self.handlers
            .get(job.kind.as_str())
            .and_then(|handler| handler.retry_policy())
            .unwrap_or(RetryPolicy {
                backoff: self.options.backoff,
                give_up: GiveUp::AfterAttempts(self.options.max_attempts),
            })
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
