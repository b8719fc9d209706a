//! `/admin/stock`: find a variant (a GET form, so a search is a link), open one with
//! `?sku=`, adjust its stock with a reason, read its history, and the low-stock list.
//! The adjustment form is an `ActionForm`, so it works without JavaScript.

use super::api::{
    staff_stock, AdjustStock, StockMovement, StockPage, StockReason, VariantStock,
    VariantWithHistory,
};
use super::{stock_path, LOW_STOCK};
use crate::accounts::pages::utc_time;
use crate::forms::{form_errors, Field, FormErrors, FormMessage};
use crate::layout::Loading;
use crate::staff::orders::staff_order_path;
use crate::staff::{StaffNav, StaffOnly};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffStockPage() -> impl IntoView {
    let query = use_query_map();
    let adjust = ServerAction::<AdjustStock>::new();
    let page = Resource::new(
        move || {
            let query = query.read();
            (
                query.get("q").unwrap_or_default(),
                query.get("sku").unwrap_or_default(),
                adjust.version().get(),
            )
        },
        |(q, sku, _)| staff_stock(q, sku),
    );
    view! {
        <Title text="Stock"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <StockView page adjust/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StockView(page: StockPage, adjust: ServerAction<AdjustStock>) -> impl IntoView {
    let query = use_query_map().get_untracked();
    let typed = query.get("q").unwrap_or_default();
    let sku = query.get("sku").unwrap_or_default();
    let matches = if typed.trim().is_empty() {
        None
    } else if page.matches.is_empty() {
        Some(view! { <p>{format!("No variant matches “{}”.", typed.trim())}</p> }.into_any())
    } else {
        Some(
            view! { <VariantTable caption="Variants found".to_owned() variants=page.matches/> }
                .into_any(),
        )
    };
    let selected = match page.selected {
        Some(selected) => Some(view! { <OneVariant selected adjust/> }.into_any()),
        None if !sku.trim().is_empty() => Some(
            view! { <p>{format!("There is no variant with the SKU “{}”.", sku.trim())}</p> }
                .into_any(),
        ),
        None => None,
    };
    let low = if page.low_stock.is_empty() {
        view! { <p>"No variant is running low."</p> }.into_any()
    } else {
        view! {
            <VariantTable caption="Out of stock first".to_owned() variants=page.low_stock/>
        }
        .into_any()
    };
    view! {
        <section class="staff-page">
            <StaffNav/>
            <h1>"Stock"</h1>
            <form method="get" action=super::STAFF_STOCK class="staff-filter">
                <label>"SKU or product name" <input type="search" name="q" value=typed/></label>
                <button type="submit">"Find"</button>
            </form>
            {matches}
            {selected}
            <h2 id="low-stock">{format!("Low stock ({LOW_STOCK} or fewer)")}</h2>
            {low}
        </section>
    }
}

#[component]
fn VariantTable(caption: String, variants: Vec<VariantStock>) -> impl IntoView {
    view! {
        <table class="staff-table">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"SKU"</th>
                    <th scope="col">"Product"</th>
                    <th scope="col">"Variant"</th>
                    <th scope="col" class="money">"In stock"</th>
                </tr>
            </thead>
            <tbody>
                {variants.into_iter().map(|variant| view! {
                    <tr>
                        <th scope="row"><a href=stock_path(&variant.sku)>{variant.sku.clone()}</a></th>
                        <td>{variant.product_name}</td>
                        <td>{variant.title}</td>
                        <td class="money">{variant.stock}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn OneVariant(selected: VariantWithHistory, adjust: ServerAction<AdjustStock>) -> impl IntoView {
    let variant = selected.variant;
    let done = move || match adjust.value().get() {
        Some(Ok(adjusted)) => {
            Some(view! { <p class="notice" role="status">{adjusted.message}</p> })
        }
        _ => None,
    };
    view! {
        <h2>{format!("{} – {} ({})", variant.product_name, variant.title, variant.sku)}</h2>
        {done}
        <p data-testid="stock-level">{format!("In stock: {}", variant.stock)}</p>
        <p><a href=format!("/products/{}", variant.product_slug)>"See it in the shop"</a></p>
        <AdjustForm sku=variant.sku.clone() adjust/>
        <History history=selected.history/>
    }
}

#[component]
fn AdjustForm(sku: String, adjust: ServerAction<AdjustStock>) -> impl IntoView {
    let errors = form_errors(adjust.value());
    let typed = move |name: &str| {
        errors
            .read()
            .as_ref()
            .and_then(|e: &FormErrors| e.typed(name))
    };
    let reason_error = move || errors.read().as_ref().and_then(|e| e.field("reason"));
    let mode_error = move || errors.read().as_ref().and_then(|e| e.field("mode"));
    let chosen_reason = move || typed("reason").unwrap_or_default();
    view! {
        <h3>"Adjust the stock"</h3>
        <FormMessage errors/>
        <ActionForm action=adjust attr:class="account-form">
            <input type="hidden" name="sku" value=sku/>
            <fieldset>
                <legend>"How"</legend>
                <input type="radio" id="stock-mode-by" name="mode" value="by"
                    checked=move || typed("mode").as_deref() != Some("to")/>
                <label for="stock-mode-by">"Change by (+/−)"</label>
                <input type="radio" id="stock-mode-to" name="mode" value="to"
                    checked=move || typed("mode").as_deref() == Some("to")/>
                <label for="stock-mode-to">"Set to (counted)"</label>
                {move || mode_error().map(|m| view! { <p class="field-error">{m}</p> })}
            </fieldset>
            <Field errors id="stock-amount" name="amount" label="Amount" autocomplete="off" required=true
                hint="A whole number: 12 or -2 to change by, 7 to set to."/>
            <label for="stock-reason">"Reason"</label>
            <select id="stock-reason" name="reason" required=true
                aria-invalid=move || reason_error().is_some().then_some("true")
                aria-describedby=move || reason_error().is_some().then_some("stock-reason-error")>
                <option value="" selected=move || chosen_reason().is_empty()>"Choose a reason"</option>
                {StockReason::STAFF.into_iter().map(|reason| view! {
                    <option value=reason.as_str() selected=move || chosen_reason() == reason.as_str()>
                        {reason.label()}
                    </option>
                }).collect_view()}
            </select>
            {move || reason_error().map(|m| view! { <p class="field-error" id="stock-reason-error">{m}</p> })}
            <Field errors id="stock-note" name="note" label="Note (needed for “Other”)" autocomplete="off"/>
            <button type="submit">"Adjust the stock"</button>
        </ActionForm>
    }
}

#[component]
fn History(history: Vec<StockMovement>) -> impl IntoView {
    if history.is_empty() {
        return view! {
            <h3>"History"</h3>
            <p>"The stock of this variant has not changed since the history began."</p>
        }
        .into_any();
    }
    view! {
        <h3>"History"</h3>
        <table class="staff-table" data-testid="stock-history">
            <caption>"Newest first"</caption>
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"Change"</th>
                    <th scope="col">"Reason"</th>
                    <th scope="col">"Note"</th>
                </tr>
            </thead>
            <tbody>
                {history.into_iter().map(|movement| {
                    let order = movement.order_number.map(|number| view! {
                        " " <a href=staff_order_path(&number)>{format!("order {number}")}</a>
                    });
                    view! {
                        <tr>
                            <td>{utc_time(movement.at)}</td>
                            <td>{movement.who}</td>
                            <td>{format!("{} → {}", movement.before, movement.after)}</td>
                            <td>{movement.reason_label}{order}</td>
                            <td>{movement.note.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
