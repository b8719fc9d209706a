//! The project's durable job queue (the outbox): emails, and releasing the stock of
//! orders not paid in time.
//!
//! A job is written with [`enqueue`] inside the transaction of the change that causes it,
//! so it exists exactly when that change commits. A [`Worker`] (one per server process;
//! several may share a database) claims due jobs one at a time under a lease, runs the
//! [`JobHandler`] registered for the job's `kind`, and then marks it `done`, schedules a
//! retry with exponential backoff and jitter, or marks it `dead` after
//! [`WorkerOptions::max_attempts`], or by the handler's own [`RetryPolicy`] if it has one
//! (webhooks retry for a day, whatever the attempt count). Delivery is at least once: a handler whose effect
//! happened but whose completion was not recorded (a crash in between) runs again, so
//! handlers pass [`Job::id`] on where the far side can deduplicate (an email's Message-ID).

mod backoff;
mod policy;
mod queue;
mod worker;

pub use backoff::Backoff;
pub use policy::{GiveUp, RetryPolicy};
pub use queue::{
    claim, complete, enqueue, enqueue_at, enqueue_once, fail, find, prune_done, Failure, JobRecord,
    JobState,
};
pub use worker::{Worker, WorkerOptions};

/// A claimed job, as a handler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    /// What the enqueuer wrote, usually JSON.
    pub payload: String,
    /// How many times the job has been claimed, this claim included (1 on the first run).
    pub attempts: i64,
    /// When it was enqueued (Unix ms). With `id` it names the job for good: SQLite may
    /// hand a pruned job's id out again, but never with the same creation time.
    pub created_at: i64,
}

/// Why a handler did not finish a job.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Worth another try later (a server down, a timeout, a 4xx SMTP reply).
    #[error("{0}")]
    Retry(String),
    /// Will never succeed (a payload that does not parse, a rejected address): dead at once.
    #[error("{0}")]
    Permanent(String),
}

/// Runs the jobs of one kind.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// The `kind` column this handler runs, e.g. `email`.
    fn kind(&self) -> &'static str;

    async fn run(&self, job: &Job) -> Result<(), JobError>;

    /// How this kind's failed runs are retried; `None` (the default) uses the worker's
    /// [`WorkerOptions::max_attempts`] and [`WorkerOptions::backoff`].
    fn retry_policy(&self) -> Option<RetryPolicy> {
        None
    }

    /// Told once the worker has given `job` up (it is now dead), with its last error: the
    /// place to record the failure where people look (a webhook delivery's status). An
    /// error here is logged; the job stays dead.
    async fn gave_up(&self, _job: &Job, _error: &str) -> Result<(), JobError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
