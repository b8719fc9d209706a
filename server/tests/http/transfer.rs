//! `bazaar import` and `bazaar export`, run as a shop owner would run them, against a
//! fresh database and data folder per test.

use app::db::testing::TestDb;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/http/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// A shop: a fresh database and its own data folder (where imported pictures go).
struct Shop {
    test: TestDb,
    data_dir: PathBuf,
}

impl Shop {
    async fn new() -> Shop {
        let test = TestDb::new().await;
        static SHOPS: AtomicU64 = AtomicU64::new(0);
        let data_dir = std::env::temp_dir().join(format!(
            "bazaar-transfer-{}-{}",
            std::process::id(),
            SHOPS.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&data_dir);
        std::fs::create_dir_all(&data_dir).unwrap();
        Shop { test, data_dir }
    }

    /// Another database that shares this shop's data folder, as after a database move.
    async fn fresh_database(&self) -> Shop {
        Shop {
            test: TestDb::new().await,
            data_dir: self.data_dir.clone(),
        }
    }

    fn bazaar(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_bazaar"))
            .args(args)
            .env("RUST_LOG", "warn")
            .env("DATABASE_URL", &self.test.url)
            .env("BAZAAR_DATA_DIR", &self.data_dir)
            .env("BAZAAR_CURRENCY", "GBP")
            .output()
            .expect("bazaar runs")
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.test.db.pool())
            .await
            .unwrap()
    }

    fn export(&self, format: &str) -> String {
        let out = self.bazaar(&["export", "--format", format]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn a_shopify_csv_becomes_products_with_every_variant_and_picture() {
    let shop = Shop::new().await;
    let out = shop.bazaar(&["import", &fixture("shopify-products.csv")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout,
        "Imported 3 products (3 new, 0 updated), 6 variants, 2 images stored; \
         1 image not fetched (URLs)\n  not fetched: https://cdn.shopify.com/s/files/1/scarf-detail.jpg\n"
    );

    let titles: Vec<(String, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT v.title, v.price_amount, v.compare_at_amount, v.stock FROM variants v
         JOIN products p ON p.id = v.product_id WHERE p.slug = 'merino-scarf' ORDER BY v.position",
    )
    .fetch_all(shop.test.db.pool())
    .await
    .unwrap();
    assert_eq!(
        titles,
        vec![
            ("Sage / Long".to_owned(), 3200, Some(4000), 4),
            ("Sage / Short".to_owned(), 2850, None, 2),
            ("Charcoal / Long".to_owned(), 3200, None, 0),
        ]
    );
    let (name, description, category, published): (String, String, String, i64) = sqlx::query_as(
        "SELECT p.name, p.description, c.name, CAST(CASE WHEN p.published THEN 1 ELSE 0 END AS BIGINT)
         FROM products p JOIN categories c ON c.id = p.category_id WHERE p.slug = 'merino-scarf'",
    )
    .fetch_one(shop.test.db.pool())
    .await
    .unwrap();
    assert_eq!(name, "Merino Scarf");
    assert_eq!(description, "Knitted from fine merino & finished by hand.");
    assert_eq!(category, "Knitwear");
    assert_eq!(published, 1);
    let brand: String = sqlx::query_scalar(
        "SELECT a.value FROM product_attributes a JOIN products p ON p.id = a.product_id
         WHERE p.slug = 'stoneware-mug' AND a.name = 'brand'",
    )
    .fetch_one(shop.test.db.pool())
    .await
    .unwrap();
    assert_eq!(brand, "Kiln & Co");
    // The candle is a draft with no Type: hidden, in "Imported".
    let candle: (String, i64) = sqlx::query_as(
        "SELECT c.name, CAST(CASE WHEN p.published THEN 1 ELSE 0 END AS BIGINT)
         FROM products p JOIN categories c ON c.id = p.category_id WHERE p.slug = 'beeswax-candle'",
    )
    .fetch_one(shop.test.db.pool())
    .await
    .unwrap();
    assert_eq!(candle, ("Imported".to_owned(), 0));

    // The local picture is copied in, named by content, with its size read from the file.
    let (key, width, height): (String, i64, i64) = sqlx::query_as(
        "SELECT i.storage_key, i.width, i.height FROM product_images i
         JOIN products p ON p.id = i.product_id WHERE p.slug = 'merino-scarf'",
    )
    .fetch_one(shop.test.db.pool())
    .await
    .unwrap();
    assert!(
        key.starts_with("imported/") && key.ends_with(".png"),
        "{key}"
    );
    assert_eq!((width, height), (40, 30));
    let copied = std::fs::read(shop.data_dir.join("media").join(&key)).unwrap();
    assert_eq!(
        copied,
        std::fs::read(fixture("pictures/scarf.png")).unwrap()
    );
    let url: String = sqlx::query_scalar("SELECT url FROM product_image_sources")
        .fetch_one(shop.test.db.pool())
        .await
        .unwrap();
    assert_eq!(url, "https://cdn.shopify.com/s/files/1/scarf-detail.jpg");
}

#[tokio::test]
async fn an_invalid_file_is_reported_line_by_line_and_nothing_is_written() {
    let shop = Shop::new().await;
    let file = fixture("shopify-invalid.csv");
    let out = shop.bazaar(&["import", &file]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[..3],
        [
            r#"line 3: Variant Price "12,5" is not a price"#,
            r#"line 5: Variant Inventory Qty "-3" is negative"#,
            r#"line 6: Status "paused" is not active, draft or archived"#,
        ]
    );
    assert_eq!(
        lines[3],
        format!(
            "bazaar: {file} is not valid (3 errors in 3 products); nothing was imported. \
             --skip-invalid imports the 1 valid product and lists the others."
        )
    );
    assert_eq!(out.stdout, b"");
    assert_eq!(shop.count("SELECT COUNT(*) FROM products").await, 0);
    assert_eq!(shop.count("SELECT COUNT(*) FROM categories").await, 0);
}

#[tokio::test]
async fn skip_invalid_imports_the_good_products_and_lists_the_rest() {
    let shop = Shop::new().await;
    let out = shop.bazaar(&["import", "--skip-invalid", &fixture("shopify-invalid.csv")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "Imported 1 product (1 new, 0 updated), 1 variant, 0 images stored\n\
         Skipped 3 invalid products: linen-napkin, wool-throw, oak-board\n"
    );
    assert!(text(&out.stderr).contains(r#"line 3: Variant Price "12,5" is not a price"#));
    let slugs: Vec<String> = sqlx::query_scalar("SELECT slug FROM products")
        .fetch_all(shop.test.db.pool())
        .await
        .unwrap();
    assert_eq!(slugs, vec!["stoneware-mug"]);
}

#[tokio::test]
async fn importing_the_same_files_again_updates_instead_of_duplicating() {
    let shop = Shop::new().await;
    for file in ["catalog.jsonl", "shopify-products.csv"] {
        let out = shop.bazaar(&["import", &fixture(file)]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let before = shop.export("jsonl");
    let counts = [
        shop.count("SELECT COUNT(*) FROM products").await,
        shop.count("SELECT COUNT(*) FROM variants").await,
        shop.count("SELECT COUNT(*) FROM product_images").await,
        shop.count("SELECT COUNT(*) FROM categories").await,
    ];
    assert_eq!(counts, [5, 9, 3, 5]);

    let out = shop.bazaar(&["import", &fixture("shopify-products.csv")]);
    assert!(text(&out.stdout).starts_with("Imported 3 products (0 new, 3 updated), 6 variants"));
    let out = shop.bazaar(&["import", &fixture("catalog.jsonl")]);
    assert!(text(&out.stdout).starts_with("Imported 2 products (0 new, 2 updated), 3 variants"));
    assert_eq!(shop.export("jsonl"), before);
    let again = [
        shop.count("SELECT COUNT(*) FROM products").await,
        shop.count("SELECT COUNT(*) FROM variants").await,
        shop.count("SELECT COUNT(*) FROM product_images").await,
        shop.count("SELECT COUNT(*) FROM categories").await,
    ];
    assert_eq!(again, counts);
}

/// Export from one shop, import into a fresh database, export again: the same file.
async fn round_trip(format: &str, extension: &str) {
    let shop = Shop::new().await;
    for file in ["catalog.jsonl", "shopify-products.csv"] {
        let out = shop.bazaar(&["import", &fixture(file)]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let file = shop.data_dir.join(format!("catalog-export.{extension}"));
    let file = file.display().to_string();
    let out = shop.bazaar(&["export", "--format", format, "--output", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout, b"");
    assert!(text(&out.stderr).contains("Exported 5 products to"));

    let copy = shop.fresh_database().await;
    let out = copy.bazaar(&["import", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with(
        "Imported 5 products (5 new, 0 updated), 9 variants, 3 images stored; 2 images not fetched"
    ));
    assert_eq!(copy.export(format), std::fs::read_to_string(&file).unwrap());
    // The JSONL view compares every field, whichever format made the trip.
    assert_eq!(copy.export("jsonl"), shop.export("jsonl"));
}

#[tokio::test]
async fn a_jsonl_export_imports_into_a_fresh_database_as_the_same_catalog() {
    round_trip("jsonl", "jsonl").await;
}

#[tokio::test]
async fn a_shopify_csv_export_imports_into_a_fresh_database_as_the_same_catalog() {
    round_trip("shopify-csv", "csv").await;
}

#[tokio::test]
async fn the_format_comes_from_the_extension_or_the_flag() {
    let shop = Shop::new().await;
    let renamed = shop.data_dir.join("products.txt");
    std::fs::copy(fixture("catalog.jsonl"), &renamed).unwrap();
    let renamed = renamed.display().to_string();
    let out = shop.bazaar(&["import", &renamed]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("add --format jsonl or --format shopify-csv"));
    // Pictures named relative to the file are looked for beside it: copy them along.
    let pictures = shop.data_dir.join("pictures");
    std::fs::create_dir_all(&pictures).unwrap();
    std::fs::copy(fixture("pictures/bowl.png"), pictures.join("bowl.png")).unwrap();
    let out = shop.bazaar(&["import", "--format", "jsonl", &renamed]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Imported 2 products (2 new, 0 updated)"));
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}
