//! The staff's list of orders, filtered by status, day and email, 50 a page.

use super::StaffOrderSummary;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Orders on one page of the staff list.
pub const ORDERS_PAGE_SIZE: i64 = 50;

/// One page of the staff's list of orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOrderList {
    pub orders: Vec<StaffOrderSummary>,
    pub page: i64,
    /// Whether an older page exists.
    pub more: bool,
    /// Filters that could not be read (a date typed wrong), in words; they were ignored.
    pub problems: Vec<String>,
}

/// The orders, newest first, 50 a page: narrowed to a `status` (its stored name), to
/// those placed `from` and `to` (UTC days, `YYYY-MM-DD`, both included), and to those
/// whose email holds `email`. An empty filter does not narrow.
#[server(prefix = "/rpc", endpoint = "staff_orders")]
pub async fn staff_orders(
    #[server(default)] status: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] email: String,
    #[server(default)] page: i64,
) -> Result<StaffOrderList, AppError> {
    use crate::orders::OrderStatus;
    use crate::staff::discounts::server::parse_date;
    use crate::staff::orders::server::reads::{filtered_orders, OrderFilter};
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    const DAY: i64 = 24 * 3600 * 1000;
    let mut problems = Vec::new();
    let mut day = |typed: &str, what: &str| {
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        let day = parse_date(typed);
        if day.is_none() {
            problems.push(format!(
                "“{typed}” is not a date: enter the {what} day as YYYY-MM-DD, like 2026-12-01."
            ));
        }
        day
    };
    let from = day(&from, "first");
    let until = day(&to, "last").map(|start| start + DAY);
    let status = status.trim();
    let status = if status.is_empty() {
        None
    } else {
        let parsed = status.parse::<OrderStatus>().ok();
        if parsed.is_none() {
            problems.push(format!("“{status}” is not an order status."));
        }
        parsed
    };
    let filter = OrderFilter {
        status,
        from: from.unwrap_or(i64::MIN),
        until: until.unwrap_or(i64::MAX),
        email: email.trim().to_lowercase(),
        page: page.max(1),
    };
    let (orders, more) = filtered_orders(&state.db, &filter, ORDERS_PAGE_SIZE).await?;
    Ok(StaffOrderList {
        orders,
        page: filter.page,
        more,
        problems,
    })
}
