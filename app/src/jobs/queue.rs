//! The queue's SQL: enqueue, claim, complete, fail, look up, prune.

use super::Job;
use crate::db::{now_millis, numbered_params, Db, Engine};
use sqlx::{Any, Transaction};
use std::time::Duration;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for `run_at`, or being run under a lease.
    Pending,
    Done,
    /// Failed for good: out of attempts, or a permanent error. Kept for inspection.
    Dead,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    fn parse(value: &str) -> Option<JobState> {
        match value {
            "pending" => Some(JobState::Pending),
            "done" => Some(JobState::Done),
            "dead" => Some(JobState::Dead),
            _ => None,
        }
    }
}

/// A row of the `jobs` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub state: JobState,
    pub run_at: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub locked_until: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// How a run ended when it did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Run the job again once `after` has passed.
    Retry { error: String, after: Duration },
    /// Never run it again.
    Dead { error: String },
}

/// Longest error text kept in `last_error`.
const MAX_ERROR_CHARS: usize = 2_000;

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Adds a job of `kind` due now, inside `tx`: it exists only if `tx` commits.
pub async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    kind: &str,
    payload: &str,
) -> Result<i64, sqlx::Error> {
    enqueue_at(tx, kind, payload, now_millis()).await
}

/// Adds a job of `kind` due at `run_at` (Unix ms), inside `tx`.
pub async fn enqueue_at(
    tx: &mut Transaction<'_, Any>,
    kind: &str,
    payload: &str,
    run_at: i64,
) -> Result<i64, sqlx::Error> {
    let now = now_millis();
    sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, state, run_at, attempts, locked_until, created_at, updated_at)
         VALUES ($1, $2, 'pending', $3, 0, 0, $4, $4) RETURNING id",
    )
    .bind(kind)
    .bind(payload)
    .bind(run_at)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Adds a job of `kind` due at `run_at` unless a unique index on `jobs` keeps it out,
/// such as `jobs_one_waiting_backup_idx` (one unclaimed `backup` job at a time). True when
/// it was added. Concurrent callers (instances starting at once) add one between them.
pub async fn enqueue_once(
    db: &Db,
    kind: &str,
    payload: &str,
    run_at: i64,
) -> Result<bool, sqlx::Error> {
    let now = now_millis();
    let added = sqlx::query(
        "INSERT INTO jobs (kind, payload, state, run_at, attempts, locked_until, created_at, updated_at)
         VALUES ($1, $2, 'pending', $3, 0, 0, $4, $4) ON CONFLICT DO NOTHING",
    )
    .bind(kind)
    .bind(payload)
    .bind(run_at)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Takes the oldest due pending job of one of `kinds` for `lease`: no other worker claims
/// it until the lease passes, and claiming counts as an attempt.
///
/// One statement does the choosing and the taking. On PostgreSQL the choice is
/// `FOR UPDATE SKIP LOCKED`, so concurrent workers pass over each other's rows instead of
/// queueing behind them; SQLite has a single writer, which the statement holds from its
/// first read, so nobody can claim the same row in between.
pub async fn claim(db: &Db, kinds: &[&str], lease: Duration) -> Result<Option<Job>, sqlx::Error> {
    if kinds.is_empty() {
        return Ok(None);
    }
    let now = now_millis();
    let kind_params = numbered_params(3, kinds.len());
    let skip_locked = match db.engine() {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET attempts = attempts + 1, locked_until = $1, updated_at = $2
         WHERE id = (
             SELECT id FROM jobs
             WHERE state = 'pending' AND run_at <= $2 AND locked_until <= $2
               AND kind IN ({kinds})
             ORDER BY run_at, id
             LIMIT 1{skip_locked}
         ) AND state = 'pending' AND locked_until <= $2
         RETURNING id, kind, payload, attempts, created_at",
        kinds = kind_params,
    );
    let mut query = sqlx::query_as::<_, (i64, String, String, i64, i64)>(&sql)
        .bind(now.saturating_add(millis(lease)))
        .bind(now);
    for kind in kinds {
        query = query.bind(*kind);
    }
    let claimed = query.fetch_optional(db.pool()).await?;
    Ok(
        claimed.map(|(id, kind, payload, attempts, created_at)| Job {
            id,
            kind,
            payload,
            attempts,
            created_at,
        }),
    )
}

/// Marks `job` done. False when this claim no longer holds the job (its lease passed and
/// another worker claimed it), in which case nothing changes.
pub async fn complete(db: &Db, job: &Job) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'done', locked_until = 0, updated_at = $1
         WHERE id = $2 AND attempts = $3 AND state = 'pending'",
    )
    .bind(now_millis())
    .bind(job.id)
    .bind(job.attempts)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed run of `job`: a retry later, or dead. False, like [`complete`], when
/// this claim no longer holds the job.
pub async fn fail(db: &Db, job: &Job, failure: &Failure) -> Result<bool, sqlx::Error> {
    let now = now_millis();
    let (state, run_at, error) = match failure {
        Failure::Retry { error, after } => ("pending", now.saturating_add(millis(*after)), error),
        Failure::Dead { error } => ("dead", now, error),
    };
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    let failed = sqlx::query(
        "UPDATE jobs SET state = $1, run_at = $2, locked_until = 0, last_error = $3, updated_at = $4
         WHERE id = $5 AND attempts = $6 AND state = 'pending'",
    )
    .bind(state)
    .bind(run_at)
    .bind(error)
    .bind(now)
    .bind(job.id)
    .bind(job.attempts)
    .execute(db.pool())
    .await?;
    Ok(failed.rows_affected() == 1)
}

type JobRow = (
    i64,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    i64,
    i64,
    i64,
);

/// The job `id`, whatever its state.
pub async fn find(db: &Db, id: i64) -> Result<Option<JobRecord>, sqlx::Error> {
    let row: Option<JobRow> = sqlx::query_as(
        "SELECT id, kind, payload, state, run_at, attempts, last_error, locked_until,
                created_at, updated_at
         FROM jobs WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        let state = JobState::parse(&row.3)
            .ok_or_else(|| sqlx::Error::Protocol(format!("job {id} has state {:?}", row.3)))?;
        Ok(JobRecord {
            id: row.0,
            kind: row.1,
            payload: row.2,
            state,
            run_at: row.4,
            attempts: row.5,
            last_error: row.6,
            locked_until: row.7,
            created_at: row.8,
            updated_at: row.9,
        })
    })
    .transpose()
}

/// Deletes done jobs finished before `before` (Unix ms); dead ones stay for inspection.
pub async fn prune_done(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let pruned = sqlx::query("DELETE FROM jobs WHERE state = 'done' AND updated_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(pruned.rows_affected())
}
