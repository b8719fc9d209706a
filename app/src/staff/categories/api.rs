//! The staff's server functions for categories: the tree, one category, creating,
//! editing, moving up or down among its siblings, and deleting one. Each starts with
//! `require_staff` (401 for nobody, 403 for a customer), whatever the page showed.

use crate::forms::FormError;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A category's form fields as typed, or as the edit form shows a stored category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryFields {
    pub name: String,
    /// Empty: made from the name.
    pub slug: String,
    pub description: String,
    /// The parent's id, or empty for the top level.
    pub parent: String,
}

/// A category as staff see it in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryForStaff {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// 0 at the top level.
    pub depth: usize,
    /// First or last among its siblings: it cannot move up, or down.
    pub first: bool,
    pub last: bool,
    /// Its own products (not those of categories below it), published or not.
    pub products: i64,
    pub subcategories: i64,
}

/// One category to edit, with the whole tree for the choice of parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryToEdit {
    pub category: CategoryForStaff,
    /// Every category, depth-first.
    pub tree: Vec<CategoryForStaff>,
    /// The ids of the category and every category below it: not a parent it can take.
    pub not_parents: Vec<i64>,
}

/// What a change to a category did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategorySaved {
    pub id: i64,
    pub slug: String,
    /// What happened, in a sentence for the page.
    pub message: String,
}

/// Every category, depth-first: each parent right before its children, siblings in the
/// shop's order.
#[server(prefix = "/rpc", endpoint = "staff_categories")]
pub async fn staff_categories() -> Result<Vec<CategoryForStaff>, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    Ok(super::server::tree(&state.db).await?)
}

/// The category `category_id` and the tree around it; `None` if there is none.
#[server(prefix = "/rpc", endpoint = "staff_category")]
pub async fn staff_category(category_id: i64) -> Result<Option<CategoryToEdit>, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    Ok(super::server::to_edit(&state.db, category_id).await?)
}

/// Creates a category, last among its siblings; see [`CategoryFields`].
#[server(prefix = "/rpc", endpoint = "create_category")]
pub async fn create_category(
    #[server(default)] name: String,
    #[server(default)] slug: String,
    #[server(default)] description: String,
    #[server(default)] parent: String,
) -> Result<CategorySaved, FormError> {
    let state = crate::state::AppState::from_context()?;
    let user = crate::accounts::request::require_staff(&state).await?;
    let fields = CategoryFields {
        name,
        slug,
        description,
        parent,
    };
    save(&state, &user, None, fields).await
}

/// Changes the category `category_id` to what the form says. A new parent puts it (and
/// everything below it) there, last among its new siblings.
#[server(prefix = "/rpc", endpoint = "update_category")]
pub async fn update_category(
    category_id: i64,
    #[server(default)] name: String,
    #[server(default)] slug: String,
    #[server(default)] description: String,
    #[server(default)] parent: String,
) -> Result<CategorySaved, FormError> {
    let state = crate::state::AppState::from_context()?;
    let user = crate::accounts::request::require_staff(&state).await?;
    let fields = CategoryFields {
        name,
        slug,
        description,
        parent,
    };
    save(&state, &user, Some(category_id), fields).await
}

/// Moves the category `category_id` one place `direction` ("up" or "down") among its
/// siblings.
#[server(prefix = "/rpc", endpoint = "move_category")]
pub async fn move_category(
    category_id: i64,
    #[server(default)] direction: String,
) -> Result<CategorySaved, FormError> {
    use super::server::{reorder, Reordered};
    use super::tree::Direction;
    use crate::forms::{invalid, FormErrors};
    let state = crate::state::AppState::from_context()?;
    let user = crate::accounts::request::require_staff(&state).await?;
    let Some(direction) = Direction::parse(&direction) else {
        return Err(invalid(FormErrors::whole("Move it up or down.")));
    };
    let message = match reorder(&state.db, &user, category_id, direction).await? {
        Reordered::Moved { name } => match direction {
            Direction::Up => format!("{name} moved up."),
            Direction::Down => format!("{name} moved down."),
        },
        Reordered::AtTheEnd { name } => match direction {
            Direction::Up => format!("{name} is already first."),
            Direction::Down => format!("{name} is already last."),
        },
        Reordered::NoSuchCategory => return Err(no_such_category()),
    };
    refresh_search(&state).await;
    crate::forms::after_browser_post(&format!("{}?done=moved", super::STAFF_CATEGORIES));
    Ok(CategorySaved {
        id: category_id,
        slug: String::new(),
        message,
    })
}

/// Deletes the category `category_id`, which must hold no products and no categories.
#[server(prefix = "/rpc", endpoint = "delete_category")]
pub async fn delete_category(category_id: i64) -> Result<CategorySaved, FormError> {
    use super::server::{delete, Deleted};
    use crate::forms::{invalid, FormErrors};
    let state = crate::state::AppState::from_context()?;
    let user = crate::accounts::request::require_staff(&state).await?;
    let saved = match delete(&state.db, &user, category_id).await? {
        Deleted::Deleted { name, slug } => CategorySaved {
            id: category_id,
            slug,
            message: format!("{name} is deleted."),
        },
        Deleted::NotEmpty {
            name,
            products,
            subcategories,
        } => {
            let things = [
                (products, "product", "products"),
                (subcategories, "subcategory", "subcategories"),
            ]
            .into_iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
            .collect::<Vec<_>>()
            .join(" and ");
            return Err(invalid(FormErrors::whole(format!(
                "{name} cannot be deleted yet. Move or delete its {things} first."
            ))));
        }
        Deleted::InDiscountCodes { name, codes } => {
            return Err(invalid(FormErrors::whole(format!(
                "{name} cannot be deleted yet: the discount codes {} are limited to it. \
                 Change them first.",
                codes.join(", ")
            ))));
        }
        Deleted::NoSuchCategory => return Err(no_such_category()),
    };
    refresh_search(&state).await;
    crate::forms::after_browser_post(&format!("{}?done=deleted", super::STAFF_CATEGORIES));
    Ok(saved)
}

/// Checks the form, then stores the category (`category_id`: the one edited, if any).
#[cfg(feature = "ssr")]
async fn save(
    state: &crate::state::AppState,
    user: &crate::accounts::server::User,
    category_id: Option<i64>,
    fields: CategoryFields,
) -> Result<CategorySaved, FormError> {
    use super::fields::parse_fields;
    use super::server::{create, update, Saved};
    use crate::forms::{invalid, FormErrors};
    let typed = [
        ("name", &fields.name),
        ("slug", &fields.slug),
        ("description", &fields.description),
        ("parent", &fields.parent),
    ]
    .into_iter()
    .fold(FormErrors::default(), |errors, (name, value)| {
        errors.keep(name, value)
    });
    let input = match parse_fields(&fields) {
        Ok(input) => input,
        Err(problems) => {
            let mut errors = typed;
            errors.fields.extend(problems);
            return Err(invalid(errors));
        }
    };
    let saved = match category_id {
        None => create(&state.db, user, &input).await?,
        Some(id) => update(&state.db, user, id, &input).await?,
    };
    let id = match saved {
        Saved::Saved(id) => id,
        Saved::SlugTaken => {
            let message = format!("There is already a category with the slug {}.", input.slug);
            return Err(invalid(typed.on("slug", message)));
        }
        Saved::NoSuchParent => {
            return Err(invalid(
                typed.on("parent", "That parent no longer exists: choose another."),
            ))
        }
        Saved::UnderItself => {
            return Err(invalid(typed.on(
                "parent",
                "A category cannot go under itself or one of its own subcategories: \
                 choose another parent.",
            )))
        }
        Saved::NoSuchCategory => return Err(no_such_category()),
    };
    let (done_word, path) = match category_id {
        None => ("created", super::STAFF_CATEGORIES.to_owned()),
        Some(_) => ("saved", super::staff_category_path(id)),
    };
    refresh_search(state).await;
    crate::forms::after_browser_post(&format!("{path}?done={done_word}"));
    Ok(CategorySaved {
        id,
        message: format!("{} is {done_word}.", input.name),
        slug: input.slug,
    })
}

/// After a change is committed: this server's search index, and with it the storefront
/// and its page cache, learns of it at once rather than on its next poll.
#[cfg(feature = "ssr")]
async fn refresh_search(state: &crate::state::AppState) {
    if let Err(err) = state.search.refresh(&state.db).await {
        tracing::warn!(error = %err, "search index refresh after a category change failed");
    }
}

#[cfg(feature = "ssr")]
fn no_such_category() -> FormError {
    crate::forms::refusal_status(404);
    FormError::Invalid(crate::forms::FormErrors::whole(
        "There is no such category.",
    ))
}
