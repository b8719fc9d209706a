//! Who is signed in, kept in the tower-sessions session under fixed keys. Signing in
//! gives the session a new id (so an id planted before sign-in is worthless) and
//! signing out deletes the session on the server, not just the cookie.

use super::server::{user_by_id, User};
use crate::db::Db;
use tower_sessions::Session;

const USER_ID: &str = "user_id";

#[derive(Debug, thiserror::Error)]
#[error("session store: {0}")]
pub struct SessionError(#[from] tower_sessions::session::Error);

pub struct AuthSession(pub Session);

impl AuthSession {
    /// Marks the session as `user`'s, under a fresh session id.
    pub async fn sign_in(&self, user: &User) -> Result<(), SessionError> {
        self.0.cycle_id().await?;
        self.0.insert(USER_ID, user.id).await?;
        Ok(())
    }

    /// Ends the session: its record is deleted and the cookie expires.
    pub async fn sign_out(&self) -> Result<(), SessionError> {
        self.0.flush().await?;
        Ok(())
    }

    /// The signed-in user, if any (and if the account still exists).
    pub async fn user(&self, db: &Db) -> Result<Option<User>, crate::AppError> {
        let id: Option<i64> = self
            .0
            .get(USER_ID)
            .await
            .map_err(|e| crate::AppError::internal("session read", e))?;
        match id {
            Some(id) => Ok(user_by_id(db, id).await?),
            None => Ok(None),
        }
    }
}
