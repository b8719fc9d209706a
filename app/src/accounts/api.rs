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
    /// What was typed in the email field, to put back (never the password).
    pub typed_email: String,
}

/// A form's answer when it is not accepted. It is the server functions' error type
/// (not a value inside `Ok`) so that without JavaScript, where the browser posts the
/// form and is sent back to the page, the answer travels in the URL and the page can
/// show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FormError {
    #[error("Please correct the form.")]
    Invalid(FormErrors),
    #[error(transparent)]
    App(#[from] AppError),
}

impl leptos::server_fn::error::FromServerFnError for FormError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        FormError::App(AppError::from_server_fn_error(value))
    }
}

impl FormError {
    /// The field errors to show: the form's own, or a general one for a fault.
    pub fn errors(&self) -> FormErrors {
        match self {
            FormError::Invalid(errors) => errors.clone(),
            FormError::App(error) => FormErrors {
                form: Some(error.to_string()),
                ..FormErrors::default()
            },
        }
    }
}

/// Attempts allowed before the shop asks for a pause.
#[cfg(feature = "ssr")]
mod limits {
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

/// The client's address: the connection's peer, or, when the peer is this machine
/// (a reverse proxy in front of the shop), the last address in `X-Forwarded-For`,
/// which that proxy appended.
#[cfg(feature = "ssr")]
async fn client_address() -> String {
    use axum::extract::ConnectInfo;
    let peer = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip())
        .ok();
    let forwarded =
        leptos::prelude::use_context::<axum::http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        });
    match (peer, forwarded) {
        (Some(peer), Some(forwarded)) if peer.is_loopback() => forwarded,
        (Some(peer), _) => peer.to_string(),
        (None, _) => "unknown".to_owned(),
    }
}

/// The request's address and user agent, for the audit log.
#[cfg(feature = "ssr")]
async fn request_origin() -> super::audit::Origin {
    let user_agent = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    super::audit::Origin {
        ip: client_address().await,
        user_agent,
    }
}

/// Counts an attempt against each bucket; the first one over its limit refuses it
/// with 429 and `Retry-After`.
#[cfg(feature = "ssr")]
async fn check_limits(
    db: &crate::db::Db,
    buckets: &[(String, crate::rate_limit::Limit)],
    typed_email: &str,
) -> Result<(), FormError> {
    use crate::rate_limit::{hit, Verdict};
    for (bucket, limit) in buckets {
        if let Verdict::Refused { retry_after_secs } =
            hit(db, bucket, *limit).await.map_err(AppError::from)?
        {
            let minutes = retry_after_secs.div_ceil(60);
            refusal_status(429);
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.insert_header(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(retry_after_secs),
                );
            }
            return Err(FormError::Invalid(FormErrors {
                form: Some(format!(
                    "Too many attempts. Please wait {minutes} minute{} and try again.",
                    if minutes == 1 { "" } else { "s" }
                )),
                typed_email: typed_email.to_owned(),
                ..FormErrors::default()
            }));
        }
    }
    Ok(())
}

/// Sets the status of a refused form, unless a browser posted the form itself (no
/// JavaScript): its answer is a redirect back to the page, which a status would replace.
#[cfg(feature = "ssr")]
fn refusal_status(code: u16) {
    let posted_by_browser = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false);
    if !posted_by_browser {
        crate::layout::set_status(code);
    }
}

#[cfg(feature = "ssr")]
fn invalid(errors: FormErrors) -> FormError {
    // A form that was not accepted is the sender's to fix: 422, not a 500.
    refusal_status(422);
    FormError::Invalid(errors)
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
pub async fn register(email: String, password: String) -> Result<Account, FormError> {
    use super::password::Password;
    use super::server::{create_user, user_by_id, CreateUser, Role};
    let state = crate::state::AppState::from_context()?;
    let address = client_address().await;
    check_limits(
        &state.db,
        &[(
            format!("register:ip:{address}"),
            limits::REGISTER_PER_ADDRESS,
        )],
        &email,
    )
    .await?;
    let outcome = create_user(&state.db, &email, Password::new(password), Role::Customer)
        .await
        .map_err(AppError::from)?;
    let id = match outcome {
        CreateUser::Created { id } => id,
        CreateUser::InvalidEmail => {
            return Err(invalid(FormErrors {
                email: Some("Enter an email address like name@example.com.".into()),
                typed_email: email,
                ..FormErrors::default()
            }))
        }
        // Saying so reveals that the address has an account; the alternative (a
        // silent "check your inbox") needs the email verification still to come.
        CreateUser::EmailTaken => {
            return Err(invalid(FormErrors {
                email: Some("There is already an account with this email. Sign in instead.".into()),
                typed_email: email,
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
            return Err(invalid(FormErrors {
                password: Some(format!("{sentence}.")),
                typed_email: email,
                ..FormErrors::default()
            }));
        }
    };
    let user = user_by_id(&state.db, id)
        .await
        .map_err(AppError::from)?
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
    Ok(Account {
        email: user.email,
        staff: false,
    })
}

/// Signs in with email and password.
#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    // "on" when "Keep me signed in" is ticked; an unticked box sends nothing.
    remember: Option<String>,
) -> Result<Account, FormError> {
    use super::audit::{record, Event};
    use super::password::Password;
    use super::server::{authenticate, Role};
    let state = crate::state::AppState::from_context()?;
    let origin = request_origin().await;
    let address = origin.ip.clone();
    let account = super::server::normalise_email(&email).unwrap_or_else(|| email.trim().to_owned());
    let limited = check_limits(
        &state.db,
        &[
            (format!("sign_in:ip:{address}"), limits::SIGN_IN_PER_ADDRESS),
            (
                format!("sign_in:account:{account}"),
                limits::SIGN_IN_PER_ACCOUNT,
            ),
        ],
        &email,
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
        return Err(invalid(FormErrors {
            form: Some(SIGN_IN_REFUSED.into()),
            typed_email: email,
            ..FormErrors::default()
        }));
    };
    auth_session()
        .await?
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
    Ok(Account {
        email: user.email,
        staff: user.role == Role::Staff,
    })
}

/// Signs out: the session is deleted on the server.
#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
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
    use super::server::Role;
    let state = crate::state::AppState::from_context()?;
    let user = auth_session().await?.user(&state.db).await?;
    Ok(user.map(|u| Account {
        email: u.email,
        staff: u.role == Role::Staff,
    }))
}
