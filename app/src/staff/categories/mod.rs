//! The category tree for staff: `/admin/categories` shows every category nested under
//! its parent, with its product count, moves one up or down among its siblings, deletes
//! an empty one, and creates new ones; `/admin/categories/{id}` edits one, its parent
//! included.
//!
//! - `api`: the data the pages show and the server functions that read and change it.
//! - `pages`: the pages; their forms work without JavaScript.
//! - `tree` (server only, pure): depth-first order, what lies below a category, the
//!   check that a category never goes under itself, and reordering siblings.
//! - `fields` (server only, pure): reading the typed form.
//! - `server` (server only): the queries, each change one transaction with its audit
//!   entry and the catalog change feed that tells search.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
mod fields;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod tree;

/// The staff list of categories.
pub const STAFF_CATEGORIES: &str = "/admin/categories";

/// The staff page of the category `id`.
pub fn staff_category_path(id: i64) -> String {
    format!("/admin/categories/{id}")
}
