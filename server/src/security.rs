//! Site-wide protections: a Content-Security-Policy that lets only our own scripts run
//! (Leptos' inline hydration script carries a per-response nonce), the usual hardening
//! headers, and refusal of state-changing requests that another site started.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The policy for pages rendered with `nonce`. `'wasm-unsafe-eval'` lets the page
/// compile our own WebAssembly; it does not allow `eval` of strings. `blob:` images are
/// the staff photo form's previews of files not yet uploaded (object URLs made by the
/// page itself).
pub fn content_security_policy(nonce: &str) -> String {
    // `cargo leptos watch` reloads pages over a websocket on its own port.
    let reload = std::env::var("LEPTOS_WATCH")
        .ok()
        .map(|_| " ws: wss:")
        .unwrap_or("");
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; connect-src 'self'{reload}; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Puts the policy for this response's nonce on a page being rendered by Leptos.
pub fn set_page_policy() {
    use leptos::prelude::use_context;
    let nonce = leptos::nonce::use_nonce();
    let response = use_context::<leptos_axum::ResponseOptions>();
    if let (Some(nonce), Some(response)) = (nonce, response) {
        if let Ok(value) = HeaderValue::from_str(&content_security_policy(&nonce)) {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// The nonce a policy names, if any.
pub fn nonce_in_policy(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let end = policy[start..].find('\'')? + start;
    Some(&policy[start..end])
}

/// Browsers keep to HTTPS for a year once they have seen the shop over it.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Headers every response carries.
const HARDENING: [(HeaderName, &str); 3] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    (header::X_FRAME_OPTIONS, "DENY"),
];

/// Adds the hardening headers a response does not set itself.
pub async fn harden(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    for (name, value) in HARDENING {
        response
            .headers_mut()
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}

/// Did another site start this request? Browsers say so in `Sec-Fetch-Site`; older
/// ones send an `Origin` we can compare with `Host`. Requests with neither come from
/// programs, not from a page on another site, so they are not cross-site forgeries.
fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            !origin_host.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

/// Refuses POST, PUT, PATCH and DELETE that another site started (403).
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if writes && is_cross_site(request.headers()) {
        tracing::warn!(uri = %request.uri(), "refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    #[test]
    fn only_other_sites_are_cross_site() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        let host = ("host", "shop.example:3000");
        assert!(!is_cross_site(&headers(&[
            ("origin", "http://shop.example:3000"),
            host
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            host
        ])));
        assert!(is_cross_site(&headers(&[("origin", "null"), host])));
        assert!(!is_cross_site(&headers(&[host])));
    }

    #[test]
    fn the_policy_names_its_nonce() {
        let policy = content_security_policy("abc_-1");
        assert_eq!(nonce_in_policy(&policy), Some("abc_-1"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert_eq!(nonce_in_policy("default-src 'self'"), None);
    }
}
