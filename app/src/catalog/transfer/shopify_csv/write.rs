//! Writing Shopify's product CSV: a row per variant, pictures beside them and extra
//! picture rows after; Bazaar's attributes, category path and featured flag as metafield
//! columns, so the file imports back to the same catalog.

use super::{CATEGORY_KEY, COLUMNS, DEFAULT_OPTION, FEATURED_KEY, NAMESPACE};
use crate::catalog::transfer::values::format_price;
use crate::catalog::transfer::ImportProduct;
use std::collections::{BTreeSet, HashMap};

/// Writes `products` as a Shopify product CSV that imports back to the same catalog.
pub fn write(products: &[ImportProduct], out: impl std::io::Write) -> csv::Result<()> {
    let attribute_names: BTreeSet<&str> = products
        .iter()
        .flat_map(|p| p.attributes.keys())
        .map(String::as_str)
        .filter(|name| !matches!(*name, "brand" | "tags"))
        .collect();
    let mut writer = csv::Writer::from_writer(out);
    let mut header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    header.push(format!(
        "Featured (product.metafields.{NAMESPACE}.{FEATURED_KEY})"
    ));
    header.push(format!(
        "Category (product.metafields.{NAMESPACE}.{CATEGORY_KEY})"
    ));
    for name in &attribute_names {
        header.push(format!("{name} (product.metafields.{NAMESPACE}.{name})"));
    }
    writer.write_record(&header)?;
    for product in products {
        let (names, values) = options_of(product);
        let rows = product.variants.len().max(product.images.len()).max(1);
        for row in 0..rows {
            let mut cells: HashMap<&str, String> = HashMap::new();
            cells.insert("Handle", product.handle.clone());
            if row == 0 {
                let attribute = |name: &str| product.attributes.get(name).cloned();
                cells.insert("Title", product.title.clone());
                cells.insert("Body (HTML)", product.description.clone());
                cells.insert("Vendor", attribute("brand").unwrap_or_default());
                if let Some(leaf) = product.category.last() {
                    cells.insert("Type", leaf.name.clone());
                }
                cells.insert("Tags", attribute("tags").unwrap_or_default());
                cells.insert("Published", upper_bool(product.published));
                cells.insert(
                    "Status",
                    if product.published { "active" } else { "draft" }.to_owned(),
                );
                for (i, name) in names.iter().enumerate() {
                    cells.insert(OPTION_NAMES[i], name.clone());
                }
            }
            if let (Some(variant), Some(parts)) = (product.variants.get(row), values.get(row)) {
                for (i, value) in parts.iter().enumerate() {
                    cells.insert(OPTION_VALUES[i], value.clone());
                }
                cells.insert("Variant SKU", variant.sku.clone());
                let currency = variant.price.currency;
                cells.insert(
                    "Variant Price",
                    format_price(variant.price.amount, currency),
                );
                if let Some(was) = variant.compare_at_price {
                    cells.insert(
                        "Variant Compare At Price",
                        format_price(was.amount, currency),
                    );
                }
                cells.insert("Variant Inventory Qty", variant.stock.to_string());
            }
            if let Some(image) = product.images.get(row) {
                cells.insert("Image Src", image.src.clone());
                cells.insert("Image Alt Text", image.alt.clone());
            }
            let mut record: Vec<String> = COLUMNS
                .iter()
                .map(|c| cells.remove(c).unwrap_or_default())
                .collect();
            if row == 0 {
                record.push(upper_bool(product.featured));
                let path: Vec<&str> = product.category.iter().map(|l| l.name.as_str()).collect();
                record.push(path.join(" > "));
                for name in &attribute_names {
                    record.push(product.attributes.get(*name).cloned().unwrap_or_default());
                }
            } else {
                record.extend(std::iter::repeat_n(
                    String::new(),
                    2 + attribute_names.len(),
                ));
            }
            writer.write_record(&record)?;
        }
    }
    writer.flush()?;
    Ok(())
}

const OPTION_NAMES: [&str; 3] = ["Option1 Name", "Option2 Name", "Option3 Name"];
const OPTION_VALUES: [&str; 3] = ["Option1 Value", "Option2 Value", "Option3 Value"];

fn upper_bool(value: bool) -> String {
    if value { "TRUE" } else { "FALSE" }.to_owned()
}

/// Option names and each variant's option values. When the titles do not split into the
/// named options, the whole title is the value of Shopify's default `Title` option.
fn options_of(product: &ImportProduct) -> (Vec<String>, Vec<Vec<String>>) {
    let count = product.option_names.len();
    let split: Vec<Vec<String>> = product
        .variants
        .iter()
        .map(|v| v.title.split(" / ").map(str::to_owned).collect())
        .collect();
    let fits = (1..=3).contains(&count)
        && split
            .iter()
            .all(|parts| parts.len() == count && parts.iter().all(|p| !p.trim().is_empty()));
    if fits {
        (product.option_names.clone(), split)
    } else {
        (
            vec![DEFAULT_OPTION.to_owned()],
            product
                .variants
                .iter()
                .map(|v| vec![v.title.clone()])
                .collect(),
        )
    }
}
