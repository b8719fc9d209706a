//! Discount codes for staff: `/admin/discounts` lists every code with its usage and
//! creates new ones, `/admin/discounts/{id}` edits one and switches it off or on.
//!
//! - `api`: the data the pages show and the server functions that read and change it.
//! - `pages`: the pages; their forms work without JavaScript.
//! - `server` (server only): reading the typed form into a [`crate::pricing::DiscountCode`],
//!   and the queries that list, store and switch codes.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

/// The staff list of discount codes.
pub const STAFF_DISCOUNTS: &str = "/admin/discounts";

/// The staff page of the code `id`.
pub fn staff_discount_path(id: i64) -> String {
    format!("/admin/discounts/{id}")
}
