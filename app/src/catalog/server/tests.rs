//! Catalog queries against a real database (SQLite, or PostgreSQL when
//! `BAZAAR_TEST_POSTGRES_URL` is set), filled by the demo seed.

use super::*;
use crate::catalog::seed::{seed, SeedOptions, SeedOutcome};
use crate::search::api::DEFAULT_PER_PAGE;

/// Page `page` of the category `slug`, with no filters.
async fn listing(db: &Db, index: &SearchIndex, slug: &str, page: u32) -> Option<CategoryListing> {
    let query = ProductQuery {
        category: Some(slug.to_owned()),
        page,
        ..ProductQuery::default()
    };
    category_listing(db, index, &query).await.unwrap()
}

use crate::catalog::seed::seeded_test_db as seeded;

#[tokio::test]
async fn home_lists_top_level_categories_and_featured_products() {
    let test = seeded(100).await;
    let home = home(&test.db).await.unwrap();
    assert_eq!(home.categories.len(), 6);
    assert_eq!(home.categories[0].name, "Home & Kitchen");
    // Every 25th product is featured: 0, 25, 50, 75.
    assert_eq!(home.featured.len(), 4);
    assert!(home.featured.iter().all(|p| p.variant_count == 3));
    let mut names: Vec<_> = home.featured.iter().map(|p| p.name.clone()).collect();
    let sorted = {
        let mut s = names.clone();
        s.sort();
        s
    };
    assert_eq!(names, sorted);
    names.dedup();
    assert_eq!(names.len(), 4);
}

#[tokio::test]
async fn a_top_level_category_pages_through_all_its_subcategories_products() {
    let test = seeded(300).await;
    let index = SearchIndex::load(&test.db).await.unwrap();
    let first = listing(&test.db, &index, "home-kitchen", 1).await.unwrap();
    assert_eq!(first.subcategories.len(), 3);
    assert!(first.ancestors.is_empty());
    let results = &first.results;
    let total = results.total;
    let per_page = u64::from(DEFAULT_PER_PAGE);
    assert!(total > per_page, "expected more than a page, got {total}");
    assert_eq!(results.items.len() as u64, per_page);
    assert_eq!(u64::from(results.page_count), total.div_ceil(per_page));

    let mut seen = std::collections::HashSet::new();
    for page in 1..=results.page_count {
        let listing = listing(&test.db, &index, "home-kitchen", page)
            .await
            .unwrap();
        let names: Vec<String> = listing
            .results
            .items
            .iter()
            .map(|h| h.product.name.to_lowercase())
            .collect();
        assert!(
            names.is_sorted(),
            "a category lists products by name: {names:?}"
        );
        for hit in listing.results.items {
            assert!(
                seen.insert(hit.product.slug),
                "a product appeared on two pages"
            );
        }
    }
    assert_eq!(seen.len() as u64, total);
    assert!(
        listing(&test.db, &index, "home-kitchen", results.page_count + 1)
            .await
            .is_none()
    );
}

#[tokio::test]
async fn a_subcategory_knows_its_parent() {
    let test = seeded(50).await;
    let index = SearchIndex::load(&test.db).await.unwrap();
    let listing = listing(&test.db, &index, "cookware", 1).await.unwrap();
    assert_eq!(listing.ancestors.len(), 1);
    assert_eq!(listing.ancestors[0].slug, "home-kitchen");
    assert!(listing.subcategories.is_empty());
}

#[tokio::test]
async fn unknown_slugs_are_none_not_errors() {
    let test = seeded(10).await;
    let index = SearchIndex::load(&test.db).await.unwrap();
    assert!(listing(&test.db, &index, "no-such-thing", 1)
        .await
        .is_none());
    assert!(product_detail(&test.db, "no-such-thing")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_product_has_its_variants_in_order_and_its_category_trail() {
    let test = seeded(30).await;
    let featured = home(&test.db).await.unwrap().featured.remove(0);
    let product = product_detail(&test.db, &featured.slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(product.name, featured.name);
    assert_eq!(product.variants.len(), 3);
    assert_eq!(product.variants[0].price, featured.price_from);
    assert!(product
        .variants
        .windows(2)
        .all(|w| w[0].price.amount < w[1].price.amount));
    assert_eq!(product.categories.len(), 2);
    assert_eq!(product.images.len(), 1);
    assert!(product.images[0].url.starts_with("/media/demo/"));
    let total_stock: i64 = product.variants.iter().map(|v| v.stock).sum();
    assert_eq!(featured.in_stock, total_stock > 0);
}

#[tokio::test]
async fn seeding_twice_leaves_the_catalog_alone() {
    let test = seeded(20).await;
    let again = seed(
        &test.db,
        &SeedOptions {
            products: 20,
            seed: 2,
            currency: Currency::GBP,
        },
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(again, SeedOutcome::CatalogNotEmpty { products: 20 });
}

#[tokio::test]
async fn the_database_refuses_negative_stock() {
    let test = seeded(5).await;
    let result = sqlx::query("UPDATE variants SET stock = -1 WHERE sku = $1")
        .bind("BZ-000001-1")
        .execute(test.db.pool())
        .await;
    assert!(result.is_err());
}
