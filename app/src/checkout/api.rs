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

/// The session key of the discount code the shopper applied at checkout.
#[cfg(feature = "ssr")]
const CHECKOUT_CODE: &str = "checkout_code";

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
    /// The discount code applied, and what it does to this cart.
    pub discount: Option<AppliedDiscount>,
}

/// A discount code on the checkout, as the summary shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedDiscount {
    pub code: String,
    /// "10% off", "£5.00 off", "free delivery".
    pub description: String,
    /// Taken off the items (free delivery shows on the delivery charge instead).
    pub saving: Money,
    /// Why the code no longer applies to this cart, if it does not.
    pub problem: Option<String>,
}

/// Where a payment leads next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentStep {
    /// Paid: the order's page.
    Paid { path: String },
    /// The bank asks the shopper to confirm, on the order's page.
    ConfirmWithBank { path: String },
    /// The payment provider will confirm the payment shortly: the order's page says so.
    Processing { path: String },
}

#[server(prefix = "/rpc", endpoint = "start_checkout")]
pub async fn start_checkout() -> Result<CheckoutStart, AppError> {
    use crate::accounts::request::auth_session;
    use crate::pricing::ShippingRate;
    let state = crate::state::AppState::from_context()?;
    let shopper = Shopper::of(&state, &auth_session().await?).await?;
    let cart = crate::cart::api::current_cart(&state, false).await?;
    let settings = super::settings::shop_settings();
    let code: Option<String> = session_code().await?;
    let discount = match (&code, cart) {
        (Some(code), Some(cart_id)) => {
            Some(discount_on(&state, &settings, cart_id, code, &shopper).await?)
        }
        _ => None,
    };
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
        email: shopper.email().to_owned(),
        address: shopper.address,
        shipping,
        cart: crate::cart::server::view(&state.db, cart).await?,
        discount,
    })
}

#[cfg(feature = "ssr")]
async fn session_code() -> Result<Option<String>, AppError> {
    crate::accounts::request::auth_session()
        .await?
        .0
        .get(CHECKOUT_CODE)
        .await
        .map_err(|e| AppError::internal("session read", e))
}

/// Who is at the checkout: the signed-in account, if any, and its default address.
#[cfg(feature = "ssr")]
struct Shopper {
    user: Option<crate::accounts::server::User>,
    address: Option<crate::accounts::addresses::api::Address>,
}

#[cfg(feature = "ssr")]
impl Shopper {
    async fn of(
        state: &crate::state::AppState,
        session: &crate::accounts::session::AuthSession,
    ) -> Result<Shopper, AppError> {
        let user = session.user(&state.db).await?;
        let address = match &user {
            Some(user) => {
                crate::accounts::addresses::server::default_address_of(&state.db, user.id).await?
            }
            None => None,
        };
        Ok(Shopper { user, address })
    }

    /// The account's email address; empty for a guest (not known until they type it).
    fn email(&self) -> &str {
        self.user.as_ref().map_or("", |user| user.email.as_str())
    }

    /// Where the checkout prices for before an address is typed: the default address,
    /// or the shop's home country.
    fn destination(&self) -> crate::pricing::Destination {
        match &self.address {
            Some(address) => crate::pricing::Destination {
                country: address.country.clone(),
                region: address.region.clone(),
            },
            None => crate::pricing::Destination::country("GB"),
        }
    }
}

/// What `code` does to the cart `cart_id`.
#[cfg(feature = "ssr")]
async fn discount_on(
    state: &crate::state::AppState,
    settings: &crate::pricing::ShopSettings,
    cart_id: i64,
    code: &str,
    shopper: &Shopper,
) -> Result<AppliedDiscount, AppError> {
    use crate::pricing::CodeOutcome;
    let destination = shopper.destination();
    let cart = super::server::CartToPrice {
        cart_id,
        customer: shopper.email(),
        destination: &destination,
        discount_code: Some(code),
        shipping_method: None,
    };
    let quoted = super::server::price_cart(&state.db, settings, &cart).await?;
    let zero = Money::new(0, settings.currency);
    let Some(Ok((quote, _))) = quoted else {
        return Ok(AppliedDiscount {
            code: code.to_owned(),
            description: String::new(),
            saving: zero,
            problem: Some("This code cannot be checked right now.".to_owned()),
        });
    };
    let saving = Money::new(
        quote.lines.iter().map(|line| line.discount.amount).sum(),
        settings.currency,
    );
    Ok(match quote.code {
        CodeOutcome::Applied { code, kind } => AppliedDiscount {
            code,
            description: kind.describe(),
            saving,
            problem: None,
        },
        CodeOutcome::Refused { code, reason } => AppliedDiscount {
            code,
            description: String::new(),
            saving: zero,
            problem: Some(reason.message()),
        },
        CodeOutcome::NotEntered => AppliedDiscount {
            code: code.to_owned(),
            description: String::new(),
            saving: zero,
            problem: None,
        },
    })
}

/// Checks the discount code the shopper typed against their cart and, if it applies,
/// keeps it for the checkout (one code per order: a new one replaces the old).
#[server(prefix = "/rpc", endpoint = "apply_code")]
pub async fn apply_code(code: String) -> Result<AppliedDiscount, FormError> {
    use crate::forms::{after_browser_post, invalid};
    let state = crate::state::AppState::from_context()?;
    let session = crate::accounts::request::auth_session().await?;
    let errors = FormErrors::default().keep("code", &code);
    if code.trim().is_empty() {
        return Err(invalid(errors.on("code", "Enter a discount code.")));
    }
    let Some(cart_id) = crate::cart::api::current_cart(&state, false).await? else {
        return Err(invalid(errors.on("code", "Your cart is empty.")));
    };
    let shopper = Shopper::of(&state, &session).await?;
    let settings = super::settings::shop_settings();
    let applied = discount_on(&state, &settings, cart_id, &code, &shopper).await?;
    if let Some(problem) = &applied.problem {
        return Err(invalid(errors.on("code", problem)));
    }
    session
        .0
        .insert(CHECKOUT_CODE, &applied.code)
        .await
        .map_err(|e| AppError::internal("session write", e))?;
    after_browser_post("/checkout");
    Ok(applied)
}

/// Takes the discount code off the checkout.
#[server(prefix = "/rpc", endpoint = "remove_code")]
pub async fn remove_code() -> Result<(), AppError> {
    let session = crate::accounts::request::auth_session().await?;
    session
        .0
        .remove::<String>(CHECKOUT_CODE)
        .await
        .map_err(|e| AppError::internal("session write", e))?;
    crate::forms::after_browser_post("/checkout");
    Ok(())
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
    use crate::payments::{check_card, CardForm};
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
    let card_form = CardForm {
        number: &card_number,
        expiry: &card_expiry,
        cvc: &card_cvc,
    };
    let card = match check_card(&card_form, this_month()) {
        Ok(card) => card,
        Err(card_errors) => {
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
        email: email.clone(),
        destination: crate::pricing::Destination {
            country: address.country.clone(),
            region: address.region.clone(),
        },
        address_json,
        shipping_method: Some(shipping_method).filter(|m| !m.is_empty()),
        discount_code: session_code().await?,
        idempotency_key,
        reserve_for_ms: i64::try_from(state.reserve_for.as_millis()).unwrap_or(i64::MAX),
    };
    let (order_id, access_token, grand_total) =
        match place_order(&state.db, &settings, &request).await? {
            Ok(Placed::Created {
                order_id,
                access_token,
                grand_total,
            }) => {
                session
                    .0
                    .insert(LAST_ORDER, (order_id, &access_token))
                    .await
                    .map_err(|e| AppError::internal("session write", e))?;
                (order_id, access_token, grand_total)
            }
            // The same form again (a double click, a retry): never a second order or
            // charge. The first submission's answer stands.
            Ok(Placed::AlreadyPlaced { order_id }) => {
                let last: Option<(i64, String)> = session
                    .0
                    .get(LAST_ORDER)
                    .await
                    .map_err(|e| AppError::internal("session read", e))?;
                let token = last
                    .filter(|(last_id, _)| *last_id == order_id)
                    .map(|(_, token)| token)
                    .unwrap_or_default();
                return already_placed(&state, order_id, &token).await;
            }
            Err(not_placed) => return Err(invalid(FormErrors::whole(not_placed.message()))),
        };
    let paying = Paying {
        order_id,
        access_token: &access_token,
        card: super::payment::KeptCard::from(&card.summary()),
    };
    let charge = crate::payments::provider::Charge {
        order_id,
        amount: grand_total,
        card: &card,
        email: &email,
        idempotency_key: crate::payments::provider::charge_key(order_id),
    };
    // Nothing to take (a code covered everything): no provider charges nothing.
    let answer = if grand_total.amount == 0 {
        Ok(crate::payments::provider::ChargeAnswer::Decided {
            outcome: crate::payments::CardOutcome::Succeeded,
            reference: None,
        })
    } else {
        state.payments.charge(&charge).await
    };
    answer_charge(&state, &paying, answer).await
}

/// The order being paid for, as the provider's answer needs it.
#[cfg(feature = "ssr")]
struct Paying<'a> {
    order_id: i64,
    access_token: &'a str,
    card: super::payment::KeptCard,
}

/// Applies the provider's answer to a charge and says where the shopper goes next.
#[cfg(feature = "ssr")]
async fn answer_charge(
    state: &crate::state::AppState,
    paying: &Paying<'_>,
    answer: Result<
        crate::payments::provider::ChargeAnswer,
        crate::payments::provider::ProviderError,
    >,
) -> Result<PaymentStep, FormError> {
    use super::payment::PaymentRecord;
    use crate::forms::{after_browser_post, invalid};
    use crate::payments::provider::ChargeAnswer;
    let provider = state.payments.name();
    match answer {
        Ok(ChargeAnswer::Decided { outcome, reference }) => {
            let payment = PaymentRecord {
                provider,
                outcome,
                reference,
                card: paying.card.clone(),
            };
            settle_and_answer(state, paying.order_id, paying.access_token, &payment).await
        }
        Ok(ChargeAnswer::Pending { reference }) => {
            super::payment::record_pending(
                &state.db,
                paying.order_id,
                provider,
                &reference,
                &paying.card,
            )
            .await?;
            let number = crate::orders::format_order_number(paying.order_id as u64);
            let path = super::order_path(&number, paying.access_token);
            after_browser_post(&path);
            Ok(PaymentStep::Processing { path })
        }
        Err(error) => {
            // Whether the provider took the money is unknown: the order is cancelled and
            // its stock released, and a payment that did go through is refunded when
            // its webhook finds the order cancelled.
            tracing::error!(order_id = paying.order_id, %error, "payment provider failed");
            super::payment::abandon(
                &state.db,
                paying.order_id,
                "the payment provider did not answer",
            )
            .await?;
            Err(invalid(FormErrors::whole(
                "We could not reach the payment service, so your order was not placed and \
                 nothing was taken. Your cart is as it was: please try again in a moment.",
            )))
        }
    }
}

/// The answer to a checkout submitted again: where its order stands now.
#[cfg(feature = "ssr")]
async fn already_placed(
    state: &crate::state::AppState,
    order_id: i64,
    token: &str,
) -> Result<PaymentStep, FormError> {
    use crate::forms::{after_browser_post, invalid};
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(state.db.pool())
        .await?;
    let number = crate::orders::format_order_number(order_id as u64);
    let path = super::order_path(&number, token);
    let step = match status.as_str() {
        "awaiting_payment" => PaymentStep::Processing { path: path.clone() },
        "cancelled" => {
            return Err(invalid(FormErrors::whole(
                "This order was not paid, so it was cancelled and nothing was taken. \
                 Your cart is as it was: please try again.",
            )))
        }
        _ => PaymentStep::Paid { path: path.clone() },
    };
    after_browser_post(&path);
    Ok(step)
}

/// The session key of the last order this browser placed and its link's token, so a
/// second submission of the same checkout can answer with the same link. Only the last
/// one: the session must not grow with every order.
#[cfg(feature = "ssr")]
const LAST_ORDER: &str = "last_order";

/// Applies a decided payment and says where the shopper goes next.
#[cfg(feature = "ssr")]
async fn settle_and_answer(
    state: &crate::state::AppState,
    order_id: i64,
    access_token: &str,
    payment: &super::payment::PaymentRecord,
) -> Result<PaymentStep, FormError> {
    use super::payment::{settle, Settled};
    use crate::forms::{after_browser_post, invalid};
    let number = crate::orders::format_order_number(order_id as u64);
    let path = super::order_path(&number, access_token);
    match settle(&state.db, &state.shop, order_id, payment).await? {
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
    let row: Option<(i64, Option<i64>, String)> =
        sqlx::query_as("SELECT id, user_id, status FROM orders WHERE id = $1")
            .bind(order_id as i64)
            .fetch_optional(state.db.pool())
            .await?;
    let Some((id, owner, status)) = row else {
        return Ok(None);
    };
    let by_token = !token.is_empty()
        && sqlx::query_scalar::<_, i64>(
            "SELECT order_id FROM order_links WHERE token_hash = $1 AND order_id = $2",
        )
        .bind(crate::accounts::links::token_hash(token))
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?
        .is_some();
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
    let payment = super::payment::PaymentRecord {
        provider: state.payments.name(),
        outcome: crate::payments::authenticate(approve == "yes"),
        reference: None,
        card: super::payment::KeptCard { brand, last4 },
    };
    settle_and_answer(&state, order_id, &token, &payment).await
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
    /// The discount code used, and what it took off.
    pub discount: Option<(String, Money)>,
    pub shipping_total: Money,
    pub tax_total: Money,
    pub grand_total: Money,
    /// Name, lines, city, postcode and country, one per line.
    pub address: Vec<String>,
    /// Awaiting payment, and the answer is the shopper's to give (the bank's step); when
    /// `false` while awaiting payment, the provider has yet to confirm.
    pub bank_step: bool,
}

/// The order `number`, for its holder: the signed-in owner, or whoever has its link.
#[server(prefix = "/rpc", endpoint = "get_order")]
pub async fn get_order(number: String, token: String) -> Result<Option<OrderView>, AppError> {
    use crate::money::Currency;
    let state = crate::state::AppState::from_context()?;
    let Some((order_id, _, status)) = order_for(&state, &number, &token).await? else {
        return Ok(None);
    };
    #[derive(sqlx::FromRow)]
    struct Row {
        email: String,
        currency: String,
        discount_code: Option<String>,
        discount_total: i64,
        shipping_total: i64,
        tax_total: i64,
        grand_total: i64,
        address: String,
        last_outcome: Option<String>,
    }
    let row: Row = sqlx::query_as(
        "SELECT email, currency, discount_code, discount_total, shipping_total, tax_total,
                grand_total, address,
                (SELECT outcome FROM payments p WHERE p.order_id = orders.id
                 ORDER BY p.id DESC LIMIT 1) AS last_outcome
         FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(state.db.pool())
    .await?;
    let Row {
        email,
        currency,
        discount_code,
        discount_total,
        shipping_total: shipping,
        tax_total: tax,
        grand_total: total,
        address,
        last_outcome,
    } = row;
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
        bank_step: status == "awaiting_payment"
            && last_outcome.as_deref()
                == Some(crate::payments::CardOutcome::RequiresAuthentication.as_str()),
        discount: discount_code.map(|code| (code, Money::new(discount_total, currency))),
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
