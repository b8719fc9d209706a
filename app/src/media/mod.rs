//! Staff photos: an upload is checked ([`inspect`]), decoded, re-encoded into the sizes
//! the storefront shows ([`process`]) and written to the photo store ([`storage`]) under
//! names made from the files' contents. [`store_photo`] does all of it; the caller then
//! records the keys in the database and, if that fails, deletes the files again
//! ([`Storage::delete_all`]).

pub mod inspect;
pub mod photos;
pub mod process;
pub mod s3_test_server;
pub mod storage;
pub mod test_pictures;

pub use inspect::{Impostor, PhotoFormat, PhotoLimits, Refusal};
pub use process::{EncodeError, EncodedVariant, PhotoSize};
pub use storage::{S3Settings, Storage, StorageError, StorageSettings};

/// One stored file of a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVariant {
    pub size: PhotoSize,
    pub format: PhotoFormat,
    pub key: String,
    pub width: u32,
    pub height: u32,
}

/// Every stored file of one upload, smallest size first, each size in its fallback
/// format (JPEG or PNG) and then WebP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhoto {
    pub variants: Vec<StoredVariant>,
}

impl StoredPhoto {
    pub fn keys(&self) -> Vec<String> {
        self.variants.iter().map(|v| v.key.clone()).collect()
    }

    /// The file of `size` in `format`.
    pub fn variant(&self, size: PhotoSize, format: PhotoFormat) -> Option<&StoredVariant> {
        self.variants
            .iter()
            .find(|v| v.size == size && v.format == format)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// Not a photo we take: the reason is for the person who uploaded it.
    #[error("{0}")]
    Refused(Refusal),
    #[error(transparent)]
    Encode(#[from] EncodeError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("photo processing stopped: {0}")]
    Crashed(String),
}

impl From<Refusal> for PhotoError {
    fn from(refusal: Refusal) -> PhotoError {
        PhotoError::Refused(refusal)
    }
}

/// Checks, decodes and re-encodes an upload into every size and format, without storing
/// anything. CPU-bound (a 12-megapixel JPEG takes a good part of a second): call it off
/// the async threads, as [`store_photo`] does.
pub fn prepare(upload: &[u8], limits: &PhotoLimits) -> Result<Vec<EncodedVariant>, PhotoError> {
    let inspected = inspect::inspect(upload, limits)?;
    let image = inspect::decode(upload, &inspected, limits)?;
    Ok(process::process(&image, inspected.format)?)
}

/// Checks and processes `upload` and stores every file of it, or refuses it with a
/// reason and stores nothing. On a storage failure the files written are removed again.
pub async fn store_photo(
    storage: &Storage,
    upload: Vec<u8>,
    limits: PhotoLimits,
) -> Result<StoredPhoto, PhotoError> {
    let variants = tokio::task::spawn_blocking(move || prepare(&upload, &limits))
        .await
        .map_err(|e| PhotoError::Crashed(e.to_string()))??;
    let photo = StoredPhoto {
        variants: variants
            .iter()
            .map(|v| StoredVariant {
                size: v.size,
                format: v.format,
                key: v.key.clone(),
                width: v.width,
                height: v.height,
            })
            .collect(),
    };
    let files = variants.into_iter().map(|v| (v.key, v.bytes)).collect();
    storage.put_all(files).await?;
    Ok(photo)
}

/// The content type of a stored file, from its key's extension.
pub fn content_type(key: &str) -> Option<&'static str> {
    let (_, extension) = key.rsplit_once('.')?;
    PhotoFormat::from_extension(extension).map(PhotoFormat::content_type)
}

/// Whether `file` is a name [`store_photo`] gives: 64 lower-case hex digits and an
/// extension we store. Anything else is never looked up.
pub fn is_photo_file_name(file: &str) -> bool {
    let Some((hash, extension)) = file.split_once('.') else {
        return false;
    };
    hash.len() == 64
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && PhotoFormat::from_extension(extension).is_some()
}

#[cfg(test)]
pub(crate) mod tests;
