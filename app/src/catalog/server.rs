//! Catalog queries: portable SQL over the `Any` pool, shaped into the page types.

use super::api::{
    CategoryLink, CategoryListing, CategorySummary, HomeData, Image, Photo, PhotoFile, ProductCard,
    ProductDetail, Variant, FEATURED_COUNT,
};
use crate::db::{numbered_params, Db};
use crate::money::{Currency, Money};
use crate::search::api::ProductQuery;
use crate::search::index::SearchIndex;
use crate::search::server::find_products;
use std::collections::HashMap;

/// Where a stored picture is served from.
pub fn image_url(storage_key: &str) -> String {
    format!("/media/{storage_key}")
}

/// The card columns, selected from a CTE named `page` that holds `id, slug, name` of
/// the products to show in order. Each listing query supplies its own `page`.
macro_rules! cards_from_page {
    () => {
        "SELECT page.id, page.slug, page.name,
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

#[derive(sqlx::FromRow)]
struct CardRow {
    id: i64,
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
            photo: image.clone().map(Photo::from_image),
            image,
        })
    }
}

/// Where a card shows a staff photo, the longest side of the size it shows.
const CARD_SIDE: u32 = 600;

/// Puts each product's first staff photo on its card, in place of the imported picture.
async fn with_photos(db: &Db, cards: &mut [(i64, ProductCard)]) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = cards.iter().map(|(id, _)| *id).collect();
    let mut photos = first_photos(db, &ids).await?;
    for (id, card) in cards {
        if let Some(photo) = photos.remove(id) {
            let file = photo.file_up_to(CARD_SIDE);
            card.image = Some(Image {
                url: file.url.clone(),
                alt: photo.alt.clone(),
                width: file.width,
                height: file.height,
            });
            card.photo = Some(photo);
        }
    }
    Ok(())
}

/// The first staff photo of each of the products `ids` that has one.
async fn first_photos(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Photo>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT p.product_id, p.alt, f.format, f.storage_key, f.width, f.height
         FROM product_photos p JOIN product_photo_files f ON f.photo_id = p.id
         WHERE p.product_id IN ({})
           AND p.id = (SELECT q.id FROM product_photos q WHERE q.product_id = p.product_id
                       ORDER BY q.position, q.id LIMIT 1)
         ORDER BY p.product_id, f.width, f.format",
        numbered_params(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, PhotoFileRow>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut photos: HashMap<i64, Photo> = HashMap::new();
    for row in query.fetch_all(db.pool()).await? {
        let photo = photos.entry(row.product_id).or_insert_with(|| Photo {
            alt: row.alt.clone(),
            files: Vec::new(),
            webp: Vec::new(),
        });
        let file = PhotoFile {
            url: image_url(&row.storage_key),
            width: dimension(row.width),
            height: dimension(row.height),
        };
        if row.format == "webp" {
            photo.webp.push(file);
        } else {
            photo.files.push(file);
        }
    }
    Ok(photos)
}

#[derive(sqlx::FromRow)]
struct PhotoFileRow {
    product_id: i64,
    alt: String,
    format: String,
    storage_key: String,
    width: i64,
    height: i64,
}

fn dimension(pixels: i64) -> u32 {
    pixels.clamp(1, u32::MAX as i64) as u32
}

/// A product's staff photos, in their order, as the gallery shows them.
async fn gallery_photos(db: &Db, product_id: i64) -> Result<Vec<Photo>, sqlx::Error> {
    let photos = crate::media::photos::photos_of_product(db, product_id).await?;
    Ok(photos
        .into_iter()
        .filter(|photo| !photo.files.is_empty())
        .map(|photo| {
            let (webp, files): (Vec<_>, Vec<_>) = photo
                .files
                .iter()
                .partition(|f| f.format == crate::media::PhotoFormat::Webp);
            let file = |f: &crate::media::StoredVariant| PhotoFile {
                url: image_url(&f.key),
                width: f.width.max(1),
                height: f.height.max(1),
            };
            Photo {
                alt: photo.alt.clone(),
                files: files.into_iter().map(file).collect(),
                webp: webp.into_iter().map(file).collect(),
            }
        })
        .filter(|photo| !photo.files.is_empty())
        .collect())
}

fn image(storage_key: &str, alt: String, width: i64, height: i64) -> Image {
    Image {
        url: image_url(storage_key),
        alt,
        width: dimension(width),
        height: dimension(height),
    }
}

fn currency(code: &str) -> Result<Currency, sqlx::Error> {
    code.parse::<Currency>()
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

async fn cards(db: &Db, rows: Vec<CardRow>) -> Result<Vec<ProductCard>, sqlx::Error> {
    let mut cards = rows
        .into_iter()
        .map(|row| Ok((row.id, row.into_card()?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    with_photos(db, &mut cards).await?;
    Ok(cards.into_iter().map(|(_, card)| card).collect())
}

/// Cards for the products `ids`, by id; products without variants are left out.
pub async fn cards_by_ids(db: &Db, ids: &[i64]) -> Result<HashMap<i64, ProductCard>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        concat!(
            "WITH page AS (SELECT id, slug, name FROM products WHERE id IN ({})) ",
            cards_from_page!()
        ),
        numbered_params(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, CardRow>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut cards = query
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|row| Ok((row.id, row.into_card()?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    with_photos(db, &mut cards).await?;
    Ok(cards.into_iter().collect())
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
        featured: cards(db, featured).await?,
    })
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    slug: String,
    name: String,
    description: String,
    parent: Option<String>,
}

/// Every category, parents before children, siblings in their shop order.
pub async fn all_categories(db: &Db) -> Result<Vec<CategorySummary>, sqlx::Error> {
    let rows = sqlx::query_as::<_, SummaryRow>(
        "WITH RECURSIVE tree(id, slug, name, description, parent, depth, position) AS (
            SELECT id, slug, name, description, CAST(NULL AS TEXT), 0, position
            FROM categories WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, c.slug, c.name, c.description, tree.slug, tree.depth + 1, c.position
            FROM categories c JOIN tree ON c.parent_id = tree.id)
         SELECT slug, name, description, parent FROM tree ORDER BY depth, position, name",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CategorySummary {
            slug: r.slug,
            name: r.name,
            description: r.description,
            parent: r.parent,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: i64,
    slug: String,
    name: String,
    description: String,
}

/// A category page: the category and one page of its products as `query` asks
/// (`query.category` names the category). `None` for an unknown category or a page
/// past the last; an empty category still has its page 1.
pub async fn category_listing(
    db: &Db,
    index: &SearchIndex,
    query: &ProductQuery,
) -> Result<Option<CategoryListing>, sqlx::Error> {
    let Some(slug) = query.category.as_deref() else {
        return Ok(None);
    };
    let Some(category) = sqlx::query_as::<_, CategoryRow>(
        "SELECT id, slug, name, description FROM categories WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let Ok(results) = find_products(db, index, query).await? else {
        return Ok(None);
    };
    let subcategories = sqlx::query_as::<_, LinkRow>(
        "SELECT slug, name FROM categories WHERE parent_id = $1 ORDER BY position, name",
    )
    .bind(category.id)
    .fetch_all(db.pool())
    .await?;
    // The search index already walked the tree for this category: its trail ends
    // with the category itself.
    let mut ancestors = results.category_trail.clone();
    ancestors.pop();
    Ok(Some(CategoryListing {
        slug: category.slug,
        name: category.name,
        description: category.description,
        ancestors,
        subcategories: links(subcategories),
        results,
    }))
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
    let images: Vec<Image> = images
        .into_iter()
        .map(|i| image(&i.storage_key, i.alt, i.width, i.height))
        .collect();
    let mut photos = gallery_photos(db, product.id).await?;
    if photos.is_empty() {
        photos = images.iter().cloned().map(Photo::from_image).collect();
    }
    Ok(Some(ProductDetail {
        slug: product.slug,
        name: product.name,
        description: product.description,
        categories: ancestors_from(db, product.category_id).await?,
        variants,
        images,
        photos,
    }))
}

#[cfg(test)]
mod tests;
