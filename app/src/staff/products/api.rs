//! The staff's server functions for products: the list, one product's edit form, the
//! category choices, and creating, editing and deleting a product. Each starts with
//! `require_staff` (401 for nobody, 403 for a customer), whatever the page showed.

// The product form's fields are the arguments, one each, so a form posted without
// JavaScript arrives as plain names; the `#[server]` macro's generated functions cannot
// carry an `allow` of their own.
#![allow(clippy::too_many_arguments)]

use crate::forms::FormError;
use crate::money::Money;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One variant row of the form, as typed (every field a string, so nothing typed is
/// lost before it is checked). The form names them `variants[i][sku]` and so on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantFields {
    /// The stored variant's id; empty on a row for a new variant.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub sku: String,
    /// What sets it apart, such as "Oak, large" (stored as the variant's title).
    #[serde(default)]
    pub options: String,
    /// "12.50", in the shop's currency.
    #[serde(default)]
    pub price: String,
    /// The "was" price, above `price`; empty for none.
    #[serde(default)]
    pub compare_at: String,
    /// Typed only for a new variant; a stored one shows its stock here, read-only.
    #[serde(default)]
    pub stock: String,
    /// Non-empty when the "Remove" box of a stored variant is ticked.
    #[serde(default)]
    pub remove: String,
}

/// One attribute row of the form (`attributes[i][name]` …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
    /// Non-empty when the "Remove" box of a stored attribute is ticked.
    #[serde(default)]
    pub remove: String,
}

/// The whole product form as typed, or as the edit form shows a stored product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFields {
    pub name: String,
    /// Made from the name when left empty.
    pub slug: String,
    pub description: String,
    /// The category's id.
    pub category_id: String,
    /// Non-empty when ticked.
    pub featured: String,
    /// Non-empty when ticked: shoppers can see and buy it.
    pub published: String,
    pub attributes: Vec<AttributeFields>,
    pub variants: Vec<VariantFields>,
}

/// A category to choose, in tree order, `depth` levels below the top.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryChoice {
    pub id: i64,
    pub name: String,
    pub depth: usize,
}

/// What the product list is narrowed to; an empty field does not narrow it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFilter {
    /// Part of the name or of a SKU.
    pub q: String,
    /// A category id: the products in it and in the categories below it.
    pub category: String,
    /// "published", "draft" or empty for both.
    pub status: String,
    /// From 1.
    pub page: i64,
}

/// A row of the staff product list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub category: String,
    pub published: bool,
    pub variants: i64,
    pub lowest_price: Option<Money>,
    pub highest_price: Option<Money>,
    pub stock: i64,
}

/// One page of the staff product list, with the filter's category choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductList {
    pub products: Vec<ProductSummary>,
    pub page: i64,
    /// Whether a next page exists.
    pub more: bool,
    pub categories: Vec<CategoryChoice>,
}

/// A product as its edit form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductForStaff {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// The version the form was loaded at; the edit is refused if it moved on.
    pub version: i64,
    pub fields: ProductFields,
}

/// What a change to a product did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSaved {
    pub id: i64,
    pub slug: String,
    /// The product's version now.
    pub version: i64,
    /// What happened, in a sentence for the page.
    pub message: String,
}

/// Every product matching the filter, by name, 50 a page.
#[server(prefix = "/rpc", endpoint = "staff_products")]
pub async fn staff_products(
    #[server(default)] q: String,
    #[server(default)] category: String,
    #[server(default)] status: String,
    #[server(default)] page: i64,
) -> Result<ProductList, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    let filter = ProductFilter {
        q,
        category,
        status,
        page,
    };
    Ok(super::server::list_products(&state.db, &filter).await?)
}

/// The product `product_id` for its edit form; `None` if there is none.
#[server(prefix = "/rpc", endpoint = "staff_product")]
pub async fn staff_product(product_id: i64) -> Result<Option<ProductForStaff>, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    Ok(super::server::product_for_staff(&state.db, product_id).await?)
}

/// Every category in tree order, for the form's choice of category.
#[server(prefix = "/rpc", endpoint = "staff_product_categories")]
pub async fn staff_product_categories() -> Result<Vec<CategoryChoice>, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    Ok(super::server::category_choices(&state.db).await?)
}

/// Creates a product from the form; see [`ProductFields`] for what each field holds.
#[server(prefix = "/rpc", endpoint = "create_product")]
pub async fn create_product(
    #[server(default)] name: String,
    #[server(default)] slug: String,
    #[server(default)] description: String,
    #[server(default)] category_id: String,
    #[server(default)] featured: String,
    #[server(default)] published: String,
    #[server(default)] attributes: Vec<AttributeFields>,
    #[server(default)] variants: Vec<VariantFields>,
) -> Result<ProductSaved, FormError> {
    let state = crate::state::AppState::from_context()?;
    let user = crate::accounts::request::require_staff(&state).await?;
    let fields = ProductFields {
        name,
        slug,
        description,
        category_id,
        featured,
        published,
        attributes,
        variants,
    };
    super::server::save(&state, &user, None, fields).await
}

/// Changes the product `product_id` to what the form says, if it is still at `version`
/// (the version the form was loaded at); otherwise nothing is saved and the form says
/// that someone else changed it.
#[server(prefix = "/rpc", endpoint = "update_product")]
pub async fn update_product(
    product_id: i64,
    version: i64,
    #[server(default)] name: String,
    #[server(default)] slug: String,
    #[server(default)] description: String,
    #[server(default)] category_id: String,
    #[server(default)] featured: String,
    #[server(default)] published: String,
    #[server(default)] attributes: Vec<AttributeFields>,
    #[server(default)] variants: Vec<VariantFields>,
) -> Result<ProductSaved, FormError> {
    let state = crate::state::AppState::from_context()?;
    let user = crate::accounts::request::require_staff(&state).await?;
    let fields = ProductFields {
        name,
        slug,
        description,
        category_id,
        featured,
        published,
        attributes,
        variants,
    };
    super::server::save(&state, &user, Some((product_id, version)), fields).await
}

/// Deletes the product `product_id` with its variants, attributes and photos, once
/// `confirm` is ticked.
#[server(prefix = "/rpc", endpoint = "delete_product")]
pub async fn delete_product(
    product_id: i64,
    #[server(default)] confirm: String,
) -> Result<ProductSaved, FormError> {
    let state = crate::state::AppState::from_context()?;
    let user = crate::accounts::request::require_staff(&state).await?;
    super::server::delete(&state, &user, product_id, !confirm.trim().is_empty()).await
}
