//! The shopping cart: lines of variants and quantities, kept in the database for guests
//! (by their session) and for accounts, merged at sign-in, always priced from the
//! variants as they are now.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;
