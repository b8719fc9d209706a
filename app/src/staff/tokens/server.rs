//! API tokens on the server: making a secret, storing only its SHA-256, listing,
//! revoking, and finding the live token a request presents.

use super::api::ApiTokenForStaff;
use super::{parse_scopes, scopes_text, Scope};
use crate::accounts::server::User;
use crate::db::{now_millis, Db};
use crate::staff::audit::server::{record, Actor, StaffAction};
use sha2::{Digest, Sha256};

/// Every token starts with this, so a leaked one is easy to recognise (and to search for).
pub const TOKEN_PREFIX: &str = "bz_";

/// Random bytes in a token's secret.
const SECRET_BYTES: usize = 32;

/// Characters of the token staff see in the list: `bz_` and the first eight of the secret.
const SHOWN_CHARS: usize = TOKEN_PREFIX.len() + 8;

/// `last_used_at` is written at most this often per token, so reads stay reads.
const LAST_USED_EVERY_MILLIS: i64 = 60_000;

/// A fresh token: `bz_` and 64 lower-case hex digits.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{TOKEN_PREFIX}{}", hex(&bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a token: its SHA-256, in hex.
pub fn token_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// The start of a token, shown to staff to tell tokens apart.
pub fn shown_prefix(secret: &str) -> String {
    secret.chars().take(SHOWN_CHARS).collect()
}

/// Stores a new token named `name` with `scopes` for `secret`, and records who made it
/// (never the secret): the new token's id.
pub async fn create_token(
    db: &Db,
    actor: &User,
    name: &str,
    scopes: &[Scope],
    secret: &str,
) -> Result<i64, sqlx::Error> {
    let prefix = shown_prefix(secret);
    let scopes = scopes_text(scopes);
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (name, scopes, token_hash, prefix, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(name)
    .bind(&scopes)
    .bind(token_hash(secret))
    .bind(&prefix)
    .bind(now_millis())
    .bind(actor.id)
    .fetch_one(&mut *tx)
    .await?;
    let action = StaffAction {
        actor,
        action: "api_token.created",
        subject: format!("API token {name}"),
        before: None,
        after: Some(
            serde_json::json!({ "id": id, "name": name, "scopes": scopes, "prefix": prefix }),
        ),
    };
    record(&mut tx, action).await?;
    tx.commit().await?;
    Ok(id)
}

/// Revokes the token `id`: its name, or none if there is no such token or it was revoked
/// already.
pub async fn revoke_token(db: &Db, actor: &User, id: i64) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let name: Option<String> = sqlx::query_scalar(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING name",
    )
    .bind(now_millis())
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(name) = &name {
        let action = StaffAction {
            actor,
            action: "api_token.revoked",
            subject: format!("API token {name}"),
            before: None,
            after: Some(serde_json::json!({ "id": id })),
        };
        record(&mut tx, action).await?;
    }
    tx.commit().await?;
    Ok(name)
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    name: String,
    scopes: String,
    prefix: String,
    created_at: i64,
    created_by: Option<String>,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

/// Every token, newest first; never a secret, which is not stored.
pub async fn list_tokens(db: &Db) -> Result<Vec<ApiTokenForStaff>, sqlx::Error> {
    let rows: Vec<ListRow> = sqlx::query_as(
        "SELECT t.id, t.name, t.scopes, t.prefix, t.created_at, u.email AS created_by,
                t.last_used_at, t.revoked_at
         FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by
         ORDER BY t.id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ApiTokenForStaff {
            id: row.id,
            name: row.name,
            scopes: parse_scopes(&row.scopes),
            prefix: row.prefix,
            created_at: row.created_at,
            created_by: row.created_by,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        })
        .collect())
}

/// A live token, as a request presented it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentedToken {
    pub id: i64,
    pub name: String,
    /// Its first characters, `bz_1a2b3c4d`, as staff see them in the list.
    pub prefix: String,
    pub scopes: Vec<Scope>,
}

/// What an integration writes through the API is recorded as done by its token.
impl Actor for PresentedToken {
    fn user_id(&self) -> Option<i64> {
        None
    }

    fn label(&self) -> String {
        format!("API token {} ({})", self.name, self.prefix)
    }

    fn kind(&self) -> &'static str {
        "api_token"
    }
}

impl PresentedToken {
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// The live (not revoked) token whose secret is `secret`, marking it used; none for an
/// unknown or revoked one.
pub async fn authenticate(db: &Db, secret: &str) -> Result<Option<PresentedToken>, sqlx::Error> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let row: Option<(i64, String, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, name, prefix, scopes, last_used_at FROM api_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash(secret))
    .fetch_optional(db.pool())
    .await?;
    let Some((id, name, prefix, scopes, last_used_at)) = row else {
        return Ok(None);
    };
    let now = now_millis();
    if last_used_at.is_none_or(|at| now - at >= LAST_USED_EVERY_MILLIS) {
        // Conditional, so concurrent requests write it once; no write lock is taken
        // first: a lost race only means one minute's precision.
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1
             WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
        )
        .bind(now)
        .bind(id)
        .bind(now - LAST_USED_EVERY_MILLIS)
        .execute(db.pool())
        .await?;
    }
    Ok(Some(PresentedToken {
        id,
        name,
        prefix,
        scopes: parse_scopes(&scopes),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_the_prefix_and_64_hex_digits_and_never_repeats() {
        let one = new_secret().unwrap();
        let two = new_secret().unwrap();
        assert_ne!(one, two);
        assert_eq!(one.len(), TOKEN_PREFIX.len() + 64);
        assert!(one.starts_with(TOKEN_PREFIX));
        assert!(one[3..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(shown_prefix(&one), one[..11]);
    }

    #[test]
    fn the_hash_is_sha256_in_hex() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
