//! The email outbox end to end: the job queue on a real database (SQLite, or PostgreSQL
//! when `BAZAAR_TEST_POSTGRES_URL` is set) delivering to a real SMTP server (aiosmtpd).

use super::*;
use crate::db::testing::TestDb;
use crate::db::Db;
use crate::email::smtp_sink::{Inbox, Received, SmtpSink};
use crate::email::{notice, verify_email, Shop, SmtpUrl};
use crate::jobs::{find, Backoff, JobRecord, JobState, Worker, WorkerOptions};
use crate::test_services::free_port;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const FROM: &str = "Bazaar Test <shop@bazaar.test>";

fn shop() -> Shop {
    Shop::new("Bazaar Test", "https://shop.bazaar.test/").unwrap()
}

fn mailer(port: u16) -> Mailer {
    Mailer::smtp(&SmtpUrl::new(format!("smtp://127.0.0.1:{port}")), FROM).unwrap()
}

fn options(max_attempts: i64) -> WorkerOptions {
    WorkerOptions {
        max_attempts,
        backoff: Backoff {
            base: Duration::from_millis(20),
            max: Duration::from_millis(100),
        },
        poll_interval: Duration::from_millis(10),
        job_timeout: Duration::from_secs(10),
        ..WorkerOptions::default()
    }
}

/// Starts a worker loop sending through `port`; abort the handle to stop it.
fn spawn_worker(db: &Db, port: u16, max_attempts: i64) -> tokio::task::JoinHandle<()> {
    let worker =
        Worker::new(db.clone(), options(max_attempts)).handle(EmailJobs::new(mailer(port)));
    tokio::spawn(worker.run(std::future::pending()))
}

async fn enqueue_committed(db: &Db, message: &EmailMessage) -> i64 {
    let mut tx = db.pool().begin().await.unwrap();
    let id = enqueue_email(&mut tx, message).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn jobs(db: &Db, ids: &[i64]) -> Vec<JobRecord> {
    let mut records = Vec::new();
    for id in ids {
        records.push(find(db, *id).await.unwrap().expect("job exists"));
    }
    records
}

/// Polls every 10 ms until every job in `ids` satisfies `check`, failing after `limit`.
async fn wait_for_jobs(db: &Db, ids: &[i64], what: &str, check: impl Fn(&JobRecord) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let records = jobs(db, ids).await;
        if records.iter().all(&check) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting until {what}: {records:#?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Asserts `received` holds exactly one message per job of `ids`, each with its own
/// Message-ID, and returns them in the order of `ids`.
async fn one_each(db: &Db, received: &[Received], ids: &[i64]) -> Vec<Received> {
    let unique: HashSet<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(
        unique.len(),
        received.len(),
        "a message arrived twice: {received:#?}"
    );
    assert_eq!(received.len(), ids.len(), "{received:#?}");
    let mut in_order = Vec::new();
    for job in jobs(db, ids).await {
        let expected = format!("<bazaar-job-{}.{}@bazaar.test>", job.id, job.created_at);
        let message = received
            .iter()
            .find(|m| m.message_id == expected)
            .unwrap_or_else(|| panic!("no message has the id {expected}: {received:#?}"));
        in_order.push(message.clone());
    }
    in_order
}

#[tokio::test]
async fn emails_wait_while_smtp_is_down_and_are_delivered_once_when_it_returns() {
    let test = TestDb::new().await;
    let inbox = Inbox::default();
    let port = free_port();
    let mut ids = Vec::new();
    for n in 0..3 {
        let email = verify_email(
            &shop(),
            &format!("user{n}@example.com"),
            &format!("token-{n}"),
        );
        ids.push(enqueue_committed(&test.db, &email).await);
    }

    // Nothing listens on the port: every attempt fails, and the jobs wait.
    let worker = spawn_worker(&test.db, port, 100);
    wait_for_jobs(&test.db, &ids, "each email was tried twice", |job| {
        job.attempts >= 2
    })
    .await;
    for job in jobs(&test.db, &ids).await {
        assert_eq!(job.state, JobState::Pending, "{job:#?}");
        assert!(job.last_error.is_some_and(|e| e.contains("unavailable")));
    }

    // The server comes back: each email arrives once.
    let sink = SmtpSink::start(port, &inbox);
    wait_for_jobs(&test.db, &ids, "every email was sent", |job| {
        job.state == JobState::Done
    })
    .await;
    worker.abort();
    let received = one_each(&test.db, &inbox.received(), &ids).await;
    for (n, message) in received.iter().enumerate() {
        let to = format!("user{n}@example.com");
        assert_eq!(message.to, to);
        assert_eq!(message.rcpt_tos, [to]);
        assert_eq!(message.from, FROM);
        assert_eq!(
            message.subject,
            "Confirm your email address for Bazaar Test"
        );
        let link = format!("https://shop.bazaar.test/account/verify-email?token=token-{n}");
        let text = message.text.as_deref().unwrap();
        assert!(text.contains(&link), "{text}");
        let html = message.html.as_deref().unwrap();
        assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    }
    drop(sink);
}

#[tokio::test]
async fn an_email_enqueued_in_a_rolled_back_transaction_is_never_sent() {
    let test = TestDb::new().await;
    let inbox = Inbox::default();
    let port = free_port();
    let _sink = SmtpSink::start(port, &inbox);

    let mut tx = test.db.pool().begin().await.unwrap();
    let withdrawn = notice(
        &shop(),
        "ghost@example.com",
        "Never",
        &["Rolled back."],
        None,
    );
    let ghost = enqueue_email(&mut tx, &withdrawn).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(find(&test.db, ghost).await.unwrap(), None);
    // Queued after the rolled-back one: once it has arrived, the worker is past the other.
    let kept = notice(
        &shop(),
        "ada@example.com",
        "Kept",
        &["Committed."],
        Some(("Shop", "/")),
    );
    let id = enqueue_committed(&test.db, &kept).await;

    let worker = spawn_worker(&test.db, port, 8);
    wait_for_jobs(&test.db, &[id], "the committed email was sent", |job| {
        job.state == JobState::Done
    })
    .await;
    worker.abort();
    let received = one_each(&test.db, &inbox.received(), &[id]).await;
    assert_eq!(received[0].subject, "Kept");
    assert_eq!(received[0].rcpt_tos, ["ada@example.com"]);
    let html = received[0].html.as_deref().unwrap();
    assert!(
        html.contains("href=\"https://shop.bazaar.test/\""),
        "{html}"
    );
}

#[tokio::test]
async fn an_email_that_keeps_failing_is_dead_after_max_attempts() {
    let test = TestDb::new().await;
    let port = free_port();
    let email = verify_email(&shop(), "ada@example.com", "t");
    let id = enqueue_committed(&test.db, &email).await;
    let worker = spawn_worker(&test.db, port, 3);
    wait_for_jobs(&test.db, &[id], "the email is dead", |job| {
        job.state == JobState::Dead
    })
    .await;
    worker.abort();
    let dead = find(&test.db, id).await.unwrap().unwrap();
    assert_eq!(dead.attempts, 3);
    let error = dead.last_error.unwrap();
    assert!(
        error.contains("unavailable") && error.contains("gave up after 3 attempts"),
        "{error}"
    );
}

#[tokio::test]
async fn an_email_the_server_refuses_for_good_is_dead_after_one_attempt() {
    let test = TestDb::new().await;
    let inbox = Inbox::default();
    let port = free_port();
    let _sink = SmtpSink::start(port, &inbox);
    let refused = enqueue_committed(
        &test.db,
        &verify_email(&shop(), "rejected@example.com", "t"),
    )
    .await;
    let accepted =
        enqueue_committed(&test.db, &verify_email(&shop(), "ada@example.com", "t")).await;
    let worker = spawn_worker(&test.db, port, 8);
    wait_for_jobs(
        &test.db,
        &[refused, accepted],
        "both emails are finished",
        |job| job.state != JobState::Pending,
    )
    .await;
    worker.abort();
    let records = jobs(&test.db, &[refused, accepted]).await;
    assert_eq!((records[0].state, records[0].attempts), (JobState::Dead, 1));
    let error = records[0].last_error.as_deref().unwrap();
    assert!(
        error.contains("rejected") && error.contains("550"),
        "{error}"
    );
    assert_eq!(records[1].state, JobState::Done);
    one_each(&test.db, &inbox.received(), &[accepted]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_database_deliver_each_email_exactly_once() {
    let test = TestDb::new().await;
    let inbox = Inbox::default();
    let port = free_port();
    let _sink = SmtpSink::start(port, &inbox);
    let mut ids = Vec::new();
    for n in 0..30 {
        let email = verify_email(
            &shop(),
            &format!("user{n}@example.com"),
            &format!("token-{n}"),
        );
        ids.push(enqueue_committed(&test.db, &email).await);
    }
    let workers = [
        spawn_worker(&test.db, port, 8),
        spawn_worker(&test.db, port, 8),
    ];
    wait_for_jobs(&test.db, &ids, "every email was sent", |job| {
        job.state == JobState::Done
    })
    .await;
    for worker in workers {
        worker.abort();
    }
    let received = one_each(&test.db, &inbox.received(), &ids).await;
    for (n, message) in received.iter().enumerate() {
        assert_eq!(message.rcpt_tos, [format!("user{n}@example.com")]);
        let link = format!("https://shop.bazaar.test/account/verify-email?token=token-{n}");
        assert!(message.text.as_deref().unwrap().contains(&link));
    }
    let attempts: Vec<i64> = jobs(&test.db, &ids)
        .await
        .iter()
        .map(|j| j.attempts)
        .collect();
    assert!(attempts.iter().all(|a| *a == 1), "{attempts:?}");
}

#[tokio::test]
async fn without_smtp_a_queued_email_is_written_to_an_eml_file() {
    let test = TestDb::new().await;
    let inbox = Inbox::default();
    let mail_dir = inbox.path().join("mail");
    let mailer = Mailer::new(None, &mail_dir, FROM).unwrap();
    let email = verify_email(&shop(), "ada@example.com", "token-1");
    let id = enqueue_committed(&test.db, &email).await;
    let worker = Worker::new(test.db.clone(), options(8)).handle(EmailJobs::new(mailer));
    assert!(worker.run_once().await.unwrap());
    assert_eq!(jobs(&test.db, &[id]).await[0].state, JobState::Done);
    let files: Vec<_> = std::fs::read_dir(&mail_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Subject: Confirm your email address for Bazaar Test\r\n"));
    assert!(eml.contains("To: ada@example.com\r\n"));
}
