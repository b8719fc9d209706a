//! The index against a real database (SQLite, or PostgreSQL with
//! `BAZAAR_TEST_POSTGRES_URL`): built from the catalog, and following its changes.

use super::*;
use crate::catalog::writes::{insert_product, record_changes, NewProduct, NewVariant};
use crate::db::Db;
use crate::money::{Currency, Money};

fn words(q: &str) -> ProductQuery {
    ProductQuery {
        q: q.to_owned(),
        ..ProductQuery::default()
    }
}

use crate::catalog::seed::seeded_test_db as seeded;

/// Runs `sql` (with `$1` = `id`) and records the change, in one committed transaction.
async fn change(db: &Db, sql: &str, id: i64) {
    let mut tx = db.pool().begin().await.unwrap();
    sqlx::query(sql).bind(id).execute(&mut *tx).await.unwrap();
    record_changes(&mut tx, &[id]).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_index_holds_every_seeded_product() {
    let test = seeded(120).await;
    let index = SearchIndex::load(&test.db).await.unwrap();
    assert_eq!(index.len(), 120);
    let all = index.search(&ProductQuery::default()).unwrap();
    assert_eq!(all.total, 120);
    // The seed's brands and materials are facets.
    let names: Vec<&str> = all
        .facets
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["brand", "material"]);
}

#[tokio::test]
async fn created_edited_and_deleted_products_show_after_a_refresh() {
    let test = seeded(10).await;
    let index = SearchIndex::load(&test.db).await.unwrap();
    let db = &test.db;
    assert_eq!(index.search(&words("zephyr")).unwrap().total, 0);

    // Created: in one transaction with its change record.
    let category: i64 = sqlx::query_scalar("SELECT MIN(id) FROM categories")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let mut tx = db.pool().begin().await.unwrap();
    let id = insert_product(
        &mut tx,
        &NewProduct {
            category_id: category,
            slug: "zephyr-kite",
            name: "Zephyr Kite",
            description: "Flies in a breeze.",
            featured: false,
            variants: &[NewVariant {
                sku: "ZK-1".into(),
                title: "Standard".into(),
                price: Money::new(1999, Currency::GBP),
                stock: 3,
            }],
            images: &[],
            attributes: &[],
        },
    )
    .await
    .unwrap();
    record_changes(&mut tx, &[id]).await.unwrap();
    // Not yet committed: a refresh does not see it.
    assert_eq!(index.refresh(db).await.unwrap(), 0);
    tx.commit().await.unwrap();
    assert_eq!(index.refresh(db).await.unwrap(), 1);
    assert_eq!(index.search(&words("zephyr")).unwrap().ids, [id]);
    // Typing it wrong finds it too.
    assert_eq!(index.search(&words("zepyhr")).unwrap().ids, [id]);

    // Edited.
    change(
        db,
        "UPDATE products SET name = 'Mistral Kite' WHERE id = $1",
        id,
    )
    .await;
    index.refresh(db).await.unwrap();
    assert_eq!(index.search(&words("zephyr")).unwrap().total, 0);
    assert_eq!(index.search(&words("mistral")).unwrap().ids, [id]);

    // Deleted.
    change(db, "DELETE FROM products WHERE id = $1", id).await;
    index.refresh(db).await.unwrap();
    assert_eq!(index.search(&words("mistral")).unwrap().total, 0);
    assert_eq!(index.len(), 10);
}

#[tokio::test]
async fn a_second_server_picks_up_changes_by_polling() {
    let test = seeded(5).await;
    let this = SearchIndex::load(&test.db).await.unwrap();
    let other = SearchIndex::load(&test.db).await.unwrap();
    let follower = tokio::spawn(other.clone().follow(test.db.clone()));
    let mut tx = test.db.pool().begin().await.unwrap();
    sqlx::query("UPDATE products SET published = FALSE")
        .execute(&mut *tx)
        .await
        .unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM products")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    record_changes(&mut tx, &ids).await.unwrap();
    tx.commit().await.unwrap();
    this.refresh(&test.db).await.unwrap();
    assert!(this.is_empty());
    // The other server learns within a few polls.
    let mut waited = 0;
    while !other.is_empty() && waited < 40 {
        tokio::time::sleep(POLL_EVERY).await;
        waited += 1;
    }
    follower.abort();
    assert!(
        other.is_empty(),
        "unpublished products left the other index"
    );
}
