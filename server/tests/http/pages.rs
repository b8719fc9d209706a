use crate::helpers::{test_id_text, TestApp};
use app::catalog::server::{category_listing, home, product_detail};
use app::search::api::ProductQuery;

#[tokio::test]
async fn home_page_is_server_rendered_with_categories_and_featured_products() {
    let app = TestApp::seeded(60).await;
    let (status, html) = app.page("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Welcome to Bazaar</h1>"));
    assert!(html.contains("Home &amp; Kitchen") || html.contains("Home & Kitchen"));
    let featured = home(&app.db).await.unwrap().featured;
    assert!(!featured.is_empty());
    for product in featured {
        assert!(html.contains(&product.name), "{} missing", product.name);
        assert!(html.contains(&format!("href=\"/products/{}\"", product.slug)));
    }
    // The page loads the hydration bundle.
    assert!(html.contains("/pkg/bazaar.js"));
    assert!(html.contains("/pkg/bazaar_bg.wasm") || html.contains("bazaar_bg.wasm"));
}

#[tokio::test]
async fn a_category_page_shows_24_products_and_links_to_the_next_page() {
    let app = TestApp::seeded(200).await;
    let (status, html) = app.page("/categories/clothing").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Clothing</h1>"));
    assert_eq!(html.matches("class=\"product-card\"").count(), 24);
    let query = ProductQuery {
        category: Some("clothing".to_owned()),
        page: 2,
        ..ProductQuery::default()
    };
    let listing = category_listing(&app.db, &app.search, &query)
        .await
        .unwrap()
        .unwrap()
        .results;
    assert!(html.contains(&format!("Page 1 of {}", listing.page_count)));
    assert!(html.contains("href=\"/categories/clothing?page=2\""));

    let (status, page_two) = app.page("/categories/clothing?page=2").await;
    assert_eq!(status, 200);
    assert!(page_two.contains(&listing.items[0].product.name));
    assert!(page_two.contains("Previous page"));
}

#[tokio::test]
async fn a_product_page_shows_price_stock_variants_and_picture() {
    let app = TestApp::seeded(30).await;
    let slug = home(&app.db).await.unwrap().featured[0].slug.clone();
    let product = product_detail(&app.db, &slug).await.unwrap().unwrap();
    let (status, html) = app.page(&format!("/products/{slug}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("<h1>{}</h1>", product.name)));
    assert_eq!(
        test_id_text(&html, "price").as_deref(),
        Some(product.variants[0].price.to_string().as_str())
    );
    assert!(test_id_text(&html, "stock").is_some());
    for variant in &product.variants {
        assert!(html.contains(&format!("value=\"{}\"", variant.sku)));
    }
    assert!(html.contains(&format!("alt=\"{}\"", product.images[0].alt)));
    assert!(html.contains("Show this option"));
}

#[tokio::test]
async fn choosing_a_variant_without_javascript_shows_its_price() {
    let app = TestApp::seeded(30).await;
    let slug = home(&app.db).await.unwrap().featured[0].slug.clone();
    let product = product_detail(&app.db, &slug).await.unwrap().unwrap();
    let third = &product.variants[2];
    let (status, html) = app
        .page(&format!("/products/{slug}?variant={}", third.sku))
        .await;
    assert_eq!(status, 200);
    assert_eq!(test_id_text(&html, "price"), Some(third.price.to_string()));
}

#[tokio::test]
async fn unknown_pages_answer_404_with_a_real_page() {
    let app = TestApp::seeded(5).await;
    for path in [
        "/products/no-such-product",
        "/categories/no-such-category",
        "/categories/clothing?page=999",
        "/no/such/page",
    ] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("<h1>Page not found</h1>"), "{path}");
        assert!(html.contains("href=\"/\""), "{path}");
    }
}

#[tokio::test]
async fn a_database_fault_renders_a_500_page_without_internal_detail() {
    let app = TestApp::seeded(5).await;
    app.db.close().await;
    let (status, html) = app.page("/categories/clothing").await;
    assert_eq!(status, 500);
    assert!(html.contains("<h1>Something went wrong</h1>"));
    let lower = html.to_lowercase();
    for leak in ["pool", "sqlx", "sqlite", "postgres", "closed"] {
        assert!(!lower.contains(leak), "page leaks {leak:?}");
    }
}
