//! The catalog: categories, products, variants and their pictures, as shoppers browse them.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod demo_picture;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod transfer;
#[cfg(feature = "ssr")]
pub mod writes;
