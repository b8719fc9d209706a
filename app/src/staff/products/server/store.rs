//! Saving and deleting a product, each in one transaction: the product's rows, the
//! catalog's change feed (`record_changes`, so search sees it) and the staff audit log
//! (`product.created`, `product.updated`, `product.deleted`, with snapshots).

use super::read::{FieldProblems, ProductDraft};
use crate::catalog::writes::{self, ProductColumns, VariantColumns};
use crate::db::Db;
use crate::money::Money;
use crate::staff::audit::server::{record, snapshot, Actor, StaffAction};
use crate::staff::products::form::variant_field;
use serde::Serialize;
use sqlx::{Any, AnyConnection, Transaction};
use std::collections::BTreeMap;

/// A product with its variants and attributes, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProductSnapshot {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub category_id: i64,
    #[sqlx(try_from = "i64")]
    pub featured: Flag,
    #[sqlx(try_from = "i64")]
    pub published: Flag,
    pub version: i64,
    #[sqlx(skip)]
    pub variants: Vec<VariantSnapshot>,
    #[sqlx(skip)]
    pub attributes: BTreeMap<String, String>,
}

/// A boolean column read as the integer both engines can return.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(value: i64) -> Flag {
        Flag(value != 0)
    }
}

impl std::ops::Deref for Flag {
    type Target = bool;
    fn deref(&self) -> &bool {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct VariantSnapshot {
    pub id: i64,
    pub sku: String,
    pub title: String,
    pub price_amount: i64,
    pub currency: String,
    pub compare_at_amount: Option<i64>,
    pub stock: i64,
}

/// The product `product_id` with its variants (in order) and attributes.
pub async fn read_product(
    conn: &mut AnyConnection,
    product_id: i64,
) -> Result<Option<ProductSnapshot>, sqlx::Error> {
    let product: Option<ProductSnapshot> = sqlx::query_as(
        "SELECT id, slug, name, description, category_id,
                CAST(CASE WHEN featured THEN 1 ELSE 0 END AS BIGINT) AS featured,
                CAST(CASE WHEN published THEN 1 ELSE 0 END AS BIGINT) AS published,
                version
         FROM products WHERE id = $1",
    )
    .bind(product_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(mut product) = product else {
        return Ok(None);
    };
    product.variants = sqlx::query_as(
        "SELECT id, sku, title, price_amount, currency, compare_at_amount, stock
         FROM variants WHERE product_id = $1 ORDER BY position, id",
    )
    .bind(product_id)
    .fetch_all(&mut *conn)
    .await?;
    let attributes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, value FROM product_attributes WHERE product_id = $1 ORDER BY name",
    )
    .bind(product_id)
    .fetch_all(&mut *conn)
    .await?;
    product.attributes = attributes.into_iter().collect();
    Ok(Some(product))
}

/// What saving a product came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    Saved {
        id: i64,
        slug: String,
        version: i64,
    },
    /// Nothing was saved: per field, what is wrong.
    Refused(FieldProblems),
    /// The product is no longer at the version the form was loaded at.
    ChangedMeanwhile,
    NoSuchProduct,
}

/// Stores `draft` as a new product (`edit` none) or over the product `edit.0` if it is
/// still at version `edit.1`; `problems` found in the form so far are completed with the
/// database's (category, slug and SKUs taken) and refuse the whole save.
pub async fn store_product(
    db: &Db,
    actor: &dyn Actor,
    edit: Option<(i64, i64)>,
    draft: &ProductDraft,
    mut problems: FieldProblems,
) -> Result<Stored, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let before = match edit {
        Some((product_id, version)) => match read_product(&mut tx, product_id).await? {
            None => return Ok(Stored::NoSuchProduct),
            Some(before) if before.version != version => return Ok(Stored::ChangedMeanwhile),
            Some(before) => Some(before),
        },
        None => None,
    };
    let product_id = edit.map(|(id, _)| id);
    check_taken(&mut tx, product_id, draft, &mut problems).await?;
    if !problems.is_empty() {
        return Ok(Stored::Refused(problems));
    }
    let Some(category_id) = draft.category_id else {
        return Ok(Stored::Refused(problems));
    };
    let columns = ProductColumns {
        category_id,
        slug: &draft.slug,
        name: &draft.name,
        description: &draft.description,
        featured: draft.featured,
        published: draft.published,
    };
    let slug_taken = || {
        let mut problems = FieldProblems::new();
        problems.insert("slug".into(), "Another product has this slug.".into());
        Ok(Stored::Refused(problems))
    };
    let (product_id, version) = match product_id {
        None => match writes::insert_product_columns(&mut tx, &columns).await {
            Ok(id) => (id, 1),
            Err(sqlx::Error::Database(err)) if err.is_unique_violation() => return slug_taken(),
            Err(err) => return Err(err),
        },
        Some(id) => {
            let version = edit.map_or(0, |(_, version)| version);
            match writes::update_product_at_version(&mut tx, id, version, &columns).await {
                Ok(Some(version)) => (id, version),
                Ok(None) => return Ok(Stored::ChangedMeanwhile),
                Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
                    return slug_taken()
                }
                Err(err) => return Err(err),
            }
        }
    };
    writes::delete_variants(&mut tx, product_id, &draft.removed).await?;
    let currency = crate::checkout::settings::shop_settings().currency;
    for (position, variant) in draft.variants.iter().enumerate() {
        let columns = VariantColumns {
            sku: &variant.sku,
            title: &variant.title,
            price: Money::new(variant.price, currency),
            compare_at: variant.compare_at,
            position: position as i64,
        };
        let written = match variant.id {
            Some(id) => writes::update_variant(&mut tx, product_id, id, &columns).await,
            None => writes::insert_variant(&mut tx, product_id, &columns, variant.stock)
                .await
                .map(|_| true),
        };
        match written {
            Ok(true) => {}
            // The variant went since the form was loaded.
            Ok(false) => return Ok(Stored::ChangedMeanwhile),
            // Two stored variants swapping SKUs meet the unique index half-way.
            Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
                let mut problems = FieldProblems::new();
                problems.insert(
                    variant_field(variant.row, "sku"),
                    format!("The SKU {} is in use: save without it first.", variant.sku),
                );
                return Ok(Stored::Refused(problems));
            }
            Err(err) => return Err(err),
        }
    }
    // Collected first: a lazy iterator's closure held across the await is not `Send`
    // enough for the server function's future.
    let attributes: Vec<(&str, &str)> = draft
        .attributes
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    writes::replace_attributes(&mut tx, product_id, attributes).await?;
    writes::record_changes(&mut tx, &[product_id]).await?;
    let after = read_product(&mut tx, product_id).await?;
    let action = if before.is_some() {
        "product.updated"
    } else {
        "product.created"
    };
    record(
        &mut tx,
        StaffAction {
            actor,
            action,
            subject: format!("product {}", draft.slug),
            before: before.as_ref().and_then(snapshot),
            after: after.as_ref().and_then(snapshot),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Stored::Saved {
        id: product_id,
        slug: draft.slug.clone(),
        version,
    })
}

/// Adds to `problems` what the database refuses: an unknown category, a slug or a SKU
/// another product (or another variant) has.
async fn check_taken(
    tx: &mut Transaction<'_, Any>,
    product_id: Option<i64>,
    draft: &ProductDraft,
    problems: &mut FieldProblems,
) -> Result<(), sqlx::Error> {
    if let Some(category_id) = draft.category_id {
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM categories WHERE id = $1")
            .bind(category_id)
            .fetch_optional(&mut **tx)
            .await?;
        if known.is_none() {
            problems
                .entry("category_id".into())
                .or_insert_with(|| "Choose a category.".into());
        }
    }
    if !problems.contains_key("slug") {
        let holder: Option<String> =
            sqlx::query_scalar("SELECT name FROM products WHERE slug = $1 AND id <> $2")
                .bind(&draft.slug)
                .bind(product_id.unwrap_or(0))
                .fetch_optional(&mut **tx)
                .await?;
        if let Some(holder) = holder {
            problems.insert(
                "slug".into(),
                format!("The product {holder} has the slug {} already.", draft.slug),
            );
        }
    }
    for variant in &draft.variants {
        let field = variant_field(variant.row, "sku");
        if problems.contains_key(&field) {
            continue;
        }
        let holder: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT v.id, v.product_id, p.name FROM variants v
             JOIN products p ON p.id = v.product_id WHERE v.sku = $1",
        )
        .bind(&variant.sku)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((holder_id, holder_product, holder_name)) = holder else {
            continue;
        };
        let itself = Some(holder_id) == variant.id;
        let removed_here = Some(holder_product) == product_id && draft.removed.contains(&holder_id);
        if !itself && !removed_here {
            problems.insert(
                field,
                format!("The SKU {} is already used by {holder_name}.", variant.sku),
            );
        }
    }
    Ok(())
}

/// Deletes the product in one transaction: what it was, and the storage keys of its
/// photo files (for the caller to remove once no row names them); `None` when there is
/// no such product.
pub async fn delete_product(
    db: &Db,
    actor: &dyn Actor,
    product_id: i64,
) -> Result<Option<(ProductSnapshot, Vec<String>)>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let Some(before) = read_product(&mut tx, product_id).await? else {
        return Ok(None);
    };
    let files = crate::media::photos::files_of_product(&mut tx, product_id).await?;
    writes::delete_product(&mut tx, product_id).await?;
    writes::record_changes(&mut tx, &[product_id]).await?;
    record(
        &mut tx,
        StaffAction {
            actor,
            action: "product.deleted",
            subject: format!("product {}", before.slug),
            before: snapshot(&before),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some((before, files)))
}
