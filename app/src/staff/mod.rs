//! The shop's own staff at work: pages under `/admin` and the server functions behind
//! them, each refusing anyone but staff (`require_staff`).
//!
//! - [`orders`]: every order, its history, and cancelling or refunding it through the
//!   payment provider.
//! - [`discounts`]: discount codes, their limits and usage; creating, editing and
//!   switching them off.

pub mod discounts;
pub mod orders;
