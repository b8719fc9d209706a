//! Delivering an [`EmailMessage`]: over SMTP with lettre, or into an `.eml` file.

use super::EmailMessage;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// `BAZAAR_SMTP_URL`: `smtps://user:pass@host:465` (TLS), `smtp://host:587?tls=required`
/// (STARTTLS) or `smtp://host:25` (no TLS, for local test servers). It may hold a
/// password, so it never prints whole.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    pub fn new(url: impl Into<String>) -> SmtpUrl {
        SmtpUrl(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SmtpUrl {
    /// Everything but the credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.split_once("://") {
            Some((scheme, rest)) => match rest.rsplit_once('@') {
                Some((_credentials, host)) => write!(f, "\"{scheme}://***@{host}\""),
                None => write!(f, "{:?}", self.0),
            },
            None => f.write_str("\"***\""),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("the sender {0:?} is not a valid address such as `Bazaar <shop@example.com>`")]
    InvalidFrom(String),
    #[error("BAZAAR_SMTP_URL {url:?} is not usable: {reason}")]
    InvalidSmtpUrl { url: SmtpUrl, reason: String },
}

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The message cannot be sent as it is (a malformed address): retrying will not help.
    #[error("invalid message: {0}")]
    Invalid(String),
    /// The mail server refused it for good (a 5xx reply).
    #[error("rejected by the mail server: {0}")]
    Rejected(String),
    /// Worth trying again: the server is unreachable, timed out, or answered 4xx.
    #[error("mail server unavailable: {0}")]
    Unavailable(String),
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Invalid(_) | SendError::Rejected(_))
    }
}

/// Where a message went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Smtp,
    File(PathBuf),
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Sends the shop's emails from one sender address. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match &self.transport {
            Transport::Smtp(_) => "smtp".to_owned(),
            Transport::Files(dir) => format!("files in {}", dir.display()),
        };
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("transport", &transport)
            .finish()
    }
}

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

impl Mailer {
    /// Over SMTP when `smtp_url` is set, else as `.eml` files in `mail_dir`
    /// (`<BAZAAR_DATA_DIR>/mail`). `from` is `BAZAAR_MAIL_FROM`.
    pub fn new(
        smtp_url: Option<&SmtpUrl>,
        mail_dir: &Path,
        from: &str,
    ) -> Result<Mailer, MailerError> {
        match smtp_url {
            Some(url) => Mailer::smtp(url, from),
            None => Mailer::files(mail_dir, from),
        }
    }

    pub fn smtp(url: &SmtpUrl, from: &str) -> Result<Mailer, MailerError> {
        let invalid = |reason: String| MailerError::InvalidSmtpUrl {
            url: url.clone(),
            reason,
        };
        if !(url.0.starts_with("smtp://") || url.0.starts_with("smtps://")) {
            return Err(invalid("it must start with smtp:// or smtps://".to_owned()));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| invalid(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Mailer {
            from: parse_from(from)?,
            transport: Transport::Smtp(transport),
        })
    }

    /// Writes each message to a new `.eml` file in `dir` instead of sending it.
    pub fn files(dir: &Path, from: &str) -> Result<Mailer, MailerError> {
        Ok(Mailer {
            from: parse_from(from)?,
            transport: Transport::Files(dir.to_owned()),
        })
    }

    /// The domain of the sender's address, for Message-IDs.
    fn domain(&self) -> &str {
        self.from.email.domain()
    }

    /// Sends `message` with the Message-ID `<{id}@{sender's domain}>`: the same `id` on a
    /// retry lets receiving servers and clients recognise a duplicate.
    pub async fn send(&self, message: &EmailMessage, id: &str) -> Result<Delivered, SendError> {
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|e| SendError::Invalid(format!("recipient {:?}: {e}", message.to)))?;
        // A header holds one line: a stray line break must not start a new header.
        let subject: String = message
            .subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{id}@{}>", self.domain())))
            .multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                message.html.clone(),
            ))
            .map_err(|e| SendError::Invalid(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(smtp) => match smtp.send(email).await {
                Ok(_) => Ok(Delivered::Smtp),
                Err(e) if e.is_permanent() => Err(SendError::Rejected(e.to_string())),
                Err(e) => Err(SendError::Unavailable(e.to_string())),
            },
            Transport::Files(dir) => {
                let path = write_eml(dir, id, &email.formatted())
                    .await
                    .map_err(|e| SendError::Unavailable(format!("{}: {e}", dir.display())))?;
                tracing::info!(path = %path.display(), to = %message.to, subject = %message.subject,
                    "email written to a file (set BAZAAR_SMTP_URL to send it)");
                Ok(Delivered::File(path))
            }
        }
    }
}

/// The sender when `BAZAAR_MAIL_FROM` is not set: the shop's name at `no-reply@localhost`.
pub fn default_sender(shop_name: &str) -> String {
    // Quoted, so a name with commas, ampersands or quotes stays one display name.
    let quoted = shop_name.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{quoted}\" <no-reply@localhost>")
}

fn parse_from(from: &str) -> Result<Mailbox, MailerError> {
    from.parse()
        .map_err(|_| MailerError::InvalidFrom(from.to_owned()))
}

/// Writes `bytes` to `<dir>/<ms>-<id>-<n>.eml` whole: first to a temporary name, then
/// renamed, so nobody reads half a message.
async fn write_eml(dir: &Path, id: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    tokio::fs::create_dir_all(dir).await?;
    let safe_id: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = format!(
        "{}-{safe_id}-{}",
        crate::db::now_millis(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let partial = dir.join(format!(".{name}.part"));
    let path = dir.join(format!("{name}.eml"));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, &path).await?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> EmailMessage {
        EmailMessage {
            to: "Ada <ada@example.com>".to_owned(),
            subject: "Hello\r\nBcc: eve@example.com".to_owned(),
            text: "Plain words.".to_owned(),
            html: "<p>Rich words.</p>".to_owned(),
        }
    }

    #[test]
    fn an_smtp_url_never_prints_its_password() {
        let url = SmtpUrl::new("smtps://user:s3cret@mail.example:465");
        assert_eq!(format!("{url:?}"), "\"smtps://***@mail.example:465\"");
        let error = Mailer::smtp(&SmtpUrl::new("http://user:s3cret@x"), "shop@example.com")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("s3cret"), "{error}");
    }

    #[test]
    fn smtp_and_smtps_urls_are_accepted_and_bad_senders_refused() {
        let from = "Bazaar <shop@example.com>";
        assert!(Mailer::smtp(&SmtpUrl::new("smtps://u:p@mail.example:465"), from).is_ok());
        assert!(Mailer::smtp(&SmtpUrl::new("smtp://127.0.0.1:2525"), from).is_ok());
        assert!(Mailer::smtp(&SmtpUrl::new("mail.example:25"), from).is_err());
        assert!(matches!(
            Mailer::files(Path::new("mail"), "not an address"),
            Err(MailerError::InvalidFrom(_))
        ));
    }

    #[test]
    fn the_default_sender_is_the_shop_name_however_odd() {
        for name in ["Bazaar", "Tom & Jerry's, \"The\" Shop", "Back\\slash"] {
            let sender = default_sender(name);
            let mailbox = parse_from(&sender).unwrap_or_else(|e| panic!("{sender}: {e}"));
            assert_eq!(mailbox.name.as_deref(), Some(name));
            assert_eq!(mailbox.email.to_string(), "no-reply@localhost");
        }
    }

    #[tokio::test]
    async fn without_smtp_each_email_is_written_whole_to_an_eml_file() {
        let dir = std::env::temp_dir().join(format!("bazaar-mail-{}", std::process::id()));
        let mailer = Mailer::new(None, &dir.join("mail"), "Bazaar <shop@example.com>").unwrap();
        let delivered = mailer.send(&message(), "job-7").await.unwrap();
        let Delivered::File(path) = delivered else {
            panic!("expected a file, got {delivered:?}");
        };
        assert_eq!(path.parent(), Some(dir.join("mail").as_path()));
        assert!(path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with(".eml"));
        let eml = std::fs::read_to_string(&path).unwrap();
        assert!(
            eml.contains("Subject: Hello  Bcc: eve@example.com\r\n"),
            "{eml}"
        );
        assert!(!eml.contains("\r\nBcc:"), "{eml}");
        assert!(eml.contains("Message-ID: <job-7@example.com>\r\n"), "{eml}");
        assert!(eml.contains("To: Ada <ada@example.com>\r\n"), "{eml}");
        assert!(eml.contains("Plain words.") && eml.contains("<p>Rich words.</p>"));
        let files = std::fs::read_dir(dir.join("mail")).unwrap().count();
        assert_eq!(files, 1, "no partial file is left behind");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_malformed_recipient_is_a_permanent_error() {
        let mailer = Mailer::files(Path::new("unused"), "shop@example.com").unwrap();
        let mut bad = message();
        bad.to = "not an address".to_owned();
        let error = mailer.send(&bad, "job-1").await.unwrap_err();
        assert!(error.is_permanent(), "{error:?}");
    }
}
