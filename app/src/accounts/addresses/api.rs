//! The address book's shared type and its server functions. Each one acts for the
//! signed-in shopper only, on their own addresses only.

// An address form's fields are its server functions' arguments, one each, so a form
// posted without JavaScript arrives as plain names; the `#[server]` macro's generated
// functions cannot carry an `allow` of their own.
#![allow(clippy::too_many_arguments)]

use crate::forms::FormError;
#[cfg(feature = "ssr")]
use crate::forms::FormErrors;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A saved address, as the address book and the checkout show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub id: i64,
    pub full_name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    /// `None` only in countries whose addresses need none.
    pub postcode: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub phone: Option<String>,
    /// Offered first at the checkout; an account has at most one.
    pub is_default: bool,
}

impl Address {
    /// The lines a label would carry, empty parts left out, the country by name.
    pub fn lines(&self) -> Vec<String> {
        let town = match (&self.region, &self.postcode) {
            (Some(region), Some(postcode)) => format!("{}, {region} {postcode}", self.city),
            (Some(region), None) => format!("{}, {region}", self.city),
            (None, Some(postcode)) => format!("{} {postcode}", self.city),
            (None, None) => self.city.clone(),
        };
        let country = super::countries::country(&self.country)
            .map(|c| c.name.to_owned())
            .unwrap_or_else(|| self.country.clone());
        [
            Some(self.full_name.clone()),
            Some(self.line1.clone()),
            self.line2.clone(),
            Some(town),
            Some(country),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// One line to tell this address from the others ("Ann Example, 1 High Street").
    pub fn summary(&self) -> String {
        format!("{}, {}", self.full_name, self.line1)
    }
}

/// Addresses one account may keep.
pub const MAX_ADDRESSES: i64 = 20;

/// What the shopper is told when an address id is not one of theirs (or is gone).
pub const NOT_IN_BOOK: &str = "That address is not in your address book. It may have been deleted.";

/// The refusal of a full address book.
pub fn book_full_message() -> String {
    format!(
        "Your address book is full: it keeps up to {MAX_ADDRESSES} addresses. \
         Delete one you no longer use, then add the new one."
    )
}

/// The signed-in shopper's addresses, the default first, then oldest first.
#[server(prefix = "/rpc", endpoint = "list_addresses")]
pub async fn list_addresses() -> Result<Vec<Address>, AppError> {
    use crate::accounts::request::require_user;
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
    Ok(super::server::addresses_of(&state.db, user.id).await?)
}

/// Saves a new address; the first one becomes the default. Answers its id.
#[server(prefix = "/rpc", endpoint = "add_address")]
pub async fn add_address(
    #[server(default)] full_name: String,
    #[server(default)] line1: String,
    #[server(default)] line2: String,
    #[server(default)] city: String,
    #[server(default)] region: String,
    #[server(default)] postcode: String,
    #[server(default)] country: String,
    #[server(default)] phone: String,
) -> Result<i64, FormError> {
    use super::server::{insert_address, Added};
    use super::validate::{validate_address, AddressInput};
    use crate::accounts::request::require_user;
    use crate::forms::invalid;
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
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
    let address = validate_address(&input)
        .map_err(|problems| refused(&input, FormErrors::default(), problems))?;
    match insert_address(&state.db, user.id, &address).await? {
        Added::Saved { id } => Ok(id),
        Added::BookFull => Err(invalid(
            input.kept_in(FormErrors::whole(book_full_message())),
        )),
    }
}

/// Changes a saved address; its default status stays as it was. Then sends the shopper
/// back to the address book.
#[server(prefix = "/rpc", endpoint = "edit_address")]
pub async fn edit_address(
    id: i64,
    #[server(default)] full_name: String,
    #[server(default)] line1: String,
    #[server(default)] line2: String,
    #[server(default)] city: String,
    #[server(default)] region: String,
    #[server(default)] postcode: String,
    #[server(default)] country: String,
    #[server(default)] phone: String,
) -> Result<(), FormError> {
    use super::server::update_address;
    use super::validate::{validate_address, AddressInput};
    use crate::accounts::request::require_user;
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
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
    // The id comes back with the errors, so the page shows them on this address's form.
    let base = FormErrors::default().keep("id", &id.to_string());
    let address =
        validate_address(&input).map_err(|problems| refused(&input, base.clone(), problems))?;
    if !update_address(&state.db, user.id, id, &address).await? {
        let errors = FormErrors {
            form: Some(NOT_IN_BOOK.to_owned()),
            ..base
        };
        return Err(not_in_book(input.kept_in(errors)));
    }
    leptos_axum::redirect("/account/addresses");
    Ok(())
}

/// Deletes a saved address. When it was the default, the oldest one left takes over.
#[server(prefix = "/rpc", endpoint = "delete_address")]
pub async fn delete_address(id: i64) -> Result<(), FormError> {
    use crate::accounts::request::require_user;
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
    if !super::server::remove_address(&state.db, user.id, id).await? {
        return Err(not_in_book(FormErrors::whole(NOT_IN_BOOK)));
    }
    Ok(())
}

/// Makes a saved address the default, and the previous default an ordinary one.
#[server(prefix = "/rpc", endpoint = "make_default_address")]
pub async fn make_default_address(id: i64) -> Result<(), FormError> {
    use crate::accounts::request::require_user;
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
    if !super::server::set_default_address(&state.db, user.id, id).await? {
        return Err(not_in_book(FormErrors::whole(NOT_IN_BOOK)));
    }
    Ok(())
}

/// The refusal of an address that did not pass the checks (422).
#[cfg(feature = "ssr")]
fn refused(
    input: &super::validate::AddressInput,
    base: FormErrors,
    problems: Vec<super::validate::FieldProblem>,
) -> FormError {
    crate::forms::invalid(input.kept_in(super::validate::with_problems(base, problems)))
}

/// The refusal of an id that is not one of the shopper's addresses (404): someone
/// else's looks exactly like one that never existed.
#[cfg(feature = "ssr")]
fn not_in_book(errors: FormErrors) -> FormError {
    crate::forms::refusal_status(404);
    FormError::Invalid(errors)
}
