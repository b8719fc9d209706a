//! A product's photos, managed by staff on the product's edit page: uploading several at
//! once (previews, drag and drop and a progress bar in the browser; a plain multipart
//! form without JavaScript), alt text, order and deletion. The pipeline that checks and
//! stores the pictures is [`crate::media`].
//!
//! - `api`: the data the photo manager shows and the server functions behind it.
//! - `pages`: [`pages::PhotoManager`], the component the product edit page embeds.
//! - `browser` (browser only): previews, drag and drop, and uploading with progress.
//! - `server` (server only): reading uploads within their limits, and recording every
//!   change in the staff audit log.

pub mod api;
#[cfg(feature = "hydrate")]
mod browser;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
