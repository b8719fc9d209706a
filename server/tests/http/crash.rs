//! The `bazaar` binary killed with SIGKILL while guests are paying, then started again on
//! the same database: no order whose "paid" answer reached its guest is lost, and every
//! queued confirmation email is still delivered, even one the killed worker held.

use app::catalog::seed::{seed, SeedOptions};
use app::db::testing::TestDb;
use app::email::smtp_sink::{Inbox, SmtpSink};
use app::money::Currency;
use app::test_services::free_port;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Concurrent guests, and the paid orders seen before the kill.
const GUESTS: usize = 6;
const PAID_BEFORE_KILL: usize = 25;
/// The job timeout the server runs with; a job the killed worker held is claimed again
/// once its lease (twice this) has passed.
const JOB_TIMEOUT_SECONDS: u64 = 2;
/// Generous bounds for a loaded machine; each wait ends as soon as it is satisfied.
const PATIENCE: Duration = Duration::from_secs(60);

/// `bazaar serve` as a child process, killed on drop if still running.
struct Bazaar {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Bazaar {
    fn serve(env: &[(&str, String)], data_dir: &Path, run: &str) -> Bazaar {
        let port = free_port();
        let log = data_dir.join(format!("bazaar-{run}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_bazaar"))
            .arg("serve")
            .env("RUST_LOG", "warn")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("bazaar starts");
        Bazaar {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    async fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        let client = reqwest::Client::new();
        loop {
            if let Ok(response) = client.get(format!("{}/readyz", self.base)).send().await {
                if response.status() == 200 {
                    return;
                }
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("bazaar exited ({status}):\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "bazaar never became ready:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Bazaar {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An order the shop told its guest was paid: its number and the guest's address.
#[derive(Debug, Clone)]
struct Paid {
    number: String,
    email: String,
}

/// Posts a form to server function `name` with `cookie`, keeping the cookie it sets.
async fn call(
    client: &reqwest::Client,
    base: &str,
    cookie: &mut Option<String>,
    name: &str,
    form: &[(&str, &str)],
) -> Result<Value, String> {
    let mut request = client
        .post(format!("{base}/rpc/{name}"))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .form(form);
    if let Some(cookie) = cookie.as_deref() {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.map_err(|e| format!("{name}: {e}"))?;
    let status = response.status().as_u16();
    if let Some(set) = crate::accounts::session_cookie(&response) {
        *cookie = Some(set);
    }
    let body: Value = response.json().await.map_err(|e| format!("{name}: {e}"))?;
    if status == 200 {
        Ok(body)
    } else {
        Err(format!("{name} answered {status}: {body}"))
    }
}

/// One new guest's order of `sku`, paid with the good card: what the shop answered.
async fn guest_order(base: &str, sku: &str, email: &str) -> Result<Paid, String> {
    let client = reqwest::Client::new();
    let mut cookie = None;
    let form = [("sku", sku), ("quantity", "1")];
    call(&client, base, &mut cookie, "add_to_cart", &form).await?;
    let started = call(&client, base, &mut cookie, "start_checkout", &[]).await?;
    let key = started["idempotency_key"]
        .as_str()
        .ok_or_else(|| format!("start_checkout: {started}"))?
        .to_owned();
    let step = call(
        &client,
        base,
        &mut cookie,
        "pay",
        &[
            ("idempotency_key", key.as_str()),
            ("email", email),
            ("full_name", "Ada Lovelace"),
            ("line1", "12 St James's Square"),
            ("city", "London"),
            ("postcode", "SW1Y 4LG"),
            ("country", "GB"),
            ("shipping_method", "standard"),
            ("card_number", "4242 4242 4242 4242"),
            ("card_expiry", "12/40"),
            ("card_cvc", "123"),
        ],
    )
    .await?;
    let path = step["Paid"]["path"]
        .as_str()
        .ok_or_else(|| format!("pay: {step}"))?;
    let number = path
        .trim_start_matches("/orders/")
        .split(['?', '/'])
        .next()
        .unwrap_or_default()
        .to_owned();
    Ok(Paid {
        number,
        email: email.to_owned(),
    })
}

/// Guests ordering until the server stops answering: every order reported paid.
async fn shop_until_killed(
    base: String,
    skus: Arc<Vec<String>>,
    guest: usize,
    paid: Arc<Mutex<Vec<Paid>>>,
    killed: Arc<AtomicBool>,
) {
    for n in 0.. {
        if killed.load(Ordering::SeqCst) {
            return;
        }
        let email = format!("guest-{guest}-{n}@shop.test");
        let sku = &skus[(guest * 7 + n) % skus.len()];
        match guest_order(&base, sku, &email).await {
            Ok(order) => paid.lock().unwrap().push(order),
            // Failures are expected once the server is gone; before that they are not.
            Err(why) => {
                assert!(
                    killed.load(Ordering::SeqCst),
                    "an order failed before the kill: {why}"
                );
                return;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_checkout_loses_no_paid_order_and_no_queued_email() {
    let test_db = TestDb::new().await;
    let options = SeedOptions {
        products: 20,
        seed: 1,
        currency: Currency::GBP,
    };
    seed(&test_db.db, &options, |_| {}).await.expect("seed");
    sqlx::query("UPDATE variants SET stock = 1000000")
        .execute(test_db.db.pool())
        .await
        .unwrap();
    let skus: Vec<String> = sqlx::query_scalar(
        "SELECT v.sku FROM variants v JOIN products p ON p.id = v.product_id
         WHERE p.published ORDER BY v.id",
    )
    .fetch_all(test_db.db.pool())
    .await
    .unwrap();
    let skus = Arc::new(skus);
    let data_dir = std::env::temp_dir().join(format!(
        "bazaar-test-crash-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(data_dir.join("site")).unwrap();
    let inbox = Inbox::default();
    let smtp_port = free_port();
    let _sink = SmtpSink::start(smtp_port, &inbox);
    let env = [
        ("DATABASE_URL", test_db.url.clone()),
        ("BAZAAR_DATA_DIR", data_dir.display().to_string()),
        (
            "LEPTOS_SITE_ROOT",
            data_dir.join("site").display().to_string(),
        ),
        ("BAZAAR_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
        (
            "BAZAAR_JOB_TIMEOUT_SECONDS",
            JOB_TIMEOUT_SECONDS.to_string(),
        ),
    ];

    // Guests pay until enough orders are paid, then the server is killed under them.
    let mut first = Bazaar::serve(&env, &data_dir, "first");
    first.wait_until_ready().await;
    let paid = Arc::new(Mutex::new(Vec::new()));
    let killed = Arc::new(AtomicBool::new(false));
    let guests: Vec<_> = (0..GUESTS)
        .map(|guest| {
            tokio::spawn(shop_until_killed(
                first.base.clone(),
                Arc::clone(&skus),
                guest,
                Arc::clone(&paid),
                Arc::clone(&killed),
            ))
        })
        .collect();
    let deadline = Instant::now() + PATIENCE;
    while paid.lock().unwrap().len() < PAID_BEFORE_KILL {
        assert!(
            Instant::now() < deadline,
            "too few orders paid:\n{}",
            first.log()
        );
        assert!(
            !guests.iter().all(|g| g.is_finished()),
            "every guest stopped:\n{}",
            first.log()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    killed.store(true, Ordering::SeqCst);
    first.child.kill().expect("SIGKILL");
    first.child.wait().unwrap();
    for guest in guests {
        guest.await.expect("a guest saw no failure before the kill");
    }
    let paid = paid.lock().unwrap().clone();
    assert!(paid.len() >= PAID_BEFORE_KILL);

    // Every order its guest saw paid is in the database as paid, with its email queued.
    for order in &paid {
        let id = app::orders::parse_order_number(&order.number)
            .unwrap_or_else(|| panic!("not an order number: {order:?}"));
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
            .bind(id as i64)
            .fetch_optional(test_db.db.pool())
            .await
            .unwrap();
        assert_eq!(status.as_deref(), Some("paid"), "{order:?}");
        let queued: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'email' AND payload LIKE $1",
        )
        .bind(format!("%{}%", order.number))
        .fetch_one(test_db.db.pool())
        .await
        .unwrap();
        assert_eq!(queued, 1, "no confirmation queued for {order:?}");
    }

    // Started again, the server sends every queued email (the stock-release jobs wait
    // for their time, half an hour away), including any the killed
    // worker had claimed (after that claim's lease passes).
    let mut second = Bazaar::serve(&env, &data_dir, "second");
    second.wait_until_ready().await;
    let deadline = Instant::now() + PATIENCE + Duration::from_secs(2 * JOB_TIMEOUT_SECONDS);
    loop {
        let (pending, other): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN state NOT IN ('pending', 'done') THEN 1 ELSE 0 END), 0)
             FROM jobs WHERE kind = 'email'",
        )
        .fetch_one(test_db.db.pool())
        .await
        .unwrap();
        assert_eq!(other, 0, "a job died:\n{}", second.log());
        if pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} job(s) still queued after the restart:\n{}",
            second.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let reclaimed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'email' AND attempts > 1")
            .fetch_one(test_db.db.pool())
            .await
            .unwrap();
    eprintln!(
        "{} orders paid before the kill; {reclaimed} email job(s) held by the killed worker \
         were run again after their lease",
        paid.len()
    );
    let received = inbox.received();
    for order in &paid {
        assert!(
            received
                .iter()
                .any(|m| m.rcpt_tos.contains(&order.email) && m.subject.contains(&order.number)),
            "the confirmation of {order:?} never arrived"
        );
    }
    drop(second);
    let _ = std::fs::remove_dir_all(&data_dir);
}
