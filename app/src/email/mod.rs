//! Email: the messages the shop sends, their templates, and the [`Mailer`] that delivers
//! them, over SMTP (`BAZAAR_SMTP_URL`) or, with nothing configured, as `.eml` files under
//! `<BAZAAR_DATA_DIR>/mail/` so a local shop needs no mail server.
//!
//! Emails never go out from a request: [`enqueue_email`] writes one into the job queue in
//! the transaction of the change that causes it, and the worker's [`EmailJobs`] handler
//! sends it after commit, retrying while the mail server is away.

mod jobs;
mod mailer;
mod templates;

/// A real SMTP server (aiosmtpd) for the tests of this crate and the server's.
pub mod smtp_sink;

pub use jobs::{enqueue_email, message_id, EmailJobs, EMAIL_JOB};
pub use mailer::{default_sender, Delivered, Mailer, MailerError, SendError, SmtpUrl};
pub use templates::{
    escape_html, notice, password_reset, verify_email, InvalidPublicUrl, Shop, RESET_PASSWORD_PATH,
    VERIFY_EMAIL_PATH,
};

use serde::{Deserialize, Serialize};

/// One rendered email to one recipient: what an email job's payload holds, so a queued
/// message goes out as it was written even if templates change meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMessage {
    /// The recipient's address (`ada@example.com` or `Ada <ada@example.com>`).
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}
