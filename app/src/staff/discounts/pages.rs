//! `/admin/discounts` (every code, and a form for a new one) and `/admin/discounts/{id}`
//! (one code's usage, its edit form, and switching it off or on). Both read through
//! server functions that refuse anyone but staff. The forms are `ActionForm`s, so they
//! work without JavaScript: the page then reads what happened from `?done=`.

use super::api::{
    staff_discount_code, staff_discount_codes, CreateDiscountCode, DiscountCodeForStaff,
    DiscountFields, SetDiscountCodeActive, UpdateDiscountCode,
};
use crate::accounts::pages::utc_time;
use crate::forms::{form_errors, Field, FormErrors, FormMessage};
use crate::layout::{Loading, NotFound};
use crate::staff::StaffOnly;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const DATE_HINT: &str = "A UTC date as YYYY-MM-DD, like 2026-12-01. Leave empty for no limit.";

#[component]
pub fn StaffDiscountsPage() -> impl IntoView {
    let create = ServerAction::<CreateDiscountCode>::new();
    let codes = Resource::new(move || create.version().get(), |_| staff_discount_codes());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match codes.await {
                    Ok(codes) => view! {
                        <Title text="Discount codes"/>
                        <section class="staff-page">
                            <h1>"Discount codes"</h1>
                            <CodeList codes/>
                            <NewCode create/>
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn limit_text(limit: Option<i64>) -> String {
    limit.map_or_else(|| "No limit".to_owned(), |n| n.to_string())
}

fn dates_text(code: &DiscountCodeForStaff) -> String {
    match (code.starts_at, code.ends_at) {
        (None, None) => "Any time".to_owned(),
        (Some(starts), None) => format!("From {}", utc_time(starts)),
        (None, Some(ends)) => format!("Until {}", utc_time(ends)),
        (Some(starts), Some(ends)) => format!("{} to {}", utc_time(starts), utc_time(ends)),
    }
}

#[component]
fn CodeList(codes: Vec<DiscountCodeForStaff>) -> impl IntoView {
    if codes.is_empty() {
        return view! { <p>"There are no discount codes yet."</p> }.into_any();
    }
    view! {
        <table class="staff-table">
            <caption>"Every discount code, newest first"</caption>
            <thead>
                <tr>
                    <th scope="col">"Code"</th>
                    <th scope="col">"Gives"</th>
                    <th scope="col">"Minimum subtotal"</th>
                    <th scope="col">"When (UTC)"</th>
                    <th scope="col">"Usage limit"</th>
                    <th scope="col">"Per customer"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col" class="money">"Times used"</th>
                    <th scope="col" class="money">"Customers"</th>
                </tr>
            </thead>
            <tbody>
                {codes.into_iter().map(|code| view! {
                    <tr>
                        <th scope="row">
                            <a href=super::staff_discount_path(code.id)>{code.code.clone()}</a>
                        </th>
                        <td>{code.description.clone()}</td>
                        <td>{code.minimum_subtotal.map(|m| m.to_string()).unwrap_or_else(|| "None".to_owned())}</td>
                        <td>{dates_text(&code)}</td>
                        <td>{limit_text(code.usage_limit)}</td>
                        <td>{limit_text(code.per_customer_limit)}</td>
                        <td>{if code.active { "Active" } else { "Disabled" }}</td>
                        <td class="money">{code.times_used}</td>
                        <td class="money">{code.customers}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn NewCode(create: ServerAction<CreateDiscountCode>) -> impl IntoView {
    let errors = form_errors(create.value());
    let created = move || match create.value().get() {
        Some(Ok(saved)) => Some(view! {
            <p class="notice" role="status">
                {saved.message} " " <a href=super::staff_discount_path(saved.id)>"See the code"</a>
            </p>
        }),
        _ => None,
    };
    view! {
        <h2>"New code"</h2>
        {created}
        <FormMessage errors/>
        <ActionForm action=create attr:class="account-form">
            <CodeFields errors prefix="new" fields=DiscountFields::default()/>
            <button type="submit">"Create the code"</button>
        </ActionForm>
    }
}

/// The fields shared by the new and edit forms; `prefix` keeps their ids apart.
#[component]
fn CodeFields(
    errors: Memo<Option<FormErrors>>,
    prefix: &'static str,
    fields: DiscountFields,
) -> impl IntoView {
    // `Field` ids are `&'static str`: both forms' ids are spelled out.
    let edit = prefix == "edit";
    let id = move |new: &'static str, edited: &'static str| if edit { edited } else { new };
    let kind_error = move || errors.read().as_ref().and_then(|e| e.field("kind"));
    let kind_error_id = id("new-kind-error", "edit-kind-error");
    let chosen = {
        let kind = fields.kind.clone();
        move || {
            errors
                .read()
                .as_ref()
                .and_then(|e| e.typed("kind"))
                .unwrap_or_else(|| kind.clone())
        }
    };
    let option = move |value: &'static str, label: &'static str| {
        let chosen = chosen.clone();
        view! { <option value=value selected=move || chosen() == value>{label}</option> }
    };
    view! {
        <Field errors id=id("new-code", "edit-code") name="code" label="Code" autocomplete="off" required=true
            hint="What shoppers type: letters, digits and dashes; stored in capitals." value=fields.code/>
        <label for=id("new-kind", "edit-kind")>"What it gives"</label>
        <select id=id("new-kind", "edit-kind") name="kind"
            aria-invalid=move || kind_error().is_some().then_some("true")
            aria-describedby=move || kind_error().is_some().then_some(kind_error_id)>
            {option("percentage", "A percentage off")}
            {option("fixed_amount", "An amount off")}
            {option("free_shipping", "Free delivery")}
        </select>
        {move || kind_error().map(|m| view! { <p class="field-error" id=kind_error_id>{m}</p> })}
        <Field errors id=id("new-value", "edit-value") name="value" label="Percentage or amount off" autocomplete="off"
            hint="A percentage like 10 or 12.5, or an amount in pounds like 5.00. Leave empty for free delivery."
            value=fields.value/>
        <Field errors id=id("new-minimum-subtotal", "edit-minimum-subtotal") name="minimum_subtotal" label="Minimum subtotal (optional)"
            autocomplete="off" hint="In pounds, like 30.00." value=fields.minimum_subtotal/>
        <Field errors id=id("new-starts", "edit-starts") name="starts" label="First day it works (optional)" autocomplete="off"
            hint=DATE_HINT value=fields.starts/>
        <Field errors id=id("new-ends", "edit-ends") name="ends" label="Last day it works (optional)" autocomplete="off"
            hint="A UTC date as YYYY-MM-DD: the code works until the end of that day. Leave empty for no limit."
            value=fields.ends/>
        <Field errors id=id("new-usage-limit", "edit-usage-limit") name="usage_limit" label="Orders in all (optional)"
            autocomplete="off" hint="A whole number. Leave empty for no limit." value=fields.usage_limit/>
        <Field errors id=id("new-per-customer-limit", "edit-per-customer-limit") name="per_customer_limit"
            label="Orders per customer (optional)" autocomplete="off"
            hint="A whole number. Leave empty for no limit." value=fields.per_customer_limit/>
        <Field errors id=id("new-categories", "edit-categories") name="categories" label="Only these categories (optional)"
            autocomplete="off" hint="Category slugs, separated by commas; categories below them count too."
            value=fields.categories/>
        <Field errors id=id("new-products", "edit-products") name="products" label="Only these products (optional)"
            autocomplete="off" hint="Product slugs, separated by commas. With neither, the code covers everything."
            value=fields.products/>
    }
}

#[component]
pub fn StaffDiscountPage() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdateDiscountCode>::new();
    let switch = ServerAction::<SetDiscountCodeActive>::new();
    let code = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                update.version().get(),
                switch.version().get(),
            )
        },
        |(id, _, _)| async move {
            match id.parse::<i64>() {
                Ok(id) => staff_discount_code(id).await,
                Err(_) => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match code.await {
                    Ok(Some(code)) => view! { <CodeForStaff code update switch/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the last change did: from the form's answer, or, after a post without
/// JavaScript, from `?done=`.
fn change_notices(
    update: ServerAction<UpdateDiscountCode>,
    switch: ServerAction<SetDiscountCodeActive>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    let posted = match use_query_map().read_untracked().get("done").as_deref() {
        Some("created") => Some("The code is created."),
        Some("saved") => Some("The code is saved."),
        Some("enabled") => Some("The code is enabled."),
        Some("disabled") => Some("The code is disabled."),
        _ => None,
    };
    move || {
        let answered = [update.value().get(), switch.value().get()]
            .into_iter()
            .filter_map(|answer| answer.and_then(Result::ok))
            .map(|saved| saved.message)
            .next_back();
        answered.or_else(|| posted.map(str::to_owned))
    }
}

#[component]
fn CodeForStaff(
    code: DiscountCodeForStaff,
    update: ServerAction<UpdateDiscountCode>,
    switch: ServerAction<SetDiscountCodeActive>,
) -> impl IntoView {
    let notice = change_notices(update, switch);
    let errors = form_errors(update.value());
    let switch_errors = form_errors(switch.value());
    let scope = if code.category_slugs.is_empty() && code.product_slugs.is_empty() {
        "Everything".to_owned()
    } else {
        let mut parts = Vec::new();
        if !code.category_slugs.is_empty() {
            parts.push(format!("categories {}", code.category_slugs.join(", ")));
        }
        if !code.product_slugs.is_empty() {
            parts.push(format!("products {}", code.product_slugs.join(", ")));
        }
        format!("Only {}", parts.join(" and "))
    };
    let (switch_to, switch_label, switch_text) = if code.active {
        (
            "false",
            "Disable the code",
            "Shoppers can apply this code. Disabled, it is refused at checkout.",
        )
    } else {
        (
            "true",
            "Enable the code",
            "This code is disabled: shoppers are told it is no longer available.",
        )
    };
    view! {
        <Title text=format!("Discount code {} (staff)", code.code)/>
        <section class="staff-page">
            <p><a href=super::STAFF_DISCOUNTS>"All discount codes"</a></p>
            <h1>"Discount code " {code.code.clone()}</h1>
            {move || notice().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <dl class="staff-facts">
                <dt>"Status"</dt>
                <dd data-testid="staff-discount-status">{if code.active { "Active" } else { "Disabled" }}</dd>
                <dt>"Gives"</dt>
                <dd>{code.description.clone()}</dd>
                <dt>"Covers"</dt>
                <dd>{scope}</dd>
                <dt>"When (UTC)"</dt>
                <dd>{dates_text(&code)}</dd>
                <dt>"Times used"</dt>
                <dd data-testid="staff-discount-times-used">{code.times_used}</dd>
                <dt>"Customers who used it"</dt>
                <dd>{code.customers}</dd>
                <dt>"Usage limit"</dt>
                <dd>{limit_text(code.usage_limit)}</dd>
                <dt>"Per customer"</dt>
                <dd>{limit_text(code.per_customer_limit)}</dd>
            </dl>
            <h2>{switch_label}</h2>
            <p>{switch_text}</p>
            <FormMessage errors=switch_errors/>
            <ActionForm action=switch attr:class="account-form">
                <input type="hidden" name="code_id" value=code.id/>
                <input type="hidden" name="active" value=switch_to/>
                <button type="submit">{switch_label}</button>
            </ActionForm>
            <h2>"Edit the code"</h2>
            <p>"Changes apply to orders placed from now on; the uses so far are kept."</p>
            <FormMessage errors/>
            <ActionForm action=update attr:class="account-form">
                <input type="hidden" name="code_id" value=code.id/>
                <CodeFields errors prefix="edit" fields=code.fields.clone()/>
                <button type="submit">"Save the code"</button>
            </ActionForm>
        </section>
    }
}
