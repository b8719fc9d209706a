//! Staff photos over HTTP: `GET /media/photos/<sha-256>.<jpg|png|webp>`, read from the
//! photo store (local files or S3). A name is the hash of its content, so a response is
//! cached for good and its hash is its ETag.

use app::media::{content_type, is_photo_file_name, Storage};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

const FOREVER: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

pub async fn photo(
    State(storage): State<Storage>,
    Path(file): Path<String>,
    request_headers: HeaderMap,
) -> Response {
    // Only names the shop gives are looked up: nothing else reaches the store.
    let (Some(content_type), true) = (content_type(&file), is_photo_file_name(&file)) else {
        return (StatusCode::NOT_FOUND, "no such photo").into_response();
    };
    let hash = &file[..64];
    let etag = HeaderValue::from_str(&format!("\"{hash}\"")).expect("hex is a header value");
    let fresh = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    if fresh {
        let headers = [(header::ETAG, etag), (header::CACHE_CONTROL, FOREVER)];
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    match storage.get(&format!("photos/{file}")).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CACHE_CONTROL, FOREVER),
                (header::ETAG, etag),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "no such photo").into_response(),
        Err(err) => {
            tracing::error!(error = %err, %file, "cannot read a photo");
            (StatusCode::SERVICE_UNAVAILABLE, "photo storage unavailable").into_response()
        }
    }
}
