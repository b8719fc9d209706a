//! Categories for staff, on the server: reading the tree (here), creating and editing a
//! category (`save`), and reordering and deleting one (`arrange`). Each change is one
//! transaction that also writes the staff audit log and the catalog's change feed
//! (`record_changes`), so search and the page cache learn of it; its rules are the pure
//! ones in [`super::tree`].

mod arrange;
mod save;

pub use arrange::{delete, reorder, Deleted, Reordered};
pub use save::{create, update, Saved};

use super::api::{CategoryForStaff, CategoryToEdit};
use super::tree::{self, Node};
use crate::db::{numbered_params, Db};
use crate::staff::audit::server::snapshot;
use serde::Serialize;
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, sqlx::FromRow)]
struct CategoryRow {
    id: i64,
    parent_id: Option<i64>,
    slug: String,
    name: String,
    description: String,
    position: i64,
}

async fn rows<'e>(
    conn: impl sqlx::Executor<'e, Database = Any>,
) -> Result<Vec<CategoryRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, parent_id, slug, name, description, position FROM categories")
        .fetch_all(conn)
        .await
}

fn nodes(rows: &[CategoryRow]) -> Vec<Node> {
    rows.iter()
        .map(|r| Node {
            id: r.id,
            parent_id: r.parent_id,
            position: r.position,
            name: r.name.clone(),
        })
        .collect()
}

/// Every category depth-first, with its own product count.
pub async fn tree(db: &Db) -> Result<Vec<CategoryForStaff>, sqlx::Error> {
    let rows = rows(db.pool()).await?;
    let counts: Vec<(i64, i64)> =
        sqlx::query_as("SELECT category_id, COUNT(*) FROM products GROUP BY category_id")
            .fetch_all(db.pool())
            .await?;
    let nodes = nodes(&rows);
    Ok(tree::flatten(&nodes)
        .into_iter()
        .map(|placed| {
            let row = &rows[placed.index];
            CategoryForStaff {
                id: row.id,
                parent_id: row.parent_id,
                slug: row.slug.clone(),
                name: row.name.clone(),
                description: row.description.clone(),
                depth: placed.depth,
                first: placed.first,
                last: placed.last,
                products: counts
                    .iter()
                    .find(|(id, _)| *id == row.id)
                    .map_or(0, |(_, n)| *n),
                subcategories: rows.iter().filter(|r| r.parent_id == Some(row.id)).count() as i64,
            }
        })
        .collect())
}

/// The category `id` with the tree around it, or `None`.
pub async fn to_edit(db: &Db, id: i64) -> Result<Option<CategoryToEdit>, sqlx::Error> {
    let tree = tree(db).await?;
    let Some(category) = tree.iter().find(|c| c.id == id).cloned() else {
        return Ok(None);
    };
    let nodes: Vec<Node> = tree
        .iter()
        .map(|c| Node {
            id: c.id,
            parent_id: c.parent_id,
            position: 0,
            name: String::new(),
        })
        .collect();
    let mut not_parents = tree::descendants(&nodes, id);
    not_parents.push(id);
    Ok(Some(CategoryToEdit {
        category,
        tree,
        not_parents,
    }))
}

/// A category as the audit log keeps it.
#[derive(Serialize)]
struct Snapshot<'a> {
    id: i64,
    slug: &'a str,
    name: &'a str,
    description: &'a str,
    /// The parent's slug; none at the top level.
    parent: Option<&'a str>,
    position: i64,
}

fn snapshot_of<'a>(row: &'a CategoryRow, rows: &'a [CategoryRow]) -> Option<serde_json::Value> {
    snapshot(&Snapshot {
        id: row.id,
        slug: &row.slug,
        name: &row.name,
        description: &row.description,
        parent: slug_of(rows, row.parent_id),
        position: row.position,
    })
}

fn slug_of(rows: &[CategoryRow], id: Option<i64>) -> Option<&str> {
    let id = id?;
    rows.iter().find(|r| r.id == id).map(|r| r.slug.as_str())
}

/// Starts a change to the tree: the write transaction, holding the catalog's revision row
/// so that changes to the tree happen one after another on PostgreSQL too (SQLite's
/// `BEGIN IMMEDIATE` already does); without it two moves could each pass the check
/// for a cycle and together make one. `record_changes` updates that row again anyway.
async fn begin_tree_change(db: &Db) -> Result<Transaction<'static, Any>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE catalog_revision SET revision = revision WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// The products in the categories `ids`.
async fn products_in(tx: &mut Transaction<'_, Any>, ids: &[i64]) -> Result<Vec<i64>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id FROM products WHERE category_id IN ({})",
        numbered_params(1, ids.len())
    );
    let mut query = sqlx::query_scalar(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(&mut **tx).await
}
