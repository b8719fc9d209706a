//! Checkout: turning a cart into an order. So far the core that must never oversell or
//! double up (placing an order, releasing unpaid reservations) and the shop's tax and
//! shipping settings; the checkout pages and payment come next.

pub mod settings;

#[cfg(feature = "ssr")]
pub mod server;
