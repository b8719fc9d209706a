//! The cart as pages see it, and the server functions that change it. Whose cart it is
//! comes from the session: a signed-in shopper's own, or the guest cart whose id the
//! session holds (merged into the account's at sign-in).

use crate::forms::FormError;
#[cfg(feature = "ssr")]
use crate::forms::FormErrors;
use crate::money::Money;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the shopper should know about a line since it was added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CartNote {
    /// Nothing of it is left: it cannot be bought.
    OutOfStock,
    /// Fewer are left than the line holds: only these can be bought.
    OnlyLeft { stock: i64 },
    /// The price is not what it was when added.
    PriceChanged { was: Money },
}

impl CartNote {
    pub fn message(&self, now: &Money) -> String {
        match self {
            CartNote::OutOfStock => "Sold out since you added it.".to_owned(),
            CartNote::OnlyLeft { stock } => format!("Only {stock} left: that is all you can buy."),
            CartNote::PriceChanged { was } if was.amount > now.amount => {
                format!("Price dropped from {was} to {now}.")
            }
            CartNote::PriceChanged { was } => format!("Price went up from {was} to {now}."),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub sku: String,
    pub product_name: String,
    pub variant_title: String,
    pub slug: String,
    /// The price now: what checkout will charge.
    pub unit_price: Money,
    pub quantity: i64,
    /// For what can be bought now (never more than the stock there is).
    pub line_total: Money,
    pub notes: Vec<CartNote>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    pub lines: Vec<CartLine>,
    pub item_count: i64,
    /// `None` for an empty cart.
    pub subtotal: Option<Money>,
}

/// What "Add to cart" did, in words for the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedToCart {
    pub message: String,
    pub item_count: i64,
}

/// The session key of a guest's cart id.
#[cfg(feature = "ssr")]
const GUEST_CART: &str = "guest_cart_id";

/// The cart of the current request, if it has one; `create` makes one when it has not.
#[cfg(feature = "ssr")]
pub(crate) async fn current_cart(
    state: &crate::state::AppState,
    create: bool,
) -> Result<Option<i64>, AppError> {
    use crate::accounts::request::auth_session;
    let session = auth_session().await?;
    if let Some(user) = session.user(&state.db).await? {
        if !create {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1")
                .bind(user.id)
                .fetch_optional(state.db.pool())
                .await?;
            return Ok(id);
        }
        let mut tx = state.db.begin_write().await?;
        let id = super::server::cart_of_user(&mut tx, user.id).await?;
        tx.commit().await?;
        return Ok(Some(id));
    }
    let stored: Option<i64> = session
        .0
        .get(GUEST_CART)
        .await
        .map_err(|e| AppError::internal("session read", e))?;
    if let Some(id) = stored {
        if super::server::guest_cart_exists(&state.db, id).await? {
            return Ok(Some(id));
        }
    }
    if !create {
        return Ok(None);
    }
    let id = super::server::new_guest_cart(&state.db).await?;
    session
        .0
        .insert(GUEST_CART, id)
        .await
        .map_err(|e| AppError::internal("session write", e))?;
    Ok(Some(id))
}

/// At sign-in: a guest cart in the session joins the account's cart.
#[cfg(feature = "ssr")]
pub async fn adopt_guest_cart(
    db: &crate::db::Db,
    session: &tower_sessions::Session,
    user_id: i64,
) -> Result<(), AppError> {
    let stored: Option<i64> = session
        .remove(GUEST_CART)
        .await
        .map_err(|e| AppError::internal("session read", e))?;
    if let Some(guest_cart) = stored {
        let mut tx = db.begin_write().await?;
        super::server::merge_into_account(&mut tx, guest_cart, user_id).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The current cart, priced now.
#[server(prefix = "/rpc", endpoint = "get_cart")]
pub async fn get_cart() -> Result<CartView, AppError> {
    let state = crate::state::AppState::from_context()?;
    let cart = current_cart(&state, false).await?;
    Ok(super::server::view(&state.db, cart).await?)
}

/// How many items the cart holds, for the header.
#[server(prefix = "/rpc", endpoint = "cart_count")]
pub async fn cart_count() -> Result<i64, AppError> {
    let state = crate::state::AppState::from_context()?;
    let Some(cart) = current_cart(&state, false).await? else {
        return Ok(0);
    };
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
    let count: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM cart_lines WHERE cart_id = $1",
    )
    .bind(cart)
    .fetch_one(state.db.pool())
    .await?;
    Ok(count)
}

/// Adds `quantity` of the variant `sku` to the cart, as much as there is in stock.
#[server(prefix = "/rpc", endpoint = "add_to_cart")]
pub async fn add_to_cart(sku: String, quantity: i64) -> Result<AddedToCart, FormError> {
    use super::server::{add, Added, MAX_QUANTITY};
    use crate::forms::{after_browser_post, invalid};
    let state = crate::state::AppState::from_context()?;
    if !(1..=MAX_QUANTITY).contains(&quantity) {
        return Err(invalid(FormErrors::default().on(
            "quantity",
            format!("Choose a quantity from 1 to {MAX_QUANTITY}."),
        )));
    }
    let cart = current_cart(&state, true)
        .await?
        .ok_or_else(|| AppError::internal("cart", "no cart after creating one"))?;
    let mut tx = state.db.begin_write().await?;
    let added = add(&mut tx, cart, &sku, quantity).await?;
    tx.commit().await?;
    let message = match added {
        Added::Added {
            quantity: held,
            capped: false,
        } => format!("Added to your cart ({held} in your cart)."),
        Added::Added {
            quantity: held,
            capped: true,
        } => format!("Only {held} can be in your cart: that is all there is."),
        Added::OutOfStock => {
            return Err(invalid(FormErrors::whole("Sorry, this is sold out.")));
        }
        Added::UnknownVariant => {
            return Err(invalid(FormErrors::whole(
                "This product is no longer sold.",
            )));
        }
    };
    after_browser_post("/cart");
    let view = super::server::view(&state.db, Some(cart)).await?;
    Ok(AddedToCart {
        message,
        item_count: view.item_count,
    })
}

/// Sets a line's quantity (0 removes it), as much as there is in stock.
#[server(prefix = "/rpc", endpoint = "update_cart_line")]
pub async fn update_cart_line(sku: String, quantity: i64) -> Result<(), FormError> {
    use crate::forms::invalid;
    let state = crate::state::AppState::from_context()?;
    if !(0..=super::server::MAX_QUANTITY).contains(&quantity) {
        return Err(invalid(FormErrors::default().on(
            "quantity",
            format!(
                "Choose a quantity from 0 to {}.",
                super::server::MAX_QUANTITY
            ),
        )));
    }
    if let Some(cart) = current_cart(&state, false).await? {
        let mut tx = state.db.begin_write().await?;
        super::server::set_quantity(&mut tx, cart, &sku, quantity).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Takes a line out of the cart.
#[server(prefix = "/rpc", endpoint = "remove_cart_line")]
pub async fn remove_cart_line(sku: String) -> Result<(), AppError> {
    let state = crate::state::AppState::from_context()?;
    if let Some(cart) = current_cart(&state, false).await? {
        let mut tx = state.db.begin_write().await?;
        super::server::set_quantity(&mut tx, cart, &sku, 0).await?;
        tx.commit().await?;
    }
    Ok(())
}
