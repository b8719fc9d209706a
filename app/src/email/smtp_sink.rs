//! A real SMTP server for tests: `app/tests/smtp_sink.py` (aiosmtpd), which saves each
//! message it accepts into an [`Inbox`] directory.

use crate::test_services::{PythonPackage, PythonService};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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

/// What the email tests need: `make python-packages` installs it.
const AIOSMTPD: PythonPackage = PythonPackage {
    import: "aiosmtpd",
    requirement: "aiosmtpd==1.4.6",
    needed_by: "the email tests",
};

/// The running SMTP server; killed on drop.
pub struct SmtpSink {
    _service: PythonService,
}

impl SmtpSink {
    /// Starts the server on `127.0.0.1:port`, saving into `inbox`, and waits until it
    /// accepts connections. Fails, never skips, when aiosmtpd is missing.
    pub fn start(port: u16, inbox: &Inbox) -> SmtpSink {
        AIOSMTPD.require();
        let dir = inbox.dir.to_str().expect("a temp folder named in UTF-8");
        let service = PythonService::start(
            "aiosmtpd",
            port,
            &[SCRIPT, "--port", &port.to_string(), dir],
        );
        SmtpSink { _service: service }
    }
}
