//! The orders an API token with `orders:read` reads: the newest first, optionally of one
//! status. What the JSON looks like is the API's business (`server/src/api`).

use crate::calendar::civil_from_days;
use crate::db::Db;
use crate::money::{Currency, Money};
use crate::orders::number::format_order_number;
use crate::orders::status::OrderStatus;

/// Orders in one answer.
pub const API_ORDERS_LIMIT: i64 = 50;

/// One order as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiOrder {
    pub number: String,
    pub status: OrderStatus,
    pub email: String,
    pub grand_total: Money,
    /// Unix milliseconds, UTC.
    pub placed_at: i64,
}

/// The newest [`API_ORDERS_LIMIT`] orders, of `status` if given.
pub async fn newest_orders(
    db: &Db,
    status: Option<OrderStatus>,
) -> Result<Vec<ApiOrder>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT id, status, email, grand_total, currency, created_at FROM orders
         WHERE ($1 = '' OR status = $1)
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(status.map(OrderStatus::as_str).unwrap_or(""))
    .bind(API_ORDERS_LIMIT)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, status, email, total, currency, placed_at)| {
            Some(ApiOrder {
                number: format_order_number(u64::try_from(id).ok()?),
                status: status.parse().ok()?,
                email,
                grand_total: Money::new(total, currency.parse().unwrap_or(Currency::GBP)),
                placed_at,
            })
        })
        .collect())
}

/// Unix milliseconds as RFC 3339 in UTC, to the second: `2026-11-24T09:05:00Z`.
pub fn rfc3339(millis: i64) -> String {
    let seconds = millis.div_euclid(1000);
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn times_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_510_800_999), "2026-11-24T09:00:00Z");
    }
}
