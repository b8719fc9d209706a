//! `store_photo` end to end, against the local store and an S3-compatible server.

use super::storage::tests::TempDir;
use super::test_pictures::*;
use super::*;
use crate::media::s3_test_server::S3TestServer;

/// Every refusal case of the issue, with the refusal each must get.
pub(crate) fn refused_uploads() -> Vec<(&'static str, Vec<u8>, Refusal)> {
    let mut png_on_zip = png_bomb_header(1, 1)[..8].to_vec();
    png_on_zip.extend_from_slice(&zip_archive());
    let photo = jpeg(900, 600);
    vec![
        (
            "too big",
            vec![0xFF; 11 * 1024 * 1024],
            Refusal::TooBig {
                size: 11 * 1024 * 1024,
                limit: 10 * 1024 * 1024,
            },
        ),
        (
            "not an image",
            b"hello".to_vec(),
            Refusal::NotAPhoto(Impostor::Unknown),
        ),
        (
            "SVG with a script",
            SVG_WITH_SCRIPT.to_vec(),
            Refusal::NotAPhoto(Impostor::Svg),
        ),
        (
            "HTML",
            HTML_PAGE.to_vec(),
            Refusal::NotAPhoto(Impostor::Html),
        ),
        (
            "PNG header on a ZIP",
            png_on_zip,
            Refusal::Disguised {
                claims: PhotoFormat::Png,
                is: Impostor::Zip,
            },
        ),
        (
            "20000 × 20000 pixel bomb",
            png_bomb_header(20_000, 20_000),
            Refusal::TooManyPixels {
                width: 20_000,
                height: 20_000,
                limit: inspect::DEFAULT_MAX_PIXELS,
            },
        ),
        (
            "truncated JPEG",
            photo[..photo.len() / 2].to_vec(),
            Refusal::Damaged(PhotoFormat::Jpeg),
        ),
    ]
}

async fn refusals_leave_the_store_as_it_was(storage: &Storage) {
    let before = storage.list("photos").await.unwrap();
    for (case, upload, expected) in refused_uploads() {
        match store_photo(storage, upload, PhotoLimits::default()).await {
            Err(PhotoError::Refused(refusal)) => assert_eq!(refusal, expected, "{case}"),
            other => panic!("{case}: {other:?}"),
        }
        assert_eq!(storage.list("photos").await.unwrap(), before, "{case}");
    }
}

async fn a_photo_is_stored_whole_and_without_its_gps(storage: &Storage) {
    let stored = store_photo(
        storage,
        jpeg_with_exif_gps(2400, 1800, 1),
        PhotoLimits::default(),
    )
    .await
    .unwrap();
    assert_eq!(stored.variants.len(), 6);
    let mut listed = storage.list("photos").await.unwrap();
    listed.sort();
    let mut keys = stored.keys();
    keys.sort();
    assert_eq!(listed, keys);
    for variant in &stored.variants {
        let bytes = storage.get(&variant.key).await.unwrap().unwrap();
        assert!(!bytes.windows(EXIF_MARKER.len()).any(|w| w == EXIF_MARKER));
        assert!(!bytes.windows(4).any(|w| w == b"Exif"));
        let inspected = inspect::inspect(&bytes, &PhotoLimits::default()).unwrap();
        assert_eq!(inspected.format, variant.format);
        assert_eq!(
            (inspected.width, inspected.height),
            (variant.width, variant.height)
        );
        assert_eq!(
            content_type(&variant.key),
            Some(variant.format.content_type())
        );
    }
    let large = stored.variant(PhotoSize::Large, PhotoFormat::Webp).unwrap();
    assert_eq!((large.width, large.height), (1600, 1200));
    // Removing the photo removes its files.
    assert_eq!(storage.delete_all(&stored.keys()).await, 0);
    assert!(storage.list("photos").await.unwrap().is_empty());
}

/// What `store_photo` must do with any store: refusals beside a file already there,
/// then a photo.
async fn takes_photos(storage: &Storage) {
    storage
        .put("photos/existing.jpg", b"x".to_vec())
        .await
        .unwrap();
    refusals_leave_the_store_as_it_was(storage).await;
    storage.delete("photos/existing.jpg").await.unwrap();
    a_photo_is_stored_whole_and_without_its_gps(storage).await;
}

#[tokio::test]
async fn uploads_to_the_local_store() {
    let dir = TempDir::new("photos");
    takes_photos(&Storage::local(&dir.0).unwrap()).await;
}

#[tokio::test]
async fn uploads_to_an_s3_compatible_store() {
    let Some(moto) = S3TestServer::start().await else {
        return;
    };
    takes_photos(&Storage::s3(&moto.settings("media")).unwrap()).await;
}

#[tokio::test]
async fn a_store_that_fails_midway_keeps_none_of_the_photo() {
    let dir = TempDir::new("photos");
    let storage = Storage::local(&dir.0).unwrap();
    let upload = jpeg(1000, 800);
    let variants = prepare(&upload, &PhotoLimits::default()).unwrap();
    // The fourth file's name is taken by a folder, so its write fails.
    std::fs::create_dir_all(dir.0.join(&variants[3].key).join("x")).unwrap();
    let failed = store_photo(&storage, upload, PhotoLimits::default()).await;
    assert!(matches!(failed, Err(PhotoError::Storage(_))), "{failed:?}");
    for variant in &variants {
        assert!(!storage.exists(&variant.key).await.unwrap() || variant.key == variants[3].key);
    }
}

#[test]
fn only_names_store_photo_gives_are_photo_file_names() {
    let hash = "a".repeat(64);
    assert!(is_photo_file_name(&format!("{hash}.jpg")));
    assert!(is_photo_file_name(&format!("{hash}.webp")));
    for bad in [
        format!("{hash}.svg"),
        format!("{}.jpg", "A".repeat(64)),
        format!("{}.jpg", "a".repeat(63)),
        "../secret.jpg".to_owned(),
        format!("{hash}.jpg.html"),
    ] {
        assert!(!is_photo_file_name(&bad), "{bad}");
    }
    assert_eq!(content_type("photos/x.webp"), Some("image/webp"));
    assert_eq!(content_type("photos/x.gif"), None);
}
