//! Webhook signatures in Stripe's scheme, made and checked with no HTTP, SQL or clock of
//! their own: Stripe's deliveries to us (`Stripe-Signature`) and ours to the shop's own
//! webhook endpoints (`Bazaar-Signature`) are signed the same way, by this one code.
//!
//! The sender signs each delivery with the endpoint's secret: the header is
//! `t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=…][,v0=…]`, and each `v1` is the HMAC of
//! `"{t}.{raw body}"`. There may be several `v1`s while a secret is being rolled, so the
//! body is genuine if any one of them matches. Each comparison takes the same time whatever
//! the bytes, and every candidate is compared, so the timing tells nothing about the
//! expected signature. A timestamp more than [`TOLERANCE_SECONDS`] away from now is
//! refused, so a delivery captured once cannot be replayed later.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's timestamp may be from now, either way (Stripe's own default).
pub const TOLERANCE_SECONDS: i64 = 300;

/// Why a delivery is not accepted as signed by the holder of the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is missing")]
    Missing,
    #[error("the signature header cannot be read")]
    Malformed,
    #[error("no v1 signature in the signature header matches the body")]
    Mismatch,
    #[error("the signature's timestamp is more than {TOLERANCE_SECONDS} seconds from now")]
    Stale,
}

/// The parts of a signature header that matter: the timestamp as sent (it is
/// signed as text) and the `v1` signatures that are well-formed hex.
struct Header<'a> {
    timestamp_text: &'a str,
    timestamp: i64,
    signatures: Vec<Vec<u8>>,
}

fn parse(header: &str) -> Result<Header<'_>, SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    let mut v1_count = 0;
    for item in header.split(',') {
        let (key, value) = item
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" if timestamp.is_none() => timestamp = Some(value),
            "t" => return Err(SignatureError::Malformed),
            "v1" => {
                v1_count += 1;
                // A v1 that is not hex can never match; the others may still.
                if let Some(bytes) = decode_hex(value) {
                    signatures.push(bytes);
                }
            }
            // Other schemes (v0 is Stripe's test-only scheme) are not trusted.
            _ => {}
        }
    }
    let timestamp_text = timestamp.ok_or(SignatureError::Malformed)?;
    if v1_count == 0
        || timestamp_text.is_empty()
        || !timestamp_text.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(SignatureError::Malformed);
    }
    let timestamp = timestamp_text
        .parse()
        .map_err(|_| SignatureError::Malformed)?;
    Ok(Header {
        timestamp_text,
        timestamp,
        signatures,
    })
}

fn mac_for(secret: &[u8], timestamp_text: &str, payload: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(timestamp_text.as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

/// Accepts `payload` as signed by the holder of `secret` if `header` carries a `v1` signature of it made
/// with `secret`, timestamped within [`TOLERANCE_SECONDS`] of `now_unix`. Returns the
/// signature's timestamp.
pub fn verify(
    header: Option<&str>,
    payload: &[u8],
    secret: &[u8],
    now_unix: i64,
) -> Result<i64, SignatureError> {
    let header = parse(header.ok_or(SignatureError::Missing)?)?;
    let mac = mac_for(secret, header.timestamp_text, payload);
    // `verify_slice` compares in constant time; every candidate is tried, so how long
    // this takes does not depend on which one (if any) matched.
    let matched = header.signatures.iter().fold(false, |matched, candidate| {
        mac.clone().verify_slice(candidate).is_ok() | matched
    });
    if !matched {
        return Err(SignatureError::Mismatch);
    }
    if now_unix.abs_diff(header.timestamp) > TOLERANCE_SECONDS as u64 {
        return Err(SignatureError::Stale);
    }
    Ok(header.timestamp)
}

/// A signature header for `payload` signed with `secret` at `timestamp` (Unix seconds): what
/// the shop's outgoing webhooks send, and what tests and hand-sent events use as Stripe's.
pub fn sign(secret: &[u8], timestamp: i64, payload: &[u8]) -> String {
    let text = timestamp.to_string();
    let tag = mac_for(secret, &text, payload).finalize().into_bytes();
    format!("t={text},v1={}", encode_hex(&tag))
}

fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_signature_made_with_the_secret_is_accepted() {
        let header = sign(SECRET, NOW, BODY);
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW), Ok(NOW));
        // Within the tolerance either way (clocks drift both ways).
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW + 300), Ok(NOW));
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW - 300), Ok(NOW));
    }

    #[test]
    fn a_forged_signature_is_refused() {
        let header = sign(b"whsec_someone_else", NOW, BODY);
        assert_eq!(
            verify(Some(&header), BODY, SECRET, NOW),
            Err(SignatureError::Mismatch)
        );
        // The right secret over another body.
        let header = sign(SECRET, NOW, b"{}");
        assert_eq!(
            verify(Some(&header), BODY, SECRET, NOW),
            Err(SignatureError::Mismatch)
        );
        // A body changed by one byte after signing.
        let header = sign(SECRET, NOW, BODY);
        let mut changed = BODY.to_vec();
        changed[2] ^= 1;
        assert_eq!(
            verify(Some(&header), &changed, SECRET, NOW),
            Err(SignatureError::Mismatch)
        );
        // A signature moved to another timestamp.
        let genuine = sign(SECRET, NOW, BODY);
        let moved = genuine.replace(&format!("t={NOW}"), &format!("t={}", NOW + 1));
        assert_eq!(
            verify(Some(&moved), BODY, SECRET, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_stale_or_future_timestamp_is_refused() {
        let old = sign(SECRET, NOW - 301, BODY);
        assert_eq!(
            verify(Some(&old), BODY, SECRET, NOW),
            Err(SignatureError::Stale)
        );
        let future = sign(SECRET, NOW + 301, BODY);
        assert_eq!(
            verify(Some(&future), BODY, SECRET, NOW),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn any_one_of_several_v1_signatures_may_match() {
        let genuine = sign(SECRET, NOW, BODY);
        let v1 = genuine.split_once(",v1=").unwrap().1;
        let forged = "0".repeat(64);
        let header = format!("t={NOW},v1={forged},v1={v1},v0=abc");
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW), Ok(NOW));
        let header = format!("t={NOW}, v1={v1}, v1={forged}");
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW), Ok(NOW));
        // A v1 that is not hex does not spoil the others.
        let header = format!("t={NOW},v1=not-hex,v1={v1}");
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW), Ok(NOW));
        // Only a v0 (Stripe's test scheme) is never trusted.
        let header = format!("t={NOW},v0={v1}");
        assert_eq!(
            verify(Some(&header), BODY, SECRET, NOW),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn a_missing_or_malformed_header_is_refused() {
        assert_eq!(
            verify(None, BODY, SECRET, NOW),
            Err(SignatureError::Missing)
        );
        let v1 = sign(SECRET, NOW, BODY)
            .split_once(",v1=")
            .unwrap()
            .1
            .to_owned();
        for header in [
            String::new(),
            "garbage".to_owned(),
            format!("v1={v1}"),
            format!("t=,v1={v1}"),
            format!("t=-{NOW},v1={v1}"),
            format!("t=12abc,v1={v1}"),
            format!("t={NOW}"),
            format!("t={NOW},t={NOW},v1={v1}"),
            format!("t={NOW};v1={v1}"),
            format!("t=99999999999999999999999,v1={v1}"),
        ] {
            assert_eq!(
                verify(Some(&header), BODY, SECRET, NOW),
                Err(SignatureError::Malformed),
                "{header}"
            );
        }
    }

    #[test]
    fn hex_round_trips() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(decode_hex(&encode_hex(&bytes)), Some(bytes.to_vec()));
        assert_eq!(decode_hex("ABff"), Some(vec![0xab, 0xff]));
        assert_eq!(decode_hex("abc"), None);
        assert_eq!(decode_hex("zz"), None);
        assert_eq!(decode_hex("é12"), None);
    }
}
