//! Reading what the search index needs from the database.

use super::engine::{CategoryNode, Document};
use crate::db::{numbered_params, Db};
use crate::money::Currency;
use std::collections::HashMap;

/// Products read per query when reloading changed ones.
const IDS_PER_QUERY: usize = 500;

#[derive(sqlx::FromRow)]
struct ProductRow {
    id: i64,
    category_id: i64,
    name: String,
    description: String,
    created_at: i64,
    price: Option<i64>,
    currency: Option<String>,
    stock: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AttributeRow {
    product_id: i64,
    name: String,
    value: String,
}

const PRODUCTS: &str = "SELECT p.id, p.category_id, p.name, p.description, p.created_at,
        (SELECT MIN(v.price_amount) FROM variants v WHERE v.product_id = p.id) AS price,
        (SELECT MIN(v.currency) FROM variants v WHERE v.product_id = p.id) AS currency,
        (SELECT CAST(COALESCE(SUM(v.stock), 0) AS BIGINT) FROM variants v WHERE v.product_id = p.id) AS stock
    FROM products p WHERE p.published";

/// The searchable products: published ones with at least one variant.
/// `ids` narrows the read to those products; `None` reads them all.
pub async fn load_documents(db: &Db, ids: Option<&[i64]>) -> Result<Vec<Document>, sqlx::Error> {
    let mut products = Vec::new();
    let mut attributes: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    match ids {
        None => {
            products = sqlx::query_as::<_, ProductRow>(PRODUCTS)
                .fetch_all(db.pool())
                .await?;
            for row in sqlx::query_as::<_, AttributeRow>(
                "SELECT product_id, name, value FROM product_attributes",
            )
            .fetch_all(db.pool())
            .await?
            {
                attributes
                    .entry(row.product_id)
                    .or_default()
                    .push((row.name, row.value));
            }
        }
        Some(ids) => {
            for chunk in ids.chunks(IDS_PER_QUERY) {
                let list = numbered_params(1, chunk.len());
                let sql = format!("{PRODUCTS} AND p.id IN ({list})");
                let mut query = sqlx::query_as::<_, ProductRow>(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                products.extend(query.fetch_all(db.pool()).await?);
                let sql = format!(
                    "SELECT product_id, name, value FROM product_attributes WHERE product_id IN ({list})"
                );
                let mut query = sqlx::query_as::<_, AttributeRow>(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                for row in query.fetch_all(db.pool()).await? {
                    attributes
                        .entry(row.product_id)
                        .or_default()
                        .push((row.name, row.value));
                }
            }
        }
    }
    products
        .into_iter()
        .filter_map(|row| {
            let (price, currency) = (row.price?, row.currency.clone()?);
            Some((row, price, currency))
        })
        .map(|(row, price, currency)| {
            Ok(Document {
                id: row.id,
                category_id: row.category_id,
                price,
                currency: currency
                    .parse::<Currency>()
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                in_stock: row.stock.unwrap_or(0) > 0,
                created_at: row.created_at,
                attributes: attributes.remove(&row.id).unwrap_or_default(),
                name: row.name,
                description: row.description,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: i64,
    parent_id: Option<i64>,
    slug: String,
    name: String,
    position: i64,
}

pub async fn load_categories(db: &Db) -> Result<Vec<CategoryNode>, sqlx::Error> {
    let rows = sqlx::query_as::<_, CategoryRow>(
        "SELECT id, parent_id, slug, name, position FROM categories",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CategoryNode {
            id: r.id,
            parent_id: r.parent_id,
            slug: r.slug,
            name: r.name,
            position: r.position,
        })
        .collect())
}

/// The catalog's current revision.
pub async fn current_revision(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT revision FROM catalog_revision WHERE id = 1")
        .fetch_one(db.pool())
        .await
}

/// Products changed after revision `after`, up to and including `upto`.
pub async fn changed_products(db: &Db, after: i64, upto: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT product_id FROM catalog_changes WHERE revision > $1 AND revision <= $2",
    )
    .bind(after)
    .bind(upto)
    .fetch_all(db.pool())
    .await
}
