//! A staff member's second factor in the database: enrolling (a pending secret until a
//! code confirms it), checking a code at sign-in, and switching it off.

use super::{recovery, totp};
use crate::db::{now_millis, Db};

/// The name authenticator apps show next to the code.
pub const ISSUER: &str = "Bazaar";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("operating system random source: {0}")]
    Random(getrandom::Error),
    #[error("stored two-factor secret for user {0} is not base32")]
    CorruptSecret(i64),
}

impl From<StoreError> for crate::AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Db(error) => error.into(),
            other => crate::AppError::internal("two-factor", other),
        }
    }
}

/// Seconds since the Unix epoch, for the TOTP clock.
fn now_secs() -> u64 {
    (now_millis() / 1000).max(0) as u64
}

fn decode(user_id: i64, stored: &str) -> Result<Vec<u8>, StoreError> {
    totp::base32_decode(stored).ok_or(StoreError::CorruptSecret(user_id))
}

/// Where an account stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub enabled: bool,
    /// The secret of an enrolment begun but not yet confirmed.
    pub pending_secret: Option<Vec<u8>>,
    /// Recovery codes not yet used.
    pub recovery_codes_left: i64,
}

pub async fn status(db: &Db, user_id: i64) -> Result<Status, StoreError> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT secret, enabled_at FROM two_factor WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
    let recovery_codes_left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM two_factor_recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    Ok(match row {
        Some((_, Some(_))) => Status {
            enabled: true,
            pending_secret: None,
            recovery_codes_left,
        },
        Some((secret, None)) => Status {
            enabled: false,
            pending_secret: Some(decode(user_id, &secret)?),
            recovery_codes_left: 0,
        },
        None => Status {
            enabled: false,
            pending_secret: None,
            recovery_codes_left: 0,
        },
    })
}

/// Whether signing in as this account asks for a code.
pub async fn is_enabled(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    let enabled: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM two_factor WHERE user_id = $1 AND enabled_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(enabled.is_some())
}

/// Starts (or restarts) enrolling with a new secret, returned to show to the staff
/// member; `None` when two-factor is already on (switching it off comes first).
pub async fn begin_enrolment(db: &Db, user_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
    let secret = totp::new_secret().map_err(StoreError::Random)?;
    // One statement: a confirmed secret is never replaced, however requests interleave.
    let stored: Option<i64> = sqlx::query_scalar(
        "INSERT INTO two_factor (user_id, secret, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE
           SET secret = excluded.secret, created_at = excluded.created_at, last_used_step = NULL
           WHERE two_factor.enabled_at IS NULL
         RETURNING user_id",
    )
    .bind(user_id)
    .bind(totp::base32_encode(&secret))
    .bind(now_millis())
    .fetch_optional(db.pool())
    .await?;
    Ok(stored.map(|_| secret.to_vec()))
}

#[derive(Debug, PartialEq, Eq)]
pub enum Confirm {
    /// Two-factor is on; these recovery codes are shown once and never again.
    Enabled {
        recovery_codes: Vec<String>,
    },
    WrongCode,
    /// No enrolment is pending (never begun, already confirmed, or switched off).
    NothingPending,
}

/// Switches two-factor on when `code` is right for the pending secret, and hands out
/// a fresh set of recovery codes.
pub async fn confirm_enrolment(db: &Db, user_id: i64, code: &str) -> Result<Confirm, StoreError> {
    let pending: Option<String> = sqlx::query_scalar(
        "SELECT secret FROM two_factor WHERE user_id = $1 AND enabled_at IS NULL",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(stored) = pending else {
        return Ok(Confirm::NothingPending);
    };
    let Some(step) = totp::verify(&decode(user_id, &stored)?, code, now_secs(), None) else {
        return Ok(Confirm::WrongCode);
    };
    let recovery_codes = recovery::generate().map_err(StoreError::Random)?;
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    // Only the secret the code was checked against is switched on, and only once.
    let enabled = sqlx::query(
        "UPDATE two_factor SET enabled_at = $1, last_used_step = $2
         WHERE user_id = $3 AND secret = $4 AND enabled_at IS NULL",
    )
    .bind(now)
    .bind(step as i64)
    .bind(user_id)
    .bind(&stored)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if enabled != 1 {
        return Ok(Confirm::NothingPending);
    }
    sqlx::query("DELETE FROM two_factor_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for code in &recovery_codes {
        let normalised = recovery::normalise(code).expect("generated codes are well formed");
        sqlx::query(
            "INSERT INTO two_factor_recovery_codes (user_id, code_hash, created_at)
             VALUES ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(recovery::hash(&normalised))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Confirm::Enabled { recovery_codes })
}

/// Switches two-factor off (or drops a pending enrolment) and deletes the recovery
/// codes; `false` when there was nothing to switch off.
pub async fn disable(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let removed = sqlx::query("DELETE FROM two_factor WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM two_factor_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(removed > 0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// A code from the authenticator app.
    Totp,
    /// A recovery code, now spent.
    RecoveryCode,
    /// Wrong, already used, or two-factor is not on.
    Refused,
}

/// Checks a code typed at sign-in: six digits are an authenticator code, twelve
/// letters a recovery code. Whatever is accepted is marked used in the same statement
/// that checks it was not, so two requests racing with one code cannot both pass.
pub async fn verify_code(db: &Db, user_id: i64, code: &str) -> Result<Verified, StoreError> {
    if let Some(normalised) = recovery::normalise(code) {
        let spent = sqlx::query(
            "UPDATE two_factor_recovery_codes SET used_at = $1
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL
               AND EXISTS (SELECT 1 FROM two_factor
                           WHERE two_factor.user_id = $2 AND enabled_at IS NOT NULL)",
        )
        .bind(now_millis())
        .bind(user_id)
        .bind(recovery::hash(&normalised))
        .execute(db.pool())
        .await?
        .rows_affected();
        return Ok(if spent == 1 {
            Verified::RecoveryCode
        } else {
            Verified::Refused
        });
    }
    let row: Option<(String, Option<i64>)> = sqlx::query_as(
        "SELECT secret, last_used_step FROM two_factor
         WHERE user_id = $1 AND enabled_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    let Some((stored, last_used_step)) = row else {
        return Ok(Verified::Refused);
    };
    let last_used_step = last_used_step.map(|step| step.max(0) as u64);
    let Some(step) = totp::verify(&decode(user_id, &stored)?, code, now_secs(), last_used_step)
    else {
        return Ok(Verified::Refused);
    };
    let recorded = sqlx::query(
        "UPDATE two_factor SET last_used_step = $1
         WHERE user_id = $2 AND enabled_at IS NOT NULL
           AND (last_used_step IS NULL OR last_used_step < $1)",
    )
    .bind(step as i64)
    .bind(user_id)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(if recorded == 1 {
        Verified::Totp
    } else {
        Verified::Refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::password::Password;
    use crate::accounts::server::{create_user, CreateUser, Role};
    use crate::db::testing::TestDb;

    async fn staff(db: &Db) -> i64 {
        match create_user(
            db,
            "staff@shop.test",
            Password::new("a long enough secret".into()),
            Role::Staff,
        )
        .await
        .unwrap()
        {
            CreateUser::Created { id } => id,
            other => panic!("{other:?}"),
        }
    }

    /// Enrols `user` and returns the secret and the recovery codes.
    async fn enrol(db: &Db, user: i64) -> (Vec<u8>, Vec<String>) {
        let secret = begin_enrolment(db, user).await.unwrap().unwrap();
        match confirm_enrolment(db, user, &totp::code_at(&secret, now_secs()))
            .await
            .unwrap()
        {
            Confirm::Enabled { recovery_codes } => (secret, recovery_codes),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn enrolment_is_pending_until_a_right_code_confirms_it() {
        let test = TestDb::new().await;
        let user = staff(&test.db).await;
        assert!(!is_enabled(&test.db, user).await.unwrap());
        assert_eq!(
            confirm_enrolment(&test.db, user, "123456").await.unwrap(),
            Confirm::NothingPending
        );
        let secret = begin_enrolment(&test.db, user).await.unwrap().unwrap();
        let pending = status(&test.db, user).await.unwrap();
        assert_eq!(pending.pending_secret.as_deref(), Some(&secret[..]));
        assert!(!pending.enabled);
        let right = totp::code_at(&secret, now_secs());
        let wrong = format!(
            "{:06}",
            (right.parse::<u32>().unwrap() + 500_000) % 1_000_000
        );
        assert_eq!(
            confirm_enrolment(&test.db, user, &wrong).await.unwrap(),
            Confirm::WrongCode
        );
        assert!(!is_enabled(&test.db, user).await.unwrap());
        let Confirm::Enabled { recovery_codes } =
            confirm_enrolment(&test.db, user, &right).await.unwrap()
        else {
            panic!("the right code confirms");
        };
        assert_eq!(recovery_codes.len(), recovery::COUNT);
        assert!(is_enabled(&test.db, user).await.unwrap());
        let on = status(&test.db, user).await.unwrap();
        assert_eq!((on.enabled, on.recovery_codes_left), (true, 10));
        assert_eq!(on.pending_secret, None, "the secret is not shown again");
        // Only hashes are stored.
        let stored: Vec<String> =
            sqlx::query_scalar("SELECT code_hash FROM two_factor_recovery_codes")
                .fetch_all(test.db.pool())
                .await
                .unwrap();
        assert!(stored.iter().all(|h| !recovery_codes.contains(h)));
        // A new enrolment cannot replace the confirmed secret.
        assert_eq!(begin_enrolment(&test.db, user).await.unwrap(), None);
    }

    #[tokio::test]
    async fn totp_with_a_wrong_code_fails_and_a_right_one_works_once() {
        let test = TestDb::new().await;
        let user = staff(&test.db).await;
        let (secret, _) = enrol(&test.db, user).await;
        // The confirming code's step is used up; the next step's code is accepted.
        let used = totp::code_at(&secret, now_secs());
        assert_eq!(
            verify_code(&test.db, user, &used).await.unwrap(),
            Verified::Refused
        );
        let next = totp::code_at(&secret, now_secs() + totp::STEP_SECS);
        let wrong = format!("{:06}", (next.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert_eq!(
            verify_code(&test.db, user, &wrong).await.unwrap(),
            Verified::Refused
        );
        assert_eq!(
            verify_code(&test.db, user, &next).await.unwrap(),
            Verified::Totp
        );
        assert_eq!(
            verify_code(&test.db, user, &next).await.unwrap(),
            Verified::Refused,
            "a code works once"
        );
    }

    #[tokio::test]
    async fn a_recovery_code_works_once_even_when_used_twice_at_the_same_time() {
        let test = TestDb::new().await;
        let user = staff(&test.db).await;
        let (_, codes) = enrol(&test.db, user).await;
        let typed = codes[3].to_uppercase().replace('-', " ");
        let (a, b) = tokio::join!(
            verify_code(&test.db, user, &typed),
            verify_code(&test.db, user, &codes[3])
        );
        let mut outcomes = [a.unwrap(), b.unwrap()];
        outcomes.sort_by_key(|v| *v == Verified::Refused);
        assert_eq!(outcomes, [Verified::RecoveryCode, Verified::Refused]);
        assert_eq!(status(&test.db, user).await.unwrap().recovery_codes_left, 9);
        assert_eq!(
            verify_code(&test.db, user, "aaaa-bbbb-cccc").await.unwrap(),
            Verified::Refused
        );
    }

    #[tokio::test]
    async fn disabling_removes_the_secret_and_the_recovery_codes() {
        let test = TestDb::new().await;
        let user = staff(&test.db).await;
        let (secret, codes) = enrol(&test.db, user).await;
        assert!(disable(&test.db, user).await.unwrap());
        assert!(!disable(&test.db, user).await.unwrap());
        assert!(!is_enabled(&test.db, user).await.unwrap());
        let next = totp::code_at(&secret, now_secs() + totp::STEP_SECS);
        assert_eq!(
            verify_code(&test.db, user, &next).await.unwrap(),
            Verified::Refused
        );
        assert_eq!(
            verify_code(&test.db, user, &codes[0]).await.unwrap(),
            Verified::Refused
        );
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM two_factor_recovery_codes")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
        assert_eq!(left, 0);
        // Enrolling again gives a different secret.
        let again = begin_enrolment(&test.db, user).await.unwrap().unwrap();
        assert_ne!(again, secret);
    }
}
