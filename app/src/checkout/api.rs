//! The checkout's server functions: what the form starts with, placing and paying in
//! one go, the bank's confirmation step, and an order's page.

// The checkout form's fields are `pay`'s arguments, one each, so a form posted without
// JavaScript arrives as plain names; the `#[server]` macro's generated functions cannot
// carry an `allow` of their own.
#![allow(clippy::too_many_arguments)]

use crate::cart::api::CartView;
use crate::forms::FormError;
#[cfg(feature = "ssr")]
use crate::forms::FormErrors;
use crate::money::Money;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How long stock is held for an order awaiting payment.
#[cfg(feature = "ssr")]
const RESERVE_FOR_MS: i64 = 30 * 60 * 1000;

/// A delivery method as the form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingChoice {
    pub id: String,
    pub name: String,
    pub price: Money,
    pub free_from: Option<Money>,
}

/// What the checkout form starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutStart {
    /// Fresh for each showing of the form: the same key is the same order.
    pub idempotency_key: String,
    /// The signed-in shopper's address, if any.
    pub email: String,
    /// The default address from the address book, if any.
    pub address: Option<crate::accounts::addresses::api::Address>,
    pub shipping: Vec<ShippingChoice>,
    pub cart: CartView,
}

/// Where a payment leads next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentStep {
    /// Paid: the order's page.
    Paid { path: String },
    /// The bank asks the shopper to confirm, on the order's page.
    ConfirmWithBank { path: String },
}

#[server(prefix = "/rpc", endpoint = "start_checkout")]
pub async fn start_checkout() -> Result<CheckoutStart, AppError> {
    use crate::accounts::request::auth_session;
    use crate::pricing::ShippingRate;
    let state = crate::state::AppState::from_context()?;
    let user = auth_session().await?.user(&state.db).await?;
    let address = match &user {
        Some(user) => {
            crate::accounts::addresses::server::default_address_of(&state.db, user.id).await?
        }
        None => None,
    };
    let cart = crate::cart::api::current_cart(&state, false).await?;
    let settings = super::settings::shop_settings();
    let shipping = settings
        .shipping_methods
        .iter()
        .filter_map(|method| match &method.rate {
            ShippingRate::Flat { price } => Some(ShippingChoice {
                id: method.id.clone(),
                name: method.name.clone(),
                price: *price,
                free_from: method.free_from,
            }),
            ShippingRate::ByWeight { .. } => None,
        })
        .collect();
    Ok(CheckoutStart {
        idempotency_key: crate::accounts::links::new_token()?,
        email: user.map(|u| u.email).unwrap_or_default(),
        address,
        shipping,
        cart: crate::cart::server::view(&state.db, cart).await?,
    })
}

/// This month, UTC, as card expiry dates count.
#[cfg(feature = "ssr")]
fn this_month() -> crate::payments::YearMonth {
    let now = time::OffsetDateTime::now_utc();
    crate::payments::YearMonth::new(now.year() as u16, u8::from(now.month()))
        .expect("the calendar's month is a month")
}

/// Checks the form, places the order (stock held) and pays with the card, in one go.
#[server(prefix = "/rpc", endpoint = "pay")]
pub async fn pay(
    idempotency_key: String,
    #[server(default)] email: String,
    #[server(default)] full_name: String,
    #[server(default)] line1: String,
    #[server(default)] line2: String,
    #[server(default)] city: String,
    #[server(default)] region: String,
    #[server(default)] postcode: String,
    #[server(default)] country: String,
    #[server(default)] phone: String,
    #[server(default)] shipping_method: String,
    #[server(default)] card_number: String,
    #[server(default)] card_expiry: String,
    #[server(default)] card_cvc: String,
) -> Result<PaymentStep, FormError> {
    use super::server::{place_order, OrderRequest, Placed};
    use crate::accounts::addresses::validate::{validate_address, with_problems, AddressInput};
    use crate::accounts::request::auth_session;
    use crate::forms::invalid;
    use crate::payments::{attempt, CardAttempt, CardForm};
    let state = crate::state::AppState::from_context()?;
    let session = auth_session().await?;
    let user = session.user(&state.db).await?;
    let input = AddressInput {
        full_name,
        line1,
        line2,
        city,
        region,
        postcode,
        country,
        phone,
    };
    // Everything typed comes back, but for the card.
    let mut errors = input
        .kept_in(FormErrors::default())
        .keep("email", &email)
        .keep("shipping_method", &shipping_method);
    let email = crate::accounts::server::normalise_email(&email);
    if email.is_none() {
        errors = errors.on(
            "email",
            "Enter an email address like name@example.com, for your receipt.",
        );
    }
    let address = match validate_address(&input) {
        Ok(address) => Some(address),
        Err(problems) => {
            errors = with_problems(errors, problems);
            None
        }
    };
    let card = CardForm {
        number: &card_number,
        expiry: &card_expiry,
        cvc: &card_cvc,
    };
    let (outcome, summary) = match attempt(&card, this_month()) {
        CardAttempt::Invalid(card_errors) => {
            if let Some(e) = card_errors.number {
                errors = errors.on("card_number", e.message());
            }
            if let Some(e) = card_errors.expiry {
                errors = errors.on("card_expiry", e.message());
            }
            if let Some(e) = card_errors.cvc {
                errors = errors.on("card_cvc", e.message());
            }
            return Err(invalid(errors));
        }
        CardAttempt::Answered { outcome, card } => (outcome, card),
    };
    let (Some(email), Some(address)) = (email, address) else {
        return Err(invalid(errors));
    };
    let Some(cart_id) = crate::cart::api::current_cart(&state, false).await? else {
        return Err(invalid(FormErrors::whole("Your cart is empty.")));
    };
    let address_json = serde_json::json!({
        "full_name": address.full_name, "line1": address.line1, "line2": address.line2,
        "city": address.city, "region": address.region, "postcode": address.postcode,
        "country": address.country, "phone": address.phone,
    })
    .to_string();
    let settings = super::settings::shop_settings();
    let request = OrderRequest {
        cart_id,
        user_id: user.as_ref().map(|u| u.id),
        email,
        destination: crate::pricing::Destination {
            country: address.country.clone(),
            region: address.region.clone(),
        },
        address_json,
        shipping_method: Some(shipping_method).filter(|m| !m.is_empty()),
        idempotency_key,
        reserve_for_ms: RESERVE_FOR_MS,
    };
    let (order_id, access_token) = match place_order(&state.db, &settings, &request).await? {
        Ok(Placed::Created {
            order_id,
            access_token,
        }) => {
            session
                .0
                .insert(&order_token_key(order_id), &access_token)
                .await
                .map_err(|e| AppError::internal("session write", e))?;
            (order_id, access_token)
        }
        // The same form again (a double click, a retry): never a second order or charge.
        Ok(Placed::AlreadyPlaced { order_id }) => {
            let token: Option<String> = session
                .0
                .get(&order_token_key(order_id))
                .await
                .map_err(|e| AppError::internal("session read", e))?;
            let number = crate::orders::format_order_number(order_id as u64);
            let path = super::order_path(&number, token.as_deref().unwrap_or_default());
            crate::forms::after_browser_post(&path);
            return Ok(PaymentStep::Paid { path });
        }
        Err(not_placed) => return Err(invalid(FormErrors::whole(not_placed.message()))),
    };
    let card = super::payment::KeptCard::from(&summary);
    settle_and_answer(&state, order_id, cart_id, &access_token, outcome, &card).await
}

#[cfg(feature = "ssr")]
fn order_token_key(order_id: i64) -> String {
    format!("order_token_{order_id}")
}

/// Applies the bank's answer and says where the shopper goes next.
#[cfg(feature = "ssr")]
async fn settle_and_answer(
    state: &crate::state::AppState,
    order_id: i64,
    cart_id: i64,
    access_token: &str,
    outcome: crate::payments::CardOutcome,
    card: &super::payment::KeptCard,
) -> Result<PaymentStep, FormError> {
    use super::payment::{settle, PaidOrder, Settled};
    use crate::forms::{after_browser_post, invalid};
    let order = PaidOrder {
        order_id,
        cart_id,
        access_token,
    };
    let number = crate::orders::format_order_number(order_id as u64);
    let path = super::order_path(&number, access_token);
    match settle(&state.db, &state.shop, &order, outcome, card).await? {
        Settled::Paid => {
            after_browser_post(&path);
            Ok(PaymentStep::Paid { path })
        }
        Settled::AwaitingAuthentication => {
            after_browser_post(&path);
            Ok(PaymentStep::ConfirmWithBank { path })
        }
        Settled::Refused(outcome) => Err(invalid(FormErrors::whole(format!(
            "{} Nothing was charged, and your cart is as it was.",
            outcome.message()
        )))),
        Settled::NotAwaitingPayment => Err(invalid(FormErrors::whole(
            "This order is no longer waiting for payment. Please check your cart and try again.",
        ))),
    }
}

/// The order `number` if `token` (or the signed-in account) may see it: its id, cart and
/// status.
#[cfg(feature = "ssr")]
async fn order_for(
    state: &crate::state::AppState,
    number: &str,
    token: &str,
) -> Result<Option<(i64, Option<i64>, String)>, AppError> {
    let Some(order_id) = crate::orders::parse_order_number(number) else {
        return Ok(None);
    };
    let row: Option<(i64, Option<i64>, String, String)> =
        sqlx::query_as("SELECT id, user_id, status, access_token_hash FROM orders WHERE id = $1")
            .bind(order_id as i64)
            .fetch_optional(state.db.pool())
            .await?;
    let Some((id, owner, status, token_hash)) = row else {
        return Ok(None);
    };
    let by_token = !token.is_empty() && crate::accounts::links::token_hash(token) == token_hash;
    let by_account = match owner {
        Some(owner) => crate::accounts::request::auth_session()
            .await?
            .user(&state.db)
            .await?
            .is_some_and(|u| u.id == owner),
        None => false,
    };
    Ok((by_token || by_account).then_some((id, owner, status)))
}

/// The bank's confirmation step for a card that asks for one.
#[server(prefix = "/rpc", endpoint = "confirm_with_bank")]
pub async fn confirm_with_bank(
    number: String,
    token: String,
    approve: String,
) -> Result<PaymentStep, FormError> {
    use crate::forms::invalid;
    let state = crate::state::AppState::from_context()?;
    let Some((order_id, _, status)) = order_for(&state, &number, &token).await? else {
        return Err(invalid(FormErrors::whole("There is no such order.")));
    };
    if status != "awaiting_payment" {
        return Err(invalid(FormErrors::whole(
            "This order is no longer waiting for payment.",
        )));
    }
    let card: Option<(String, String)> = sqlx::query_as(
        "SELECT card_brand, card_last4 FROM payments WHERE order_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(state.db.pool())
    .await?;
    let (brand, last4) = card.unwrap_or_default();
    let card = super::payment::KeptCard { brand, last4 };
    // The cart to empty once paid: the one this browser checked out with.
    let cart_id = crate::cart::api::current_cart(&state, false)
        .await?
        .unwrap_or(0);
    let outcome = crate::payments::authenticate(approve == "yes");
    settle_and_answer(&state, order_id, cart_id, &token, outcome, &card).await
}

/// One line of an order as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub name: String,
    pub quantity: i64,
    pub line_total: Money,
}

/// An order as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub number: String,
    pub status: String,
    pub status_label: String,
    pub email: String,
    pub lines: Vec<OrderLineView>,
    pub shipping_total: Money,
    pub tax_total: Money,
    pub grand_total: Money,
    /// Name, lines, city, postcode and country, one per line.
    pub address: Vec<String>,
}

/// The order `number`, for its holder: the signed-in owner, or whoever has its link.
#[server(prefix = "/rpc", endpoint = "get_order")]
pub async fn get_order(number: String, token: String) -> Result<Option<OrderView>, AppError> {
    use crate::money::Currency;
    let state = crate::state::AppState::from_context()?;
    let Some((order_id, _, status)) = order_for(&state, &number, &token).await? else {
        return Ok(None);
    };
    let (email, currency, shipping, tax, total, address): (String, String, i64, i64, i64, String) =
        sqlx::query_as(
            "SELECT email, currency, shipping_total, tax_total, grand_total, address
             FROM orders WHERE id = $1",
        )
        .bind(order_id)
        .fetch_one(state.db.pool())
        .await?;
    let currency: Currency = currency.parse().unwrap_or(Currency::GBP);
    let lines: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT name, quantity, line_total FROM order_lines WHERE order_id = $1 ORDER BY position",
    )
    .bind(order_id)
    .fetch_all(state.db.pool())
    .await?;
    let address: serde_json::Value = serde_json::from_str(&address).unwrap_or_default();
    let address = [
        "full_name",
        "line1",
        "line2",
        "city",
        "region",
        "postcode",
        "country",
    ]
    .iter()
    .filter_map(|key| address[key].as_str().map(str::to_owned))
    .collect();
    let label = status
        .parse::<crate::orders::OrderStatus>()
        .map(|s| s.label().to_owned())
        .unwrap_or_else(|_| status.clone());
    Ok(Some(OrderView {
        number: crate::orders::format_order_number(order_id as u64),
        status,
        status_label: label,
        email,
        lines: lines
            .into_iter()
            .map(|(name, quantity, line_total)| OrderLineView {
                name,
                quantity,
                line_total: Money::new(line_total, currency),
            })
            .collect(),
        shipping_total: Money::new(shipping, currency),
        tax_total: Money::new(tax, currency),
        grand_total: Money::new(total, currency),
        address,
    }))
}

/// One of the signed-in shopper's orders, for their account page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub number: String,
    pub status_label: String,
    pub grand_total: Money,
    /// Unix milliseconds, UTC.
    pub placed_at: i64,
}

/// The signed-in shopper's orders, newest first (the last 50).
#[server(prefix = "/rpc", endpoint = "my_orders")]
pub async fn my_orders() -> Result<Vec<OrderSummary>, AppError> {
    use crate::money::Currency;
    let state = crate::state::AppState::from_context()?;
    let user = crate::accounts::request::require_user(&state).await?;
    let rows: Vec<(i64, String, i64, String, i64)> = sqlx::query_as(
        "SELECT id, status, grand_total, currency, created_at FROM orders
         WHERE user_id = $1 ORDER BY id DESC LIMIT 50",
    )
    .bind(user.id)
    .fetch_all(state.db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, status, total, currency, placed_at)| OrderSummary {
            number: crate::orders::format_order_number(id as u64),
            status_label: status
                .parse::<crate::orders::OrderStatus>()
                .map(|s| s.label().to_owned())
                .unwrap_or(status),
            grand_total: Money::new(total, currency.parse().unwrap_or(Currency::GBP)),
            placed_at,
        })
        .collect())
}
