//! Placing an order, the one write that must never oversell or double up: a single
//! transaction creates the order and its priced lines, takes the stock with a
//! conditional decrement (`… SET stock = stock - n WHERE stock >= n`), and records the
//! first history entry and the stock movements ("sold"); the checkout's idempotency
//! key makes a second submission find the first order instead of placing another.
//! Stock held by an order not paid in time goes back through the job queue
//! ([`ReservationJobs`]).

use crate::db::{now_millis, Db};
use crate::money::Money;
use crate::pricing::{
    quote, CartLine, CodeOutcome, Destination, PricingError, Quote, QuoteRequest, ShippingStatus,
    ShopSettings,
};
use crate::staff::stock::api::StockReason;
use crate::staff::stock::server::record_order_movements;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

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
    /// The discount code as typed, if any.
    pub discount_code: Option<String>,
    /// Made when the checkout page was shown; the same key is the same order.
    pub idempotency_key: String,
    /// How long stock is held for payment.
    pub reserve_for_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// A new order, awaiting payment, its stock held; `access_token` opens its page
    /// (only its hash is stored).
    Created {
        order_id: i64,
        access_token: String,
        grand_total: Money,
    },
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
    /// The discount code cannot be used on this order: why, for the shopper.
    CodeRefused(String),
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
            NotPlaced::NoShipping(why) | NotPlaced::CodeRefused(why) => why.clone(),
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

/// What to price a cart for.
pub struct CartToPrice<'a> {
    pub cart_id: i64,
    /// The shopper's normalised email address, for a code's per-customer limit (empty
    /// while not known yet).
    pub customer: &'a str,
    pub destination: &'a Destination,
    pub discount_code: Option<&'a str>,
    pub shipping_method: Option<&'a str>,
}

/// The cart priced by the shop's rules, as it stands in the database now (`None` when it
/// is empty), with the id of the discount code if one was entered and found.
pub async fn price_cart(
    db: &Db,
    settings: &ShopSettings,
    cart: &CartToPrice<'_>,
) -> Result<Option<Result<(Quote, Option<i64>), PricingError>>, sqlx::Error> {
    let rows = cart_rows(db, cart.cart_id).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        price_rows(db, settings, &rows, cart, now_millis()).await?,
    ))
}

async fn price_rows(
    db: &Db,
    settings: &ShopSettings,
    rows: &[CartRow],
    cart: &CartToPrice<'_>,
    now: i64,
) -> Result<Result<(Quote, Option<i64>), PricingError>, sqlx::Error> {
    let (code, code_id) = match cart.discount_code {
        Some(typed) => {
            let (attempt, id) = super::discounts::find_code(db, typed, cart.customer).await?;
            (Some(attempt), id)
        }
        None => (None, None),
    };
    // A code for a category covers the categories below it too.
    let ancestry = match code_id {
        Some(_) => category_ancestry(db).await?,
        None => HashMap::new(),
    };
    let lines: Vec<CartLine> = rows
        .iter()
        .map(|row| CartLine {
            product_id: row.product_id,
            variant_id: row.variant_id,
            category_ids: ancestry
                .get(&row.category_id)
                .cloned()
                .unwrap_or_else(|| vec![row.category_id]),
            unit_price: Money::new(
                row.price_amount,
                row.currency.parse().unwrap_or(settings.currency),
            ),
            quantity: u32::try_from(row.quantity).unwrap_or(u32::MAX),
            unit_weight_grams: 0,
        })
        .collect();
    let priced = quote(
        settings,
        &QuoteRequest {
            lines,
            destination: cart.destination.clone(),
            code,
            shipping_method: cart.shipping_method.map(str::to_owned),
            now_millis: now,
        },
    );
    Ok(priced.map(|priced| (priced, code_id)))
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
    let cart = CartToPrice {
        cart_id: request.cart_id,
        customer: &request.email,
        destination: &request.destination,
        discount_code: request.discount_code.as_deref(),
        shipping_method: request.shipping_method.as_deref(),
    };
    let (priced, code_id) = match price_rows(db, settings, &rows, &cart, now).await? {
        Ok(priced) => priced,
        Err(error) => return Ok(Err(NotPlaced::Unpriceable(format!("{error:?}")))),
    };
    let applied_code = match &priced.code {
        CodeOutcome::Refused { reason, .. } => {
            return Ok(Err(NotPlaced::CodeRefused(reason.message())))
        }
        CodeOutcome::Applied { code, .. } => Some(AppliedCode {
            id: code_id.ok_or(sqlx::Error::RowNotFound)?,
            code: code.clone(),
        }),
        CodeOutcome::NotEntered => None,
    };
    let shipping = match &priced.shipping {
        ShippingStatus::Charged(charge) => charge.clone(),
        other => {
            return Ok(Err(NotPlaced::NoShipping(
                other.problem().unwrap_or_default().to_owned(),
            )))
        }
    };

    let mut tx = db.begin_write().await?;
    let order_id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO orders (user_id, email, status, currency, subtotal, discount_total,
             shipping_total, tax_total, grand_total, shipping_method, address,
             idempotency_key, cart_id, discount_code, reserved_until, created_at, updated_at)
         VALUES ($1, $2, 'awaiting_payment', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
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
    .bind(request.cart_id)
    .bind(applied_code.as_ref().map(|code| code.code.clone()))
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
    if let Some(code) = &applied_code {
        let taken =
            super::discounts::take_use(&mut tx, code.id, order_id, &request.email, now).await?;
        if let Err(refusal) = taken {
            tx.rollback().await?;
            return Ok(Err(NotPlaced::CodeRefused(refusal.message())));
        }
    }
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
    record_order_movements(&mut tx, order_id, StockReason::Sold).await?;
    note_shown_availability(&mut tx, order_id, StockChange::Taken).await?;
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
    let access_token = add_order_link(&mut tx, order_id).await?;
    crate::jobs::enqueue_at(
        &mut tx,
        RELEASE_RESERVATION,
        &order_id.to_string(),
        now + request.reserve_for_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Placed::Created {
        order_id,
        access_token,
        grand_total: priced.grand_total,
    }))
}

/// The code an order is placed with.
struct AppliedCode {
    id: i64,
    code: String,
}

/// Each category with every category above it, for codes restricted to a category.
async fn category_ancestry(db: &Db) -> Result<HashMap<i64, Vec<i64>>, sqlx::Error> {
    let parents: HashMap<i64, Option<i64>> =
        sqlx::query_as::<_, (i64, Option<i64>)>("SELECT id, parent_id FROM categories")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
    Ok(parents
        .keys()
        .map(|id| {
            let mut chain = vec![*id];
            let mut at = parents.get(id).copied().flatten();
            // Bounded, in case the data ever holds a loop.
            while let Some(parent) = at.filter(|_| chain.len() < 64) {
                chain.push(parent);
                at = parents.get(&parent).copied().flatten();
            }
            (*id, chain)
        })
        .collect())
}

/// A new link that opens order `order_id` without signing in: its token (only the hash
/// is stored).
pub(crate) async fn add_order_link(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
) -> Result<String, sqlx::Error> {
    let token = crate::accounts::links::new_token()?;
    sqlx::query("INSERT INTO order_links (token_hash, order_id, created_at) VALUES ($1, $2, $3)")
        .bind(crate::accounts::links::token_hash(&token))
        .bind(order_id)
        .bind(now_millis())
        .execute(&mut **tx)
        .await?;
    Ok(token)
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
    // Every status change passes here, so this one call sends the order's webhooks.
    crate::webhooks::emit::order_moved(tx, order_id, from, to, note).await
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
    release_holdings(tx, order_id).await?;
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

/// Gives back what a cancelled order held, inside `tx`: its stock and its use of a
/// discount code. The caller has just moved the order to cancelled with a conditional
/// UPDATE, so this runs once per order.
pub(crate) async fn release_holdings(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
) -> Result<(), sqlx::Error> {
    super::discounts::give_back_use(tx, order_id).await?;
    sqlx::query(
        "UPDATE variants SET stock = stock + (
             SELECT SUM(l.quantity) FROM order_lines l
             WHERE l.order_id = $1 AND l.variant_id = variants.id)
         WHERE id IN (SELECT variant_id FROM order_lines WHERE order_id = $1)",
    )
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    record_order_movements(tx, order_id, StockReason::OrderCancelled).await?;
    note_shown_availability(tx, order_id, StockChange::GivenBack).await?;
    Ok(())
}

/// Which way an order just moved its lines' stock.
#[derive(Clone, Copy)]
enum StockChange {
    Taken,
    GivenBack,
}

/// Tells the catalog's change feed (search, and the page cache keyed by its revision)
/// about the products whose shown availability the order's stock change moved: a
/// variant the storefront counts ("Only 3 left", "Out of stock") before or after it.
/// Plentiful stock is shown as "In stock" either way, so most orders record nothing and
/// leave the catalog's revision (and every cached page) alone.
async fn note_shown_availability(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
    change: StockChange,
) -> Result<(), sqlx::Error> {
    // The stock the shopper saw is the lower side of the change: now after a sale,
    // before (now minus the quantity) after a return.
    let given_back = match change {
        StockChange::Taken => 0_i64,
        StockChange::GivenBack => 1,
    };
    let products: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT v.product_id FROM order_lines l JOIN variants v ON v.id = l.variant_id
         WHERE l.order_id = $1 AND v.stock - $2 * l.quantity <= $3",
    )
    .bind(order_id)
    .bind(given_back)
    .bind(crate::catalog::api::LOW_STOCK)
    .fetch_all(&mut **tx)
    .await?;
    if !products.is_empty() {
        crate::catalog::writes::record_changes(tx, &products).await?;
    }
    Ok(())
}

/// The job kind that releases an unpaid order's stock when its reservation runs out.
pub const RELEASE_RESERVATION: &str = "release_reservation";

/// What became of an order's reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Not paid in time: cancelled, its stock back.
    Released,
    /// Paid or cancelled already: nothing to do.
    Settled,
    /// Its time has not run out yet (a clock ahead of this one queued the job).
    NotDue,
}

/// Cancels order `order_id` if it is still awaiting payment at `now`, after its
/// reservation ran out, and puts its stock back. Moved by a conditional UPDATE, so a
/// payment arriving at the same moment and this cannot both win.
pub async fn release_reservation(
    db: &Db,
    order_id: i64,
    now: i64,
) -> Result<Reservation, sqlx::Error> {
    let reserved_until: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT reserved_until FROM orders WHERE id = $1 AND status = 'awaiting_payment'",
    )
    .bind(order_id)
    .fetch_optional(db.pool())
    .await?;
    match reserved_until {
        None => return Ok(Reservation::Settled),
        Some(Some(until)) if until > now => return Ok(Reservation::NotDue),
        Some(_) => {}
    }
    let mut tx = db.begin_write().await?;
    let note = "not paid in time; the stock was released";
    if cancel_unpaid(&mut tx, order_id, "system", note, now).await? {
        tx.commit().await?;
        Ok(Reservation::Released)
    } else {
        tx.rollback().await?;
        Ok(Reservation::Settled)
    }
}

/// Runs the [`RELEASE_RESERVATION`] jobs that placing an order queues for the moment its
/// reservation runs out.
pub struct ReservationJobs {
    db: Db,
}

impl ReservationJobs {
    pub fn new(db: Db) -> ReservationJobs {
        ReservationJobs { db }
    }
}

#[async_trait::async_trait]
impl crate::jobs::JobHandler for ReservationJobs {
    fn kind(&self) -> &'static str {
        RELEASE_RESERVATION
    }

    async fn run(&self, job: &crate::jobs::Job) -> Result<(), crate::jobs::JobError> {
        use crate::jobs::JobError;
        let order_id: i64 = job
            .payload
            .parse()
            .map_err(|_| JobError::Permanent(format!("not an order id: {:?}", job.payload)))?;
        match release_reservation(&self.db, order_id, now_millis()).await {
            Ok(Reservation::Released) => {
                tracing::info!(order_id, "released the stock of an order not paid in time");
                Ok(())
            }
            Ok(Reservation::Settled) => Ok(()),
            Ok(Reservation::NotDue) => Err(JobError::Retry("reservation not over yet".into())),
            Err(err) => Err(JobError::Retry(err.to_string())),
        }
    }
}

#[cfg(test)]
mod tests;
