//! A product's photos as staff see them, and the server functions that upload, reorder,
//! describe and delete them. Each starts with `require_staff` (401 for nobody, 403 for a
//! customer) before it reads anything the browser sent.

use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

/// Where the upload form posts (also without JavaScript).
pub const UPLOAD_PATH: &str = "/rpc/upload_product_photos";
/// The query parameter that brings an upload's report back to the page without
/// JavaScript.
pub const UPLOAD_REPORT_PARAM: &str = "photo_upload";
/// The longest alt text kept.
pub const MAX_ALT_CHARS: usize = 250;

/// One photo in the staff's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPhoto {
    pub id: i64,
    pub alt: String,
    /// The thumbnail, as the list shows it.
    pub url: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPhotos {
    /// In the shop's order.
    pub photos: Vec<StaffPhoto>,
    /// The largest file an upload may be, in bytes.
    pub max_bytes: u64,
}

/// What became of one uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadOutcome {
    Saved { photo_id: i64 },
    Refused { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    /// The file's name on the uploader's computer.
    pub name: String,
    pub outcome: UploadOutcome,
}

/// The answer to an upload: each file's outcome in the order sent, and a problem with
/// the upload as a whole (no product, no files, unreadable).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadReport {
    pub files: Vec<UploadedFile>,
    pub problem: Option<String>,
}

impl UploadReport {
    pub fn saved(&self) -> usize {
        self.files
            .iter()
            .filter(|f| matches!(f.outcome, UploadOutcome::Saved { .. }))
            .count()
    }

    /// "2 photos saved, 1 refused."
    pub fn summary(&self) -> String {
        if let Some(problem) = &self.problem {
            return problem.clone();
        }
        let saved = self.saved();
        let refused = self.files.len() - saved;
        let photos = if saved == 1 { "photo" } else { "photos" };
        match refused {
            0 => format!("{saved} {photos} saved."),
            _ => format!("{saved} {photos} saved, {refused} refused."),
        }
    }
}

/// The product's photos, for the photo manager.
#[server(prefix = "/rpc", endpoint = "product_photos_for_staff")]
pub async fn product_photos_for_staff(product_id: i64) -> Result<StaffPhotos, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    Ok(StaffPhotos {
        photos: super::server::staff_photos(&state.db, product_id).await?,
        max_bytes: state.photo_limits.max_bytes,
    })
}

/// Uploads photos for a product: the fields `product_id`, one or more `photo` files and
/// an optional `alt` text for them (else the product's name). Each file is stored or
/// refused with its reason; a refused file leaves nothing behind. Without JavaScript the
/// browser is sent back to the page it came from, the report in its URL.
#[server(prefix = "/rpc", endpoint = "upload_product_photos", input = MultipartFormData)]
pub async fn upload_product_photos(data: MultipartData) -> Result<UploadReport, AppError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let Some(multipart) = data.into_inner() else {
        return Err(AppError::internal("photo upload", "no multipart body"));
    };
    super::server::upload(&state, &staff, multipart).await
}

/// Moves a photo one place earlier (`direction` "earlier") or later ("later").
#[server(prefix = "/rpc", endpoint = "move_product_photo")]
pub async fn move_product_photo(photo_id: i64, direction: String) -> Result<bool, AppError> {
    use crate::media::photos::Direction;
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let direction = match direction.as_str() {
        "earlier" => Direction::Earlier,
        "later" => Direction::Later,
        _ => return Ok(false),
    };
    Ok(super::server::move_photo(&state.db, &staff, photo_id, direction).await?)
}

/// Sets a photo's alt text (what a screen reader says for it); at most
/// [`MAX_ALT_CHARS`] characters are kept.
#[server(prefix = "/rpc", endpoint = "set_photo_alt")]
pub async fn set_photo_alt(
    photo_id: i64,
    #[server(default)] alt: String,
) -> Result<bool, AppError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let alt: String = alt.trim().chars().take(MAX_ALT_CHARS).collect();
    Ok(super::server::set_alt(&state.db, &staff, photo_id, &alt).await?)
}

/// Deletes a photo and the files no other photo shares.
#[server(prefix = "/rpc", endpoint = "delete_product_photo")]
pub async fn delete_product_photo(photo_id: i64) -> Result<bool, AppError> {
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    super::server::delete(&state, &staff, photo_id).await
}
