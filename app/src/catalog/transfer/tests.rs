//! Imports and exports against a real database (SQLite, or PostgreSQL when
//! `BAZAAR_TEST_POSTGRES_URL` is set).

use super::export::{export, read_catalog};
use super::images::tiny_png;
use super::*;
use crate::catalog::seed::{seed, SeedOptions};
use crate::db::testing::TestDb;
use std::path::PathBuf;

/// A scratch folder (import files, pictures, the media store) removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("bazaar-transfer-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bowl.png"), tiny_png(640, 480)).unwrap();
        Scratch(dir)
    }

    fn media(&self) -> PathBuf {
        self.0.join("media")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const CATALOG: &str = r#"{"handle":"amber-oak-bowl","title":"Amber Oak Bowl","description":"Turned by hand.","category":{"slug":"tableware","name":"Tableware","parent":{"slug":"home-kitchen","name":"Home & Kitchen"}},"featured":true,"options":["Size"],"attributes":{"brand":"Northbank","material":"Oak"},"variants":[{"sku":"BOWL-S","title":"Small","price":{"amount":1299,"currency":"GBP"},"compare_at_price":{"amount":1599,"currency":"GBP"},"stock":5},{"sku":"BOWL-L","title":"Large","price":{"amount":1899,"currency":"GBP"},"stock":2}],"images":[{"src":"https://cdn.example.com/bowl-side.jpg","alt":"From the side"},{"src":"bowl.png","alt":"From above"}]}
{"handle":"linen-apron","title":"Linen Apron","published":false,"variants":[{"sku":"APRON-1","title":"One size","price":{"amount":2400,"currency":"GBP"},"stock":0}]}
"#;

async fn import_text(
    test: &TestDb,
    scratch: &Scratch,
    format: Format,
    text: &str,
) -> ImportSummary {
    let prepared = prepare(format, text, Currency::GBP, &scratch.0, &scratch.media());
    assert_eq!(prepared.errors, vec![]);
    write_products(&test.db, &prepared.products, &scratch.media(), |_| {})
        .await
        .unwrap()
}

async fn count(test: &TestDb, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(test.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_import_stores_products_variants_pictures_and_categories() {
    let test = TestDb::new().await;
    let scratch = Scratch::new();
    let summary = import_text(&test, &scratch, Format::Jsonl, CATALOG).await;
    assert_eq!(
        summary,
        ImportSummary {
            created: 2,
            updated: 0,
            variants: 3,
            images_stored: 1,
            not_fetched: vec!["https://cdn.example.com/bowl-side.jpg".to_owned()],
        }
    );
    let catalog = read_catalog(&test.db).await.unwrap();
    let bowl = &catalog[0];
    assert_eq!(bowl.handle, "amber-oak-bowl");
    let path: Vec<_> = bowl.category.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(path, vec!["Home & Kitchen", "Tableware"]);
    assert!(bowl.featured && bowl.published);
    assert_eq!(bowl.option_names, vec!["Size"]);
    assert_eq!(bowl.variants[1].price, Money::new(1899, Currency::GBP));
    assert_eq!(bowl.variants[0].compare_at_price.unwrap().amount, 1599);
    // Stored pictures come first, then the URLs recorded but not fetched.
    assert!(bowl.images[0].src.starts_with("media:imported/"));
    assert_eq!(bowl.images[1].src, "https://cdn.example.com/bowl-side.jpg");
    let (key, width, height): (String, i64, i64) =
        sqlx::query_as("SELECT storage_key, width, height FROM product_images")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
    assert_eq!((width, height), (640, 480));
    assert_eq!(
        std::fs::read(scratch.media().join(&key)).unwrap(),
        tiny_png(640, 480)
    );

    let apron = &catalog[1];
    assert!(!apron.published);
    assert_eq!(apron.category, default_category());
    // Every imported product is in the search index's change feed.
    assert_eq!(count(&test, "catalog_changes").await, 2);
}

#[tokio::test]
async fn importing_the_same_file_twice_gives_the_same_catalog() {
    let test = TestDb::new().await;
    let scratch = Scratch::new();
    import_text(&test, &scratch, Format::Jsonl, CATALOG).await;
    let first = read_catalog(&test.db).await.unwrap();
    let counts = [
        count(&test, "products").await,
        count(&test, "variants").await,
        count(&test, "product_images").await,
        count(&test, "product_image_sources").await,
        count(&test, "categories").await,
    ];
    let again = import_text(&test, &scratch, Format::Jsonl, CATALOG).await;
    assert_eq!((again.created, again.updated), (0, 2));
    assert_eq!(read_catalog(&test.db).await.unwrap(), first);
    let after = [
        count(&test, "products").await,
        count(&test, "variants").await,
        count(&test, "product_images").await,
        count(&test, "product_image_sources").await,
        count(&test, "categories").await,
    ];
    assert_eq!(after, counts);
}

#[tokio::test]
async fn a_reimport_updates_by_handle_and_sku_and_drops_unlisted_variants() {
    let test = TestDb::new().await;
    let scratch = Scratch::new();
    import_text(&test, &scratch, Format::Jsonl, CATALOG).await;
    let bowl_variant: i64 = sqlx::query_scalar("SELECT id FROM variants WHERE sku = 'BOWL-L'")
        .fetch_one(test.db.pool())
        .await
        .unwrap();
    let changed = r#"{"handle":"amber-oak-bowl","title":"Amber Oak Bowl II","category":"tableware","variants":[{"sku":"BOWL-L","title":"Large","price":{"amount":1999,"currency":"GBP"},"stock":9},{"sku":"BOWL-XL","title":"Extra large","price":{"amount":2999,"currency":"GBP"},"stock":1}]}"#;
    let summary = import_text(&test, &scratch, Format::Jsonl, changed).await;
    assert_eq!((summary.created, summary.updated), (0, 1));
    let catalog = read_catalog(&test.db).await.unwrap();
    let bowl = catalog
        .iter()
        .find(|p| p.handle == "amber-oak-bowl")
        .unwrap();
    assert_eq!(bowl.title, "Amber Oak Bowl II");
    let variants: Vec<_> = bowl
        .variants
        .iter()
        .map(|v| (v.sku.as_str(), v.price.amount, v.stock))
        .collect();
    assert_eq!(variants, vec![("BOWL-L", 1999, 9), ("BOWL-XL", 2999, 1)]);
    assert!(bowl.images.is_empty() && bowl.attributes.is_empty());
    // The same variant row was updated, not replaced.
    let same: i64 = sqlx::query_scalar("SELECT id FROM variants WHERE sku = 'BOWL-L'")
        .fetch_one(test.db.pool())
        .await
        .unwrap();
    assert_eq!(same, bowl_variant);
    assert_eq!(
        catalog.len(),
        2,
        "the apron, not in the file, is left alone"
    );
}

/// Export, import into an empty database, compare: both formats.
async fn round_trip(format: Format) {
    let source = TestDb::new().await;
    let scratch = Scratch::new();
    let options = SeedOptions {
        products: 40,
        seed: 7,
        currency: Currency::GBP,
    };
    seed(&source.db, &options, |_| {}).await.unwrap();
    import_text(&source, &scratch, Format::Jsonl, CATALOG).await;
    let mut file = Vec::new();
    let written = export(&source.db, format, &mut file).await.unwrap();
    assert_eq!(written, 42);
    let text = String::from_utf8(file).unwrap();

    let target = TestDb::new().await;
    let summary = import_text(&target, &scratch, format, &text).await;
    assert_eq!(summary.created, 42);
    let expected = read_catalog(&source.db).await.unwrap();
    assert_eq!(read_catalog(&target.db).await.unwrap(), expected);
    // And exporting the copy writes the very same file.
    let mut again = Vec::new();
    export(&target.db, format, &mut again).await.unwrap();
    assert_eq!(String::from_utf8(again).unwrap(), text);
}

#[tokio::test]
async fn a_jsonl_export_imports_back_to_the_same_catalog() {
    round_trip(Format::Jsonl).await;
}

#[tokio::test]
async fn a_shopify_csv_export_imports_back_to_the_same_catalog() {
    round_trip(Format::ShopifyCsv).await;
}

#[test]
fn an_invalid_product_is_kept_out_with_every_reason() {
    let scratch = Scratch::new();
    let text = format!(
        "{}\n{}\n{}",
        CATALOG.lines().next().unwrap(),
        r#"{"handle":"Bad Handle","title":"","variants":[{"sku":"BOWL-S","title":"x","price":{"amount":1,"currency":"GBP"},"stock":-1}],"images":[{"src":"missing.png"}]}"#,
        r#"{"handle":"no-picture","title":"No picture","variants":[{"sku":"NP-1","title":"x","price":{"amount":1,"currency":"GBP"}}],"images":[{"src":"missing.png"}]}"#,
    );
    let prepared = prepare(
        Format::Jsonl,
        &text,
        Currency::GBP,
        &scratch.0,
        &scratch.media(),
    );
    let lines: Vec<String> = prepared.errors.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert!(lines[0].starts_with(r#"line 2: handle "Bad Handle" is not a slug"#));
    assert_eq!(lines[1], "line 2: the title is empty");
    assert_eq!(lines[2], "line 2: the stock -1 is negative");
    assert_eq!(
        lines[3],
        r#"line 2: SKU "BOWL-S" was already used on line 1"#
    );
    assert!(lines[4].starts_with(r#"line 3: image "missing.png" cannot be read"#));
    assert_eq!(prepared.products.len(), 1);
    assert_eq!(prepared.rejected, vec!["Bad Handle", "no-picture"]);
}
