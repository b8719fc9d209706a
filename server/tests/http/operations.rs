use crate::helpers::TestApp;

#[tokio::test]
async fn health_and_readiness_answer_200() {
    let app = TestApp::seeded(1).await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn readiness_answers_503_when_the_database_is_gone() {
    let app = TestApp::seeded(1).await;
    app.db.close().await;
    assert_eq!(app.get("/readyz").await.status(), 503);
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::seeded(1).await;
    for path in ["/", "/healthz", "/no/such/page"] {
        let response = app.get(path).await;
        let id = response.headers().get("x-request-id").expect(path);
        assert!(!id.is_empty());
    }
    let a = app.get("/healthz").await.headers()["x-request-id"].clone();
    let b = app.get("/healthz").await.headers()["x-request-id"].clone();
    assert_ne!(a, b);
}

#[tokio::test]
async fn pages_are_compressed_for_clients_that_accept_it() {
    let app = TestApp::seeded(20).await;
    let response = app
        .client
        .get(format!("{}/", app.base))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    assert!(
        matches!(encoding.as_deref(), Some("br") | Some("gzip")),
        "{encoding:?}"
    );
}

#[tokio::test]
async fn demo_pictures_are_svg_cached_for_a_year() {
    let app = TestApp::seeded(1).await;
    let response = app.get("/media/demo/120-3.svg").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    assert!(response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(response.text().await.unwrap().starts_with("<svg"));
    assert_eq!(app.get("/media/demo/999-1.svg").await.status(), 404);
}

#[tokio::test]
async fn public_files_are_served_with_cache_headers() {
    let app = TestApp::seeded(1).await;
    let favicon = app.get("/favicon.ico").await;
    assert_eq!(favicon.status(), 200);
    assert!(favicon.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age=86400"));
    assert_eq!(
        &favicon.bytes().await.unwrap()[..4],
        &[0, 0, 1, 0],
        "an ICO file"
    );
    let missing = app.get("/no-such-file.png").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().get("cache-control").is_none());
}

#[tokio::test]
async fn imported_pictures_are_served_from_the_media_folder_for_good() {
    let app = TestApp::seeded(1).await;
    let folder = app.media_dir.join("imported");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("ab12.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let response = app.get("/media/imported/ab12.png").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert!(response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(app.get("/media/imported/missing.png").await.status(), 404);
}
