//! The staff audit log: every change made by staff, who made it, to what, and the thing
//! before and after. Writers call [`server::record`] inside the transaction of the
//! change itself, so a change and its log entry commit together or not at all.
//! `/admin/audit` shows the log, newest first, filtered by action, actor and subject.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
