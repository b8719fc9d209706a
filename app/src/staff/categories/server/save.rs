//! Creating a category and editing one, its place in the tree included.

use super::{begin_tree_change, nodes, products_in, rows, snapshot_of, CategoryRow};
use crate::accounts::server::User;
use crate::catalog::writes::record_changes;
use crate::db::{now_millis, Db};
use crate::staff::audit::server::{record, StaffAction};
use crate::staff::categories::fields::CategoryInput;
use crate::staff::categories::tree;

/// What storing a category came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Saved(i64),
    /// Another category has the slug.
    SlugTaken,
    /// The chosen parent does not exist (any more).
    NoSuchParent,
    /// The chosen parent is the category itself or below it.
    UnderItself,
    /// The category edited does not exist.
    NoSuchCategory,
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    // `slug` is the table's only unique column besides the id.
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Adds `input` as a category, last among its siblings.
pub async fn create(db: &Db, actor: &User, input: &CategoryInput) -> Result<Saved, sqlx::Error> {
    let mut tx = begin_tree_change(db).await?;
    let rows = rows(&mut *tx).await?;
    if let Some(problem) = placement_problem(&rows, None, input) {
        return Ok(problem);
    }
    let position = tree::last_position(&nodes(&rows), input.parent_id);
    let inserted = sqlx::query_scalar(
        "INSERT INTO categories (parent_id, slug, name, description, position, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(input.parent_id)
    .bind(&input.slug)
    .bind(&input.name)
    .bind(&input.description)
    .bind(position)
    .bind(now_millis())
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        Err(err) if is_unique_violation(&err) => return Ok(Saved::SlugTaken),
        Err(err) => return Err(err),
    };
    let created = CategoryRow {
        id,
        parent_id: input.parent_id,
        slug: input.slug.clone(),
        name: input.name.clone(),
        description: input.description.clone(),
        position,
    };
    let action = StaffAction {
        actor,
        action: "category.created",
        subject: format!("category {}", input.slug),
        before: None,
        after: snapshot_of(&created, &rows),
    };
    record(&mut tx, action).await?;
    // No product is in it yet; the new revision tells search of the new category.
    record_changes(&mut tx, &[]).await?;
    tx.commit().await?;
    Ok(Saved::Saved(id))
}

/// Why `input` cannot be stored as the category `id` (none: a new one), if it cannot.
fn placement_problem(
    rows: &[CategoryRow],
    id: Option<i64>,
    input: &CategoryInput,
) -> Option<Saved> {
    if let Some(parent) = input.parent_id {
        if !rows.iter().any(|r| r.id == parent) {
            return Some(Saved::NoSuchParent);
        }
    }
    if let Some(id) = id {
        if tree::would_cycle(&nodes(rows), id, input.parent_id) {
            return Some(Saved::UnderItself);
        }
    }
    rows.iter()
        .any(|r| r.slug == input.slug && Some(r.id) != id)
        .then_some(Saved::SlugTaken)
}

/// Changes the category `id` to `input`. A new parent takes it, with everything below
/// it, to the end of its new siblings.
pub async fn update(
    db: &Db,
    actor: &User,
    id: i64,
    input: &CategoryInput,
) -> Result<Saved, sqlx::Error> {
    let mut tx = begin_tree_change(db).await?;
    let rows = rows(&mut *tx).await?;
    let Some(old) = rows.iter().find(|r| r.id == id).cloned() else {
        return Ok(Saved::NoSuchCategory);
    };
    if let Some(problem) = placement_problem(&rows, Some(id), input) {
        return Ok(problem);
    }
    let moved = old.parent_id != input.parent_id;
    let renamed = old.name != input.name || old.slug != input.slug;
    let described = old.description != input.description;
    if !(moved || renamed || described) {
        return Ok(Saved::Saved(id));
    }
    let position = if moved {
        tree::last_position(&nodes(&rows), input.parent_id)
    } else {
        old.position
    };
    let written = sqlx::query(
        "UPDATE categories SET parent_id = $1, slug = $2, name = $3, description = $4,
                position = $5
         WHERE id = $6",
    )
    .bind(input.parent_id)
    .bind(&input.slug)
    .bind(&input.name)
    .bind(&input.description)
    .bind(position)
    .bind(id)
    .execute(&mut *tx)
    .await;
    match written {
        Ok(_) => {}
        Err(err) if is_unique_violation(&err) => return Ok(Saved::SlugTaken),
        Err(err) => return Err(err),
    }
    let new = CategoryRow {
        id,
        parent_id: input.parent_id,
        slug: input.slug.clone(),
        name: input.name.clone(),
        description: input.description.clone(),
        position,
    };
    let subject = format!("category {}", input.slug);
    let changes = [
        (moved, "category.moved"),
        (renamed || described, "category.updated"),
    ];
    for (_, action) in changes.into_iter().filter(|(happened, _)| *happened) {
        let entry = StaffAction {
            actor,
            action,
            subject: subject.clone(),
            before: snapshot_of(&old, &rows),
            after: snapshot_of(&new, &rows),
        };
        record(&mut tx, entry).await?;
    }
    // A new name, slug or parent changes the category path of every product in it and
    // in every category below it.
    let affected = if moved || renamed {
        let mut subtree = tree::descendants(&nodes(&rows), id);
        subtree.push(id);
        products_in(&mut tx, &subtree).await?
    } else {
        Vec::new()
    };
    record_changes(&mut tx, &affected).await?;
    tx.commit().await?;
    Ok(Saved::Saved(id))
}
