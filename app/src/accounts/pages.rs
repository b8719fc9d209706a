//! `/login`, `/register` and `/account`. The forms are `ActionForm`s: with
//! JavaScript they call the server function in place; without it the browser posts
//! the form, the server sends it back to the page, and the page reads the answer
//! (an error travels in the URL's `__err`) and shows it next to the fields.

use super::api::{current_account, Account, FormError, FormErrors, Register, SignIn, SignOut};
use crate::layout::{GoTo, Loading, ServerError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

type Outcome = Option<Result<Account, FormError>>;

/// The errors of the last attempt: from the action once hydrated, or from the URL
/// the server sent a form-posting browser back to.
fn form_errors(
    value: impl Get<Value = Outcome> + Send + Sync + 'static,
) -> Memo<Option<FormErrors>> {
    let query = use_query_map();
    Memo::new(move |_| match value.get() {
        Some(Err(error)) => Some(error.errors()),
        Some(Ok(_)) => None,
        None => query
            .read()
            .get("__err")
            .and_then(|err| serde_json::from_str::<FormError>(&err).ok())
            .map(|error| error.errors()),
    })
}

/// Sends a signed-in shopper on to their account once the action succeeds.
fn on_success(value: impl Get<Value = Outcome> + Send + Sync + 'static) {
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            navigate("/account", Default::default());
        }
    });
}

#[component]
fn FieldError(id: &'static str, message: Option<String>) -> impl IntoView {
    message.map(|m| view! { <p class="field-error" id=id>{m}</p> })
}

/// The fields of both forms; `new_password` picks the autocomplete hint and the hint.
#[component]
fn CredentialsFields(
    errors: Memo<Option<FormErrors>>,
    submit: &'static str,
    new_password: bool,
) -> impl IntoView {
    let field = move |pick: fn(&FormErrors) -> Option<String>| {
        move || errors.read().as_ref().and_then(pick)
    };
    let email_error = field(|e| e.email.clone());
    let password_error = field(|e| e.password.clone());
    let form_error = field(|e| e.form.clone());
    let typed_email = move || {
        errors
            .read()
            .as_ref()
            .map(|e| e.typed_email.clone())
            .unwrap_or_default()
    };
    view! {
        {move || form_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        <label for="email">"Email"</label>
        <input
            id="email"
            name="email"
            type="email"
            autocomplete="email"
            required
            value=typed_email
            aria-invalid=move || email_error().is_some().then_some("true")
            aria-describedby=move || email_error().map(|_| "email-error")
        />
        {move || view! { <FieldError id="email-error" message=email_error()/> }}
        <label for="password">"Password"</label>
        <input
            id="password"
            name="password"
            type="password"
            autocomplete=if new_password { "new-password" } else { "current-password" }
            required
            aria-invalid=move || password_error().is_some().then_some("true")
            aria-describedby=move || password_error().map(|_| "password-error")
        />
        {new_password.then(|| view! { <p class="hint">"At least 10 characters, and not a common password."</p> })}
        {move || view! { <FieldError id="password-error" message=password_error()/> }}
        {(!new_password).then(|| view! {
            <label class="checkbox">
                <input type="checkbox" name="remember" value="on"/>
                " Keep me signed in on this device"
            </label>
        })}
        <button type="submit">{submit}</button>
    }
}

/// Shows `signed_out` to anonymous shoppers; sends signed-in ones to their account.
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

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    on_success(action.value());
    let errors = form_errors(action.value());
    view! {
        <Title text="Sign in"/>
        <section class="account-page">
            <h1>"Sign in"</h1>
            <SignedOutOnly>
                <ActionForm action attr:class="account-form">
                    <CredentialsFields errors submit="Sign in" new_password=false/>
                </ActionForm>
                <p>"New here? " <a href="/register">"Create an account"</a></p>
            </SignedOutOnly>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    on_success(action.value());
    let errors = form_errors(action.value());
    view! {
        <Title text="Create an account"/>
        <section class="account-page">
            <h1>"Create an account"</h1>
            <SignedOutOnly>
                <ActionForm action attr:class="account-form">
                    <CredentialsFields errors submit="Create account" new_password=true/>
                </ActionForm>
                <p>"Already have one? " <a href="/login">"Sign in"</a></p>
            </SignedOutOnly>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let account = Resource::new(move || sign_out.version().get(), |_| current_account());
    view! {
        <Title text="Your account"/>
        <section class="account-page">
            <h1>"Your account"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match account.await {
                        Ok(Some(account)) => view! {
                            <p>"Signed in as " <strong>{account.email}</strong></p>
                            <ActionForm action=sign_out>
                                <button type="submit">"Sign out"</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(None) => view! { <GoTo path="/login"/> }.into_any(),
                        Err(error) => view! { <ServerError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
