//! Walking a file's structure from its first byte to the end of the picture, without
//! decoding anything: finds files cut short (which lenient decoders would fill in with
//! grey) and files with something after the picture's end (a ZIP or a script riding
//! along: a polyglot).

use super::PhotoFormat;

pub(super) const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Structure<'a> {
    /// The picture ends exactly where the file does (give or take padding).
    Complete,
    /// Cut short, or not laid out as the format says.
    Broken,
    /// A complete picture followed by these bytes.
    Trailing(&'a [u8]),
}

pub(super) fn walk(format: PhotoFormat, bytes: &[u8]) -> Structure<'_> {
    let end = match format {
        PhotoFormat::Png => png_end(bytes),
        PhotoFormat::Jpeg => jpeg_end(bytes),
        PhotoFormat::Webp => webp_end(bytes),
    };
    match end {
        None => Structure::Broken,
        Some(end) if end >= bytes.len() => Structure::Complete,
        // Some encoders pad to a block size with zeros.
        Some(end) if bytes[end..].iter().all(|&b| b == 0) => Structure::Complete,
        Some(end) => Structure::Trailing(&bytes[end..]),
    }
}

fn be32(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

fn le32(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

/// Chunks from IHDR to IEND; the offset just past IEND.
fn png_end(bytes: &[u8]) -> Option<usize> {
    let mut at = PNG_SIGNATURE.len();
    let mut first = true;
    loop {
        let length = be32(bytes, at)?;
        let kind = bytes.get(at + 4..at + 8)?;
        if length > 0x7FFF_FFFF || (first && kind != b"IHDR") {
            return None;
        }
        first = false;
        let next = at.checked_add(12 + length)?;
        if next > bytes.len() {
            return None;
        }
        if kind == b"IEND" {
            return Some(next);
        }
        at = next;
    }
}

/// Segments from SOI to EOI, through the entropy-coded data after each SOS; the offset
/// just past EOI. A second complete JPEG straight after the first (a camera's preview in
/// the Multi-Picture Format) is part of the file.
fn jpeg_end(bytes: &[u8]) -> Option<usize> {
    let mut end = one_jpeg_end(bytes, 0)?;
    while bytes[end..].starts_with(&[0xFF, 0xD8, 0xFF]) {
        end = one_jpeg_end(bytes, end)?;
    }
    Some(end)
}

fn one_jpeg_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 2;
    let mut scanned = false;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        // Any number of 0xFF fill bytes may stand before a marker.
        while *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        let marker = bytes[at + 1];
        match marker {
            0xD9 => return scanned.then_some(at + 2),
            0xD8 | 0x00 => return None,
            0x01 | 0xD0..=0xD7 => at += 2,
            _ => {
                let length = usize::from(u16::from_be_bytes([
                    *bytes.get(at + 2)?,
                    *bytes.get(at + 3)?,
                ]));
                if length < 2 {
                    return None;
                }
                let next = at + 2 + length;
                if next > bytes.len() {
                    return None;
                }
                at = if marker == 0xDA {
                    scanned = true;
                    entropy_coded_end(bytes, next)?
                } else {
                    next
                };
            }
        }
    }
}

/// Inside entropy-coded data a 0xFF is always followed by 0x00 (a stuffed byte) or a
/// restart marker, so the first other marker ends it.
fn entropy_coded_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let found = at + bytes.get(at..)?.iter().position(|&b| b == 0xFF)?;
        match *bytes.get(found + 1)? {
            0x00 | 0xD0..=0xD7 | 0xFF => at = found + 1,
            _ => return Some(found),
        }
    }
}

/// The RIFF container: its declared size must fit the file, and its chunks the container.
fn webp_end(bytes: &[u8]) -> Option<usize> {
    let declared = le32(bytes, 4)?;
    let end = declared.checked_add(8)?;
    if declared < 4 || declared % 2 == 1 || end > bytes.len() {
        return None;
    }
    let mut at = 12;
    let mut first = true;
    while at < end {
        let kind = bytes.get(at..at + 4)?;
        if first && !matches!(kind, b"VP8 " | b"VP8L" | b"VP8X") {
            return None;
        }
        first = false;
        let length = le32(bytes, at + 4)?;
        at = at.checked_add(8 + length + length % 2)?;
    }
    (at == end && !first).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_without_iend_is_broken_and_one_with_more_after_it_trails() {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(&[0, 0, 0, 13]);
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&[0; 17]);
        assert_eq!(walk(PhotoFormat::Png, &png), Structure::Broken);
        png.extend_from_slice(&[0, 0, 0, 0]);
        png.extend_from_slice(b"IEND");
        png.extend_from_slice(&[0xAE, 0x42, 0x60, 0x82]);
        assert_eq!(walk(PhotoFormat::Png, &png), Structure::Complete);
        png.extend_from_slice(b"<script>");
        assert_eq!(
            walk(PhotoFormat::Png, &png),
            Structure::Trailing(b"<script>")
        );
    }

    #[test]
    fn entropy_coded_data_ends_at_the_first_real_marker() {
        // Stuffed 0xFF 0x00, a restart marker and fill bytes are all inside the data.
        let data = [1, 0xFF, 0x00, 2, 0xFF, 0xD3, 3, 0xFF, 0xFF, 0xD9];
        assert_eq!(entropy_coded_end(&data, 0), Some(8));
        assert_eq!(entropy_coded_end(&data[..7], 0), None);
    }

    #[test]
    fn a_riff_that_claims_more_than_the_file_holds_is_broken() {
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&100u32.to_le_bytes());
        webp.extend_from_slice(b"WEBPVP8L");
        webp.extend_from_slice(&[0; 20]);
        assert_eq!(walk(PhotoFormat::Webp, &webp), Structure::Broken);
    }
}
