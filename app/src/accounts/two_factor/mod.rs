//! Two-factor sign-in for staff: TOTP codes (RFC 6238) from an authenticator app, and single-use recovery codes.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod qr;
#[cfg(feature = "ssr")]
pub mod recovery;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod totp;
