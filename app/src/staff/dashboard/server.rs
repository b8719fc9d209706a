//! The dashboard's queries.

use super::api::Dashboard;
use crate::db::Db;
use crate::money::{Currency, Money};
use crate::orders::OrderStatus;

const DAY_MILLIS: i64 = 24 * 3600 * 1000;

/// Statuses of an order that was paid for and not cancelled: what counts as sold.
const SOLD: [OrderStatus; 5] = [
    OrderStatus::Paid,
    OrderStatus::Fulfilled,
    OrderStatus::Delivered,
    OrderStatus::PartiallyRefunded,
    OrderStatus::Refunded,
];

/// The dashboard at `now` (Unix milliseconds); revenue is counted in `currency`.
pub async fn dashboard(db: &Db, currency: Currency, now: i64) -> Result<Dashboard, sqlx::Error> {
    let midnight = now.div_euclid(DAY_MILLIS) * DAY_MILLIS;
    let sold = SOLD
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let (orders_today, revenue): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*),
                CAST(COALESCE(SUM(CASE WHEN currency = $2 THEN grand_total - refunded_total
                                       ELSE 0 END), 0) AS BIGINT)
         FROM orders WHERE created_at >= $1 AND status IN ({sold})"
    ))
    .bind(midnight)
    .bind(currency.code())
    .fetch_one(db.pool())
    .await?;
    let awaiting_fulfilment: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE status = $1")
            .bind(OrderStatus::Paid.as_str())
            .fetch_one(db.pool())
            .await?;
    Ok(Dashboard {
        today: crate::staff::discounts::server::format_date(now),
        orders_today,
        revenue_today: Money::new(revenue, currency),
        low_stock: crate::staff::stock::server::low_stock_count(db).await?,
        awaiting_fulfilment,
        newest: crate::staff::orders::server::reads::newest_orders(db, 10).await?,
    })
}
