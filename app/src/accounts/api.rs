//! Signing up, in and out: the shared types and the server functions.

use crate::forms::FormError;
#[cfg(feature = "ssr")]
use crate::forms::FormErrors;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in shopper as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub email: String,
    pub staff: bool,
    /// The address is confirmed (the link in the welcome email was opened).
    pub email_verified: bool,
}

#[cfg(feature = "ssr")]
impl Account {
    pub fn of(user: &super::server::User) -> Account {
        Account {
            email: user.email.clone(),
            staff: user.role == super::server::Role::Staff,
            email_verified: user.email_verified,
        }
    }
}

/// Attempts allowed before the shop asks for a pause.
#[cfg(feature = "ssr")]
pub(super) mod limits {
    use crate::rate_limit::Limit;
    /// Per account: a person mistyping gets ten tries in a quarter of an hour.
    pub const SIGN_IN_PER_ACCOUNT: Limit = Limit {
        max: 10,
        window_secs: 900,
    };
    /// Per network address, across accounts (password spraying).
    pub const SIGN_IN_PER_ADDRESS: Limit = Limit {
        max: 30,
        window_secs: 900,
    };
    pub const REGISTER_PER_ADDRESS: Limit = Limit {
        max: 10,
        window_secs: 3600,
    };
}

/// The same words for an unknown email and a wrong password: which one it was is
/// nobody's business but the account holder's.
pub const SIGN_IN_REFUSED: &str = "That email and password do not match an account.";

/// Said only after the right password, so it tells a stranger nothing.
pub const ACCOUNT_DISABLED: &str =
    "This account has been disabled. Please contact the shop if you think this is a mistake.";

/// Creates a customer account, signs it in, and sends a link to confirm the address
/// (the account, the link and the email are stored in one transaction).
#[server(prefix = "/rpc", endpoint = "register")]
pub async fn register(email: String, password: String) -> Result<Account, FormError> {
    use super::password::Password;
    use super::request::{auth_session, client_address, request_origin};
    use super::server::{insert_user, prepare_user, user_by_id, CreateUser, Role};
    use crate::forms::invalid;
    use crate::rate_limit::limit_form;
    let state = crate::state::AppState::from_context()?;
    let address = client_address().await;
    limit_form(
        &state.db,
        &[(
            format!("register:ip:{address}"),
            limits::REGISTER_PER_ADDRESS,
        )],
        FormErrors::default().keep("email", &email),
    )
    .await?;
    let refused = |field: &str, message: String| {
        invalid(
            FormErrors::default()
                .on(field, message)
                .keep("email", &email),
        )
    };
    let new_user = match prepare_user(&email, Password::new(password)).await? {
        Ok(new_user) => new_user,
        Err(CreateUser::WeakPassword(weak)) => return Err(refused("password", weak.sentence())),
        Err(_) => {
            return Err(refused(
                "email",
                "Enter an email address like name@example.com.".into(),
            ))
        }
    };
    let mut tx = state.db.begin_write().await?;
    let id = match insert_user(&mut tx, &new_user, Role::Customer).await? {
        CreateUser::Created { id } => id,
        // Saying so reveals that the address has an account; a silent "check your
        // inbox" would hide it, at the cost of a confusing first visit for everyone.
        _ => {
            return Err(refused(
                "email",
                "There is already an account with this email. Sign in instead.".into(),
            ))
        }
    };
    super::email_links::send_verification(&mut tx, &state.shop, id, &new_user.email).await?;
    tx.commit().await?;
    let user = user_by_id(&state.db, id)
        .await?
        .ok_or_else(|| AppError::internal("register", "the new account vanished"))?;
    auth_session()
        .await?
        .sign_in(&user, false)
        .await
        .map_err(|e| AppError::internal("sign in", e))?;
    super::audit::record(
        &state.db,
        super::audit::Event::Registered,
        Some(user.id),
        Some(&user.email),
        &request_origin().await,
    )
    .await;
    Ok(Account::of(&user))
}

/// What a right password leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInOutcome {
    SignedIn(Account),
    /// The account has two-factor sign-in on: nobody is signed in until a code is given
    /// at `/login/two-factor` (where a form posted without JavaScript is sent).
    CodeNeeded,
}

/// Signs in with email and password.
#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    // "on" when "Keep me signed in" is ticked; an unticked box sends nothing.
    remember: Option<String>,
) -> Result<SignInOutcome, FormError> {
    use super::audit::{record, Event};
    use super::password::Password;
    use super::request::{auth_session, request_origin};
    use super::server::authenticate;
    use crate::forms::invalid;
    use crate::rate_limit::limit_form;
    let state = crate::state::AppState::from_context()?;
    let origin = request_origin().await;
    let address = origin.ip.clone();
    let account = super::server::normalise_email(&email).unwrap_or_else(|| email.trim().to_owned());
    let limited = limit_form(
        &state.db,
        &[
            (format!("sign_in:ip:{address}"), limits::SIGN_IN_PER_ADDRESS),
            (
                format!("sign_in:account:{account}"),
                limits::SIGN_IN_PER_ACCOUNT,
            ),
        ],
        FormErrors::default().keep("email", &email),
    )
    .await;
    if let Err(refusal) = limited {
        if matches!(refusal, FormError::Invalid(_)) {
            record(
                &state.db,
                Event::SignInThrottled,
                None,
                Some(&account),
                &origin,
            )
            .await;
        }
        return Err(refusal);
    }
    let Some(user) = authenticate(&state.db, &email, Password::new(password))
        .await
        .map_err(AppError::from)?
    else {
        record(
            &state.db,
            Event::SignInRefused,
            None,
            Some(&account),
            &origin,
        )
        .await;
        return Err(invalid(
            FormErrors::whole(SIGN_IN_REFUSED).keep("email", &email),
        ));
    };
    if super::server::is_disabled(&state.db, user.id)
        .await
        .map_err(AppError::from)?
    {
        record(
            &state.db,
            Event::SignInRefused,
            Some(user.id),
            Some(&user.email),
            &origin,
        )
        .await;
        return Err(invalid(
            FormErrors::whole(ACCOUNT_DISABLED).keep("email", &email),
        ));
    }
    let session = auth_session().await?;
    if super::two_factor::server::is_enabled(&state.db, user.id)
        .await
        .map_err(AppError::from)?
    {
        session
            .begin_second_factor(&user, remember.is_some())
            .await
            .map_err(|e| AppError::internal("sign in", e))?;
        // A form posted without JavaScript goes on to the code page.
        crate::forms::after_browser_post(super::two_factor::api::CODE_PAGE);
        return Ok(SignInOutcome::CodeNeeded);
    }
    session
        .sign_in(&user, remember.is_some())
        .await
        .map_err(|e| AppError::internal("sign in", e))?;
    record(
        &state.db,
        Event::SignedIn,
        Some(user.id),
        Some(&user.email),
        &origin,
    )
    .await;
    Ok(SignInOutcome::SignedIn(Account::of(&user)))
}

/// Signs out: the session is deleted on the server.
#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::request::{auth_session, request_origin};
    let state = crate::state::AppState::from_context()?;
    let session = auth_session().await?;
    let user = session.user(&state.db).await?;
    session
        .sign_out()
        .await
        .map_err(|e| AppError::internal("sign out", e))?;
    if let Some(user) = user {
        super::audit::record(
            &state.db,
            super::audit::Event::SignedOut,
            Some(user.id),
            Some(&user.email),
            &request_origin().await,
        )
        .await;
    }
    Ok(())
}

/// Who is signed in, if anyone.
#[server(prefix = "/rpc", endpoint = "current_account")]
pub async fn current_account() -> Result<Option<Account>, AppError> {
    use super::request::auth_session;
    let state = crate::state::AppState::from_context()?;
    let user = auth_session().await?.user(&state.db).await?;
    Ok(user.as_ref().map(Account::of))
}
