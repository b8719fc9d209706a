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

#[tokio::test]
async fn anonymous_pages_are_cached_until_the_catalog_changes() {
    let app = TestApp::seeded(30).await;
    let cache_state = |response: &reqwest::Response| {
        response
            .headers()
            .get("x-cache")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let first = app.get("/categories/clothing").await;
    assert_eq!(cache_state(&first).as_deref(), Some("miss"));
    let first_nonce = policy_nonce(&first);
    let html = first.text().await.unwrap();
    let again = app.get("/categories/clothing").await;
    assert_eq!(cache_state(&again).as_deref(), Some("hit"));
    // The same page, but for its script nonce (see the next test).
    let again_nonce = policy_nonce(&again);
    assert_eq!(
        again.text().await.unwrap().replace(&again_nonce, "NONCE"),
        html.replace(&first_nonce, "NONCE")
    );

    // A catalog write moves the revision: the next request renders afresh.
    let mut tx = app.db.pool().begin().await.unwrap();
    sqlx::query(
        "UPDATE products SET name = 'Renamed Thing' WHERE id = (SELECT MIN(id) FROM products)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM products")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    app::catalog::writes::record_changes(&mut tx, &[id])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.search.refresh(&app.db).await.unwrap();
    let after = app.get("/categories/clothing").await;
    assert_eq!(cache_state(&after).as_deref(), Some("miss"));

    // Shoppers with a session, and requests asking to revalidate, are never served from it.
    let with_session = app
        .client
        .get(format!("{}/categories/clothing", app.base))
        .header("cookie", "id=someone")
        .send()
        .await
        .unwrap();
    assert_eq!(cache_state(&with_session), None);
    let no_cache = app
        .client
        .get(format!("{}/categories/clothing", app.base))
        .header("cache-control", "no-cache")
        .send()
        .await
        .unwrap();
    assert_eq!(cache_state(&no_cache), None);
    // Errors are not kept.
    let missing = app.get("/products/no-such-thing").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(cache_state(&missing).as_deref(), Some("bypass"));
}

/// The nonce a page's Content-Security-Policy allows.
fn policy_nonce(response: &reqwest::Response) -> String {
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    server::security::nonce_in_policy(policy)
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn pages_allow_only_their_own_scripts_with_a_fresh_nonce_each_time() {
    let app = TestApp::seeded(5).await;
    let first = app.get("/").await;
    let nonce = policy_nonce(&first);
    let policy = first.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(policy.contains("object-src 'none'"));
    assert_eq!(first.headers()["x-content-type-options"], "nosniff");
    let html = first.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    // The second request is served from the page cache, yet with a new nonce.
    let second = app.get("/").await;
    assert_eq!(second.headers()["x-cache"], "hit");
    let fresh = policy_nonce(&second);
    assert_ne!(fresh, nonce);
    let html = second.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{fresh}\"")));
    assert!(!html.contains(&nonce));
}

#[tokio::test]
async fn a_post_started_by_another_site_is_refused() {
    let app = TestApp::seeded(5).await;
    let url = format!("{}/rpc/suggest_searches", app.base);
    let forged = app
        .client
        .post(&url)
        .header("origin", "https://evil.example")
        .form(&[("q", "oak")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let cross = app
        .client
        .post(&url)
        .header("sec-fetch-site", "cross-site")
        .form(&[("q", "oak")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    let own = app
        .client
        .post(&url)
        .header("sec-fetch-site", "same-origin")
        .form(&[("q", "oak")])
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
}

#[tokio::test]
async fn json_logs_are_one_object_a_line_carrying_the_request_span() {
    use std::process::{Command, Stdio};
    let shop = app::db::testing::TestDb::new().await;
    let port = app::test_services::free_port();
    let data_dir = std::env::temp_dir().join(format!("bazaar-json-logs-{port}"));
    let child = Command::new(env!("CARGO_BIN_EXE_bazaar"))
        .arg("serve")
        .env("DATABASE_URL", &shop.url)
        .env("BAZAAR_DATA_DIR", &data_dir)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("BAZAAR_LOG_FORMAT", "json")
        .env("RUST_LOG", "info,tower_http=debug")
        .env_remove("BAZAAR_STORAGE_URL")
        .env_remove("BAZAAR_METRICS_ADDR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bazaar starts");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let response = loop {
        if let Ok(response) = reqwest::get(format!("{base}/healthz")).await {
            break response;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "bazaar never answered"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let mut child = child;
    child.kill().unwrap();
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(lines.iter().all(serde_json::Value::is_object), "{stderr}");
    let ours = lines
        .iter()
        .find(|line| line["span"]["request_id"] == request_id.as_str())
        .unwrap_or_else(|| panic!("no line for request {request_id}:\n{stderr}"));
    assert_eq!(ours["span"]["method"], "GET");
    assert_eq!(ours["span"]["uri"], "/healthz");
    assert!(ours["level"].is_string() && ours["timestamp"].is_string());
    let _ = std::fs::remove_dir_all(data_dir);
}
