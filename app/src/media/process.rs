//! Turning decoded pixels into the files the storefront shows: each size in the upload's
//! own kind of format (JPEG, or PNG for a PNG or a picture with transparency) and in WebP,
//! encoded afresh from pixels, so nothing of the uploaded file (EXIF, GPS position,
//! comments, colour profiles, anything hidden) survives. Each file is named by the
//! SHA-256 of its bytes.

use super::inspect::PhotoFormat;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::{DynamicImage, GenericImageView};
use sha2::{Digest, Sha256};

/// The sizes the storefront uses, each a bounding box for the longest side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhotoSize {
    /// Cart lines, staff lists, the gallery's strip.
    Thumbnail,
    /// Product cards in listings (the demo pictures are 600 px too).
    Card,
    /// The product page.
    Large,
}

impl PhotoSize {
    pub const ALL: [PhotoSize; 3] = [PhotoSize::Thumbnail, PhotoSize::Card, PhotoSize::Large];

    /// The longest side, in pixels; smaller pictures are never enlarged.
    pub fn max_side(self) -> u32 {
        match self {
            PhotoSize::Thumbnail => 200,
            PhotoSize::Card => 600,
            PhotoSize::Large => 1600,
        }
    }

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoSize::Thumbnail => "thumbnail",
            PhotoSize::Card => "card",
            PhotoSize::Large => "large",
        }
    }

    pub fn parse(name: &str) -> Option<PhotoSize> {
        PhotoSize::ALL
            .into_iter()
            .find(|size| size.as_str() == name)
    }
}

/// JPEG quality: indistinguishable from the original at these sizes, a third of its bytes.
const JPEG_QUALITY: u8 = 85;
/// libwebp's quality scale; 80 is its usual choice for photos.
const WEBP_QUALITY: f32 = 80.0;
/// Where stored photos live in the store.
pub const PHOTOS_PREFIX: &str = "photos";

/// One encoded file, ready to store under `key`.
#[derive(Clone, PartialEq, Eq)]
pub struct EncodedVariant {
    pub size: PhotoSize,
    pub format: PhotoFormat,
    /// `photos/<sha-256 of bytes>.<extension>`.
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for EncodedVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodedVariant")
            .field("key", &self.key)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot encode a {format:?} photo: {reason}")]
pub struct EncodeError {
    format: PhotoFormat,
    reason: String,
}

/// The format every size is stored in beside WebP: PNG for PNG uploads and anything with
/// transparency (JPEG has none), JPEG otherwise.
pub fn fallback_format(uploaded: PhotoFormat, image: &DynamicImage) -> PhotoFormat {
    if uploaded == PhotoFormat::Png || image.color().has_alpha() {
        PhotoFormat::Png
    } else {
        PhotoFormat::Jpeg
    }
}

/// Every size of `image` in the fallback format and in WebP: six files, smallest first.
pub fn process(
    image: &DynamicImage,
    uploaded: PhotoFormat,
) -> Result<Vec<EncodedVariant>, EncodeError> {
    let fallback = fallback_format(uploaded, image);
    // 8 bits a channel, RGB or RGBA: what both encoders take.
    let pixels = if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.to_rgb8())
    };
    // Largest first, each made from the one before: far less work than three resizes of
    // the original, and the quality is the same.
    let mut scaled = Vec::with_capacity(PhotoSize::ALL.len());
    let mut source = pixels;
    for size in PhotoSize::ALL.into_iter().rev() {
        let resized = fit(&source, size.max_side());
        scaled.push((size, resized.clone()));
        source = resized;
    }
    let mut variants: Vec<EncodedVariant> = Vec::with_capacity(scaled.len() * 2);
    for (size, picture) in scaled.into_iter().rev() {
        // A picture smaller than this size is the smaller size's picture: same files.
        let previous = variants.len().saturating_sub(2);
        if variants
            .get(previous)
            .is_some_and(|v| (v.width, v.height) == picture.dimensions())
        {
            let same: Vec<EncodedVariant> = variants[previous..]
                .iter()
                .map(|v| EncodedVariant { size, ..v.clone() })
                .collect();
            variants.extend(same);
            continue;
        }
        for format in [fallback, PhotoFormat::Webp] {
            let bytes = encode(&picture, format)?;
            variants.push(EncodedVariant {
                size,
                format,
                key: content_key(&bytes, format),
                width: picture.width(),
                height: picture.height(),
                bytes,
            });
        }
    }
    Ok(variants)
}

/// `image` scaled down to fit a `max_side` square, or as it is if it already fits.
fn fit(image: &DynamicImage, max_side: u32) -> DynamicImage {
    if image.width() <= max_side && image.height() <= max_side {
        return image.clone();
    }
    image.resize(max_side, max_side, FilterType::CatmullRom)
}

/// The name of a stored file: the SHA-256 of its bytes, so a name never changes meaning.
pub fn content_key(bytes: &[u8], format: PhotoFormat) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("{PHOTOS_PREFIX}/{hex}.{}", format.extension())
}

/// Encodes 8-bit RGB or RGBA pixels with no metadata at all.
pub fn encode(image: &DynamicImage, format: PhotoFormat) -> Result<Vec<u8>, EncodeError> {
    let fail = |reason: String| EncodeError { format, reason };
    let mut bytes = Vec::new();
    match format {
        PhotoFormat::Jpeg => image
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY))
            .map_err(|e| fail(e.to_string()))?,
        PhotoFormat::Png => image
            .write_with_encoder(PngEncoder::new_with_quality(
                &mut bytes,
                CompressionType::Default,
                PngFilter::Adaptive,
            ))
            .map_err(|e| fail(e.to_string()))?,
        PhotoFormat::Webp => {
            let encoder = match image {
                DynamicImage::ImageRgb8(rgb) => {
                    webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height())
                }
                DynamicImage::ImageRgba8(rgba) => {
                    webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height())
                }
                other => return Err(fail(format!("unexpected pixels {:?}", other.color()))),
            };
            let encoded = encoder
                .encode_simple(false, WEBP_QUALITY)
                .map_err(|e| fail(format!("{e:?}")))?;
            bytes.extend_from_slice(&encoded);
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests;
