//! The queue against a real database (SQLite, or PostgreSQL when
//! `BAZAAR_TEST_POSTGRES_URL` is set), with handlers that record what they ran.

use super::*;
use crate::db::testing::TestDb;
use crate::db::Db;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the test handler answers.
#[derive(Clone, Copy)]
enum Answer {
    Succeed,
    Retry,
    Permanent,
}

/// Runs `kind` jobs, recording each run as (job id, attempts, when).
#[derive(Clone)]
struct Recorder {
    kind: &'static str,
    answer: Answer,
    runs: Arc<Mutex<Vec<(i64, i64, Instant)>>>,
}

impl Recorder {
    fn new(kind: &'static str, answer: Answer) -> Recorder {
        Recorder {
            kind,
            answer,
            runs: Arc::default(),
        }
    }

    fn runs(&self) -> Vec<(i64, i64, Instant)> {
        self.runs.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl JobHandler for Recorder {
    fn kind(&self) -> &'static str {
        self.kind
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        self.runs
            .lock()
            .unwrap()
            .push((job.id, job.attempts, Instant::now()));
        // Give the other worker a chance to interleave.
        tokio::task::yield_now().await;
        match self.answer {
            Answer::Succeed => Ok(()),
            Answer::Retry => Err(JobError::Retry(format!("flaky run {}", job.attempts))),
            Answer::Permanent => Err(JobError::Permanent("bad payload".to_owned())),
        }
    }
}

fn fast_options(max_attempts: i64) -> WorkerOptions {
    WorkerOptions {
        max_attempts,
        backoff: Backoff {
            base: Duration::from_millis(20),
            max: Duration::from_millis(80),
        },
        poll_interval: Duration::from_millis(10),
        job_timeout: Duration::from_secs(5),
        ..WorkerOptions::default()
    }
}

async fn enqueue_committed(db: &Db, kind: &str, payload: &str) -> i64 {
    let mut tx = db.pool().begin().await.unwrap();
    let id = enqueue(&mut tx, kind, payload).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn job(db: &Db, id: i64) -> JobRecord {
    find(db, id).await.unwrap().expect("job exists")
}

/// Polls `check` every 10 ms until it holds, failing after `limit`.
async fn eventually<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_job_enqueued_in_a_rolled_back_transaction_never_exists() {
    let test = TestDb::new().await;
    let mut tx = test.db.pool().begin().await.unwrap();
    let id = enqueue(&mut tx, "test", "{}").await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(find(&test.db, id).await.unwrap(), None);
    let lease = Duration::from_secs(60);
    assert_eq!(claim(&test.db, &["test"], lease).await.unwrap(), None);

    let kept = enqueue_committed(&test.db, "test", r#"{"n":1}"#).await;
    let claimed = claim(&test.db, &["test"], lease).await.unwrap().unwrap();
    assert_eq!(claimed.id, kept);
    assert_eq!(claimed.payload, r#"{"n":1}"#);
    assert_eq!(claimed.attempts, 1);
}

#[tokio::test]
async fn a_claimed_job_is_claimed_again_only_once_its_lease_passes() {
    let test = TestDb::new().await;
    let id = enqueue_committed(&test.db, "test", "{}").await;
    let lease = Duration::from_secs(1);
    let first = claim(&test.db, &["test"], lease).await.unwrap().unwrap();
    assert_eq!(claim(&test.db, &["test"], lease).await.unwrap(), None);

    // The first worker "crashed": after the lease another claim gets the job.
    let deadline = Instant::now() + Duration::from_secs(5);
    let second = loop {
        if let Some(job) = claim(&test.db, &["test"], lease).await.unwrap() {
            break job;
        }
        assert!(Instant::now() < deadline, "the job was never claimed again");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!((second.id, second.attempts), (id, 2));

    // The stale claim can no longer finish the job; the current one can.
    assert!(!complete(&test.db, &first).await.unwrap());
    let dead = Failure::Dead {
        error: "late".to_owned(),
    };
    assert!(!fail(&test.db, &first, &dead).await.unwrap());
    assert_eq!(job(&test.db, id).await.state, JobState::Pending);
    assert!(complete(&test.db, &second).await.unwrap());
    let done = job(&test.db, id).await;
    assert_eq!((done.state, done.attempts), (JobState::Done, 2));
    assert_eq!(claim(&test.db, &["test"], lease).await.unwrap(), None);
}

#[tokio::test]
async fn a_job_that_keeps_failing_backs_off_and_ends_dead_after_max_attempts() {
    let test = TestDb::new().await;
    let id = enqueue_committed(&test.db, "test", "{}").await;
    let recorder = Recorder::new("test", Answer::Retry);
    let worker = Worker::new(test.db.clone(), fast_options(4)).handle(recorder.clone());
    let running = tokio::spawn(worker.run(std::future::pending()));
    eventually("the job is dead", Duration::from_secs(10), || async {
        job(&test.db, id).await.state == JobState::Dead
    })
    .await;
    running.abort();

    let dead = job(&test.db, id).await;
    assert_eq!(dead.attempts, 4);
    let error = dead.last_error.unwrap();
    assert!(
        error.contains("flaky run 4") && error.contains("gave up after 4 attempts"),
        "{error}"
    );
    let runs = recorder.runs();
    let attempts: Vec<i64> = runs.iter().map(|(_, attempts, _)| *attempts).collect();
    assert_eq!(attempts, [1, 2, 3, 4]);
    // Each wait is at least half its window: 10, 20, 40 ms.
    for (i, pair) in runs.windows(2).enumerate() {
        let waited = pair[1].2 - pair[0].2;
        // Less up to 2 ms: run_at is stored in whole milliseconds.
        let floor = Duration::from_millis((10 << i) - 2);
        assert!(waited >= floor, "wait {i} was {waited:?}, below {floor:?}");
    }
}

#[tokio::test]
async fn a_permanent_error_marks_the_job_dead_at_once() {
    let test = TestDb::new().await;
    let id = enqueue_committed(&test.db, "test", "not json").await;
    let recorder = Recorder::new("test", Answer::Permanent);
    let worker = Worker::new(test.db.clone(), fast_options(8)).handle(recorder.clone());
    assert!(worker.run_once().await.unwrap());
    let dead = job(&test.db, id).await;
    assert_eq!(dead.state, JobState::Dead);
    assert_eq!(dead.attempts, 1);
    assert_eq!(dead.last_error.as_deref(), Some("bad payload"));
    assert!(!worker.run_once().await.unwrap());
}

#[tokio::test]
async fn a_job_whose_last_run_never_finished_is_marked_dead_not_run_again() {
    let test = TestDb::new().await;
    let id = enqueue_committed(&test.db, "test", "{}").await;
    // Two claims whose runs "crashed" use up both attempts.
    for _ in 0..2 {
        claim(&test.db, &["test"], Duration::ZERO)
            .await
            .unwrap()
            .unwrap();
    }
    let recorder = Recorder::new("test", Answer::Succeed);
    let worker = Worker::new(test.db.clone(), fast_options(2)).handle(recorder.clone());
    assert!(worker.run_once().await.unwrap());
    assert!(recorder.runs().is_empty());
    let dead = job(&test.db, id).await;
    assert_eq!((dead.state, dead.attempts), (JobState::Dead, 3));
    assert!(dead.last_error.unwrap().contains("never finished"));
}

#[tokio::test]
async fn jobs_of_a_kind_without_a_handler_are_left_for_workers_that_have_one() {
    let test = TestDb::new().await;
    let webhook = enqueue_committed(&test.db, "webhook", "{}").await;
    let recorder = Recorder::new("test", Answer::Succeed);
    let worker = Worker::new(test.db.clone(), fast_options(8)).handle(recorder.clone());
    assert!(!worker.run_once().await.unwrap());
    let untouched = job(&test.db, webhook).await;
    assert_eq!(
        (untouched.state, untouched.attempts),
        (JobState::Pending, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_database_run_each_job_exactly_once() {
    let test = TestDb::new().await;
    let mut ids = Vec::new();
    for n in 0..60 {
        ids.push(enqueue_committed(&test.db, "test", &format!("{{\"n\":{n}}}")).await);
    }
    let recorder = Recorder::new("test", Answer::Succeed);
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let worker = Worker::new(test.db.clone(), fast_options(8)).handle(recorder.clone());
            tokio::spawn(worker.run(std::future::pending()))
        })
        .collect();
    eventually("every job is done", Duration::from_secs(20), || async {
        let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = 'done'")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
        done == ids.len() as i64
    })
    .await;
    for worker in workers {
        worker.abort();
    }
    let mut ran: Vec<i64> = recorder.runs().iter().map(|(id, _, _)| *id).collect();
    ran.sort_unstable();
    assert_eq!(ran, ids, "each job ran exactly once");
    assert!(recorder
        .runs()
        .iter()
        .all(|(_, attempts, _)| *attempts == 1));
}

#[tokio::test]
async fn old_done_jobs_are_pruned_and_dead_ones_kept() {
    let test = TestDb::new().await;
    let done = enqueue_committed(&test.db, "test", "{}").await;
    let dead = enqueue_committed(&test.db, "test", "{}").await;
    let lease = Duration::from_secs(60);
    let first = claim(&test.db, &["test"], lease).await.unwrap().unwrap();
    assert!(complete(&test.db, &first).await.unwrap());
    let second = claim(&test.db, &["test"], lease).await.unwrap().unwrap();
    let failure = Failure::Dead {
        error: "no".to_owned(),
    };
    assert!(fail(&test.db, &second, &failure).await.unwrap());

    assert_eq!(prune_done(&test.db, 0).await.unwrap(), 0);
    let later = crate::db::now_millis() + 1_000;
    assert_eq!(prune_done(&test.db, later).await.unwrap(), 1);
    assert_eq!(find(&test.db, done).await.unwrap(), None);
    assert_eq!(job(&test.db, dead).await.state, JobState::Dead);
}

#[tokio::test]
async fn a_worker_finishes_its_loop_when_shutdown_resolves() {
    let test = TestDb::new().await;
    let recorder = Recorder::new("test", Answer::Succeed);
    let worker = Worker::new(test.db.clone(), fast_options(8)).handle(recorder.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(worker.run(async {
        let _ = stopped.await;
    }));
    let id = enqueue_committed(&test.db, "test", "{}").await;
    eventually("the job is done", Duration::from_secs(10), || async {
        job(&test.db, id).await.state == JobState::Done
    })
    .await;
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the worker stops")
        .unwrap();
    assert_eq!(recorder.runs().len(), 1);
}

#[tokio::test]
async fn one_backup_waits_however_many_instances_schedule_it_at_once() {
    let test = TestDb::new().await;
    let pending = |db: Db| async move {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT attempts, run_at FROM jobs WHERE kind = 'backup' AND state = 'pending'
             ORDER BY id",
        )
        .fetch_all(db.pool())
        .await
        .unwrap()
    };
    let schedulers: Vec<_> = (0..6)
        .map(|i| {
            let db = test.db.clone();
            tokio::spawn(async move { enqueue_once(&db, "backup", "{}", 1_000 + i).await })
        })
        .collect();
    let mut added = 0;
    for scheduler in schedulers {
        added += i32::from(scheduler.await.unwrap().unwrap());
    }
    assert_eq!(added, 1);
    assert_eq!(pending(test.db.clone()).await.len(), 1);

    // The run in hand schedules its successor; any later try adds nothing.
    let running = claim(&test.db, &["backup"], Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert!(enqueue_once(&test.db, "backup", "{}", 9_000).await.unwrap());
    assert!(!enqueue_once(&test.db, "backup", "{}", 9_500).await.unwrap());
    assert_eq!(
        pending(test.db.clone()).await,
        [(1, running_run_at(&test.db, running.id).await), (0, 9_000)]
    );
    // Other kinds are not limited.
    assert!(enqueue_once(&test.db, "email", "{}", 0).await.unwrap());
    assert!(enqueue_once(&test.db, "email", "{}", 0).await.unwrap());
}

async fn running_run_at(db: &Db, id: i64) -> i64 {
    job(db, id).await.run_at
}

/// Always fails, retries by age rather than count, and remembers being given up.
#[derive(Clone, Default)]
struct Patient {
    runs: Arc<Mutex<i64>>,
    given_up: Arc<Mutex<Vec<(i64, String)>>>,
    limit: Duration,
}

#[async_trait::async_trait]
impl JobHandler for Patient {
    fn kind(&self) -> &'static str {
        "patient"
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        *self.runs.lock().unwrap() += 1;
        Err(JobError::Retry(format!("refused run {}", job.attempts)))
    }

    fn retry_policy(&self) -> Option<RetryPolicy> {
        Some(RetryPolicy {
            backoff: Backoff {
                base: Duration::ZERO,
                max: Duration::ZERO,
            },
            give_up: GiveUp::AfterAge(self.limit),
        })
    }

    async fn gave_up(&self, job: &Job, error: &str) -> Result<(), JobError> {
        self.given_up
            .lock()
            .unwrap()
            .push((job.id, error.to_owned()));
        Ok(())
    }
}

#[tokio::test]
async fn a_handler_with_its_own_policy_is_retried_past_the_workers_attempt_limit() {
    let test = TestDb::new().await;
    let id = enqueue_committed(&test.db, "patient", "{}").await;
    let patient = Patient {
        limit: Duration::from_secs(3600),
        ..Patient::default()
    };
    // The worker's own limit is two attempts; the handler's is an hour of age.
    let worker = Worker::new(test.db.clone(), fast_options(2)).handle(patient.clone());
    for _ in 0..6 {
        assert!(worker.run_once().await.unwrap());
    }
    let record = job(&test.db, id).await;
    assert_eq!((record.state, record.attempts), (JobState::Pending, 6));
    assert!(patient.given_up.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_job_past_its_handlers_age_limit_is_dead_and_the_handler_is_told() {
    let test = TestDb::new().await;
    let id = enqueue_committed(&test.db, "patient", "{}").await;
    let patient = Patient::default(); // A limit of zero: the first failure is the last.
    let worker = Worker::new(test.db.clone(), fast_options(8)).handle(patient.clone());
    assert!(worker.run_once().await.unwrap());
    let dead = job(&test.db, id).await;
    assert_eq!((dead.state, dead.attempts), (JobState::Dead, 1));
    let error = dead.last_error.unwrap();
    assert!(error.contains("refused run 1") && error.contains("gave up after 1 attempts"));
    assert_eq!(*patient.given_up.lock().unwrap(), [(id, error)]);
    assert!(!worker.run_once().await.unwrap());
}
