//! Two servers on one PostgreSQL database (and, for photos, one S3 bucket), each wired
//! as `bazaar serve` wires itself, behave as one shop: a session made on one is valid on
//! the other, each queued job runs once, search on one finds what was written through
//! the other, and a photo uploaded through one is served by the other.
//!
//! PostgreSQL only: two processes on one SQLite file is not a supported set-up. On
//! SQLite these tests say they are skipped (`make test` runs them in its PostgreSQL pass).

use crate::accounts::session_cookie;
use crate::helpers::TestApp;
use crate::staff::{add_account, signed_in, STAFF};
use app::accounts::server::Role;
use app::catalog::seed::{seed, SeedOptions};
use app::db::testing::{TestDb, POSTGRES_ENV};
use app::email::smtp_sink::{Inbox, SmtpSink};
use app::media::s3_test_server::S3TestServer;
use app::money::Currency;
use app::test_services::free_port;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Long enough for a loaded machine; every wait below ends as soon as it is satisfied.
const PATIENCE: Duration = Duration::from_secs(60);

/// A fresh PostgreSQL database with a small demo catalog, or `None` (and a note) on SQLite.
async fn shared_postgres() -> Option<Arc<TestDb>> {
    if std::env::var(POSTGRES_ENV).map_or(true, |url| url.is_empty()) {
        eprintln!(
            "note: the several-instances tests need PostgreSQL ({POSTGRES_ENV}); skipped on SQLite"
        );
        return None;
    }
    let test_db = TestDb::new().await;
    let options = SeedOptions {
        products: 20,
        seed: 1,
        currency: Currency::GBP,
    };
    seed(&test_db.db, &options, |_| {}).await.expect("seed");
    Some(Arc::new(test_db))
}

/// Two servers on `db`, started at once (so they also migrate at once), with `env`.
async fn two_instances(db: &Arc<TestDb>, env: &[(&str, String)]) -> (TestApp, TestApp) {
    tokio::join!(
        TestApp::as_bazaar_serve(db, env),
        TestApp::as_bazaar_serve(db, env)
    )
}

#[tokio::test]
async fn a_session_made_on_one_instance_is_signed_in_on_the_other() {
    let Some(db) = shared_postgres().await else {
        return;
    };
    let (a, b) = two_instances(&db, &[]).await;
    let registered = reqwest::Client::new()
        .post(format!("{}/rpc/register", a.base))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("email", "ann@shop.test"),
            ("password", "a long enough secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 200);
    let cookie = session_cookie(&registered).expect("registering sets a session cookie");

    let account = |app: &TestApp| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(format!("{}/account", app.base))
            .header("accept", "text/html")
            .header("cookie", &cookie)
    };
    let on_b = account(&b).send().await.unwrap();
    assert_eq!(on_b.status(), 200, "B does not know A's session");
    assert!(on_b.text().await.unwrap().contains("ann@shop.test"));

    // Signing out on B ends the session on A too.
    let signed_out = reqwest::Client::new()
        .post(format!("{}/rpc/sign_out", b.base))
        .header("sec-fetch-site", "same-origin")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 200);
    let on_a = account(&a).send().await.unwrap();
    assert!(on_a.status().is_redirection(), "{}", on_a.status());
}

#[tokio::test]
async fn two_instances_workers_send_each_queued_email_exactly_once() {
    let Some(db) = shared_postgres().await else {
        return;
    };
    const EMAILS: usize = 60;
    // Queued before either worker starts, so both find a full queue and compete for it.
    let mut tx = db.db.begin_write().await.unwrap();
    for n in 0..EMAILS {
        let message = app::email::EmailMessage {
            to: format!("shopper{n}@shop.test"),
            subject: format!("Message {n}"),
            text: "Hello.".into(),
            html: "<p>Hello.</p>".into(),
        };
        app::email::enqueue_email(&mut tx, &message).await.unwrap();
    }
    tx.commit().await.unwrap();
    let inbox = Inbox::default();
    let port = free_port();
    let _sink = SmtpSink::start(port, &inbox);
    let smtp = [("BAZAAR_SMTP_URL", format!("smtp://127.0.0.1:{port}"))];
    let (_a, _b) = two_instances(&db, &smtp).await;

    let deadline = Instant::now() + PATIENCE;
    while pending_jobs(&db).await > 0 {
        assert!(Instant::now() < deadline, "the queue was not emptied");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Anything sent twice would have arrived by the time its job was marked done.
    let received = inbox.received();
    let mut recipients: Vec<String> = received.iter().map(|m| m.rcpt_tos.join(",")).collect();
    recipients.sort();
    let mut expected: Vec<String> = (0..EMAILS)
        .map(|n| format!("shopper{n}@shop.test"))
        .collect();
    expected.sort();
    assert_eq!(recipients, expected, "each message once, none twice");
    let attempts: Vec<i64> = sqlx::query_scalar("SELECT attempts FROM jobs WHERE state = 'done'")
        .fetch_all(db.db.pool())
        .await
        .unwrap();
    assert_eq!(attempts, vec![1; EMAILS], "every job was claimed once");
}

async fn pending_jobs(db: &TestDb) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = 'pending'")
        .fetch_one(db.db.pool())
        .await
        .unwrap()
}

/// Waits until `/search?q=word` on `app` lists `name`.
async fn search_lists(app: &TestApp, word: &str, name: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (status, html) = app.page(&format!("/search?q={word}")).await;
        if status == 200 && html.contains(name) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "search for {word} on {} never listed {name}",
            app.base
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn search_on_one_instance_finds_a_product_created_and_renamed_through_the_other() {
    let Some(db) = shared_postgres().await else {
        return;
    };
    let (a, b) = two_instances(&db, &[]).await;
    add_account(&a, STAFF, Role::Staff).await;
    let staff = signed_in(&a, STAFF).await;
    let fields = crate::staff_products::form(
        &a,
        "Quillwort Ash Stool",
        &[("QAS-1", "Ash", "31.00", "", "3")],
        &[],
    )
    .await;
    let (id, _) = crate::staff_products::created(&a, &staff, &fields).await;
    search_lists(&b, "quillwort", "Quillwort Ash Stool").await;

    let mut renamed = crate::staff_products::edit_form(&a, &staff, id).await;
    crate::staff_products::change(&mut renamed, &[("name", "Marramgrass Ash Stool")]);
    let (status, body) = crate::staff_products::post(&a, &staff, "update_product", &renamed).await;
    assert_eq!(status, 200, "{body}");
    search_lists(&b, "marramgrass", "Marramgrass Ash Stool").await;
}

#[tokio::test]
async fn a_photo_uploaded_through_one_instance_is_served_by_the_other() {
    let Some(db) = shared_postgres().await else {
        return;
    };
    let Some(moto) = S3TestServer::start().await else {
        return;
    };
    let bucket = [
        ("BAZAAR_STORAGE_URL", format!("s3://{}/shop", moto.bucket)),
        ("BAZAAR_S3_ENDPOINT", moto.endpoint.clone()),
        ("BAZAAR_S3_ACCESS_KEY_ID", "testing".to_owned()),
        ("BAZAAR_S3_SECRET_ACCESS_KEY", "testing".to_owned()),
    ];
    let (a, b) = two_instances(&db, &bucket).await;
    add_account(&a, STAFF, Role::Staff).await;
    let staff = signed_in(&a, STAFF).await;
    let (product_id, slug): (i64, String) =
        sqlx::query_as("SELECT id, slug FROM products WHERE published ORDER BY id LIMIT 1")
            .fetch_one(db.db.pool())
            .await
            .unwrap();
    let report = crate::photo_uploads::upload(
        &a,
        &staff,
        product_id,
        "A stool in the sun",
        &[("stool.jpg", &app::media::test_pictures::jpeg(900, 600))],
    )
    .await;
    crate::photo_uploads::saved_id(&report, 0);

    // B's product page shows the photo, and B serves every size of it from the bucket.
    let (status, html) = b.page(&format!("/products/{slug}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("A stool in the sun"),
        "B's page lacks the photo"
    );
    let keys: Vec<String> = sqlx::query_scalar("SELECT storage_key FROM product_photo_files")
        .fetch_all(db.db.pool())
        .await
        .unwrap();
    assert!(!keys.is_empty());
    for key in &keys {
        let served = b.get(&format!("/media/{key}")).await;
        assert_eq!(served.status(), 200, "B does not serve {key}");
        assert!(!served.bytes().await.unwrap().is_empty());
    }
}
