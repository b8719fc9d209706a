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

/// "24 Nov 2026, 22:40 UTC" for Unix milliseconds.
pub fn utc_time(millis: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = millis.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let (hour, minute) = (secs.rem_euclid(86_400) / 3600, secs.rem_euclid(3600) / 60);
    let (year, month, day) = crate::calendar::civil_from_days(days);
    format!(
        "{day} {} {year}, {hour:02}:{minute:02} UTC",
        MONTHS[(month - 1) as usize]
    )
}

/// "24 Nov 2026" for Unix milliseconds.
pub fn utc_date(millis: i64) -> String {
    utc_time(millis)
        .split(',')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::{utc_date, utc_time};

    #[test]
    fn times_read_as_utc_dates() {
        assert_eq!(utc_time(0), "1 Jan 1970, 00:00 UTC");
        // 2026-11-24T22:40:00Z
        assert_eq!(utc_time(1_795_560_000_000), "24 Nov 2026, 22:40 UTC");
        // 2024-02-29T12:05:00Z, a leap day
        assert_eq!(utc_time(1_709_208_300_000), "29 Feb 2024, 12:05 UTC");
        assert_eq!(utc_date(1_709_208_300_000), "29 Feb 2024");
    }
}
