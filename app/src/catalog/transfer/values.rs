//! The small text conversions import and export share: prices, handles, HTML.

use crate::money::Currency;

/// `"12.50"` as minor units of `currency` (1250 pence), exactly, without floats.
/// Accepts digits with an optional decimal point and at most the currency's number of
/// decimals (extra trailing zeros are fine: `"12.500"`); no sign, no thousands separators.
pub fn parse_price(text: &str, currency: Currency) -> Option<i64> {
    let text = text.trim();
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    let exponent = currency.exponent() as usize;
    let (kept, extra) = fraction.split_at(fraction.len().min(exponent));
    if !extra.bytes().all(|b| b == b'0') {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut minor: i64 = if kept.is_empty() {
        0
    } else {
        kept.parse().ok()?
    };
    for _ in kept.len()..exponent {
        minor = minor.checked_mul(10)?;
    }
    whole
        .checked_mul(currency.minor_per_major())?
        .checked_add(minor)
}

/// Minor units written as Shopify writes prices: `1250` pence is `"12.50"`.
pub fn format_price(amount: i64, currency: Currency) -> String {
    let exponent = currency.exponent() as usize;
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    if exponent == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10u64.pow(exponent as u32);
    format!(
        "{sign}{}.{:0exponent$}",
        abs / scale,
        abs % scale,
        exponent = exponent
    )
}

/// A handle (product slug) or category slug: lower-case letters, digits and single
/// hyphens, neither first nor last.
pub fn is_handle(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Shopify's "Body (HTML)" as plain text: tags dropped (block ends become line
/// breaks), common entities decoded, blank runs collapsed. Plain text comes out as it
/// went in, so a Bazaar description survives a trip through a CSV file.
pub fn strip_html(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(['<', '&']) {
        text.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with('<') {
            let looks_like_tag = rest[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
            match rest.find('>') {
                Some(end) if looks_like_tag => {
                    let tag = rest[1..end].trim_start_matches('/').to_ascii_lowercase();
                    let name: String = tag
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                    if matches!(
                        name.as_str(),
                        "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                    ) && rest[1..].starts_with(['/', 'b', 'B'])
                    {
                        text.push('\n');
                    }
                    rest = &rest[end + 1..];
                }
                _ => {
                    text.push('<');
                    rest = &rest[1..];
                }
            }
        } else {
            let (decoded, used) = decode_entity(rest);
            text.push_str(&decoded);
            rest = &rest[used..];
        }
    }
    text.push_str(rest);
    tidy_lines(&text)
}

/// The entity at the start of `text` (which starts with `&`) and how many bytes it used;
/// an `&` that starts no known entity stays as it is.
fn decode_entity(text: &str) -> (String, usize) {
    let Some(end) = text.find(';').filter(|end| *end <= 10) else {
        return ("&".to_owned(), 1);
    };
    let name = &text[1..end];
    let decoded = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" | "#39" => Some('\''),
        "nbsp" => Some(' '),
        _ => name
            .strip_prefix('#')
            .and_then(|n| match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => n.parse().ok(),
            })
            .and_then(char::from_u32),
    };
    match decoded {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".to_owned(), 1),
    }
}

/// Trailing spaces off every line, at most one blank line in a row, no blank ends.
fn tidy_lines(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() && out.last().is_none_or(|last| last.is_empty()) {
            continue;
        }
        out.push(if line.trim().is_empty() { "" } else { line });
    }
    while out.last().is_some_and(|last| last.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbp(text: &str) -> Option<i64> {
        parse_price(text, Currency::GBP)
    }

    #[test]
    fn prices_become_exact_minor_units() {
        assert_eq!(gbp("12.50"), Some(1250));
        assert_eq!(gbp("12.5"), Some(1250));
        assert_eq!(gbp("12"), Some(1200));
        assert_eq!(gbp(" 0.99 "), Some(99));
        assert_eq!(gbp(".5"), Some(50));
        assert_eq!(gbp("12.500"), Some(1250));
        // 0.1 + 0.2 style float errors cannot happen: 19.99 is 1999 pence.
        assert_eq!(gbp("19.99"), Some(1999));
        assert_eq!(parse_price("1200", "JPY".parse().unwrap()), Some(1200));
        assert_eq!(parse_price("1.234", "KWD".parse().unwrap()), Some(1234));
    }

    #[test]
    fn anything_else_is_not_a_price() {
        for bad in [
            "12,5",
            "",
            ".",
            "-1",
            "+1",
            "1e3",
            "12.505",
            "£12",
            "1 000",
            "99999999999999999999",
        ] {
            assert_eq!(gbp(bad), None, "{bad:?}");
        }
        assert_eq!(parse_price("12.5", "JPY".parse().unwrap()), None);
    }

    #[test]
    fn prices_format_with_the_currency_decimals() {
        assert_eq!(format_price(1250, Currency::GBP), "12.50");
        assert_eq!(format_price(5, Currency::GBP), "0.05");
        assert_eq!(format_price(1200, "JPY".parse().unwrap()), "1200");
        for amount in [0, 1, 99, 100, 123_456_789] {
            assert_eq!(
                gbp(&format_price(amount, Currency::GBP)),
                Some(amount),
                "{amount}"
            );
        }
    }

    #[test]
    fn handles_are_slugs() {
        assert!(is_handle("amber-oak-bowl"));
        assert!(is_handle("bowl2"));
        for bad in ["", "Amber", "a b", "-a", "a-", "a--b", "bowl_2", "café"] {
            assert!(!is_handle(bad), "{bad:?}");
        }
    }

    #[test]
    fn html_becomes_plain_text() {
        assert_eq!(
            strip_html("<p>Hand-turned <strong>oak</strong> bowl.</p><p>Oiled &amp; waxed.</p>"),
            "Hand-turned oak bowl.\nOiled & waxed."
        );
        assert_eq!(strip_html("<ul><li>One</li><li>Two</li></ul>"), "One\nTwo");
        assert_eq!(strip_html("a<br>b<br/>c"), "a\nb\nc");
        assert_eq!(strip_html("&lt;tag&gt; &#8211; &#x41;"), "<tag> – A");
        assert_eq!(strip_html("<!-- note -->x"), "x");
    }

    #[test]
    fn plain_text_survives_stripping() {
        for plain in [
            "Salt & pepper, 2 < 3 and 5 > 4.",
            "Line one.\n\nLine two.",
            "A fine bowl for soups; 3 sizes.",
        ] {
            assert_eq!(strip_html(plain), plain);
        }
    }
}
