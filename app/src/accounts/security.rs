//! The signed-in holder's own security: a new password (the current one is asked for),
//! a new email address (confirmed at that address first), and the list of devices
//! signed in, any of which can be signed out.

use crate::forms::FormError;
#[cfg(feature = "ssr")]
use crate::forms::FormErrors;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A device signed in to the account, as the sessions list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSession {
    /// Names the session in the "Sign out" form (not its secret id).
    pub handle: String,
    /// "Firefox on Linux".
    pub device: String,
    pub ip: String,
    /// Unix milliseconds, UTC.
    pub signed_in_at: i64,
    /// The session this page is being shown in.
    pub current: bool,
}

#[cfg(feature = "ssr")]
const WRONG_PASSWORD: &str = "That is not your current password.";

/// Checks `password` against the signed-in account, counting attempts like sign-in does.
#[cfg(feature = "ssr")]
async fn check_current_password(
    state: &crate::state::AppState,
    user: &super::server::User,
    password: String,
    field: &str,
    kept: FormErrors,
) -> Result<(), FormError> {
    use super::password::Password;
    crate::rate_limit::limit_form(
        &state.db,
        &[(
            format!("sign_in:account:{}", user.email),
            super::api::limits::SIGN_IN_PER_ACCOUNT,
        )],
        kept.clone(),
    )
    .await?;
    match super::server::authenticate(&state.db, &user.email, Password::new(password)).await? {
        Some(_) => Ok(()),
        None => Err(crate::forms::invalid(kept.on(field, WRONG_PASSWORD))),
    }
}

/// Replaces the password. Every other device is signed out, and this one gets a new
/// session id.
#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), FormError> {
    use super::audit::{record, Event};
    use super::password::Password;
    use super::request::{auth_session, request_origin, require_user};
    use super::server::{new_password_hash, set_password};
    use crate::forms::{after_browser_post, invalid};
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
    check_current_password(
        &state,
        &user,
        current_password,
        "current_password",
        FormErrors::default(),
    )
    .await?;
    let hash = match new_password_hash(Password::new(new_password)).await? {
        Ok(hash) => hash,
        Err(weak) => {
            return Err(invalid(
                FormErrors::default().on("new_password", weak.sentence()),
            ))
        }
    };
    let session = auth_session().await?;
    let mut tx = state.db.begin_write().await?;
    set_password(&mut tx, user.id, &hash).await?;
    super::devices::end_sessions(&mut tx, user.id, session.id().as_deref()).await?;
    let notice = crate::email::notice(
        &state.shop,
        &user.email,
        &format!("Your {} password was changed", state.shop.name()),
        &[
            "The password of your account was just changed, and every other device signed in to it was signed out.",
            "If this was not you, reset your password at once.",
        ],
        Some(("Reset my password", super::pages::FORGOT_PASSWORD_PATH)),
    );
    crate::email::enqueue_email(&mut tx, &notice).await?;
    tx.commit().await?;
    session
        .renew_id()
        .await
        .map_err(|e| AppError::internal("session renew", e))?;
    let origin = request_origin().await;
    record(
        &state.db,
        Event::PasswordChanged,
        Some(user.id),
        Some(&user.email),
        &origin,
    )
    .await;
    after_browser_post("/account/security?password=changed");
    Ok(())
}

/// Starts a change of address: a confirmation link goes to `new_email`, and the address
/// changes only when it is opened. Returns the address the link went to.
#[server(prefix = "/rpc", endpoint = "change_email")]
pub async fn change_email(new_email: String, password: String) -> Result<String, FormError> {
    use super::request::require_user;
    use super::server::{email_in_use, normalise_email};
    use crate::forms::{after_browser_post, invalid};
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
    let kept = FormErrors::default().keep("new_email", &new_email);
    let Some(address) = normalise_email(&new_email) else {
        return Err(invalid(
            kept.on("new_email", "Enter an email address like name@example.com."),
        ));
    };
    if address == user.email {
        return Err(invalid(
            kept.on("new_email", "This is already your email address."),
        ));
    }
    check_current_password(&state, &user, password, "password", kept.clone()).await?;
    let mut tx = state.db.begin_write().await?;
    if email_in_use(&mut tx, &address, user.id).await? {
        return Err(invalid(kept.on(
            "new_email",
            "Another account uses this address. Choose another one.",
        )));
    }
    super::email_links::send_verification(&mut tx, &state.shop, user.id, &address).await?;
    tx.commit().await?;
    after_browser_post("/account/security?email=sent");
    Ok(address)
}

/// The devices signed in to the account.
#[server(prefix = "/rpc", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<DeviceSession>, AppError> {
    use super::devices::{describe_user_agent, sessions_of};
    use super::request::{auth_session, require_user};
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
    let current = auth_session().await?.id();
    Ok(sessions_of(&state.db, user.id)
        .await?
        .into_iter()
        .map(|device| DeviceSession {
            current: current.as_deref() == Some(device.session_id.as_str()),
            device: describe_user_agent(&device.user_agent),
            handle: device.handle,
            ip: device.ip,
            signed_in_at: device.signed_in_at,
        })
        .collect())
}

/// Signs out one other device.
#[server(prefix = "/rpc", endpoint = "end_session")]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    use super::audit::{record, Event};
    use super::request::{request_origin, require_user};
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
    if super::devices::end_session(&state.db, user.id, &handle).await? {
        let origin = request_origin().await;
        record(
            &state.db,
            Event::SessionRevoked,
            Some(user.id),
            Some(&user.email),
            &origin,
        )
        .await;
    }
    Ok(())
}

/// Signs out every device but this one.
#[server(prefix = "/rpc", endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    use super::audit::{record, Event};
    use super::request::{auth_session, request_origin, require_user};
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
    let current = auth_session().await?.id();
    let mut tx = state.db.begin_write().await?;
    let ended = super::devices::end_sessions(&mut tx, user.id, current.as_deref()).await?;
    tx.commit().await?;
    let origin = request_origin().await;
    record(
        &state.db,
        Event::OtherSessionsRevoked,
        Some(user.id),
        Some(&user.email),
        &origin,
    )
    .await;
    Ok(ended)
}
