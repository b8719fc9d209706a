//! What the staff's order pages read: the orders (filtered by status, day and email),
//! and one order with its lines, payment attempts, refunds and history, and what can be
//! done to it now.

use super::{order_state, OrderState};
use crate::db::Db;
use crate::money::{Currency, Money};
use crate::orders::{format_order_number, OrderEventKind, OrderStatus};
use crate::staff::orders::api::{
    HistoryEntry, PaymentAttempt, RefundRecord, StaffOrderLine, StaffOrderSummary, StaffOrderView,
};

/// The label of a stored status; the stored name itself if it is not one.
fn status_label(status: &str) -> String {
    status
        .parse::<OrderStatus>()
        .map(|s| s.label().to_owned())
        .unwrap_or_else(|_| status.to_owned())
}

/// The newest `limit` orders, newest first.
pub async fn newest_orders(db: &Db, limit: i64) -> Result<Vec<StaffOrderSummary>, sqlx::Error> {
    let (orders, _) = filtered_orders(db, &OrderFilter::default(), limit).await?;
    Ok(orders)
}

/// Which orders the staff list shows; the default shows them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// Placed at or after (Unix milliseconds, UTC).
    pub from: i64,
    /// Placed before.
    pub until: i64,
    /// Part of the order's email address.
    pub email: String,
    /// From 1.
    pub page: i64,
}

impl Default for OrderFilter {
    fn default() -> OrderFilter {
        OrderFilter {
            status: None,
            from: i64::MIN,
            until: i64::MAX,
            email: String::new(),
            page: 1,
        }
    }
}

/// One page of `page_size` orders matching `filter`, newest first, and whether more follow.
pub async fn filtered_orders(
    db: &Db,
    filter: &OrderFilter,
    page_size: i64,
) -> Result<(Vec<StaffOrderSummary>, bool), sqlx::Error> {
    let page = filter.page.max(1);
    // An empty parameter switches its condition off, so one statement serves every filter.
    let rows: Vec<(i64, i64, String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT id, created_at, email, status, grand_total, refunded_total, currency
         FROM orders
         WHERE ($1 = '' OR status = $1) AND created_at >= $2 AND created_at < $3
           AND ($4 = '' OR email LIKE '%' || lower($4) || '%')
         ORDER BY id DESC LIMIT $5 OFFSET $6",
    )
    .bind(filter.status.map_or("", |status| status.as_str()))
    .bind(filter.from)
    .bind(filter.until)
    .bind(filter.email.trim())
    .bind(page_size + 1)
    .bind((page - 1) * page_size)
    .fetch_all(db.pool())
    .await?;
    let more = rows.len() as i64 > page_size;
    let orders = rows
        .into_iter()
        .take(page_size as usize)
        .map(
            |(id, placed_at, email, status, total, refunded, currency)| {
                let currency: Currency = currency.parse().unwrap_or(Currency::GBP);
                StaffOrderSummary {
                    number: format_order_number(id as u64),
                    placed_at,
                    email,
                    status_label: status_label(&status),
                    grand_total: Money::new(total, currency),
                    refunded: Money::new(refunded, currency),
                }
            },
        )
        .collect();
    Ok((orders, more))
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    created_at: i64,
    subtotal: i64,
    discount_code: Option<String>,
    discount_total: i64,
    shipping_method: String,
    shipping_total: i64,
    tax_total: i64,
    grand_total: i64,
    address: String,
}

/// The order `order_id` as its staff page shows it; `None` if there is none.
pub async fn order_view(db: &Db, order_id: i64) -> Result<Option<StaffOrderView>, sqlx::Error> {
    let Some(state) = order_state(db, order_id).await? else {
        return Ok(None);
    };
    let row: OrderRow = sqlx::query_as(
        "SELECT created_at, subtotal, discount_code, discount_total, shipping_method,
                shipping_total, tax_total, grand_total, address
         FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(db.pool())
    .await?;
    let money = |amount: i64| Money::new(amount, state.currency);
    let (cancel_refunds, cancel_refused) = match state.cancellable() {
        Ok(refund) => (refund, None),
        Err(refused) => (None, Some(refused.message())),
    };
    let (refundable, refund_refused) = match state.refundable() {
        Ok(left) => (left, None),
        Err(refused) => (money(0), Some(refused.message())),
    };
    Ok(Some(StaffOrderView {
        number: format_order_number(order_id as u64),
        placed_at: row.created_at,
        email: state.email.clone(),
        status: state.status,
        status_label: state.status.label().to_owned(),
        lines: lines(db, &state).await?,
        subtotal: money(row.subtotal),
        discount: row
            .discount_code
            .map(|code| (code, money(row.discount_total))),
        shipping_method: shipping_method_name(row.shipping_method),
        shipping_total: money(row.shipping_total),
        tax_total: money(row.tax_total),
        grand_total: money(row.grand_total),
        refunded: state.refunded(),
        address: address_lines(&row.address),
        payments: payments(db, &state).await?,
        refunds: refunds(db, &state).await?,
        history: history(db, order_id).await?,
        can_cancel: cancel_refused.is_none(),
        can_fulfil: state.status.allows(OrderEventKind::Fulfil),
        can_deliver: state.status.allows(OrderEventKind::Deliver),
        cancel_refunds,
        cancel_refused,
        refundable,
        refund_refused,
    }))
}

/// The name shoppers saw for a stored shipping method id; the id if the shop no longer
/// offers it.
fn shipping_method_name(id: String) -> String {
    crate::checkout::settings::shop_settings()
        .shipping_methods
        .into_iter()
        .find(|method| method.id == id)
        .map_or(id, |method| method.name)
}

/// The delivery address kept as JSON, one part a line.
fn address_lines(json: &str) -> Vec<String> {
    let address: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    [
        "full_name",
        "line1",
        "line2",
        "city",
        "region",
        "postcode",
        "country",
        "phone",
    ]
    .iter()
    .filter_map(|key| address[key].as_str())
    .filter(|part| !part.is_empty())
    .map(str::to_owned)
    .collect()
}

async fn lines(db: &Db, order: &OrderState) -> Result<Vec<StaffOrderLine>, sqlx::Error> {
    let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT sku, name, quantity, unit_price, line_total FROM order_lines
         WHERE order_id = $1 ORDER BY position",
    )
    .bind(order.id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(sku, name, quantity, unit_price, line_total)| StaffOrderLine {
                sku,
                name,
                quantity,
                unit_price: Money::new(unit_price, order.currency),
                line_total: Money::new(line_total, order.currency),
            },
        )
        .collect())
}

#[derive(sqlx::FromRow)]
struct PaymentRow {
    at: i64,
    provider: String,
    outcome: String,
    card_brand: Option<String>,
    card_last4: Option<String>,
    amount: i64,
}

async fn payments(db: &Db, order: &OrderState) -> Result<Vec<PaymentAttempt>, sqlx::Error> {
    let rows: Vec<PaymentRow> = sqlx::query_as(
        "SELECT at, provider, outcome, card_brand, card_last4, amount FROM payments
         WHERE order_id = $1 ORDER BY id",
    )
    .bind(order.id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let brand = row.card_brand.filter(|b| !b.is_empty());
            let card = match (brand, row.card_last4.filter(|l| !l.is_empty())) {
                (Some(brand), Some(last4)) => Some(format!("{brand} ending in {last4}")),
                (None, Some(last4)) => Some(format!("Card ending in {last4}")),
                (brand, None) => brand,
            };
            PaymentAttempt {
                at: row.at,
                provider: row.provider,
                outcome: sentence_case(&row.outcome),
                card,
                amount: Money::new(row.amount, order.currency),
            }
        })
        .collect())
}

/// "insufficient_funds" → "Insufficient funds".
fn sentence_case(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

#[derive(sqlx::FromRow)]
struct RefundRow {
    at: i64,
    amount: i64,
    reason: String,
    by_email: Option<String>,
    reference: Option<String>,
}

async fn refunds(db: &Db, order: &OrderState) -> Result<Vec<RefundRecord>, sqlx::Error> {
    let rows: Vec<RefundRow> = sqlx::query_as(
        "SELECT r.at, r.amount, r.reason, u.email AS by_email, r.reference
         FROM refunds r LEFT JOIN users u ON u.id = r.actor_id
         WHERE r.order_id = $1 ORDER BY r.id",
    )
    .bind(order.id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| RefundRecord {
            at: row.at,
            amount: Money::new(row.amount, order.currency),
            reason: row.reason,
            by: row.by_email,
            reference: row.reference,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct EventRow {
    at: i64,
    from_status: Option<String>,
    to_status: String,
    actor: String,
    actor_email: Option<String>,
    note: Option<String>,
}

async fn history(db: &Db, order_id: i64) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT e.at, e.from_status, e.to_status, e.actor, u.email AS actor_email, e.note
         FROM order_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.order_id = $1 ORDER BY e.id",
    )
    .bind(order_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| HistoryEntry {
            at: row.at,
            from: row.from_status.as_deref().map(status_label),
            to: status_label(&row.to_status),
            actor: actor_label(&row.actor, row.actor_email.as_deref()),
            note: row.note,
        })
        .collect())
}

/// "Staff (ann@shop.test)", "Customer", "The shop" …
fn actor_label(actor: &str, email: Option<&str>) -> String {
    let kind = match actor {
        "staff" => "Staff",
        "customer" => "Customer",
        "system" => "The shop",
        "payment_provider" => "Payment provider",
        "api_token" => "API token",
        other => other,
    };
    match email {
        Some(email) => format!("{kind} ({email})"),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_read_as_words() {
        assert_eq!(sentence_case("insufficient_funds"), "Insufficient funds");
        assert_eq!(sentence_case(""), "");
        assert_eq!(
            actor_label("staff", Some("s@shop.test")),
            "Staff (s@shop.test)"
        );
        assert_eq!(actor_label("system", None), "The shop");
        assert_eq!(status_label("partially_refunded"), "Partly refunded");
    }
}
