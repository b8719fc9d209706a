//! Stock changes and their history. An adjustment is one write transaction: a
//! conditional UPDATE that can never take the stock below 0 (so concurrent adjustments
//! and checkouts cannot oversell), the movement, the staff audit entry, and the catalog
//! change that tells search and the storefront. The shop's own changes (an order placed,
//! an order's stock put back) are recorded by [`record_order_movements`] inside the
//! transaction that changed the stock, one statement per order.

use super::api::{StockMovement, StockReason, VariantStock};
use super::LOW_STOCK;
use crate::db::{now_millis, Db};
use crate::staff::audit::server::{record, snapshot, Actor, StaffAction};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

/// How the stock is to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Add this many (negative: take away).
    By(i64),
    /// Set to this many (counted).
    To(i64),
}

/// A staff adjustment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment<'a> {
    pub change: Change,
    pub reason: StockReason,
    pub note: Option<&'a str>,
}

/// Why an adjustment was not made; nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NoSuchVariant,
    /// It would take the stock below 0; `stock` is what there is.
    BelowZero {
        stock: i64,
    },
}

/// What the audit log keeps of an adjustment.
#[derive(Serialize)]
struct Audited<'a> {
    sku: &'a str,
    stock: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

/// Adjusts the stock of `sku` as `actor`: the stock before and after, or why not.
pub async fn adjust(
    db: &Db,
    actor: &dyn Actor,
    sku: &str,
    adjustment: &Adjustment<'_>,
) -> Result<Result<(i64, i64), Refused>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    match adjust_in(&mut tx, actor, sku, adjustment).await? {
        Ok(levels) => {
            tx.commit().await?;
            Ok(Ok(levels))
        }
        Err(refused) => {
            tx.rollback().await?;
            Ok(Err(refused))
        }
    }
}

/// Sets the stock of each SKU in `levels` to its count as `actor`, all in one transaction:
/// each SKU's stock before and after, in order; or, changing nothing, the SKUs no variant
/// has.
pub async fn set_levels(
    db: &Db,
    actor: &dyn Actor,
    levels: &[(String, i64)],
    reason: StockReason,
    note: Option<&str>,
) -> Result<Result<Vec<(i64, i64)>, Vec<String>>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let mut changed = Vec::with_capacity(levels.len());
    let mut unknown = Vec::new();
    for (sku, count) in levels {
        let adjustment = Adjustment {
            change: Change::To(*count),
            reason,
            note,
        };
        match adjust_in(&mut tx, actor, sku, &adjustment).await? {
            Ok(levels) => changed.push(levels),
            Err(_) => unknown.push(sku.clone()),
        }
    }
    if !unknown.is_empty() {
        tx.rollback().await?;
        return Ok(Err(unknown));
    }
    tx.commit().await?;
    Ok(Ok(changed))
}

/// Adjusts the stock of `sku` inside `tx`, with its movement, audit entry and catalog
/// change; when refused, `tx` may hold earlier writes and is the caller's to roll back.
async fn adjust_in(
    tx: &mut Transaction<'_, Any>,
    actor: &dyn Actor,
    sku: &str,
    adjustment: &Adjustment<'_>,
) -> Result<Result<(i64, i64), Refused>, sqlx::Error> {
    let found: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, product_id FROM variants WHERE sku = $1")
            .bind(sku)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((variant_id, product_id)) = found else {
        return Ok(Err(Refused::NoSuchVariant));
    };
    let (before, after) = match adjustment.change {
        Change::By(delta) => {
            let after: Option<i64> = sqlx::query_scalar(
                "UPDATE variants SET stock = stock + $1 WHERE id = $2 AND stock + $1 >= 0
                 RETURNING stock",
            )
            .bind(delta)
            .bind(variant_id)
            .fetch_optional(&mut **tx)
            .await?;
            match after {
                Some(after) => (after - delta, after),
                None => {
                    let stock = current_stock(tx, variant_id).await?;
                    return Ok(Err(Refused::BelowZero { stock }));
                }
            }
        }
        Change::To(count) => {
            // Updating the row first takes its lock (PostgreSQL; SQLite's write
            // transaction holds the whole database), so the value read is the one
            // replaced: no checkout can slip in between.
            let before = current_stock(tx, variant_id).await?;
            sqlx::query("UPDATE variants SET stock = $1 WHERE id = $2")
                .bind(count)
                .bind(variant_id)
                .execute(&mut **tx)
                .await?;
            (before, count)
        }
    };
    record_movement(
        tx,
        &Movement {
            variant_id,
            actor: Some(actor),
            before,
            after,
            reason: adjustment.reason,
            note: adjustment.note,
            order_id: None,
        },
    )
    .await?;
    record(
        tx,
        StaffAction {
            actor,
            action: "stock.adjusted",
            subject: format!("stock {sku}"),
            before: snapshot(&Audited {
                sku,
                stock: before,
                reason: None,
                note: None,
            }),
            after: snapshot(&Audited {
                sku,
                stock: after,
                reason: Some(adjustment.reason.as_str()),
                note: adjustment.note,
            }),
        },
    )
    .await?;
    crate::catalog::writes::record_changes(tx, &[product_id]).await?;
    Ok(Ok((before, after)))
}

/// The stock of `variant_id`, read with the row locked for the rest of `tx`.
async fn current_stock(tx: &mut Transaction<'_, Any>, variant_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("UPDATE variants SET stock = stock WHERE id = $1 RETURNING stock")
        .bind(variant_id)
        .fetch_one(&mut **tx)
        .await
}

/// One change of one variant's stock.
pub struct Movement<'a> {
    pub variant_id: i64,
    /// `None` for the shop itself.
    pub actor: Option<&'a dyn Actor>,
    pub before: i64,
    pub after: i64,
    pub reason: StockReason,
    pub note: Option<&'a str>,
    pub order_id: Option<i64>,
}

/// Records `movement` in the caller's transaction.
pub async fn record_movement(
    tx: &mut Transaction<'_, Any>,
    movement: &Movement<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO stock_movements (variant_id, at, actor_id, actor, before_stock, after_stock,
             reason, note, order_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(movement.variant_id)
    .bind(now_millis())
    .bind(movement.actor.and_then(|actor| actor.user_id()))
    .bind(movement.actor.map(|actor| actor.label()))
    .bind(movement.before)
    .bind(movement.after)
    .bind(movement.reason.as_str())
    .bind(movement.note)
    .bind(movement.order_id)
    .execute(&mut **tx)
    .await?;
    crate::webhooks::emit::stock_moved(tx, movement.variant_id, movement.before, movement.after)
        .await
}

/// Records, in the caller's transaction and right after it changed the stock, one
/// movement per variant of order `order_id`: `Sold` after taking its quantities,
/// `OrderCancelled` after putting them back. The stock read is the caller's own write,
/// its rows still locked, so before is after ∓ the quantity. One statement per order.
pub async fn record_order_movements(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
    reason: StockReason,
) -> Result<(), sqlx::Error> {
    // Taken: it was that much more before; put back: that much less.
    let sign: i64 = if reason == StockReason::Sold { 1 } else { -1 };
    sqlx::query(
        "INSERT INTO stock_movements (variant_id, at, actor_id, actor, before_stock, after_stock,
             reason, note, order_id)
         SELECT l.variant_id, $1, NULL, NULL, CAST(v.stock + $2 * SUM(l.quantity) AS BIGINT), v.stock,
                $3, NULL,
                l.order_id
         FROM order_lines l JOIN variants v ON v.id = l.variant_id
         WHERE l.order_id = $4
         GROUP BY l.variant_id, l.order_id, v.stock",
    )
    .bind(now_millis())
    .bind(sign)
    .bind(reason.as_str())
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    if reason == StockReason::Sold {
        crate::webhooks::emit::order_stock_moved(tx, order_id).await?;
    }
    Ok(())
}

const VARIANT_COLUMNS: &str = "v.id, v.sku, v.title, v.stock, p.name, p.slug
     FROM variants v JOIN products p ON p.id = v.product_id";

fn variant_from(row: &sqlx::any::AnyRow) -> Result<(i64, VariantStock), sqlx::Error> {
    Ok((
        row.try_get("id")?,
        VariantStock {
            sku: row.try_get("sku")?,
            title: row.try_get("title")?,
            stock: row.try_get("stock")?,
            product_name: row.try_get("name")?,
            product_slug: row.try_get("slug")?,
        },
    ))
}

/// The variant `sku` and its id.
pub async fn variant_by_sku(
    db: &Db,
    sku: &str,
) -> Result<Option<(i64, VariantStock)>, sqlx::Error> {
    if sku.is_empty() {
        return Ok(None);
    }
    sqlx::query(&format!("SELECT {VARIANT_COLUMNS} WHERE v.sku = $1"))
        .bind(sku)
        .fetch_optional(db.pool())
        .await?
        .map(|row| variant_from(&row))
        .transpose()
}

/// The most variants a search lists.
const MATCHES_SHOWN: i64 = 50;

/// Variants whose SKU or product name holds `typed` (case aside); exact SKUs first.
pub async fn find_variants(db: &Db, typed: &str) -> Result<Vec<VariantStock>, sqlx::Error> {
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(&format!(
        "SELECT {VARIANT_COLUMNS}
         WHERE lower(v.sku) LIKE '%' || lower($1) || '%' OR lower(p.name) LIKE '%' || lower($1) || '%'
         ORDER BY CASE WHEN lower(v.sku) = lower($1) THEN 0 ELSE 1 END, p.name, v.position, v.sku
         LIMIT $2"
    ))
    .bind(typed)
    .bind(MATCHES_SHOWN)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| variant_from(row).map(|(_, variant)| variant))
        .collect()
}

/// Every variant at or below [`LOW_STOCK`], out of stock first.
pub async fn low_stock(db: &Db) -> Result<Vec<VariantStock>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {VARIANT_COLUMNS} WHERE v.stock <= $1 ORDER BY v.stock, p.name, v.sku"
    ))
    .bind(LOW_STOCK)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| variant_from(row).map(|(_, variant)| variant))
        .collect()
}

/// How many variants are at or below [`LOW_STOCK`].
pub async fn low_stock_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM variants WHERE stock <= $1")
        .bind(LOW_STOCK)
        .fetch_one(db.pool())
        .await
}

/// The most movements the page shows.
const HISTORY_SHOWN: i64 = 200;

#[derive(sqlx::FromRow)]
struct MovementRow {
    at: i64,
    actor: Option<String>,
    before_stock: i64,
    after_stock: i64,
    reason: String,
    note: Option<String>,
    order_id: Option<i64>,
}

/// The changes of `variant_id`'s stock, newest first.
pub async fn history(db: &Db, variant_id: i64) -> Result<Vec<StockMovement>, sqlx::Error> {
    let rows: Vec<MovementRow> = sqlx::query_as(
        "SELECT at, actor, before_stock, after_stock, reason, note, order_id
         FROM stock_movements WHERE variant_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(variant_id)
    .bind(HISTORY_SHOWN)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let reason = StockReason::from_name(&row.reason).unwrap_or(StockReason::Other);
            StockMovement {
                at: row.at,
                who: row.actor.unwrap_or_else(|| "The shop".to_owned()),
                before: row.before_stock,
                after: row.after_stock,
                reason,
                reason_label: reason.label().to_owned(),
                note: row.note,
                order_number: row
                    .order_id
                    .map(|id| crate::orders::format_order_number(id as u64)),
            }
        })
        .collect())
}
