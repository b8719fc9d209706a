//! Two-factor sign-in: the shared types and the server functions, for staff setting it
//! up on `/account/two-factor` and for the code asked at `/login/two-factor`.

use crate::accounts::api::Account;
use crate::forms::FormError;
#[cfg(feature = "ssr")]
use crate::forms::FormErrors;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A secret being enrolled, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The secret in base32, for typing into an app that cannot scan.
    pub secret: String,
    /// The `otpauth://` URI as an inline `<svg>` QR code, with an accessible name.
    pub qr_svg: String,
}

/// Where a staff member's two-factor sign-in stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorState {
    pub enabled: bool,
    /// An enrolment begun and waiting for its first code.
    pub pending: Option<Enrolment>,
    pub recovery_codes_left: i64,
    /// Recovery codes just handed out: shown this once, never again.
    pub fresh_recovery_codes: Vec<String>,
}

/// Where the sign-in at `/login/two-factor` stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInProgress {
    /// The password was right; a code is awaited.
    AwaitingCode,
    SignedIn,
    /// No password was given, or the code took too long.
    NotStarted,
}

pub const WRONG_CODE: &str =
    "That code is not right. Check the code in your authenticator app, or use a recovery code.";
pub const SIGN_IN_TIMED_OUT: &str = "Your sign-in timed out. Please enter your password again.";

#[cfg(feature = "ssr")]
mod limits {
    use crate::rate_limit::Limit;
    /// Codes at sign-in, per account: a person mistypes once or twice; a guesser gets
    /// nowhere near the million codes.
    pub const CODE_PER_ACCOUNT: Limit = Limit {
        max: 5,
        window_secs: 900,
    };
    pub const CODE_PER_ADDRESS: Limit = Limit {
        max: 30,
        window_secs: 900,
    };
    /// Confirming an enrolment (already signed in).
    pub const CONFIRM_PER_ACCOUNT: Limit = Limit {
        max: 10,
        window_secs: 900,
    };
    /// Switching off asks for the password: as careful as signing in.
    pub const DISABLE_PER_ACCOUNT: Limit = Limit {
        max: 5,
        window_secs: 900,
    };
}

#[cfg(feature = "ssr")]
fn enrolment(email: &str, secret: &[u8]) -> Result<Enrolment, AppError> {
    use super::{qr, server::ISSUER, totp};
    let uri = totp::otpauth_uri(ISSUER, email, secret);
    let qr_svg = qr::svg(&uri)
        .ok_or_else(|| AppError::internal("two-factor", "URI too long for a QR code"))?;
    Ok(Enrolment {
        secret: totp::base32_encode(secret),
        qr_svg,
    })
}

/// Where the sign-in form goes when the account also needs a code. A form posted
/// without JavaScript is redirected there; with JavaScript the page navigates itself.
pub const CODE_PAGE: &str = "/login/two-factor";

#[cfg(feature = "ssr")]
fn session_fault(error: crate::accounts::session::SessionError) -> AppError {
    AppError::internal("session", error)
}

/// The signed-in staff member's two-factor status (401/403 for anyone else).
#[server(prefix = "/rpc", endpoint = "two_factor_status")]
pub async fn two_factor_status() -> Result<TwoFactorState, AppError> {
    use crate::accounts::request::{auth_session, require_staff};
    let state = crate::state::AppState::from_context()?;
    let user = require_staff(&state).await?;
    let status = super::server::status(&state.db, user.id).await?;
    let fresh_recovery_codes = auth_session()
        .await?
        .take_fresh_recovery_codes()
        .await
        .map_err(session_fault)?;
    Ok(TwoFactorState {
        enabled: status.enabled,
        pending: status
            .pending_secret
            .map(|secret| enrolment(&user.email, &secret))
            .transpose()?,
        recovery_codes_left: status.recovery_codes_left,
        fresh_recovery_codes,
    })
}

/// Starts setting up two-factor sign-in: a new secret, shown as a QR code and as text.
#[server(prefix = "/rpc", endpoint = "two_factor_begin")]
pub async fn begin_two_factor() -> Result<Enrolment, FormError> {
    use crate::accounts::request::require_staff;
    use crate::forms::invalid;
    let state = crate::state::AppState::from_context()?;
    let user = require_staff(&state).await?;
    match super::server::begin_enrolment(&state.db, user.id)
        .await
        .map_err(AppError::from)?
    {
        Some(secret) => Ok(enrolment(&user.email, &secret)?),
        None => Err(invalid(FormErrors::whole(
            "Two-factor sign-in is already on. Switch it off first to set up a new app.",
        ))),
    }
}

/// Switches two-factor sign-in on with a first code from the app; answers the recovery
/// codes, which are never shown again.
#[server(prefix = "/rpc", endpoint = "two_factor_confirm")]
pub async fn confirm_two_factor(code: String) -> Result<Vec<String>, FormError> {
    use super::server::{confirm_enrolment, Confirm};
    use crate::accounts::audit::{record, Event};
    use crate::accounts::request::{auth_session, request_origin, require_staff};
    use crate::forms::invalid;
    use crate::rate_limit::limit_form;
    let state = crate::state::AppState::from_context()?;
    let user = require_staff(&state).await?;
    limit_form(
        &state.db,
        &[(
            format!("two_factor_confirm:account:{}", user.id),
            limits::CONFIRM_PER_ACCOUNT,
        )],
        FormErrors::default(),
    )
    .await?;
    let origin = request_origin().await;
    match confirm_enrolment(&state.db, user.id, &code)
        .await
        .map_err(AppError::from)?
    {
        Confirm::Enabled { recovery_codes } => {
            let session = auth_session().await?;
            session.renew_id().await.map_err(session_fault)?;
            session
                .keep_fresh_recovery_codes(&recovery_codes)
                .await
                .map_err(session_fault)?;
            record(
                &state.db,
                Event::TwoFactorEnabled,
                Some(user.id),
                Some(&user.email),
                &origin,
            )
            .await;
            Ok(recovery_codes)
        }
        Confirm::WrongCode => {
            record(
                &state.db,
                Event::TwoFactorRefused,
                Some(user.id),
                Some(&user.email),
                &origin,
            )
            .await;
            Err(invalid(FormErrors::default().on(
                "code",
                "That code is not right. Enter the six digits your app shows now.",
            )))
        }
        Confirm::NothingPending => Err(invalid(FormErrors::whole(
            "There is no set-up to confirm. Start again with “Set up two-factor sign-in”.",
        ))),
    }
}

/// Switches two-factor sign-in off, after the account's password.
#[server(prefix = "/rpc", endpoint = "two_factor_disable")]
pub async fn disable_two_factor(password: String) -> Result<(), FormError> {
    use crate::accounts::audit::{record, Event};
    use crate::accounts::password::Password;
    use crate::accounts::request::{auth_session, request_origin, require_staff};
    use crate::accounts::server::authenticate;
    use crate::forms::invalid;
    use crate::rate_limit::limit_form;
    let state = crate::state::AppState::from_context()?;
    let user = require_staff(&state).await?;
    limit_form(
        &state.db,
        &[(
            format!("two_factor_disable:account:{}", user.id),
            limits::DISABLE_PER_ACCOUNT,
        )],
        FormErrors::default(),
    )
    .await?;
    let origin = request_origin().await;
    let confirmed = authenticate(&state.db, &user.email, Password::new(password))
        .await
        .map_err(AppError::from)?
        .is_some_and(|who| who.id == user.id);
    if !confirmed {
        record(
            &state.db,
            Event::TwoFactorRefused,
            Some(user.id),
            Some(&user.email),
            &origin,
        )
        .await;
        return Err(invalid(
            FormErrors::default().on("password", "That is not your password."),
        ));
    }
    if super::server::disable(&state.db, user.id).await? {
        auth_session()
            .await?
            .renew_id()
            .await
            .map_err(session_fault)?;
        record(
            &state.db,
            Event::TwoFactorDisabled,
            Some(user.id),
            Some(&user.email),
            &origin,
        )
        .await;
    }
    Ok(())
}

/// Where the sign-in at `/login/two-factor` stands.
#[server(prefix = "/rpc", endpoint = "sign_in_code_step")]
pub async fn second_factor_step() -> Result<SignInProgress, AppError> {
    use crate::accounts::request::auth_session;
    let state = crate::state::AppState::from_context()?;
    let session = auth_session().await?;
    if session.user(&state.db).await?.is_some() {
        return Ok(SignInProgress::SignedIn);
    }
    Ok(
        match session
            .pending_second_factor()
            .await
            .map_err(session_fault)?
        {
            Some(_) => SignInProgress::AwaitingCode,
            None => SignInProgress::NotStarted,
        },
    )
}

/// Completes a sign-in whose password was right with a code from the authenticator
/// app or a recovery code.
#[server(prefix = "/rpc", endpoint = "sign_in_code")]
pub async fn sign_in_with_code(code: String) -> Result<Account, FormError> {
    use super::server::{verify_code, Verified};
    use crate::accounts::audit::{record, Event};
    use crate::accounts::request::{auth_session, request_origin};
    use crate::accounts::server::user_by_id;
    use crate::forms::invalid;
    use crate::rate_limit::limit_form;
    let state = crate::state::AppState::from_context()?;
    let session = auth_session().await?;
    let pending = session
        .pending_second_factor()
        .await
        .map_err(session_fault)?;
    let user = match pending {
        Some(pending) => user_by_id(&state.db, pending.user_id)
            .await
            .map_err(AppError::from)?
            .map(|user| (user, pending.remember)),
        None => None,
    };
    let Some((user, remember)) = user else {
        return Err(invalid(FormErrors::whole(SIGN_IN_TIMED_OUT)));
    };
    let origin = request_origin().await;
    let limited = limit_form(
        &state.db,
        &[
            (
                format!("two_factor:account:{}", user.id),
                limits::CODE_PER_ACCOUNT,
            ),
            (
                format!("two_factor:ip:{}", origin.ip),
                limits::CODE_PER_ADDRESS,
            ),
        ],
        FormErrors::default(),
    )
    .await;
    if let Err(refusal) = limited {
        if matches!(refusal, FormError::Invalid(_)) {
            record(
                &state.db,
                Event::SignInThrottled,
                Some(user.id),
                Some(&user.email),
                &origin,
            )
            .await;
        }
        return Err(refusal);
    }
    let verified = verify_code(&state.db, user.id, &code)
        .await
        .map_err(AppError::from)?;
    if verified == Verified::Refused {
        record(
            &state.db,
            Event::TwoFactorRefused,
            Some(user.id),
            Some(&user.email),
            &origin,
        )
        .await;
        return Err(invalid(FormErrors::default().on("code", WRONG_CODE)));
    }
    session
        .finish_second_factor(&user, remember)
        .await
        .map_err(session_fault)?;
    if verified == Verified::RecoveryCode {
        record(
            &state.db,
            Event::RecoveryCodeUsed,
            Some(user.id),
            Some(&user.email),
            &origin,
        )
        .await;
    }
    record(
        &state.db,
        Event::SignedIn,
        Some(user.id),
        Some(&user.email),
        &origin,
    )
    .await;
    Ok(Account::of(&user))
}
