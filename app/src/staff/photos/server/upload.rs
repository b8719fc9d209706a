//! Reading an upload field by field, never holding more than one photo's limit of a
//! file, and storing each file through the photo pipeline; the guard in front of the
//! endpoint that caps the request's size.

use super::PhotoAudit;
use crate::accounts::server::User;
use crate::db::Db;
use crate::media::photos::{add_photo_recording, AddPhoto};
use crate::media::PhotoLimits;
use crate::staff::photos::api::{
    UploadOutcome, UploadReport, UploadedFile, MAX_ALT_CHARS, UPLOAD_REPORT_PARAM,
};
use crate::state::AppState;
use crate::AppError;
use axum::body::Body;
use axum::http::{header, HeaderValue, Request};

/// Room for the form around the file: the other fields, part headers and boundaries.
pub const FORM_OVERHEAD: u64 = 64 * 1024;
/// The most files one upload takes.
pub const MAX_FILES: usize = 20;
/// The longest file name kept for the report.
const MAX_NAME_CHARS: usize = 200;

/// The most bytes a request to the upload endpoint may carry: one photo of the largest
/// size and the form around it. (The browser sends each photo in its own request; a
/// form posted without JavaScript carries all of its photos in one.)
pub fn upload_body_limit(limits: &PhotoLimits) -> u64 {
    limits.max_bytes + FORM_OVERHEAD
}

/// Guards a request to the upload endpoint before the server function reads it: one
/// that says it is larger than [`upload_body_limit`] is refused (413) unread, any other
/// has its body cut off at that limit. A request that is not multipart becomes an empty
/// multipart one, so the server function answers it (401, 403, "no photos") instead of
/// failing to find its boundary. `Err` says why a request is too large, for the 413.
pub fn guard_upload(request: Request<Body>, limits: &PhotoLimits) -> Result<Request<Body>, String> {
    let limit = upload_body_limit(limits);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(format!(
            "This upload is larger than {}, the most one upload can be. Upload fewer or \
             smaller photos at a time.",
            megabytes(limit)
        ));
    }
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| multer::parse_boundary(v).is_ok());
    let (mut parts, body) = request.into_parts();
    if !multipart {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=nothing-sent"),
        );
        parts.headers.remove(header::CONTENT_LENGTH);
        return Ok(Request::from_parts(
            parts,
            Body::from("--nothing-sent--\r\n"),
        ));
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let body = Body::new(http_body_util::Limited::new(body, limit));
    Ok(Request::from_parts(parts, body))
}

/// A file as it arrived: its bytes, or why they were not read.
struct ReceivedFile {
    name: String,
    bytes: Result<Vec<u8>, String>,
}

#[derive(Default)]
struct ReceivedUpload {
    product_id: Option<i64>,
    alt: String,
    files: Vec<ReceivedFile>,
}

/// Reads the upload's fields in order. A file is read chunk by chunk and dropped the
/// moment it passes the limit; reading stops there, as what follows could be any size.
/// `Err` is the problem with the upload as a whole.
async fn read_upload(
    mut multipart: multer::Multipart<'static>,
    limits: &PhotoLimits,
) -> Result<ReceivedUpload, String> {
    let unreadable = |err: multer::Error| {
        tracing::info!(error = %err, "an upload could not be read");
        format!(
            "The upload could not be read completely. It may be larger than {}, the most \
             one upload can be: upload fewer or smaller photos at a time.",
            megabytes(upload_body_limit(limits))
        )
    };
    let mut upload = ReceivedUpload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("product_id") => {
                let text = read_text(&mut field, 40).await.map_err(unreadable)?;
                upload.product_id = text.trim().parse().ok();
            }
            Some("alt") => {
                let text = read_text(&mut field, MAX_ALT_CHARS * 4)
                    .await
                    .map_err(unreadable)?;
                upload.alt = text.trim().chars().take(MAX_ALT_CHARS).collect();
            }
            Some("photo") => {
                let name = file_name(field.file_name().unwrap_or_default());
                if upload.files.len() == MAX_FILES {
                    let reason = format!(
                        "One upload takes at most {MAX_FILES} photos; this one and any after \
                         it were not read. Upload them again."
                    );
                    upload.files.push(ReceivedFile {
                        name,
                        bytes: Err(reason),
                    });
                    break;
                }
                let mut bytes = Vec::new();
                let mut too_big = false;
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    if (bytes.len() + chunk.len()) as u64 > limits.max_bytes {
                        too_big = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if too_big {
                    let reason = format!(
                        "The file is larger than {}, the most a photo can be. Make it smaller \
                         and try again.",
                        megabytes(limits.max_bytes)
                    );
                    upload.files.push(ReceivedFile {
                        name,
                        bytes: Err(reason),
                    });
                    break;
                }
                // A form posted with no file chosen still sends an empty, nameless part.
                if !(bytes.is_empty() && name.is_empty()) {
                    upload.files.push(ReceivedFile {
                        name,
                        bytes: Ok(bytes),
                    });
                }
            }
            // Anything else is skipped unread (the parser discards it).
            _ => {}
        }
    }
    Ok(upload)
}

/// A text field, cut off at `max_bytes`.
async fn read_text(
    field: &mut multer::Field<'static>,
    max_bytes: usize,
) -> Result<String, multer::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await? {
        let room = max_bytes.saturating_sub(bytes.len());
        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if room <= chunk.len() {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The file's own name, without any folders a browser sent along.
fn file_name(sent: &str) -> String {
    let name = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    name.chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect()
}

/// Stores each file of the upload as a photo of its product, or refuses it with the
/// reason; every stored photo is recorded in the audit log with it.
/// Without JavaScript, the browser is sent back to the product's page with the report.
pub async fn upload(
    state: &AppState,
    staff: &User,
    multipart: multer::Multipart<'static>,
) -> Result<UploadReport, AppError> {
    let (product_id, report) = match read_upload(multipart, &state.photo_limits).await {
        Ok(received) => (
            received.product_id,
            store_upload(state, staff, received).await?,
        ),
        Err(problem) => (None, problem_report(problem)),
    };
    report_to_browser(product_id, &report);
    Ok(report)
}

async fn store_upload(
    state: &AppState,
    staff: &User,
    received: ReceivedUpload,
) -> Result<UploadReport, AppError> {
    let limits = state.photo_limits;
    let product = match received.product_id {
        Some(id) => product_named(&state.db, id).await?,
        None => None,
    };
    let Some((product_id, slug, name)) = product else {
        return Ok(problem_report("There is no such product.".to_owned()));
    };
    if received.files.is_empty() {
        return Ok(problem_report(
            "No photo was chosen: choose one or more JPEG, PNG or WebP photos to upload."
                .to_owned(),
        ));
    }
    let alt = if received.alt.is_empty() {
        name
    } else {
        received.alt
    };
    let mut report = UploadReport::default();
    for file in received.files {
        let outcome = match file.bytes {
            Err(reason) => UploadOutcome::Refused { reason },
            Ok(bytes) => {
                let audit = PhotoAudit {
                    actor: staff,
                    action: "photo.added",
                    subject: format!("product {slug}"),
                    file: &file.name,
                };
                let added = add_photo_recording(
                    &state.db,
                    &state.storage,
                    limits,
                    product_id,
                    bytes,
                    &alt,
                    &audit,
                )
                .await;
                match added {
                    Ok(AddPhoto::Added(photo)) => UploadOutcome::Saved { photo_id: photo.id },
                    Ok(AddPhoto::Refused(refusal)) => UploadOutcome::Refused {
                        reason: refusal.message(),
                    },
                    Ok(AddPhoto::NoSuchProduct) => UploadOutcome::Refused {
                        reason: "The product was deleted while its photos were uploading."
                            .to_owned(),
                    },
                    Err(fault) => {
                        tracing::error!(error = %fault, file = %file.name, "a photo could not be stored");
                        UploadOutcome::Refused {
                            reason: AppError::Internal.to_string(),
                        }
                    }
                }
            }
        };
        report.files.push(UploadedFile {
            name: file.name,
            outcome,
        });
    }
    Ok(report)
}

fn problem_report(problem: String) -> UploadReport {
    UploadReport {
        files: Vec::new(),
        problem: Some(problem),
    }
}

/// The product's id, slug and name.
async fn product_named(db: &Db, id: i64) -> Result<Option<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, slug, name FROM products WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// Without JavaScript the browser posted the upload form itself: send it back to the
/// product's page with the report in the URL, where the photo manager shows it.
fn report_to_browser(product_id: Option<i64>, report: &UploadReport) {
    use leptos::prelude::use_context;
    let posted_by_browser = use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            let accept = parts.headers.get(header::ACCEPT)?.to_str().ok()?;
            Some(accept.contains("text/html"))
        })
        .unwrap_or(false);
    if !posted_by_browser {
        return;
    }
    let page = match product_id {
        Some(id) => format!("/admin/products/{id}"),
        None => "/admin/products".to_owned(),
    };
    let json = serde_json::to_string(report).unwrap_or_default();
    leptos_axum::redirect(&format!(
        "{page}?{UPLOAD_REPORT_PARAM}={}#photos",
        percent_encode(&json)
    ));
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// "10 MB", "0.1 MB".
fn megabytes(bytes: u64) -> String {
    const MEGABYTE: u64 = 1024 * 1024;
    let tenths = (bytes * 10).div_ceil(MEGABYTE);
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_folders_and_control_characters() {
        assert_eq!(file_name("C:\\Users\\ann\\bowl.jpg"), "bowl.jpg");
        assert_eq!(file_name("photos/2024/bowl\n.jpg"), "bowl.jpg");
        assert_eq!(file_name(""), "");
    }

    #[test]
    fn reports_travel_in_a_url_unharmed() {
        assert_eq!(percent_encode("a b/é"), "a%20b%2F%C3%A9");
    }
}
