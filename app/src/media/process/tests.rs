use super::*;
use crate::media::inspect::{decode, inspect, PhotoLimits};
use crate::media::prepare;
use crate::media::test_pictures::*;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn sizes(variants: &[EncodedVariant]) -> Vec<(PhotoSize, PhotoFormat, u32, u32)> {
    variants
        .iter()
        .map(|v| (v.size, v.format, v.width, v.height))
        .collect()
}

#[test]
fn a_large_jpeg_becomes_three_sizes_in_jpeg_and_webp() {
    let variants = prepare(&jpeg(3000, 2000), &PhotoLimits::default()).unwrap();
    use PhotoFormat::{Jpeg, Webp};
    use PhotoSize::{Card, Large, Thumbnail};
    assert_eq!(
        sizes(&variants),
        vec![
            (Thumbnail, Jpeg, 200, 133),
            (Thumbnail, Webp, 200, 133),
            (Card, Jpeg, 600, 400),
            (Card, Webp, 600, 400),
            (Large, Jpeg, 1600, 1067),
            (Large, Webp, 1600, 1067),
        ]
    );
    // Every file is what it says and decodes to its size.
    for variant in &variants {
        let inspected = inspect(&variant.bytes, &PhotoLimits::default()).unwrap();
        assert_eq!(inspected.format, variant.format);
        assert_eq!(
            (inspected.width, inspected.height),
            (variant.width, variant.height)
        );
    }
}

#[test]
fn a_tall_picture_fits_its_longest_side_and_a_small_one_is_never_enlarged() {
    let tall = prepare(&png(1000, 4000), &PhotoLimits::default()).unwrap();
    assert_eq!(
        tall.iter().map(|v| (v.width, v.height)).collect::<Vec<_>>(),
        vec![
            (50, 200),
            (50, 200),
            (150, 600),
            (150, 600),
            (400, 1600),
            (400, 1600)
        ]
    );
    let small = prepare(&jpeg(150, 100), &PhotoLimits::default()).unwrap();
    assert!(small.iter().all(|v| (v.width, v.height) == (150, 100)));
    // ... and its sizes are the same two files.
    let keys: std::collections::HashSet<&str> = small.iter().map(|v| v.key.as_str()).collect();
    assert_eq!(keys.len(), 2);
}

#[test]
fn png_stays_png_and_transparency_is_kept() {
    let from_png = prepare(&png(800, 800), &PhotoLimits::default()).unwrap();
    assert!(from_png
        .iter()
        .all(|v| matches!(v.format, PhotoFormat::Png | PhotoFormat::Webp)));
    // A WebP with transparency gets PNG beside its WebP (JPEG has no transparency)...
    let variants = prepare(&lossless_webp_with_alpha(300, 300), &PhotoLimits::default()).unwrap();
    let png_card = variants
        .iter()
        .find(|v| v.size == PhotoSize::Card && v.format == PhotoFormat::Png)
        .unwrap();
    let decoded = image::load_from_memory(&png_card.bytes).unwrap();
    assert!(decoded.color().has_alpha());
    assert_eq!(decoded.to_rgba8().get_pixel(0, 0)[3], 0);
    // ... and an opaque WebP gets JPEG.
    let opaque = prepare(&webp(300, 300), &PhotoLimits::default()).unwrap();
    assert_eq!(opaque[0].format, PhotoFormat::Jpeg);
}

#[test]
fn exif_and_gps_data_are_gone_from_every_stored_file() {
    let upload = jpeg_with_exif_gps(1200, 900, 1);
    assert!(contains(&upload, EXIF_MARKER) && contains(&upload, b"Exif\0\0"));
    let variants = prepare(&upload, &PhotoLimits::default()).unwrap();
    assert_eq!(variants.len(), 6);
    for variant in &variants {
        let bytes = &variant.bytes;
        assert!(
            !contains(bytes, EXIF_MARKER),
            "{variant:?} keeps the description"
        );
        assert!(!contains(bytes, b"Exif"), "{variant:?} keeps an EXIF block");
        assert!(!contains(bytes, b"EXIF"), "{variant:?} keeps an EXIF chunk");
        // The latitude's seconds, 2634/100, as the EXIF stored them.
        assert!(!contains(bytes, &[0, 0, 0x0A, 0x4A, 0, 0, 0, 100]));
        if variant.format == PhotoFormat::Jpeg {
            assert!(
                !contains(bytes, &[0xFF, 0xE1]),
                "{variant:?} has an APP1 segment"
            );
        }
    }
}

#[test]
fn a_sideways_phone_photo_is_stored_upright() {
    let variants = prepare(&jpeg_with_exif_gps(300, 200, 6), &PhotoLimits::default()).unwrap();
    let large = variants
        .iter()
        .find(|v| v.size == PhotoSize::Large)
        .unwrap();
    assert_eq!((large.width, large.height), (200, 300));
    let thumbnail = variants
        .iter()
        .find(|v| v.size == PhotoSize::Thumbnail)
        .unwrap();
    assert_eq!((thumbnail.width, thumbnail.height), (133, 200));
}

#[test]
fn each_file_is_named_by_the_sha256_of_its_bytes() {
    let variants = prepare(&jpeg(640, 480), &PhotoLimits::default()).unwrap();
    for variant in &variants {
        let hash: String = Sha256::digest(&variant.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            variant.key,
            format!("photos/{hash}.{}", variant.format.extension())
        );
        assert!(crate::media::is_photo_file_name(
            variant.key.strip_prefix("photos/").unwrap()
        ));
    }
    // The same upload makes the same files.
    let again = prepare(&jpeg(640, 480), &PhotoLimits::default()).unwrap();
    assert_eq!(variants, again);
}

#[test]
fn a_decoded_image_is_processed_in_memory_without_its_file() {
    let bytes = png(100, 50);
    let inspected = inspect(&bytes, &PhotoLimits::default()).unwrap();
    let image = decode(&bytes, &inspected, &PhotoLimits::default()).unwrap();
    let variants = process(&image, inspected.format).unwrap();
    assert_eq!(variants.len(), 6);
    assert_eq!(
        fallback_format(PhotoFormat::Jpeg, &transparent(4, 4)),
        PhotoFormat::Png
    );
}

/// How long a 12-megapixel phone photo takes, step by step (`--ignored --nocapture`;
/// meaningful in `--release`).
#[test]
#[ignore]
fn time_a_12_megapixel_jpeg() {
    let upload = jpeg_with_exif_gps(4000, 3000, 1);
    let limits = PhotoLimits::default();
    let started = std::time::Instant::now();
    let inspected = inspect(&upload, &limits).unwrap();
    let inspected_at = started.elapsed();
    let image = decode(&upload, &inspected, &limits).unwrap();
    let decoded_at = started.elapsed();
    let variants = process(&image, inspected.format).unwrap();
    let done = started.elapsed();
    let stored: usize = variants.iter().map(|v| v.bytes.len()).sum();
    eprintln!(
        "12 MP JPEG of {} KB: inspect {inspected_at:?}, decode {:?}, resize and encode {:?}, \
         total {done:?}; six files, {} KB",
        upload.len() / 1024,
        decoded_at - inspected_at,
        done - decoded_at,
        stored / 1024
    );
    for v in &variants {
        eprintln!(
            "  {:?} {:?} {}x{} {} KB",
            v.size,
            v.format,
            v.width,
            v.height,
            v.bytes.len() / 1024
        );
    }
}
