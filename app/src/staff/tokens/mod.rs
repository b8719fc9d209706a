//! API tokens: what lets a program outside the shop use `/api/v1` with `Authorization:
//! Bearer bz_…`. Staff create them at `/admin/tokens`, choosing their [`Scope`]s, see the
//! secret once, and revoke them there.
//!
//! - `api`: the data the page shows and the server functions that list, create and revoke.
//! - `pages`: `/admin/tokens`.
//! - `server` (server only): making a secret, storing only its hash, and finding the token
//!   a request presents.
//! - `orders` (server only): the orders a token with `orders:read` reads.
//! - `idempotency` (server only): the first answers to writes sent with an
//!   `Idempotency-Key`, replayed to retries.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod idempotency;
#[cfg(feature = "ssr")]
pub mod orders;
#[cfg(feature = "ssr")]
pub mod server;

use serde::{Deserialize, Serialize};

/// The staff page of API tokens.
pub const STAFF_TOKENS: &str = "/admin/tokens";

/// What a token may do. Stored as [`Scope::as_str`], space-separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    CatalogRead,
    CatalogWrite,
    OrdersRead,
    OrdersWrite,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::CatalogRead,
        Scope::CatalogWrite,
        Scope::OrdersRead,
        Scope::OrdersWrite,
    ];

    /// The stable name integrators and the database use; never change one once stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::CatalogRead => "catalog:read",
            Scope::CatalogWrite => "catalog:write",
            Scope::OrdersRead => "orders:read",
            Scope::OrdersWrite => "orders:write",
        }
    }

    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == name)
    }

    /// What the scope allows, for the staff page.
    pub fn label(self) -> &'static str {
        match self {
            Scope::CatalogRead => "Read the catalog",
            Scope::CatalogWrite => "Change the catalog",
            Scope::OrdersRead => "Read orders",
            Scope::OrdersWrite => "Change orders",
        }
    }
}

/// Scopes as stored: space-separated names, unknown names skipped.
pub fn parse_scopes(stored: &str) -> Vec<Scope> {
    let mut scopes: Vec<Scope> = stored.split_whitespace().filter_map(Scope::parse).collect();
    scopes.dedup();
    scopes
}

/// Scopes as they are stored, in [`Scope::ALL`]'s order.
pub fn scopes_text(scopes: &[Scope]) -> String {
    Scope::ALL
        .into_iter()
        .filter(|scope| scopes.contains(scope))
        .map(Scope::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_reads_back_from_its_name() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Scope::parse("orders:read"), Some(Scope::OrdersRead));
        assert_eq!(Scope::parse("orders"), None);
        assert_eq!(Scope::parse("ORDERS:READ"), None);
    }

    #[test]
    fn stored_scopes_keep_a_fixed_order_and_skip_unknown_names() {
        let text = scopes_text(&[Scope::OrdersRead, Scope::CatalogRead]);
        assert_eq!(text, "catalog:read orders:read");
        assert_eq!(
            parse_scopes("catalog:read  admin:all orders:read"),
            [Scope::CatalogRead, Scope::OrdersRead]
        );
        assert!(parse_scopes("").is_empty());
    }
}
