//! Accounts: users, their roles and passwords, and the session store they log in with.

pub mod addresses;
pub mod api;
pub mod pages;
pub mod recovery;
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
