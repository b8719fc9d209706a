//! Where an imported picture comes from. A local file is read now (size from its header,
//! name from its content) and copied into `<media>/imported/` when the import is written;
//! a URL is only recorded, since the shop may be offline; `media:<key>` names a picture
//! the shop already has, which is how export writes stored pictures.

use super::{ImportImage, RowError};
use crate::catalog::demo_picture::{self, PICTURE_SIZE};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The prefix of a source that names a picture already in the shop's media store.
pub const MEDIA_SCHEME: &str = "media:";
/// The folder under the media directory that imported files are copied into.
pub const IMPORTED_DIR: &str = "imported";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedImage {
    /// A picture the shop serves: already there, or copied from `copy_from`.
    Stored {
        storage_key: String,
        alt: String,
        width: i64,
        height: i64,
        copy_from: Option<PathBuf>,
    },
    /// A picture on the web, recorded in `product_image_sources` and not fetched.
    Url { url: String, alt: String },
}

/// Works out what `image` is; local paths are relative to `base_dir` (the import
/// file's folder) and stored pictures live under `media_dir`.
pub fn resolve(
    image: &ImportImage,
    base_dir: &Path,
    media_dir: &Path,
) -> Result<ResolvedImage, RowError> {
    let src = image.src.trim();
    let alt = image.alt.clone();
    let fail = |reason: String| RowError::new(image.line, format!("image {src:?} {reason}"));
    if src.starts_with("http://") || src.starts_with("https://") {
        return Ok(ResolvedImage::Url {
            url: src.to_owned(),
            alt,
        });
    }
    if let Some(key) = src.strip_prefix(MEDIA_SCHEME) {
        let safe = !key.is_empty()
            && !key.starts_with('/')
            && key
                .split(['/', '\\'])
                .all(|part| !part.is_empty() && part != "..");
        if !safe {
            return Err(fail(
                "is not a media key such as media:imported/ab12.png".into(),
            ));
        }
        let (width, height) = match key.strip_prefix("demo/") {
            Some(file) if demo_picture::render(file).is_some() => (PICTURE_SIZE, PICTURE_SIZE),
            _ => {
                let path = media_dir.join(key);
                let bytes = std::fs::read(&path).map_err(|_| {
                    fail(format!(
                        "is not in the media folder {}",
                        media_dir.display()
                    ))
                })?;
                dimensions(&bytes).ok_or_else(|| fail("is not a picture we can read".into()))?
            }
        };
        return Ok(ResolvedImage::Stored {
            storage_key: key.to_owned(),
            alt,
            width,
            height,
            copy_from: None,
        });
    }
    if src.contains("://") {
        return Err(fail("is neither a local file nor an http(s) URL".into()));
    }
    let path = base_dir.join(src.strip_prefix("file:").unwrap_or(src));
    let bytes = std::fs::read(&path).map_err(|err| fail(format!("cannot be read: {err}")))?;
    let (width, height) =
        dimensions(&bytes).ok_or_else(|| fail("is not a PNG, JPEG, GIF or WebP picture".into()))?;
    let extension = match imagesize::image_type(&bytes) {
        Ok(imagesize::ImageType::Png) => "png",
        Ok(imagesize::ImageType::Jpeg) => "jpg",
        Ok(imagesize::ImageType::Gif) => "gif",
        Ok(imagesize::ImageType::Webp) => "webp",
        _ => return Err(fail("is not a PNG, JPEG, GIF or WebP picture".into())),
    };
    let hash = Sha256::digest(&bytes);
    let name: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    Ok(ResolvedImage::Stored {
        storage_key: format!("{IMPORTED_DIR}/{name}.{extension}"),
        alt,
        width,
        height,
        copy_from: Some(path),
    })
}

fn dimensions(bytes: &[u8]) -> Option<(i64, i64)> {
    let size = imagesize::blob_size(bytes).ok()?;
    let (width, height) = (
        i64::try_from(size.width).ok()?,
        i64::try_from(size.height).ok()?,
    );
    (width > 0 && height > 0).then_some((width, height))
}

/// Copies an imported file into the media store under its content name, unless a file of
/// that name (and so that content) is already there.
pub fn store(copy_from: &Path, media_dir: &Path, storage_key: &str) -> std::io::Result<()> {
    let target = media_dir.join(storage_key);
    if target.exists() {
        return Ok(());
    }
    if let Some(folder) = target.parent() {
        std::fs::create_dir_all(folder)?;
    }
    // Copy then rename, so a half-copied file never carries the final name.
    let partial = target.with_extension("part");
    std::fs::copy(copy_from, &partial)?;
    std::fs::rename(&partial, &target)
}

/// The start of a PNG: the signature and IHDR chunk are all `imagesize` reads.
#[cfg(test)]
pub(crate) fn tiny_png(width: u32, height: u32) -> Vec<u8> {
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(b"IHDR");
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    png
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(src: &str) -> ImportImage {
        ImportImage {
            line: 4,
            src: src.to_owned(),
            alt: "Alt".to_owned(),
        }
    }

    #[test]
    fn a_local_file_is_named_by_its_content_and_measured() {
        let dir = std::env::temp_dir().join(format!("bazaar-images-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bowl.png"), tiny_png(3, 2)).unwrap();
        std::fs::write(dir.join("copy.png"), tiny_png(3, 2)).unwrap();
        std::fs::write(dir.join("notes.txt"), "hello").unwrap();
        let media = dir.join("media");
        let first = resolve(&image("bowl.png"), &dir, &media).unwrap();
        let ResolvedImage::Stored {
            storage_key,
            width,
            height,
            copy_from,
            ..
        } = &first
        else {
            panic!("{first:?}")
        };
        assert!(storage_key.starts_with("imported/") && storage_key.ends_with(".png"));
        assert_eq!((*width, *height), (3, 2));
        let second = resolve(&image("copy.png"), &dir, &media).unwrap();
        assert!(
            matches!(&second, ResolvedImage::Stored { storage_key: k, .. } if k == storage_key)
        );

        store(copy_from.as_ref().unwrap(), &media, storage_key).unwrap();
        assert_eq!(
            std::fs::read(media.join(storage_key)).unwrap(),
            tiny_png(3, 2)
        );
        let again = resolve(&image(&format!("media:{storage_key}")), &dir, &media).unwrap();
        assert!(matches!(
            again,
            ResolvedImage::Stored {
                width: 3,
                height: 2,
                copy_from: None,
                ..
            }
        ));

        let err = resolve(&image("notes.txt"), &dir, &media).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"line 4: image "notes.txt" is not a PNG, JPEG, GIF or WebP picture"#
        );
        let err = resolve(&image("missing.png"), &dir, &media).unwrap_err();
        assert!(err.reason.contains("cannot be read"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn urls_are_recorded_and_media_keys_checked() {
        let nowhere = Path::new("/nonexistent");
        assert_eq!(
            resolve(&image("https://cdn.example.com/a.jpg"), nowhere, nowhere).unwrap(),
            ResolvedImage::Url {
                url: "https://cdn.example.com/a.jpg".into(),
                alt: "Alt".into()
            }
        );
        assert!(matches!(
            resolve(&image("media:demo/120-3.svg"), nowhere, nowhere).unwrap(),
            ResolvedImage::Stored {
                width: PICTURE_SIZE,
                ..
            }
        ));
        for bad in [
            "media:../etc/passwd",
            "media:",
            "media:imported/nope.png",
            "ftp://x/y.png",
        ] {
            assert!(resolve(&image(bad), nowhere, nowhere).is_err(), "{bad}");
        }
    }
}
