//! Reading the category form as typed: the name, the slug (made from the name when left
//! empty), the description and the parent. Pure; whether the slug is free and the parent
//! exists is the database's to say (`server`).

use super::api::CategoryFields;
use std::collections::BTreeMap;

/// Longest name, slug and description accepted.
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_SLUG_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;

/// Per field name, what is wrong with it.
pub type FieldProblems = BTreeMap<String, String>;

/// A category as the form describes it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryInput {
    pub name: String,
    pub slug: String,
    pub description: String,
    /// `None`: the top level.
    pub parent_id: Option<i64>,
}

/// "Home & Kitchen" → "home-kitchen": lower-case letters and digits, a hyphen between
/// words.
pub fn slug_from_name(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// What is wrong with `slug`, if anything.
pub fn slug_problem(slug: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if slug.chars().count() > MAX_SLUG_CHARS {
        Some(format!("Keep the slug to {MAX_SLUG_CHARS} characters."))
    } else if !slug.chars().all(allowed) || slug.starts_with('-') || slug.ends_with('-') {
        Some(
            "Use lower-case letters, digits and hyphens only, like garden-tools \
             (no hyphen at either end)."
                .to_owned(),
        )
    } else {
        None
    }
}

/// The form read and checked, or a message per field that is wrong.
pub fn parse_fields(fields: &CategoryFields) -> Result<CategoryInput, FieldProblems> {
    let mut problems = FieldProblems::new();
    let name = fields.name.trim();
    if name.is_empty() {
        problems.insert("name".into(), "Give the category a name.".into());
    } else if name.chars().count() > MAX_NAME_CHARS {
        problems.insert(
            "name".into(),
            format!("Keep the name to {MAX_NAME_CHARS} characters."),
        );
    }
    let typed_slug = fields.slug.trim();
    let slug = if typed_slug.is_empty() {
        slug_from_name(name)
    } else {
        typed_slug.to_owned()
    };
    if slug.is_empty() && !name.is_empty() {
        problems.insert(
            "slug".into(),
            "The name has no letters or digits to make a slug from: type one, like garden-tools."
                .into(),
        );
    } else if let Some(problem) = slug_problem(&slug) {
        problems.insert("slug".into(), problem);
    }
    let description = fields.description.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        problems.insert(
            "description".into(),
            format!("Keep the description to {MAX_DESCRIPTION_CHARS} characters."),
        );
    }
    let parent = fields.parent.trim();
    let parent_id = if parent.is_empty() {
        None
    } else {
        match parent.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                problems.insert("parent".into(), "Choose a parent from the list.".into());
                None
            }
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(CategoryInput {
        name: name.to_owned(),
        slug,
        description: description.to_owned(),
        parent_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(name: &str, slug: &str, parent: &str) -> CategoryFields {
        CategoryFields {
            name: name.into(),
            slug: slug.into(),
            description: " Pots and pans. ".into(),
            parent: parent.into(),
        }
    }

    #[test]
    fn an_empty_slug_is_made_from_the_name() {
        let input = parse_fields(&fields(" Home & Kitchen ", "", "")).unwrap();
        assert_eq!(input.name, "Home & Kitchen");
        assert_eq!(input.slug, "home-kitchen");
        assert_eq!(input.description, "Pots and pans.");
        assert_eq!(input.parent_id, None);
        assert_eq!(slug_from_name("--Tea, coffee & más!--"), "tea-coffee-m-s");
    }

    #[test]
    fn a_typed_slug_must_be_lower_case_letters_digits_and_hyphens() {
        assert_eq!(
            parse_fields(&fields("Tools", " garden-tools-2 ", "7"))
                .unwrap()
                .slug,
            "garden-tools-2"
        );
        for bad in [
            "Garden",
            "garden tools",
            "garden_tools",
            "-garden",
            "garden-",
        ] {
            let problems = parse_fields(&fields("Tools", bad, "")).unwrap_err();
            assert!(problems.contains_key("slug"), "{bad} accepted");
        }
        let long = "a".repeat(MAX_SLUG_CHARS + 1);
        assert!(parse_fields(&fields("Tools", &long, ""))
            .unwrap_err()
            .contains_key("slug"));
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let problems = parse_fields(&fields("  ", "Bad Slug", "seven")).unwrap_err();
        let named: Vec<&str> = problems.keys().map(String::as_str).collect();
        assert_eq!(named, vec!["name", "parent", "slug"]);
        let problems = parse_fields(&fields("!!!", "", "")).unwrap_err();
        assert!(problems["slug"].contains("type one"), "{problems:?}");
    }
}
