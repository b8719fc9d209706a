//! The countries an address can be in: ISO 3166-1 alpha-2 codes with their English
//! names, in the order the country list shows them.

/// A country a shopper can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2, upper case.
    pub code: &'static str,
    pub name: &'static str,
}

/// The country the form starts on.
pub const DEFAULT_COUNTRY: &str = "GB";

const fn entry(code: &'static str, name: &'static str) -> Country {
    Country { code, name }
}

/// Every country the shop can deliver to, sorted by name.
pub const COUNTRIES: &[Country] = &[
    entry("AR", "Argentina"),
    entry("AU", "Australia"),
    entry("AT", "Austria"),
    entry("BE", "Belgium"),
    entry("BR", "Brazil"),
    entry("BG", "Bulgaria"),
    entry("CA", "Canada"),
    entry("CL", "Chile"),
    entry("CN", "China"),
    entry("CO", "Colombia"),
    entry("HR", "Croatia"),
    entry("CY", "Cyprus"),
    entry("CZ", "Czechia"),
    entry("DK", "Denmark"),
    entry("EG", "Egypt"),
    entry("EE", "Estonia"),
    entry("FI", "Finland"),
    entry("FR", "France"),
    entry("DE", "Germany"),
    entry("GI", "Gibraltar"),
    entry("GR", "Greece"),
    entry("GG", "Guernsey"),
    entry("HK", "Hong Kong"),
    entry("HU", "Hungary"),
    entry("IS", "Iceland"),
    entry("IN", "India"),
    entry("ID", "Indonesia"),
    entry("IE", "Ireland"),
    entry("IM", "Isle of Man"),
    entry("IL", "Israel"),
    entry("IT", "Italy"),
    entry("JP", "Japan"),
    entry("JE", "Jersey"),
    entry("KE", "Kenya"),
    entry("LV", "Latvia"),
    entry("LI", "Liechtenstein"),
    entry("LT", "Lithuania"),
    entry("LU", "Luxembourg"),
    entry("MY", "Malaysia"),
    entry("MT", "Malta"),
    entry("MX", "Mexico"),
    entry("MC", "Monaco"),
    entry("MA", "Morocco"),
    entry("NL", "Netherlands"),
    entry("NZ", "New Zealand"),
    entry("NG", "Nigeria"),
    entry("NO", "Norway"),
    entry("PE", "Peru"),
    entry("PH", "Philippines"),
    entry("PL", "Poland"),
    entry("PT", "Portugal"),
    entry("QA", "Qatar"),
    entry("RO", "Romania"),
    entry("SA", "Saudi Arabia"),
    entry("RS", "Serbia"),
    entry("SG", "Singapore"),
    entry("SK", "Slovakia"),
    entry("SI", "Slovenia"),
    entry("ZA", "South Africa"),
    entry("KR", "South Korea"),
    entry("ES", "Spain"),
    entry("SE", "Sweden"),
    entry("CH", "Switzerland"),
    entry("TW", "Taiwan"),
    entry("TH", "Thailand"),
    entry("TR", "Türkiye"),
    entry("UA", "Ukraine"),
    entry("AE", "United Arab Emirates"),
    entry("GB", "United Kingdom"),
    entry("US", "United States"),
    entry("UY", "Uruguay"),
    entry("VN", "Vietnam"),
];

/// The country with this code (exactly as listed: upper case).
pub fn country(code: &str) -> Option<Country> {
    COUNTRIES.iter().copied().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_two_upper_case_letters_and_names_are_sorted() {
        let mut codes: Vec<&str> = COUNTRIES.iter().map(|c| c.code).collect();
        assert!(codes
            .iter()
            .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), COUNTRIES.len());
        assert!(COUNTRIES.windows(2).all(|w| w[0].name < w[1].name));
        assert_eq!(
            country(DEFAULT_COUNTRY).map(|c| c.name),
            Some("United Kingdom")
        );
        assert_eq!(country("gb"), None);
    }
}
