//! Moving a catalog in and out of the shop: `bazaar import` and `bazaar export`.
//!
//! Both file formats (Bazaar's JSONL and Shopify's product CSV) are read into the same
//! in-memory [`ImportProduct`]s, validated whole, and only then written, by handle and
//! SKU, so importing a file twice gives the same catalog. Export reads the catalog back
//! into the same model and writes either format.

pub mod export;
pub mod images;
pub mod jsonl;
pub mod shopify_csv;
pub mod values;
pub mod write;

#[cfg(test)]
mod tests;

use crate::money::{Currency, Money};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use write::ReadyProduct;

pub use write::{write_products, ImportError, ImportSummary};

/// The file formats `bazaar import` reads and `bazaar export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One product per line, as JSON.
    Jsonl,
    /// Shopify's product CSV export: one row per variant.
    ShopifyCsv,
}

impl Format {
    /// The format a file name implies: `.jsonl` or `.csv`.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::ShopifyCsv),
            _ => None,
        }
    }
}

/// Why one line of an import file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file.
    pub line: u64,
    pub reason: String,
}

impl RowError {
    pub fn new(line: u64, reason: impl Into<String>) -> RowError {
        RowError {
            line,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// One level of a category chain, from the top of the tree down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryLevel {
    pub slug: String,
    pub name: String,
}

/// A product as a file describes it, before it touches the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProduct {
    /// The line the product starts on.
    pub line: u64,
    /// The product's slug; what a re-import matches on.
    pub handle: String,
    pub title: String,
    pub description: String,
    /// Top-level category first; the product goes into the last one.
    pub category: Vec<CategoryLevel>,
    pub published: bool,
    pub featured: bool,
    /// Names of the options the parts of the variant titles follow (`Size`, `Colour`).
    pub option_names: Vec<String>,
    pub attributes: BTreeMap<String, String>,
    pub variants: Vec<ImportVariant>,
    pub images: Vec<ImportImage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportVariant {
    pub line: u64,
    pub sku: String,
    pub title: String,
    pub price: Money,
    pub compare_at_price: Option<Money>,
    pub stock: i64,
}

/// A picture as the file names it: a local path, a URL, or `media:<storage key>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportImage {
    pub line: u64,
    pub src: String,
    pub alt: String,
}

/// The category of products whose file names none.
pub fn default_category() -> Vec<CategoryLevel> {
    vec![CategoryLevel {
        slug: "imported".to_owned(),
        name: "Imported".to_owned(),
    }]
}

/// A parsed file: the products that are valid so far, and every error found.
#[derive(Debug, Default)]
pub struct Parsed {
    pub products: Vec<ImportProduct>,
    pub errors: Vec<RowError>,
    /// Handles of the products left out because of an error.
    pub rejected: Vec<String>,
}

/// Parses `text` in `format`. Shopify CSV has no currency column: its prices are in
/// `currency` (the shop's `BAZAAR_CURRENCY`).
pub fn parse(format: Format, text: &str, currency: Currency) -> Parsed {
    let mut parsed = match format {
        Format::Jsonl => jsonl::parse(text),
        Format::ShopifyCsv => shopify_csv::parse(text, currency),
    };
    check_across_products(&mut parsed);
    parsed.errors.sort_by_key(|e| e.line);
    parsed
}

/// Everything an import knows before it writes: the products ready to write and every
/// error (with its line) that kept others out.
#[derive(Debug, Default)]
pub struct Prepared {
    pub products: Vec<ReadyProduct>,
    pub errors: Vec<RowError>,
    pub rejected: Vec<String>,
}

/// Parses and validates a whole file, pictures included, without writing anything.
/// Local picture paths are relative to `base_dir`; `media:` ones to `media_dir`.
pub fn prepare(
    format: Format,
    text: &str,
    currency: Currency,
    base_dir: &Path,
    media_dir: &Path,
) -> Prepared {
    let parsed = parse(format, text, currency);
    let mut prepared = Prepared {
        products: Vec::with_capacity(parsed.products.len()),
        errors: parsed.errors,
        rejected: parsed.rejected,
    };
    for product in parsed.products {
        let mut images = Vec::with_capacity(product.images.len());
        let mut failed = false;
        for image in &product.images {
            match images::resolve(image, base_dir, media_dir) {
                Ok(image) => images.push(image),
                Err(err) => {
                    prepared.errors.push(err);
                    failed = true;
                }
            }
        }
        if failed {
            prepared.rejected.push(product.handle);
        } else {
            prepared.products.push(ReadyProduct { product, images });
        }
    }
    prepared.errors.sort_by_key(|e| e.line);
    prepared
}

/// Rules for a single product, whatever format it came from.
pub fn validate(product: &ImportProduct) -> Vec<RowError> {
    let mut errors = Vec::new();
    let at = product.line;
    if !values::is_handle(&product.handle) {
        errors.push(RowError::new(
            at,
            format!(
                "handle {:?} is not a slug (lower-case letters, digits and hyphens)",
                product.handle
            ),
        ));
    }
    if product.title.trim().is_empty() {
        errors.push(RowError::new(at, "the title is empty"));
    }
    for level in &product.category {
        if !values::is_handle(&level.slug) || level.name.trim().is_empty() {
            errors.push(RowError::new(
                at,
                format!(
                    "category {:?} ({:?}) needs a slug and a name",
                    level.slug, level.name
                ),
            ));
        }
    }
    for name in product.attributes.keys() {
        if !crate::search::params::is_attribute_name(name) {
            errors.push(RowError::new(
                at,
                format!("attribute name {name:?} is not a lower-case key such as brand"),
            ));
        }
    }
    if product.variants.is_empty() {
        errors.push(RowError::new(at, "the product has no variants"));
    }
    for variant in &product.variants {
        if variant.sku.trim().is_empty() {
            errors.push(RowError::new(variant.line, "the SKU is empty"));
        }
        if variant.title.trim().is_empty() {
            errors.push(RowError::new(variant.line, "the variant title is empty"));
        }
        if variant.price.amount < 0 {
            errors.push(RowError::new(variant.line, "the price is negative"));
        }
        if let Some(was) = variant.compare_at_price {
            if was.amount < 0 || was.currency != variant.price.currency {
                errors.push(RowError::new(
                    variant.line,
                    "the compare-at price must be positive and in the price's currency",
                ));
            }
        }
        if variant.stock < 0 {
            errors.push(RowError::new(
                variant.line,
                format!("the stock {} is negative", variant.stock),
            ));
        }
    }
    errors
}

/// Handles and SKUs name one product and one variant in the whole file.
fn check_across_products(parsed: &mut Parsed) {
    let mut handles: HashMap<String, u64> = HashMap::new();
    let mut skus: HashMap<String, u64> = HashMap::new();
    let mut kept = Vec::with_capacity(parsed.products.len());
    for product in std::mem::take(&mut parsed.products) {
        let mut errors = validate(&product);
        if let Some(first) = handles.get(&product.handle) {
            errors.push(RowError::new(
                product.line,
                format!(
                    "handle {:?} was already used on line {first}",
                    product.handle
                ),
            ));
        }
        for variant in &product.variants {
            if let Some(first) = skus.get(&variant.sku) {
                errors.push(RowError::new(
                    variant.line,
                    format!("SKU {:?} was already used on line {first}", variant.sku),
                ));
            }
        }
        handles
            .entry(product.handle.clone())
            .or_insert(product.line);
        for variant in &product.variants {
            skus.entry(variant.sku.clone()).or_insert(variant.line);
        }
        if errors.is_empty() {
            kept.push(product);
        } else {
            parsed.errors.extend(errors);
            parsed.rejected.push(product.handle);
        }
    }
    parsed.products = kept;
}
