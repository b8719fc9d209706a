//! `/login` and `/register`.

use super::SignedOutOnly;
use crate::accounts::api::{Register, SignIn, SignInOutcome};
use crate::accounts::two_factor::api::CODE_PAGE;
use crate::forms::{form_errors, Field, FormMessage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Sends the shopper on to `path` once the action's value is a success.
pub(super) fn go_on_success<T: Send + Sync + 'static, E: Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, E>>> + Send + Sync + 'static,
    path: &'static str,
) {
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            navigate(path, Default::default());
        }
    });
}

/// What a page the shopper was sent to after an emailed link says about it.
fn arrival_note() -> Option<&'static str> {
    let query = use_query_map();
    let query = query.read_untracked();
    if query.get("reset").is_some() {
        Some("Your password has been changed. Sign in with your new password.")
    } else if query.get("confirmed").is_some() {
        Some("Your email address is confirmed. Sign in to continue.")
    } else {
        None
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let navigate = use_navigate();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(SignInOutcome::SignedIn(_))) => navigate("/account", Default::default()),
        Some(Ok(SignInOutcome::CodeNeeded)) => navigate(CODE_PAGE, Default::default()),
        _ => {}
    });
    let errors = form_errors(action.value());
    view! {
        <Title text="Sign in"/>
        <section class="account-page">
            <h1>"Sign in"</h1>
            {arrival_note().map(|note| view! { <p class="notice" role="status">{note}</p> })}
            <SignedOutOnly>
                <ActionForm action attr:class="account-form">
                    <FormMessage errors/>
                    <Field errors id="email" name="email" label="Email" kind="email" autocomplete="email" required=true/>
                    <Field errors id="password" name="password" label="Password" kind="password" autocomplete="current-password" required=true/>
                    <label class="checkbox">
                        <input type="checkbox" name="remember" value="on"/>
                        " Keep me signed in on this device"
                    </label>
                    <button type="submit">"Sign in"</button>
                </ActionForm>
                <p><a href="/account/forgot-password">"Forgot your password?"</a></p>
                <p>"New here? " <a href="/register">"Create an account"</a></p>
            </SignedOutOnly>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    go_on_success(action.value(), "/account");
    let errors = form_errors(action.value());
    view! {
        <Title text="Create an account"/>
        <section class="account-page">
            <h1>"Create an account"</h1>
            <SignedOutOnly>
                <ActionForm action attr:class="account-form">
                    <FormMessage errors/>
                    <Field errors id="email" name="email" label="Email" kind="email" autocomplete="email" required=true/>
                    <Field
                        errors
                        id="password"
                        name="password"
                        label="Password"
                        kind="password"
                        autocomplete="new-password"
                        required=true
                        hint="At least 10 characters, and not a common password."
                    />
                    <button type="submit">"Create account"</button>
                </ActionForm>
                <p>"Already have one? " <a href="/login">"Sign in"</a></p>
            </SignedOutOnly>
        </section>
    }
}
