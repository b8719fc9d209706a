//! `Idempotency-Key` on every API write (POST, PUT, PATCH, DELETE), as one middleware
//! around all handlers: a write sent with a key by a token claims the key (see
//! `app::staff::tokens::idempotency`), runs, and its answer is kept for 24 hours; a retry
//! with the same key and the same request gets that first answer again, marked
//! `Idempotent-Replayed: true`, without writing. The same key with another request is
//! 422, and a retry while the first is still running is 409. Answers of 5xx are not kept,
//! so a retry after a fault of ours runs again.

use super::problem::{Kind, Problem};
use app::staff::tokens::idempotency::{claim, complete, release, Claim, StoredAnswer};
use app::staff::tokens::server::PresentedToken;
use app::state::AppState;
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The request header that names a write.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The answer header saying it is a replay of the first answer.
pub const REPLAYED: &str = "idempotent-replayed";

/// The longest key accepted, in characters.
pub const MAX_KEY_CHARS: usize = 255;

/// The largest write body the API takes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The answer headers kept with a replayed answer.
const KEPT_HEADERS: [HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::ETAG,
    header::CACHE_CONTROL,
];

fn is_write(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// A key is 1 to 255 visible ASCII characters (a UUID, typically).
fn valid_key(value: &HeaderValue) -> Option<&str> {
    let key = value.to_str().ok()?;
    (!key.is_empty() && key.len() <= MAX_KEY_CHARS && key.bytes().all(|b| b.is_ascii_graphic()))
        .then_some(key)
}

/// What makes two requests the same: method, path and query, body.
fn fingerprint(method: &Method, path_and_query: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_str().as_bytes());
    hash.update(b" ");
    hash.update(path_and_query.as_bytes());
    hash.update(b"\n");
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn replayed(answer: StoredAnswer) -> Response {
    let mut response = (
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        answer.body,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.insert(name, value);
        }
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

/// Runs a write at most once per token and `Idempotency-Key`; anything else passes.
pub async fn once_per_key(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_write(request.method()) {
        return next.run(request).await;
    }
    let Some(value) = request.headers().get(IDEMPOTENCY_KEY) else {
        return next.run(request).await;
    };
    // Without a live token the handler answers 401; keys belong to tokens.
    let Some(token) = request.extensions().get::<PresentedToken>().cloned() else {
        return next.run(request).await;
    };
    let Some(key) = valid_key(value).map(str::to_owned) else {
        return Problem {
            parameter: Some("Idempotency-Key".to_owned()),
            ..Problem::new(
                Kind::BadParameter,
                format!(
                    "The header Idempotency-Key must be 1 to {MAX_KEY_CHARS} visible ASCII characters."
                ),
            )
        }
        .into_response();
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY_BYTES).await else {
        return too_large();
    };
    let path = parts
        .uri
        .path_and_query()
        .map_or(parts.uri.path(), |p| p.as_str());
    let fingerprint = fingerprint(&parts.method, path, &body);
    match claim(&state.db, token.id, &key, &fingerprint).await {
        Ok(Claim::Claimed) => {}
        Ok(Claim::Replay(answer)) => return replayed(answer),
        Ok(Claim::InFlight) => {
            return Problem::new(
                Kind::IdempotencyKeyInFlight,
                "A request with this Idempotency-Key is still being answered. Retry in a moment.",
            )
            .into_response()
        }
        Ok(Claim::OtherRequest) => {
            return Problem::new(
                Kind::IdempotencyKeyReused,
                "This Idempotency-Key was used for a different request (method, path or body). \
                 Use a new key for a new request.",
            )
            .into_response()
        }
        Err(error) => return Problem::internal(&error).into_response(),
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    if response.status().is_server_error() {
        if let Err(error) = release(&state.db, token.id, &key).await {
            tracing::warn!(error = %error, "releasing an idempotency key failed");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let body: Bytes = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            let _ = release(&state.db, token.id, &key).await;
            return Problem::internal(&error).into_response();
        }
    };
    let answer = StoredAnswer {
        status: parts.status.as_u16(),
        headers: KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                let value = parts.headers.get(name)?.to_str().ok()?;
                Some((name.as_str().to_owned(), value.to_owned()))
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    if let Err(error) = complete(&state.db, token.id, &key, &answer).await {
        // The write is done; a retry within the abandoned-claim window is told it is in
        // flight, and runs again after it.
        tracing::error!(error = %error, "keeping the answer to an idempotency key failed");
    }
    Response::from_parts(parts, Body::from(body))
}

pub fn too_large() -> Response {
    Problem::new(
        Kind::BodyTooLarge,
        format!("A request body may be at most {MAX_BODY_BYTES} bytes."),
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_up_to_255_characters() {
        assert_eq!(valid_key(&HeaderValue::from_static("a1-b2")), Some("a1-b2"));
        assert_eq!(valid_key(&HeaderValue::from_static("")), None);
        assert_eq!(valid_key(&HeaderValue::from_static("a b")), None);
        let long = "k".repeat(256);
        assert_eq!(valid_key(&HeaderValue::from_str(&long).unwrap()), None);
    }

    #[test]
    fn the_fingerprint_covers_method_path_and_body() {
        let one = fingerprint(&Method::POST, "/stock", b"{}");
        assert_eq!(one, fingerprint(&Method::POST, "/stock", b"{}"));
        assert_ne!(one, fingerprint(&Method::PUT, "/stock", b"{}"));
        assert_ne!(one, fingerprint(&Method::POST, "/products", b"{}"));
        assert_ne!(one, fingerprint(&Method::POST, "/stock", b"{ }"));
    }
}
