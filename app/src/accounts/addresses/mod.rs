//! The address book: where a shopper has things delivered; the checkout offers these.
//!
//! `api` holds the [`api::Address`] type and the server functions, `server` the queries
//! (the checkout reads addresses through them), `validate` and `postcode` the rules an
//! address must meet, and `page` the `/account/addresses` page.

pub mod api;
pub mod countries;
mod page;
pub mod postcode;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod server;

pub use page::{AddressFields, AddressesPage};
