//! The account pages: signing up and in (`/login`, `/register`), and the signed-in
//! shopper's own pages under `/account`. Every form is an `ActionForm` (see
//! [`crate::forms`]), so all of them work before hydration and without JavaScript.

mod account;
mod email_links;
mod security;
mod sign_in;

pub use account::AccountPage;
pub use email_links::{ConfirmEmailPage, ForgotPasswordPage, ResetPasswordPage};
pub use security::SecurityPage;
pub use sign_in::{RegisterPage, SignInPage};

use super::api::{current_account, Account};

/// Where "Forgot your password?" leads.
pub const FORGOT_PASSWORD_PATH: &str = "/account/forgot-password";
use crate::layout::{GoTo, Loading, ServerError};
use leptos::prelude::*;

/// Shows `children` to anonymous shoppers; sends signed-in ones to their account.
#[component]
fn SignedOutOnly(children: ChildrenFn) -> impl IntoView {
    let account = Resource::new(|| (), |_| current_account());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new({
                let children = children.clone();
                async move {
                    match account.await {
                        Ok(Some(_)) => view! { <GoTo path="/account"/> }.into_any(),
                        Ok(None) => children().into_any(),
                        Err(error) => view! { <ServerError error/> }.into_any(),
                    }
                }
            })}
        </Suspense>
    }
}

/// Renders `children` with the signed-in account; sends anonymous visitors to sign in.
/// `refresh` reloads the account (after a form changed it).
#[component]
pub fn SignedInOnly<F, V>(
    children: F,
    #[prop(optional, into)] refresh: Option<Signal<usize>>,
) -> impl IntoView
where
    F: Fn(Account) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let account = Resource::new(move || refresh.map(|r| r.get()), |_| current_account());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new({
                let children = children.clone();
                async move {
                    match account.await {
                        Ok(Some(account)) => children(account).into_any(),
                        Ok(None) => view! { <GoTo path="/login"/> }.into_any(),
                        Err(error) => view! { <ServerError error/> }.into_any(),
                    }
                }
            })}
        </Suspense>
    }
}

/// The links between the account's own pages; `current` is the page shown.
#[component]
pub fn AccountNav(current: &'static str) -> impl IntoView {
    let pages = [
        ("/account", "Overview"),
        ("/account/security", "Password and security"),
        ("/account/addresses", "Addresses"),
    ];
    view! {
        <nav class="account-nav" aria-label="Your account">
            <ul>
                {pages
                    .into_iter()
                    .map(|(href, label)| {
                        view! {
                            <li>
                                <a href=href aria-current=(href == current).then_some("page")>
                                    {label}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
