//! Recovery codes: for a staff member whose authenticator is lost. Ten at a time, each
//! `abcd-efgh-ijkl` (twelve letters, 56 bits), shown once and stored only as SHA-256
//! hashes; each works once.

use sha2::{Digest, Sha256};

/// How many codes an enrolment hands out.
pub const COUNT: usize = 10;
const LETTERS: usize = 12;
const GROUP: usize = 4;

/// `COUNT` new codes from the operating system's random source.
pub fn generate() -> Result<Vec<String>, getrandom::Error> {
    (0..COUNT).map(|_| generate_one()).collect()
}

fn generate_one() -> Result<String, getrandom::Error> {
    let mut letters = String::with_capacity(LETTERS + LETTERS / GROUP);
    let mut count = 0;
    while count < LETTERS {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)?;
        // 234 = 9 × 26: bytes above it are dropped so every letter is equally likely.
        for byte in bytes.into_iter().filter(|&b| b < 234) {
            if count == LETTERS {
                break;
            }
            if count > 0 && count % GROUP == 0 {
                letters.push('-');
            }
            letters.push((b'a' + byte % 26) as char);
            count += 1;
        }
    }
    Ok(letters)
}

/// The code's twelve letters, lower case, without the dashes and spaces people type;
/// `None` when it cannot be a recovery code.
pub fn normalise(code: &str) -> Option<String> {
    let letters: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (letters.len() == LETTERS && letters.bytes().all(|b| b.is_ascii_lowercase())).then_some(letters)
}

/// What is stored for a code: the hex SHA-256 of its normalised letters. The codes
/// carry 56 random bits each, so a plain hash is enough (no password-style stretching).
pub fn hash(normalised: &str) -> String {
    Sha256::digest(normalised.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ten_distinct_groups_of_letters() {
        let codes = generate().unwrap();
        assert_eq!(codes.len(), COUNT);
        for code in &codes {
            assert_eq!(code.len(), 14, "{code}");
            let groups: Vec<&str> = code.split('-').collect();
            assert_eq!(groups.len(), 3, "{code}");
            assert!(groups
                .iter()
                .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_lowercase())));
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), COUNT);
    }

    #[test]
    fn typed_codes_are_normalised_before_hashing() {
        assert_eq!(
            normalise(" ABCD-efgh ijkl ").as_deref(),
            Some("abcdefghijkl")
        );
        assert_eq!(normalise("abcd-efgh-ijk"), None);
        assert_eq!(normalise("abcd-efgh-ijk1"), None);
        assert_eq!(normalise("123456"), None);
        assert_eq!(
            hash("abcdefghijkl"),
            hash(&normalise("abcd-efgh-ijkl").unwrap())
        );
        // SHA-256 of "abc" (FIPS 180-2).
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
