//! A product's photos in the database and in storage, kept consistent: files are written
//! before the rows that name them and removed after the rows are gone, so a row never
//! names a missing file. A failure leaves at worst a file nobody names (logged), never a
//! broken photo. Files are shared by content, so one is removed only when no row names it.

use super::{store_photo, PhotoError, PhotoFormat, PhotoLimits, PhotoSize, Refusal, Storage};
use super::{StorageError, StoredVariant};
use crate::catalog::writes::record_changes;
use crate::db::{now_millis, Db};
use sqlx::{Any, Row, Transaction};

/// A stored photo of a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductPhoto {
    pub id: i64,
    pub product_id: i64,
    pub position: i64,
    pub alt: String,
    pub width: i64,
    pub height: i64,
    /// Smallest size first; in each size the JPEG or PNG, then the WebP.
    pub files: Vec<StoredVariant>,
}

/// What became of an upload. Refusals are answers for the form, not faults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddPhoto {
    Added(ProductPhoto),
    Refused(Refusal),
    NoSuchProduct,
}

#[derive(Debug, thiserror::Error)]
pub enum PhotoFault {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{0}")]
    Processing(String),
}

/// What else a caller writes in the transaction that changes a photo (a staff audit
/// entry), so the change and its record commit together or not at all.
pub trait AlsoRecord<T: Sync>: Sync {
    fn also_record<'t>(
        &'t self,
        tx: &'t mut Transaction<'static, Any>,
        photo: &'t T,
    ) -> impl std::future::Future<Output = Result<(), sqlx::Error>> + Send + 't;
}

/// Nothing else to record.
impl<T: Sync> AlsoRecord<T> for () {
    async fn also_record(
        &self,
        _: &mut Transaction<'static, Any>,
        _: &T,
    ) -> Result<(), sqlx::Error> {
        Ok(())
    }
}

/// Checks and stores `upload` as the product's last photo. The files are written first;
/// if the rows cannot be written, the files this photo alone names are removed again.
pub async fn add_photo(
    db: &Db,
    storage: &Storage,
    limits: PhotoLimits,
    product_id: i64,
    upload: Vec<u8>,
    alt: &str,
) -> Result<AddPhoto, PhotoFault> {
    add_photo_recording(db, storage, limits, product_id, upload, alt, &()).await
}

/// [`add_photo`], writing `also` in the transaction that inserts the photo's rows.
pub async fn add_photo_recording(
    db: &Db,
    storage: &Storage,
    limits: PhotoLimits,
    product_id: i64,
    upload: Vec<u8>,
    alt: &str,
    also: &impl AlsoRecord<ProductPhoto>,
) -> Result<AddPhoto, PhotoFault> {
    let stored = match store_photo(storage, upload, limits).await {
        Ok(stored) => stored,
        Err(PhotoError::Refused(refusal)) => return Ok(AddPhoto::Refused(refusal)),
        Err(PhotoError::Storage(err)) => return Err(err.into()),
        Err(other) => return Err(PhotoFault::Processing(other.to_string())),
    };
    let recorded = async {
        let mut tx = db.begin_write().await?;
        let Some(photo) = insert_photo(&mut tx, product_id, alt.trim(), &stored.variants).await?
        else {
            return Ok(None);
        };
        also.also_record(&mut tx, &photo).await?;
        record_changes(&mut tx, &[product_id]).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Some(photo))
    }
    .await;
    match recorded {
        Ok(Some(photo)) => Ok(AddPhoto::Added(photo)),
        Ok(None) => {
            remove_unnamed_files(db, storage, &stored.keys()).await?;
            Ok(AddPhoto::NoSuchProduct)
        }
        Err(err) => {
            // The rows are not there; neither should the files be.
            if let Err(cleanup) = remove_unnamed_files(db, storage, &stored.keys()).await {
                tracing::warn!(error = %cleanup, "photo files left behind after a failed insert");
            }
            Err(err.into())
        }
    }
}

/// Inserts the photo's rows; `None` when the product does not exist. Its first statement
/// writes, as a SQLite write transaction should begin.
async fn insert_photo(
    tx: &mut Transaction<'_, Any>,
    product_id: i64,
    alt: &str,
    files: &[StoredVariant],
) -> Result<Option<ProductPhoto>, sqlx::Error> {
    let large = files
        .iter()
        .find(|file| file.size == PhotoSize::Large)
        .expect("every stored photo has a large size");
    let (width, height) = (i64::from(large.width), i64::from(large.height));
    let row = sqlx::query(
        "INSERT INTO product_photos (product_id, position, alt, width, height, created_at)
         SELECT p.id,
                COALESCE((SELECT MAX(position) + 1 FROM product_photos WHERE product_id = p.id), 0),
                $2, $3, $4, $5
         FROM products p WHERE p.id = $1
         RETURNING id, position",
    )
    .bind(product_id)
    .bind(alt)
    .bind(width)
    .bind(height)
    .bind(now_millis())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let (id, position): (i64, i64) = (row.try_get("id")?, row.try_get("position")?);
    for file in files {
        sqlx::query(
            "INSERT INTO product_photo_files (photo_id, size, format, storage_key, width, height)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(file.size.as_str())
        .bind(format_name(file.format))
        .bind(&file.key)
        .bind(i64::from(file.width))
        .bind(i64::from(file.height))
        .execute(&mut **tx)
        .await?;
    }
    Ok(Some(ProductPhoto {
        id,
        product_id,
        position,
        alt: alt.to_owned(),
        width,
        height,
        files: files.to_vec(),
    }))
}

/// A photo's place and text, as a change to it is recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PhotoFacts {
    pub id: i64,
    pub product_id: i64,
    pub position: i64,
    pub alt: String,
}

/// Deletes a photo: its rows, then the files no other photo shares. `false` when there
/// was no such photo.
pub async fn delete_photo(db: &Db, storage: &Storage, photo_id: i64) -> Result<bool, PhotoFault> {
    delete_photo_recording(db, storage, photo_id, &()).await
}

/// [`delete_photo`], writing `also` (given the photo as it was) in the transaction that
/// deletes the rows.
pub async fn delete_photo_recording(
    db: &Db,
    storage: &Storage,
    photo_id: i64,
    also: &impl AlsoRecord<PhotoFacts>,
) -> Result<bool, PhotoFault> {
    let mut tx = db.begin_write().await?;
    let keys: Vec<String> = sqlx::query_scalar(
        "DELETE FROM product_photo_files WHERE photo_id = $1 RETURNING storage_key",
    )
    .bind(photo_id)
    .fetch_all(&mut *tx)
    .await?;
    let row =
        sqlx::query("DELETE FROM product_photos WHERE id = $1 RETURNING product_id, position, alt")
            .bind(photo_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let deleted = PhotoFacts {
        id: photo_id,
        product_id: row.try_get("product_id")?,
        position: row.try_get("position")?,
        alt: row.try_get("alt")?,
    };
    also.also_record(&mut tx, &deleted).await?;
    record_changes(&mut tx, &[deleted.product_id]).await?;
    tx.commit().await?;
    remove_unnamed_files(db, storage, &keys).await?;
    Ok(true)
}

/// Which way a photo moves in its product's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Direction {
    Earlier,
    Later,
}

/// Swaps the photo with its neighbour in `direction`, in the caller's transaction. The
/// photo as it was and as it is now; `None` when there is no such photo or it is
/// already first (or last).
pub async fn move_photo(
    tx: &mut Transaction<'_, Any>,
    photo_id: i64,
    direction: Direction,
) -> Result<Option<(PhotoFacts, PhotoFacts)>, sqlx::Error> {
    // Touch the row first: on SQLite the write lock is then held for the whole swap.
    let Some(before) = touch_photo(tx, photo_id).await? else {
        return Ok(None);
    };
    let neighbour = match direction {
        Direction::Earlier => {
            "SELECT id, position FROM product_photos
             WHERE product_id = $1 AND (position < $2 OR (position = $2 AND id < $3))
             ORDER BY position DESC, id DESC LIMIT 1"
        }
        Direction::Later => {
            "SELECT id, position FROM product_photos
             WHERE product_id = $1 AND (position > $2 OR (position = $2 AND id > $3))
             ORDER BY position, id LIMIT 1"
        }
    };
    let Some(other) = sqlx::query(neighbour)
        .bind(before.product_id)
        .bind(before.position)
        .bind(photo_id)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    let (other_id, other_position): (i64, i64) = (other.try_get("id")?, other.try_get("position")?);
    // Equal positions (never written by this module, but possible) still need an order.
    let (mine, theirs) = if other_position == before.position {
        match direction {
            Direction::Earlier => (before.position, before.position + 1),
            Direction::Later => (before.position + 1, before.position),
        }
    } else {
        (other_position, before.position)
    };
    for (id, position) in [(photo_id, mine), (other_id, theirs)] {
        sqlx::query("UPDATE product_photos SET position = $1 WHERE id = $2")
            .bind(position)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    let after = PhotoFacts {
        position: mine,
        ..before.clone()
    };
    Ok(Some((before, after)))
}

/// Sets the photo's alt text, in the caller's transaction. The photo as it was and as it
/// is now; `None` when there is no such photo.
pub async fn set_photo_alt(
    tx: &mut Transaction<'_, Any>,
    photo_id: i64,
    alt: &str,
) -> Result<Option<(PhotoFacts, PhotoFacts)>, sqlx::Error> {
    let Some(before) = touch_photo(tx, photo_id).await? else {
        return Ok(None);
    };
    sqlx::query("UPDATE product_photos SET alt = $1 WHERE id = $2")
        .bind(alt.trim())
        .bind(photo_id)
        .execute(&mut **tx)
        .await?;
    let after = PhotoFacts {
        alt: alt.trim().to_owned(),
        ..before.clone()
    };
    Ok(Some((before, after)))
}

/// The photo's facts, read by a statement that writes (a no-op update), so a SQLite
/// transaction holds its write lock from here on.
async fn touch_photo(
    tx: &mut Transaction<'_, Any>,
    photo_id: i64,
) -> Result<Option<PhotoFacts>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE product_photos SET position = position WHERE id = $1
         RETURNING product_id, position, alt",
    )
    .bind(photo_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|row| {
        Ok(PhotoFacts {
            id: photo_id,
            product_id: row.try_get("product_id")?,
            position: row.try_get("position")?,
            alt: row.try_get("alt")?,
        })
    })
    .transpose()
}

/// The files of every photo of a product: read in the transaction that deletes the
/// product (its photos' rows go with it), then handed to [`remove_unnamed_files`] once
/// that transaction has committed.
pub async fn files_of_product(
    tx: &mut Transaction<'_, Any>,
    product_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT f.storage_key FROM product_photo_files f
         JOIN product_photos p ON p.id = f.photo_id
         WHERE p.product_id = $1",
    )
    .bind(product_id)
    .fetch_all(&mut **tx)
    .await
}

/// Removes from storage each of `keys` that no photo row names (any more).
pub async fn remove_unnamed_files(
    db: &Db,
    storage: &Storage,
    keys: &[String],
) -> Result<(), PhotoFault> {
    let mut unnamed = Vec::with_capacity(keys.len());
    for key in keys {
        let named: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM product_photo_files WHERE storage_key = $1")
                .bind(key)
                .fetch_one(db.pool())
                .await?;
        if named == 0 && !unnamed.contains(key) {
            unnamed.push(key.clone());
        }
    }
    storage.delete_all(&unnamed).await;
    Ok(())
}

/// A product's photos in order, with their files.
pub async fn photos_of_product(db: &Db, product_id: i64) -> Result<Vec<ProductPhoto>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.position, p.alt, p.width, p.height,
                f.size, f.format, f.storage_key, f.width AS file_width, f.height AS file_height
         FROM product_photos p
         JOIN product_photo_files f ON f.photo_id = p.id
         WHERE p.product_id = $1
         ORDER BY p.position, p.id, f.width, f.format",
    )
    .bind(product_id)
    .fetch_all(db.pool())
    .await?;
    let mut photos: Vec<ProductPhoto> = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        if photos.last().is_none_or(|photo| photo.id != id) {
            photos.push(ProductPhoto {
                id,
                product_id,
                position: row.try_get("position")?,
                alt: row.try_get("alt")?,
                width: row.try_get("width")?,
                height: row.try_get("height")?,
                files: Vec::new(),
            });
        }
        let size: String = row.try_get("size")?;
        let format: String = row.try_get("format")?;
        let (Some(size), Some(format)) = (PhotoSize::parse(&size), parse_format(&format)) else {
            continue;
        };
        let file_width: i64 = row.try_get("file_width")?;
        let file_height: i64 = row.try_get("file_height")?;
        photos
            .last_mut()
            .expect("pushed above")
            .files
            .push(StoredVariant {
                size,
                format,
                key: row.try_get("storage_key")?,
                width: u32::try_from(file_width).unwrap_or(0),
                height: u32::try_from(file_height).unwrap_or(0),
            });
    }
    for photo in &mut photos {
        // Smallest first, the fallback format before WebP.
        photo
            .files
            .sort_by_key(|f| (f.size.max_side(), f.format == PhotoFormat::Webp));
    }
    Ok(photos)
}

fn format_name(format: PhotoFormat) -> &'static str {
    match format {
        PhotoFormat::Jpeg => "jpeg",
        PhotoFormat::Png => "png",
        PhotoFormat::Webp => "webp",
    }
}

fn parse_format(name: &str) -> Option<PhotoFormat> {
    [PhotoFormat::Jpeg, PhotoFormat::Png, PhotoFormat::Webp]
        .into_iter()
        .find(|format| format_name(*format) == name)
}

#[cfg(test)]
mod tests;
