//! Orders for staff: `/admin/orders` lists the orders (filtered by status, day and
//! email), `/admin/orders/{number}` shows one with its payments, refunds and history,
//! cancels or refunds it, and marks it dispatched or delivered.
//!
//! - `api`: the data the pages show and the server functions that read and change it.
//! - `pages`: the pages; their forms work without JavaScript.
//! - `server` (server only): cancelling, refunding, dispatching and delivering, decided
//!   by the order's rules ([`crate::orders::transition`]), through the payment provider,
//!   and the queries the pages read.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

/// The staff list of orders.
pub const STAFF_ORDERS: &str = "/admin/orders";

/// The staff page of the order `number`.
pub fn staff_order_path(number: &str) -> String {
    format!("/admin/orders/{number}")
}
