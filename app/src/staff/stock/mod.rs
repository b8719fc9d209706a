//! Stock for staff: `/admin/stock` finds a variant by SKU or product name, adjusts its
//! stock with a reason ("change by" or "set to"), shows every change to it, and lists
//! the variants running low.
//!
//! - `api`: the reasons, the data the page shows and the server functions.
//! - `pages`: the page; its forms work without JavaScript.
//! - `server` (server only): the race-safe adjustment and the stock movement history,
//!   which checkout and cancellations write to as well.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

pub use crate::catalog::api::LOW_STOCK;

/// The staff stock page.
pub const STAFF_STOCK: &str = "/admin/stock";

/// The stock page of the variant `sku`.
pub fn stock_path(sku: &str) -> String {
    format!("{STAFF_STOCK}?sku={}", crate::search::params::encode(sku))
}

#[cfg(test)]
mod tests {
    use super::LOW_STOCK;
    use crate::catalog::api::StockStatus;

    #[test]
    fn low_stock_is_what_the_storefront_calls_only_n_left() {
        assert_eq!(StockStatus::of(LOW_STOCK), StockStatus::Low(LOW_STOCK));
        assert_eq!(StockStatus::of(LOW_STOCK + 1), StockStatus::InStock);
        assert_eq!(StockStatus::of(1), StockStatus::Low(1));
    }
}
