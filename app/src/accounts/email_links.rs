//! What the links in the shop's emails do: confirm an address (and sign a customer in),
//! and reset a forgotten password. Each link is single-use (see `links`); its page asks
//! before acting, so a mail scanner opening the link spends nothing.

use crate::forms::FormError;
#[cfg(feature = "ssr")]
use crate::forms::FormErrors;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The words for a link that does not work any more, whatever the reason.
pub const LINK_SPENT: &str =
    "This link has expired or has already been used. Ask for a new one below.";

/// What a link from an email leads to, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    /// The link works, for this address.
    Valid { email: String },
    /// Unknown, used or expired.
    Spent,
}

/// Which kind of link a page is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    ConfirmEmail,
    ResetPassword,
}

/// After a confirmed address: whether the shopper is now signed in (customers are; staff
/// sign in with their password and second factor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailConfirmed {
    pub email: String,
    pub signed_in: bool,
}

#[cfg(feature = "ssr")]
mod limits {
    use crate::rate_limit::Limit;
    /// Reset emails one address can be sent: enough for a lost email, not for a flood.
    pub const RESET_PER_ACCOUNT: Limit = Limit {
        max: 5,
        window_secs: 3600,
    };
    pub const RESET_PER_ADDRESS: Limit = Limit {
        max: 20,
        window_secs: 3600,
    };
    pub const VERIFY_PER_ACCOUNT: Limit = Limit {
        max: 5,
        window_secs: 3600,
    };
}

/// Issues a confirmation link for `email` and queues the email carrying it, in `tx`.
#[cfg(feature = "ssr")]
pub async fn send_verification(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    shop: &crate::email::Shop,
    user_id: i64,
    email: &str,
) -> Result<(), sqlx::Error> {
    use super::links::{issue, Purpose};
    let token = issue(tx, Purpose::VerifyEmail, user_id, email).await?;
    crate::email::enqueue_email(tx, &crate::email::verify_email(shop, email, &token)).await?;
    Ok(())
}

#[cfg(feature = "ssr")]
fn purpose(kind: LinkKind) -> super::links::Purpose {
    match kind {
        LinkKind::ConfirmEmail => super::links::Purpose::VerifyEmail,
        LinkKind::ResetPassword => super::links::Purpose::ResetPassword,
    }
}

/// Whether the link with `token` still works; changes nothing.
#[server(prefix = "/rpc", endpoint = "check_link")]
pub async fn check_link(kind: LinkKind, token: String) -> Result<LinkState, AppError> {
    let state = crate::state::AppState::from_context()?;
    Ok(
        match super::links::peek(&state.db, purpose(kind), &token).await? {
            Some(link) => LinkState::Valid { email: link.email },
            None => LinkState::Spent,
        },
    )
}

/// Confirms the address the link was sent to. A customer is signed in as well.
#[server(prefix = "/rpc", endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<EmailConfirmed, FormError> {
    use super::audit::{record, Event};
    use super::links::{redeem, Purpose};
    use super::request::{auth_session, request_origin};
    use super::server::{user_by_id, Role};
    use crate::forms::{after_browser_post, invalid};
    let state = crate::state::AppState::from_context()?;
    let mut tx = state.db.begin_write().await?;
    let Some(link) = redeem(&mut tx, Purpose::VerifyEmail, &token).await? else {
        return Err(invalid(FormErrors::whole(LINK_SPENT)));
    };
    let Some(before) = user_by_id(&state.db, link.user_id).await? else {
        return Err(invalid(FormErrors::whole(LINK_SPENT)));
    };
    if !super::server::confirm_email(&mut tx, link.user_id, &link.email).await? {
        return Err(invalid(FormErrors::whole(
            "Another account uses this address now, so it cannot become yours.",
        )));
    }
    let changed = before.email != link.email;
    if changed {
        // The old address hears of the change, in case it was not its owner's doing.
        let notice = crate::email::notice(
            &state.shop,
            &before.email,
            &format!("Your {} email address was changed", state.shop.name()),
            &[
                &format!("The email address of your account is now {}.", link.email),
                "If you did not change it, reset your password at once and contact us.",
            ],
            Some(("Reset my password", super::pages::FORGOT_PASSWORD_PATH)),
        );
        crate::email::enqueue_email(&mut tx, &notice).await?;
    }
    tx.commit().await?;
    let user = super::server::User {
        email: link.email.clone(),
        email_verified: true,
        ..before
    };
    let origin = request_origin().await;
    let event = if changed {
        Event::EmailChanged
    } else {
        Event::EmailVerified
    };
    record(&state.db, event, Some(user.id), Some(&user.email), &origin).await;
    // The link proves the inbox, which for a customer is as good as the password. Staff
    // accounts guard more, so they sign in with the password (and second factor).
    let signed_in = user.role == Role::Customer;
    if signed_in {
        auth_session()
            .await?
            .sign_in(&user, false)
            .await
            .map_err(|e| AppError::internal("sign in", e))?;
        after_browser_post("/account?confirmed=1");
    } else {
        after_browser_post("/login?confirmed=1");
    }
    Ok(EmailConfirmed {
        email: user.email,
        signed_in,
    })
}

/// Sends the confirmation link again to the signed-in account's address.
#[server(prefix = "/rpc", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), FormError> {
    use super::request::require_user;
    use crate::forms::after_browser_post;
    use crate::rate_limit::limit_form;
    let state = crate::state::AppState::from_context()?;
    let user = require_user(&state).await?;
    if user.email_verified {
        return Ok(());
    }
    limit_form(
        &state.db,
        &[(
            format!("verify:account:{}", user.id),
            limits::VERIFY_PER_ACCOUNT,
        )],
        FormErrors::default(),
    )
    .await?;
    let mut tx = state.db.begin_write().await?;
    send_verification(&mut tx, &state.shop, user.id, &user.email).await?;
    tx.commit().await?;
    after_browser_post("/account?sent=1");
    Ok(())
}

/// Sends a reset link, if `email` has an account. The answer is the same either way, so
/// the form tells nobody which addresses have accounts.
#[server(prefix = "/rpc", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), FormError> {
    use super::audit::{record, Event};
    use super::links::{issue, Purpose, RESET_VALID_MINUTES};
    use super::request::request_origin;
    use super::server::normalise_email;
    use crate::forms::{after_browser_post, invalid};
    use crate::rate_limit::limit_form;
    let state = crate::state::AppState::from_context()?;
    let Some(address) = normalise_email(&email) else {
        return Err(invalid(
            FormErrors::default()
                .on("email", "Enter an email address like name@example.com.")
                .keep("email", &email),
        ));
    };
    let origin = request_origin().await;
    limit_form(
        &state.db,
        &[
            (format!("reset:ip:{}", origin.ip), limits::RESET_PER_ADDRESS),
            (
                format!("reset:account:{address}"),
                limits::RESET_PER_ACCOUNT,
            ),
        ],
        FormErrors::default().keep("email", &email),
    )
    .await?;
    let user: Option<(i64, String)> =
        sqlx::query_as("SELECT id, email FROM users WHERE email = $1")
            .bind(&address)
            .fetch_optional(state.db.pool())
            .await?;
    if let Some((id, email)) = user {
        let mut tx = state.db.begin_write().await?;
        let token = issue(&mut tx, Purpose::ResetPassword, id, &email).await?;
        let message =
            crate::email::password_reset(&state.shop, &email, &token, RESET_VALID_MINUTES);
        crate::email::enqueue_email(&mut tx, &message).await?;
        tx.commit().await?;
        record(
            &state.db,
            Event::PasswordResetRequested,
            Some(id),
            Some(&email),
            &origin,
        )
        .await;
    }
    after_browser_post(&format!("{}?sent=1", super::pages::FORGOT_PASSWORD_PATH));
    Ok(())
}

/// Sets a new password with a reset link. Every session of the account ends (whoever
/// knew the old password is out); the holder then signs in with the new one.
#[server(prefix = "/rpc", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), FormError> {
    use super::audit::{record, Event};
    use super::links::{redeem, Purpose};
    use super::password::Password;
    use super::request::request_origin;
    use super::server::{new_password_hash, set_password, user_by_id};
    use crate::forms::{after_browser_post, invalid};
    let state = crate::state::AppState::from_context()?;
    let hash = match new_password_hash(Password::new(password)).await? {
        Ok(hash) => hash,
        Err(weak) => {
            return Err(invalid(
                FormErrors::default().on("password", weak.sentence()),
            ))
        }
    };
    let mut tx = state.db.begin_write().await?;
    let Some(link) = redeem(&mut tx, Purpose::ResetPassword, &token).await? else {
        return Err(invalid(FormErrors::whole(LINK_SPENT)));
    };
    set_password(&mut tx, link.user_id, &hash).await?;
    // The link reached the account's inbox: the address is proven too.
    sqlx::query(
        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1)
         WHERE id = $2 AND email = $3",
    )
    .bind(crate::db::now_millis())
    .bind(link.user_id)
    .bind(&link.email)
    .execute(&mut *tx)
    .await?;
    super::devices::end_sessions(&mut tx, link.user_id, None).await?;
    let notice = crate::email::notice(
        &state.shop,
        &link.email,
        &format!("Your {} password was changed", state.shop.name()),
        &[
            "The password of your account was just changed with a reset link, and every device signed in to it was signed out.",
            "If this was not you, ask for a new reset link at once.",
        ],
        Some(("Reset my password", super::pages::FORGOT_PASSWORD_PATH)),
    );
    crate::email::enqueue_email(&mut tx, &notice).await?;
    tx.commit().await?;
    let origin = request_origin().await;
    let user = user_by_id(&state.db, link.user_id).await?;
    let email = user.as_ref().map(|u| u.email.as_str());
    record(
        &state.db,
        Event::PasswordReset,
        Some(link.user_id),
        email,
        &origin,
    )
    .await;
    record(
        &state.db,
        Event::OtherSessionsRevoked,
        Some(link.user_id),
        email,
        &origin,
    )
    .await;
    after_browser_post("/login?reset=1");
    Ok(())
}
