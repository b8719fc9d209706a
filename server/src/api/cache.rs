//! JSON responses that caches and clients can revalidate cheaply.

use super::problem::Problem;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Catalog reads may be a minute old in a shared cache; then they are revalidated.
const CACHE_CONTROL: &str = "public, max-age=60";

/// FNV-1a: a fast, stable 64-bit fingerprint, the same on every server instance.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Does `If-None-Match` name `etag` (or `*`)? Weak comparison, as RFC 9110 asks.
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == "*" || bare(tag) == bare(etag))
}

/// `value` as JSON with an `ETag`, or 304 when the client already has it.
pub fn json<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(body) => body,
        Err(error) => return Problem::internal(&error).into_response(),
    };
    // Weak: the body may be compressed on the way out.
    let etag = format!("W/\"{:016x}\"", fingerprint(&body));
    let etag_value = HeaderValue::from_str(&etag).expect("hex is a valid header value");
    let cache = HeaderValue::from_static(CACHE_CONTROL);
    if matches(headers, &etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists() {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, "\"a\", W/\"b\"".parse().unwrap());
        assert!(matches(&headers, "W/\"b\""));
        assert!(matches(&headers, "W/\"a\""));
        assert!(!matches(&headers, "W/\"c\""));
        assert!(!matches(&HeaderMap::new(), "W/\"a\""));
    }

    #[test]
    fn fingerprints_differ_when_bytes_do() {
        assert_eq!(fingerprint(b"abc"), fingerprint(b"abc"));
        assert_ne!(fingerprint(b"abc"), fingerprint(b"abd"));
    }
}
