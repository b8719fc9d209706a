//! Products for staff, on the server: the list and the category tree, reading a product
//! for its form, and saving or deleting one, each in one transaction with the catalog's
//! change feed and the staff audit log. Reading the typed form is `read` (pure); the
//! transactions are `store`; an integration's product, sent through the API with its
//! variants named by SKU, is read and stored by the same two (`by_sku`).

mod by_sku;
mod read;
mod store;

pub use by_sku::{save_by_sku, SavedBySku, SentProduct, SentVariant};
pub use read::{read_fields, slug_from, FieldProblems, ProductDraft};
pub use store::{delete_product, store_product, ProductSnapshot, Stored};

use super::api::{
    CategoryChoice, ProductFields, ProductFilter, ProductForStaff, ProductList, ProductSaved,
    ProductSummary, VariantFields,
};
use crate::accounts::server::User;
use crate::db::{numbered_params, Db};
use crate::forms::{invalid, refusal_status, FormError, FormErrors};
use crate::money::{Currency, Money};
use crate::state::AppState;

/// Products on one page of the list.
pub const PAGE_SIZE: i64 = 50;

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: i64,
    parent_id: Option<i64>,
    name: String,
}

/// Every category in tree order (each under its parent, siblings by position and name).
pub async fn category_choices(db: &Db) -> Result<Vec<CategoryChoice>, sqlx::Error> {
    let rows: Vec<CategoryRow> =
        sqlx::query_as("SELECT id, parent_id, name FROM categories ORDER BY position, name, id")
            .fetch_all(db.pool())
            .await?;
    Ok(tree_order(&rows))
}

fn tree_order(rows: &[CategoryRow]) -> Vec<CategoryChoice> {
    fn visit(
        rows: &[CategoryRow],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<CategoryChoice>,
    ) {
        // A category naming a missing parent would never be reached; the tree is kept
        // whole by its foreign key, and the depth bound stops any cycle.
        if depth > 32 {
            return;
        }
        for row in rows.iter().filter(|row| row.parent_id == parent) {
            out.push(CategoryChoice {
                id: row.id,
                name: row.name.clone(),
                depth,
            });
            visit(rows, Some(row.id), depth + 1, out);
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    visit(rows, None, 0, &mut out);
    out
}

/// `category` and every category below it, from the tree order of `choices`.
fn with_descendants(choices: &[CategoryChoice], category: i64) -> Vec<i64> {
    let Some(start) = choices.iter().position(|c| c.id == category) else {
        return vec![category];
    };
    let depth = choices[start].depth;
    std::iter::once(category)
        .chain(
            choices[start + 1..]
                .iter()
                .take_while(|c| c.depth > depth)
                .map(|c| c.id),
        )
        .collect()
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    name: String,
    slug: String,
    category: String,
    published: i64,
    variants: i64,
    lowest: Option<i64>,
    highest: Option<i64>,
    stock: i64,
}

/// `%text%` for `LIKE … ESCAPE '\'`, lower-cased, matching `%` and `_` literally.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The products matching `filter`, by name, one page at a time.
pub async fn list_products(db: &Db, filter: &ProductFilter) -> Result<ProductList, sqlx::Error> {
    let categories = category_choices(db).await?;
    let page = filter.page.max(1);
    let in_categories = match filter.category.trim().parse::<i64>() {
        Ok(category) => with_descendants(&categories, category),
        Err(_) => Vec::new(),
    };
    // Each condition is switched off by an empty parameter, so one statement serves
    // every combination; the category list is the only part built at run time.
    let category_condition = if in_categories.is_empty() {
        String::new()
    } else {
        format!(
            "AND p.category_id IN ({})",
            numbered_params(5, in_categories.len())
        )
    };
    let sql = format!(
        "SELECT p.id, p.name, p.slug, c.name AS category,
                CAST(CASE WHEN p.published THEN 1 ELSE 0 END AS BIGINT) AS published,
                (SELECT COUNT(*) FROM variants v WHERE v.product_id = p.id) AS variants,
                (SELECT MIN(v.price_amount) FROM variants v WHERE v.product_id = p.id) AS lowest,
                (SELECT MAX(v.price_amount) FROM variants v WHERE v.product_id = p.id) AS highest,
                (SELECT CAST(COALESCE(SUM(v.stock), 0) AS BIGINT) FROM variants v
                 WHERE v.product_id = p.id) AS stock
         FROM products p JOIN categories c ON c.id = p.category_id
         WHERE ($1 = '%%' OR lower(p.name) LIKE $1 ESCAPE '\\'
                OR EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id
                           AND lower(v.sku) LIKE $1 ESCAPE '\\'))
           AND ($2 = '' OR ($2 = 'published' AND p.published) OR ($2 = 'draft' AND NOT p.published))
           {category_condition}
         ORDER BY p.name, p.id
         LIMIT $3 OFFSET $4"
    );
    let status = match filter.status.as_str() {
        status @ ("published" | "draft") => status,
        _ => "",
    };
    let mut query = sqlx::query_as::<_, SummaryRow>(&sql)
        .bind(contains_pattern(&filter.q))
        .bind(status)
        .bind(PAGE_SIZE + 1)
        .bind((page - 1) * PAGE_SIZE);
    for id in &in_categories {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(db.pool()).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let currency = shop_currency();
    let products = rows
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|row| ProductSummary {
            id: row.id,
            name: row.name,
            slug: row.slug,
            category: row.category,
            published: row.published != 0,
            variants: row.variants,
            lowest_price: row.lowest.map(|a| Money::new(a, currency)),
            highest_price: row.highest.map(|a| Money::new(a, currency)),
            stock: row.stock,
        })
        .collect();
    Ok(ProductList {
        products,
        page,
        more,
        categories,
    })
}

fn shop_currency() -> Currency {
    crate::checkout::settings::shop_settings().currency
}

/// The product `product_id` as its edit form shows it.
pub async fn product_for_staff(
    db: &Db,
    product_id: i64,
) -> Result<Option<ProductForStaff>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let Some(product) = store::read_product(&mut conn, product_id).await? else {
        return Ok(None);
    };
    Ok(Some(ProductForStaff {
        id: product.id,
        slug: product.slug.clone(),
        name: product.name.clone(),
        version: product.version,
        fields: form_fields(&product),
    }))
}

/// A stored product written the way the form reads it.
fn form_fields(product: &ProductSnapshot) -> ProductFields {
    let yes = |on: bool| if on { "on" } else { "" }.to_owned();
    ProductFields {
        name: product.name.clone(),
        slug: product.slug.clone(),
        description: product.description.clone(),
        category_id: product.category_id.to_string(),
        featured: yes(product.featured.0),
        published: yes(product.published.0),
        attributes: product
            .attributes
            .iter()
            .map(|(name, value)| super::api::AttributeFields {
                name: name.clone(),
                value: value.clone(),
                remove: String::new(),
            })
            .collect(),
        variants: product
            .variants
            .iter()
            .map(|v| {
                let currency = v.currency.parse().unwrap_or(Currency::GBP);
                VariantFields {
                    id: v.id.to_string(),
                    sku: v.sku.clone(),
                    options: v.title.clone(),
                    price: Money::new(v.price_amount, currency).plain(),
                    compare_at: v
                        .compare_at_amount
                        .map(|a| Money::new(a, currency).plain())
                        .unwrap_or_default(),
                    stock: v.stock.to_string(),
                    remove: String::new(),
                }
            })
            .collect(),
    }
}

/// What the form says when the product moved on since it was loaded.
pub const CHANGED_MEANWHILE: &str = "Someone else changed this product since you opened it, \
     so nothing was saved. Reload the page to see their changes, then make yours again.";

/// Checks the form, then stores the product (`edit`: the product and the version its
/// form was loaded at, when editing one).
pub async fn save(
    state: &AppState,
    user: &User,
    edit: Option<(i64, i64)>,
    fields: ProductFields,
) -> Result<ProductSaved, FormError> {
    let mut typed = super::form::typed_values(&fields);
    if let Some((_, version)) = edit {
        typed.insert("version".to_owned(), version.to_string());
    }
    let refused = |errors: FormErrors| FormErrors { typed, ..errors };
    let (draft, problems) = read_fields(&fields, shop_currency());
    let stored = store_product(&state.db, user, edit, &draft, problems).await?;
    let (id, slug, version) = match stored {
        Stored::Saved { id, slug, version } => (id, slug, version),
        Stored::Refused(problems) => {
            return Err(invalid(refused(FormErrors {
                fields: problems,
                form: Some("Nothing was saved: correct the fields marked below.".to_owned()),
                ..FormErrors::default()
            })))
        }
        Stored::ChangedMeanwhile => {
            refusal_status(409);
            return Err(FormError::Invalid(refused(FormErrors::whole(
                CHANGED_MEANWHILE,
            ))));
        }
        Stored::NoSuchProduct => return Err(no_such_product()),
    };
    refresh_search(state).await;
    let done = if edit.is_some() { "saved" } else { "created" };
    crate::forms::after_browser_post(&format!("{}?done={done}", super::staff_product_path(id)));
    Ok(ProductSaved {
        id,
        message: format!("{} is {done}.", draft.name),
        slug,
        version,
    })
}

/// Deletes the product once `confirmed`, then the photo files no other product names.
pub async fn delete(
    state: &AppState,
    user: &User,
    product_id: i64,
    confirmed: bool,
) -> Result<ProductSaved, FormError> {
    if !confirmed {
        return Err(invalid(
            FormErrors::default().on("confirm", "Tick “Yes, delete this product” to delete it."),
        ));
    }
    let Some((deleted, files)) = delete_product(&state.db, user, product_id).await? else {
        return Err(no_such_product());
    };
    if let Err(err) =
        crate::media::photos::remove_unnamed_files(&state.db, &state.storage, &files).await
    {
        tracing::warn!(error = %err, product_id, "photo files of a deleted product left behind");
    }
    refresh_search(state).await;
    crate::forms::after_browser_post(&format!("{}?done=deleted", super::STAFF_PRODUCTS));
    Ok(ProductSaved {
        id: deleted.id,
        message: format!("{} is deleted.", deleted.name),
        slug: deleted.slug,
        version: deleted.version,
    })
}

/// This server's search index (and page cache) see the change at once; other servers
/// follow the change feed.
async fn refresh_search(state: &AppState) {
    if let Err(err) = state.search.refresh(&state.db).await {
        tracing::warn!(error = %err, "search index refresh after a product change failed");
    }
}

fn no_such_product() -> FormError {
    refusal_status(404);
    FormError::Invalid(FormErrors::whole(
        "There is no such product: it may have been deleted.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_come_in_tree_order_with_their_depth() {
        let row = |id, parent_id, name: &str| CategoryRow {
            id,
            parent_id,
            name: name.to_owned(),
        };
        let rows = [
            row(1, None, "Home"),
            row(2, None, "Garden"),
            row(3, Some(1), "Kitchen"),
            row(4, Some(3), "Knives"),
            row(5, Some(2), "Tools"),
        ];
        let order: Vec<(i64, usize)> = tree_order(&rows).iter().map(|c| (c.id, c.depth)).collect();
        assert_eq!(order, vec![(1, 0), (3, 1), (4, 2), (2, 0), (5, 1)]);
        assert_eq!(with_descendants(&tree_order(&rows), 1), vec![1, 3, 4]);
        assert_eq!(with_descendants(&tree_order(&rows), 5), vec![5]);
    }

    #[test]
    fn search_text_matches_literally() {
        assert_eq!(contains_pattern(" Oak_50% "), "%oak\\_50\\%%");
        assert_eq!(contains_pattern(""), "%%");
    }
}
