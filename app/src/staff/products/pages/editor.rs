//! The product form's fields, shared by the new and edit pages: the product itself, its
//! attribute rows and its variant rows, each stored row with a "Remove" box and two
//! blank rows of each kind to add without JavaScript. A refused form shows what was
//! typed, with each problem next to its field.

use super::category_label;
use crate::forms::FormErrors;
use crate::staff::products::adjust_stock_path;
use crate::staff::products::api::{AttributeFields, CategoryChoice, ProductFields, VariantFields};
use crate::staff::products::form::{
    attribute_field, fields_from_typed, variant_field, with_blank_rows,
};
use leptos::prelude::*;

/// The form's inputs; `stored` is the product as loaded (empty for a new one).
#[component]
pub fn ProductInputs(
    errors: Memo<Option<FormErrors>>,
    stored: ProductFields,
    categories: Vec<CategoryChoice>,
) -> impl IntoView {
    move || {
        let errors = errors.get().unwrap_or_default();
        let shown = fields_from_typed(&errors.typed, &stored)
            .unwrap_or_else(|| with_blank_rows(stored.clone()));
        let stored_attributes = stored.attributes.len();
        let problem = |name: &str| errors.field(name);
        view! {
            <TextInput id="product-name".into() name="name".into() label="Name" value=shown.name.clone()
                error=problem("name") required=true/>
            <TextInput id="product-slug".into() name="slug".into() label="Slug (the product's web address)"
                value=shown.slug.clone() error=problem("slug")
                hint="Lower-case letters and digits joined by dashes. Made from the name when left empty."/>
            <label for="product-description">"Description"</label>
            <textarea id="product-description" name="description" rows="6">{crate::forms::textarea_text(shown.description.clone())}</textarea>
            <CategorySelect categories=categories.clone() chosen=shown.category_id.clone()
                error=problem("category_id")/>
            <label class="checkbox">
                <input type="checkbox" name="featured" value="on" checked=!shown.featured.is_empty()/>
                " Featured on the home page"
            </label>
            <label class="checkbox">
                <input type="checkbox" name="published" value="on" checked=!shown.published.is_empty()/>
                " Published: shoppers can find and buy it (untick to keep it as a draft)"
            </label>
            <fieldset class="product-rows">
                <legend>"Variants"</legend>
                <p class="hint">"Each variant has its own SKU, options (like “Oak, large”) and price. Blank rows are ignored."</p>
                {problem("variants").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                {shown.variants.iter().enumerate().map(|(row, variant)| view! {
                    <VariantRow row variant=variant.clone() errors=errors.clone()/>
                }).collect_view()}
            </fieldset>
            <fieldset class="product-rows">
                <legend>"Attributes"</legend>
                <p class="hint">"What shoppers filter by, like material: Oak. Blank rows are ignored."</p>
                {shown.attributes.iter().enumerate().map(|(row, attribute)| view! {
                    <AttributeRow row attribute=attribute.clone() stored=row < stored_attributes errors=errors.clone()/>
                }).collect_view()}
            </fieldset>
        }
        .into_any()
    }
}

/// A labelled text input with its hint and error tied to it for screen readers.
#[component]
fn TextInput(
    id: String,
    name: String,
    label: &'static str,
    value: String,
    error: Option<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = [
        hint.map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    view! {
        <label for=id.clone()>{label}</label>
        <input id=id name=name type="text" value=value required=required inputmode=inputmode autocomplete="off"
            aria-invalid=error.is_some().then_some("true")
            aria-describedby=(!described_by.is_empty()).then_some(described_by)/>
        {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
        {error.map(|m| view! { <p class="field-error" id=error_id>{m}</p> })}
    }
}

#[component]
fn CategorySelect(
    categories: Vec<CategoryChoice>,
    chosen: String,
    error: Option<String>,
) -> impl IntoView {
    view! {
        <label for="product-category">"Category"</label>
        <select id="product-category" name="category_id" required=true
            aria-invalid=error.is_some().then_some("true")
            aria-describedby=error.is_some().then_some("product-category-error")>
            <option value="" selected=chosen.is_empty()>"Choose a category"</option>
            {categories.into_iter().map(|choice| {
                let value = choice.id.to_string();
                let is_chosen = value == chosen;
                view! { <option value=value selected=is_chosen>{category_label(&choice)}</option> }
            }).collect_view()}
        </select>
        {error.map(|m| view! { <p class="field-error" id="product-category-error">{m}</p> })}
    }
}

#[component]
fn VariantRow(row: usize, variant: VariantFields, errors: FormErrors) -> impl IntoView {
    let stored = !variant.id.is_empty();
    let id = |field: &str| format!("variant-{row}-{field}");
    let name = |field: &str| variant_field(row, field);
    let problem = |field: &str| errors.field(&variant_field(row, field));
    let legend = if stored {
        format!("Variant {}: {}", row + 1, variant.sku)
    } else {
        format!("New variant ({})", row + 1)
    };
    let stock = if stored {
        let text = format!("Stock: {}", variant.stock);
        view! {
            <p class="variant-stock">
                {text} " " <a href=adjust_stock_path(&variant.sku)>"Adjust stock"</a>
            </p>
        }
        .into_any()
    } else {
        view! {
            <TextInput id=id("stock") name=name("stock") label="Stock" value=variant.stock.clone()
                error=problem("stock") inputmode="numeric" hint="How many are in stock now; empty for none."/>
        }
        .into_any()
    };
    let remove = stored.then(|| {
        view! {
            <label class="checkbox">
                <input type="checkbox" name=name("remove") value="yes" checked=!variant.remove.is_empty()/>
                " Remove this variant"
            </label>
        }
    });
    view! {
        <fieldset class="product-row">
            <legend>{legend}</legend>
            <input type="hidden" name=name("id") value=variant.id.clone()/>
            <TextInput id=id("sku") name=name("sku") label="SKU" value=variant.sku.clone() error=problem("sku")/>
            <TextInput id=id("options") name=name("options") label="Options" value=variant.options.clone()
                error=problem("options")/>
            <TextInput id=id("price") name=name("price") label="Price (£)" value=variant.price.clone()
                error=problem("price") inputmode="decimal"/>
            <TextInput id=id("compare-at") name=name("compare_at") label="Compare-at price (£, optional)"
                value=variant.compare_at.clone() error=problem("compare_at") inputmode="decimal"/>
            {stock}
            {remove}
        </fieldset>
    }
}

#[component]
fn AttributeRow(
    row: usize,
    attribute: AttributeFields,
    stored: bool,
    errors: FormErrors,
) -> impl IntoView {
    let id = |field: &str| format!("attribute-{row}-{field}");
    let name = |field: &str| attribute_field(row, field);
    let problem = |field: &str| errors.field(&attribute_field(row, field));
    let legend = if stored {
        format!("Attribute {}", row + 1)
    } else {
        format!("New attribute ({})", row + 1)
    };
    let remove = stored.then(|| {
        view! {
            <label class="checkbox">
                <input type="checkbox" name=name("remove") value="yes" checked=!attribute.remove.is_empty()/>
                " Remove this attribute"
            </label>
        }
    });
    view! {
        <fieldset class="product-row">
            <legend>{legend}</legend>
            <TextInput id=id("name") name=name("name") label="Attribute" value=attribute.name.clone()
                error=problem("name")/>
            <TextInput id=id("value") name=name("value") label="Value" value=attribute.value.clone()
                error=problem("value")/>
            {remove}
        </fieldset>
    }
}
