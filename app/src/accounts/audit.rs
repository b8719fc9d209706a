//! The audit log of security events: who, what, when, from where.

use crate::db::{now_millis, Db};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    SignedIn,
    SignInRefused,
    SignInThrottled,
    SignedOut,
    Registered,
    EmailVerified,
    EmailChanged,
    PasswordChanged,
    PasswordResetRequested,
    PasswordReset,
    /// One session ended by the account holder from the sessions list.
    SessionRevoked,
    /// Every other session ended ("log out everywhere else", a reset, a new password).
    OtherSessionsRevoked,
    RoleChanged,
    TwoFactorEnabled,
    TwoFactorDisabled,
    TwoFactorRefused,
    RecoveryCodeUsed,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::SignedIn => "sign_in",
            Event::SignInRefused => "sign_in_refused",
            Event::SignInThrottled => "sign_in_throttled",
            Event::SignedOut => "sign_out",
            Event::Registered => "register",
            Event::EmailVerified => "email_verified",
            Event::EmailChanged => "email_changed",
            Event::PasswordChanged => "password_changed",
            Event::PasswordResetRequested => "password_reset_requested",
            Event::PasswordReset => "password_reset",
            Event::SessionRevoked => "session_revoked",
            Event::OtherSessionsRevoked => "other_sessions_revoked",
            Event::RoleChanged => "role_changed",
            Event::TwoFactorEnabled => "two_factor_enabled",
            Event::TwoFactorDisabled => "two_factor_disabled",
            Event::TwoFactorRefused => "two_factor_refused",
            Event::RecoveryCodeUsed => "recovery_code_used",
        }
    }
}

/// Where a request came from, as the log records it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: String,
    pub user_agent: String,
}

/// Longest user agent kept; the rest is noise or an attack on the log.
const MAX_USER_AGENT: usize = 400;

/// Records `event`. A failure to record is logged, never shown to the shopper: the
/// action itself has already happened.
pub async fn record(
    db: &Db,
    event: Event,
    user_id: Option<i64>,
    email: Option<&str>,
    origin: &Origin,
) {
    let user_agent: String = origin.user_agent.chars().take(MAX_USER_AGENT).collect();
    let result = sqlx::query(
        "INSERT INTO audit_log (at, event, user_id, email, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now_millis())
    .bind(event.as_str())
    .bind(user_id)
    .bind(email)
    .bind(&origin.ip)
    .bind(user_agent)
    .execute(db.pool())
    .await;
    if let Err(error) = result {
        tracing::error!(%error, event = event.as_str(), "could not write the audit log");
    }
}
