//! The staff's server functions for API tokens: the list, creating one (the only answer
//! that ever holds its secret) and revoking one. Each starts with `require_staff`.

use super::Scope;
use crate::forms::FormError;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Longest token name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A token as staff see it: never its secret, which the shop does not keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenForStaff {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<Scope>,
    /// The token's first characters, `bz_1a2b3c4d`, to tell it apart.
    pub prefix: String,
    /// Unix milliseconds, UTC.
    pub created_at: i64,
    /// The email address of whoever made it, if the account still exists.
    pub created_by: Option<String>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A token just made: the one time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    /// The whole token, `bz_…`; shown now and never again.
    pub token: String,
}

/// What revoking did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRevoked {
    pub id: i64,
    pub message: String,
}

/// Every token, newest first.
#[server(prefix = "/rpc", endpoint = "staff_api_tokens")]
pub async fn staff_api_tokens() -> Result<Vec<ApiTokenForStaff>, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    Ok(super::server::list_tokens(&state.db).await?)
}

/// Makes a token named `name` with the scopes whose boxes are ticked (any value).
#[server(prefix = "/rpc", endpoint = "create_api_token")]
pub async fn create_api_token(
    #[server(default)] name: String,
    #[server(default)] catalog_read: String,
    #[server(default)] catalog_write: String,
    #[server(default)] orders_read: String,
    #[server(default)] orders_write: String,
) -> Result<CreatedToken, FormError> {
    use crate::forms::{invalid, FormErrors};
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let typed = FormErrors::default().keep("name", &name);
    if posted_by_browser() {
        // Without JavaScript the answer is a redirect, and the secret would be lost.
        return Err(invalid(typed.on(
            "name",
            "Creating a token needs JavaScript, so that its secret can be shown to you once.",
        )));
    }
    let name = name.trim().to_owned();
    let ticked = [
        (Scope::CatalogRead, catalog_read),
        (Scope::CatalogWrite, catalog_write),
        (Scope::OrdersRead, orders_read),
        (Scope::OrdersWrite, orders_write),
    ];
    let scopes: Vec<Scope> = ticked
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(scope, _)| scope)
        .collect();
    let mut errors = typed;
    if name.is_empty() {
        errors = errors.on(
            "name",
            "Give the token a name, like the program that will use it.",
        );
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors = errors.on("name", format!("At most {MAX_NAME_CHARS} characters."));
    }
    if scopes.is_empty() {
        errors = errors.on("scopes", "Choose at least one thing the token may do.");
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let token = super::server::new_secret().map_err(|error| {
        tracing::error!(%error, "no randomness for an API token");
        AppError::Internal
    })?;
    let id = super::server::create_token(&state.db, &staff, &name, &scopes, &token).await?;
    Ok(CreatedToken { id, name, token })
}

/// Revokes the token `token_id`: requests presenting it are refused from now on.
#[server(prefix = "/rpc", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(token_id: i64) -> Result<TokenRevoked, FormError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let Some(name) = super::server::revoke_token(&state.db, &staff, token_id).await? else {
        crate::forms::refusal_status(404);
        return Err(FormError::Invalid(crate::forms::FormErrors::whole(
            "There is no such token, or it is revoked already.",
        )));
    };
    crate::forms::after_browser_post(&format!("{}?done=revoked", super::STAFF_TOKENS));
    Ok(TokenRevoked {
        id: token_id,
        message: format!("The token {name} is revoked."),
    })
}

/// Did a browser post the form itself (no JavaScript)?
#[cfg(feature = "ssr")]
fn posted_by_browser() -> bool {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}
