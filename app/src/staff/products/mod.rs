//! Products for staff: `/admin/products` lists them (search, filters, 50 a page),
//! `/admin/products/new` creates one and `/admin/products/{id}` edits or deletes one:
//! name, slug, description, category, attributes and variants in one form that works
//! without JavaScript. An edit is refused when someone else saved the product since
//! the form was loaded (its `version`).
//!
//! - `api`: the data the pages show and the server functions that read and change it.
//! - `form`: the form's field names, and what was typed carried back to a refused form.
//! - `pages`: the pages.
//! - `server` (server only): reading the form, the queries, and the transactions that
//!   save and delete a product with the change feed and the audit log.

pub mod api;
pub mod form;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

/// The staff list of products.
pub const STAFF_PRODUCTS: &str = "/admin/products";

/// The staff form for a new product.
pub const NEW_PRODUCT: &str = "/admin/products/new";

/// The staff page of the product `id`.
pub fn staff_product_path(id: i64) -> String {
    format!("/admin/products/{id}")
}

/// The stock page for one variant, where its stock is changed with a reason.
pub fn adjust_stock_path(sku: &str) -> String {
    format!("/admin/stock?sku={}", crate::search::params::encode(sku))
}
