//! Search: the shopper types, matching products come back ranked, with prefixes
//! and typos forgiven, filtered and counted by facets. See the README for the design.

pub mod api;
pub mod pages;
pub mod params;
pub mod text;

#[cfg(feature = "ssr")]
pub mod index;
#[cfg(feature = "ssr")]
pub mod server;
