//! Account queries and rules.

use super::password::{self, check_strength, Password, PasswordHash, WeakPassword};
use crate::db::{now_millis, Db};
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Customer,
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Staff => "staff",
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum CreateUser {
    Created { id: i64 },
    EmailTaken,
    InvalidEmail,
    WeakPassword(WeakPassword),
}

/// Emails are compared trimmed and lower-cased.
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
        && email.len() <= 254;
    valid.then_some(email)
}

/// A new account's checked email and hashed password, ready to be stored.
pub struct NewUser {
    pub email: String,
    hash: PasswordHash,
}

/// Checks and hashes what a new account is made of. Hashing is slow on purpose, so it
/// happens here, before any transaction is opened.
pub async fn prepare_user(
    email: &str,
    password: Password,
) -> Result<Result<NewUser, CreateUser>, sqlx::Error> {
    let Some(email) = normalise_email(email) else {
        return Ok(Err(CreateUser::InvalidEmail));
    };
    match new_password_hash(password).await? {
        Ok(hash) => Ok(Ok(NewUser { email, hash })),
        Err(weak) => Ok(Err(CreateUser::WeakPassword(weak))),
    }
}

/// Stores `user` inside `tx`: `Created`, or `EmailTaken` when the address has an account.
pub async fn insert_user(
    tx: &mut Transaction<'_, Any>,
    user: &NewUser,
    role: Role,
) -> Result<CreateUser, sqlx::Error> {
    // ON CONFLICT keeps the check and the insert one statement: no race, no error parsing.
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(&user.email)
    .bind(user.hash.as_str())
    .bind(role.as_str())
    .bind(now_millis())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match id {
        Some(id) => CreateUser::Created { id },
        None => CreateUser::EmailTaken,
    })
}

/// Creates an account on its own (`bazaar create-admin`, tests).
pub async fn create_user(
    db: &Db,
    email: &str,
    password: Password,
    role: Role,
) -> Result<CreateUser, sqlx::Error> {
    let user = match prepare_user(email, password).await? {
        Ok(user) => user,
        Err(refused) => return Ok(refused),
    };
    let mut tx = db.begin_write().await?;
    let outcome = insert_user(&mut tx, &user, role).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Checks and hashes a new password (before any transaction: hashing is slow on purpose).
pub async fn new_password_hash(
    password: Password,
) -> Result<Result<PasswordHash, WeakPassword>, sqlx::Error> {
    if let Err(weak) = check_strength(&password) {
        return Ok(Err(weak));
    }
    let hash = password::hash(password)
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    Ok(Ok(hash))
}

/// Replaces the account's password inside `tx`.
pub async fn set_password(
    tx: &mut Transaction<'_, Any>,
    user_id: i64,
    hash: &PasswordHash,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash.as_str())
        .bind(now_millis())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Is `email` some account's address (other than `except`'s)?
pub async fn email_in_use(
    tx: &mut Transaction<'_, Any>,
    email: &str,
    except: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1 AND id <> $2")
            .bind(email)
            .bind(except)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.is_some())
}

/// Makes `email` the account's confirmed address inside `tx`. `false` when another
/// account has taken the address meanwhile (nothing is changed then).
pub async fn confirm_email(
    tx: &mut Transaction<'_, Any>,
    user_id: i64,
    email: &str,
) -> Result<bool, sqlx::Error> {
    if email_in_use(tx, email, user_id).await? {
        return Ok(false);
    }
    let now = now_millis();
    sqlx::query(
        "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(email)
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Makes the customer account `email` a staff account. Every session of the account
/// ends in the same transaction: the new role starts with a fresh sign-in, so no
/// session id from before the change carries the new privileges. `None` when there is
/// no such customer (unknown, or staff already).
pub async fn promote_to_staff(db: &Db, email: &str) -> Result<Option<i64>, sqlx::Error> {
    let Some(email) = normalise_email(email) else {
        return Ok(None);
    };
    let mut tx = db.begin_write().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "UPDATE users SET role = 'staff', updated_at = $1
         WHERE email = $2 AND role = 'customer' RETURNING id",
    )
    .bind(now_millis())
    .bind(&email)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = id {
        super::devices::end_sessions(&mut tx, id, None).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A signed-in person, as the rest of the shop needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// The account holder has shown the address is theirs.
    pub email_verified: bool,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    role: String,
    password_hash: String,
    email_verified_at: Option<i64>,
}

impl UserRow {
    fn into_user(self) -> User {
        User {
            id: self.id,
            email: self.email,
            role: if self.role == "staff" {
                Role::Staff
            } else {
                Role::Customer
            },
            email_verified: self.email_verified_at.is_some(),
        }
    }
}

/// A hash of nothing anyone knows, checked when the email is unknown so that an
/// unknown email and a wrong password take the same time.
async fn dummy_hash() -> PasswordHash {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let phc = DUMMY
        .get_or_init(|| async {
            password::hash(Password::new("not a password anyone has".into()))
                .await
                .map(|h| h.as_str().to_owned())
                .unwrap_or_default()
        })
        .await;
    PasswordHash::from_stored(phc.clone())
}

/// The user with this email and password, or `None` for an unknown email or a wrong
/// password: callers cannot tell which, and neither can an observer's stopwatch.
pub async fn authenticate(
    db: &Db,
    email: &str,
    password: Password,
) -> Result<Option<User>, sqlx::Error> {
    let row = match normalise_email(email) {
        Some(email) => sqlx::query_as::<_, UserRow>(
            "SELECT id, email, role, password_hash, email_verified_at FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_optional(db.pool())
        .await?,
        None => None,
    };
    let hash = match &row {
        Some(row) => PasswordHash::from_stored(row.password_hash.clone()),
        None => dummy_hash().await,
    };
    let matches = password::verify(password, hash).await;
    Ok(row.filter(|_| matches).map(UserRow::into_user))
}

/// The user with this id, if the account still exists and is not disabled: a session
/// of a disabled account is nobody's, and no link signs it in.
pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<User>, sqlx::Error> {
    Ok(sqlx::query_as::<_, UserRow>(
        "SELECT id, email, role, password_hash, email_verified_at FROM users
         WHERE id = $1 AND disabled_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .map(UserRow::into_user))
}

/// Whether staff disabled the account `id` (it cannot sign in).
pub async fn is_disabled(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let disabled: Option<Option<i64>> =
        sqlx::query_scalar("SELECT disabled_at FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    Ok(matches!(disabled, Some(Some(_))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDb;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(
            normalise_email("  Ann@Example.COM "),
            Some("ann@example.com".into())
        );
        for bad in [
            "",
            "ann",
            "@example.com",
            "ann@example",
            "ann@.com",
            "a nn@example.com",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn a_second_account_with_the_same_email_is_refused() {
        let test = TestDb::new().await;
        let first = create_user(
            &test.db,
            "Owner@Shop.test",
            Password::new("long enough pass".into()),
            Role::Staff,
        )
        .await
        .unwrap();
        assert!(matches!(first, CreateUser::Created { .. }));
        let again = create_user(
            &test.db,
            "owner@shop.test",
            Password::new("another password".into()),
            Role::Customer,
        )
        .await
        .unwrap();
        assert_eq!(again, CreateUser::EmailTaken);
        let role: String = sqlx::query_scalar("SELECT role FROM users WHERE email = $1")
            .bind("owner@shop.test")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
        assert_eq!(role, "staff");
    }

    #[tokio::test]
    async fn weak_passwords_and_bad_emails_store_nothing() {
        let test = TestDb::new().await;
        let weak = create_user(
            &test.db,
            "a@shop.test",
            Password::new("short".into()),
            Role::Customer,
        )
        .await
        .unwrap();
        assert_eq!(weak, CreateUser::WeakPassword(WeakPassword::TooShort));
        let bad = create_user(
            &test.db,
            "not-an-email",
            Password::new("long enough pass".into()),
            Role::Customer,
        )
        .await
        .unwrap();
        assert_eq!(bad, CreateUser::InvalidEmail);
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
        assert_eq!(users, 0);
    }
}
