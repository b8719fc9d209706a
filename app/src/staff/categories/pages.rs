//! `/admin/categories` (the tree as nested lists, each category with its product count
//! and its actions, and a form for a new one) and `/admin/categories/{id}` (editing one,
//! its parent included). Both read through server functions that refuse anyone but staff.
//! Every form is an `ActionForm`, so it works without JavaScript: the page then reads
//! what happened from `?done=`.

use super::api::{
    staff_categories, staff_category, CategoryFields, CategoryForStaff, CategorySaved,
    CategoryToEdit, CreateCategory, DeleteCategory, MoveCategory, UpdateCategory,
};
use crate::forms::{form_errors, Field, FormError, FormErrors, FormMessage};
use crate::layout::{Loading, NotFound};
use crate::staff::{StaffNav, StaffOnly};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn StaffCategoriesPage() -> impl IntoView {
    let create = ServerAction::<CreateCategory>::new();
    let reorder = ServerAction::<MoveCategory>::new();
    let delete = ServerAction::<DeleteCategory>::new();
    let tree = Resource::new(
        move || {
            (
                create.version().get(),
                reorder.version().get(),
                delete.version().get(),
            )
        },
        |_| staff_categories(),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match tree.await {
                    Ok(tree) => view! { <CategoryList tree create reorder delete/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the last change did: from a form's answer, or, after a post without
/// JavaScript, from `?done=`.
fn notice(
    answers: Vec<Signal<Option<Result<CategorySaved, FormError>>>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    let posted = match use_query_map().read_untracked().get("done").as_deref() {
        Some("created") => Some("The category is created."),
        Some("saved") => Some("The category is saved."),
        Some("moved") => Some("The category is moved."),
        Some("deleted") => Some("The category is deleted."),
        _ => None,
    };
    move || {
        // The form answered last is the one whose message shows.
        let answered = answers
            .iter()
            .filter_map(|answer| answer.get().and_then(Result::ok))
            .map(|saved| saved.message)
            .next_back();
        answered.or_else(|| posted.map(str::to_owned))
    }
}

#[component]
fn CategoryList(
    tree: Vec<CategoryForStaff>,
    create: ServerAction<CreateCategory>,
    reorder: ServerAction<MoveCategory>,
    delete: ServerAction<DeleteCategory>,
) -> impl IntoView {
    let notice = notice(vec![
        create.value().into(),
        reorder.value().into(),
        delete.value().into(),
    ]);
    let reorder_errors = form_errors(reorder.value());
    let delete_errors = form_errors(delete.value());
    let listed = if tree.is_empty() {
        view! { <p>"There are no categories yet."</p> }.into_any()
    } else {
        view! {
            <ul class="category-tree" aria-label="Every category">
                {branch(&tree, None, reorder, delete)}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text="Categories"/>
        <section class="staff-page">
            <StaffNav/>
            <h1>"Categories"</h1>
            <p>"As shoppers see them: each category under its parent, in the shop's order."</p>
            {move || notice().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <FormMessage errors=reorder_errors/>
            <FormMessage errors=delete_errors/>
            {listed}
            <NewCategory create tree/>
        </section>
    }
}

/// The categories under `parent` (`None`: the top level), each with its own branch.
fn branch(
    tree: &[CategoryForStaff],
    parent: Option<i64>,
    reorder: ServerAction<MoveCategory>,
    delete: ServerAction<DeleteCategory>,
) -> AnyView {
    tree.iter()
        .filter(|c| c.parent_id == parent)
        .map(|category| {
            let below = (category.subcategories > 0).then(|| {
                view! { <ul>{branch(tree, Some(category.id), reorder, delete)}</ul> }
            });
            view! {
                <li>
                    <CategoryRow category=category.clone() reorder delete/>
                    {below}
                </li>
            }
        })
        .collect_view()
        .into_any()
}

fn count_text(products: i64) -> String {
    match products {
        0 => "No products".to_owned(),
        1 => "1 product".to_owned(),
        n => format!("{n} products"),
    }
}

#[component]
fn CategoryRow(
    category: CategoryForStaff,
    reorder: ServerAction<MoveCategory>,
    delete: ServerAction<DeleteCategory>,
) -> impl IntoView {
    let id = category.id;
    let name = category.name.clone();
    let move_button = move |direction: &'static str, label: &'static str, name: String| {
        view! {
            <ActionForm action=reorder attr:class="inline-form">
                <input type="hidden" name="category_id" value=id/>
                <input type="hidden" name="direction" value=direction/>
                <button type="submit" class="small">
                    {label} <span class="visually-hidden">{format!(" {name}")}</span>
                </button>
            </ActionForm>
        }
    };
    view! {
        <div class="category-row" data-testid="staff-category">
            <span class="category-name">
                <strong>{category.name.clone()}</strong>
                " "
                <span class="muted">{format!("/categories/{}", category.slug)}</span>
            </span>
            <span class="category-count">{count_text(category.products)}</span>
            <span class="category-actions">
                <a href=super::staff_category_path(id)>
                    "Edit" <span class="visually-hidden">{format!(" {name}")}</span>
                </a>
                {(!category.first).then(|| move_button("up", "Move up", name.clone()))}
                {(!category.last).then(|| move_button("down", "Move down", name.clone()))}
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="category_id" value=id/>
                    <button type="submit" class="small danger">
                        "Delete" <span class="visually-hidden">{format!(" {name}")}</span>
                    </button>
                </ActionForm>
            </span>
        </div>
    }
}

#[component]
fn NewCategory(create: ServerAction<CreateCategory>, tree: Vec<CategoryForStaff>) -> impl IntoView {
    let errors = form_errors(create.value());
    view! {
        <h2>"New category"</h2>
        <p>"It goes last among the categories under its parent; move it up from the list."</p>
        <FormMessage errors/>
        <ActionForm action=create attr:class="account-form">
            <CategoryFormFields errors fields=CategoryFields::default() tree not_parents=Vec::new()/>
            <button type="submit">"Create the category"</button>
        </ActionForm>
    }
}

/// The fields of the new and edit forms (never both on one page, so the ids are shared).
/// `not_parents` are offered as parents but cannot be chosen.
#[component]
fn CategoryFormFields(
    errors: Memo<Option<FormErrors>>,
    fields: CategoryFields,
    tree: Vec<CategoryForStaff>,
    not_parents: Vec<i64>,
) -> impl IntoView {
    let error =
        move |name: &'static str| move || errors.read().as_ref().and_then(|e| e.field(name));
    let typed = move |name: &'static str, stored: String| {
        move || {
            errors
                .read()
                .as_ref()
                .and_then(|e| e.typed(name))
                .unwrap_or_else(|| stored.clone())
        }
    };
    let description = typed("description", fields.description.clone());
    // A textarea holds plain text, where hydration markers would show: the page is sent
    // with the value as it is now, and later changes go to the property.
    let description_now = errors
        .with_untracked(|e| e.as_ref().and_then(|e| e.typed("description")))
        .unwrap_or_else(|| fields.description.clone());
    let description_now = crate::forms::textarea_text(description_now);
    let chosen = typed("parent", fields.parent.clone());
    let chosen = Signal::derive(chosen);
    let options = tree
        .into_iter()
        .map(|category| {
            let value = category.id.to_string();
            let label = format!("{}{}", "— ".repeat(category.depth), category.name);
            let disabled = not_parents.contains(&category.id);
            let selected = {
                let value = value.clone();
                move || chosen.get() == value
            };
            view! { <option value=value disabled=disabled selected=selected>{label}</option> }
        })
        .collect_view();
    let (description_error, parent_error) = (error("description"), error("parent"));
    view! {
        <Field errors id="category-name" name="name" label="Name" autocomplete="off" required=true
            value=fields.name/>
        <Field errors id="category-slug" name="slug" label="Slug (optional)" autocomplete="off"
            hint="Its address in the shop, /categories/slug: lower-case letters, digits and hyphens. Leave empty to make it from the name."
            value=fields.slug/>
        <label for="category-description">"Description (optional)"</label>
        <textarea id="category-description" name="description" rows="3"
            aria-invalid=move || description_error().is_some().then_some("true")
            aria-describedby=move || description_error().is_some().then_some("category-description-error")
            prop:value=description>
            {description_now}
        </textarea>
        {move || description_error().map(|m| view! { <p class="field-error" id="category-description-error">{m}</p> })}
        <label for="category-parent">"Parent"</label>
        <select id="category-parent" name="parent" aria-describedby=move || {
                if parent_error().is_some() { "category-parent-hint category-parent-error" } else { "category-parent-hint" }
            }
            aria-invalid=move || parent_error().is_some().then_some("true")>
            <option value="" selected=move || chosen.get().is_empty()>"Top level"</option>
            {options}
        </select>
        <p class="hint" id="category-parent-hint">"The category it is listed under in the shop. Moving it takes every category below it along."</p>
        {move || parent_error().map(|m| view! { <p class="field-error" id="category-parent-error">{m}</p> })}
    }
}

#[component]
pub fn StaffCategoryPage() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdateCategory>::new();
    let category = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                update.version().get(),
            )
        },
        |(id, _)| async move {
            match id.parse::<i64>() {
                Ok(id) => staff_category(id).await,
                Err(_) => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match category.await {
                    Ok(Some(edit)) => view! { <CategoryEditor edit update/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CategoryEditor(edit: CategoryToEdit, update: ServerAction<UpdateCategory>) -> impl IntoView {
    let notice = notice(vec![update.value().into()]);
    let errors = form_errors(update.value());
    let category = edit.category;
    let fields = CategoryFields {
        name: category.name.clone(),
        slug: category.slug.clone(),
        description: category.description.clone(),
        parent: category
            .parent_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
    };
    let parent = category
        .parent_id
        .and_then(|id| edit.tree.iter().find(|c| c.id == id))
        .map_or_else(|| "Top level".to_owned(), |c| c.name.clone());
    let shop_path = format!("/categories/{}", category.slug);
    view! {
        <Title text=format!("Category {} (staff)", category.name)/>
        <section class="staff-page">
            <StaffNav/>
            <p><a href=super::STAFF_CATEGORIES>"All categories"</a></p>
            <h1>{format!("Category {}", category.name)}</h1>
            {move || notice().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <dl class="staff-facts">
                <dt>"In the shop"</dt>
                <dd><a href=shop_path.clone()>{shop_path.clone()}</a></dd>
                <dt>"Under"</dt>
                <dd>{parent}</dd>
                <dt>"Products"</dt>
                <dd>{count_text(category.products)}</dd>
                <dt>"Subcategories"</dt>
                <dd>{category.subcategories}</dd>
            </dl>
            <h2>"Edit the category"</h2>
            <p>"A new name, slug or parent changes the path of every product in it and below it."</p>
            <FormMessage errors/>
            <ActionForm action=update attr:class="account-form">
                <input type="hidden" name="category_id" value=category.id/>
                <CategoryFormFields errors fields tree=edit.tree not_parents=edit.not_parents/>
                <button type="submit">"Save the category"</button>
            </ActionForm>
        </section>
    }
}
