use app::catalog::seed::{seed, SeedOptions};
use app::db::testing::TestDb;
use app::db::Db;
use app::email::smtp_sink::{Inbox, Received, SmtpSink};
use app::email::{EmailJobs, Mailer, SmtpUrl};
use app::jobs::{Worker, WorkerOptions};
use app::money::Currency;
use app::search::index::SearchIndex;
use app::state::AppState;
use app::test_services::free_port;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    /// The `DATABASE_URL` of `db`, for the `bazaar` command line.
    pub database_url: String,
    /// The running server's own search index.
    pub search: SearchIndex,
    /// The server's picture store, removed with the app.
    pub media_dir: std::path::PathBuf,
    stop: Option<oneshot::Sender<()>>,
    /// The job worker and data directory of a server started as `bazaar serve` starts it.
    worker: Option<tokio::task::JoinHandle<()>>,
    data_dir: Option<std::path::PathBuf>,
    // Dropped last: removes the database once every server on it has gone.
    _test_db: Arc<TestDb>,
}

impl TestApp {
    /// A running server whose catalog is the demo seed with `products` products.
    pub async fn seeded(products: u64) -> TestApp {
        TestApp::seeded_with(products, |_| {}).await
    }

    /// As [`TestApp::seeded`], with the state adjusted by `adjust` before serving.
    pub async fn seeded_with(products: u64, adjust: impl FnOnce(&mut AppState)) -> TestApp {
        TestApp::seeded_serving_metrics(products, adjust, server::MetricsEndpoints::default()).await
    }

    /// As [`TestApp::seeded_with`], serving `/metrics` where `metrics` says.
    pub async fn seeded_serving_metrics(
        products: u64,
        adjust: impl FnOnce(&mut AppState),
        metrics: server::MetricsEndpoints,
    ) -> TestApp {
        let test_db = TestDb::new().await;
        let options = SeedOptions {
            products,
            seed: 1,
            currency: Currency::GBP,
        };
        seed(&test_db.db, &options, |_| {}).await.expect("seed");
        let site_root = test_site_root();
        let leptos_options = LeptosOptions::builder()
            .output_name("bazaar")
            .site_root(site_root.display().to_string())
            .site_pkg_dir("pkg")
            .build();
        static APPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let media_dir = std::env::temp_dir().join(format!(
            "bazaar-test-media-{}-{}",
            std::process::id(),
            APPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let mut state = AppState::new(leptos_options, test_db.db.clone(), media_dir.clone())
            .await
            .expect("search index");
        adjust(&mut state);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let search = state.search.clone();
        tokio::spawn(server::serve_with_metrics(
            listener,
            state,
            metrics,
            async {
                let _ = stopped.await;
            },
        ));
        TestApp {
            base,
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            db: test_db.db.clone(),
            database_url: test_db.url.clone(),
            search,
            media_dir,
            stop: Some(stop),
            worker: None,
            data_dir: None,
            _test_db: Arc::new(test_db),
        }
    }

    /// A server on `test_db` wired as `bazaar serve` wires one, from the configuration
    /// `env` gives (over a data directory and site root of its own): its own pool, search
    /// index following the change feed, and job worker. Several on one database behave
    /// as several `bazaar serve` processes.
    pub async fn as_bazaar_serve(test_db: &Arc<TestDb>, env: &[(&str, String)]) -> TestApp {
        static INSTANCES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let data_dir = std::env::temp_dir().join(format!(
            "bazaar-test-instance-{}-{}",
            std::process::id(),
            INSTANCES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let site_root = test_site_root();
        let config = server::config::Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some(test_db.url.clone()),
            "BAZAAR_DATA_DIR" => Some(data_dir.display().to_string()),
            "LEPTOS_SITE_ROOT" => Some(site_root.display().to_string()),
            _ => env
                .iter()
                .find(|(variable, _)| *variable == name)
                .map(|(_, value)| value.clone()),
        })
        .expect("valid configuration");
        let db = server::open_database(&config)
            .await
            .expect("database opens");
        let state = server::app_state(&config, db.clone()).await.expect("state");
        let worker = server::job_worker(&config, db).expect("job worker");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let search = state.search.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server::serve(listener, state, async {
            let _ = stopped.await;
        }));
        let worker = tokio::spawn(worker.run(std::future::pending()));
        TestApp {
            base,
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            db: test_db.db.clone(),
            database_url: test_db.url.clone(),
            search,
            media_dir: data_dir.join("media"),
            stop: Some(stop),
            worker: Some(worker),
            data_dir: Some(data_dir),
            _test_db: Arc::clone(test_db),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request reaches the server")
    }

    /// Status and body of a page.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }
}

/// A real SMTP server, and a job worker delivering the app's queued email into it.
pub struct MailRoom {
    inbox: Inbox,
    _sink: SmtpSink,
    worker: tokio::task::JoinHandle<()>,
}

impl TestApp {
    /// Starts delivering this app's email to a real SMTP server.
    pub fn deliver_mail(&self) -> MailRoom {
        let inbox = Inbox::default();
        let port = free_port();
        let sink = SmtpSink::start(port, &inbox);
        let mailer = Mailer::smtp(
            &SmtpUrl::new(format!("smtp://127.0.0.1:{port}")),
            "Bazaar <shop@bazaar.test>",
        )
        .expect("mailer");
        let options = WorkerOptions {
            poll_interval: std::time::Duration::from_millis(50),
            ..Default::default()
        };
        let worker = Worker::new(self.db.clone(), options).handle(EmailJobs::new(mailer));
        let worker = tokio::spawn(worker.run(std::future::pending()));
        MailRoom {
            inbox,
            _sink: sink,
            worker,
        }
    }
}

impl MailRoom {
    /// The first message to `to` whose subject contains `subject`, waiting up to 20 s.
    pub async fn wait_for(&self, to: &str, subject: &str) -> Received {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Some(found) = self
                .inbox
                .received()
                .into_iter()
                .find(|m| m.rcpt_tos.iter().any(|r| r == to) && m.subject.contains(subject))
            {
                return found;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no email to {to} about {subject:?} within 20 s; received: {:#?}",
                self.inbox.received()
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Every message received so far.
    pub fn received(&self) -> Vec<Received> {
        self.inbox.received()
    }
}

impl Drop for MailRoom {
    fn drop(&mut self) {
        self.worker.abort();
    }
}

/// The path and query of the first link in `text` that leads to `path` on the shop.
pub fn link_to(text: &str, path: &str) -> String {
    let start = text
        .find(&format!("{path}?"))
        .unwrap_or_else(|| panic!("no link to {path} in:\n{text}"));
    text[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap()
        .to_owned()
}

/// A site root holding the real `public/` files, as the release build lays them out.
fn test_site_root() -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("bazaar-test-site-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("site root");
    let public = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    for entry in std::fs::read_dir(public).expect("public/ exists") {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), root.join(entry.file_name())).unwrap();
    }
    root
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(worker) = self.worker.take() {
            worker.abort();
        }
        let _ = std::fs::remove_dir_all(&self.media_dir);
        if let Some(data_dir) = &self.data_dir {
            let _ = std::fs::remove_dir_all(data_dir);
        }
    }
}

/// The text of the first element carrying `data-testid="<id>"`, tags stripped.
pub fn test_id_text(html: &str, id: &str) -> Option<String> {
    let marker = format!("data-testid=\"{id}\"");
    let start = html.find(&marker)?;
    let open_end = start + html[start..].find('>')? + 1;
    let close = open_end + html[open_end..].find("</")?;
    Some(strip_tags(&html[open_end..close]).trim().to_owned())
}

fn strip_tags(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
