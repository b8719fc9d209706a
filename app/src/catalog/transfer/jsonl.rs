//! Bazaar's own catalog file: one product per line, as JSON (see the README for the
//! fields). Reading and writing share these types, so what export writes imports back.

use super::{CategoryLevel, ImportImage, ImportProduct, ImportVariant, Parsed, RowError};
use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonProduct {
    handle: String,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    category: Option<JsonCategory>,
    #[serde(default = "published_by_default")]
    published: bool,
    #[serde(default)]
    featured: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    options: Vec<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    variants: Vec<JsonVariant>,
    #[serde(default)]
    images: Vec<JsonImage>,
}

fn published_by_default() -> bool {
    true
}

/// A category by slug (`"tableware"`), or in full with its parents so an empty
/// database can be given the same tree.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum JsonCategory {
    Slug(String),
    Full {
        slug: String,
        name: String,
        #[serde(default)]
        parent: Option<Box<JsonCategory>>,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonVariant {
    sku: String,
    title: String,
    price: Money,
    #[serde(default)]
    compare_at_price: Option<Money>,
    #[serde(default)]
    stock: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonImage {
    src: String,
    #[serde(default)]
    alt: String,
}

/// Every non-blank line is one product.
pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for (index, line) in text.lines().enumerate() {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<JsonProduct>(line) {
            Ok(product) => parsed.products.push(from_json(product, number)),
            Err(err) => {
                let message = err.to_string();
                // serde_json adds "at line 1 column N"; the line is ours to give.
                let reason = match message.rfind(" at line ") {
                    Some(at) => &message[..at],
                    None => &message,
                };
                parsed.errors.push(RowError::new(number, reason));
                if let Some(handle) = handle_of(line) {
                    parsed.rejected.push(handle);
                }
            }
        }
    }
    parsed
}

/// The handle of a line that does not parse as a product, if it is JSON at all.
fn handle_of(line: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    Some(value.get("handle")?.as_str()?.to_owned())
}

fn from_json(product: JsonProduct, line: u64) -> ImportProduct {
    let category = match product.category {
        Some(category) => category_chain(category),
        None => super::default_category(),
    };
    ImportProduct {
        line,
        handle: product.handle,
        title: product.title,
        description: product.description,
        category,
        published: product.published,
        featured: product.featured,
        option_names: product.options,
        attributes: product.attributes,
        variants: product
            .variants
            .into_iter()
            .map(|v| ImportVariant {
                line,
                sku: v.sku,
                title: v.title,
                price: v.price,
                compare_at_price: v.compare_at_price,
                stock: v.stock,
            })
            .collect(),
        images: product
            .images
            .into_iter()
            .map(|i| ImportImage {
                line,
                src: i.src,
                alt: i.alt,
            })
            .collect(),
    }
}

/// Top level first. A category given only by slug takes its slug as its name if it
/// has to be created.
fn category_chain(category: JsonCategory) -> Vec<CategoryLevel> {
    let mut chain = Vec::new();
    let mut next = Some(category);
    while let Some(category) = next.take() {
        match category {
            JsonCategory::Slug(slug) => chain.push(CategoryLevel {
                name: slug.clone(),
                slug,
            }),
            JsonCategory::Full { slug, name, parent } => {
                chain.push(CategoryLevel { slug, name });
                next = parent.map(|p| *p);
            }
        }
    }
    chain.reverse();
    chain
}

/// One line of JSON (without its newline) for `product`.
pub fn to_line(product: &ImportProduct) -> String {
    let category = product.category.iter().fold(None, |parent, level| {
        Some(JsonCategory::Full {
            slug: level.slug.clone(),
            name: level.name.clone(),
            parent: parent.map(Box::new),
        })
    });
    let json = JsonProduct {
        handle: product.handle.clone(),
        title: product.title.clone(),
        description: product.description.clone(),
        category,
        published: product.published,
        featured: product.featured,
        options: product.option_names.clone(),
        attributes: product.attributes.clone(),
        variants: product
            .variants
            .iter()
            .map(|v| JsonVariant {
                sku: v.sku.clone(),
                title: v.title.clone(),
                price: v.price,
                compare_at_price: v.compare_at_price,
                stock: v.stock,
            })
            .collect(),
        images: product
            .images
            .iter()
            .map(|i| JsonImage {
                src: i.src.clone(),
                alt: i.alt.clone(),
            })
            .collect(),
    };
    // Plain strings, numbers and maps with string keys always serialise.
    serde_json::to_string(&json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    const BOWL: &str = r#"{"handle":"amber-oak-bowl","title":"Amber Oak Bowl","description":"Turned by hand.","category":{"slug":"tableware","name":"Tableware","parent":{"slug":"home-kitchen","name":"Home & Kitchen","parent":null}},"published":true,"featured":false,"attributes":{"brand":"Northbank"},"variants":[{"sku":"BZ-1","title":"Standard","price":{"amount":1299,"currency":"GBP"},"compare_at_price":{"amount":1599,"currency":"GBP"},"stock":5}],"images":[{"src":"https://cdn.example.com/bowl.jpg","alt":"The bowl"}]}"#;

    #[test]
    fn a_line_becomes_a_product_with_its_category_tree() {
        let parsed = parse(BOWL);
        assert_eq!(parsed.errors, vec![]);
        let product = &parsed.products[0];
        assert_eq!(product.handle, "amber-oak-bowl");
        assert_eq!(
            product.category,
            vec![
                CategoryLevel {
                    slug: "home-kitchen".into(),
                    name: "Home & Kitchen".into()
                },
                CategoryLevel {
                    slug: "tableware".into(),
                    name: "Tableware".into()
                },
            ]
        );
        assert_eq!(product.variants[0].price, Money::new(1299, Currency::GBP));
        assert_eq!(
            product.variants[0].compare_at_price,
            Some(Money::new(1599, Currency::GBP))
        );
        assert_eq!(product.attributes["brand"], "Northbank");
        assert_eq!(product.images[0].alt, "The bowl");
    }

    #[test]
    fn writing_a_product_reads_back_the_same() {
        let product = parse(BOWL).products.remove(0);
        let again = parse(&to_line(&product)).products.remove(0);
        assert_eq!(again, product);
    }

    #[test]
    fn a_category_slug_alone_is_enough_and_none_means_imported() {
        let line = BOWL.replace(
            r#"{"slug":"tableware","name":"Tableware","parent":{"slug":"home-kitchen","name":"Home & Kitchen","parent":null}}"#,
            r#""tableware""#,
        );
        let product = parse(&line).products.remove(0);
        assert_eq!(product.category[0].slug, "tableware");
        let line = BOWL.replace(r#""category""#, r#""unused""#);
        assert!(parse(&line).errors[0]
            .reason
            .contains("unknown field `unused`"));
        let minimal = r#"{"handle":"x","title":"X","variants":[]}"#;
        assert_eq!(parse(minimal).products[0].category[0].name, "Imported");
    }

    #[test]
    fn bad_lines_are_reported_with_their_line_number() {
        let text = format!(
            "{BOWL}\n\n{}\nnot json\n",
            BOWL.replace(r#""currency":"GBP"}"#, r#""currency":"pounds"}"#)
        );
        let parsed = parse(&text);
        assert_eq!(parsed.products.len(), 1);
        assert_eq!(parsed.errors.len(), 2);
        assert_eq!(parsed.errors[0].line, 3);
        assert!(
            parsed.errors[0].reason.contains("three capital letters"),
            "{}",
            parsed.errors[0]
        );
        assert_eq!(parsed.rejected, vec!["amber-oak-bowl".to_owned()]);
        assert_eq!(parsed.errors[1].line, 4);
        assert!(!parsed.errors[1].reason.contains("column"));
    }
}
