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
        // What a guest put in their cart joins the account's cart. A failure is logged
        // (by AppError::internal) and does not stop the sign-in.
        if let Some(state) = leptos::prelude::use_context::<crate::state::AppState>() {
            let _ = crate::cart::api::adopt_guest_cart(&state.db, &self.0, user.id).await;
        }
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

/// A sign-in waiting for its second factor: the password was right, the code is still
/// to come. Kept apart from `USER_ID`, so nobody is signed in meanwhile.
const SECOND_FACTOR_USER_ID: &str = "second_factor_user_id";
const SECOND_FACTOR_SINCE: &str = "second_factor_since";
const SECOND_FACTOR_REMEMBER: &str = "second_factor_remember";
/// Recovery codes just handed out, kept until the page has shown them once (so a form
/// posted without JavaScript can show them after its redirect).
const FRESH_RECOVERY_CODES: &str = "fresh_recovery_codes";

/// How long the code may take after the password: then the password is asked again.
pub const SECOND_FACTOR_LIMIT_MS: i64 = 5 * 60 * 1000;

/// Has a second-factor step begun at `since` run out at `now`?
pub fn second_factor_expired(since: i64, now: i64) -> bool {
    now - since > SECOND_FACTOR_LIMIT_MS || since > now
}

/// Who a pending second-factor step is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingSecondFactor {
    pub user_id: i64,
    /// "Keep me signed in" as ticked with the password.
    pub remember: bool,
}

impl AuthSession {
    /// After a right password for an account with two-factor on: remembers who is
    /// signing in, for [`SECOND_FACTOR_LIMIT_MS`], under a fresh id, and signs nobody in.
    pub async fn begin_second_factor(
        &self,
        user: &User,
        remember: bool,
    ) -> Result<(), SessionError> {
        self.0.cycle_id().await?;
        self.0.remove_value(USER_ID).await?;
        self.0.remove_value(SIGNED_IN_AT).await?;
        self.0.insert(SECOND_FACTOR_USER_ID, user.id).await?;
        self.0.insert(SECOND_FACTOR_SINCE, now_millis()).await?;
        self.0.insert(SECOND_FACTOR_REMEMBER, remember).await?;
        Ok(())
    }

    /// The second-factor step in progress, unless there is none or it ran out.
    pub async fn pending_second_factor(&self) -> Result<Option<PendingSecondFactor>, SessionError> {
        let user_id: Option<i64> = self.0.get(SECOND_FACTOR_USER_ID).await?;
        let since: Option<i64> = self.0.get(SECOND_FACTOR_SINCE).await?;
        let remember: Option<bool> = self.0.get(SECOND_FACTOR_REMEMBER).await?;
        Ok(match (user_id, since) {
            (Some(user_id), Some(since)) if !second_factor_expired(since, now_millis()) => {
                Some(PendingSecondFactor {
                    user_id,
                    remember: remember.unwrap_or(false),
                })
            }
            _ => None,
        })
    }

    /// The code was right: ends the second-factor step and signs `user` in (new id).
    pub async fn finish_second_factor(
        &self,
        user: &User,
        remember: bool,
    ) -> Result<(), SessionError> {
        self.0.remove_value(SECOND_FACTOR_USER_ID).await?;
        self.0.remove_value(SECOND_FACTOR_SINCE).await?;
        self.0.remove_value(SECOND_FACTOR_REMEMBER).await?;
        self.sign_in(user, remember).await
    }

    /// Keeps recovery codes just handed out until [`Self::take_fresh_recovery_codes`].
    pub async fn keep_fresh_recovery_codes(&self, codes: &[String]) -> Result<(), SessionError> {
        self.0
            .insert(FRESH_RECOVERY_CODES, (now_millis(), codes))
            .await?;
        Ok(())
    }

    /// The recovery codes kept by [`Self::keep_fresh_recovery_codes`], removed as they
    /// are read: they are shown once. Codes not shown within the second-factor time
    /// limit are dropped unseen.
    pub async fn take_fresh_recovery_codes(&self) -> Result<Vec<String>, SessionError> {
        let kept: Option<(i64, Vec<String>)> = self.0.remove(FRESH_RECOVERY_CODES).await?;
        Ok(match kept {
            Some((at, codes)) if !second_factor_expired(at, now_millis()) => codes,
            _ => Vec::new(),
        })
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

    #[test]
    fn the_code_after_the_password_is_awaited_five_minutes() {
        let minute = 60 * 1000;
        assert!(!second_factor_expired(0, 5 * minute));
        assert!(second_factor_expired(0, 5 * minute + 1));
        assert!(
            second_factor_expired(minute, 0),
            "a start in the future is no start"
        );
    }
}
