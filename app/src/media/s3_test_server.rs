//! A real S3-compatible server for tests: `moto` (PyPI) in server mode, one per test on a
//! free port with a fresh bucket, killed on drop. Used by the storage tests here and by
//! the server's HTTP tests.

use super::storage::S3Settings;
use crate::test_services::{free_port, PythonPackage, PythonService};

/// What the S3 tests need: `make python-packages` installs it.
pub const MOTO: PythonPackage = PythonPackage {
    import: "moto.server",
    requirement: "moto[server]==5.2.1",
    needed_by: "the S3 storage tests",
};

pub struct S3TestServer {
    service: PythonService,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    pub bucket: String,
}

impl S3TestServer {
    /// A fresh moto with an empty bucket. `None` (the test skips, loudly) only when moto is
    /// missing outside CI; under `CI=true` a missing moto fails the test.
    pub async fn start() -> Option<S3TestServer> {
        if !MOTO.installed_or_skip() {
            return None;
        }
        let port = free_port();
        let args = [
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ];
        let server = S3TestServer {
            service: PythonService::start("moto", port, &args),
            endpoint: format!("http://127.0.0.1:{port}"),
            bucket: "bazaar-test".to_owned(),
        };
        // moto takes unsigned requests: a plain PUT makes the bucket.
        let created = reqwest::Client::new()
            .put(format!("{}/{}", server.endpoint, server.bucket))
            .send()
            .await
            .expect("moto answers");
        assert!(
            created.status().is_success(),
            "moto did not create the bucket: {created:?}\n{}",
            server.service.log()
        );
        Some(server)
    }

    /// Settings for this server's bucket, under `prefix`.
    pub fn settings(&self, prefix: &str) -> S3Settings {
        S3Settings {
            bucket: self.bucket.clone(),
            prefix: prefix.to_owned(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".to_owned(),
            access_key_id: Some("testing".to_owned()),
            secret_access_key: Some("testing".to_owned()),
        }
    }
}

/// Settings for a bucket at an address where nothing listens.
pub fn unreachable_settings() -> S3Settings {
    S3Settings {
        endpoint: Some(format!("http://127.0.0.1:{}", free_port())),
        access_key_id: Some("id".into()),
        secret_access_key: Some("secret".into()),
        ..S3Settings::from_url("s3://nobody-home").unwrap()
    }
}
