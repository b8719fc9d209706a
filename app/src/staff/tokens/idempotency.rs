//! `Idempotency-Key` on the API's writes: the first answer to a token's key is kept 24
//! hours, so a retry gets it again instead of writing twice. The key is claimed by an
//! insert into a table whose primary key is (token, key) before the write runs, so of two
//! concurrent retries exactly one runs it; the other is told the first is in flight.
//! What a request is (its fingerprint) and what the answer looks like on the wire are
//! the API's business (`server/src/api/idempotency.rs`).

use crate::db::{now_millis, Db};

/// How long an answer is kept for retries.
pub const KEEP_MILLIS: i64 = 24 * 3600 * 1000;

/// A claim still without an answer after this long was abandoned (the server stopped in
/// the middle of the request) and may be claimed again.
pub const ABANDONED_MILLIS: i64 = 10 * 60 * 1000;

/// The first answer to a key, as it is replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub status: u16,
    /// The headers that matter (content type, location, ETag), in order.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What claiming a key came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is this request's: run it, then [`complete`] or [`release`] the key.
    Claimed,
    /// The same request was answered before: answer it again.
    Replay(StoredAnswer),
    /// The first request with this key has not been answered yet.
    InFlight,
    /// The key was used for a different request.
    OtherRequest,
}

/// A key's row as a retry finds it: the first request's fingerprint, and its answer
/// (status, headers as JSON, body) once it has one.
type HeldKey = (String, Option<i64>, Option<String>, Option<String>);

/// Claims `key` of `token_id` for the request whose fingerprint is `fingerprint`.
pub async fn claim(
    db: &Db,
    token_id: i64,
    key: &str,
    fingerprint: &str,
) -> Result<Claim, sqlx::Error> {
    // Twice at most: an expired row found by the first round is gone in the second.
    for _ in 0..2 {
        let now = now_millis();
        sqlx::query(
            "DELETE FROM api_idempotency WHERE token_id = $1 AND idem_key = $2
             AND (created_at < $3 OR (status IS NULL AND created_at < $4))",
        )
        .bind(token_id)
        .bind(key)
        .bind(now - KEEP_MILLIS)
        .bind(now - ABANDONED_MILLIS)
        .execute(db.pool())
        .await?;
        let claimed: Option<i64> = sqlx::query_scalar(
            "INSERT INTO api_idempotency (token_id, idem_key, fingerprint, created_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (token_id, idem_key) DO NOTHING RETURNING token_id",
        )
        .bind(token_id)
        .bind(key)
        .bind(fingerprint)
        .bind(now)
        .fetch_optional(db.pool())
        .await?;
        if claimed.is_some() {
            return Ok(Claim::Claimed);
        }
        let held: Option<HeldKey> = sqlx::query_as(
            "SELECT fingerprint, status, headers, body FROM api_idempotency
                 WHERE token_id = $1 AND idem_key = $2",
        )
        .bind(token_id)
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
        let Some((held_fingerprint, status, headers, body)) = held else {
            // Released between the insert and the read: claim it again.
            continue;
        };
        if held_fingerprint != fingerprint {
            return Ok(Claim::OtherRequest);
        }
        let Some(status) = status else {
            return Ok(Claim::InFlight);
        };
        return Ok(Claim::Replay(StoredAnswer {
            status: u16::try_from(status).unwrap_or(500),
            headers: headers
                .and_then(|headers| serde_json::from_str(&headers).ok())
                .unwrap_or_default(),
            body: body.unwrap_or_default(),
        }));
    }
    Ok(Claim::InFlight)
}

/// Keeps `answer` as the answer to the claimed `key`.
pub async fn complete(
    db: &Db,
    token_id: i64,
    key: &str,
    answer: &StoredAnswer,
) -> Result<(), sqlx::Error> {
    let headers = serde_json::to_string(&answer.headers).unwrap_or_else(|_| "[]".to_owned());
    sqlx::query(
        "UPDATE api_idempotency SET status = $1, headers = $2, body = $3
         WHERE token_id = $4 AND idem_key = $5",
    )
    .bind(i64::from(answer.status))
    .bind(headers)
    .bind(&answer.body)
    .bind(token_id)
    .bind(key)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Gives up the claimed `key` without an answer (the request failed on our side), so a
/// retry runs again.
pub async fn release(db: &Db, token_id: i64, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM api_idempotency WHERE token_id = $1 AND idem_key = $2 AND status IS NULL",
    )
    .bind(token_id)
    .bind(key)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Deletes the answers older than [`KEEP_MILLIS`] and the abandoned claims: how many.
pub async fn sweep(db: &Db) -> Result<u64, sqlx::Error> {
    let now = now_millis();
    Ok(sqlx::query(
        "DELETE FROM api_idempotency
         WHERE created_at < $1 OR (status IS NULL AND created_at < $2)",
    )
    .bind(now - KEEP_MILLIS)
    .bind(now - ABANDONED_MILLIS)
    .execute(db.pool())
    .await?
    .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDb;

    async fn token(db: &Db) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO api_tokens (name, scopes, token_hash, prefix, created_at)
             VALUES ('ERP', 'catalog:write', 'hash', 'bz_12345678', 0) RETURNING id",
        )
        .fetch_one(db.pool())
        .await
        .unwrap()
    }

    fn answer() -> StoredAnswer {
        StoredAnswer {
            status: 201,
            headers: vec![("location".into(), "/api/v1/products/oak".into())],
            body: "{\"slug\":\"oak\"}".into(),
        }
    }

    #[tokio::test]
    async fn a_key_is_claimed_once_then_replayed_and_refused_for_another_request() {
        let test = TestDb::new().await;
        let db = &test.db;
        let token = token(db).await;
        assert_eq!(claim(db, token, "k1", "f1").await.unwrap(), Claim::Claimed);
        assert_eq!(claim(db, token, "k1", "f1").await.unwrap(), Claim::InFlight);
        complete(db, token, "k1", &answer()).await.unwrap();
        assert_eq!(
            claim(db, token, "k1", "f1").await.unwrap(),
            Claim::Replay(answer())
        );
        assert_eq!(
            claim(db, token, "k1", "f2").await.unwrap(),
            Claim::OtherRequest
        );
        // Keys belong to a token.
        let other = sqlx::query_scalar::<_, i64>(
            "INSERT INTO api_tokens (name, scopes, token_hash, prefix, created_at)
             VALUES ('Other', '', 'hash2', 'bz_87654321', 0) RETURNING id",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(claim(db, other, "k1", "f2").await.unwrap(), Claim::Claimed);
    }

    #[tokio::test]
    async fn a_released_claim_runs_again_and_old_answers_are_swept() {
        let test = TestDb::new().await;
        let db = &test.db;
        let token = token(db).await;
        assert_eq!(claim(db, token, "k", "f").await.unwrap(), Claim::Claimed);
        release(db, token, "k").await.unwrap();
        assert_eq!(claim(db, token, "k", "f").await.unwrap(), Claim::Claimed);
        complete(db, token, "k", &answer()).await.unwrap();
        assert_eq!(sweep(db).await.unwrap(), 0);
        sqlx::query("UPDATE api_idempotency SET created_at = $1")
            .bind(now_millis() - KEEP_MILLIS - 1)
            .execute(db.pool())
            .await
            .unwrap();
        assert_eq!(sweep(db).await.unwrap(), 1);
        assert_eq!(claim(db, token, "k", "f").await.unwrap(), Claim::Claimed);
    }
}
