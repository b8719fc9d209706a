//! The API's JSON shapes: a stable contract, kept apart from the page types so the
//! pages can change without breaking integrations.

use app::catalog::api::{CategorySummary, Image, ProductCard, ProductDetail, Variant};
use app::money::Money;
use app::search::api::{AttributeFacet, FacetValue, Facets, PriceBucket, ProductPage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An amount of money: integer minor units (pence, cents) and an ISO 4217 code.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Price {
    #[schema(example = 1299)]
    pub amount: i64,
    #[schema(example = "GBP")]
    pub currency: String,
}

impl From<Money> for Price {
    fn from(money: Money) -> Price {
        Price {
            amount: money.amount,
            currency: money.currency.code().to_owned(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Picture {
    pub url: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
}

impl From<Image> for Picture {
    fn from(image: Image) -> Picture {
        Picture {
            url: image.url,
            alt: image.alt,
            width: image.width,
            height: image.height,
        }
    }
}

/// A product in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductSummary {
    pub slug: String,
    pub name: String,
    /// The product's page in the shop.
    pub url: String,
    /// The lowest price among its variants.
    pub price_from: Price,
    pub variant_count: u32,
    pub in_stock: bool,
    pub image: Option<Picture>,
}

impl From<ProductCard> for ProductSummary {
    fn from(card: ProductCard) -> ProductSummary {
        ProductSummary {
            url: format!("/products/{}", card.slug),
            slug: card.slug,
            name: card.name,
            price_from: card.price_from.into(),
            variant_count: card.variant_count,
            in_stock: card.in_stock,
            image: card.image.map(Picture::from),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

impl From<FacetValue> for FacetCount {
    fn from(value: FacetValue) -> FacetCount {
        FacetCount {
            value: value.value,
            label: value.label,
            count: value.count,
            selected: value.selected,
        }
    }
}

/// A price range; filter by it with `min_price` and `max_price`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriceRange {
    pub min: Price,
    /// Inclusive; absent for the open top range.
    pub max: Option<Price>,
    pub count: u64,
    pub selected: bool,
}

impl From<PriceBucket> for PriceRange {
    fn from(bucket: PriceBucket) -> PriceRange {
        PriceRange {
            min: bucket.min.into(),
            max: bucket.max.map(Price::from),
            count: bucket.count,
            selected: bucket.selected,
        }
    }
}

/// Values of one attribute; filter with `<name>=<value>` (repeat for "or").
#[derive(Debug, Serialize, ToSchema)]
pub struct AttributeCounts {
    pub name: String,
    pub label: String,
    pub values: Vec<FacetCount>,
}

impl From<AttributeFacet> for AttributeCounts {
    fn from(facet: AttributeFacet) -> AttributeCounts {
        AttributeCounts {
            name: facet.name,
            label: facet.label,
            values: facet.values.into_iter().map(FacetCount::from).collect(),
        }
    }
}

/// Counts for refining a list; each facet counts as if its own filter were unset.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCounts {
    /// Subcategories of `category`, or the top-level categories.
    pub categories: Vec<FacetCount>,
    pub price: Vec<PriceRange>,
    /// Matching products that are in stock.
    pub in_stock: u64,
    pub attributes: Vec<AttributeCounts>,
}

impl From<Facets> for FacetCounts {
    fn from(facets: Facets) -> FacetCounts {
        FacetCounts {
            categories: facets
                .categories
                .into_iter()
                .map(FacetCount::from)
                .collect(),
            price: facets.price.into_iter().map(PriceRange::from).collect(),
            in_stock: facets.in_stock,
            attributes: facets
                .attributes
                .into_iter()
                .map(AttributeCounts::from)
                .collect(),
        }
    }
}

/// One page of products.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<ProductSummary>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub page_count: u32,
    pub facets: FacetCounts,
}

impl From<ProductPage> for ProductList {
    fn from(page: ProductPage) -> ProductList {
        ProductList {
            items: page
                .items
                .into_iter()
                .map(|hit| ProductSummary::from(hit.product))
                .collect(),
            total: page.total,
            page: page.query.page,
            per_page: page.query.per_page,
            page_count: page.page_count,
            facets: page.facets.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductVariant {
    pub sku: String,
    pub title: String,
    pub price: Price,
    pub stock: i64,
    pub in_stock: bool,
}

impl From<Variant> for ProductVariant {
    fn from(variant: Variant) -> ProductVariant {
        ProductVariant {
            in_stock: variant.stock > 0,
            sku: variant.sku,
            title: variant.title,
            price: variant.price.into(),
            stock: variant.stock,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryRef {
    pub slug: String,
    pub name: String,
}

/// A product with its variants and pictures.
#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub url: String,
    /// From the top of the tree down to the product's own category.
    pub categories: Vec<CategoryRef>,
    pub variants: Vec<ProductVariant>,
    pub images: Vec<Picture>,
}

impl From<ProductDetail> for Product {
    fn from(product: ProductDetail) -> Product {
        Product {
            url: format!("/products/{}", product.slug),
            slug: product.slug,
            name: product.name,
            description: product.description,
            categories: product
                .categories
                .into_iter()
                .map(|c| CategoryRef {
                    slug: c.slug,
                    name: c.name,
                })
                .collect(),
            variants: product
                .variants
                .into_iter()
                .map(ProductVariant::from)
                .collect(),
            images: product.images.into_iter().map(Picture::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Category {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The parent category's slug; null at the top of the tree.
    pub parent: Option<String>,
}

impl From<CategorySummary> for Category {
    fn from(c: CategorySummary) -> Category {
        Category {
            slug: c.slug,
            name: c.name,
            description: c.description,
            parent: c.parent,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<Category>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestions {
    pub query: String,
    /// Up to 8 searches completing the query, best first.
    pub suggestions: Vec<String>,
}
