//! A whole product as an integration sends it through the API: its category named by
//! slug, its variants by SKU, prices in minor units. It is read by the staff form's rules
//! (`read_fields`) and stored by the staff save (`store_product`), so the change feed,
//! search and the audit log see an API write exactly as they see a staff one.

use super::read::{read_fields, FieldProblems};
use super::store::{read_product, store_product, ProductSnapshot, Stored};
use crate::db::Db;
use crate::money::Money;
use crate::staff::audit::server::Actor;
use crate::staff::products::api::{AttributeFields, ProductFields, VariantFields};

/// A product as sent: every variant it is to have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentProduct {
    /// Made from the name when empty.
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The category's slug.
    pub category: String,
    pub featured: bool,
    pub published: bool,
    pub attributes: Vec<(String, String)>,
    pub variants: Vec<SentVariant>,
}

/// A variant as sent, named by its SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentVariant {
    pub sku: String,
    /// What sets it apart ("Oak, large"); "Standard" when empty.
    pub title: String,
    pub price: Money,
    pub compare_at: Option<Money>,
    /// The stock a new variant starts with; a stored variant's stock is left alone.
    pub stock: i64,
}

/// What saving a sent product came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedBySku {
    /// Stored: the product as it is now, and its category's slug.
    Saved {
        product: ProductSnapshot,
        category: String,
    },
    /// Nothing was saved: per field (`name`, `variants[0].price` …), what is wrong.
    Refused(FieldProblems),
    /// The product is not at the version expected; nothing was saved.
    ChangedMeanwhile,
    NoSuchProduct,
}

/// A form field's name as the API's JSON names it: `variants[0][sku]` → `variants[0].sku`.
fn api_field(form_field: &str) -> String {
    match form_field {
        "category_id" => "category".to_owned(),
        _ => match form_field.split_once("][") {
            Some((head, rest)) => format!("{head}].{}", rest.trim_end_matches(']')),
            None => form_field.to_owned(),
        },
    }
}

/// Stores `sent` as a new product (`existing` none) or over the product whose slug is
/// `existing`, at `version` if given (else at whatever version it is now). Variants are
/// matched by SKU: a stored variant whose SKU is not sent is removed, a new SKU added.
pub async fn save_by_sku(
    db: &Db,
    actor: &dyn Actor,
    existing: Option<&str>,
    version: Option<i64>,
    sent: &SentProduct,
) -> Result<SavedBySku, sqlx::Error> {
    let currency = crate::checkout::settings::shop_settings().currency;
    let mut problems = FieldProblems::new();
    let (edit, stored_variants) = match existing {
        None => (None, Vec::new()),
        Some(slug) => {
            let found: Option<(i64, i64)> =
                sqlx::query_as("SELECT id, version FROM products WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(db.pool())
                    .await?;
            let Some((id, current)) = found else {
                return Ok(SavedBySku::NoSuchProduct);
            };
            let variants: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, sku FROM variants WHERE product_id = $1")
                    .bind(id)
                    .fetch_all(db.pool())
                    .await?;
            (Some((id, version.unwrap_or(current))), variants)
        }
    };
    let category_id: Option<i64> = sqlx::query_scalar("SELECT id FROM categories WHERE slug = $1")
        .bind(sent.category.trim())
        .fetch_optional(db.pool())
        .await?;
    if category_id.is_none() {
        problems.insert(
            "category".into(),
            format!("No category has the slug {:?}.", sent.category),
        );
    }
    let mut variants = Vec::with_capacity(sent.variants.len());
    for (row, variant) in sent.variants.iter().enumerate() {
        let field = |name: &str| format!("variants[{row}].{name}");
        if variant.price.currency != currency {
            problems.insert(
                field("price"),
                format!("Prices are in the shop's currency, {}.", currency.code()),
            );
        }
        if variant.price.amount < 0 {
            problems.insert(field("price"), "Must be 0 or more, in minor units.".into());
        }
        if let Some(was) = variant.compare_at {
            if was.currency != currency || was.amount < 0 {
                problems.insert(
                    field("compare_at"),
                    format!("Must be 0 or more, in {}.", currency.code()),
                );
            }
        }
        if variant.stock < 0 {
            problems.insert(field("stock"), "Must be 0 or more.".into());
        }
        let stored = stored_variants
            .iter()
            .find(|(_, sku)| *sku == variant.sku.trim());
        variants.push(VariantFields {
            id: stored.map(|(id, _)| id.to_string()).unwrap_or_default(),
            sku: variant.sku.clone(),
            options: variant.title.clone(),
            price: Money::new(variant.price.amount, currency).plain(),
            compare_at: variant
                .compare_at
                .map(|was| Money::new(was.amount, currency).plain())
                .unwrap_or_default(),
            stock: variant.stock.to_string(),
            remove: String::new(),
        });
    }
    let fields = ProductFields {
        name: sent.name.clone(),
        slug: sent.slug.clone(),
        description: sent.description.clone(),
        category_id: category_id.map(|id| id.to_string()).unwrap_or_default(),
        featured: if sent.featured { "on" } else { "" }.to_owned(),
        published: if sent.published { "on" } else { "" }.to_owned(),
        attributes: sent
            .attributes
            .iter()
            .map(|(name, value)| AttributeFields {
                name: name.clone(),
                value: value.clone(),
                remove: String::new(),
            })
            .collect(),
        variants,
    };
    let (mut draft, read_problems) = read_fields(&fields, currency);
    for (field, problem) in read_problems {
        problems.entry(api_field(&field)).or_insert(problem);
    }
    draft.removed = stored_variants
        .iter()
        .filter(|(id, _)| !draft.variants.iter().any(|kept| kept.id == Some(*id)))
        .map(|(id, _)| *id)
        .collect();
    if !problems.is_empty() {
        return Ok(SavedBySku::Refused(problems));
    }
    let id = match store_product(db, actor, edit, &draft, FieldProblems::new()).await? {
        Stored::Saved { id, .. } => id,
        Stored::Refused(problems) => {
            return Ok(SavedBySku::Refused(
                problems
                    .into_iter()
                    .map(|(field, problem)| (api_field(&field), problem))
                    .collect(),
            ))
        }
        Stored::ChangedMeanwhile => return Ok(SavedBySku::ChangedMeanwhile),
        Stored::NoSuchProduct => return Ok(SavedBySku::NoSuchProduct),
    };
    let mut conn = db.pool().acquire().await?;
    let Some(product) = read_product(&mut conn, id).await? else {
        // Deleted the moment after it was saved.
        return Ok(SavedBySku::NoSuchProduct);
    };
    let category = sqlx::query_scalar("SELECT slug FROM categories WHERE id = $1")
        .bind(product.category_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(SavedBySku::Saved { product, category })
}

#[cfg(test)]
mod tests {
    use super::api_field;

    #[test]
    fn form_fields_are_named_as_the_json_names_them() {
        assert_eq!(api_field("variants[2][sku]"), "variants[2].sku");
        assert_eq!(api_field("attributes[0][value]"), "attributes[0].value");
        assert_eq!(api_field("category_id"), "category");
        assert_eq!(api_field("name"), "name");
    }
}
