//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) as authenticator apps
//! make them: HMAC-SHA1, a 30-second step, 6 digits, a 160-bit secret shown in base32
//! (RFC 4648, no padding) or in an `otpauth://` URI. Pure functions of the secret and
//! the clock.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds one code is valid for.
pub const STEP_SECS: u64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;
/// Bytes in a secret: 160 bits, the HMAC-SHA1 output size RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;

/// A new secret from the operating system's random source.
pub fn new_secret() -> Result<[u8; SECRET_BYTES], getrandom::Error> {
    let mut secret = [0u8; SECRET_BYTES];
    getrandom::fill(&mut secret)?;
    Ok(secret)
}

/// The step a Unix time (seconds) falls in.
pub fn step_at(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// The HOTP value of `counter`, `digits` long (RFC 4226 section 5.3).
fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[digest.len() - 1] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

fn code_for_step(secret: &[u8], step: u64, digits: u32) -> String {
    format!(
        "{:0width$}",
        hotp(secret, step, digits),
        width = digits as usize
    )
}

/// The 6-digit code an authenticator shows at `unix_secs`.
pub fn code_at(secret: &[u8], unix_secs: u64) -> String {
    code_for_step(secret, step_at(unix_secs), DIGITS)
}

/// Equal strings, compared in a time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The step whose code `code` is, if it is the code of the previous, current or next
/// step at `unix_secs` (clocks drift) and later than `last_used_step` (a code works
/// once). Spaces in the code are ignored.
pub fn verify(
    secret: &[u8],
    code: &str,
    unix_secs: u64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_secs);
    // Every candidate is computed, so the time taken says nothing about which matched.
    let mut matched = None;
    for step in [now.saturating_sub(1), now, now + 1] {
        if same(
            code_for_step(secret, step, DIGITS).as_bytes(),
            code.as_bytes(),
        ) && last_used_step.is_none_or(|last| step > last)
            && matched.is_none()
        {
            matched = Some(step);
        }
    }
    matched
}

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32, upper case, without `=` padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32_ALPHABET[((buffer >> bits) & 0x1f) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32_ALPHABET[((buffer << (5 - bits)) & 0x1f) as usize] as char);
    }
    out
}

/// Decodes base32 in either case, ignoring spaces and trailing `=` padding; `None`
/// for any other character or for leftover bits that are not zero.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.trim_end_matches('=').chars() {
        if c.is_whitespace() {
            continue;
        }
        let value = BASE32_ALPHABET
            .iter()
            .position(|&a| a as char == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    (buffer == 0).then_some(out)
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The URI an authenticator app reads from the QR code (the "Key Uri Format").
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        account = percent_encode(account),
        secret = base32_encode(secret),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B: the SHA1 rows, 8 digits, key "12345678901234567890".
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            assert_eq!(code_for_step(secret, step_at(time), 8), code, "T = {time}");
        }
        // Six digits are the last six of the same value.
        assert_eq!(code_at(secret, 59), "287082");
    }

    #[test]
    fn base32_matches_the_rfc_4648_test_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(
                base32_decode(encoded).as_deref(),
                Some(plain.as_bytes()),
                "{encoded}"
            );
        }
        // Padded, lower-case and spaced input, as people copy it, decodes too.
        assert_eq!(
            base32_decode("mzxw 6ytb oi======").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(base32_decode("MZXW1"), None, "1 is not in the alphabet");
        let secret = new_secret().unwrap();
        assert_eq!(base32_encode(&secret).len(), 32);
        assert_eq!(base32_decode(&base32_encode(&secret)).unwrap(), secret);
    }

    #[test]
    fn codes_of_the_neighbouring_steps_are_accepted_and_no_others() {
        let secret = b"12345678901234567890";
        let now = 1111111111;
        let step = step_at(now);
        let at = |s: u64| s * STEP_SECS;
        assert_eq!(verify(secret, &code_at(secret, now), now, None), Some(step));
        assert_eq!(
            verify(secret, &code_at(secret, at(step - 1)), now, None),
            Some(step - 1)
        );
        assert_eq!(
            verify(secret, &code_at(secret, at(step + 1)), now, None),
            Some(step + 1)
        );
        assert_eq!(
            verify(secret, &code_at(secret, at(step - 2)), now, None),
            None
        );
        assert_eq!(
            verify(secret, &code_at(secret, at(step + 2)), now, None),
            None
        );
    }

    #[test]
    fn a_wrong_code_fails() {
        let secret = b"12345678901234567890";
        let now = 1234567890;
        let right = code_at(secret, now);
        let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert_eq!(verify(secret, &wrong, now, None), None);
        assert_eq!(verify(b"another secret here!", &right, now, None), None);
        for malformed in ["", "12345", "1234567", "12a456", "-12345"] {
            assert_eq!(verify(secret, malformed, now, None), None, "{malformed}");
        }
        // Spaces as apps show them ("123 456") are fine.
        let spaced = format!("{} {}", &right[..3], &right[3..]);
        assert!(verify(secret, &spaced, now, None).is_some());
    }

    #[test]
    fn a_step_already_used_is_refused() {
        let secret = b"12345678901234567890";
        let now = 1234567890;
        let step = step_at(now);
        let code = code_at(secret, now);
        assert_eq!(verify(secret, &code, now, Some(step - 1)), Some(step));
        assert_eq!(verify(secret, &code, now, Some(step)), None);
        // An older code is refused once a newer one has been used.
        let previous = code_at(secret, now - STEP_SECS);
        assert_eq!(verify(secret, &previous, now, Some(step)), None);
    }

    #[test]
    fn the_uri_names_issuer_account_and_parameters_percent_encoded() {
        let uri = otpauth_uri("Bazaar Shop", "ann+staff@shop.test", b"foobar");
        assert_eq!(
            uri,
            "otpauth://totp/Bazaar%20Shop:ann%2Bstaff%40shop.test?secret=MZXW6YTBOI\
             &issuer=Bazaar%20Shop&algorithm=SHA1&digits=6&period=30"
        );
    }
}
