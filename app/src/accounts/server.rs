//! Account queries and rules.

use super::password::{self, check_strength, Password, PasswordHash, WeakPassword};
use crate::db::{now_millis, Db};

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

pub async fn create_user(
    db: &Db,
    email: &str,
    password: Password,
    role: Role,
) -> Result<CreateUser, sqlx::Error> {
    let Some(email) = normalise_email(email) else {
        return Ok(CreateUser::InvalidEmail);
    };
    if let Err(weak) = check_strength(&password) {
        return Ok(CreateUser::WeakPassword(weak));
    }
    let hash = password::hash(password)
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let now = now_millis();
    // ON CONFLICT keeps the check and the insert one statement: no race, no error parsing.
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(&email)
    .bind(hash.as_str())
    .bind(role.as_str())
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    Ok(match id {
        Some(id) => CreateUser::Created { id },
        None => CreateUser::EmailTaken,
    })
}

/// A signed-in person, as the rest of the shop needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    role: String,
    password_hash: String,
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
        Some(email) => {
            sqlx::query_as::<_, UserRow>(
                "SELECT id, email, role, password_hash FROM users WHERE email = $1",
            )
            .bind(email)
            .fetch_optional(db.pool())
            .await?
        }
        None => None,
    };
    let hash = match &row {
        Some(row) => PasswordHash::from_stored(row.password_hash.clone()),
        None => dummy_hash().await,
    };
    let matches = password::verify(password, hash).await;
    Ok(row.filter(|_| matches).map(UserRow::into_user))
}

/// The user with this id, if the account still exists.
pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<User>, sqlx::Error> {
    Ok(sqlx::query_as::<_, UserRow>(
        "SELECT id, email, role, password_hash FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .map(UserRow::into_user))
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
