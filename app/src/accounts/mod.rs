//! Accounts: signing up and in (`api`), what the links in the shop's emails do
//! (`email_links`, tokens in `links`), the holder's own security page (`security`,
//! `devices`), the address book, staff two-factor sign-in, the pages, and the session
//! store every instance shares.

pub mod addresses;
pub mod api;
pub mod email_links;
pub mod pages;
pub mod security;
pub mod two_factor;

#[cfg(feature = "ssr")]
pub mod request;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod devices;
#[cfg(feature = "ssr")]
pub mod links;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod session_store;
