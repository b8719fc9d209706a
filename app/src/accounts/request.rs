//! What a server function learns about the request it serves: who sent it, from where,
//! and whether they may do what they ask. `require_user` / `require_staff` open every
//! protected server function.

use super::audit::Origin;
use super::server::{Role, User};
use super::session::AuthSession;
use crate::state::AppState;
use crate::AppError;
use axum::http::request::Parts;
use leptos::prelude::use_context;

/// The client's address: the connection's peer, or, when the peer is this machine
/// (a reverse proxy in front of the shop), the last address in `X-Forwarded-For`,
/// which that proxy appended.
pub async fn client_address() -> String {
    use axum::extract::ConnectInfo;
    let peer = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip())
        .ok();
    let forwarded = use_context::<Parts>().and_then(|parts| {
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

/// The request's address and user agent, for the audit log and the sessions list.
pub async fn request_origin() -> Origin {
    let user_agent = use_context::<Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    Origin {
        ip: client_address().await,
        user_agent,
    }
}

/// The session of the current request.
pub async fn auth_session() -> Result<AuthSession, AppError> {
    let session = leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|e| AppError::internal("session extraction", e))?;
    Ok(AuthSession(session))
}

/// The signed-in user, or `SignInRequired` (401).
pub async fn require_user(state: &AppState) -> Result<User, AppError> {
    match auth_session().await?.user(&state.db).await? {
        Some(user) => Ok(user),
        None => {
            crate::layout::set_status(401);
            Err(AppError::SignInRequired)
        }
    }
}

/// The signed-in staff member: anyone else is refused on the server, whatever the page
/// showed them (401 when nobody is signed in, 403 for a customer).
pub async fn require_staff(state: &AppState) -> Result<User, AppError> {
    let user = require_user(state).await?;
    if user.role != Role::Staff {
        crate::layout::set_status(403);
        return Err(AppError::Forbidden);
    }
    Ok(user)
}
