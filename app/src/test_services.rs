//! A Python program our tests talk to over a port: aiosmtpd (`email::smtp_sink`), moto
//! (`media::s3_test_server`) and localstripe (the server's `tests/http/localstripe.rs`).
//! Here is what they share: the check that python3 can import the package, the start on a
//! free port with the program's output kept in a log file, the wait until it accepts
//! connections, and the kill on drop. Each launcher adds what is its own (the inbox, the
//! bucket, the webhook settings).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a service may take to listen: moto needs some seconds on a busy machine.
const START_WITHIN: Duration = Duration::from_secs(30);

/// A port nothing listens on (until a service is started on it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free local port")
}

/// A Python package a test service needs, and what to tell whoever does not have it.
pub struct PythonPackage {
    /// What `python3 -c "import …"` must find: `moto.server`.
    pub import: &'static str,
    /// What `make python-packages` installs with pip: `moto[server]==5.2.1`.
    pub requirement: &'static str,
    /// Which tests need it, for the messages: `the S3 storage tests`.
    pub needed_by: &'static str,
}

impl PythonPackage {
    /// Whether python3 can import the package.
    pub fn is_installed(&self) -> bool {
        Command::new("python3")
            .args(["-c", &format!("import {}", self.import)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }

    /// Fails, never skips, when the package is missing, saying how to get it.
    pub fn require(&self) {
        assert!(
            self.is_installed(),
            "{}: {}",
            self.missing(),
            self.how_to_install()
        );
    }

    /// Whether the package is there. When it is not, the test should skip: this says so
    /// loudly, or fails under `CI=true`, where nothing may be skipped.
    pub fn installed_or_skip(&self) -> bool {
        if self.is_installed() {
            return true;
        }
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{}, and CI=true: {}",
            self.missing(),
            self.how_to_install()
        );
        eprintln!(
            "\n*** SKIPPED: {}; {}. (Under CI=true they fail instead.) ***\n",
            self.missing(),
            self.how_to_install()
        );
        false
    }

    fn missing(&self) -> String {
        format!(
            "{} need the Python package {}, which `python3 -c \"import {}\"` cannot find",
            self.needed_by, self.requirement, self.import
        )
    }

    fn how_to_install(&self) -> String {
        format!(
            "install it with `make python-packages` (`make test` runs it) or \
             `python3 -m pip install --user '{}'`",
            self.requirement
        )
    }
}

/// A running `python3 …` that listens on 127.0.0.1:`port`; killed on drop, when its log
/// file goes too.
pub struct PythonService {
    name: String,
    port: u16,
    child: Child,
    log: PathBuf,
}

impl PythonService {
    /// Starts `python3 args…`, which must listen on 127.0.0.1:`port`, and waits until it
    /// accepts connections. `name` (a word: `moto`) is for messages and the log file's
    /// name. Panics with the log if the program exits first or does not listen in time.
    pub fn start(name: &str, port: u16, args: &[&str]) -> PythonService {
        let log =
            std::env::temp_dir().join(format!("bazaar-{name}-{}-{port}.log", std::process::id()));
        let file = std::fs::File::create(&log)
            .unwrap_or_else(|e| panic!("{name}'s log file {}: {e}", log.display()));
        let child = Command::new("python3")
            .args(args)
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("python3 runs");
        let mut service = PythonService {
            name: name.to_owned(),
            port,
            child,
            log,
        };
        service.wait_until_listening();
        service
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + START_WITHIN;
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("{} exited ({status}):\n{}", self.name, self.log());
            }
            assert!(
                Instant::now() < deadline,
                "{} did not listen on port {} within {} s:\n{}",
                self.name,
                self.port,
                START_WITHIN.as_secs(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// What the program has written to stdout and stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for PythonService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}
