//! The staff's server functions for customers: the list, one customer, and disabling
//! or enabling an account. Each starts with `require_staff` (401 for nobody, 403 for a
//! customer).

use crate::forms::FormError;
use crate::money::Money;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Accounts on one page of the list.
pub const CUSTOMERS_PAGE_SIZE: i64 = 50;

/// One account in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub id: i64,
    pub email: String,
    /// Unix milliseconds, UTC.
    pub registered_at: i64,
    pub verified: bool,
    pub staff: bool,
    pub disabled: bool,
    /// Orders placed with the account, and as a guest with its address.
    pub orders: i64,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerList {
    pub customers: Vec<CustomerSummary>,
    pub page: i64,
    pub more: bool,
}

/// One of a customer's orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerOrder {
    pub number: String,
    pub placed_at: i64,
    pub status_label: String,
    pub total: Money,
}

/// One of a customer's saved addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddress {
    /// Name, lines, city, postcode and country, one per line.
    pub lines: Vec<String>,
    pub default: bool,
}

/// One account as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerView {
    pub summary: CustomerSummary,
    /// When it was disabled, if it is.
    pub disabled_at: Option<i64>,
    /// Newest first.
    pub orders: Vec<CustomerOrder>,
    pub addresses: Vec<CustomerAddress>,
    /// Why this member of staff cannot disable it, if they cannot.
    pub cannot_disable: Option<String>,
}

/// What disabling or enabling did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerChanged {
    pub disabled: bool,
    pub message: String,
}

/// The accounts whose email holds `q`, newest first, 50 a page.
#[server(prefix = "/rpc", endpoint = "staff_customers")]
pub async fn staff_customers(
    #[server(default)] q: String,
    #[server(default)] page: i64,
) -> Result<CustomerList, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    let page = page.max(1);
    let (customers, more) = super::server::customers(&state.db, q.trim(), page).await?;
    Ok(CustomerList {
        customers,
        page,
        more,
    })
}

/// The account `id` with its orders and addresses; `None` if there is none.
#[server(prefix = "/rpc", endpoint = "staff_customer")]
pub async fn staff_customer(id: i64) -> Result<Option<CustomerView>, AppError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    Ok(super::server::customer(&state.db, &staff, id).await?)
}

/// Disables the customer account `id`: it cannot sign in, and every session of it ends.
#[server(prefix = "/rpc", endpoint = "disable_customer")]
pub async fn disable_customer(id: i64) -> Result<CustomerChanged, FormError> {
    set_disabled(id, true).await
}

/// Enables the account `id` again.
#[server(prefix = "/rpc", endpoint = "enable_customer")]
pub async fn enable_customer(id: i64) -> Result<CustomerChanged, FormError> {
    set_disabled(id, false).await
}

#[cfg(feature = "ssr")]
async fn set_disabled(id: i64, disabled: bool) -> Result<CustomerChanged, FormError> {
    use super::server::{set_disabled, Refused};
    use crate::forms::{invalid, FormErrors};
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    match set_disabled(&state.db, &staff, id, disabled).await? {
        Ok(()) => {
            crate::forms::after_browser_post(&super::customer_path(id));
            let message = if disabled {
                "The account is disabled: it cannot sign in, and it was signed out everywhere."
            } else {
                "The account is enabled: it can sign in again."
            };
            Ok(CustomerChanged {
                disabled,
                message: message.to_owned(),
            })
        }
        Err(Refused::NoSuchAccount) => {
            crate::forms::refusal_status(404);
            Err(FormError::Invalid(FormErrors::whole(
                "There is no account with this number.",
            )))
        }
        Err(refused) => Err(invalid(FormErrors::whole(refused.message()))),
    }
}
