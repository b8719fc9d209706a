//! Catalog data as the pages see it, and the server functions that fetch it.

use crate::money::Money;
use crate::search::api::{ProductPage, ProductQuery};
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Featured products on the home page.
pub const FEATURED_COUNT: i64 = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLink {
    pub slug: String,
    pub name: String,
}

/// A category in the flat list of the whole tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategorySummary {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The parent's slug; `None` at the top of the tree.
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub url: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
}

/// One file of a [`Photo`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoFile {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// A picture as the storefront shows it: the sizes a browser chooses from (`srcset`), in
/// JPEG or PNG and in WebP. A staff photo has three sizes in both; an imported picture
/// is one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub alt: String,
    /// JPEG or PNG (an imported picture: whatever it is), smallest first; never empty.
    pub files: Vec<PhotoFile>,
    /// The same sizes in WebP, smallest first; empty for an imported picture.
    pub webp: Vec<PhotoFile>,
}

impl Photo {
    /// An imported picture, as a photo of one size.
    pub fn from_image(image: Image) -> Photo {
        Photo {
            alt: image.alt,
            files: vec![PhotoFile {
                url: image.url,
                width: image.width,
                height: image.height,
            }],
            webp: Vec::new(),
        }
    }

    /// The largest file whose longest side is at most `max_side` (else the smallest).
    pub fn file_up_to(&self, max_side: u32) -> &PhotoFile {
        self.files
            .iter()
            .rev()
            .find(|f| f.width.max(f.height) <= max_side)
            .or(self.files.first())
            .expect("a photo has a file")
    }

    /// The largest file.
    pub fn largest(&self) -> &PhotoFile {
        self.files.last().expect("a photo has a file")
    }

    /// The smallest file.
    pub fn smallest(&self) -> &PhotoFile {
        self.files.first().expect("a photo has a file")
    }
}

/// A `srcset`: each file with its width.
pub fn srcset(files: &[PhotoFile]) -> String {
    files
        .iter()
        .map(|f| format!("{} {}w", f.url, f.width))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A product in a grid: enough to show and link it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub slug: String,
    pub name: String,
    /// The lowest price among the product's variants.
    pub price_from: Money,
    pub variant_count: u32,
    pub in_stock: bool,
    /// The picture the card shows at card size: the first staff photo, else the first
    /// imported picture.
    pub image: Option<Image>,
    /// The same picture with every size and format, for `srcset`.
    pub photo: Option<Photo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub categories: Vec<CategoryLink>,
    pub featured: Vec<ProductCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryListing {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// From the top of the tree down to this category's parent.
    pub ancestors: Vec<CategoryLink>,
    pub subcategories: Vec<CategoryLink>,
    /// Products in this category and every category below it.
    pub results: ProductPage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub sku: String,
    pub title: String,
    pub price: Money,
    pub stock: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// From the top of the tree down to the product's own category.
    pub categories: Vec<CategoryLink>,
    /// Never empty: a product without variants is not shown.
    pub variants: Vec<Variant>,
    /// The imported pictures.
    pub images: Vec<Image>,
    /// What the gallery shows: the staff photos in their order, else the imported
    /// pictures.
    pub photos: Vec<Photo>,
}

/// How much of a variant is left, in the words the shopper sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockStatus {
    InStock,
    Low(i64),
    OutOfStock,
}

/// At or below this many a variant is "low": the storefront says "Only n left" and
/// staff find it on the low-stock list.
pub const LOW_STOCK: i64 = 5;

impl StockStatus {
    /// [`LOW_STOCK`] or fewer left is worth telling the shopper.
    pub fn of(stock: i64) -> StockStatus {
        match stock {
            s if s <= 0 => StockStatus::OutOfStock,
            s if s <= LOW_STOCK => StockStatus::Low(s),
            _ => StockStatus::InStock,
        }
    }

    pub fn label(self) -> String {
        match self {
            StockStatus::InStock => "In stock".to_owned(),
            StockStatus::Low(n) => format!("Only {n} left"),
            StockStatus::OutOfStock => "Out of stock".to_owned(),
        }
    }
}

#[server(prefix = "/rpc")]
pub async fn get_home() -> Result<HomeData, AppError> {
    let state = crate::state::AppState::from_context()?;
    Ok(super::server::home(&state.db).await?)
}

/// `None` when no category has this slug or the page is past the last one.
/// `query` filters and sorts the category's products; its `category` is `slug`.
#[server(prefix = "/rpc", input = Json)]
pub async fn get_category(query: ProductQuery) -> Result<Option<CategoryListing>, AppError> {
    let state = crate::state::AppState::from_context()?;
    Ok(super::server::category_listing(&state.db, &state.search, &query).await?)
}

/// `None` when no published product has this slug.
#[server(prefix = "/rpc")]
pub async fn get_product(slug: String) -> Result<Option<ProductDetail>, AppError> {
    let state = crate::state::AppState::from_context()?;
    Ok(super::server::product_detail(&state.db, &slug).await?)
}

#[cfg(test)]
mod tests {
    use super::StockStatus;

    #[test]
    fn stock_status_warns_when_five_or_fewer_are_left() {
        assert_eq!(StockStatus::of(0), StockStatus::OutOfStock);
        assert_eq!(StockStatus::of(-1), StockStatus::OutOfStock);
        assert_eq!(StockStatus::of(5).label(), "Only 5 left");
        assert_eq!(StockStatus::of(6), StockStatus::InStock);
    }
}
