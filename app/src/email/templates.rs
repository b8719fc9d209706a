//! The shop's emails, each as plain text and HTML. Every value put into HTML goes
//! through [`escape_html`]; every link is absolute, built from the shop's public URL.

use super::EmailMessage;

/// Where the link in a verification email leads (the token is its `token` parameter).
pub const VERIFY_EMAIL_PATH: &str = "/account/verify-email";
/// Where the link in a password-reset email leads (the token is its `token` parameter).
pub const RESET_PASSWORD_PATH: &str = "/account/reset-password";

/// What emails say about the shop: its name (`BAZAAR_SHOP_NAME`, "Bazaar") and the URL
/// shoppers reach it at (`BAZAAR_PUBLIC_URL`, `http://127.0.0.1:3000`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shop {
    name: String,
    /// Without a trailing slash.
    public_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the public URL {0:?} must start with http:// or https:// and name a host")]
pub struct InvalidPublicUrl(pub String);

impl Default for Shop {
    /// The shop as `make run` serves it: "Bazaar" at `http://127.0.0.1:3000`.
    fn default() -> Shop {
        Shop {
            name: "Bazaar".to_owned(),
            public_url: "http://127.0.0.1:3000".to_owned(),
        }
    }
}

impl Shop {
    pub fn new(name: &str, public_url: &str) -> Result<Shop, InvalidPublicUrl> {
        let trimmed = public_url.trim().trim_end_matches('/');
        let host = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .unwrap_or("");
        if host.is_empty() || host.contains(char::is_whitespace) || host.contains(['?', '#']) {
            return Err(InvalidPublicUrl(public_url.to_owned()));
        }
        Ok(Shop {
            name: name.trim().to_owned(),
            public_url: trimmed.to_owned(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The absolute URL of `path` (which starts with `/`) on the shop.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    fn token_url(&self, path: &str, token: &str) -> String {
        self.url(&format!("{path}?token={}", percent_encode(token)))
    }
}

/// The email asking a new customer to confirm their address.
pub fn verify_email(shop: &Shop, to: &str, token: &str) -> EmailMessage {
    let link = shop.token_url(VERIFY_EMAIL_PATH, token);
    let shop_name = shop.name();
    Letter {
        subject: format!("Confirm your email address for {shop_name}"),
        paragraphs: vec![
            format!("Welcome to {shop_name}! Please confirm that this is your email address."),
            "If you did not create an account, you can ignore this email.".to_owned(),
        ],
        action: Some(("Confirm my email address", link)),
    }
    .render(shop, to)
}

/// The email with a link to choose a new password.
pub fn password_reset(shop: &Shop, to: &str, token: &str, valid_minutes: u32) -> EmailMessage {
    let link = shop.token_url(RESET_PASSWORD_PATH, token);
    Letter {
        subject: format!("Reset your {} password", shop.name()),
        paragraphs: vec![
            "Someone asked to reset the password of your account. Use the link to choose a new one."
                .to_owned(),
            format!(
                "The link works once, for {valid_minutes} minutes. If you did not ask, you can \
                 ignore this email: your password stays as it is."
            ),
        ],
        action: Some(("Choose a new password", link)),
    }
    .render(shop, to)
}

/// A generic notice: a subject, paragraphs of plain text, and optionally a button to a
/// page of the shop (`path` starts with `/`).
pub fn notice(
    shop: &Shop,
    to: &str,
    subject: &str,
    paragraphs: &[&str],
    action: Option<(&str, &str)>,
) -> EmailMessage {
    Letter {
        subject: subject.to_owned(),
        paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
        action: action.map(|(label, path)| (label, shop.url(path))),
    }
    .render(shop, to)
}

/// The one layout every email shares.
struct Letter<'a> {
    subject: String,
    paragraphs: Vec<String>,
    /// A button's label and absolute URL.
    action: Option<(&'a str, String)>,
}

impl Letter<'_> {
    fn render(self, shop: &Shop, to: &str) -> EmailMessage {
        let mut text = String::new();
        for paragraph in &self.paragraphs {
            text.push_str(paragraph);
            text.push_str("\n\n");
        }
        if let Some((label, url)) = &self.action {
            text.push_str(&format!("{label}:\n{url}\n\n"));
        }
        text.push_str(&format!("-- \n{}\n{}\n", shop.name(), shop.public_url()));

        let mut body = String::new();
        for paragraph in &self.paragraphs {
            body.push_str(&format!(
                "<p style=\"margin:0 0 16px\">{}</p>\n",
                escape_html(paragraph)
            ));
        }
        if let Some((label, url)) = &self.action {
            body.push_str(&format!(
                "<p style=\"margin:24px 0\"><a href=\"{url}\" style=\"background:#1f4e79;color:#fff;\
                 padding:10px 18px;border-radius:4px;text-decoration:none\">{label}</a></p>\n\
                 <p style=\"margin:0 0 16px;font-size:13px;color:#555\">Or copy this link into \
                 your browser: <a href=\"{url}\">{url}</a></p>\n",
                url = escape_html(url),
                label = escape_html(label),
            ));
        }
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
             <title>{subject}</title></head>\n\
             <body style=\"margin:0;padding:24px;font-family:sans-serif;line-height:1.5;color:#222\">\n\
             <h1 style=\"font-size:20px;margin:0 0 24px\">{shop}</h1>\n{body}\
             <p style=\"margin:32px 0 0;font-size:13px;color:#555\"><a href=\"{home}\">{shop}</a></p>\n\
             </body>\n</html>\n",
            subject = escape_html(&self.subject),
            shop = escape_html(shop.name()),
            home = escape_html(&shop.url("/")),
        );
        EmailMessage {
            to: to.to_owned(),
            subject: self.subject,
            text,
            html,
        }
    }
}

/// `value` safe to put in HTML text and in quoted attribute values.
pub fn escape_html(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// `value` as one URL query value: everything but RFC 3986's unreserved characters escaped.
fn percent_encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shop() -> Shop {
        Shop::new("Tom & Jerry's <Shop>", "https://shop.example/").unwrap()
    }

    #[test]
    fn a_public_url_must_be_http_with_a_host() {
        assert_eq!(
            Shop::new("Bazaar", "http://127.0.0.1:3000")
                .unwrap()
                .url("/x"),
            "http://127.0.0.1:3000/x"
        );
        for bad in [
            "",
            "shop.example",
            "ftp://shop.example",
            "https://",
            "https://a b",
        ] {
            assert!(Shop::new("Bazaar", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn verification_links_are_absolute_and_carry_the_token() {
        let email = verify_email(&shop(), "ada@example.com", "abc-123_x");
        let link = "https://shop.example/account/verify-email?token=abc-123_x";
        assert_eq!(email.to, "ada@example.com");
        assert_eq!(
            email.subject,
            "Confirm your email address for Tom & Jerry's <Shop>"
        );
        assert!(
            email.text.contains(&format!("\n{link}\n")),
            "{}",
            email.text
        );
        assert!(
            email.html.contains(&format!("href=\"{link}\"")),
            "{}",
            email.html
        );
    }

    #[test]
    fn password_reset_links_encode_the_token_and_say_how_long_they_work() {
        let email = password_reset(&shop(), "ada@example.com", "a+b/c=&d", 30);
        let link = "https://shop.example/account/reset-password?token=a%2Bb%2Fc%3D%26d";
        assert_eq!(email.subject, "Reset your Tom & Jerry's <Shop> password");
        assert!(email.text.contains(link) && email.text.contains("30 minutes"));
        assert!(email.html.contains(&format!("href=\"{link}\"")));
    }

    #[test]
    fn everything_put_into_html_is_escaped() {
        let email = notice(
            &shop(),
            "ada@example.com",
            "Your <b>order</b>",
            &["Thanks for buying \"Spoon <script>alert(1)</script>\" & more."],
            Some(("See 'orders'", "/orders?x=1&y=2")),
        );
        assert!(!email.html.contains("<script>") && !email.html.contains("<b>"));
        assert!(email
            .html
            .contains("Spoon &lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; more"));
        assert!(email
            .html
            .contains("<title>Your &lt;b&gt;order&lt;/b&gt;</title>"));
        assert!(email.html.contains(
            "<h1 style=\"font-size:20px;margin:0 0 24px\">Tom &amp; Jerry&#39;s &lt;Shop&gt;</h1>"
        ));
        assert!(email
            .html
            .contains("href=\"https://shop.example/orders?x=1&amp;y=2\""));
        assert!(email.html.contains(">See &#39;orders&#39;</a>"));
        // Plain text stays as written.
        assert!(email
            .text
            .contains("\"Spoon <script>alert(1)</script>\" & more."));
        assert!(email.text.contains("https://shop.example/orders?x=1&y=2"));
        assert_eq!(email.subject, "Your <b>order</b>");
    }

    #[test]
    fn a_notice_without_an_action_has_no_link_but_the_shop() {
        let email = notice(&shop(), "ada@example.com", "Hello", &["One.", "Two."], None);
        assert_eq!(
            email.text,
            "One.\n\nTwo.\n\n-- \nTom & Jerry's <Shop>\nhttps://shop.example\n"
        );
        assert_eq!(email.html.matches("<a ").count(), 1);
    }
}
