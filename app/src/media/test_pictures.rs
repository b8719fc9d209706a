//! Pictures made on the spot for tests, good and bad: real JPEG, PNG and WebP files, a JPEG
//! carrying EXIF with a GPS position, a pixel bomb's header, disguised and cut-short files.

use super::inspect::PhotoFormat;
use image::{DynamicImage, Rgb, RgbImage, Rgba, RgbaImage};

/// Text hidden in the test EXIF's image description, to look for in stored files.
pub const EXIF_MARKER: &[u8] = b"BAZAAR-TEST-GPS-51.5073N";

/// A smooth colour gradient, so encoders have something photo-like to compress.
pub fn gradient(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            ((x + y) % 256) as u8,
        ])
    }))
}

/// A gradient whose left half is see-through.
pub fn transparent(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgba8(RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            (x % 256) as u8,
            (y % 256) as u8,
            128,
            if x < width / 2 { 0 } else { 255 },
        ])
    }))
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    super::process::encode(&gradient(width, height), PhotoFormat::Jpeg).unwrap()
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    super::process::encode(&gradient(width, height), PhotoFormat::Png).unwrap()
}

/// A lossy WebP, as libwebp writes them.
pub fn webp(width: u32, height: u32) -> Vec<u8> {
    super::process::encode(&gradient(width, height), PhotoFormat::Webp).unwrap()
}

/// A lossless WebP with transparency, as the `image` crate writes them.
pub fn lossless_webp_with_alpha(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    transparent(width, height)
        .write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut bytes))
        .unwrap();
    bytes
}

/// A JPEG as a phone writes it: an EXIF block (APP1) right after the start, holding an
/// image description ([`EXIF_MARKER`]), the camera's `orientation` (1 = upright, 6 = turn
/// a quarter clockwise to view) and a GPS position (51°30'26.34"N 0°7'39.60"W).
pub fn jpeg_with_exif_gps(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let plain = jpeg(width, height);
    let exif = exif_block(orientation);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&(2 + exif.len() as u16).to_be_bytes());
    segment.extend_from_slice(&exif);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&segment);
    out.extend_from_slice(&plain[2..]);
    out
}

/// `Exif\0\0` and a big-endian TIFF structure: IFD0 (description, orientation, a pointer
/// to the GPS IFD) and the GPS IFD (latitude and longitude with their N/W references).
fn exif_block(orientation: u16) -> Vec<u8> {
    fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
        out.extend_from_slice(&tag.to_be_bytes());
        out.extend_from_slice(&kind.to_be_bytes());
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(&value);
    }
    const ASCII: u16 = 2;
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    let mut description = EXIF_MARKER.to_vec();
    description.push(0);
    if description.len() % 2 == 1 {
        description.push(0);
    }
    let ifd0_at = 8u32;
    let description_at = ifd0_at + 2 + 3 * 12 + 4;
    let gps_at = description_at + description.len() as u32;
    let latitude_at = gps_at + 2 + 4 * 12 + 4;
    let longitude_at = latitude_at + 24;

    let mut tiff = b"MM\x00\x2A".to_vec();
    tiff.extend_from_slice(&ifd0_at.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    let count = description.len() as u32;
    entry(
        &mut tiff,
        0x010E,
        ASCII,
        count,
        description_at.to_be_bytes(),
    );
    let [o1, o2] = orientation.to_be_bytes();
    entry(&mut tiff, 0x0112, SHORT, 1, [o1, o2, 0, 0]);
    entry(&mut tiff, 0x8825, LONG, 1, gps_at.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(&description);
    tiff.extend_from_slice(&4u16.to_be_bytes());
    entry(&mut tiff, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, RATIONAL, 3, latitude_at.to_be_bytes());
    entry(&mut tiff, 0x0003, ASCII, 2, *b"W\0\0\0");
    entry(&mut tiff, 0x0004, RATIONAL, 3, longitude_at.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    for (numerator, denominator) in [
        (51u32, 1u32),
        (30, 1),
        (2634, 100),
        (0, 1),
        (7, 1),
        (3960, 100),
    ] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    let mut block = b"Exif\0\0".to_vec();
    block.extend_from_slice(&tiff);
    block
}

/// The start of a PNG claiming `width` × `height` pixels: signature and IHDR only, so the
/// bomb costs a few bytes to make and would cost gigabytes to decode.
pub fn png_bomb_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    png
}

/// A small ZIP archive (one stored file, `evil.html`), byte for byte.
pub fn zip_archive() -> Vec<u8> {
    let name = b"evil.html";
    let content = b"<script>alert(1)</script>";
    let crc = crc32(content);
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    zip.extend_from_slice(&crc.to_le_bytes());
    zip.extend_from_slice(&(content.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(content.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip.extend_from_slice(name);
    zip.extend_from_slice(content);
    let central_at = zip.len() as u32;
    let mut central = b"PK\x01\x02".to_vec();
    central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    central.extend_from_slice(&crc.to_le_bytes());
    central.extend_from_slice(&(content.len() as u32).to_le_bytes());
    central.extend_from_slice(&(content.len() as u32).to_le_bytes());
    central.extend_from_slice(&(name.len() as u16).to_le_bytes());
    central.extend_from_slice(&[0; 12]);
    central.extend_from_slice(&0u32.to_le_bytes());
    central.extend_from_slice(name);
    zip.extend_from_slice(&central);
    zip.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0");
    zip.extend_from_slice(&(central.len() as u32).to_le_bytes());
    zip.extend_from_slice(&central_at.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip
}

pub const SVG_WITH_SCRIPT: &[u8] =
    b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
    width=\"100\" height=\"100\"><script>alert(document.cookie)</script>\
    <rect width=\"100\" height=\"100\"/></svg>";

pub const HTML_PAGE: &[u8] =
    b"\n<!DOCTYPE html>\n<html><body><img src=x onerror=alert(1)></body></html>";

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
