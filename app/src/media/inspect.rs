//! Deciding whether uploaded bytes are a photo we take, trusting nothing the browser said:
//! the size, then the format from the first bytes, then the pixel count from the header
//! (before anything is decoded, so a decompression bomb never is), then the file's
//! structure from end to end (cut short, or carrying another file after the picture),
//! and finally a full decode.

mod structure;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use std::fmt;
use std::io::Cursor;
use structure::Structure;

/// The formats we take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Webp,
}

impl PhotoFormat {
    /// The file name extension of a stored file in this format.
    pub fn extension(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "jpg",
            PhotoFormat::Png => "png",
            PhotoFormat::Webp => "webp",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
            PhotoFormat::Webp => "image/webp",
        }
    }

    /// The format's name as people know it.
    pub fn name(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "JPEG",
            PhotoFormat::Png => "PNG",
            PhotoFormat::Webp => "WebP",
        }
    }

    /// The format a stored file's extension names.
    pub fn from_extension(extension: &str) -> Option<PhotoFormat> {
        match extension {
            "jpg" => Some(PhotoFormat::Jpeg),
            "png" => Some(PhotoFormat::Png),
            "webp" => Some(PhotoFormat::Webp),
            _ => None,
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            PhotoFormat::Jpeg => ImageFormat::Jpeg,
            PhotoFormat::Png => ImageFormat::Png,
            PhotoFormat::Webp => ImageFormat::WebP,
        }
    }
}

/// How much an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoLimits {
    /// The largest file, in bytes (`BAZAAR_PHOTO_MAX_MB`).
    pub max_bytes: u64,
    /// The most pixels (width × height) a photo may have.
    pub max_pixels: u64,
}

/// 10 MB a file.
pub const DEFAULT_MAX_BYTES: u64 = 10 * MEGABYTE;
/// 40 megapixels: more than any phone or most cameras take, and at 4 bytes a pixel a
/// 160 MB decode at most.
pub const DEFAULT_MAX_PIXELS: u64 = 40_000_000;
const MEGABYTE: u64 = 1024 * 1024;

impl Default for PhotoLimits {
    fn default() -> PhotoLimits {
        PhotoLimits {
            max_bytes: DEFAULT_MAX_BYTES,
            max_pixels: DEFAULT_MAX_PIXELS,
        }
    }
}

/// What a refused file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impostor {
    Svg,
    Html,
    Zip,
    Gif,
    Pdf,
    Heic,
    Unknown,
}

impl Impostor {
    fn described(self) -> &'static str {
        match self {
            Impostor::Svg => "an SVG drawing",
            Impostor::Html => "a web page (HTML)",
            Impostor::Zip => "a ZIP archive",
            Impostor::Gif => "a GIF",
            Impostor::Pdf => "a PDF document",
            Impostor::Heic => "a HEIC or AVIF photo",
            Impostor::Unknown => "not a picture we can read",
        }
    }
}

/// Why an upload is refused, in words staff can act on ([`Refusal::message`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    TooBig {
        size: u64,
        limit: u64,
    },
    NotAPhoto(Impostor),
    /// Starts like a photo but is something else behind that (a PNG signature on a ZIP).
    Disguised {
        claims: PhotoFormat,
        is: Impostor,
    },
    /// A complete picture with more after its end: another file riding along (a polyglot).
    HiddenData(PhotoFormat),
    /// Cut short or broken inside.
    Damaged(PhotoFormat),
    TooManyPixels {
        width: u32,
        height: u32,
        limit: u64,
    },
}

impl Refusal {
    /// The reason, as the upload form shows it.
    pub fn message(&self) -> String {
        const TAKE: &str = "upload a JPEG, PNG or WebP photo";
        match *self {
            Refusal::Empty => "The file is empty.".to_owned(),
            Refusal::TooBig { size, limit } => format!(
                "The file is {}; a photo can be at most {}. Make it smaller and try again.",
                megabytes(size),
                megabytes(limit)
            ),
            Refusal::NotAPhoto(Impostor::Heic) => {
                "This is a HEIC or AVIF photo (as iPhones take them), which we cannot use \
                 yet: export it as JPEG and try again."
                    .to_owned()
            }
            Refusal::NotAPhoto(Impostor::Unknown) => {
                format!("This file is not a photo we can use: {TAKE}.")
            }
            Refusal::NotAPhoto(is) => {
                format!("This file is {}, not a photo: {TAKE}.", is.described())
            }
            Refusal::Disguised { claims, is } => format!(
                "This file starts like a {} photo but is really {}: {TAKE}.",
                claims.name(),
                is.described()
            ),
            Refusal::HiddenData(format) => format!(
                "This {} has something else stored after the picture (a video or another \
                 file), so we cannot take it. Save the picture again in an image editor and \
                 upload that.",
                format.name()
            ),
            Refusal::Damaged(format) => format!(
                "This {} is damaged or incomplete (perhaps it was not fully copied). Save it \
                 again and try once more.",
                format.name()
            ),
            Refusal::TooManyPixels {
                width,
                height,
                limit,
            } => format!(
                "This picture is {width} × {height} pixels ({} megapixels); a photo can have \
                 at most {} megapixels. Make it smaller and try again.",
                (u64::from(width) * u64::from(height)).div_ceil(1_000_000),
                limit / 1_000_000
            ),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Refusal {}

/// "10 MB", "12.4 MB", "0.3 MB".
fn megabytes(bytes: u64) -> String {
    let tenths = (bytes * 10).div_ceil(MEGABYTE);
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// A file that passed every check short of decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    pub format: PhotoFormat,
    /// As stored in the file, before any orientation the camera recorded.
    pub width: u32,
    pub height: u32,
}

/// Every check that needs no decoding: cheap, and safe against any input.
pub fn inspect(bytes: &[u8], limits: &PhotoLimits) -> Result<Inspected, Refusal> {
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(Refusal::Empty);
    }
    if size > limits.max_bytes {
        return Err(Refusal::TooBig {
            size,
            limit: limits.max_bytes,
        });
    }
    let format = sniff(bytes).map_err(Refusal::NotAPhoto)?;
    // The header alone says how many pixels a decode would make.
    let broken = || match impostor_behind(bytes) {
        Some(is) => Refusal::Disguised { claims: format, is },
        None => Refusal::Damaged(format),
    };
    let header = imagesize::blob_size(bytes).map_err(|_| broken())?;
    let (width, height) = (
        u32::try_from(header.width).map_err(|_| broken())?,
        u32::try_from(header.height).map_err(|_| broken())?,
    );
    if width == 0 || height == 0 {
        return Err(broken());
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(Refusal::TooManyPixels {
            width,
            height,
            limit: limits.max_pixels,
        });
    }
    match structure::walk(format, bytes) {
        Structure::Complete => Ok(Inspected {
            format,
            width,
            height,
        }),
        Structure::Broken => Err(broken()),
        Structure::Trailing(rest) => Err(match impostor_behind(rest) {
            Some(is) if is != Impostor::Unknown => Refusal::Disguised { claims: format, is },
            _ => Refusal::HiddenData(format),
        }),
    }
}

/// Decodes an inspected file into upright pixels (the camera's orientation applied), under
/// limits that would stop the decoder even if the header had lied about its size.
pub fn decode(
    bytes: &[u8],
    inspected: &Inspected,
    limits: &PhotoLimits,
) -> Result<DynamicImage, Refusal> {
    let damaged = |_| Refusal::Damaged(inspected.format);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), inspected.format.image_format());
    let mut decode_limits = image::Limits::default();
    decode_limits.max_image_width = Some(inspected.width);
    decode_limits.max_image_height = Some(inspected.height);
    // 16-bit RGBA at most, and some room for the decoder's own tables.
    decode_limits.max_alloc = Some(limits.max_pixels * 8 + 64 * MEGABYTE);
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let orientation = decoder.orientation().map_err(damaged)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The accepted format the first bytes announce, or what the file looks like instead.
fn sniff(bytes: &[u8]) -> Result<PhotoFormat, Impostor> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(PhotoFormat::Jpeg)
    } else if bytes.starts_with(structure::PNG_SIGNATURE) {
        Ok(PhotoFormat::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Ok(PhotoFormat::Webp)
    } else {
        Err(impostor_behind(bytes).unwrap_or(Impostor::Unknown))
    }
}

/// What `bytes` are if they are one of the things people upload by mistake (or on
/// purpose): `None` when they look like nothing in particular.
fn impostor_behind(bytes: &[u8]) -> Option<Impostor> {
    let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") || starts(b"PK\x07\x08") {
        return Some(Impostor::Zip);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some(Impostor::Gif);
    }
    if starts(b"%PDF-") {
        return Some(Impostor::Pdf);
    }
    let heif_brands: [&[u8]; 6] = [b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif"];
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" && heif_brands.contains(&&bytes[8..12]) {
        return Some(Impostor::Heic);
    }
    // A ZIP archive is read from its end, so one appended to a picture is still a ZIP.
    if find(b"PK\x05\x06") && find(b"PK\x03\x04") {
        return Some(Impostor::Zip);
    }
    // Markup: look at the start, lower-cased, past a byte-order mark and white space.
    let head: Vec<u8> = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .iter()
        .take(4096)
        .map(u8::to_ascii_lowercase)
        .collect();
    let text = head.trim_ascii_start();
    let has = |needle: &str| head.windows(needle.len()).any(|w| w == needle.as_bytes());
    if text.starts_with(b"<") && has("<svg") {
        return Some(Impostor::Svg);
    }
    if [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<script",
        "<iframe",
    ]
    .iter()
    .any(|tag| has(tag))
    {
        return Some(Impostor::Html);
    }
    None
}

#[cfg(test)]
mod tests;
