//! Bazaar's shared application: routes, pages and server functions, rendered on the
//! server (`ssr`) and hydrated in the browser (`hydrate`).

// Leptos views are deeply nested types; the default limit is too low for the listings.
#![recursion_limit = "256"]

pub mod accounts;
pub mod calendar;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod error;
pub mod forms;
pub mod layout;
pub mod money;
pub mod orders;
pub mod payments;
pub mod pricing;
pub mod search;
pub mod staff;
pub mod webhooks;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod media;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod signing;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod test_services;

pub use error::AppError;

use accounts::addresses::AddressesPage;
use accounts::pages::{
    AccountPage, ConfirmEmailPage, ForgotPasswordPage, RegisterPage, ResetPasswordPage,
    SecurityPage, SignInPage,
};
use cart::pages::{CartChanged, CartPage};
use catalog::pages::{CategoryPage, HomePage, ProductPage};
use checkout::pages::{CheckoutPage, OrderPage};
use layout::{NotFound, SiteFooter, SiteHeader};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use search::pages::SearchPage;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    CartChanged::provide();
    view! {
        <Stylesheet id="leptos" href="/pkg/bazaar.css"/>
        <Link rel="icon" href="/favicon.ico"/>
        <Meta name="description" content="Bazaar: an open-source shop."/>
        <Title formatter=|title: String| if title.is_empty() { "Bazaar".to_owned() } else { format!("{title} · Bazaar") }/>
        <Router>
            <SiteHeader/>
            <main id="main">
                // Async: the whole page, status code included, is decided before it is sent.
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/categories/:slug") view=CategoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/products/:slug") view=ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async/>
                    <Route path=path!("/checkout") view=CheckoutPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:number") view=OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/login/two-factor") view=accounts::two_factor::pages::SecondFactorPage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/security") view=SecurityPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/two-factor") view=accounts::two_factor::pages::TwoFactorPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/verify-email") view=ConfirmEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/reset-password") view=ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/addresses") view=AddressesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=staff::dashboard::pages::StaffDashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/stock") view=staff::stock::pages::StaffStockPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/customers") view=staff::customers::pages::StaffCustomersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/customers/:id") view=staff::customers::pages::StaffCustomerPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders") view=staff::orders::pages::StaffOrdersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders/:number") view=staff::orders::pages::StaffOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/discounts") view=staff::discounts::pages::StaffDiscountsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/discounts/:id") view=staff::discounts::pages::StaffDiscountPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=staff::audit::pages::StaffAuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tokens") view=staff::tokens::pages::StaffTokensPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/webhooks") view=webhooks::pages::StaffWebhooksPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/webhooks/:id") view=webhooks::pages::StaffWebhookPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products") view=staff::products::pages::StaffProductsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products/new") view=staff::products::pages::StaffNewProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products/:id") view=staff::products::pages::StaffProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/categories") view=staff::categories::pages::StaffCategoriesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/categories/:id") view=staff::categories::pages::StaffCategoryPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
