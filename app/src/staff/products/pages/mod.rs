//! The staff product pages: the list (`list`), and the new and edit pages around the
//! one product form (`editor`). Every page reads through server functions that refuse
//! anyone but staff. The forms are `ActionForm`s, so they work without JavaScript: the
//! page then reads what happened from `?done=`.

mod editor;
mod list;

pub use list::StaffProductsPage;

use super::api::{
    staff_product, staff_product_categories, CategoryChoice, CreateProduct, DeleteProduct,
    ProductFields, ProductForStaff, UpdateProduct,
};
use super::{staff_product_path, STAFF_PRODUCTS};
use crate::forms::{form_errors, FormMessage};
use crate::layout::{Loading, NotFound};
use crate::staff::{StaffNav, StaffOnly};
use editor::ProductInputs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// A category's name indented by its depth, for a `<select>`.
fn category_label(choice: &CategoryChoice) -> String {
    format!(
        "{}{}",
        "\u{a0}\u{a0}\u{a0}".repeat(choice.depth),
        choice.name
    )
}

#[component]
pub fn StaffNewProductPage() -> impl IntoView {
    let create = ServerAction::<CreateProduct>::new();
    let categories = Resource::new(|| (), |_| staff_product_categories());
    // Once hydrated, a created product's page is the next stop; without JavaScript the
    // server function sends the browser there.
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(saved)) = create.value().get() {
            navigate(
                &format!("{}?done=created", staff_product_path(saved.id)),
                Default::default(),
            );
        }
    });
    let errors = form_errors(create.value());
    view! {
        <Title text="New product"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match categories.await {
                    Ok(categories) => view! {
                        <section class="staff-page">
                            <StaffNav/>
                            <p><a href=STAFF_PRODUCTS>"All products"</a></p>
                            <h1>"New product"</h1>
                            <FormMessage errors/>
                            <ActionForm action=create attr:class="account-form product-form">
                                <ProductInputs errors stored=ProductFields::default() categories/>
                                <button type="submit">"Create the product"</button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn StaffProductPage() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdateProduct>::new();
    let delete = ServerAction::<DeleteProduct>::new();
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(_)) = delete.value().get() {
            navigate(
                &format!("{STAFF_PRODUCTS}?done=deleted"),
                Default::default(),
            );
        }
    });
    let product = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                update.version().get(),
            )
        },
        |(id, _)| async move {
            let Ok(id) = id.parse::<i64>() else {
                return Ok(None);
            };
            let Some(product) = staff_product(id).await? else {
                return Ok(None);
            };
            Ok(Some((product, staff_product_categories().await?)))
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(Some((product, categories))) => {
                        view! { <ProductEditor product categories update delete/> }.into_any()
                    }
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the last change did: from the form's answer, or, after a post without
/// JavaScript, from `?done=`.
fn change_notice(update: ServerAction<UpdateProduct>) -> impl Fn() -> Option<String> {
    let posted = match use_query_map().read_untracked().get("done").as_deref() {
        Some("created") => Some("The product is created."),
        Some("saved") => Some("The product is saved."),
        _ => None,
    };
    move || match update.value().get() {
        Some(Ok(saved)) => Some(saved.message),
        Some(Err(_)) => None,
        None => posted.map(str::to_owned),
    }
}

#[component]
fn ProductEditor(
    product: ProductForStaff,
    categories: Vec<CategoryChoice>,
    update: ServerAction<UpdateProduct>,
    delete: ServerAction<DeleteProduct>,
) -> impl IntoView {
    let notice = change_notice(update);
    let errors = form_errors(update.value());
    let delete_errors = form_errors(delete.value());
    // A refused edit keeps the version it was loaded at: saving again after someone
    // else's change needs a reload, not a second click.
    let version = move || {
        errors
            .read()
            .as_ref()
            .and_then(|e| e.typed("version"))
            .unwrap_or_else(|| product.version.to_string())
    };
    let confirm_error = move || {
        delete_errors
            .read()
            .as_ref()
            .and_then(|e| e.field("confirm"))
    };
    let storefront = format!("/products/{}", product.slug);
    // Each part is erased to `AnyView`: the whole page as one type is too deep for the
    // compiler's layout queries.
    let edit_form = view! {
        <FormMessage errors/>
        <ActionForm action=update attr:class="account-form product-form">
            <input type="hidden" name="product_id" value=product.id/>
            <input type="hidden" name="version" value=version/>
            <ProductInputs errors stored=product.fields.clone() categories/>
            <button type="submit">"Save the product"</button>
        </ActionForm>
    }
    .into_any();
    let photos =
        view! { <crate::staff::photos::pages::PhotoManager product_id=product.id/> }.into_any();
    let delete_form = view! {
        <h2>"Delete the product"</h2>
        <p>"Deleting removes the product, its variants and its photos for good. Orders keep what was sold."</p>
        <FormMessage errors=delete_errors/>
        <ActionForm action=delete attr:class="account-form">
            <input type="hidden" name="product_id" value=product.id/>
            <label class="checkbox">
                <input type="checkbox" name="confirm" value="yes" required=true
                    aria-invalid=move || confirm_error().is_some().then_some("true")
                    aria-describedby=move || confirm_error().is_some().then_some("delete-confirm-error")/>
                " Yes, delete this product"
            </label>
            {move || confirm_error().map(|m| view! { <p class="field-error" id="delete-confirm-error">{m}</p> })}
            <button type="submit" class="danger">"Delete the product"</button>
        </ActionForm>
    }
    .into_any();
    view! {
        <Title text=format!("{} (staff)", product.name)/>
        <section class="staff-page">
            <StaffNav/>
            <p><a href=STAFF_PRODUCTS>"All products"</a></p>
            <h1>{product.name.clone()}</h1>
            {move || notice().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <p><a href=storefront>"See it in the shop"</a></p>
            {edit_form}
            {photos}
            {delete_form}
        </section>
    }
}
