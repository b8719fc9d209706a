//! Staff photos served from the photo store, local files or an S3-compatible bucket.

use crate::helpers::TestApp;
use app::media::s3_test_server::{unreachable_settings, S3TestServer};
use app::media::test_pictures::jpeg_with_exif_gps;
use app::media::{store_photo, PhotoFormat, PhotoLimits, PhotoSize, Storage, StoredPhoto};

/// Stores a photo in `storage` and checks the app serves every file of it for good, with
/// its own type, and a 304 to a browser that has it.
async fn serves_every_file_of_a_stored_photo(app: &TestApp, storage: &Storage) -> StoredPhoto {
    let photo = store_photo(
        storage,
        jpeg_with_exif_gps(1200, 800, 1),
        PhotoLimits::default(),
    )
    .await
    .unwrap();
    for variant in &photo.variants {
        let url = format!("/media/{}", variant.key);
        let response = app.get(&url).await;
        assert_eq!(response.status(), 200, "{url}");
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], variant.format.content_type());
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let etag = headers["etag"].to_str().unwrap().to_owned();
        let body = response.bytes().await.unwrap();
        assert_eq!(
            body,
            storage.get(&variant.key).await.unwrap().unwrap(),
            "{url}"
        );
        let again = app
            .client
            .get(format!("{}{url}", app.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304);
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    }
    photo
}

async fn other_names_are_not_found(app: &TestApp) {
    let unknown = format!("/media/photos/{}.jpg", "0".repeat(64));
    for path in [
        unknown.as_str(),
        "/media/photos/short.jpg",
        "/media/photos/..%2F..%2Fbazaar.db",
        &format!("/media/photos/{}.svg", "0".repeat(64)),
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn photos_in_the_local_store_are_served_for_good() {
    let app = TestApp::seeded(1).await;
    // The app's store is files under its media folder.
    let storage = Storage::local(&app.media_dir).unwrap();
    let photo = serves_every_file_of_a_stored_photo(&app, &storage).await;
    let card = photo.variant(PhotoSize::Card, PhotoFormat::Jpeg).unwrap();
    assert!(app.media_dir.join(&card.key).is_file());
    other_names_are_not_found(&app).await;
    // Deleted files are gone from the shop too.
    storage.delete_all(&photo.keys()).await;
    assert_eq!(app.get(&format!("/media/{}", card.key)).await.status(), 404);
}

#[tokio::test]
async fn photos_in_an_s3_bucket_are_served_for_good() {
    let Some(moto) = S3TestServer::start().await else {
        return;
    };
    let storage = Storage::s3(&moto.settings("shop")).unwrap();
    let for_app = storage.clone();
    let app = TestApp::seeded_with(1, move |state| state.storage = for_app).await;
    let photo = serves_every_file_of_a_stored_photo(&app, &storage).await;
    // Nothing was written to the local folder.
    assert!(!app.media_dir.join("photos").exists());
    other_names_are_not_found(&app).await;
    storage.delete_all(&photo.keys()).await;
    let large = photo.variant(PhotoSize::Large, PhotoFormat::Webp).unwrap();
    assert_eq!(
        app.get(&format!("/media/{}", large.key)).await.status(),
        404
    );
}

#[tokio::test]
async fn an_unreachable_bucket_is_a_503_not_a_missing_photo() {
    let storage = Storage::s3(&unreachable_settings()).unwrap();
    let app = TestApp::seeded_with(1, move |state| state.storage = storage).await;
    let response = app
        .get(&format!("/media/photos/{}.png", "a".repeat(64)))
        .await;
    assert_eq!(response.status(), 503);
}
