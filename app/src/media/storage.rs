//! Where photo files live, behind `object_store`: files under `$BAZAAR_DATA_DIR/media` by
//! default, or an S3-compatible bucket (`BAZAAR_STORAGE_URL=s3://bucket/prefix`).
//! Keys are relative paths such as `photos/<sha-256>.jpg`, the same in both.

use axum::body::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::prefix::PrefixStore;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Which store to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageSettings {
    /// Files under this folder (`$BAZAAR_DATA_DIR/media`).
    Local(PathBuf),
    S3(S3Settings),
}

/// An S3-compatible bucket. Without an endpoint it is Amazon S3 in `region`; without keys
/// the instance's own credentials are used (instance profile, web identity).
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    /// Folder inside the bucket, without slashes at either end; may be empty.
    pub prefix: String,
    /// `BAZAAR_S3_ENDPOINT`: `http(s)://host:port` of a store that is not Amazon's.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl S3Settings {
    /// Bucket and prefix from `s3://bucket/prefix`, the rest at their defaults.
    pub fn from_url(url: &str) -> Option<S3Settings> {
        let rest = url.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        let prefix = prefix.trim_matches('/');
        let prefix_ok =
            prefix.split('/').all(|part| part != "." && part != "..") && !prefix.contains("//");
        (bucket_ok && prefix_ok).then(|| S3Settings {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            endpoint: None,
            region: "us-east-1".to_owned(),
            access_key_id: None,
            secret_access_key: None,
        })
    }
}

// The secret key never prints.
impl fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "[hidden]"),
            )
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("photo storage {store}: {source}")]
    Store {
        store: Arc<str>,
        #[source]
        source: object_store::Error,
    },
    #[error("{key:?} is not a photo storage key")]
    BadKey { key: String },
    #[error("cannot open photo storage {store}: {reason}")]
    Open { store: String, reason: String },
}

/// The photo store: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Where it is, for logs and errors.
    name: Arc<str>,
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Storage({})", self.name)
    }
}

impl Storage {
    pub fn open(settings: &StorageSettings) -> Result<Storage, StorageError> {
        match settings {
            StorageSettings::Local(dir) => Storage::local(dir),
            StorageSettings::S3(s3) => Storage::s3(s3),
        }
    }

    /// Files under `dir`, which is created when the first file is written.
    pub fn local(dir: &Path) -> Result<Storage, StorageError> {
        let open_error = |reason: String| StorageError::Open {
            store: dir.display().to_string(),
            reason,
        };
        // The folder need not exist yet, so it cannot be canonicalised; `.` and `..` are
        // resolved by name instead.
        let absolute = std::path::absolute(dir).map_err(|e| open_error(e.to_string()))?;
        let absolute: PathBuf = absolute
            .components()
            .fold(PathBuf::new(), |mut path, part| {
                match part {
                    Component::ParentDir => {
                        path.pop();
                    }
                    Component::CurDir => {}
                    other => path.push(other),
                }
                path
            });
        let root =
            StorePath::from_absolute_path(&absolute).map_err(|e| open_error(e.to_string()))?;
        let store = PrefixStore::new(LocalFileSystem::new(), root);
        Ok(Storage {
            store: Arc::new(store),
            name: format!("in {}", absolute.display()).into(),
        })
    }

    pub fn s3(settings: &S3Settings) -> Result<Storage, StorageError> {
        let name = match &settings.endpoint {
            Some(endpoint) => format!("s3://{}/{} at {endpoint}", settings.bucket, settings.prefix),
            None => format!("s3://{}/{}", settings.bucket, settings.prefix),
        };
        // A shopper waits on a photo read: give up after seconds, not object_store's
        // default of three minutes of retries.
        let retry = RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(10),
            ..RetryConfig::default()
        };
        let client = ClientOptions::new()
            .with_connect_timeout(Duration::from_secs(5))
            .with_timeout(Duration::from_secs(30));
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_retry(retry)
            .with_client_options(client);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let (Some(id), Some(secret)) = (&settings.access_key_id, &settings.secret_access_key) {
            builder = builder
                .with_access_key_id(id)
                .with_secret_access_key(secret);
        }
        let bucket = builder.build().map_err(|e| StorageError::Open {
            store: name.clone(),
            reason: e.to_string(),
        })?;
        let store: Arc<dyn ObjectStore> = if settings.prefix.is_empty() {
            Arc::new(bucket)
        } else {
            Arc::new(PrefixStore::new(bucket, settings.prefix.as_str()))
        };
        Ok(Storage {
            store,
            name: name.into(),
        })
    }

    fn fail(&self) -> impl Fn(object_store::Error) -> StorageError + '_ {
        |source| StorageError::Store {
            store: self.name.clone(),
            source,
        }
    }

    /// Writes `bytes` under `key`, replacing what was there; readers never see half a file.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        let path = store_path(key)?;
        self.store
            .put(&path, PutPayload::from(bytes))
            .await
            .map_err(self.fail())?;
        Ok(())
    }

    /// The file under `key`, or `None` when there is none.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, StorageError> {
        let path = store_path(key)?;
        match self.store.get(&path).await {
            Ok(found) => Ok(Some(found.bytes().await.map_err(self.fail())?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(other) => Err(self.fail()(other)),
        }
    }

    pub async fn exists(&self, key: &str) -> Result<bool, StorageError> {
        let path = store_path(key)?;
        match self.store.head(&path).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(other) => Err(self.fail()(other)),
        }
    }

    /// Removes the file under `key`; a file that is not there is already removed.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let path = store_path(key)?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(self.fail()(other)),
        }
    }

    /// The keys of the files directly inside `folder` (`photos`), in no set order.
    pub async fn list(&self, folder: &str) -> Result<Vec<String>, StorageError> {
        let path = store_path(folder)?;
        let listed = self
            .store
            .list_with_delimiter(Some(&path))
            .await
            .map_err(self.fail())?;
        Ok(listed
            .objects
            .into_iter()
            .map(|object| object.location.to_string())
            .collect())
    }

    /// Writes every file or, as far as the caller can tell, none: when one write fails the
    /// files this call wrote are deleted again. Files already there (the same content,
    /// as keys name content) are left alone and never deleted by a failure here.
    pub async fn put_all(&self, files: Vec<(String, Vec<u8>)>) -> Result<(), StorageError> {
        let mut written: Vec<String> = Vec::with_capacity(files.len());
        for (key, bytes) in files {
            let outcome = match self.exists(&key).await {
                Ok(true) => continue,
                Ok(false) => self.put(&key, bytes).await,
                Err(err) => Err(err),
            };
            if let Err(err) = outcome {
                self.delete_all(&written).await;
                return Err(err);
            }
            written.push(key);
        }
        Ok(())
    }

    /// Deletes every key it can, logging the ones it cannot (they are left over, never
    /// missing: the database no longer names them).
    pub async fn delete_all(&self, keys: &[String]) -> usize {
        let mut failed = 0;
        for key in keys {
            if let Err(err) = self.delete(key).await {
                failed += 1;
                tracing::warn!(%key, error = %err, "photo file left behind");
            }
        }
        failed
    }
}

/// A key as the store takes it: relative, `/`-separated, no empty, `.` or `..` parts.
fn store_path(key: &str) -> Result<StorePath, StorageError> {
    let bad = || StorageError::BadKey {
        key: key.to_owned(),
    };
    let plain = !key.is_empty()
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
    if !plain {
        return Err(bad());
    }
    StorePath::parse(key).map_err(|_| bad())
}

#[cfg(test)]
pub(crate) mod tests;
