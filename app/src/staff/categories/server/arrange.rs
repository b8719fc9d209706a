//! Moving a category up or down among its siblings, and deleting an empty one.

use super::{begin_tree_change, nodes, rows, slug_of, snapshot_of};
use crate::accounts::server::User;
use crate::catalog::writes::record_changes;
use crate::db::Db;
use crate::staff::audit::server::{record, snapshot, StaffAction};
use crate::staff::categories::tree::{self, Direction};
use serde::Serialize;

/// What moving a category among its siblings came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reordered {
    Moved {
        name: String,
    },
    /// Already first (up) or last (down): nothing changed.
    AtTheEnd {
        name: String,
    },
    NoSuchCategory,
}

/// Siblings in order, as the audit log keeps it.
#[derive(Serialize)]
struct SiblingOrder<'a> {
    /// The parent's slug; none at the top level.
    parent: Option<&'a str>,
    order: Vec<&'a str>,
}

/// Moves the category `id` one place up or down among its siblings, numbering them
/// all afresh (positions may tie, or have gaps left by moves).
pub async fn reorder(
    db: &Db,
    actor: &User,
    id: i64,
    direction: Direction,
) -> Result<Reordered, sqlx::Error> {
    let mut tx = begin_tree_change(db).await?;
    let rows = rows(&mut *tx).await?;
    let Some(category) = rows.iter().find(|r| r.id == id) else {
        return Ok(Reordered::NoSuchCategory);
    };
    let name = category.name.clone();
    let order = tree::siblings(&nodes(&rows), id);
    let Some(new_order) = tree::moved(&order, id, direction) else {
        return Ok(Reordered::AtTheEnd { name });
    };
    for (position, sibling) in new_order.iter().enumerate() {
        sqlx::query("UPDATE categories SET position = $1 WHERE id = $2")
            .bind(position as i64)
            .bind(*sibling)
            .execute(&mut *tx)
            .await?;
    }
    let parent = slug_of(&rows, category.parent_id);
    let order_of = |ids: &[i64]| SiblingOrder {
        parent,
        order: ids
            .iter()
            .filter_map(|i| slug_of(&rows, Some(*i)))
            .collect(),
    };
    let entry = StaffAction {
        actor,
        action: "category.reordered",
        subject: format!("category {}", category.slug),
        before: snapshot(&order_of(&order)),
        after: snapshot(&order_of(&new_order)),
    };
    record(&mut tx, entry).await?;
    // No product's path changes; the new revision tells search (and the page cache)
    // of the new order.
    record_changes(&mut tx, &[]).await?;
    tx.commit().await?;
    Ok(Reordered::Moved { name })
}

/// What deleting a category came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deleted {
    Deleted {
        name: String,
        slug: String,
    },
    /// It still holds products or categories.
    NotEmpty {
        name: String,
        products: i64,
        subcategories: i64,
    },
    /// Discount codes are limited to it: deleting it would widen or change them.
    InDiscountCodes {
        name: String,
        codes: Vec<String>,
    },
    NoSuchCategory,
}

/// Deletes the category `id` if nothing is in it and no discount code names it.
pub async fn delete(db: &Db, actor: &User, id: i64) -> Result<Deleted, sqlx::Error> {
    let mut tx = begin_tree_change(db).await?;
    let rows = rows(&mut *tx).await?;
    let Some(category) = rows.iter().find(|r| r.id == id) else {
        return Ok(Deleted::NoSuchCategory);
    };
    let name = category.name.clone();
    let products: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products WHERE category_id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let subcategories = rows.iter().filter(|r| r.parent_id == Some(id)).count() as i64;
    if products > 0 || subcategories > 0 {
        return Ok(Deleted::NotEmpty {
            name,
            products,
            subcategories,
        });
    }
    // A code limited to this category alone would, without it, apply to everything.
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT d.code FROM discount_code_scopes s JOIN discount_codes d ON d.id = s.code_id
         WHERE s.category_id = $1 ORDER BY d.code",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    if !codes.is_empty() {
        return Ok(Deleted::InDiscountCodes { name, codes });
    }
    sqlx::query("DELETE FROM categories WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let entry = StaffAction {
        actor,
        action: "category.deleted",
        subject: format!("category {}", category.slug),
        before: snapshot_of(category, &rows),
        after: None,
    };
    record(&mut tx, entry).await?;
    record_changes(&mut tx, &[]).await?;
    tx.commit().await?;
    Ok(Deleted::Deleted {
        name,
        slug: category.slug.clone(),
    })
}
