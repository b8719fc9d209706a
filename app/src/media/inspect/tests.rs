use super::*;
use crate::media::test_pictures::*;

fn limits() -> PhotoLimits {
    PhotoLimits::default()
}

fn refusal(bytes: &[u8]) -> Refusal {
    inspect(bytes, &limits()).expect_err("refused")
}

#[test]
fn jpeg_png_and_webp_are_taken_for_what_their_bytes_say() {
    let cases = [
        (jpeg(320, 200), PhotoFormat::Jpeg),
        (png(320, 200), PhotoFormat::Png),
        (webp(320, 200), PhotoFormat::Webp),
        (lossless_webp_with_alpha(320, 200), PhotoFormat::Webp),
    ];
    for (bytes, format) in cases {
        let inspected = inspect(&bytes, &limits()).unwrap();
        assert_eq!(
            inspected,
            Inspected {
                format,
                width: 320,
                height: 200
            }
        );
        let image = decode(&bytes, &inspected, &limits()).unwrap();
        assert_eq!((image.width(), image.height()), (320, 200));
    }
}

#[test]
fn a_file_over_the_limit_is_refused_before_anything_is_read() {
    let photo = jpeg(800, 600);
    let tight = PhotoLimits {
        max_bytes: 1000,
        ..limits()
    };
    assert_eq!(
        inspect(&photo, &tight),
        Err(Refusal::TooBig {
            size: photo.len() as u64,
            limit: 1000
        })
    );
    // The default limit is 10 MB, and the message says so.
    let huge = vec![0u8; 10 * 1024 * 1024 + 1];
    let refused = refusal(&huge);
    assert!(matches!(refused, Refusal::TooBig { .. }));
    assert_eq!(
        refused.message(),
        "The file is 10.1 MB; a photo can be at most 10 MB. Make it smaller and try again."
    );
    assert_eq!(refusal(b""), Refusal::Empty);
}

#[test]
fn an_svg_with_a_script_is_refused_as_a_drawing() {
    assert_eq!(refusal(SVG_WITH_SCRIPT), Refusal::NotAPhoto(Impostor::Svg));
    assert_eq!(
        refusal(SVG_WITH_SCRIPT).message(),
        "This file is an SVG drawing, not a photo: upload a JPEG, PNG or WebP photo."
    );
    // Without the XML prolog, and in upper case, it is still an SVG.
    assert_eq!(
        refusal(b"  <SVG onload=\"alert(1)\"></SVG>"),
        Refusal::NotAPhoto(Impostor::Svg)
    );
}

#[test]
fn an_html_page_is_refused_as_a_web_page() {
    assert_eq!(refusal(HTML_PAGE), Refusal::NotAPhoto(Impostor::Html));
    assert!(refusal(HTML_PAGE).message().contains("a web page (HTML)"));
}

#[test]
fn other_files_are_refused_and_named_when_we_know_them() {
    assert_eq!(refusal(&zip_archive()), Refusal::NotAPhoto(Impostor::Zip));
    assert_eq!(
        refusal(b"GIF89a\x01\x00\x01\x00"),
        Refusal::NotAPhoto(Impostor::Gif)
    );
    assert_eq!(refusal(b"%PDF-1.7\n"), Refusal::NotAPhoto(Impostor::Pdf));
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
    assert_eq!(refusal(heic), Refusal::NotAPhoto(Impostor::Heic));
    assert!(refusal(heic).message().contains("export it as JPEG"));
    assert_eq!(
        refusal(b"just some text"),
        Refusal::NotAPhoto(Impostor::Unknown)
    );
}

#[test]
fn a_png_signature_on_a_zip_is_refused_as_a_disguised_zip() {
    let mut disguised = png_bomb_header(1, 1)[..8].to_vec();
    disguised.extend_from_slice(&zip_archive());
    let refused = refusal(&disguised);
    assert_eq!(
        refused,
        Refusal::Disguised {
            claims: PhotoFormat::Png,
            is: Impostor::Zip
        }
    );
    assert_eq!(
        refused.message(),
        "This file starts like a PNG photo but is really a ZIP archive: upload a JPEG, PNG \
         or WebP photo."
    );
}

#[test]
fn a_real_picture_with_another_file_after_it_is_a_polyglot_and_refused() {
    let mut png_zip = png(64, 64);
    png_zip.extend_from_slice(&zip_archive());
    assert_eq!(
        refusal(&png_zip),
        Refusal::Disguised {
            claims: PhotoFormat::Png,
            is: Impostor::Zip
        }
    );
    let mut jpeg_html = jpeg(64, 64);
    jpeg_html.extend_from_slice(b"<script>alert(1)</script>");
    assert_eq!(
        refusal(&jpeg_html),
        Refusal::Disguised {
            claims: PhotoFormat::Jpeg,
            is: Impostor::Html
        }
    );
    let mut webp_extra = webp(64, 64);
    webp_extra.extend_from_slice(b"anything at all");
    assert_eq!(refusal(&webp_extra), Refusal::HiddenData(PhotoFormat::Webp));
    // Zero padding after the end is not a file.
    let mut padded = jpeg(64, 64);
    padded.extend_from_slice(&[0; 100]);
    assert!(inspect(&padded, &limits()).is_ok());
    // Nor is a second JPEG (a camera's preview, Multi-Picture Format).
    let mut mpf = jpeg(64, 64);
    mpf.extend_from_slice(&jpeg(16, 16));
    assert!(inspect(&mpf, &limits()).is_ok());
}

#[test]
fn a_20000_by_20000_pixel_bomb_is_refused_from_its_header_alone() {
    let bomb = png_bomb_header(20_000, 20_000);
    let started = std::time::Instant::now();
    let refused = refusal(&bomb);
    assert!(started.elapsed() < std::time::Duration::from_millis(50));
    assert_eq!(
        refused,
        Refusal::TooManyPixels {
            width: 20_000,
            height: 20_000,
            limit: DEFAULT_MAX_PIXELS
        }
    );
    assert_eq!(
        refused.message(),
        "This picture is 20000 × 20000 pixels (400 megapixels); a photo can have at most \
         40 megapixels. Make it smaller and try again."
    );
    // Just over the limit is refused too; a picture within it is not.
    let tight = PhotoLimits {
        max_pixels: 320 * 200 - 1,
        ..limits()
    };
    assert!(matches!(
        inspect(&jpeg(320, 200), &tight),
        Err(Refusal::TooManyPixels { .. })
    ));
}

#[test]
fn a_truncated_file_is_refused_as_damaged() {
    for (bytes, format) in [
        (jpeg(400, 300), PhotoFormat::Jpeg),
        (png(400, 300), PhotoFormat::Png),
        (webp(400, 300), PhotoFormat::Webp),
    ] {
        for keep in [bytes.len() * 2 / 3, bytes.len() - 2, 40] {
            assert_eq!(
                refusal(&bytes[..keep]),
                Refusal::Damaged(format),
                "{format:?} cut to {keep} of {} bytes",
                bytes.len()
            );
        }
    }
    assert_eq!(
        Refusal::Damaged(PhotoFormat::Jpeg).message(),
        "This JPEG is damaged or incomplete (perhaps it was not fully copied). Save it again \
         and try once more."
    );
}

#[test]
fn a_damaged_inside_is_found_by_decoding() {
    // The structure is intact but the compressed pixels are not.
    let mut bytes = png(200, 200);
    let idat = bytes.windows(4).position(|w| w == b"IDAT").unwrap();
    for byte in &mut bytes[idat + 10..idat + 60] {
        *byte ^= 0x5A;
    }
    let inspected = inspect(&bytes, &limits()).unwrap();
    assert_eq!(
        decode(&bytes, &inspected, &limits()).unwrap_err(),
        Refusal::Damaged(PhotoFormat::Png)
    );
}

#[test]
fn the_cameras_orientation_is_applied_when_decoding() {
    let sideways = jpeg_with_exif_gps(300, 200, 6);
    let inspected = inspect(&sideways, &limits()).unwrap();
    assert_eq!((inspected.width, inspected.height), (300, 200));
    let upright = decode(&sideways, &inspected, &limits()).unwrap();
    assert_eq!((upright.width(), upright.height()), (200, 300));
}
