use super::*;
use crate::media::s3_test_server::{unreachable_settings, S3TestServer};

/// A folder under the system's temp dir, removed on drop.
pub(crate) struct TempDir(pub PathBuf);

impl TempDir {
    pub(crate) fn new(label: &str) -> TempDir {
        static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        TempDir(std::env::temp_dir().join(format!(
            "bazaar-{label}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        )))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What every store must do, whatever it is.
async fn behaves_as_a_photo_store(storage: &Storage) {
    let key = "photos/0123abcd.jpg";
    assert_eq!(storage.get(key).await.unwrap(), None);
    assert!(!storage.exists(key).await.unwrap());
    storage.put(key, b"first".to_vec()).await.unwrap();
    assert!(storage.exists(key).await.unwrap());
    assert_eq!(storage.get(key).await.unwrap().unwrap(), &b"first"[..]);
    storage.put(key, b"second".to_vec()).await.unwrap();
    assert_eq!(storage.get(key).await.unwrap().unwrap(), &b"second"[..]);
    assert_eq!(storage.list("photos").await.unwrap(), vec![key.to_owned()]);
    storage.delete(key).await.unwrap();
    assert_eq!(storage.get(key).await.unwrap(), None);
    // Deleting what is not there is not an error.
    storage.delete(key).await.unwrap();
    assert!(storage.list("photos").await.unwrap().is_empty());

    // A set of files goes in together; files already there are kept by a later delete of
    // the set's others.
    let set: Vec<(String, Vec<u8>)> = (0..4)
        .map(|i| (format!("photos/set-{i}.png"), vec![i; 10]))
        .collect();
    storage.put_all(set.clone()).await.unwrap();
    for (key, bytes) in &set {
        assert_eq!(storage.get(key).await.unwrap().unwrap(), &bytes[..]);
    }
    let keys: Vec<String> = set.iter().map(|(k, _)| k.clone()).collect();
    assert_eq!(storage.delete_all(&keys).await, 0);
    assert!(storage.list("photos").await.unwrap().is_empty());

    for bad in [
        "",
        "/etc/passwd",
        "photos/../../secret",
        "photos//x",
        "photos/./x",
        "a\\b",
    ] {
        assert!(matches!(
            storage.put(bad, vec![1]).await,
            Err(StorageError::BadKey { .. })
        ));
    }
}

#[tokio::test]
async fn the_local_store_keeps_files_under_its_folder() {
    let dir = TempDir::new("storage");
    // The folder does not exist yet: it is made by the first write.
    let storage = Storage::local(&dir.0).unwrap();
    behaves_as_a_photo_store(&storage).await;
    storage.put("photos/abc.webp", b"x".to_vec()).await.unwrap();
    assert_eq!(std::fs::read(dir.0.join("photos/abc.webp")).unwrap(), b"x");
    // A relative folder with `..` in it works too.
    let relative = dir.0.join("a/../b");
    let storage = Storage::local(&relative).unwrap();
    storage.put("photos/k.png", b"y".to_vec()).await.unwrap();
    assert_eq!(std::fs::read(dir.0.join("b/photos/k.png")).unwrap(), b"y");
}

#[tokio::test]
async fn a_failed_write_in_a_set_removes_what_the_set_wrote_and_nothing_else() {
    let dir = TempDir::new("storage");
    let storage = Storage::local(&dir.0).unwrap();
    storage
        .put("photos/kept.jpg", b"old".to_vec())
        .await
        .unwrap();
    // A folder where the third file should go makes that write fail.
    std::fs::create_dir_all(dir.0.join("photos/blocked.jpg/inside")).unwrap();
    let set = vec![
        ("photos/new-1.jpg".to_owned(), b"1".to_vec()),
        ("photos/kept.jpg".to_owned(), b"old".to_vec()),
        ("photos/blocked.jpg".to_owned(), b"3".to_vec()),
        ("photos/new-4.jpg".to_owned(), b"4".to_vec()),
    ];
    assert!(storage.put_all(set).await.is_err());
    assert_eq!(storage.get("photos/new-1.jpg").await.unwrap(), None);
    assert_eq!(storage.get("photos/new-4.jpg").await.unwrap(), None);
    assert_eq!(
        storage.get("photos/kept.jpg").await.unwrap().unwrap(),
        &b"old"[..]
    );
}

#[tokio::test]
async fn an_s3_bucket_behaves_like_the_local_store() {
    let Some(moto) = S3TestServer::start().await else {
        return;
    };
    let storage = Storage::s3(&moto.settings("shop/media")).unwrap();
    behaves_as_a_photo_store(&storage).await;
    // The prefix is where the files are in the bucket.
    storage.put("photos/p.jpg", b"z".to_vec()).await.unwrap();
    // Without a prefix files sit at the bucket's root.
    let root = Storage::s3(&moto.settings("")).unwrap();
    assert_eq!(
        root.get("shop/media/photos/p.jpg").await.unwrap().unwrap(),
        &b"z"[..]
    );
}

#[tokio::test]
async fn an_s3_store_that_does_not_answer_is_an_error_not_a_missing_file() {
    let storage = Storage::s3(&unreachable_settings()).unwrap();
    let started = std::time::Instant::now();
    assert!(storage.get("photos/a.jpg").await.is_err());
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn storage_urls_name_a_bucket_and_a_folder() {
    let s3 = S3Settings::from_url("s3://shop-photos/live/media/").unwrap();
    assert_eq!(
        (s3.bucket.as_str(), s3.prefix.as_str()),
        ("shop-photos", "live/media")
    );
    assert_eq!(S3Settings::from_url("s3://shop-photos").unwrap().prefix, "");
    for bad in [
        "s3://",
        "s3://A_Bucket/x",
        "http://bucket/x",
        "s3://bucket/../x",
        "s3://b",
    ] {
        assert_eq!(S3Settings::from_url(bad), None, "{bad}");
    }
    let mut with_secret = s3.clone();
    with_secret.secret_access_key = Some("wJalrXUtnFEMI".into());
    assert!(!format!("{with_secret:?}").contains("wJalrXUtnFEMI"));
}
