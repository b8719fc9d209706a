//! The shop's own staff at work: pages under `/admin` and the server functions behind
//! them, each refusing anyone but staff (`require_staff`).
//!
//! - [`orders`]: every order, its history, and cancelling or refunding it through the
//!   payment provider.
//! - [`discounts`]: discount codes, their limits and usage; creating, editing and
//!   switching them off.
//! - [`audit`]: the log of every staff change, and `/admin/audit` to read it.
//! - [`categories`]: the category tree; creating, editing, moving, reordering and
//!   deleting categories.
//! - [`stock`]: adjusting a variant's stock with a reason, its history, low stock.
//! - [`customers`]: customer accounts, their orders and addresses; disabling one.
//! - [`dashboard`]: `/admin`, the day's figures and the newest orders.
//! - [`products`]: the products: list, search and filters; creating, editing (refused
//!   when someone else saved first), publishing and deleting one.
//! - [`photos`]: a product's photos: uploading, alt text, order, deleting.
//! - [`tokens`]: API tokens with scopes for `/api/v1`: creating (shown once) and revoking.
//! - `/admin/webhooks` lives in [`crate::webhooks`], with the rest of outgoing webhooks.

pub mod audit;
pub mod categories;
pub mod customers;
pub mod dashboard;
pub mod discounts;
pub mod orders;
pub mod photos;
pub mod products;
pub mod stock;
pub mod tokens;

use crate::layout::{set_status, GoTo, ServerError};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// What a staff page shows when its server function refused: sign in, or "staff only".
#[component]
pub fn StaffOnly(error: AppError) -> impl IntoView {
    match error {
        AppError::SignInRequired => view! { <GoTo path="/login"/> }.into_any(),
        AppError::Forbidden => {
            set_status(403);
            view! {
                <Title text="Staff only"/>
                <section class="message-page">
                    <h1>"Staff only"</h1>
                    <p>"This page is for the shop's staff, and your account is a customer account."</p>
                    <p><a href="/account">"Back to your account"</a></p>
                </section>
            }
            .into_any()
        }
        error => view! { <ServerError error/> }.into_any(),
    }
}

/// The staff pages, in the order of the navigation every staff page starts with.
pub const STAFF_SECTIONS: [(&str, &str); 10] = [
    ("/admin", "Dashboard"),
    ("/admin/products", "Products"),
    ("/admin/categories", "Categories"),
    ("/admin/stock", "Stock"),
    ("/admin/orders", "Orders"),
    ("/admin/customers", "Customers"),
    ("/admin/discounts", "Discount codes"),
    ("/admin/audit", "Audit log"),
    ("/admin/tokens", "API tokens"),
    ("/admin/webhooks", "Webhooks"),
];

/// The staff navigation; the current section is marked for screen readers too.
#[component]
pub fn StaffNav() -> impl IntoView {
    let here = leptos_router::hooks::use_location().pathname;
    view! {
        <nav class="staff-nav" aria-label="Staff">
            <ul>
                {STAFF_SECTIONS.into_iter().map(|(path, label)| {
                    let current = move || {
                        let here = here.get();
                        let inside = path != "/admin" && here.starts_with(&format!("{path}/"));
                        (here == path || inside).then_some("page")
                    };
                    view! { <li><a href=path aria-current=current>{label}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
    }
}
