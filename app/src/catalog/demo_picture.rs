//! Pictures for the demo catalog, drawn on request from two numbers in their name
//! (`demo/<hue>-<pattern>.svg`), so seeding 100,000 products writes no files.

/// Width and height of every demo picture, in pixels.
pub const PICTURE_SIZE: i64 = 600;
/// How many different patterns there are.
pub const PATTERNS: u8 = 6;

pub fn storage_key(hue: u16, pattern: u8) -> String {
    format!("demo/{hue}-{pattern}.svg")
}

/// The SVG for a storage key's file name (`<hue>-<pattern>.svg`), or `None` when the
/// name is not one this module makes.
pub fn render(file_name: &str) -> Option<String> {
    let (hue, pattern) = file_name.strip_suffix(".svg")?.split_once('-')?;
    let hue: u16 = hue.parse().ok().filter(|h| *h < 360)?;
    let pattern: u8 = pattern.parse().ok().filter(|p| *p < PATTERNS)?;
    let size = PICTURE_SIZE;
    let background = format!("hsl({hue} 45% 88%)");
    let ink = format!("hsl({hue} 50% 35%)");
    let accent = format!("hsl({} 60% 60%)", (hue + 150) % 360);
    let shapes = match pattern {
        0 => format!(
            r#"<circle cx="300" cy="300" r="170" fill="{ink}"/><circle cx="300" cy="300" r="80" fill="{accent}"/>"#
        ),
        1 => format!(
            r#"<rect x="140" y="140" width="320" height="320" rx="40" fill="{ink}"/><rect x="230" y="230" width="140" height="140" fill="{accent}"/>"#
        ),
        2 => format!(
            r#"<polygon points="300,110 490,460 110,460" fill="{ink}"/><circle cx="300" cy="360" r="60" fill="{accent}"/>"#
        ),
        3 => (0..5)
            .map(|i| {
                format!(
                    r#"<rect x="{}" y="120" width="40" height="360" rx="20" fill="{}"/>"#,
                    130 + i * 75,
                    if i % 2 == 0 { &ink } else { &accent }
                )
            })
            .collect(),
        4 => (0..3)
            .flat_map(|row| (0..3).map(move |col| (row, col)))
            .map(|(row, col)| {
                format!(
                    r#"<circle cx="{}" cy="{}" r="45" fill="{}"/>"#,
                    180 + col * 120,
                    180 + row * 120,
                    if (row + col) % 2 == 0 { &ink } else { &accent }
                )
            })
            .collect(),
        _ => format!(
            r#"<path d="M120 420 Q300 80 480 420 Z" fill="{ink}"/><rect x="120" y="420" width="360" height="40" fill="{accent}"/>"#
        ),
    };
    Some(format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" role="img"><rect width="{size}" height="{size}" fill="{background}"/>{shapes}</svg>"#
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_key_it_makes() {
        for pattern in 0..PATTERNS {
            let key = storage_key(359, pattern);
            let name = key.strip_prefix("demo/").unwrap();
            let svg = render(name).unwrap();
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(svg.contains("hsl(359 45% 88%)"));
        }
    }

    #[test]
    fn refuses_names_it_did_not_make() {
        for name in [
            "360-0.svg",
            "10-6.svg",
            "10-1.png",
            "x-1.svg",
            "../10-1.svg",
            "10-1",
        ] {
            assert_eq!(render(name), None, "{name}");
        }
    }
}
