//! Customers for staff: `/admin/customers` lists the accounts (searched by email, 50 a
//! page), `/admin/customers/{id}` shows one with their orders (by account, and a guest's
//! by email) and addresses, and disables or enables it. A disabled account cannot sign
//! in and its sessions end at once; staff accounts cannot be disabled here.
//!
//! - `api`: the data the pages show and the server functions.
//! - `pages`: the pages; their forms work without JavaScript.
//! - `server` (server only): the queries and disabling.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

/// The staff list of customers.
pub const STAFF_CUSTOMERS: &str = "/admin/customers";

/// The staff page of the account `id`.
pub fn customer_path(id: i64) -> String {
    format!("{STAFF_CUSTOMERS}/{id}")
}
