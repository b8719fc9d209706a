//! Signing up, in and out: the shared types and the server functions.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in shopper as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub email: String,
    pub staff: bool,
}

/// Why a form was not accepted, per field, in words for the person filling it in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors {
    pub email: Option<String>,
    pub password: Option<String>,
    /// About the form as a whole ("Email or password is not right").
    pub form: Option<String>,
}

/// The same words for an unknown email and a wrong password: which one it was is
/// nobody's business but the account holder's.
pub const SIGN_IN_REFUSED: &str = "That email and password do not match an account.";

#[cfg(feature = "ssr")]
async fn auth_session() -> Result<super::session::AuthSession, AppError> {
    let session = leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|e| AppError::internal("session extraction", e))?;
    Ok(super::session::AuthSession(session))
}

/// Creates a customer account and signs it in.
#[server(prefix = "/rpc", endpoint = "register")]
pub async fn register(
    email: String,
    password: String,
) -> Result<Result<Account, FormErrors>, AppError> {
    use super::password::Password;
    use super::server::{create_user, user_by_id, CreateUser, Role};
    let state = crate::state::AppState::from_context()?;
    let outcome = create_user(&state.db, &email, Password::new(password), Role::Customer).await?;
    let id = match outcome {
        CreateUser::Created { id } => id,
        CreateUser::InvalidEmail => {
            return Ok(Err(FormErrors {
                email: Some("Enter an email address like name@example.com.".into()),
                ..FormErrors::default()
            }))
        }
        // Saying so reveals that the address has an account; the alternative (a
        // silent "check your inbox") needs the email verification still to come.
        CreateUser::EmailTaken => {
            return Ok(Err(FormErrors {
                email: Some("There is already an account with this email. Sign in instead.".into()),
                ..FormErrors::default()
            }))
        }
        CreateUser::WeakPassword(weak) => {
            let reason = weak.to_string();
            let mut chars = reason.chars();
            let sentence: String = chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            return Ok(Err(FormErrors {
                password: Some(format!("{sentence}.")),
                ..FormErrors::default()
            }));
        }
    };
    let user = user_by_id(&state.db, id)
        .await?
        .ok_or_else(|| AppError::internal("register", "the new account vanished"))?;
    auth_session()
        .await?
        .sign_in(&user)
        .await
        .map_err(|e| AppError::internal("sign in", e))?;
    Ok(Ok(Account {
        email: user.email,
        staff: false,
    }))
}

/// Signs in with email and password.
#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
) -> Result<Result<Account, FormErrors>, AppError> {
    use super::password::Password;
    use super::server::{authenticate, Role};
    let state = crate::state::AppState::from_context()?;
    let Some(user) = authenticate(&state.db, &email, Password::new(password)).await? else {
        return Ok(Err(FormErrors {
            form: Some(SIGN_IN_REFUSED.into()),
            ..FormErrors::default()
        }));
    };
    auth_session()
        .await?
        .sign_in(&user)
        .await
        .map_err(|e| AppError::internal("sign in", e))?;
    Ok(Ok(Account {
        email: user.email,
        staff: user.role == Role::Staff,
    }))
}

/// Signs out: the session is deleted on the server.
#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    auth_session()
        .await?
        .sign_out()
        .await
        .map_err(|e| AppError::internal("sign out", e))
}

/// Who is signed in, if anyone.
#[server(prefix = "/rpc", endpoint = "current_account")]
pub async fn current_account() -> Result<Option<Account>, AppError> {
    use super::server::Role;
    let state = crate::state::AppState::from_context()?;
    let user = auth_session().await?.user(&state.db).await?;
    Ok(user.map(|u| Account {
        email: u.email,
        staff: u.role == Role::Staff,
    }))
}
