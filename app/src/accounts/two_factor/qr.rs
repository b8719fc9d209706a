//! The enrolment QR code, drawn on the server as an inline SVG.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// What screen readers announce for the picture.
pub const LABEL: &str = "QR code to scan with your authenticator app";

/// `text` as an `<svg>` element to put straight into the page, named by [`LABEL`];
/// `None` only if `text` is too long for any QR code.
pub fn svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Inline in HTML the XML declaration is noise; the element needs its name.
    let element = &image[image.find("<svg")?..];
    Some(element.replacen(
        "<svg ",
        &format!(r#"<svg role="img" aria-label="{LABEL}" focusable="false" "#),
        1,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_code_is_an_inline_svg_with_a_name() {
        let svg = super::svg("otpauth://totp/Bazaar:ann%40shop.test?secret=MZXW6YTBOI").unwrap();
        assert!(
            svg.starts_with(r#"<svg role="img" aria-label="QR code"#),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
    }
}
