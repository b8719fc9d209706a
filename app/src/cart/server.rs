//! Carts in the database. Prices and stock are always read fresh from the variants; a
//! line's quantity never exceeds the stock there is when it is set (nor 99).

use super::api::{CartLine, CartNote, CartView};
use crate::db::{now_millis, Db};
use crate::money::{Currency, Money};
use sqlx::{Any, Transaction};

/// Most of one variant a cart holds.
pub const MAX_QUANTITY: i64 = 99;

/// What adding to a cart did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// The line now holds `quantity`; `capped` when that is less than was asked for.
    Added {
        quantity: i64,
        capped: bool,
    },
    OutOfStock,
    UnknownVariant,
}

/// The account's cart, created when it has none.
pub async fn cart_of_user(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<i64, sqlx::Error> {
    let now = now_millis();
    sqlx::query(
        "INSERT INTO carts (user_id, created_at, updated_at) VALUES ($1, $2, $2)
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await
}

/// A new cart for a guest; its id goes into the guest's session.
pub async fn new_guest_cart(db: &Db) -> Result<i64, sqlx::Error> {
    let now = now_millis();
    sqlx::query_scalar("INSERT INTO carts (created_at, updated_at) VALUES ($1, $1) RETURNING id")
        .bind(now)
        .fetch_one(db.pool())
        .await
}

/// Is `cart_id` a guest cart that still exists (not swept, not merged)?
pub async fn guest_cart_exists(db: &Db, cart_id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM carts WHERE id = $1 AND user_id IS NULL")
            .bind(cart_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}

#[derive(sqlx::FromRow)]
struct VariantRow {
    id: i64,
    price_amount: i64,
    stock: i64,
}

async fn published_variant(
    tx: &mut Transaction<'_, Any>,
    sku: &str,
) -> Result<Option<VariantRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.id, v.price_amount, v.stock FROM variants v
         JOIN products p ON p.id = v.product_id
         WHERE v.sku = $1 AND p.published",
    )
    .bind(sku)
    .fetch_optional(&mut **tx)
    .await
}

/// Adds `quantity` of `sku` to the cart, up to the stock there is (and 99).
pub async fn add(
    tx: &mut Transaction<'_, Any>,
    cart_id: i64,
    sku: &str,
    quantity: i64,
) -> Result<Added, sqlx::Error> {
    let Some(variant) = published_variant(tx, sku).await? else {
        return Ok(Added::UnknownVariant);
    };
    add_variant(tx, cart_id, &variant, quantity).await
}

async fn add_variant(
    tx: &mut Transaction<'_, Any>,
    cart_id: i64,
    variant: &VariantRow,
    quantity: i64,
) -> Result<Added, sqlx::Error> {
    let cap = variant.stock.min(MAX_QUANTITY);
    if cap <= 0 {
        return Ok(Added::OutOfStock);
    }
    let now = now_millis();
    // One statement adds to what is there, capped: two tabs adding at once cannot pass
    // the cap together.
    let held: i64 = sqlx::query_scalar(
        "INSERT INTO cart_lines (cart_id, variant_id, quantity, price_when_added, added_at)
         VALUES ($1, $2, CASE WHEN $3 > $4 THEN $4 ELSE $3 END, $5, $6)
         ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity =
             CASE WHEN cart_lines.quantity + $3 > $4 THEN $4 ELSE cart_lines.quantity + $3 END
         RETURNING quantity",
    )
    .bind(cart_id)
    .bind(variant.id)
    .bind(quantity)
    .bind(cap)
    .bind(variant.price_amount)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    touch(tx, cart_id).await?;
    Ok(Added::Added {
        quantity: held,
        capped: held < quantity,
    })
}

async fn touch(tx: &mut Transaction<'_, Any>, cart_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE carts SET updated_at = $1 WHERE id = $2")
        .bind(now_millis())
        .bind(cart_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets the line of `sku` to `quantity` (0 removes it), up to the stock there is.
/// Returns the quantity the line holds now.
pub async fn set_quantity(
    tx: &mut Transaction<'_, Any>,
    cart_id: i64,
    sku: &str,
    quantity: i64,
) -> Result<i64, sqlx::Error> {
    let variant: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, stock FROM variants WHERE sku = $1")
            .bind(sku)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((variant_id, stock)) = variant else {
        return Ok(0);
    };
    let quantity = quantity.clamp(0, stock.clamp(0, MAX_QUANTITY));
    if quantity == 0 {
        sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1 AND variant_id = $2")
            .bind(cart_id)
            .bind(variant_id)
            .execute(&mut **tx)
            .await?;
    } else {
        sqlx::query("UPDATE cart_lines SET quantity = $1 WHERE cart_id = $2 AND variant_id = $3")
            .bind(quantity)
            .bind(cart_id)
            .bind(variant_id)
            .execute(&mut **tx)
            .await?;
    }
    touch(tx, cart_id).await?;
    Ok(quantity)
}

/// Moves a guest's cart into the account's at sign-in: quantities are added, each capped
/// at the stock there is; the guest cart is deleted.
pub async fn merge_into_account(
    tx: &mut Transaction<'_, Any>,
    guest_cart: i64,
    user_id: i64,
) -> Result<i64, sqlx::Error> {
    let account_cart = cart_of_user(tx, user_id).await?;
    if account_cart == guest_cart {
        return Ok(account_cart);
    }
    let lines: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT v.id, v.price_amount, v.stock, l.quantity FROM cart_lines l
         JOIN variants v ON v.id = l.variant_id
         WHERE l.cart_id = $1 AND EXISTS (SELECT 1 FROM carts WHERE id = $1 AND user_id IS NULL)",
    )
    .bind(guest_cart)
    .fetch_all(&mut **tx)
    .await?;
    for (id, price_amount, stock, quantity) in lines {
        let variant = VariantRow {
            id,
            price_amount,
            stock,
        };
        add_variant(tx, account_cart, &variant, quantity).await?;
    }
    sqlx::query("DELETE FROM carts WHERE id = $1 AND user_id IS NULL")
        .bind(guest_cart)
        .execute(&mut **tx)
        .await?;
    Ok(account_cart)
}

#[derive(sqlx::FromRow)]
struct LineRow {
    sku: String,
    variant_title: String,
    product_name: String,
    slug: String,
    price_amount: i64,
    currency: String,
    stock: i64,
    quantity: i64,
    price_when_added: i64,
}

/// The cart as the shopper sees it, priced now.
pub async fn view(db: &Db, cart_id: Option<i64>) -> Result<CartView, sqlx::Error> {
    let Some(cart_id) = cart_id else {
        return Ok(CartView::default());
    };
    let rows: Vec<LineRow> = sqlx::query_as(
        "SELECT v.sku, v.title AS variant_title, p.name AS product_name, p.slug,
                v.price_amount, v.currency, v.stock, l.quantity, l.price_when_added
         FROM cart_lines l
         JOIN variants v ON v.id = l.variant_id
         JOIN products p ON p.id = v.product_id
         WHERE l.cart_id = $1
         ORDER BY l.added_at, v.id",
    )
    .bind(cart_id)
    .fetch_all(db.pool())
    .await?;
    Ok(price_lines(rows))
}

fn price_lines(rows: Vec<LineRow>) -> CartView {
    let mut view = CartView::default();
    for row in rows {
        let currency: Currency = row.currency.parse().unwrap_or(Currency::GBP);
        let mut notes = Vec::new();
        if row.stock <= 0 {
            notes.push(CartNote::OutOfStock);
        } else if row.quantity > row.stock {
            notes.push(CartNote::OnlyLeft { stock: row.stock });
        }
        if row.price_when_added != row.price_amount {
            notes.push(CartNote::PriceChanged {
                was: Money::new(row.price_when_added, currency),
            });
        }
        // What can be bought now: never more than the stock there is.
        let payable = row.quantity.min(row.stock.max(0));
        let line_total = Money::new(row.price_amount.saturating_mul(payable), currency);
        view.item_count += row.quantity;
        view.subtotal = Some(match view.subtotal {
            Some(sum) if sum.currency == currency => {
                Money::new(sum.amount + line_total.amount, currency)
            }
            Some(sum) => sum,
            None => line_total,
        });
        view.lines.push(CartLine {
            sku: row.sku,
            product_name: row.product_name,
            variant_title: row.variant_title,
            slug: row.slug,
            unit_price: Money::new(row.price_amount, currency),
            quantity: row.quantity,
            line_total,
            notes,
        });
    }
    view
}

/// Deletes guest carts left untouched for 30 days.
pub async fn sweep(db: &Db) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM carts WHERE user_id IS NULL AND updated_at < $1")
            .bind(now_millis() - 30 * 24 * 3600 * 1000)
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
}
