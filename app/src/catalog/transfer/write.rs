//! Writing validated products: one transaction for the whole import, products matched
//! by handle (slug) and variants by SKU, so importing a file twice changes nothing.
//! The file is the truth for each product it names: its variants, attributes and
//! pictures become exactly those of the file.

use super::images::{store, ResolvedImage};
use super::{CategoryLevel, ImportProduct};
use crate::catalog::writes::{insert_attributes, insert_category, record_changes, NewCategory};
use crate::db::{now_millis, Db};
use sqlx::{Any, Row, Transaction};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A product that passed validation, with its pictures worked out.
#[derive(Debug, Clone)]
pub struct ReadyProduct {
    pub product: ImportProduct,
    pub images: Vec<ResolvedImage>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u64,
    pub updated: u64,
    pub variants: u64,
    pub images_stored: u64,
    /// Picture URLs recorded but not downloaded.
    pub not_fetched: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the database refused the import: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot copy {path} into the media folder: {source}")]
    Media {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes `products` and tells `progress` how many are done. Local pictures are copied
/// into `media_dir` first: they are named by content, so a failed import leaves only
/// files a later one would reuse.
pub async fn write_products(
    db: &Db,
    products: &[ReadyProduct],
    media_dir: &Path,
    mut progress: impl FnMut(u64),
) -> Result<ImportSummary, ImportError> {
    let mut summary = ImportSummary::default();
    for image in products.iter().flat_map(|p| &p.images) {
        if let ResolvedImage::Stored {
            storage_key,
            copy_from: Some(path),
            ..
        } = image
        {
            store(path, media_dir, storage_key).map_err(|source| ImportError::Media {
                path: path.clone(),
                source,
            })?;
        }
    }
    let mut tx = db.begin_write().await?;
    let mut categories = HashMap::new();
    let mut touched = Vec::with_capacity(products.len());
    for (done, ready) in products.iter().enumerate() {
        let product = &ready.product;
        let category_id = category_id(&mut tx, &mut categories, &product.category).await?;
        let (product_id, created) = upsert_product(&mut tx, product, category_id).await?;
        if created {
            summary.created += 1;
        } else {
            summary.updated += 1;
        }
        touched.push(product_id);
        touched.extend(replace_variants(&mut tx, product, product_id).await?);
        summary.variants += product.variants.len() as u64;
        replace_attributes(&mut tx, product, product_id).await?;
        replace_images(&mut tx, &ready.images, product_id, &mut summary).await?;
        progress(done as u64 + 1);
    }
    record_changes(&mut tx, &touched).await?;
    tx.commit().await?;
    Ok(summary)
}

/// The id of the chain's last category, creating any level that is missing (found by
/// slug; an existing category keeps its name and place).
async fn category_id(
    tx: &mut Transaction<'_, Any>,
    known: &mut HashMap<String, i64>,
    chain: &[CategoryLevel],
) -> Result<i64, sqlx::Error> {
    let mut parent = None;
    for level in chain {
        let id = match known.get(&level.slug) {
            Some(id) => *id,
            None => {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM categories WHERE slug = $1")
                        .bind(&level.slug)
                        .fetch_optional(&mut **tx)
                        .await?;
                let id = match found {
                    Some(id) => id,
                    None => {
                        let siblings: i64 = sqlx::query_scalar(
                            "SELECT COUNT(*) FROM categories WHERE parent_id = $1
                             OR ($1 IS NULL AND parent_id IS NULL)",
                        )
                        .bind(parent)
                        .fetch_one(&mut **tx)
                        .await?;
                        let category = NewCategory {
                            parent_id: parent,
                            slug: &level.slug,
                            name: &level.name,
                            description: "",
                            position: siblings,
                        };
                        insert_category(tx, &category).await?
                    }
                };
                known.insert(level.slug.clone(), id);
                id
            }
        };
        parent = Some(id);
    }
    // Validation guarantees a chain; an empty one would be a bug upstream.
    parent.ok_or_else(|| sqlx::Error::Protocol("a product without a category".into()))
}

/// The product's id, and whether it is new.
async fn upsert_product(
    tx: &mut Transaction<'_, Any>,
    product: &ImportProduct,
    category_id: i64,
) -> Result<(i64, bool), sqlx::Error> {
    let now = now_millis();
    let options = product.option_names.join(" / ");
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM products WHERE slug = $1")
        .bind(&product.handle)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(id) = existing {
        sqlx::query(
            "UPDATE products SET category_id = $2, name = $3, description = $4, featured = $5,
                    published = $6, option_names = $7, updated_at = $8
             WHERE id = $1",
        )
        .bind(id)
        .bind(category_id)
        .bind(&product.title)
        .bind(&product.description)
        .bind(product.featured)
        .bind(product.published)
        .bind(&options)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        return Ok((id, false));
    }
    let id: i64 = sqlx::query(
        "INSERT INTO products (category_id, slug, name, description, featured, published,
                               option_names, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(category_id)
    .bind(&product.handle)
    .bind(&product.title)
    .bind(&product.description)
    .bind(product.featured)
    .bind(product.published)
    .bind(&options)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    Ok((id, true))
}

/// Updates variants by SKU (moving one from another product if need be), adds new ones
/// and deletes those the file no longer lists. Returns the other products it changed.
async fn replace_variants(
    tx: &mut Transaction<'_, Any>,
    product: &ImportProduct,
    product_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut others = Vec::new();
    for (position, variant) in product.variants.iter().enumerate() {
        // A SKU another product had moves here; that product changed too.
        let owner: Option<i64> =
            sqlx::query_scalar("SELECT product_id FROM variants WHERE sku = $1")
                .bind(&variant.sku)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some(owner) = owner.filter(|owner| *owner != product_id) {
            others.push(owner);
        }
        sqlx::query(
            "INSERT INTO variants (product_id, sku, title, price_amount, currency,
                                   compare_at_amount, stock, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (sku) DO UPDATE SET
                product_id = excluded.product_id, title = excluded.title,
                price_amount = excluded.price_amount, currency = excluded.currency,
                compare_at_amount = excluded.compare_at_amount, stock = excluded.stock,
                position = excluded.position",
        )
        .bind(product_id)
        .bind(&variant.sku)
        .bind(&variant.title)
        .bind(variant.price.amount)
        .bind(variant.price.currency.code())
        .bind(variant.compare_at_price.map(|m| m.amount))
        .bind(variant.stock)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
    }
    let wanted: HashSet<&str> = product.variants.iter().map(|v| v.sku.as_str()).collect();
    let current = sqlx::query("SELECT id, sku FROM variants WHERE product_id = $1")
        .bind(product_id)
        .fetch_all(&mut **tx)
        .await?;
    for row in current {
        let (id, sku): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
        if !wanted.contains(sku.as_str()) {
            sqlx::query("DELETE FROM variants WHERE id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(others)
}

async fn replace_attributes(
    tx: &mut Transaction<'_, Any>,
    product: &ImportProduct,
    product_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM product_attributes WHERE product_id = $1")
        .bind(product_id)
        .execute(&mut **tx)
        .await?;
    let attributes = product.attributes.iter();
    insert_attributes(
        tx,
        product_id,
        attributes.map(|(n, v)| (n.as_str(), v.as_str())),
    )
    .await
}

/// Stored pictures and recorded URLs, each numbered from 0 in the file's order.
async fn replace_images(
    tx: &mut Transaction<'_, Any>,
    images: &[ResolvedImage],
    product_id: i64,
    summary: &mut ImportSummary,
) -> Result<(), sqlx::Error> {
    for table in ["product_images", "product_image_sources"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE product_id = $1"))
            .bind(product_id)
            .execute(&mut **tx)
            .await?;
    }
    let (mut stored, mut urls) = (0i64, 0i64);
    for image in images {
        match image {
            ResolvedImage::Stored {
                storage_key,
                alt,
                width,
                height,
                ..
            } => {
                sqlx::query(
                    "INSERT INTO product_images (product_id, storage_key, alt, width, height, position)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(product_id)
                .bind(storage_key)
                .bind(alt)
                .bind(*width)
                .bind(*height)
                .bind(stored)
                .execute(&mut **tx)
                .await?;
                stored += 1;
                summary.images_stored += 1;
            }
            ResolvedImage::Url { url, alt } => {
                sqlx::query(
                    "INSERT INTO product_image_sources (product_id, url, alt, position)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(product_id)
                .bind(url)
                .bind(alt)
                .bind(urls)
                .execute(&mut **tx)
                .await?;
                urls += 1;
                summary.not_fetched.push(url.clone());
            }
        }
    }
    Ok(())
}
