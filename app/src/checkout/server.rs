//! Placing an order, the one write that must never oversell or double up: a single
//! transaction creates the order and its priced lines, takes the stock with a
//! conditional decrement (`… SET stock = stock - n WHERE stock >= n`), and records the
//! first history entry; the checkout's idempotency key makes a second submission find
//! the first order instead of placing another. Stock held by an order not paid in time
//! goes back with [`release_expired_reservations`].

use crate::db::{now_millis, Db};
use crate::money::Money;
use crate::pricing::{quote, CartLine, Destination, QuoteRequest, ShippingStatus, ShopSettings};
use sqlx::{Any, Transaction};

/// What the shopper asked for at checkout.
#[derive(Debug, Clone)]
pub struct OrderRequest {
    pub cart_id: i64,
    pub user_id: Option<i64>,
    pub email: String,
    pub destination: Destination,
    /// The delivery address as confirmed, as JSON.
    pub address_json: String,
    pub shipping_method: Option<String>,
    /// Made when the checkout page was shown; the same key is the same order.
    pub idempotency_key: String,
    /// How long stock is held for payment.
    pub reserve_for_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// A new order, awaiting payment, its stock held; `access_token` opens its page
    /// (only its hash is stored).
    Created { order_id: i64, access_token: String },
    /// This checkout was placed before: its order.
    AlreadyPlaced { order_id: i64 },
}

/// Why an order was not placed; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotPlaced {
    EmptyCart,
    /// Someone else bought the last ones first.
    SoldOut {
        name: String,
        available: i64,
    },
    /// No shipping method takes this cart to this address.
    NoShipping(String),
    /// The cart could not be priced (a fault in the catalog's data).
    Unpriceable(String),
}

impl NotPlaced {
    pub fn message(&self) -> String {
        match self {
            NotPlaced::EmptyCart => "Your cart is empty.".to_owned(),
            NotPlaced::SoldOut { name, available: 0 } => {
                format!("Sorry, {name} has just sold out. It is still in your cart; remove it to go on.")
            }
            NotPlaced::SoldOut { name, available } => format!(
                "Sorry, only {available} of {name} are left now. Change the quantity in your cart to go on."
            ),
            NotPlaced::NoShipping(why) => why.clone(),
            NotPlaced::Unpriceable(_) => {
                "This cart cannot be priced right now. Please try again later.".to_owned()
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct CartRow {
    variant_id: i64,
    product_id: i64,
    category_id: i64,
    sku: String,
    name: String,
    price_amount: i64,
    currency: String,
    quantity: i64,
}

async fn cart_rows(db: &Db, cart_id: i64) -> Result<Vec<CartRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.id AS variant_id, p.id AS product_id, p.category_id, v.sku,
                p.name || ' (' || v.title || ')' AS name, v.price_amount, v.currency, l.quantity
         FROM cart_lines l
         JOIN variants v ON v.id = l.variant_id
         JOIN products p ON p.id = v.product_id
         WHERE l.cart_id = $1
         ORDER BY l.added_at, v.id",
    )
    .bind(cart_id)
    .fetch_all(db.pool())
    .await
}

async fn existing_order(db: &Db, key: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM orders WHERE idempotency_key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await
}

/// Places the order for the cart: all of it, or (with a reason) none of it.
pub async fn place_order(
    db: &Db,
    settings: &ShopSettings,
    request: &OrderRequest,
) -> Result<Result<Placed, NotPlaced>, sqlx::Error> {
    if let Some(order_id) = existing_order(db, &request.idempotency_key).await? {
        return Ok(Ok(Placed::AlreadyPlaced { order_id }));
    }
    let rows = cart_rows(db, request.cart_id).await?;
    if rows.is_empty() {
        return Ok(Err(NotPlaced::EmptyCart));
    }
    let now = now_millis();
    let lines: Vec<CartLine> = rows
        .iter()
        .map(|row| CartLine {
            product_id: row.product_id,
            variant_id: row.variant_id,
            category_ids: vec![row.category_id],
            unit_price: Money::new(
                row.price_amount,
                row.currency.parse().unwrap_or(settings.currency),
            ),
            quantity: u32::try_from(row.quantity).unwrap_or(u32::MAX),
            unit_weight_grams: 0,
        })
        .collect();
    let priced = match quote(
        settings,
        &QuoteRequest {
            lines,
            destination: request.destination.clone(),
            code: None,
            shipping_method: request.shipping_method.clone(),
            now_millis: now,
        },
    ) {
        Ok(priced) => priced,
        Err(error) => return Ok(Err(NotPlaced::Unpriceable(format!("{error:?}")))),
    };
    let shipping = match &priced.shipping {
        ShippingStatus::Charged(charge) => charge.clone(),
        other => {
            return Ok(Err(NotPlaced::NoShipping(
                other.problem().unwrap_or_default().to_owned(),
            )))
        }
    };

    let access_token = crate::accounts::links::new_token()?;
    let mut tx = db.pool().begin().await?;
    // The first statement writes, so on SQLite the transaction takes the write lock at
    // once (waiting its turn) instead of failing when it upgrades from a stale read.
    let order_id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO orders (user_id, email, status, currency, subtotal, discount_total,
             shipping_total, tax_total, grand_total, shipping_method, address,
             idempotency_key, access_token_hash, reserved_until, created_at, updated_at)
         VALUES ($1, $2, 'awaiting_payment', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(request.user_id)
    .bind(&request.email)
    .bind(priced.currency.code())
    .bind(priced.subtotal.amount)
    .bind(priced.discount_total.amount)
    .bind(priced.shipping_total.amount)
    .bind(priced.tax_total.amount)
    .bind(priced.grand_total.amount)
    .bind(&shipping.method_id)
    .bind(&request.address_json)
    .bind(&request.idempotency_key)
    .bind(crate::accounts::links::token_hash(&access_token))
    .bind(now + request.reserve_for_ms)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(order_id) = order_id else {
        // The same checkout, submitted at the same moment, won the race.
        tx.rollback().await?;
        let order_id = existing_order(db, &request.idempotency_key)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        return Ok(Ok(Placed::AlreadyPlaced { order_id }));
    };
    for (position, (row, line)) in rows.iter().zip(&priced.lines).enumerate() {
        if !take_stock(&mut tx, row.variant_id, row.quantity).await? {
            tx.rollback().await?;
            let available: i64 = sqlx::query_scalar("SELECT stock FROM variants WHERE id = $1")
                .bind(row.variant_id)
                .fetch_one(db.pool())
                .await?;
            return Ok(Err(NotPlaced::SoldOut {
                name: row.name.clone(),
                available,
            }));
        }
        sqlx::query(
            "INSERT INTO order_lines (order_id, position, variant_id, sku, name, quantity,
                 unit_price, discount, tax, line_total)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(order_id)
        .bind(position as i64)
        .bind(row.variant_id)
        .bind(&row.sku)
        .bind(&row.name)
        .bind(row.quantity)
        .bind(line.unit_price.amount)
        .bind(line.discount.amount)
        .bind(line.tax.amount)
        .bind(line.total.amount)
        .execute(&mut *tx)
        .await?;
    }
    record_event(
        &mut tx,
        order_id,
        None,
        "awaiting_payment",
        "customer",
        request.user_id,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Placed::Created {
        order_id,
        access_token,
    }))
}

/// Takes `quantity` of the variant if that many are there; `false` (nothing taken) if not.
async fn take_stock(
    tx: &mut Transaction<'_, Any>,
    variant_id: i64,
    quantity: i64,
) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query("UPDATE variants SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
        .bind(quantity)
        .bind(variant_id)
        .execute(&mut **tx)
        .await?;
    Ok(taken.rows_affected() == 1)
}

pub(crate) async fn record_event(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
    from: Option<&str>,
    to: &str,
    actor: &str,
    actor_id: Option<i64>,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_events (order_id, from_status, to_status, actor, actor_id, note, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(from)
    .bind(to)
    .bind(actor)
    .bind(actor_id)
    .bind(note)
    .bind(now_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Cancels the order if it is still awaiting payment and puts its stock back, inside
/// `tx`. A conditional UPDATE moves it, so a payment and a cancellation racing for the
/// same order cannot both win; `false` when it had already moved on.
pub(crate) async fn cancel_unpaid(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
    actor: &str,
    note: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let moved = sqlx::query(
        "UPDATE orders SET status = 'cancelled', reserved_until = NULL, updated_at = $1
         WHERE id = $2 AND status = 'awaiting_payment'",
    )
    .bind(now)
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE variants SET stock = stock + (
             SELECT SUM(l.quantity) FROM order_lines l
             WHERE l.order_id = $1 AND l.variant_id = variants.id)
         WHERE id IN (SELECT variant_id FROM order_lines WHERE order_id = $1)",
    )
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    record_event(
        tx,
        order_id,
        Some("awaiting_payment"),
        "cancelled",
        actor,
        None,
        Some(note),
    )
    .await?;
    Ok(true)
}

/// Cancels orders still awaiting payment after their reservation ran out, and puts
/// their stock back. Each order is its own transaction, moved by a conditional UPDATE,
/// so a payment arriving at the same moment and this sweep cannot both win.
pub async fn release_expired_reservations(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let expired: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM orders WHERE status = 'awaiting_payment' AND reserved_until < $1",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let mut released = 0;
    for order_id in expired {
        let mut tx = db.pool().begin().await?;
        if cancel_unpaid(
            &mut tx,
            order_id,
            "system",
            "not paid in time; the stock was released",
            now,
        )
        .await?
        {
            tx.commit().await?;
            released += 1;
        } else {
            tx.rollback().await?;
        }
    }
    Ok(released)
}

#[cfg(test)]
mod tests;
