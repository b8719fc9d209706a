//! A real SMTP server for tests: `app/tests/smtp_sink.py` (aiosmtpd), which saves each
//! message it accepts into an [`Inbox`] directory.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");

/// A message as the SMTP server received and parsed it.
#[derive(Debug, Clone, Deserialize)]
pub struct Received {
    pub rcpt_tos: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub text: Option<String>,
    pub html: Option<String>,
}

/// A directory the SMTP server saves messages into; removed on drop.
pub struct Inbox {
    dir: PathBuf,
}

impl Default for Inbox {
    fn default() -> Inbox {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bazaar-inbox-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Inbox { dir }
    }
}

impl Inbox {
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Every message received so far, in order of arrival.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|path| {
                let json = std::fs::read_to_string(path).unwrap();
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            })
            .collect()
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nothing listens on (until a sink is started on it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free local port")
}

/// The running SMTP server; killed on drop.
pub struct SmtpSink {
    child: Child,
}

impl SmtpSink {
    /// Starts the server on `127.0.0.1:port`, saving into `inbox`, and waits until it
    /// accepts connections.
    pub fn start(port: u16, inbox: &Inbox) -> SmtpSink {
        require_aiosmtpd();
        let log_path = inbox.dir.join(format!("sink-{port}.log"));
        let log = std::fs::File::create(&log_path).unwrap();
        let child = Command::new("python3")
            .arg(SCRIPT)
            .arg("--port")
            .arg(port.to_string())
            .arg(&inbox.dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("python3 runs");
        let mut sink = SmtpSink { child };
        sink.wait_until_listening(port, &log_path);
        sink
    }

    fn wait_until_listening(&mut self, port: u16, log_path: &Path) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                let log = std::fs::read_to_string(log_path).unwrap_or_default();
                panic!("the test SMTP server exited ({status}):\n{log}");
            }
            assert!(
                Instant::now() < deadline,
                "the test SMTP server did not listen on port {port} within 20 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Fails, never skips, when aiosmtpd is missing, saying how to get it.
fn require_aiosmtpd() {
    let found = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    assert!(
        found,
        "the email tests need a real SMTP server from the Python package aiosmtpd, which \
         `python3 -c \"import aiosmtpd\"` cannot find: run `make test` (it installs it), or \
         `python3 -m pip install --user aiosmtpd==1.4.6`"
    );
}
