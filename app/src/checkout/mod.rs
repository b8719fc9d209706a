//! Checkout: turning a cart into an order and paying for it. Placing the order is the one
//! write that must never oversell or double up (`server`); the payment provider's answer
//! then moves the order on or releases it (`payment`). The shop's tax and shipping
//! settings are in `settings`; discount codes
//! as stored, with their usage, in `discounts`.

pub mod api;
pub mod pages;
pub mod settings;

#[cfg(feature = "ssr")]
pub mod discounts;
#[cfg(feature = "ssr")]
pub mod payment;
#[cfg(feature = "ssr")]
pub mod server;

/// The path of an order's page; `token` lets a guest open it.
pub fn order_path(number: &str, token: &str) -> String {
    if token.is_empty() {
        format!("/orders/{number}")
    } else {
        format!("/orders/{number}?token={token}")
    }
}
