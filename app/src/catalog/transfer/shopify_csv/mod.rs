//! Shopify's product CSV: one row per variant; later rows of a handle leave the product
//! columns empty, and rows with only `Handle` and `Image Src` add pictures. Attributes
//! other than the vendor and tags travel as Shopify metafield columns
//! (`Material (product.metafields.bazaar.material)`).

mod write;

pub use write::write;

use super::values::{parse_price, strip_html};
use super::{CategoryLevel, ImportImage, ImportProduct, ImportVariant, Parsed, RowError};
use crate::catalog::seed::slugify;
use crate::money::{Currency, Money};
use std::collections::{BTreeMap, HashMap};

/// The Shopify columns Bazaar reads and writes, in Shopify's order.
pub const COLUMNS: &[&str] = &[
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "Variant SKU",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Inventory Qty",
    "Image Src",
    "Image Alt Text",
    "Status",
];

/// Bazaar's own metafields: whether a product is featured, and its category path
/// (`Home & Kitchen > Tableware`), which `Type` alone (one name) cannot carry.
const NAMESPACE: &str = "bazaar";
const FEATURED_KEY: &str = "featured";
const CATEGORY_KEY: &str = "category";
const DEFAULT_OPTION: &str = "Title";
const DEFAULT_TITLE: &str = "Default Title";

/// Where each column is in this file.
struct Columns {
    index: HashMap<String, usize>,
    /// `(column, namespace, key)` of every `(product.metafields.<namespace>.<key>)` column.
    metafields: Vec<(usize, String, String)>,
}

impl Columns {
    fn new(headers: &csv::StringRecord) -> Columns {
        let mut index = HashMap::new();
        let mut metafields = Vec::new();
        for (i, header) in headers.iter().enumerate() {
            let header = header.trim();
            index.entry(header.to_owned()).or_insert(i);
            let field = header
                .rsplit_once("(product.metafields.")
                .and_then(|(_, rest)| rest.strip_suffix(')'))
                .and_then(|rest| rest.split_once('.'));
            if let Some((namespace, key)) = field {
                let key = key.trim().to_lowercase().replace('-', "_");
                metafields.push((i, namespace.trim().to_owned(), key));
            }
        }
        Columns { index, metafields }
    }

    fn get<'r>(&self, record: &'r csv::StringRecord, name: &str) -> &'r str {
        self.index
            .get(name)
            .and_then(|i| record.get(*i))
            .unwrap_or("")
            .trim()
    }
}

/// A product being gathered from its rows, with the errors its rows had.
struct Draft {
    product: ImportProduct,
    errors: Vec<RowError>,
}

pub fn parse(text: &str, currency: Currency) -> Parsed {
    let mut parsed = Parsed::default();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let columns = match reader.headers() {
        Ok(headers) => Columns::new(headers),
        Err(err) => {
            parsed.errors.push(RowError::new(
                1,
                format!("cannot read the header row: {err}"),
            ));
            return parsed;
        }
    };
    if !columns.index.contains_key("Handle") {
        parsed
            .errors
            .push(RowError::new(1, "there is no Handle column"));
        return parsed;
    }
    let mut drafts: Vec<Draft> = Vec::new();
    let mut by_handle: HashMap<String, usize> = HashMap::new();
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line());
                parsed.errors.push(RowError::new(line, err.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let handle = columns.get(&record, "Handle");
        if handle.is_empty() {
            if record.iter().any(|field| !field.trim().is_empty()) {
                parsed.errors.push(RowError::new(line, "Handle is empty"));
            }
            continue;
        }
        match by_handle.get(handle) {
            None => {
                by_handle.insert(handle.to_owned(), drafts.len());
                let mut draft = first_row(&columns, &record, line);
                add_variant(&mut draft, &columns, &record, line, currency);
                add_image(&mut draft, &columns, &record, line);
                drafts.push(draft);
            }
            Some(&at) => {
                let draft = &mut drafts[at];
                let is_variant = ["Option1 Value", "Variant SKU", "Variant Price"]
                    .iter()
                    .any(|name| !columns.get(&record, name).is_empty());
                if is_variant {
                    add_variant(draft, &columns, &record, line, currency);
                }
                add_image(draft, &columns, &record, line);
            }
        }
    }
    for draft in drafts {
        if draft.errors.is_empty() {
            parsed.products.push(draft.product);
        } else {
            parsed.errors.extend(draft.errors);
            parsed.rejected.push(draft.product.handle);
        }
    }
    parsed.errors.sort_by_key(|e| e.line);
    parsed
}

/// The product columns of a handle's first row.
fn first_row(columns: &Columns, record: &csv::StringRecord, line: u64) -> Draft {
    let get = |name: &str| columns.get(record, name);
    let mut errors = Vec::new();
    let mut attributes = BTreeMap::new();
    if !get("Vendor").is_empty() {
        attributes.insert("brand".to_owned(), get("Vendor").to_owned());
    }
    let tags: Vec<&str> = get("Tags")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if !tags.is_empty() {
        attributes.insert("tags".to_owned(), tags.join(", "));
    }
    let mut featured = false;
    let mut category = None;
    for (i, namespace, key) in &columns.metafields {
        let value = record.get(*i).unwrap_or("").trim();
        if value.is_empty() {
            continue;
        }
        match (namespace.as_str(), key.as_str()) {
            (NAMESPACE, FEATURED_KEY) => match yes_no(value) {
                Some(yes) => featured = yes,
                None => errors.push(RowError::new(
                    line,
                    format!("Featured {value:?} is not TRUE or FALSE"),
                )),
            },
            (NAMESPACE, CATEGORY_KEY) => category = Some(category_path(value)),
            _ => {
                attributes.insert(key.clone(), value.to_owned());
            }
        }
    }
    let category = category
        .or_else(|| (!get("Type").is_empty()).then(|| category_path(get("Type"))))
        .unwrap_or_else(super::default_category);
    let status = get("Status").to_ascii_lowercase();
    let published = match status.as_str() {
        "active" => true,
        "draft" | "archived" => false,
        "" => yes_no(get("Published")).unwrap_or_else(|| {
            if !get("Published").is_empty() {
                errors.push(RowError::new(
                    line,
                    format!("Published {:?} is not TRUE or FALSE", get("Published")),
                ));
            }
            true
        }),
        other => {
            errors.push(RowError::new(
                line,
                format!("Status {other:?} is not active, draft or archived"),
            ));
            true
        }
    };
    let mut option_names: Vec<String> = ["Option1 Name", "Option2 Name", "Option3 Name"]
        .iter()
        .map(|name| get(name).to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    if option_names == [DEFAULT_OPTION] {
        option_names.clear();
    }
    if get("Title").is_empty() {
        errors.push(RowError::new(
            line,
            "Title is empty on the first row of the handle",
        ));
    }
    Draft {
        product: ImportProduct {
            line,
            handle: get("Handle").to_owned(),
            title: get("Title").to_owned(),
            description: strip_html(get("Body (HTML)")),
            category,
            published,
            featured,
            option_names,
            attributes,
            variants: Vec::new(),
            images: Vec::new(),
        },
        errors,
    }
}

fn yes_no(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// `Home & Kitchen > Tableware`: category names from the top; slugs are made from them.
fn category_path(value: &str) -> Vec<CategoryLevel> {
    value
        .split(" > ")
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| CategoryLevel {
            slug: slugify(name),
            name: name.to_owned(),
        })
        .collect()
}

fn add_variant(
    draft: &mut Draft,
    columns: &Columns,
    record: &csv::StringRecord,
    line: u64,
    currency: Currency,
) {
    let get = |name: &str| columns.get(record, name);
    let values: Vec<&str> = ["Option1 Value", "Option2 Value", "Option3 Value"]
        .iter()
        .map(|name| get(name))
        .filter(|value| !value.is_empty())
        .collect();
    let title = if values.is_empty() {
        DEFAULT_TITLE.to_owned()
    } else {
        values.join(" / ")
    };
    let position = draft.product.variants.len() + 1;
    let sku = match get("Variant SKU") {
        "" => format!("{}-{position}", draft.product.handle),
        sku => sku.to_owned(),
    };
    let mut price_of = |column: &str| -> Option<Money> {
        let text = get(column);
        match parse_price(text, currency) {
            Some(amount) => Some(Money::new(amount, currency)),
            None => {
                draft.errors.push(RowError::new(
                    line,
                    format!("{column} {text:?} is not a price"),
                ));
                None
            }
        }
    };
    let price = price_of("Variant Price");
    let compare_at_price = match get("Variant Compare At Price") {
        "" => None,
        _ => price_of("Variant Compare At Price"),
    };
    let stock = match get("Variant Inventory Qty") {
        "" => 0,
        text => match text.parse::<i64>() {
            Ok(stock) if stock >= 0 => stock,
            Ok(_) => {
                draft.errors.push(RowError::new(
                    line,
                    format!("Variant Inventory Qty {text:?} is negative"),
                ));
                0
            }
            Err(_) => {
                draft.errors.push(RowError::new(
                    line,
                    format!("Variant Inventory Qty {text:?} is not a whole number"),
                ));
                0
            }
        },
    };
    if let Some(price) = price {
        draft.product.variants.push(ImportVariant {
            line,
            sku,
            title,
            price,
            compare_at_price,
            stock,
        });
    }
}

fn add_image(draft: &mut Draft, columns: &Columns, record: &csv::StringRecord, line: u64) {
    let src = columns.get(record, "Image Src");
    if src.is_empty() || draft.product.images.iter().any(|i| i.src == src) {
        return;
    }
    draft.product.images.push(ImportImage {
        line,
        src: src.to_owned(),
        alt: columns.get(record, "Image Alt Text").to_owned(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Price,Variant Compare At Price,Variant Inventory Qty,Image Src,Image Alt Text,Status";

    fn parse_rows(rows: &[&str]) -> Parsed {
        let text = format!("{HEADER}\n{}\n", rows.join("\n"));
        parse(&text, Currency::GBP)
    }

    #[test]
    fn rows_of_a_handle_become_one_product_with_variants_and_images() {
        let parsed = parse_rows(&[
            "wool-scarf,Wool Scarf,<p>Warm &amp; soft.</p>,Northbank,Knitwear,\"winter, wool\",TRUE,Size,Small,Colour,Sage,SC-S,12.50,15.00,3,https://cdn.example.com/a.jpg,Front,active",
            "wool-scarf,,,,,,,,Large,,Sage,SC-L,14,,0,https://cdn.example.com/b.jpg,Back,",
            "wool-scarf,,,,,,,,,,,,,,,https://cdn.example.com/c.jpg,Detail,",
        ]);
        assert_eq!(parsed.errors, vec![]);
        let scarf = &parsed.products[0];
        assert_eq!(scarf.title, "Wool Scarf");
        assert_eq!(scarf.description, "Warm & soft.");
        assert_eq!(scarf.category[0].slug, "knitwear");
        assert_eq!(scarf.attributes["brand"], "Northbank");
        assert_eq!(scarf.attributes["tags"], "winter, wool");
        assert_eq!(scarf.option_names, vec!["Size", "Colour"]);
        let titles: Vec<_> = scarf.variants.iter().map(|v| v.title.as_str()).collect();
        assert_eq!(titles, vec!["Small / Sage", "Large / Sage"]);
        assert_eq!(scarf.variants[0].price.amount, 1250);
        assert_eq!(scarf.variants[0].compare_at_price.unwrap().amount, 1500);
        assert_eq!(scarf.variants[1].price.amount, 1400);
        assert_eq!(scarf.variants[1].line, 3);
        let alts: Vec<_> = scarf.images.iter().map(|i| i.alt.as_str()).collect();
        assert_eq!(alts, vec!["Front", "Back", "Detail"]);
    }

    #[test]
    fn each_bad_cell_is_reported_with_its_line() {
        let parsed = parse_rows(&[
            "good,Good,,,,,TRUE,Title,Default Title,,,G-1,1.00,,1,,,active",
            "bad,Bad,,,,,TRUE,Title,Default Title,,,B-1,\"12,5\",,1,,,active",
            "bad,,,,,,,,Big,,,B-2,2.00,,-3,,,",
            ",stray,,,,,,,,,,,,,,,,",
            "worse,Worse,,,,,TRUE,,,,,,,,,,,paused",
        ]);
        let lines: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            vec![
                r#"line 3: Variant Price "12,5" is not a price"#,
                r#"line 4: Variant Inventory Qty "-3" is negative"#,
                "line 5: Handle is empty",
                r#"line 6: Status "paused" is not active, draft or archived"#,
                r#"line 6: Variant Price "" is not a price"#,
            ]
        );
        assert_eq!(parsed.products.len(), 1);
        assert_eq!(parsed.products[0].handle, "good");
        assert_eq!(parsed.products[0].variants[0].title, "Default Title");
        assert!(parsed.products[0].option_names.is_empty());
        assert_eq!(parsed.rejected, vec!["bad", "worse"]);
    }

    #[test]
    fn a_missing_sku_is_made_from_the_handle_and_position() {
        let parsed = parse_rows(&[
            "mug,Mug,,,,,,Size,Small,,,,5,,,,,draft",
            "mug,,,,,,,,Large,,,,6,,,,,",
        ]);
        let mug = &parsed.products[0];
        assert!(!mug.published);
        let skus: Vec<_> = mug.variants.iter().map(|v| v.sku.as_str()).collect();
        assert_eq!(skus, vec!["mug-1", "mug-2"]);
        assert_eq!(mug.category, crate::catalog::transfer::default_category());
    }

    #[test]
    fn written_products_read_back_the_same() {
        let parsed = parse_rows(&[
            "wool-scarf,Wool Scarf,Warm.,Northbank,Knitwear,\"winter, wool\",TRUE,Size,Small,Colour,Sage,SC-S,12.50,15.00,3,https://cdn.example.com/a.jpg,Front,active",
            "wool-scarf,,,,,,,,Large,,Sage,SC-L,14,,0,,,",
            "wool-scarf,,,,,,,,,,,,,,,https://cdn.example.com/c.jpg,Detail,",
            "teapot,Teapot,\"Line one.\n\nLine two.\",,,,FALSE,Title,Default Title,,,TP-1,30,,2,,,",
        ]);
        assert_eq!(parsed.errors, vec![]);
        let mut products = parsed.products;
        products[0].featured = true;
        products[0]
            .attributes
            .insert("material".into(), "Merino".into());
        products[1].category = vec![
            CategoryLevel {
                slug: "home-kitchen".into(),
                name: "Home & Kitchen".into(),
            },
            CategoryLevel {
                slug: "tableware".into(),
                name: "Tableware".into(),
            },
        ];
        let mut out = Vec::new();
        write(&products, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("material (product.metafields.bazaar.material)"));
        let again = parse(&text, Currency::GBP);
        assert_eq!(again.errors, vec![]);
        let strip = |p: &ImportProduct| {
            let mut p = p.clone();
            p.line = 0;
            p.variants.iter_mut().for_each(|v| v.line = 0);
            p.images.iter_mut().for_each(|i| i.line = 0);
            p
        };
        let again: Vec<_> = again.products.iter().map(strip).collect();
        let products: Vec<_> = products.iter().map(strip).collect();
        assert_eq!(again, products);
    }
}
