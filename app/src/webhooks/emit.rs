//! The events the shop's own writes cause, each built from what the transaction that
//! causes it has just written, and sent with [`emit`]. Every write path that changes an
//! order's status, a product or a variant's stock already goes through one shared function
//! (`checkout::server::record_event`, `catalog::writes::record_changes`,
//! `staff::stock::server::record_movement` and `record_order_movements`), so each makes
//! one call here, and any new caller of those (the JSON API's writes, say) sends the events
//! too. Nothing is read when no endpoint listens.

use super::server::{emit, subscribers};
use super::Event;
use crate::orders::{format_order_number, tracking_in_note};
use crate::staff::stock::LOW_STOCK;
use serde_json::{json, Value};
use sqlx::{Any, Row, Transaction};

/// The event an order's move from `from` to `to` causes, if any.
pub fn order_event(from: Option<&str>, to: &str) -> Option<Event> {
    match (from, to) {
        (None, "awaiting_payment") => Some(Event::OrderCreated),
        (_, "paid") => Some(Event::OrderPaid),
        (_, "fulfilled") => Some(Event::OrderFulfilled),
        (_, "refunded" | "partially_refunded") => Some(Event::OrderRefunded),
        // A paid order is cancelled only after its whole payment is refunded: to an
        // integration (accounting, ERP) that is a refund, whatever the status is called.
        (Some("paid"), "cancelled") => Some(Event::OrderRefunded),
        _ => None,
    }
}

/// Called as order `order_id` moves from `from` to `to` (with the history's `note`: the
/// tracking number of a dispatch), inside the transaction that moves it.
pub async fn order_moved(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
    from: Option<&str>,
    to: &str,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    let Some(event) = order_event(from, to) else {
        return Ok(());
    };
    if subscribers(tx, event).await?.is_empty() {
        return Ok(());
    }
    let Some(mut order) = order_json(tx, order_id).await? else {
        return Ok(());
    };
    if let Some(fields) = order.as_object_mut() {
        fields.insert("previous_status".to_owned(), json!(from));
    }
    let mut data = json!({ "order": order });
    if event == Event::OrderFulfilled {
        data["tracking_number"] = json!(note.and_then(tracking_in_note));
    }
    emit(tx, event, data).await?;
    Ok(())
}

async fn order_json(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
) -> Result<Option<Value>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT o.id, o.status, o.email, o.currency, o.subtotal, o.discount_total,
                o.shipping_total, o.tax_total, o.grand_total, o.shipping_method, o.created_at,
                CAST((SELECT COALESCE(SUM(r.amount), 0) FROM refunds r WHERE r.order_id = o.id)
                     AS BIGINT) AS refunded_total
         FROM orders o WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let lines: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT sku, name, quantity, unit_price, line_total FROM order_lines
         WHERE order_id = $1 ORDER BY position",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    let created_at: i64 = row.try_get("created_at")?;
    Ok(Some(json!({
        "id": id,
        "number": format_order_number(u64::try_from(id).unwrap_or_default()),
        "status": row.try_get::<String, _>("status")?,
        "email": row.try_get::<String, _>("email")?,
        "currency": row.try_get::<String, _>("currency")?,
        "subtotal": row.try_get::<i64, _>("subtotal")?,
        "discount_total": row.try_get::<i64, _>("discount_total")?,
        "shipping_total": row.try_get::<i64, _>("shipping_total")?,
        "tax_total": row.try_get::<i64, _>("tax_total")?,
        "grand_total": row.try_get::<i64, _>("grand_total")?,
        "refunded_total": row.try_get::<i64, _>("refunded_total")?,
        "shipping_method": row.try_get::<String, _>("shipping_method")?,
        "placed_at": crate::staff::tokens::orders::rfc3339(created_at),
        "lines": lines.into_iter().map(|(sku, name, quantity, unit_price, line_total)| json!({
            "sku": sku, "name": name, "quantity": quantity,
            "unit_price": unit_price, "line_total": line_total,
        })).collect::<Vec<_>>(),
    })))
}

/// Called with the products a catalog write created, changed or deleted, under catalog
/// `revision`, inside its transaction: one `product.updated` per product.
pub async fn products_changed(
    tx: &mut Transaction<'_, Any>,
    product_ids: &[i64],
    revision: i64,
) -> Result<(), sqlx::Error> {
    if product_ids.is_empty() || subscribers(tx, Event::ProductUpdated).await?.is_empty() {
        return Ok(());
    }
    for &id in product_ids {
        let product = sqlx::query(
            "SELECT slug, name, CAST(CASE WHEN published THEN 1 ELSE 0 END AS BIGINT) AS published,
                    version
             FROM products WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
        let data = match product {
            None => json!({ "product": { "id": id }, "deleted": true, "revision": revision }),
            Some(row) => {
                let variants: Vec<(String, String, i64, String, i64)> = sqlx::query_as(
                    "SELECT sku, title, price_amount, currency, stock FROM variants
                     WHERE product_id = $1 ORDER BY position, id",
                )
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
                json!({
                    "product": {
                        "id": id,
                        "slug": row.try_get::<String, _>("slug")?,
                        "name": row.try_get::<String, _>("name")?,
                        "published": row.try_get::<i64, _>("published")? != 0,
                        "version": row.try_get::<i64, _>("version")?,
                        "variants": variants.into_iter().map(|(sku, title, price, currency, stock)| json!({
                            "sku": sku, "title": title, "price": price, "currency": currency,
                            "stock": stock,
                        })).collect::<Vec<_>>(),
                    },
                    "deleted": false,
                    "revision": revision,
                })
            }
        };
        emit(tx, Event::ProductUpdated, data).await?;
    }
    Ok(())
}

/// Whether a move from `before` to `after` takes stock to the low-stock level or below.
pub fn falls_low(before: i64, after: i64) -> bool {
    before > LOW_STOCK && after <= LOW_STOCK
}

/// Called after one variant's stock moved from `before` to `after`, inside its transaction.
pub async fn stock_moved(
    tx: &mut Transaction<'_, Any>,
    variant_id: i64,
    before: i64,
    after: i64,
) -> Result<(), sqlx::Error> {
    if falls_low(before, after) {
        stock_low(tx, variant_id, after).await?;
    }
    Ok(())
}

/// Called after an order's sale was recorded as stock movements, inside its transaction:
/// `stock.low` for each of its variants the sale took to the low-stock level or below.
pub async fn order_stock_moved(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
) -> Result<(), sqlx::Error> {
    if subscribers(tx, Event::StockLow).await?.is_empty() {
        return Ok(());
    }
    let fallen: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT variant_id, after_stock FROM stock_movements
         WHERE order_id = $1 AND before_stock > $2 AND after_stock <= $2 ORDER BY variant_id",
    )
    .bind(order_id)
    .bind(LOW_STOCK)
    .fetch_all(&mut **tx)
    .await?;
    for (variant_id, stock) in fallen {
        stock_low(tx, variant_id, stock).await?;
    }
    Ok(())
}

async fn stock_low(
    tx: &mut Transaction<'_, Any>,
    variant_id: i64,
    stock: i64,
) -> Result<(), sqlx::Error> {
    if subscribers(tx, Event::StockLow).await?.is_empty() {
        return Ok(());
    }
    let variant: Option<(String, String, i64, String)> = sqlx::query_as(
        "SELECT v.sku, v.title, p.id, p.name FROM variants v JOIN products p ON p.id = v.product_id
         WHERE v.id = $1",
    )
    .bind(variant_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((sku, title, product_id, product_name)) = variant else {
        return Ok(());
    };
    let data = json!({
        "variant": {
            "id": variant_id, "sku": sku, "title": title, "stock": stock,
            "product_id": product_id, "product_name": product_name,
        },
        "low_stock_level": LOW_STOCK,
    });
    emit(tx, Event::StockLow, data).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_moves_map_to_their_events() {
        assert_eq!(
            order_event(None, "awaiting_payment"),
            Some(Event::OrderCreated)
        );
        assert_eq!(
            order_event(Some("awaiting_payment"), "paid"),
            Some(Event::OrderPaid)
        );
        assert_eq!(
            order_event(Some("paid"), "fulfilled"),
            Some(Event::OrderFulfilled)
        );
        assert_eq!(
            order_event(Some("paid"), "partially_refunded"),
            Some(Event::OrderRefunded)
        );
        assert_eq!(
            order_event(Some("partially_refunded"), "refunded"),
            Some(Event::OrderRefunded)
        );
        assert_eq!(order_event(Some("fulfilled"), "delivered"), None);
        assert_eq!(order_event(Some("awaiting_payment"), "cancelled"), None);
        assert_eq!(
            order_event(Some("paid"), "cancelled"),
            Some(Event::OrderRefunded)
        );
    }

    #[test]
    fn stock_is_low_only_when_it_falls_to_the_level() {
        assert!(falls_low(LOW_STOCK + 1, LOW_STOCK));
        assert!(falls_low(LOW_STOCK + 10, 0));
        assert!(!falls_low(LOW_STOCK, LOW_STOCK - 1), "already low");
        assert!(!falls_low(LOW_STOCK + 5, LOW_STOCK + 1));
        assert!(!falls_low(0, LOW_STOCK + 3), "a rise");
    }
}
