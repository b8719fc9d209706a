//! The product form read into a [`ProductDraft`]: pure, so every rule is tested without a
//! database. Uniqueness against other products is the database's to check.

use crate::money::{Currency, Money};
use crate::staff::products::api::{ProductFields, VariantFields};
use crate::staff::products::form::{attribute_field, variant_field};
use std::collections::BTreeMap;

/// Per field name (`name`, `variants[0][sku]` …), what is wrong with it.
pub type FieldProblems = BTreeMap<String, String>;

/// The longest product name accepted.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest SKU accepted.
pub const MAX_SKU_CHARS: usize = 64;

/// The product the form describes, as far as it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductDraft {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub category_id: Option<i64>,
    pub featured: bool,
    pub published: bool,
    /// Lower-case names, each once.
    pub attributes: Vec<(String, String)>,
    /// The rows kept, in the form's order.
    pub variants: Vec<VariantDraft>,
    /// Stored variants whose "Remove" box is ticked.
    pub removed: Vec<i64>,
}

/// A variant row that is kept (new or stored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VariantDraft {
    /// Its row on the form, to put a problem next to the right field.
    pub row: usize,
    /// `None` for a new variant.
    pub id: Option<i64>,
    pub sku: String,
    pub title: String,
    /// Minor units.
    pub price: i64,
    pub compare_at: Option<i64>,
    /// The stock a new variant starts with (unused for a stored one).
    pub stock: i64,
}

/// "Amber Oak Bowl" → "amber-oak-bowl": lower-case letters and digits joined by dashes.
pub fn slug_from(text: &str) -> String {
    crate::catalog::seed::slugify(text)
}

/// Whether `slug` is lower-case letters and digits joined by single dashes.
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug == slug_from(slug)
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn ticked(value: &str) -> bool {
    !value.trim().is_empty()
}

fn is_blank_variant(row: &VariantFields) -> bool {
    row.id.trim().is_empty()
        && [
            &row.sku,
            &row.options,
            &row.price,
            &row.compare_at,
            &row.stock,
        ]
        .iter()
        .all(|value| value.trim().is_empty())
}

/// Reads the form: the draft (as far as it could be read) and what is wrong with it.
/// Blank rows are ignored; uniqueness against other products is the database's to check.
pub fn read_fields(fields: &ProductFields, currency: Currency) -> (ProductDraft, FieldProblems) {
    let mut problems = FieldProblems::new();
    let mut problem = |name: String, message: String| {
        problems.entry(name).or_insert(message);
    };
    let name = fields.name.trim().to_owned();
    if name.is_empty() {
        problem("name".into(), "Enter the product's name.".into());
    } else if name.chars().count() > MAX_NAME_CHARS {
        problem(
            "name".into(),
            format!("Use at most {MAX_NAME_CHARS} characters."),
        );
    }
    let typed_slug = fields.slug.trim().to_lowercase();
    let slug = if typed_slug.is_empty() {
        slug_from(&name)
    } else {
        typed_slug
    };
    if !is_slug(&slug) {
        problem(
            "slug".into(),
            "Use lower-case letters and digits joined by dashes, like oak-chair.".into(),
        );
    }
    let category_id = fields.category_id.trim().parse::<i64>().ok();
    if category_id.is_none() {
        problem("category_id".into(), "Choose a category.".into());
    }

    let mut attributes: Vec<(String, String)> = Vec::new();
    for (row, attribute) in fields.attributes.iter().enumerate() {
        let (key, value) = (attribute.name.trim().to_lowercase(), attribute.value.trim());
        if ticked(&attribute.remove) || (key.is_empty() && value.is_empty()) {
            continue;
        }
        if key.is_empty() {
            problem(
                attribute_field(row, "name"),
                "Name the attribute, like material.".into(),
            );
        } else if value.is_empty() {
            problem(
                attribute_field(row, "value"),
                format!("Enter the {key}, or remove the row."),
            );
        } else if attributes.iter().any(|(seen, _)| *seen == key) {
            problem(
                attribute_field(row, "name"),
                format!("The product already has a {key} above."),
            );
        } else {
            attributes.push((key, value.to_owned()));
        }
    }

    let mut variants: Vec<VariantDraft> = Vec::new();
    let mut removed = Vec::new();
    for (row, variant) in fields.variants.iter().enumerate() {
        if is_blank_variant(variant) {
            continue;
        }
        let field = |name: &str| variant_field(row, name);
        let id = match variant.id.trim() {
            "" => None,
            typed => match typed.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    problem(field("sku"), "This row is damaged: reload the page.".into());
                    continue;
                }
            },
        };
        if ticked(&variant.remove) {
            if let Some(id) = id {
                removed.push(id);
            }
            continue;
        }
        let sku = variant.sku.trim().to_owned();
        if sku.is_empty() {
            problem(field("sku"), "Enter the SKU.".into());
        } else if sku.chars().count() > MAX_SKU_CHARS || sku.chars().any(char::is_whitespace) {
            problem(
                field("sku"),
                format!("Use up to {MAX_SKU_CHARS} characters, without spaces."),
            );
        } else if variants.iter().any(|other| other.sku == sku) {
            problem(
                field("sku"),
                format!("Another variant on this form has the SKU {sku}."),
            );
        }
        let price = Money::typed(&variant.price, currency).map(|m| m.amount);
        if price.is_none() {
            problem(
                field("price"),
                "Enter the price in pounds, like 12.50.".into(),
            );
        }
        let compare_at = match variant.compare_at.trim() {
            "" => None,
            typed => match Money::typed(typed, currency).map(|m| m.amount) {
                None => {
                    problem(
                        field("compare_at"),
                        "Enter the compare-at price in pounds, like 15.00, or leave it empty."
                            .into(),
                    );
                    None
                }
                Some(was) => {
                    if price.is_some_and(|price| was <= price) {
                        problem(
                            field("compare_at"),
                            "The compare-at price must be above the price.".into(),
                        );
                    }
                    Some(was)
                }
            },
        };
        let stock = match (id, variant.stock.trim()) {
            (Some(_), _) | (None, "") => 0,
            (None, typed) => typed.parse::<i64>().unwrap_or_else(|_| {
                problem(
                    field("stock"),
                    "Enter the stock as a whole number, like 10.".into(),
                );
                0
            }),
        };
        let title = match variant.options.trim() {
            "" => "Standard".to_owned(),
            options => options.to_owned(),
        };
        variants.push(VariantDraft {
            row,
            id,
            sku,
            title,
            price: price.unwrap_or(0),
            compare_at,
            stock,
        });
    }
    if variants.is_empty() {
        problem(
            "variants".into(),
            "Add at least one variant: a SKU and a price.".into(),
        );
    }
    let draft = ProductDraft {
        name,
        slug,
        description: fields.description.trim().to_owned(),
        category_id,
        featured: ticked(&fields.featured),
        published: ticked(&fields.published),
        attributes,
        variants,
        removed,
    };
    (draft, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff::products::api::AttributeFields;

    fn variant(sku: &str, price: &str) -> VariantFields {
        VariantFields {
            sku: sku.to_owned(),
            price: price.to_owned(),
            ..VariantFields::default()
        }
    }

    fn form(variants: Vec<VariantFields>) -> ProductFields {
        ProductFields {
            name: " Amber Oak Bowl ".to_owned(),
            category_id: "3".to_owned(),
            published: "true".to_owned(),
            variants,
            ..ProductFields::default()
        }
    }

    #[test]
    fn slugs_are_made_from_the_name_when_left_empty() {
        assert_eq!(slug_from("Amber Oak Bowl"), "amber-oak-bowl");
        assert_eq!(slug_from("  Pens & Pencils! "), "pens-pencils");
        let (draft, problems) = read_fields(&form(vec![variant("A-1", "5")]), Currency::GBP);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(draft.slug, "amber-oak-bowl");
        assert_eq!(draft.name, "Amber Oak Bowl");
        assert!(draft.published && !draft.featured);
        let mut typed = form(vec![variant("A-1", "5")]);
        typed.slug = "Oak Bowl".to_owned();
        let (_, problems) = read_fields(&typed, Currency::GBP);
        assert!(problems.contains_key("slug"));
        assert!(is_slug("oak-bowl-2") && !is_slug("-oak") && !is_slug("oak--bowl"));
        let mut nameless = form(vec![variant("A-1", "5")]);
        nameless.name = "  ".to_owned();
        let (_, problems) = read_fields(&nameless, Currency::GBP);
        assert!(problems.contains_key("name") && problems.contains_key("slug"));
    }

    #[test]
    fn prices_are_read_as_staff_type_them_and_the_was_price_must_be_higher() {
        assert_eq!(
            Money::typed("£12.50", Currency::GBP).map(|m| m.amount),
            Some(1250)
        );
        assert_eq!(
            Money::typed("12.5", Currency::GBP).map(|m| m.amount),
            Some(1250)
        );
        assert_eq!(
            Money::typed("12", Currency::GBP).map(|m| m.amount),
            Some(1200)
        );
        for bad in ["-1", "12.345", "twelve", ""] {
            assert_eq!(
                Money::typed(bad, Currency::GBP).map(|m| m.amount),
                None,
                "{bad}"
            );
        }
        assert_eq!(Money::new(1205, Currency::GBP).plain(), "12.05");
        let mut row = variant("A-1", "10.00");
        row.compare_at = "12.00".to_owned();
        let (draft, problems) = read_fields(&form(vec![row.clone()]), Currency::GBP);
        assert!(problems.is_empty());
        assert_eq!(draft.variants[0].compare_at, Some(1200));
        assert_eq!(draft.variants[0].title, "Standard");
        row.compare_at = "10".to_owned();
        let (_, problems) = read_fields(&form(vec![row]), Currency::GBP);
        assert_eq!(
            problems.get("variants[0][compare_at]").map(String::as_str),
            Some("The compare-at price must be above the price.")
        );
        let (_, problems) = read_fields(&form(vec![variant("A-1", "ten")]), Currency::GBP);
        assert!(problems.contains_key("variants[0][price]"));
    }

    #[test]
    fn blank_rows_are_ignored_and_one_variant_is_required() {
        let (_, problems) = read_fields(
            &form(vec![VariantFields::default(), VariantFields::default()]),
            Currency::GBP,
        );
        assert!(problems.contains_key("variants"));
        let mut stored = variant("A-1", "5");
        stored.id = "7".to_owned();
        stored.remove = "yes".to_owned();
        let (draft, problems) = read_fields(
            &form(vec![stored, variant("A-2", "6"), VariantFields::default()]),
            Currency::GBP,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(draft.removed, vec![7]);
        assert_eq!(draft.variants.len(), 1);
        assert_eq!(draft.variants[0].row, 1);
    }

    #[test]
    fn a_sku_twice_on_the_form_is_refused_on_the_second_row() {
        let (_, problems) = read_fields(
            &form(vec![variant("A-1", "5"), variant("A-1", "6")]),
            Currency::GBP,
        );
        assert!(problems.contains_key("variants[1][sku]"));
        assert!(!problems.contains_key("variants[0][sku]"));
        let mut bad_stock = variant("A-2", "5");
        bad_stock.stock = "lots".to_owned();
        let (_, problems) = read_fields(&form(vec![bad_stock]), Currency::GBP);
        assert!(problems.contains_key("variants[0][stock]"));
    }

    #[test]
    fn attributes_are_lower_case_keys_each_once() {
        let mut typed = form(vec![variant("A-1", "5")]);
        let attribute = |name: &str, value: &str| AttributeFields {
            name: name.to_owned(),
            value: value.to_owned(),
            remove: String::new(),
        };
        typed.attributes = vec![
            attribute("Material", "Oak"),
            attribute("", ""),
            attribute("material", "Ash"),
            attribute("colour", ""),
        ];
        let (draft, problems) = read_fields(&typed, Currency::GBP);
        assert_eq!(draft.attributes, vec![("material".into(), "Oak".into())]);
        assert!(problems.contains_key("attributes[2][name]"));
        assert!(problems.contains_key("attributes[3][value]"));
    }
}
