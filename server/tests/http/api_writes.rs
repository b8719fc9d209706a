//! Writes for integrations over HTTP: products created and updated (with `If-Match`),
//! stock set in bulk, paid orders dispatched; each needing a live token with its scope,
//! attributed to the token, and run once per `Idempotency-Key`.

use crate::accounts::call;
use crate::api_tokens::{assert_problem, bearer, token_with};
use crate::checkout::{
    guest_at_checkout, order_number, pay, stock, variant, ASKS_THE_BANK, GOOD_CARD,
};
use crate::helpers::TestApp;
use crate::staff::staff_signed_in;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

/// One API request: `method path` with `token`, `Idempotency-Key: key` and the extra
/// headers when given, and `body` as JSON; the status, headers and JSON answer.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    key: Option<&str>,
    headers: &[(&str, &str)],
    body: &Value,
) -> (u16, HeaderMap, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", app.base))
        .json(body);
    if let Some(token) = token {
        request = request.header("authorization", bearer(token));
    }
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
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

async fn post(app: &TestApp, path: &str, token: &str, body: &Value) -> (u16, HeaderMap, Value) {
    send(app, Method::POST, path, Some(token), None, &[], body).await
}

/// A shop with a few products and a token `ERP` with `scopes`.
async fn shop_with_token(scopes: &[&str]) -> (TestApp, reqwest::Client, String) {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    let (_, token) = token_with(&app, &staff, "ERP", scopes).await;
    (app, staff, token)
}

async fn a_category(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT slug FROM categories ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// A published product `Zephyrine Walnut Stool` with two variants.
async fn stool(app: &TestApp) -> Value {
    json!({
        "name": "Zephyrine Walnut Stool",
        "description": "Three legs, one seat.",
        "category": a_category(app).await,
        "published": true,
        "attributes": { "material": "walnut" },
        "variants": [
            { "sku": "ZEPH-S", "title": "Small", "price": { "amount": 4500, "currency": "GBP" }, "stock": 4 },
            { "sku": "ZEPH-L", "title": "Large", "price": { "amount": 6500, "currency": "GBP" },
              "compare_at": { "amount": 7000, "currency": "GBP" }, "stock": 2 }
        ]
    })
}

async fn count(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Waits (a few seconds at most) until `GET path` answers JSON for which `check` holds:
/// the search index and the cache of reads follow the catalog's change feed.
async fn eventually(app: &TestApp, path: &str, check: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..40 {
        let response = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
        last = response.json().await.unwrap_or(Value::Null);
        if check(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("GET {path} never answered as expected: {last}");
}

#[tokio::test]
async fn a_product_an_integration_creates_is_in_the_api_in_search_and_in_the_audit_log() {
    let (app, _, token) = shop_with_token(&["catalog_write"]).await;
    let (status, headers, created) =
        post(&app, "/api/v1/products", &token, &stool(&app).await).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        headers["location"],
        "/api/v1/products/zephyrine-walnut-stool"
    );
    assert_eq!(headers["etag"], "\"1\"");
    assert_eq!(created["version"], 1);
    assert_eq!(created["variants"][1]["compare_at"]["amount"], 7000);
    assert_eq!(created["attributes"]["material"], "walnut");

    let read = eventually(&app, "/api/v1/products/zephyrine-walnut-stool", |p| {
        p["name"] == "Zephyrine Walnut Stool"
    })
    .await;
    assert_eq!(read["variants"][0]["sku"], "ZEPH-S");
    assert_eq!(read["variants"][0]["stock"], 4);
    eventually(&app, "/api/v1/products?q=zephyrine", |list| {
        list["items"][0]["slug"] == "zephyrine-walnut-stool"
    })
    .await;

    let actor: String =
        sqlx::query_scalar("SELECT actor FROM staff_actions WHERE action = 'product.created'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(actor.starts_with("API token ERP (bz_"), "{actor}");

    // Refusals name the field, as the staff form's rules do.
    let mut taken = stool(&app).await;
    taken["variants"][0]["price"]["amount"] = json!(-1);
    taken["category"] = json!("no-such-category");
    let (status, headers, problem) = post(&app, "/api/v1/products", &token, &taken).await;
    assert_eq!(status, 400, "{problem}");
    assert_problem(&headers, &problem, "bad-parameter");
    assert!(problem["errors"]["category"].is_string(), "{problem}");
    assert!(
        problem["errors"]["variants[0].price"].is_string(),
        "{problem}"
    );
    let (status, _, problem) = post(&app, "/api/v1/products", &token, &stool(&app).await).await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem["errors"]["slug"].is_string(), "{problem}");
    let (status, headers, problem) =
        post(&app, "/api/v1/products", &token, &json!({ "name": 3 })).await;
    assert_eq!(status, 400);
    assert_problem(&headers, &problem, "bad-body");
}

#[tokio::test]
async fn an_update_matches_variants_by_sku_and_a_stale_if_match_is_refused() {
    let (app, _, token) = shop_with_token(&["catalog_write"]).await;
    let (status, _, _) = post(&app, "/api/v1/products", &token, &stool(&app).await).await;
    assert_eq!(status, 201);

    let mut change = stool(&app).await;
    change["name"] = json!("Zephyrine Oak Stool");
    change["variants"] = json!([
        { "sku": "ZEPH-L", "title": "Large", "price": { "amount": 5900, "currency": "GBP" }, "stock": 99 },
        { "sku": "ZEPH-XL", "title": "Extra large", "price": { "amount": 7900, "currency": "GBP" }, "stock": 3 }
    ]);
    let path = "/api/v1/products/zephyrine-walnut-stool";
    let (status, headers, updated) = send(
        &app,
        Method::PUT,
        path,
        Some(&token),
        None,
        &[("if-match", "\"1\"")],
        &change,
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(headers["etag"], "\"2\"");
    assert_eq!(updated["name"], "Zephyrine Oak Stool");
    let skus: Vec<&str> = updated["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["ZEPH-L", "ZEPH-XL"]);
    assert_eq!(updated["variants"][0]["price"]["amount"], 5900);
    assert_eq!(
        updated["variants"][0]["stock"], 2,
        "a stored variant keeps its stock"
    );
    assert_eq!(updated["variants"][1]["stock"], 3);

    change["name"] = json!("Lost Update Stool");
    let (status, headers, problem) = send(
        &app,
        Method::PUT,
        path,
        Some(&token),
        None,
        &[("if-match", "\"1\"")],
        &change,
    )
    .await;
    assert_eq!(status, 412, "{problem}");
    assert_problem(&headers, &problem, "precondition-failed");
    eventually(&app, path, |p| p["name"] == "Zephyrine Oak Stool").await;

    let (status, headers, problem) = send(
        &app,
        Method::PUT,
        "/api/v1/products/no-such-product",
        Some(&token),
        None,
        &[],
        &change,
    )
    .await;
    assert_eq!(status, 404);
    assert_problem(&headers, &problem, "not-found");
}

#[tokio::test]
async fn bulk_stock_is_all_or_nothing_and_each_change_is_in_the_history_as_the_token() {
    let (app, _, token) = shop_with_token(&["catalog_write"]).await;
    let sku = variant(&app, 5).await;
    let (status, headers, problem) = post(
        &app,
        "/api/v1/stock",
        &token,
        &json!({ "items": [ { "sku": sku, "stock": 12 }, { "sku": "NO-SUCH-SKU", "stock": 1 } ] }),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_problem(&headers, &problem, "unknown-sku");
    assert!(problem["detail"].as_str().unwrap().contains("NO-SUCH-SKU"));
    assert!(problem["errors"]["items[1].sku"].is_string(), "{problem}");
    assert_eq!(stock(&app, &sku).await, 5, "nothing was changed");

    let (status, _, set) = post(
        &app,
        "/api/v1/stock",
        &token,
        &json!({ "items": [ { "sku": sku, "stock": 12 } ], "reason": "received", "note": "delivery 41" }),
    )
    .await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(
        set["items"][0],
        json!({ "sku": sku, "before": 5, "after": 12 })
    );
    assert_eq!(stock(&app, &sku).await, 12);
    let history: (String, String, i64, i64) = sqlx::query_as(
        "SELECT m.actor, m.reason, m.before_stock, m.after_stock FROM stock_movements m
         JOIN variants v ON v.id = m.variant_id WHERE v.sku = $1",
    )
    .bind(&sku)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(history.0.starts_with("API token ERP (bz_"), "{history:?}");
    assert_eq!(
        (history.1.as_str(), history.2, history.3),
        ("received", 5, 12)
    );

    let (status, _, problem) = post(
        &app,
        "/api/v1/stock",
        &token,
        &json!({ "items": [ { "sku": sku, "stock": -1 } ], "reason": "sold" }),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        problem["errors"]["items[0].stock"].is_string() && problem["errors"]["reason"].is_string()
    );
}

/// A guest's order paid with `card`: its number.
async fn order_paid_with(app: &TestApp, card: &str) -> String {
    let sku = variant(app, 5).await;
    let (guest, key) = guest_at_checkout(app, &sku, 1).await;
    let (status, step) = pay(app, &guest, &key, card).await;
    assert_eq!(status, 200, "{step}");
    let path = step
        .as_object()
        .and_then(|step| step.values().next())
        .and_then(|step| step["path"].as_str())
        .unwrap_or_else(|| panic!("no order page in {step}"));
    order_number(path).to_owned()
}

#[tokio::test]
async fn a_paid_order_is_dispatched_with_its_tracking_number_and_an_unpaid_one_is_refused() {
    let (app, staff, token) = shop_with_token(&["orders_read", "orders_write"]).await;
    let paid = order_paid_with(&app, GOOD_CARD).await;
    let unpaid = order_paid_with(&app, ASKS_THE_BANK).await;

    let path = format!("/api/v1/orders/{paid}/fulfil");
    let (status, _, order) = post(
        &app,
        &path,
        &token,
        &json!({ "tracking_number": "1Z999AA1" }),
    )
    .await;
    assert_eq!(status, 200, "{order}");
    assert_eq!(order["status"], "fulfilled");
    let last = order["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["note"], "tracking number 1Z999AA1");
    assert_eq!(last["actor"], "API token");

    let (status, _, read) = send(
        &app,
        Method::GET,
        &format!("/api/v1/orders/{paid}"),
        Some(&token),
        None,
        &[],
        &Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(read["status"], "fulfilled");
    assert_eq!(read["lines"][0]["quantity"], 1);
    let (_, _, listed) = send(
        &app,
        Method::GET,
        "/api/v1/orders?status=fulfilled",
        Some(&token),
        None,
        &[],
        &Value::Null,
    )
    .await;
    assert_eq!(listed["items"][0]["number"], paid.as_str());
    let page = staff
        .get(format!("{}/admin/orders/{paid}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("tracking number 1Z999AA1"));
    let actor: String =
        sqlx::query_scalar("SELECT actor FROM staff_actions WHERE action = 'order.fulfilled'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(actor.starts_with("API token ERP (bz_"), "{actor}");

    let (status, headers, problem) = post(
        &app,
        &format!("/api/v1/orders/{unpaid}/fulfil"),
        &token,
        &json!({}),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert_problem(&headers, &problem, "conflict");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("awaiting_payment"),
        "{problem}"
    );
    let (status, _, _) = post(&app, "/api/v1/orders/BZ-99999-A/fulfil", &token, &json!({})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn every_write_needs_a_live_token_holding_its_scope() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    let (_, reader) = token_with(&app, &staff, "Reader", &["catalog_read", "orders_read"]).await;
    let (id, writer) = token_with(&app, &staff, "Writer", &["catalog_write", "orders_write"]).await;
    let writes = [
        (Method::POST, "/api/v1/products", "catalog:write"),
        (Method::PUT, "/api/v1/products/anything", "catalog:write"),
        (Method::POST, "/api/v1/stock", "catalog:write"),
        (
            Method::POST,
            "/api/v1/orders/BZ-00001-A/fulfil",
            "orders:write",
        ),
    ];
    for (method, path, scope) in &writes {
        let (status, headers, problem) =
            send(&app, method.clone(), path, None, None, &[], &json!({})).await;
        assert_eq!(status, 401, "{method} {path}: {problem}");
        assert_problem(&headers, &problem, "unauthorized");
        let (status, headers, problem) = send(
            &app,
            method.clone(),
            path,
            Some(&reader),
            None,
            &[],
            &json!({}),
        )
        .await;
        assert_eq!(status, 403, "{method} {path}: {problem}");
        assert_problem(&headers, &problem, "forbidden");
        assert!(
            problem["detail"].as_str().unwrap().contains(scope),
            "{problem}"
        );
    }
    let (status, _, _) = send(
        &app,
        Method::GET,
        "/api/v1/orders/BZ-00001-A",
        Some(&writer),
        None,
        &[],
        &Value::Null,
    )
    .await;
    assert_eq!(status, 403, "orders:write does not read");

    let (status, revoked) = call(
        &app,
        &staff,
        "revoke_api_token",
        &[("token_id", &id.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{revoked}");
    for (method, path, _) in &writes {
        let (status, headers, problem) = send(
            &app,
            method.clone(),
            path,
            Some(&writer),
            Some("k"),
            &[],
            &json!({}),
        )
        .await;
        assert_eq!(status, 401, "{method} {path}: {problem}");
        assert_problem(&headers, &problem, "unauthorized");
    }
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_gets_the_first_answer_and_writes_once() {
    let (app, _, token) = shop_with_token(&["catalog_write"]).await;
    let body = stool(&app).await;
    let first = send(
        &app,
        Method::POST,
        "/api/v1/products",
        Some(&token),
        Some("key-1"),
        &[],
        &body,
    )
    .await;
    let again = send(
        &app,
        Method::POST,
        "/api/v1/products",
        Some(&token),
        Some("key-1"),
        &[],
        &body,
    )
    .await;
    assert_eq!(first.0, 201, "{}", first.2);
    assert_eq!(again.0, 201, "{}", again.2);
    assert_eq!(first.2, again.2);
    assert_eq!(again.1["location"], first.1["location"]);
    assert_eq!(again.1["content-type"], "application/json");
    assert_eq!(again.1["idempotent-replayed"], "true");
    assert!(first.1.get("idempotent-replayed").is_none());
    let products = count(
        &app,
        "SELECT COUNT(*) FROM products WHERE slug = $1",
        "zephyrine-walnut-stool",
    )
    .await;
    assert_eq!(products, 1);

    // The same key for another request is refused, and writes nothing.
    let mut other = body.clone();
    other["name"] = json!("Another Stool");
    other["slug"] = json!("another-stool");
    let (status, headers, problem) = send(
        &app,
        Method::POST,
        "/api/v1/products",
        Some(&token),
        Some("key-1"),
        &[],
        &other,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_problem(&headers, &problem, "idempotency-key-reused");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM products WHERE slug = $1",
            "another-stool"
        )
        .await,
        0
    );

    // A refusal is an answer too: the retry gets it again.
    let stock_body = json!({ "items": [ { "sku": "ZEPH-S", "stock": 10 } ] });
    for _ in 0..2 {
        let (status, _, set) = send(
            &app,
            Method::POST,
            "/api/v1/stock",
            Some(&token),
            Some("stock-1"),
            &[],
            &stock_body,
        )
        .await;
        assert_eq!(status, 200, "{set}");
        assert_eq!(
            set["items"][0],
            json!({ "sku": "ZEPH-S", "before": 4, "after": 10 })
        );
    }
    let movements = count(
        &app,
        "SELECT COUNT(*) FROM stock_movements m JOIN variants v ON v.id = m.variant_id WHERE v.sku = $1",
        "ZEPH-S",
    )
    .await;
    assert_eq!(movements, 1, "one stock change for two requests");
}

#[tokio::test]
async fn concurrent_requests_with_one_idempotency_key_write_once() {
    let (app, _, token) = shop_with_token(&["catalog_write"]).await;
    let body = stool(&app).await;
    let requests: Vec<_> = (0..6)
        .map(|_| {
            let (base, token, body) = (app.base.clone(), token.clone(), body.clone());
            tokio::spawn(async move {
                let response = reqwest::Client::new()
                    .post(format!("{base}/api/v1/products"))
                    .header("authorization", bearer(&token))
                    .header("idempotency-key", "same-key")
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                (status, response.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for request in requests {
        answers.push(request.await.unwrap());
    }
    let created: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == 201)
        .map(|(_, b)| b)
        .collect();
    assert!(!created.is_empty(), "{answers:?}");
    assert!(
        created.iter().all(|body| *body == created[0]),
        "{answers:?}"
    );
    for (status, body) in &answers {
        assert!(
            *status == 201
                || (*status == 409
                    && body["type"] == "/api/v1/docs#problem-idempotency-key-in-flight"),
            "{status} {body}"
        );
    }
    let products = count(
        &app,
        "SELECT COUNT(*) FROM products WHERE slug = $1",
        "zephyrine-walnut-stool",
    )
    .await;
    assert_eq!(products, 1);
    let audited = count(
        &app,
        "SELECT COUNT(*) FROM staff_actions WHERE action = $1",
        "product.created",
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_browser_started_cross_site_write_is_refused_but_a_program_with_a_token_is_not() {
    let (app, _, token) = shop_with_token(&["catalog_write"]).await;
    let sku = variant(&app, 5).await;
    let body = json!({ "items": [ { "sku": sku, "stock": 9 } ] });
    let (status, _, _) = send(
        &app,
        Method::POST,
        "/api/v1/stock",
        Some(&token),
        None,
        &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        &body,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(stock(&app, &sku).await, 5);
    let (status, headers, _) = post(&app, "/api/v1/stock", &token, &body).await;
    assert_eq!(status, 200);
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers.get("x-cache").is_none(),
        "the page cache never sees a write"
    );
    assert_eq!(stock(&app, &sku).await, 9);
}
