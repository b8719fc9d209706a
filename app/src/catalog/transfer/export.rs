//! Reading the whole catalog back into [`ImportProduct`]s, in handle order, and writing
//! it in either format. Stored pictures are written as `media:<storage key>` and
//! recorded URLs as themselves, so the file imports back to the same catalog.

use super::images::MEDIA_SCHEME;
use super::{jsonl, shopify_csv, CategoryLevel, Format, ImportImage, ImportProduct, ImportVariant};
use crate::db::Db;
use crate::money::{Currency, Money};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot read the catalog: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot write the file: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot write the CSV file: {0}")]
    Csv(#[from] csv::Error),
}

/// Writes the catalog to `out`; returns how many products it wrote.
pub async fn export(db: &Db, format: Format, mut out: impl Write) -> Result<usize, ExportError> {
    let products = read_catalog(db).await?;
    match format {
        Format::Jsonl => {
            for product in &products {
                writeln!(out, "{}", jsonl::to_line(product))?;
            }
            out.flush()?;
        }
        Format::ShopifyCsv => shopify_csv::write(&products, out)?,
    }
    Ok(products.len())
}

/// Every product with its category chain, variants, attributes and pictures.
pub async fn read_catalog(db: &Db) -> Result<Vec<ImportProduct>, sqlx::Error> {
    let pool = db.pool();
    let mut categories = HashMap::new();
    for row in sqlx::query("SELECT id, parent_id, slug, name FROM categories")
        .fetch_all(pool)
        .await?
    {
        let id: i64 = row.try_get(0)?;
        let parent: Option<i64> = row.try_get(1)?;
        let level = CategoryLevel {
            slug: row.try_get(2)?,
            name: row.try_get(3)?,
        };
        categories.insert(id, (parent, level));
    }
    let mut variants: HashMap<i64, Vec<ImportVariant>> = HashMap::new();
    for row in sqlx::query(
        "SELECT product_id, sku, title, price_amount, currency, compare_at_amount, stock
         FROM variants ORDER BY product_id, position, id",
    )
    .fetch_all(pool)
    .await?
    {
        let currency: Currency = row
            .try_get::<String, _>(4)?
            .parse()
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let compare_at: Option<i64> = row.try_get(5)?;
        variants
            .entry(row.try_get(0)?)
            .or_default()
            .push(ImportVariant {
                line: 0,
                sku: row.try_get(1)?,
                title: row.try_get(2)?,
                price: Money::new(row.try_get(3)?, currency),
                compare_at_price: compare_at.map(|amount| Money::new(amount, currency)),
                stock: row.try_get(6)?,
            });
    }
    let mut images: HashMap<i64, Vec<ImportImage>> = HashMap::new();
    for row in sqlx::query(
        "SELECT product_id, storage_key, alt FROM product_images ORDER BY product_id, position, id",
    )
    .fetch_all(pool)
    .await?
    {
        let key: String = row.try_get(1)?;
        images
            .entry(row.try_get(0)?)
            .or_default()
            .push(ImportImage {
                line: 0,
                src: format!("{MEDIA_SCHEME}{key}"),
                alt: row.try_get(2)?,
            });
    }
    for row in sqlx::query(
        "SELECT product_id, url, alt FROM product_image_sources ORDER BY product_id, position",
    )
    .fetch_all(pool)
    .await?
    {
        images
            .entry(row.try_get(0)?)
            .or_default()
            .push(ImportImage {
                line: 0,
                src: row.try_get(1)?,
                alt: row.try_get(2)?,
            });
    }
    let mut attributes: HashMap<i64, BTreeMap<String, String>> = HashMap::new();
    for row in sqlx::query("SELECT product_id, name, value FROM product_attributes")
        .fetch_all(pool)
        .await?
    {
        attributes
            .entry(row.try_get(0)?)
            .or_default()
            .insert(row.try_get(1)?, row.try_get(2)?);
    }

    let rows = sqlx::query(
        "SELECT id, category_id, slug, name, description,
                CAST(CASE WHEN featured THEN 1 ELSE 0 END AS BIGINT),
                CAST(CASE WHEN published THEN 1 ELSE 0 END AS BIGINT),
                option_names
         FROM products ORDER BY slug",
    )
    .fetch_all(pool)
    .await?;
    let mut products = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get(0)?;
        let options: String = row.try_get(7)?;
        products.push(ImportProduct {
            line: 0,
            handle: row.try_get(2)?,
            title: row.try_get(3)?,
            description: row.try_get(4)?,
            category: chain(&categories, row.try_get(1)?),
            featured: row.try_get::<i64, _>(5)? != 0,
            published: row.try_get::<i64, _>(6)? != 0,
            option_names: options
                .split(" / ")
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
                .collect(),
            attributes: attributes.remove(&id).unwrap_or_default(),
            variants: variants.remove(&id).unwrap_or_default(),
            images: images.remove(&id).unwrap_or_default(),
        });
    }
    Ok(products)
}

/// The category and its parents, top level first.
fn chain(categories: &HashMap<i64, (Option<i64>, CategoryLevel)>, id: i64) -> Vec<CategoryLevel> {
    let mut chain = Vec::new();
    let mut next = Some(id);
    // The tree is shallow; the bound only guards against a cycle in bad data.
    while let Some((parent, level)) = next.and_then(|id| categories.get(&id)) {
        if chain.len() > 32 {
            break;
        }
        chain.push(level.clone());
        next = *parent;
    }
    chain.reverse();
    chain
}
