//! Who is signed in, kept in the tower-sessions session under fixed keys. Signing in
//! gives the session a new id (so an id planted before sign-in is worthless) and
//! signing out deletes the session on the server, not just the cookie.

use super::server::{user_by_id, User};
use crate::db::{now_millis, Db};
use tower_sessions::{Expiry, Session};

/// The session's account; the session store copies it into its own column.
pub(super) const USER_ID: &str = "user_id";
pub(super) const SIGNED_IN_AT: &str = "signed_in_at";
/// Where the sign-in came from, for the account's list of sessions.
pub(super) const USER_AGENT: &str = "user_agent";
pub(super) const IP: &str = "ip";

/// However active, a sign-in lasts at most this long (then the password is asked again).
pub const ABSOLUTE_LIMIT_MS: i64 = 30 * 24 * 3600 * 1000;
/// "Keep me signed in": the session survives the browser closing, until this much
/// inactivity (or the absolute limit).
pub const REMEMBERED_FOR_DAYS: i64 = 30;

/// Has a sign-in made at `signed_in_at` outlived the absolute limit at `now`?
pub fn sign_in_expired(signed_in_at: i64, now: i64) -> bool {
    now - signed_in_at > ABSOLUTE_LIMIT_MS
}

#[derive(Debug, thiserror::Error)]
#[error("session store: {0}")]
pub struct SessionError(#[from] tower_sessions::session::Error);

pub struct AuthSession(pub Session);

impl AuthSession {
    /// Marks the session as `user`'s, under a fresh session id. Unless `remember`,
    /// the cookie lasts only until the browser closes.
    pub async fn sign_in(&self, user: &User, remember: bool) -> Result<(), SessionError> {
        self.0.cycle_id().await?;
        self.0.set_expiry(Some(if remember {
            Expiry::OnInactivity(tower_sessions::cookie::time::Duration::days(
                REMEMBERED_FOR_DAYS,
            ))
        } else {
            Expiry::OnSessionEnd
        }));
        self.0.insert(USER_ID, user.id).await?;
        self.0.insert(SIGNED_IN_AT, now_millis()).await?;
        let origin = super::request::request_origin().await;
        self.0.insert(USER_AGENT, origin.user_agent).await?;
        self.0.insert(IP, origin.ip).await?;
        Ok(())
    }

    /// Gives the session a new id, keeping who is signed in: after a change of
    /// privilege (two-factor on or off, a new password), a stolen old id is worthless.
    pub async fn renew_id(&self) -> Result<(), SessionError> {
        self.0.cycle_id().await?;
        Ok(())
    }

    /// The session's id as the store knows it (`None` until it was first saved).
    pub fn id(&self) -> Option<String> {
        self.0.id().map(|id| id.to_string())
    }

    /// Ends the session: its record is deleted and the cookie expires.
    pub async fn sign_out(&self) -> Result<(), SessionError> {
        self.0.flush().await?;
        Ok(())
    }

    /// The signed-in user, if any (and if the account still exists).
    pub async fn user(&self, db: &Db) -> Result<Option<User>, crate::AppError> {
        let read = |e| crate::AppError::internal("session read", e);
        let id: Option<i64> = self.0.get(USER_ID).await.map_err(read)?;
        let signed_in_at: Option<i64> = self.0.get(SIGNED_IN_AT).await.map_err(read)?;
        if id.is_some() && signed_in_at.is_none_or(|at| sign_in_expired(at, now_millis())) {
            // Past the absolute limit: the session ends here, whatever its activity.
            self.0
                .flush()
                .await
                .map_err(|e| crate::AppError::internal("session flush", e))?;
            return Ok(None);
        }
        match id {
            Some(id) => Ok(user_by_id(db, id).await?),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_lasts_thirty_days_at_most() {
        let day = 24 * 3600 * 1000;
        assert!(!sign_in_expired(0, 29 * day));
        assert!(!sign_in_expired(0, 30 * day));
        assert!(sign_in_expired(0, 30 * day + 1));
    }
}
