//! Staff photo changes on the server: reading an upload field by field without ever
//! holding more than one photo's limit of a file, storing each file through the photo
//! pipeline ([`crate::media::photos`]), and recording every change in the staff audit log
//! in the transaction of the change itself.

mod upload;

pub use upload::{guard_upload, upload, upload_body_limit, FORM_OVERHEAD, MAX_FILES};

use super::api::StaffPhoto;
use crate::accounts::server::User;
use crate::catalog::server::image_url;
use crate::db::Db;
use crate::media::photos::{
    delete_photo_recording, move_photo as swap_photo, photos_of_product, set_photo_alt, AlsoRecord,
    Direction, PhotoFacts, ProductPhoto,
};
use crate::media::{PhotoFormat, PhotoSize};
use crate::staff::audit::server::{record, snapshot, StaffAction};
use crate::state::AppState;
use crate::AppError;
use sqlx::{Any, Transaction};

/// The product's photos in the shop's order, each with its thumbnail.
pub async fn staff_photos(db: &Db, product_id: i64) -> Result<Vec<StaffPhoto>, sqlx::Error> {
    let photos = photos_of_product(db, product_id).await?;
    Ok(photos
        .into_iter()
        .filter_map(|photo| {
            let thumbnail = photo
                .files
                .iter()
                .find(|f| f.size == PhotoSize::Thumbnail && f.format != PhotoFormat::Webp)?;
            Some(StaffPhoto {
                id: photo.id,
                url: image_url(&thumbnail.key),
                width: thumbnail.width,
                height: thumbnail.height,
                alt: photo.alt,
            })
        })
        .collect())
}

/// A photo change as the audit log records it.
struct PhotoAudit<'a> {
    actor: &'a User,
    action: &'a str,
    subject: String,
    /// The uploaded file's name, for an added photo.
    file: &'a str,
}

impl AlsoRecord<ProductPhoto> for PhotoAudit<'_> {
    async fn also_record(
        &self,
        tx: &mut Transaction<'static, Any>,
        photo: &ProductPhoto,
    ) -> Result<(), sqlx::Error> {
        let after = serde_json::json!({
            "id": photo.id,
            "position": photo.position,
            "alt": photo.alt,
            "file": self.file,
        });
        record(
            tx,
            StaffAction {
                actor: self.actor,
                action: self.action,
                subject: self.subject.clone(),
                before: None,
                after: Some(after),
            },
        )
        .await
    }
}

impl AlsoRecord<PhotoFacts> for PhotoAudit<'_> {
    async fn also_record(
        &self,
        tx: &mut Transaction<'static, Any>,
        photo: &PhotoFacts,
    ) -> Result<(), sqlx::Error> {
        let subject = product_subject(tx, photo.product_id).await?;
        record(
            tx,
            StaffAction {
                actor: self.actor,
                action: self.action,
                subject,
                before: snapshot(photo),
                after: None,
            },
        )
        .await
    }
}

/// "product oak-chair", as the log names a product.
async fn product_subject(
    tx: &mut Transaction<'static, Any>,
    product_id: i64,
) -> Result<String, sqlx::Error> {
    let slug: Option<String> = sqlx::query_scalar("SELECT slug FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(format!(
        "product {}",
        slug.unwrap_or_else(|| product_id.to_string())
    ))
}

/// Moves a photo one place; `false` when there is no such photo or it cannot move
/// that way.
pub async fn move_photo(
    db: &Db,
    staff: &User,
    photo_id: i64,
    direction: Direction,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let Some((before, after)) = swap_photo(&mut tx, photo_id, direction).await? else {
        return Ok(false);
    };
    changed(&mut tx, staff, "photo.moved", &before, &after).await?;
    tx.commit().await?;
    Ok(true)
}

/// Sets a photo's alt text; `false` when there is no such photo.
pub async fn set_alt(db: &Db, staff: &User, photo_id: i64, alt: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let Some((before, after)) = set_photo_alt(&mut tx, photo_id, alt).await? else {
        return Ok(false);
    };
    changed(&mut tx, staff, "photo.alt_changed", &before, &after).await?;
    tx.commit().await?;
    Ok(true)
}

/// Records a change to a photo in the log and for the catalog's readers.
async fn changed(
    tx: &mut Transaction<'static, Any>,
    staff: &User,
    action: &str,
    before: &PhotoFacts,
    after: &PhotoFacts,
) -> Result<(), sqlx::Error> {
    let subject = product_subject(tx, before.product_id).await?;
    record(
        tx,
        StaffAction {
            actor: staff,
            action,
            subject,
            before: snapshot(before),
            after: snapshot(after),
        },
    )
    .await?;
    crate::catalog::writes::record_changes(tx, &[before.product_id]).await?;
    Ok(())
}

/// Deletes a photo and its files; `false` when there is no such photo.
pub async fn delete(state: &AppState, staff: &User, photo_id: i64) -> Result<bool, AppError> {
    let audit = PhotoAudit {
        actor: staff,
        action: "photo.deleted",
        subject: String::new(),
        file: "",
    };
    delete_photo_recording(&state.db, &state.storage, photo_id, &audit)
        .await
        .map_err(|fault| AppError::internal("deleting a photo", fault))
}
