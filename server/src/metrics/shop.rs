//! What a scrape reads from the database: the job queue, orders and revenue. Read at
//! scrape time, so every instance sharing the database reports the same figures and
//! nothing is lost across restarts.

use app::db::{now_millis, Db};
use app::orders::OrderStatus;

/// Statuses of an order that was paid for and not cancelled (as the staff dashboard counts).
const SOLD: [OrderStatus; 5] = [
    OrderStatus::Paid,
    OrderStatus::Fulfilled,
    OrderStatus::Delivered,
    OrderStatus::PartiallyRefunded,
    OrderStatus::Refunded,
];

#[derive(Debug, Default, Clone, PartialEq)]
pub struct ShopFigures {
    /// Pending jobs (due or waiting for a later time) by kind.
    pub pending_jobs: Vec<(String, i64)>,
    /// Jobs that failed for good, by kind.
    pub dead_jobs: Vec<(String, i64)>,
    /// Seconds since the oldest pending job fell due, of those waiting (not running);
    /// 0 when none waits.
    pub oldest_due_job_seconds: f64,
    /// Orders by status; every known status is listed, 0 included.
    pub orders: Vec<(String, i64)>,
    /// Sold orders' grand totals less refunds, in minor units, by currency.
    pub revenue: Vec<(String, i64)>,
}

pub async fn read(db: &Db) -> Result<ShopFigures, sqlx::Error> {
    let by_kind = |state: &'static str| {
        sqlx::query_as::<_, (String, i64)>(
            "SELECT kind, COUNT(*) FROM jobs WHERE state = $1 GROUP BY kind ORDER BY kind",
        )
        .bind(state)
        .fetch_all(db.pool())
    };
    let pending_jobs = by_kind("pending").await?;
    let dead_jobs = by_kind("dead").await?;
    let now = now_millis();
    let oldest_due: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(run_at) FROM jobs
             WHERE state = 'pending' AND run_at <= $1 AND locked_until <= $1",
    )
    .bind(now)
    .fetch_one(db.pool())
    .await?;
    let oldest_due_job_seconds = oldest_due.map_or(0.0, |at| (now - at).max(0) as f64 / 1000.0);

    let counted: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM orders GROUP BY status")
            .fetch_all(db.pool())
            .await?;
    let mut orders: Vec<(String, i64)> = OrderStatus::ALL
        .iter()
        .map(|status| (status.as_str().to_owned(), 0))
        .collect();
    for (status, count) in counted {
        match orders.iter_mut().find(|(known, _)| *known == status) {
            Some(slot) => slot.1 = count,
            None => orders.push((status, count)),
        }
    }

    let sold = SOLD
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let revenue = sqlx::query_as(&format!(
        "SELECT currency, CAST(COALESCE(SUM(grand_total - refunded_total), 0) AS BIGINT)
         FROM orders WHERE status IN ({sold}) GROUP BY currency ORDER BY currency"
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(ShopFigures {
        pending_jobs,
        dead_jobs,
        oldest_due_job_seconds,
        orders,
        revenue,
    })
}
