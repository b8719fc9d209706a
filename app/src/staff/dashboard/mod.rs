//! `/admin`, the staff's home: today's paid orders and revenue, the variants running
//! low, the orders waiting to be dispatched, and the newest orders, all read by one
//! server function (`staff_dashboard`).

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;
