//! Writing the catalog. Every helper takes the caller's transaction, so a product is
//! stored whole (with its variants and pictures) or not at all.

use crate::db::now_millis;
use crate::money::Money;
use sqlx::{Any, Row, Transaction};

pub struct NewCategory<'a> {
    pub parent_id: Option<i64>,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub position: i64,
}

pub struct NewProduct<'a> {
    pub category_id: i64,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub featured: bool,
    pub variants: &'a [NewVariant],
    pub images: &'a [NewImage],
    /// `(name, value)` pairs such as `("brand", "Hearth & Field")`; names are keys.
    pub attributes: &'a [(String, String)],
}

pub struct NewVariant {
    pub sku: String,
    pub title: String,
    pub price: Money,
    pub stock: i64,
}

pub struct NewImage {
    pub storage_key: String,
    pub alt: String,
    pub width: i64,
    pub height: i64,
}

pub async fn insert_category(
    tx: &mut Transaction<'_, Any>,
    category: &NewCategory<'_>,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO categories (parent_id, slug, name, description, position, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(category.parent_id)
    .bind(category.slug)
    .bind(category.name)
    .bind(category.description)
    .bind(category.position)
    .bind(now_millis())
    .fetch_one(&mut **tx)
    .await?;
    row.try_get(0)
}

pub async fn insert_product(
    tx: &mut Transaction<'_, Any>,
    product: &NewProduct<'_>,
) -> Result<i64, sqlx::Error> {
    let now = now_millis();
    let product_id: i64 = sqlx::query(
        "INSERT INTO products (category_id, slug, name, description, featured, published,
                               created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6) RETURNING id",
    )
    .bind(product.category_id)
    .bind(product.slug)
    .bind(product.name)
    .bind(product.description)
    .bind(product.featured)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    for (position, variant) in product.variants.iter().enumerate() {
        sqlx::query(
            "INSERT INTO variants (product_id, sku, title, price_amount, currency, stock, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(product_id)
        .bind(&variant.sku)
        .bind(&variant.title)
        .bind(variant.price.amount)
        .bind(variant.price.currency.code())
        .bind(variant.stock)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
    }
    for (position, image) in product.images.iter().enumerate() {
        sqlx::query(
            "INSERT INTO product_images (product_id, storage_key, alt, width, height, position)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(product_id)
        .bind(&image.storage_key)
        .bind(&image.alt)
        .bind(image.width)
        .bind(image.height)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
    }
    let attributes = product.attributes.iter();
    insert_attributes(
        tx,
        product_id,
        attributes.map(|(n, v)| (n.as_str(), v.as_str())),
    )
    .await?;
    Ok(product_id)
}

/// Stores the product's `(name, value)` attributes (it must have none yet).
pub async fn insert_attributes<'a>(
    tx: &mut Transaction<'_, Any>,
    product_id: i64,
    attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), sqlx::Error> {
    for (name, value) in attributes {
        sqlx::query("INSERT INTO product_attributes (product_id, name, value) VALUES ($1, $2, $3)")
            .bind(product_id)
            .bind(name)
            .bind(value)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Records in the caller's transaction that `product_ids` were created, edited or
/// deleted, under the catalog's next revision, which it returns. Every catalog write
/// calls this before committing: it is how search indexes learn of the change.
pub async fn record_changes(
    tx: &mut Transaction<'_, Any>,
    product_ids: &[i64],
) -> Result<i64, sqlx::Error> {
    // Updating the one row holds its lock until commit, so revisions commit in order.
    let revision: i64 = sqlx::query_scalar(
        "UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision",
    )
    .fetch_one(&mut **tx)
    .await?;
    let mut ids = product_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(500) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, ${})", i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO catalog_changes (revision, product_id) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(revision);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(revision)
}
