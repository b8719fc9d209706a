//! The JSON API over HTTP: filters, pagination bounds, problem documents, ETag/304.

use crate::helpers::TestApp;
use app::search::params::encode;
use serde_json::Value;

async fn get_json(app: &TestApp, path: &str) -> (u16, String, Value) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, content_type, body)
}

#[tokio::test]
async fn products_are_listed_with_prices_in_minor_units_and_facets() {
    let app = TestApp::seeded(120).await;
    let (status, content_type, body) = get_json(&app, "/api/v1/products?per_page=10").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/json");
    assert_eq!(body["total"], 120);
    assert_eq!(body["page"], 1);
    assert_eq!(body["per_page"], 10);
    assert_eq!(body["items"].as_array().unwrap().len(), 10);
    let price = &body["items"][0]["price_from"];
    assert!(price["amount"].is_i64());
    assert_eq!(price["currency"], "GBP");
    assert_eq!(body["facets"]["categories"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn filters_combine_and_every_item_satisfies_them() {
    let app = TestApp::seeded(200).await;
    let (status, _, body) = get_json(
        &app,
        "/api/v1/products?category=home-kitchen&min_price=1000&max_price=5000&in_stock=true&sort=price_asc&per_page=100",
    )
    .await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let prices: Vec<i64> = items
        .iter()
        .map(|i| i["price_from"]["amount"].as_i64().unwrap())
        .collect();
    assert!(
        prices.iter().all(|p| (1000..=5000).contains(p)),
        "{prices:?}"
    );
    assert!(prices.is_sorted());
    assert!(items.iter().all(|i| i["in_stock"] == true));
    // The attribute facet offers brands; filtering by one narrows the total.
    let brand = body["facets"]["attributes"][0]["values"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, _, narrowed) = get_json(
        &app,
        &format!(
            "/api/v1/products?category=home-kitchen&brand={}",
            encode(&brand)
        ),
    )
    .await;
    assert!(narrowed["total"].as_u64().unwrap() < 200);
}

#[tokio::test]
async fn search_through_the_api_forgives_typos() {
    let app = TestApp::seeded(200).await;
    let (status, _, body) = get_json(&app, "/api/v1/products?q=stonewaer").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n.contains("Stoneware")), "{names:?}");
}

#[tokio::test]
async fn bad_parameters_are_400_problems_that_name_the_parameter() {
    let app = TestApp::seeded(5).await;
    for (query, parameter) in [
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("min_price=abc", "min_price"),
        ("sort=cheapest", "sort"),
        ("category=no-such-category", "category"),
        ("colour=red", "colour"),
    ] {
        let (status, content_type, body) =
            get_json(&app, &format!("/api/v1/products?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(body["type"], "/api/v1/docs#problem-bad-parameter");
        assert_eq!(body["status"], 400);
        assert_eq!(body["parameter"], parameter, "{query}");
    }
    let (status, _, body) = get_json(&app, "/api/v1/search/suggest").await;
    assert_eq!((status, body["parameter"].as_str()), (400, Some("q")));
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_not_an_error() {
    let app = TestApp::seeded(30).await;
    let (status, _, body) = get_json(&app, "/api/v1/products?page=9").await;
    assert_eq!(status, 200);
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
    assert_eq!(body["total"], 30);
    assert_eq!(body["page"], 9);
}

#[tokio::test]
async fn unknown_products_and_endpoints_are_404_problems() {
    let app = TestApp::seeded(5).await;
    for path in ["/api/v1/products/no-such-product", "/api/v1/nothing-here"] {
        let (status, content_type, body) = get_json(&app, path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(body["type"], "/api/v1/docs#problem-not-found");
    }
}

#[tokio::test]
async fn a_product_has_variants_and_categories() {
    let app = TestApp::seeded(30).await;
    let (_, _, list) = get_json(&app, "/api/v1/products?per_page=1").await;
    let slug = list["items"][0]["slug"].as_str().unwrap().to_owned();
    let (status, _, product) = get_json(&app, &format!("/api/v1/products/{slug}")).await;
    assert_eq!(status, 200);
    assert_eq!(product["slug"], slug.as_str());
    assert!(!product["variants"].as_array().unwrap().is_empty());
    assert!(product["variants"][0]["price"]["amount"].is_i64());
    assert_eq!(product["categories"].as_array().unwrap().len(), 2);
    let (status, _, categories) = get_json(&app, "/api/v1/categories").await;
    assert_eq!(status, 200);
    let items = categories["items"].as_array().unwrap();
    assert_eq!(items.len(), 24);
    assert!(items[0]["parent"].is_null());
    assert!(items.last().unwrap()["parent"].is_string());
}

#[tokio::test]
async fn reads_carry_an_etag_and_a_matching_request_gets_304() {
    let app = TestApp::seeded(20).await;
    for path in [
        "/api/v1/products?q=oak",
        "/api/v1/categories",
        "/api/v1/search/suggest?q=oa",
    ] {
        let first = app.get(path).await;
        assert_eq!(first.status(), 200);
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert!(first.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age"));
        let again = app
            .client
            .get(format!("{}{path}", app.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert!(again.bytes().await.unwrap().is_empty());
        let stale = app
            .client
            .get(format!("{}{path}", app.base))
            .header("if-none-match", "W/\"0000\"")
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), 200);
    }
}

#[tokio::test]
async fn the_openapi_document_and_its_page_are_served() {
    let app = TestApp::seeded(1).await;
    let (status, _, document) = get_json(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let (status, html) = app.page("/api/v1/docs").await;
    assert_eq!(status, 200);
    assert!(html.contains("<code>GET /api/v1/products</code>"));
    assert!(html.contains("id=\"problem-bad-parameter\""));
}
