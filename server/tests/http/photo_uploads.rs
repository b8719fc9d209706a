//! Staff uploading, reordering, describing and deleting product photos through the server
//! functions, as multipart over HTTP, and the storefront showing the photos.

use crate::accounts::{browser, call};
use crate::helpers::TestApp;
use crate::staff::{add_account, signed_in, staff_signed_in, CUSTOMER};
use app::accounts::server::Role;
use app::media::s3_test_server::S3TestServer;
use app::media::test_pictures::{
    jpeg, jpeg_with_exif_gps, png, png_bomb_header, zip_archive, EXIF_MARKER, SVG_WITH_SCRIPT,
};
use app::media::{Impostor, PhotoFormat, PhotoLimits, Refusal, Storage};
use app::staff::photos::api::{UploadOutcome, UploadReport};

const BOUNDARY: &str = "bazaar-test-boundary";

/// One part of a multipart body: a text field, or a file with its name.
enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a [u8]),
}

fn multipart_body(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(file_name, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"photo\"; filename=\"{file_name}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts a multipart upload as a script would (JSON back): the status and the response.
async fn post_upload(
    app: &TestApp,
    client: &reqwest::Client,
    parts: &[Part<'_>],
) -> reqwest::Response {
    client
        .post(format!("{}/rpc/upload_product_photos", app.base))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart_body(parts))
        .send()
        .await
        .unwrap()
}

/// Uploads `files` for the product, as staff: the report.
pub(crate) async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    product_id: i64,
    alt: &str,
    files: &[(&str, &[u8])],
) -> UploadReport {
    let id = product_id.to_string();
    let mut parts = vec![Part::Text("product_id", &id), Part::Text("alt", alt)];
    parts.extend(files.iter().map(|(name, bytes)| Part::File(name, bytes)));
    let response = post_upload(app, client, &parts).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub(crate) fn saved_id(report: &UploadReport, index: usize) -> i64 {
    match &report.files[index].outcome {
        UploadOutcome::Saved { photo_id } => *photo_id,
        other => panic!("file {index} not saved: {other:?} in {report:?}"),
    }
}

/// The first product: its id and slug.
async fn product(app: &TestApp) -> (i64, String) {
    sqlx::query_as("SELECT id, slug FROM products ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Photo rows, photo file rows and stored files: what a refused upload must not change.
async fn photo_state(app: &TestApp, storage: &Storage) -> (i64, i64, Vec<String>) {
    let mut files = storage.list("photos").await.unwrap();
    files.sort();
    (
        count(app, "SELECT COUNT(*) FROM product_photos").await,
        count(app, "SELECT COUNT(*) FROM product_photo_files").await,
        files,
    )
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM staff_actions WHERE action = $1")
        .bind(action)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// A limit small enough to pass with a small file: 100 000 bytes.
const SMALL_LIMIT: u64 = 100_000;

#[tokio::test]
async fn every_refused_upload_says_why_and_leaves_nothing_behind() {
    let app = TestApp::seeded_with(1, |state| {
        state.photo_limits = PhotoLimits {
            max_bytes: SMALL_LIMIT,
            ..PhotoLimits::default()
        }
    })
    .await;
    let storage = Storage::local(&app.media_dir).unwrap();
    let (client, _) = staff_signed_in(&app).await;
    let (product_id, _) = product(&app).await;
    // One photo already there, so "as it was" is not just "empty".
    let first = upload(
        &app,
        &client,
        product_id,
        "",
        &[("bowl.jpg", &jpeg(300, 200))],
    )
    .await;
    saved_id(&first, 0);
    let before = photo_state(&app, &storage).await;

    let mut too_big = jpeg(64, 64);
    too_big.resize(SMALL_LIMIT as usize + 20_000, 0);
    let mut png_on_zip = png_bomb_header(1, 1)[..8].to_vec();
    png_on_zip.extend_from_slice(&zip_archive());
    let photo = jpeg(900, 600);
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "huge.jpg",
            too_big,
            "The file is larger than 0.1 MB, the most a photo can be. Make it smaller and try again."
                .to_owned(),
        ),
        (
            "animation.gif",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            Refusal::NotAPhoto(Impostor::Gif).message(),
        ),
        (
            "notes.txt",
            b"just some text".to_vec(),
            Refusal::NotAPhoto(Impostor::Unknown).message(),
        ),
        (
            "drawing.svg",
            SVG_WITH_SCRIPT.to_vec(),
            Refusal::NotAPhoto(Impostor::Svg).message(),
        ),
        (
            "archive.png",
            png_on_zip,
            Refusal::Disguised {
                claims: PhotoFormat::Png,
                is: Impostor::Zip,
            }
            .message(),
        ),
        (
            "bomb.png",
            png_bomb_header(20_000, 20_000),
            Refusal::TooManyPixels {
                width: 20_000,
                height: 20_000,
                limit: PhotoLimits::default().max_pixels,
            }
            .message(),
        ),
        (
            "cut-short.jpg",
            photo[..photo.len() / 2].to_vec(),
            Refusal::Damaged(PhotoFormat::Jpeg).message(),
        ),
    ];
    for (name, bytes, reason) in cases {
        let report = upload(&app, &client, product_id, "", &[(name, &bytes)]).await;
        assert_eq!(report.files.len(), 1, "{name}: {report:?}");
        assert_eq!(report.files[0].name, name);
        assert_eq!(
            report.files[0].outcome,
            UploadOutcome::Refused { reason },
            "{name}"
        );
        assert_eq!(photo_state(&app, &storage).await, before, "{name}");
    }
    assert_eq!(audit_count(&app, "photo.added").await, 1);
}

#[tokio::test]
async fn a_photo_with_a_gps_position_is_stored_without_its_exif() {
    let app = TestApp::seeded(1).await;
    let storage = Storage::local(&app.media_dir).unwrap();
    let (client, _) = staff_signed_in(&app).await;
    let (product_id, slug) = product(&app).await;
    let original = jpeg_with_exif_gps(1200, 800, 1);
    assert!(original
        .windows(EXIF_MARKER.len())
        .any(|w| w == EXIF_MARKER));

    let report = upload(
        &app,
        &client,
        product_id,
        "A bowl",
        &[("phone.jpg", &original)],
    )
    .await;
    saved_id(&report, 0);
    assert_eq!(report.summary(), "1 photo saved.");

    let files = storage.list("photos").await.unwrap();
    assert_eq!(
        files.len(),
        6,
        "three sizes, each in JPEG and WebP: {files:?}"
    );
    for key in &files {
        let bytes = storage.get(key).await.unwrap().unwrap();
        assert!(
            !bytes.windows(EXIF_MARKER.len()).any(|w| w == EXIF_MARKER),
            "{key} kept the EXIF description"
        );
        assert!(
            !bytes.windows(6).any(|w| w == b"Exif\0\0"),
            "{key} kept an EXIF block"
        );
    }
    assert_eq!(audit_count(&app, "photo.added").await, 1);
    // The shop shows it.
    let (status, html) = app.page(&format!("/products/{slug}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("alt=\"A bowl\""), "{html}");
}

#[tokio::test]
async fn one_good_and_one_bad_file_in_one_upload_stores_the_good_one() {
    let app = TestApp::seeded(1).await;
    let (client, _) = staff_signed_in(&app).await;
    let (product_id, _) = product(&app).await;
    let report = upload(
        &app,
        &client,
        product_id,
        "",
        &[("good.png", &png(400, 300)), ("bad.svg", SVG_WITH_SCRIPT)],
    )
    .await;
    assert_eq!(report.files.len(), 2);
    assert_eq!(report.files[0].name, "good.png");
    saved_id(&report, 0);
    assert_eq!(
        report.files[1].outcome,
        UploadOutcome::Refused {
            reason: Refusal::NotAPhoto(Impostor::Svg).message()
        }
    );
    assert_eq!(report.summary(), "1 photo saved, 1 refused.");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM product_photos").await, 1);
}

#[tokio::test]
async fn an_upload_larger_than_a_photo_and_its_form_is_refused_unread() {
    let app = TestApp::seeded_with(1, |state| {
        state.photo_limits = PhotoLimits {
            max_bytes: SMALL_LIMIT,
            ..PhotoLimits::default()
        }
    })
    .await;
    let (client, _) = staff_signed_in(&app).await;
    let (product_id, _) = product(&app).await;
    let id = product_id.to_string();
    let big = vec![0xFF; 3 * SMALL_LIMIT as usize];
    let response = post_upload(
        &app,
        &client,
        &[Part::Text("product_id", &id), Part::File("big.jpg", &big)],
    )
    .await;
    assert_eq!(response.status(), 413);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM product_photos").await, 0);
}

#[tokio::test]
async fn a_form_posted_without_javascript_comes_back_to_the_page_with_its_report() {
    let app = TestApp::seeded(1).await;
    let (client, _) = staff_signed_in(&app).await;
    let (product_id, _) = product(&app).await;
    let id = product_id.to_string();
    let photo = jpeg(300, 200);
    let response = client
        .post(format!("{}/rpc/upload_product_photos", app.base))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .header("referer", format!("{}/admin/products/{id}", app.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart_body(&[
            Part::Text("product_id", &id),
            Part::File("bowl.jpg", &photo),
            Part::Text("alt", "A bowl"),
        ]))
        .send()
        .await
        .unwrap();
    // The browser follows the redirect back to the product's page.
    let url = response.url().clone();
    assert_eq!(url.path(), format!("/admin/products/{id}"));
    let location = url.query().unwrap_or_default().to_owned();
    assert!(location.starts_with("photo_upload="), "{location}");
    // Where the photo manager says what became of each file, and lists the new photo.
    let html = response.text().await.unwrap();
    assert!(html.contains("1 photo saved."), "{html}");
    assert!(html.contains("bowl.jpg: Saved"), "{html}");
    assert!(html.contains("Alt text of photo 1"), "{html}");
    assert!(location.contains("Saved"), "{location}");
    let alt: String = sqlx::query_scalar("SELECT alt FROM product_photos")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(alt, "A bowl");
}

#[tokio::test]
async fn photos_upload_into_s3_and_deleting_one_removes_its_objects() {
    let Some(moto) = S3TestServer::start().await else {
        return;
    };
    let storage = Storage::s3(&moto.settings("shop")).unwrap();
    let for_app = storage.clone();
    let app = TestApp::seeded_with(1, move |state| state.storage = for_app).await;
    let (client, _) = staff_signed_in(&app).await;
    let (product_id, _) = product(&app).await;
    let report = upload(
        &app,
        &client,
        product_id,
        "",
        &[("phone.jpg", &jpeg_with_exif_gps(1200, 800, 1))],
    )
    .await;
    let photo_id = saved_id(&report, 0);
    let objects = storage.list("photos").await.unwrap();
    assert_eq!(objects.len(), 6, "{objects:?}");
    assert!(!app.media_dir.join("photos").exists());
    for key in &objects {
        assert_eq!(app.get(&format!("/media/{key}")).await.status(), 200);
    }

    let (status, body) = call(
        &app,
        &client,
        "delete_product_photo",
        &[("photo_id", &photo_id.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, serde_json::json!(true));
    assert!(storage.list("photos").await.unwrap().is_empty());
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM product_photo_files").await,
        0
    );
    assert_eq!(audit_count(&app, "photo.deleted").await, 1);
}

/// The `alt` of each `<img>` inside the page's gallery, in order.
fn gallery_alts(html: &str) -> Vec<String> {
    gallery(html)
        .split("<img")
        .skip(1)
        .map(|img| attribute(img, "alt").unwrap_or_default())
        .collect()
}

fn gallery(html: &str) -> &str {
    let start = html
        .find("class=\"product-gallery\"")
        .expect("the page has a gallery");
    let end = start + html[start..].find("class=\"product-info\"").unwrap();
    &html[start..end]
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = start + tag[start..].find('"')?;
    Some(tag[start..end].to_owned())
}

#[tokio::test]
async fn reordering_and_alt_text_change_what_the_product_page_shows() {
    let app = TestApp::seeded(1).await;
    let (client, _) = staff_signed_in(&app).await;
    let (product_id, slug) = product(&app).await;
    let first = upload(
        &app,
        &client,
        product_id,
        "Front",
        &[("a.jpg", &jpeg(600, 400))],
    )
    .await;
    let second = upload(
        &app,
        &client,
        product_id,
        "Back",
        &[("b.png", &png(400, 600))],
    )
    .await;
    let (first, second) = (saved_id(&first, 0), saved_id(&second, 0));
    let page = format!("/products/{slug}");
    // Signed in, so the page is rendered afresh each time (no page cache).
    let read = |client: reqwest::Client| {
        let url = format!("{}{page}", app.base);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // The large photo, then the thumbnails in order.
    assert_eq!(
        gallery_alts(&read(client.clone()).await),
        ["Front", "Front", "Back"]
    );

    let moved = |photo: i64, direction: &'static str| {
        let client = client.clone();
        let app = &app;
        async move {
            let (status, body) = call(
                app,
                &client,
                "move_product_photo",
                &[("photo_id", &photo.to_string()), ("direction", direction)],
            )
            .await;
            assert_eq!(status, 200, "{body}");
            body
        }
    };
    assert_eq!(moved(first, "earlier").await, serde_json::json!(false));
    assert_eq!(moved(second, "earlier").await, serde_json::json!(true));
    assert_eq!(
        gallery_alts(&read(client.clone()).await),
        ["Back", "Back", "Front"]
    );
    assert_eq!(audit_count(&app, "photo.moved").await, 1);

    let (status, body) = call(
        &app,
        &client,
        "set_photo_alt",
        &[
            ("photo_id", &first.to_string()),
            ("alt", "  The front, in oak  "),
        ],
    )
    .await;
    assert_eq!((status, body), (200, serde_json::json!(true)));
    let html = read(client.clone()).await;
    assert_eq!(gallery_alts(&html), ["Back", "Back", "The front, in oak"]);
    assert_eq!(audit_count(&app, "photo.alt_changed").await, 1);
    // Without JavaScript the thumbnails are links that show the photo large.
    assert!(gallery(&html).contains("href=\"?photo=2\""));
    let html = read_with(&client, &format!("{page}?photo=2"), &app).await;
    assert_eq!(gallery_alts(&html)[0], "The front, in oak");
    // Anonymous shoppers see the change too, once the shop has caught up with it.
    let anonymous = browser();
    let mut shown = Vec::new();
    for _ in 0..50 {
        shown = gallery_alts(&read(anonymous.clone()).await);
        if shown[0] == "Back" && shown[2] == "The front, in oak" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(shown, ["Back", "Back", "The front, in oak"]);
}

async fn read_with(client: &reqwest::Client, path: &str, app: &TestApp) -> String {
    let response = client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn photos_are_shown_with_sizes_srcset_and_lazy_loading() {
    let app = TestApp::seeded(1).await;
    let (client, _) = staff_signed_in(&app).await;
    let (product_id, slug) = product(&app).await;
    for (width, alt) in [(1200, "Front"), (1100, "Side"), (1000, "Back")] {
        let photo = jpeg(width, 800);
        let report = upload(&app, &client, product_id, alt, &[("photo.jpg", &photo)]).await;
        saved_id(&report, 0);
    }
    let html = read_with(&client, &format!("/products/{slug}"), &app).await;
    let gallery = gallery(&html);
    assert_eq!(gallery.matches("<picture").count(), 4, "{gallery}");
    assert_eq!(gallery.matches("type=\"image/webp\"").count(), 4);
    let images: Vec<&str> = gallery.split("<img").skip(1).collect();
    assert_eq!(images.len(), 4);
    for (index, img) in images.iter().enumerate() {
        assert!(attribute(img, "width").is_some(), "{img}");
        assert!(attribute(img, "height").is_some(), "{img}");
        assert!(attribute(img, "sizes").is_some(), "{img}");
        let srcset = attribute(img, "srcset").unwrap();
        assert_eq!(srcset.matches("/media/photos/").count(), 3, "{srcset}");
        assert!(
            srcset.contains(" 200w") && srcset.contains(" 600w"),
            "{srcset}"
        );
        let loading = attribute(img, "loading").unwrap();
        assert_eq!(loading, if index == 0 { "eager" } else { "lazy" }, "{img}");
    }
    // The product's card, in its category, shows the first photo at card size.
    let category: String = sqlx::query_scalar(
        "SELECT c.slug FROM categories c JOIN products p ON p.category_id = c.id WHERE p.id = $1",
    )
    .bind(product_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let html = read_with(&client, &format!("/categories/{category}"), &app).await;
    let card = &html[html.find("class=\"product-card\"").unwrap()..];
    let img = &card[card.find("<img").unwrap()..];
    assert_eq!(attribute(img, "alt").as_deref(), Some("Front"));
    assert_eq!(attribute(img, "loading").as_deref(), Some("lazy"));
    assert!(attribute(img, "src").unwrap().starts_with("/media/photos/"));
    assert_eq!(attribute(img, "width").as_deref(), Some("600"));
    assert_eq!(attribute(img, "height").as_deref(), Some("400"));
    let srcset = attribute(img, "srcset").unwrap();
    assert!(
        srcset.contains(" 600w") && srcset.contains(" 1200w"),
        "{srcset}"
    );
}

#[tokio::test]
async fn photo_functions_refuse_customers_and_strangers() {
    let app = TestApp::seeded(1).await;
    add_account(&app, CUSTOMER, Role::Customer).await;
    let customer = signed_in(&app, CUSTOMER).await;
    let (product_id, _) = product(&app).await;
    let id = product_id.to_string();
    let photo = jpeg(300, 200);
    for (client, expected) in [(browser(), 401), (customer, 403)] {
        for (endpoint, form) in [
            (
                "product_photos_for_staff",
                vec![("product_id", id.as_str())],
            ),
            ("upload_product_photos", vec![("product_id", id.as_str())]),
            (
                "move_product_photo",
                vec![("photo_id", "1"), ("direction", "later")],
            ),
            ("set_photo_alt", vec![("photo_id", "1"), ("alt", "x")]),
            ("delete_product_photo", vec![("photo_id", "1")]),
        ] {
            let (status, _) = call(&app, &client, endpoint, &form).await;
            assert_eq!(status, expected, "{endpoint}");
        }
        let response = post_upload(
            &app,
            &client,
            &[
                Part::Text("product_id", &id),
                Part::File("bowl.jpg", &photo),
            ],
        )
        .await;
        assert_eq!(response.status(), expected, "multipart upload");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM product_photos").await, 0);
}
