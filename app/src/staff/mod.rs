//! The shop's own staff at work: pages under `/admin` and the server functions behind
//! them, each refusing anyone but staff (`require_staff`).
//!
//! - [`orders`]: every order, its history, and cancelling or refunding it through the
//!   payment provider.
//! - [`discounts`]: discount codes, their limits and usage; creating, editing and
//!   switching them off.

pub mod discounts;
pub mod orders;

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
