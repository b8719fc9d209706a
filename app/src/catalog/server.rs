//! Catalog queries: portable SQL over the `Any` pool, shaped into the page types.

use super::api::{
    CategoryLink, CategoryListing, HomeData, Image, ProductCard, ProductDetail, Variant,
    FEATURED_COUNT, PAGE_SIZE,
};
use crate::db::Db;
use crate::money::{Currency, Money};

/// Where a stored picture is served from.
pub fn image_url(storage_key: &str) -> String {
    format!("/media/{storage_key}")
}

/// The card columns, selected from a CTE named `page` that holds `id, slug, name` of
/// the products to show in order. Each listing query supplies its own `page`.
macro_rules! cards_from_page {
    () => {
        "SELECT page.slug, page.name,
            (SELECT MIN(v.price_amount) FROM variants v WHERE v.product_id = page.id) AS price_from,
            (SELECT MIN(v.currency) FROM variants v WHERE v.product_id = page.id) AS currency,
            (SELECT COUNT(*) FROM variants v WHERE v.product_id = page.id) AS variant_count,
            (SELECT CAST(COALESCE(SUM(v.stock), 0) AS BIGINT) FROM variants v WHERE v.product_id = page.id) AS stock,
            i.storage_key, i.alt, i.width, i.height
         FROM page
         LEFT JOIN product_images i ON i.product_id = page.id AND i.position = 0
         WHERE EXISTS (SELECT 1 FROM variants v WHERE v.product_id = page.id)
         ORDER BY page.name, page.id"
    };
}

/// The category with this id and every category below it.
macro_rules! category_subtree {
    () => {
        "tree(id) AS (
            SELECT id FROM categories WHERE id = $1
            UNION ALL
            SELECT c.id FROM categories c JOIN tree ON c.parent_id = tree.id)"
    };
}

#[derive(sqlx::FromRow)]
struct CardRow {
    slug: String,
    name: String,
    price_from: i64,
    currency: String,
    variant_count: i64,
    stock: i64,
    storage_key: Option<String>,
    alt: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
}

impl CardRow {
    fn into_card(self) -> Result<ProductCard, sqlx::Error> {
        let image = match (self.storage_key, self.alt, self.width, self.height) {
            (Some(key), Some(alt), Some(width), Some(height)) => {
                Some(image(&key, alt, width, height))
            }
            _ => None,
        };
        Ok(ProductCard {
            slug: self.slug,
            name: self.name,
            price_from: Money::new(self.price_from, currency(&self.currency)?),
            variant_count: self.variant_count.clamp(0, u32::MAX as i64) as u32,
            in_stock: self.stock > 0,
            image,
        })
    }
}

fn image(storage_key: &str, alt: String, width: i64, height: i64) -> Image {
    Image {
        url: image_url(storage_key),
        alt,
        width: width.clamp(1, u32::MAX as i64) as u32,
        height: height.clamp(1, u32::MAX as i64) as u32,
    }
}

fn currency(code: &str) -> Result<Currency, sqlx::Error> {
    code.parse::<Currency>()
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn cards(rows: Vec<CardRow>) -> Result<Vec<ProductCard>, sqlx::Error> {
    rows.into_iter().map(CardRow::into_card).collect()
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    slug: String,
    name: String,
}

fn links(rows: Vec<LinkRow>) -> Vec<CategoryLink> {
    rows.into_iter()
        .map(|r| CategoryLink {
            slug: r.slug,
            name: r.name,
        })
        .collect()
}

pub async fn home(db: &Db) -> Result<HomeData, sqlx::Error> {
    let categories = sqlx::query_as::<_, LinkRow>(
        "SELECT slug, name FROM categories WHERE parent_id IS NULL ORDER BY position, name",
    )
    .fetch_all(db.pool())
    .await?;
    let featured = sqlx::query_as::<_, CardRow>(concat!(
        "WITH page AS (
            SELECT id, slug, name FROM products
            WHERE featured AND published ORDER BY name, id LIMIT $1) ",
        cards_from_page!()
    ))
    .bind(FEATURED_COUNT)
    .fetch_all(db.pool())
    .await?;
    Ok(HomeData {
        categories: links(categories),
        featured: cards(featured)?,
    })
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: i64,
    parent_id: Option<i64>,
    slug: String,
    name: String,
    description: String,
}

/// One page (1-based) of a category's products, or `None` for an unknown slug or a
/// page past the last. An empty category still has its page 1.
pub async fn category_listing(
    db: &Db,
    slug: &str,
    page: u32,
) -> Result<Option<CategoryListing>, sqlx::Error> {
    let Some(category) = sqlx::query_as::<_, CategoryRow>(
        "SELECT id, parent_id, slug, name, description FROM categories WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let product_count: i64 = sqlx::query_scalar(concat!(
        "WITH RECURSIVE ",
        category_subtree!(),
        " SELECT COUNT(*) FROM products WHERE published AND category_id IN (SELECT id FROM tree)"
    ))
    .bind(category.id)
    .fetch_one(db.pool())
    .await?;
    let page_count = page_count(product_count);
    let page = page.max(1);
    if page > page_count {
        return Ok(None);
    }
    let products = sqlx::query_as::<_, CardRow>(concat!(
        "WITH RECURSIVE ",
        category_subtree!(),
        ", page AS (
            SELECT id, slug, name FROM products
            WHERE published AND category_id IN (SELECT id FROM tree)
            ORDER BY name, id LIMIT $2 OFFSET $3) ",
        cards_from_page!()
    ))
    .bind(category.id)
    .bind(PAGE_SIZE)
    .bind((i64::from(page) - 1) * PAGE_SIZE)
    .fetch_all(db.pool())
    .await?;
    let subcategories = sqlx::query_as::<_, LinkRow>(
        "SELECT slug, name FROM categories WHERE parent_id = $1 ORDER BY position, name",
    )
    .bind(category.id)
    .fetch_all(db.pool())
    .await?;
    let ancestors = match category.parent_id {
        Some(parent) => ancestors_from(db, parent).await?,
        None => Vec::new(),
    };
    Ok(Some(CategoryListing {
        slug: category.slug,
        name: category.name,
        description: category.description,
        ancestors,
        subcategories: links(subcategories),
        products: cards(products)?,
        page,
        page_count,
        product_count: product_count.max(0) as u64,
    }))
}

/// Pages needed for `product_count` products; an empty category has one (empty) page.
fn page_count(product_count: i64) -> u32 {
    let pages = (product_count + PAGE_SIZE - 1) / PAGE_SIZE;
    pages.clamp(1, u32::MAX as i64) as u32
}

/// The category `id` and its ancestors, from the top of the tree down.
async fn ancestors_from(db: &Db, id: i64) -> Result<Vec<CategoryLink>, sqlx::Error> {
    let rows = sqlx::query_as::<_, LinkRow>(
        "WITH RECURSIVE up(id, parent_id, slug, name, depth) AS (
            SELECT id, parent_id, slug, name, 0 FROM categories WHERE id = $1
            UNION ALL
            SELECT c.id, c.parent_id, c.slug, c.name, up.depth + 1
            FROM categories c JOIN up ON c.id = up.parent_id)
         SELECT slug, name FROM up ORDER BY depth DESC",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(links(rows))
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    id: i64,
    category_id: i64,
    slug: String,
    name: String,
    description: String,
}

#[derive(sqlx::FromRow)]
struct VariantRow {
    sku: String,
    title: String,
    price_amount: i64,
    currency: String,
    stock: i64,
}

#[derive(sqlx::FromRow)]
struct ImageRow {
    storage_key: String,
    alt: String,
    width: i64,
    height: i64,
}

pub async fn product_detail(db: &Db, slug: &str) -> Result<Option<ProductDetail>, sqlx::Error> {
    let Some(product) = sqlx::query_as::<_, ProductRow>(
        "SELECT id, category_id, slug, name, description FROM products
         WHERE slug = $1 AND published",
    )
    .bind(slug)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let variants = sqlx::query_as::<_, VariantRow>(
        "SELECT sku, title, price_amount, currency, stock FROM variants
         WHERE product_id = $1 ORDER BY position, id",
    )
    .bind(product.id)
    .fetch_all(db.pool())
    .await?;
    if variants.is_empty() {
        return Ok(None);
    }
    let images = sqlx::query_as::<_, ImageRow>(
        "SELECT storage_key, alt, width, height FROM product_images
         WHERE product_id = $1 ORDER BY position, id",
    )
    .bind(product.id)
    .fetch_all(db.pool())
    .await?;
    let variants = variants
        .into_iter()
        .map(|v| {
            Ok(Variant {
                price: Money::new(v.price_amount, currency(&v.currency)?),
                sku: v.sku,
                title: v.title,
                stock: v.stock,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some(ProductDetail {
        slug: product.slug,
        name: product.name,
        description: product.description,
        categories: ancestors_from(db, product.category_id).await?,
        variants,
        images: images
            .into_iter()
            .map(|i| image(&i.storage_key, i.alt, i.width, i.height))
            .collect(),
    }))
}

#[cfg(test)]
mod tests;
