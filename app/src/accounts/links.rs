//! Single-use links sent by email: confirming an address and resetting a password.
//!
//! The token in a link is 256 random bits; only its SHA-256 is stored, so the database
//! alone opens nothing. A link is redeemed by one conditional `UPDATE`, so two clicks
//! racing each other cannot both succeed, and issuing a new link retires the older ones
//! of the same kind.

use crate::db::now_millis;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirms `email` for the account (a new account's address, or a new address).
    VerifyEmail,
    /// Lets the account holder choose a new password.
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }

    /// How long a link works: a reset for an hour (it hands over the account), a
    /// confirmation for a day (people read mail late).
    pub fn valid_for_ms(self) -> i64 {
        match self {
            Purpose::VerifyEmail => 24 * 3600 * 1000,
            Purpose::ResetPassword => 3600 * 1000,
        }
    }
}

/// Minutes a reset link works, as its email says.
pub const RESET_VALID_MINUTES: u32 = 60;

/// The account and address a valid link is for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Link {
    pub user_id: i64,
    pub email: String,
}

/// The SHA-256 of a token, as hex: what is stored instead of the token.
pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.trim().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh token: 32 bytes from the operating system's random source, as hex.
pub(crate) fn new_token() -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| sqlx::Error::Protocol(format!("no randomness: {e}")))?;
    Ok(hex(&bytes))
}

/// Issues a link for `purpose` to `email`, inside `tx` (the same transaction queues the
/// email that carries it). Unused links of the same kind for the account stop working.
/// Returns the token to put in the email; it is not kept anywhere.
pub async fn issue(
    tx: &mut Transaction<'_, Any>,
    purpose: Purpose,
    user_id: i64,
    email: &str,
) -> Result<String, sqlx::Error> {
    let now = now_millis();
    sqlx::query(
        "DELETE FROM account_links WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .execute(&mut **tx)
    .await?;
    let token = new_token()?;
    sqlx::query(
        "INSERT INTO account_links (token_hash, purpose, user_id, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(purpose.as_str())
    .bind(user_id)
    .bind(email)
    .bind(now)
    .bind(now + purpose.valid_for_ms())
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// The link `token` opens, if it is unused and unexpired; nothing is changed (the page
/// a link leads to asks before it acts, so a mail scanner's visit spends nothing).
pub async fn peek(
    db: &crate::db::Db,
    purpose: Purpose,
    token: &str,
) -> Result<Option<Link>, sqlx::Error> {
    sqlx::query_as::<_, Link>(
        "SELECT user_id, email FROM account_links
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash(token))
    .bind(purpose.as_str())
    .bind(now_millis())
    .fetch_optional(db.pool())
    .await
}

/// Spends the link `token` inside `tx`: `Some` exactly once for a valid link, `None` for
/// an unknown, used or expired one.
pub async fn redeem(
    tx: &mut Transaction<'_, Any>,
    purpose: Purpose,
    token: &str,
) -> Result<Option<Link>, sqlx::Error> {
    let now = now_millis();
    sqlx::query_as::<_, Link>(
        "UPDATE account_links SET used_at = $1
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
         RETURNING user_id, email",
    )
    .bind(now)
    .bind(token_hash(token))
    .bind(purpose.as_str())
    .fetch_optional(&mut **tx)
    .await
}

/// Deletes links that expired more than a day ago.
pub async fn sweep(db: &crate::db::Db) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM account_links WHERE expires_at < $1")
            .bind(now_millis() - 24 * 3600 * 1000)
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::password::Password;
    use crate::accounts::server::{create_user, CreateUser, Role};
    use crate::db::testing::TestDb;

    async fn user(test: &TestDb) -> i64 {
        match create_user(
            &test.db,
            "ann@shop.test",
            Password::new("a long enough pass".into()),
            Role::Customer,
        )
        .await
        .unwrap()
        {
            CreateUser::Created { id } => id,
            other => panic!("{other:?}"),
        }
    }

    async fn issued(test: &TestDb, user_id: i64, purpose: Purpose) -> String {
        let mut tx = test.db.pool().begin().await.unwrap();
        let token = issue(&mut tx, purpose, user_id, "ann@shop.test")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        token
    }

    async fn redeemed(test: &TestDb, purpose: Purpose, token: &str) -> Option<Link> {
        let mut tx = test.db.pool().begin().await.unwrap();
        let link = redeem(&mut tx, purpose, token).await.unwrap();
        tx.commit().await.unwrap();
        link
    }

    #[tokio::test]
    async fn a_link_works_once_and_only_for_its_purpose() {
        let test = TestDb::new().await;
        let id = user(&test).await;
        let token = issued(&test, id, Purpose::ResetPassword).await;
        assert_eq!(token.len(), 64);
        assert!(peek(&test.db, Purpose::VerifyEmail, &token)
            .await
            .unwrap()
            .is_none());
        assert!(redeemed(&test, Purpose::VerifyEmail, &token)
            .await
            .is_none());
        let link = Link {
            user_id: id,
            email: "ann@shop.test".into(),
        };
        assert_eq!(
            peek(&test.db, Purpose::ResetPassword, &token)
                .await
                .unwrap(),
            Some(link.clone())
        );
        assert_eq!(
            redeemed(&test, Purpose::ResetPassword, &token).await,
            Some(link)
        );
        assert!(redeemed(&test, Purpose::ResetPassword, &token)
            .await
            .is_none());
        assert!(peek(&test.db, Purpose::ResetPassword, &token)
            .await
            .unwrap()
            .is_none());
    }

    #[tokio::test]
    async fn only_a_hash_is_stored_and_a_newer_link_retires_the_older() {
        let test = TestDb::new().await;
        let id = user(&test).await;
        let first = issued(&test, id, Purpose::VerifyEmail).await;
        let second = issued(&test, id, Purpose::VerifyEmail).await;
        let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM account_links")
            .fetch_all(test.db.pool())
            .await
            .unwrap();
        assert_eq!(stored, vec![token_hash(&second)]);
        assert!(!stored.contains(&second));
        assert!(redeemed(&test, Purpose::VerifyEmail, &first)
            .await
            .is_none());
        assert!(redeemed(&test, Purpose::VerifyEmail, &second)
            .await
            .is_some());
    }

    #[tokio::test]
    async fn an_expired_link_is_refused() {
        let test = TestDb::new().await;
        let id = user(&test).await;
        let token = issued(&test, id, Purpose::ResetPassword).await;
        sqlx::query("UPDATE account_links SET expires_at = $1")
            .bind(now_millis() - 1)
            .execute(test.db.pool())
            .await
            .unwrap();
        assert!(peek(&test.db, Purpose::ResetPassword, &token)
            .await
            .unwrap()
            .is_none());
        assert!(redeemed(&test, Purpose::ResetPassword, &token)
            .await
            .is_none());
    }
}
