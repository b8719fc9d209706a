//! API tokens over HTTP: staff create one (its secret shown once, only its hash kept),
//! list and revoke them; `/api/v1` refuses a bad token anywhere, and `GET /api/v1/orders`
//! needs a live token with `orders:read`.

use crate::accounts::{browser, call};
use crate::checkout::{guest_at_checkout, pay, variant, GOOD_CARD};
use crate::helpers::TestApp;
use crate::staff::{add_account, signed_in, staff_signed_in, CUSTOMER};
use app::accounts::server::Role;
use serde_json::Value;

/// Staff create a token named `name` with the scope fields `scopes` ticked
/// (`orders_read`, `catalog_read` …): its id and secret.
pub(crate) async fn token_with(
    app: &TestApp,
    staff: &reqwest::Client,
    name: &str,
    scopes: &[&str],
) -> (i64, String) {
    let mut form = vec![("name", name)];
    form.extend(scopes.iter().map(|scope| (*scope, "yes")));
    let (status, created) = call(app, staff, "create_api_token", &form).await;
    assert_eq!(status, 200, "{created}");
    let token = created["token"].as_str().unwrap().to_owned();
    (created["id"].as_i64().unwrap(), token)
}

/// `GET path` with `Authorization: <authorization>` when given: status, headers, JSON.
async fn api(
    app: &TestApp,
    path: &str,
    authorization: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.json().await.unwrap_or(Value::Null),
    )
}

pub(crate) fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A guest's paid order: two £20.00 items and £3.95 delivery.
async fn paid_order(app: &TestApp) {
    let sku = variant(app, 5).await;
    let (guest, key) = guest_at_checkout(app, &sku, 2).await;
    let (status, step) = pay(app, &guest, &key, GOOD_CARD).await;
    assert_eq!(status, 200, "{step}");
}

pub(crate) fn assert_problem(headers: &reqwest::header::HeaderMap, body: &Value, kind: &str) {
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(
        body["type"],
        format!("/api/v1/docs#problem-{kind}"),
        "{body}"
    );
}

#[tokio::test]
async fn a_new_token_is_shown_once_and_the_shop_keeps_only_its_hash() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    let (id, token) = token_with(
        &app,
        &staff,
        "Warehouse sync",
        &["orders_read", "catalog_read"],
    )
    .await;
    assert!(token.starts_with("bz_") && token.len() > 40, "{token}");

    let (status, list) = call(&app, &staff, "staff_api_tokens", &[]).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["name"], "Warehouse sync");
    assert_eq!(list[0]["prefix"], token[..11]);
    assert_eq!(
        list[0]["scopes"],
        serde_json::json!(["CatalogRead", "OrdersRead"])
    );
    assert!(
        !list.to_string().contains(&token[11..]),
        "the list holds the secret"
    );
    let page = staff
        .get(format!("{}/admin/tokens", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Warehouse sync") && page.contains(&token[..11]));
    assert!(
        !page.contains(&token[11..]),
        "the page shows the secret again"
    );

    let stored: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT name, scopes, token_hash, prefix FROM api_tokens")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let (_, scopes, hash, _) = &stored[0];
    assert_eq!(scopes, "catalog:read orders:read");
    assert_eq!(hash, &app::staff::tokens::server::token_hash(&token));
    assert!(
        !format!("{stored:?}").contains(&token[11..]),
        "the database holds the secret"
    );

    let audit: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT action, subject, after FROM staff_actions")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, "api_token.created");
    assert!(
        !format!("{audit:?}").contains(&token[11..]),
        "the audit log holds the secret"
    );
}

#[tokio::test]
async fn a_token_needs_a_name_and_a_scope() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    let (status, refused) = call(&app, &staff, "create_api_token", &[("name", " ")]).await;
    assert_eq!(status, 422, "{refused}");
    let fields = &refused["Invalid"]["fields"];
    assert!(
        fields["name"].is_string() && fields["scopes"].is_string(),
        "{refused}"
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn an_orders_read_token_lists_the_newest_orders() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    paid_order(&app).await;
    let (id, token) = token_with(&app, &staff, "Accounts", &["orders_read"]).await;

    let (status, headers, body) = api(&app, "/api/v1/orders", Some(&bearer(&token))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["cache-control"], "no-store");
    let order = &body["items"][0];
    assert!(
        order["number"].as_str().unwrap().starts_with("BZ-"),
        "{order}"
    );
    assert_eq!(order["status"], "paid");
    assert_eq!(order["email"], "guest@shop.test");
    assert_eq!(
        order["grand_total"],
        serde_json::json!({"amount": 4395, "currency": "GBP"})
    );
    let placed_at = order["placed_at"].as_str().unwrap();
    assert!(
        placed_at.len() == 20 && placed_at.ends_with('Z'),
        "{placed_at}"
    );

    let (status, _, body) = api(
        &app,
        "/api/v1/orders?status=cancelled",
        Some(&bearer(&token)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["items"], serde_json::json!([]));
    let (status, _, body) = api(&app, "/api/v1/orders?status=lost", Some(&bearer(&token))).await;
    assert_eq!(status, 400);
    assert_eq!(body["parameter"], "status");

    let last_used: Option<i64> =
        sqlx::query_scalar("SELECT last_used_at FROM api_tokens WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(last_used.is_some());
    let (status, list) = call(&app, &staff, "staff_api_tokens", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["last_used_at"].as_i64(), last_used);
}

#[tokio::test]
async fn a_token_without_orders_read_is_forbidden_and_told_which_scope() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    let (_, token) = token_with(&app, &staff, "Catalog only", &["catalog_read"]).await;
    let (status, headers, body) = api(&app, "/api/v1/orders", Some(&bearer(&token))).await;
    assert_eq!(status, 403, "{body}");
    assert_problem(&headers, &body, "forbidden");
    assert!(
        body["detail"].as_str().unwrap().contains("orders:read"),
        "{body}"
    );
}

#[tokio::test]
async fn orders_without_a_token_are_refused_with_a_bearer_challenge() {
    let app = TestApp::seeded(1).await;
    let (status, headers, body) = api(&app, "/api/v1/orders", None).await;
    assert_eq!(status, 401, "{body}");
    assert_problem(&headers, &body, "unauthorized");
    assert!(headers["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    assert!(
        body["detail"].as_str().unwrap().contains("orders:read"),
        "{body}"
    );
}

#[tokio::test]
async fn a_revoked_token_is_refused_everywhere() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    let (id, token) =
        token_with(&app, &staff, "Old script", &["orders_read", "catalog_read"]).await;
    assert_eq!(
        api(&app, "/api/v1/orders", Some(&bearer(&token))).await.0,
        200
    );

    let (status, revoked) = call(
        &app,
        &staff,
        "revoke_api_token",
        &[("token_id", &id.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{revoked}");
    for path in ["/api/v1/orders", "/api/v1/products"] {
        let (status, headers, body) = api(&app, path, Some(&bearer(&token))).await;
        assert_eq!(status, 401, "{path}: {body}");
        assert_problem(&headers, &body, "unauthorized");
        assert!(headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer"));
    }
    let (_, list) = call(&app, &staff, "staff_api_tokens", &[]).await;
    assert!(list[0]["revoked_at"].is_i64(), "{list}");
    let (status, _) = call(
        &app,
        &staff,
        "revoke_api_token",
        &[("token_id", &id.to_string())],
    )
    .await;
    assert_eq!(status, 404, "revoked twice");
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM staff_actions ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(actions, ["api_token.created", "api_token.revoked"]);
}

#[tokio::test]
async fn public_reads_need_no_token_but_refuse_a_bad_one() {
    let app = TestApp::seeded(2).await;
    for path in [
        "/api/v1/products",
        "/api/v1/categories",
        "/api/v1/search/suggest?q=a",
    ] {
        assert_eq!(api(&app, path, None).await.0, 200, "{path} without a token");
        for authorization in [
            "Bearer bz_not-a-real-token",
            "Bearer garbage",
            "Basic dXNlcjpwdw==",
        ] {
            let (status, headers, body) = api(&app, path, Some(authorization)).await;
            assert_eq!(status, 401, "{path} with {authorization}: {body}");
            assert_problem(&headers, &body, "unauthorized");
        }
    }
}

#[tokio::test]
async fn only_staff_manage_tokens() {
    let app = TestApp::seeded(1).await;
    add_account(&app, CUSTOMER, Role::Customer).await;
    let customer = signed_in(&app, CUSTOMER).await;
    let nobody = browser();
    let form = [("name", "Mine"), ("orders_read", "yes"), ("token_id", "1")];
    for name in ["staff_api_tokens", "create_api_token", "revoke_api_token"] {
        assert_eq!(
            call(&app, &customer, name, &form).await.0,
            403,
            "a customer calling {name}"
        );
        assert_eq!(
            call(&app, &nobody, name, &form).await.0,
            401,
            "nobody calling {name}"
        );
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_api_document_lists_orders_and_the_bearer_scheme() {
    let app = TestApp::seeded(1).await;
    let (status, _, document) = api(&app, "/api/v1/openapi.json", None).await;
    assert_eq!(status, 200);
    let orders = &document["paths"]["/api/v1/orders"]["get"];
    assert_eq!(
        orders["security"][0]["bearer"],
        serde_json::json!(["orders:read"]),
        "{orders}"
    );
    let scheme = &document["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    let docs = app.get("/api/v1/docs").await.text().await.unwrap();
    assert!(docs.contains("GET /api/v1/orders"));
    assert!(
        docs.contains("id=\"problem-unauthorized\"") && docs.contains("id=\"problem-forbidden\"")
    );
}
