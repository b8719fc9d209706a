//! The pages emailed links lead to, and the form that sends a reset link:
//! `/account/verify-email`, `/account/forgot-password`, `/account/reset-password`.
//! A link's page checks the link and asks before it acts.

use super::sign_in::go_on_success;
use super::FORGOT_PASSWORD_PATH;
use crate::accounts::email_links::{
    check_link, ConfirmEmail, LinkKind, LinkState, RequestPasswordReset, ResetPassword, LINK_SPENT,
};
use crate::forms::{form_errors, form_succeeded, Field, FormMessage};
use crate::layout::{Loading, ServerError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The `token` parameter of the page's URL.
fn token_from_url() -> String {
    use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default()
}

/// Renders `valid` with the address a working link is for, or says the link is spent.
#[component]
fn WithLink<F, V>(kind: LinkKind, token: String, valid: F) -> impl IntoView
where
    F: Fn(String) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let link = Resource::new(move || token.clone(), move |token| check_link(kind, token));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new({
                let valid = valid.clone();
                async move {
                    match link.await {
                        Ok(LinkState::Valid { email }) => valid(email).into_any(),
                        Ok(LinkState::Spent) => view! { <SpentLink kind/> }.into_any(),
                        Err(error) => view! { <ServerError error/> }.into_any(),
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SpentLink(kind: LinkKind) -> impl IntoView {
    crate::layout::set_status(410);
    let (href, label) = match kind {
        LinkKind::ConfirmEmail => ("/account", "Send a new confirmation link from your account"),
        LinkKind::ResetPassword => (FORGOT_PASSWORD_PATH, "Ask for a new reset link"),
    };
    view! {
        <p class="form-error" role="alert">{LINK_SPENT}</p>
        <p><a href=href>{label}</a></p>
    }
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let errors = form_errors(action.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(confirmed)) = action.value().get() {
            let next = if confirmed.signed_in {
                "/account?confirmed=1"
            } else {
                "/login?confirmed=1"
            };
            navigate(next, Default::default());
        }
    });
    let token = token_from_url();
    let form_token = token.clone();
    view! {
        <Title text="Confirm your email address"/>
        <section class="account-page">
            <h1>"Confirm your email address"</h1>
            <WithLink kind=LinkKind::ConfirmEmail token valid=move |email| {
                let form_token = form_token.clone();
                view! {
                    <p>"Confirm that " <strong>{email}</strong> " is your email address."</p>
                    <ActionForm action attr:class="account-form">
                        <FormMessage errors/>
                        <input type="hidden" name="token" value=form_token/>
                        <button type="submit">"Confirm my email address"</button>
                    </ActionForm>
                }
            }/>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let errors = form_errors(action.value());
    let succeeded = form_succeeded(action.value());
    // Without JavaScript the server sends the browser back here with `sent=1`.
    let sent_before = use_query_map().read_untracked().get("sent").is_some();
    let sent = move || sent_before || succeeded.get();
    view! {
        <Title text="Forgot your password?"/>
        <section class="account-page">
            <h1>"Forgot your password?"</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p>"Enter the email address of your account and we will send you a link to choose a new password."</p>
                    <ActionForm action attr:class="account-form">
                        <FormMessage errors/>
                        <Field errors id="email" name="email" label="Email" kind="email" autocomplete="email" required=true/>
                        <button type="submit">"Send me a reset link"</button>
                    </ActionForm>
                }
            >
                <p class="notice" role="status">
                    "If there is an account with that address, we have sent it a link to choose a new password. The link works for one hour."
                </p>
            </Show>
            <p><a href="/login">"Back to sign in"</a></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    go_on_success(action.value(), "/login?reset=1");
    let errors = form_errors(action.value());
    let token = token_from_url();
    let form_token = token.clone();
    view! {
        <Title text="Choose a new password"/>
        <section class="account-page">
            <h1>"Choose a new password"</h1>
            <WithLink kind=LinkKind::ResetPassword token valid=move |email| {
                let form_token = form_token.clone();
                view! {
                    <ActionForm action attr:class="account-form">
                        <FormMessage errors/>
                        <p>"For " <strong>{email.clone()}</strong></p>
                        // Lets password managers file the new password under the account.
                        <input type="hidden" name="username" autocomplete="username" value=email/>
                        <input type="hidden" name="token" value=form_token/>
                        <Field
                            errors
                            id="password"
                            name="password"
                            label="New password"
                            kind="password"
                            autocomplete="new-password"
                            required=true
                            hint="At least 10 characters, and not a common password."
                        />
                        <button type="submit">"Set my new password"</button>
                    </ActionForm>
                }
            }/>
        </section>
    }
}
