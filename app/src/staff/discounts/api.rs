//! The staff's server functions for discount codes: the list, one code, creating and
//! editing one, and switching it off or on. Each starts with `require_staff` (401 for
//! nobody, 403 for a customer), whatever the page showed.

// The code form's fields are the arguments, one each, so a form posted without
// JavaScript arrives as plain names; the `#[server]` macro's generated functions cannot
// carry an `allow` of their own.
#![allow(clippy::too_many_arguments)]

use crate::forms::FormError;
use crate::money::Money;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A code's form fields as typed, or as the edit form shows a stored code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountFields {
    pub code: String,
    /// "percentage", "fixed_amount" or "free_shipping".
    pub kind: String,
    /// "12.5" (percent) or "5.00" (in the shop's currency); empty for free delivery.
    pub value: String,
    pub minimum_subtotal: String,
    /// `YYYY-MM-DD`, UTC: the first day the code works.
    pub starts: String,
    /// `YYYY-MM-DD`, UTC: the last day the code works.
    pub ends: String,
    pub usage_limit: String,
    pub per_customer_limit: String,
    /// Category slugs, comma-separated.
    pub categories: String,
    /// Product slugs, comma-separated.
    pub products: String,
}

/// A discount code as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountCodeForStaff {
    pub id: i64,
    pub code: String,
    pub active: bool,
    /// "10% off", "£5.00 off", "Free delivery".
    pub description: String,
    pub minimum_subtotal: Option<Money>,
    /// Unix milliseconds, UTC: the first moment it works.
    pub starts_at: Option<i64>,
    /// Unix milliseconds, UTC: the first moment it no longer works.
    pub ends_at: Option<i64>,
    pub usage_limit: Option<i64>,
    pub per_customer_limit: Option<i64>,
    /// Orders holding the code now (a cancelled order gives its use back).
    pub times_used: i64,
    /// Distinct customers (email addresses) among those orders.
    pub customers: i64,
    pub category_slugs: Vec<String>,
    pub product_slugs: Vec<String>,
    /// The edit form's fields.
    pub fields: DiscountFields,
}

/// What a change to a code did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountSaved {
    pub id: i64,
    pub code: String,
    /// What happened, in a sentence for the page.
    pub message: String,
}

/// Every code, newest first.
#[server(prefix = "/rpc", endpoint = "staff_discount_codes")]
pub async fn staff_discount_codes() -> Result<Vec<DiscountCodeForStaff>, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    Ok(super::server::list_codes(&state.db, None).await?)
}

/// The code `code_id`; `None` if there is none.
#[server(prefix = "/rpc", endpoint = "staff_discount_code")]
pub async fn staff_discount_code(code_id: i64) -> Result<Option<DiscountCodeForStaff>, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    Ok(super::server::list_codes(&state.db, Some(code_id))
        .await?
        .pop())
}

/// Creates a code from the form; see [`DiscountFields`] for what each field holds.
#[server(prefix = "/rpc", endpoint = "create_discount_code")]
pub async fn create_discount_code(
    #[server(default)] code: String,
    #[server(default)] kind: String,
    #[server(default)] value: String,
    #[server(default)] minimum_subtotal: String,
    #[server(default)] starts: String,
    #[server(default)] ends: String,
    #[server(default)] usage_limit: String,
    #[server(default)] per_customer_limit: String,
    #[server(default)] categories: String,
    #[server(default)] products: String,
) -> Result<DiscountSaved, FormError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let fields = DiscountFields {
        code,
        kind,
        value,
        minimum_subtotal,
        starts,
        ends,
        usage_limit,
        per_customer_limit,
        categories,
        products,
    };
    save(&state, &staff, None, fields).await
}

/// Changes the code `code_id` to what the form says; its usage so far is kept.
#[server(prefix = "/rpc", endpoint = "update_discount_code")]
pub async fn update_discount_code(
    code_id: i64,
    #[server(default)] code: String,
    #[server(default)] kind: String,
    #[server(default)] value: String,
    #[server(default)] minimum_subtotal: String,
    #[server(default)] starts: String,
    #[server(default)] ends: String,
    #[server(default)] usage_limit: String,
    #[server(default)] per_customer_limit: String,
    #[server(default)] categories: String,
    #[server(default)] products: String,
) -> Result<DiscountSaved, FormError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let fields = DiscountFields {
        code,
        kind,
        value,
        minimum_subtotal,
        starts,
        ends,
        usage_limit,
        per_customer_limit,
        categories,
        products,
    };
    save(&state, &staff, Some(code_id), fields).await
}

/// Switches the code `code_id` on (`active`) or off; shoppers cannot apply a code that
/// is off, and orders not yet placed with it are refused at payment.
#[server(prefix = "/rpc", endpoint = "set_discount_code_active")]
pub async fn set_discount_code_active(
    code_id: i64,
    active: bool,
) -> Result<DiscountSaved, FormError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let Some(code) = super::server::set_active(&state.db, &staff, code_id, active).await? else {
        return Err(no_such_code());
    };
    let done = if active { "enabled" } else { "disabled" };
    crate::forms::after_browser_post(&format!(
        "{}?done={done}",
        super::staff_discount_path(code_id)
    ));
    Ok(DiscountSaved {
        id: code_id,
        message: format!("{code} is {done}."),
        code,
    })
}

/// Checks the form, then stores the code (`code_id`: the one edited, if any).
#[cfg(feature = "ssr")]
async fn save(
    state: &crate::state::AppState,
    staff: &crate::accounts::server::User,
    code_id: Option<i64>,
    fields: DiscountFields,
) -> Result<DiscountSaved, FormError> {
    use super::server::{parse_fields, resolve_scopes, save_code, Saved};
    use crate::forms::{invalid, FormErrors};
    let currency = crate::checkout::settings::shop_settings().currency;
    let typed = [
        ("code", &fields.code),
        ("kind", &fields.kind),
        ("value", &fields.value),
        ("minimum_subtotal", &fields.minimum_subtotal),
        ("starts", &fields.starts),
        ("ends", &fields.ends),
        ("usage_limit", &fields.usage_limit),
        ("per_customer_limit", &fields.per_customer_limit),
        ("categories", &fields.categories),
        ("products", &fields.products),
    ]
    .into_iter()
    .fold(FormErrors::default(), |errors, (name, value)| {
        errors.keep(name, value)
    });
    let parsed = parse_fields(&fields, currency);
    let scopes = resolve_scopes(&state.db, &fields.categories, &fields.products).await?;
    let (mut code, applies_to) = match (parsed, scopes) {
        (Ok(code), Ok(applies_to)) => (code, applies_to),
        (parsed, scopes) => {
            let mut errors = typed;
            for problems in [parsed.err(), scopes.err()].into_iter().flatten() {
                errors.fields.extend(problems);
            }
            return Err(invalid(errors));
        }
    };
    code.applies_to = applies_to;
    let now = crate::db::now_millis();
    let id = match save_code(&state.db, staff, code_id, &code, now).await? {
        Saved::Saved(id) => id,
        Saved::Duplicate => {
            return Err(invalid(
                typed.on("code", format!("There is already a code {}.", code.code)),
            ))
        }
        Saved::NoSuchCode => return Err(no_such_code()),
    };
    let done = if code_id.is_some() {
        "saved"
    } else {
        "created"
    };
    crate::forms::after_browser_post(&format!("{}?done={done}", super::staff_discount_path(id)));
    Ok(DiscountSaved {
        id,
        message: format!("{} is {done}.", code.code),
        code: code.code,
    })
}

#[cfg(feature = "ssr")]
fn no_such_code() -> FormError {
    crate::forms::refusal_status(404);
    FormError::Invalid(crate::forms::FormErrors::whole(
        "There is no such discount code.",
    ))
}
