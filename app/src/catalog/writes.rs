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
    crate::webhooks::emit::products_changed(tx, &ids, revision).await?;
    Ok(revision)
}

/// A product's own columns as staff edit them on `/admin/products`.
pub struct ProductColumns<'a> {
    pub category_id: i64,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub featured: bool,
    pub published: bool,
}

/// A variant's columns as staff edit them; its stock is set only when it is created.
pub struct VariantColumns<'a> {
    pub sku: &'a str,
    pub title: &'a str,
    pub price: Money,
    /// The "was" price, in the same currency.
    pub compare_at: Option<i64>,
    pub position: i64,
}

/// Stores a new product at version 1, without variants or attributes: its id.
pub async fn insert_product_columns(
    tx: &mut Transaction<'_, Any>,
    product: &ProductColumns<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO products (category_id, slug, name, description, featured, published,
                               created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, CASE WHEN $5 = 1 THEN TRUE ELSE FALSE END,
                 CASE WHEN $6 = 1 THEN TRUE ELSE FALSE END, $7, $7, 1)
         RETURNING id",
    )
    .bind(product.category_id)
    .bind(product.slug)
    .bind(product.name)
    .bind(product.description)
    .bind(i64::from(product.featured))
    .bind(i64::from(product.published))
    .bind(now_millis())
    .fetch_one(&mut **tx)
    .await
}

/// Changes the product `product_id` if it is still at `version`: its new version, or
/// `None` when it is not (someone else changed or deleted it since).
pub async fn update_product_at_version(
    tx: &mut Transaction<'_, Any>,
    product_id: i64,
    version: i64,
    product: &ProductColumns<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE products SET category_id = $3, slug = $4, name = $5, description = $6,
                featured = CASE WHEN $7 = 1 THEN TRUE ELSE FALSE END,
                published = CASE WHEN $8 = 1 THEN TRUE ELSE FALSE END,
                updated_at = $9, version = version + 1
         WHERE id = $1 AND version = $2
         RETURNING version",
    )
    .bind(product_id)
    .bind(version)
    .bind(product.category_id)
    .bind(product.slug)
    .bind(product.name)
    .bind(product.description)
    .bind(i64::from(product.featured))
    .bind(i64::from(product.published))
    .bind(now_millis())
    .fetch_optional(&mut **tx)
    .await
}

/// Adds a variant holding `stock` to the product: its id.
pub async fn insert_variant(
    tx: &mut Transaction<'_, Any>,
    product_id: i64,
    variant: &VariantColumns<'_>,
    stock: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO variants (product_id, sku, title, price_amount, currency, compare_at_amount,
                               stock, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(product_id)
    .bind(variant.sku)
    .bind(variant.title)
    .bind(variant.price.amount)
    .bind(variant.price.currency.code())
    .bind(variant.compare_at)
    .bind(stock)
    .bind(variant.position)
    .fetch_one(&mut **tx)
    .await
}

/// Changes the variant `variant_id` of the product, leaving its stock alone: `false`
/// when the product has no such variant.
pub async fn update_variant(
    tx: &mut Transaction<'_, Any>,
    product_id: i64,
    variant_id: i64,
    variant: &VariantColumns<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE variants SET sku = $3, title = $4, price_amount = $5, currency = $6,
                compare_at_amount = $7, position = $8
         WHERE id = $1 AND product_id = $2",
    )
    .bind(variant_id)
    .bind(product_id)
    .bind(variant.sku)
    .bind(variant.title)
    .bind(variant.price.amount)
    .bind(variant.price.currency.code())
    .bind(variant.compare_at)
    .bind(variant.position)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes the product's variants `variant_ids`: carts lose them (cascade), order lines
/// keep their copy of what was sold.
pub async fn delete_variants(
    tx: &mut Transaction<'_, Any>,
    product_id: i64,
    variant_ids: &[i64],
) -> Result<(), sqlx::Error> {
    for id in variant_ids {
        sqlx::query("DELETE FROM variants WHERE id = $1 AND product_id = $2")
            .bind(id)
            .bind(product_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Replaces every attribute of the product with `attributes`.
pub async fn replace_attributes<'a>(
    tx: &mut Transaction<'_, Any>,
    product_id: i64,
    attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM product_attributes WHERE product_id = $1")
        .bind(product_id)
        .execute(&mut **tx)
        .await?;
    insert_attributes(tx, product_id, attributes).await
}

/// Deletes the product with everything that belongs to it (variants, attributes, photo
/// rows: by cascade): `false` when there was no such product. Photo files stay in storage
/// for the caller to remove after committing (see `media::photos::files_of_product`).
pub async fn delete_product(
    tx: &mut Transaction<'_, Any>,
    product_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM products WHERE id = $1")
        .bind(product_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
