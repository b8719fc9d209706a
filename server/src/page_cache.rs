//! A cache of whole responses for anonymous GETs (pages and API reads), so a shop
//! answers its busiest pages at close to the speed of a static file. An entry is
//! valid for the catalog revision it was rendered at: any catalog write moves the
//! revision (see the search index's change feed) and so retires every entry. Only
//! pages and reads of the catalog are cached; requests that carry a session cookie or
//! credentials, ask for revalidation (`Cache-Control: no-cache`) or
//! are conditional always reach the handler; so do non-200 answers.

use app::search::index::SearchIndex;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Entries kept; past this the cache starts again empty (simple and bounded).
const MAX_ENTRIES: usize = 2_000;
/// Larger bodies are not worth holding in memory.
const MAX_BODY: usize = 1 << 20;
/// The session cookie's name (tower-sessions' default).
const SESSION_COOKIE: &str = "id";

struct Entry {
    revision: i64,
    headers: HeaderMap,
    body: Bytes,
    /// The script nonce in the page and its policy: replaced on every replay, so no
    /// two responses share one.
    nonce: Option<String>,
}

/// The entry as a new response, with a fresh nonce where it has one.
fn replay(entry: &Entry) -> Response {
    let mut headers = entry.headers.clone();
    let body = match &entry.nonce {
        Some(old) => {
            let fresh = leptos::nonce::Nonce::new().to_string();
            if let Some(policy) = headers
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| HeaderValue::from_str(&v.replace(old.as_str(), &fresh)).ok())
            {
                headers.insert(header::CONTENT_SECURITY_POLICY, policy);
            }
            let html = String::from_utf8_lossy(&entry.body).replace(old.as_str(), &fresh);
            Bytes::from(html)
        }
        None => entry.body.clone(),
    };
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    response
}

#[derive(Clone)]
pub struct PageCache {
    index: SearchIndex,
    entries: Arc<RwLock<HashMap<String, Entry>>>,
}

impl PageCache {
    pub fn new(index: SearchIndex) -> PageCache {
        PageCache {
            index,
            entries: Arc::default(),
        }
    }
}

fn has_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|cookie| cookie.trim().split('=').next() == Some(SESSION_COOKIE))
}

/// Pages and API reads that depend on the catalog alone, so the catalog revision says
/// when they change. Anything else (accounts, links from emails, later carts and orders)
/// depends on more, and is never cached.
fn shows_only_the_catalog(path: &str) -> bool {
    matches!(
        path,
        "/" | "/search" | "/api/v1/openapi.json" | "/api/v1/docs"
    ) || [
        "/categories/",
        "/products/",
        "/api/v1/products",
        "/api/v1/categories",
        "/api/v1/search/",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
}

fn cacheable(request: &Request) -> bool {
    let headers = request.headers();
    request.method() == Method::GET
        && shows_only_the_catalog(request.uri().path())
        && !headers.contains_key(header::AUTHORIZATION)
        && !headers.contains_key(header::IF_NONE_MATCH)
        && !headers.contains_key(header::IF_MODIFIED_SINCE)
        && !headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-cache") || v.contains("no-store"))
        && !has_session(headers)
}

fn marked(mut response: Response, state: &'static str) -> Response {
    response
        .headers_mut()
        .insert("x-cache", HeaderValue::from_static(state));
    response
}

pub async fn serve_cached(
    State(cache): State<PageCache>,
    request: Request,
    next: Next,
) -> Response {
    if !cacheable(&request) {
        return next.run(request).await;
    }
    let key = request.uri().to_string();
    let revision = cache.index.revision();
    {
        let entries = cache.entries.read().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = entries.get(&key).filter(|e| e.revision == revision) {
            return marked(replay(entry), "hit");
        }
    }
    let response = next.run(request).await;
    // Redirects (even ones answered as 200 to a script) and cookies are per request.
    let headers = response.headers();
    if response.status() != StatusCode::OK
        || headers.contains_key(header::SET_COOKIE)
        || headers.contains_key(header::LOCATION)
    {
        return marked(response, "bypass");
    }
    let (parts, body) = response.into_parts();
    // Our own handlers build these bodies in memory, so reading them cannot fail
    // for want of a peer; if it fails anyway, say so rather than send half a page.
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%key, %error, "could not read a response body to cache");
            let mut failed = Response::new(Body::empty());
            *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return failed;
        }
    };
    if body.len() <= MAX_BODY {
        let mut entries = cache.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                revision,
                headers: parts.headers.clone(),
                body: body.clone(),
                nonce: parts
                    .headers
                    .get(header::CONTENT_SECURITY_POLICY)
                    .and_then(|v| v.to_str().ok())
                    .and_then(crate::security::nonce_in_policy)
                    .map(str::to_owned),
            },
        );
    }
    marked(Response::from_parts(parts, Body::from(body)), "miss")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_cookie_named_id_counts_as_a_session() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "theme=dark; id=abc".parse().unwrap());
        assert!(has_session(&headers));
        headers.insert(header::COOKIE, "idea=1; theme=dark".parse().unwrap());
        assert!(!has_session(&headers));
    }

    #[test]
    fn only_catalog_pages_and_reads_are_cached() {
        for path in [
            "/",
            "/search",
            "/categories/lamps",
            "/products/oak-lamp",
            "/api/v1/products",
        ] {
            assert!(shows_only_the_catalog(path), "{path}");
        }
        for path in [
            "/login",
            "/account",
            "/account/reset-password",
            "/account/verify-email",
            "/healthz",
            "/pkg/bazaar.js",
            "/media/imported/a.png",
            "/rpc/current_account",
        ] {
            assert!(!shows_only_the_catalog(path), "{path}");
        }
    }
}
