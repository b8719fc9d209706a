//! `/account/security`: change the password, change the email address, and see and
//! sign out the devices signed in to the account.

use super::{AccountNav, SignedInOnly};
use crate::accounts::security::{
    list_sessions, ChangeEmail, ChangePassword, DeviceSession, EndOtherSessions, EndSession,
};
use crate::forms::{form_errors, Field, FormMessage};
use crate::layout::{Loading, ServerError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SecurityPage() -> impl IntoView {
    view! {
        <Title text="Password and security"/>
        <section class="account-page">
            <h1>"Password and security"</h1>
            <AccountNav current="/account/security"/>
            <SignedInOnly children=move |account| view! {
                <ChangePasswordForm/>
                <ChangeEmailForm current=account.email.clone()/>
                <Devices/>
                {account.staff.then(|| view! {
                    <h2>"Two-factor sign-in"</h2>
                    <p><a href="/account/two-factor">"Set up two-factor sign-in for your staff account"</a></p>
                })}
            }/>
        </section>
    }
}

/// What the query says happened on a form posted without JavaScript (`?password=changed`).
fn posted(key: &str) -> bool {
    use_query_map().read_untracked().get(key).is_some()
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let errors = form_errors(action.value());
    let changed_before = posted("password");
    let changed = move || changed_before || matches!(action.value().get(), Some(Ok(())));
    view! {
        <h2>"Change your password"</h2>
        <Show when=changed>
            <p class="notice" role="status">"Your password has been changed. Other devices were signed out."</p>
        </Show>
        <ActionForm action attr:class="account-form">
            <FormMessage errors/>
            <Field errors id="current-password" name="current_password" label="Current password" kind="password" autocomplete="current-password" required=true/>
            <Field
                errors
                id="new-password"
                name="new_password"
                label="New password"
                kind="password"
                autocomplete="new-password"
                required=true
                hint="At least 10 characters, and not a common password."
            />
            <button type="submit">"Change password"</button>
        </ActionForm>
    }
}

#[component]
fn ChangeEmailForm(current: String) -> impl IntoView {
    let action = ServerAction::<ChangeEmail>::new();
    let errors = form_errors(action.value());
    let sent_before = posted("email");
    let sent_to = move || {
        match action.value().get() {
        Some(Ok(address)) => Some(format!("We have sent a link to {address}. Your email address changes when you open it.")),
        _ => sent_before.then(|| "We have sent a link to your new address. Your email address changes when you open it.".to_owned()),
    }
    };
    view! {
        <h2>"Change your email address"</h2>
        <p>"Your email address is " <strong>{current}</strong>"."</p>
        {move || sent_to().map(|note| view! { <p class="notice" role="status">{note}</p> })}
        <ActionForm action attr:class="account-form">
            <FormMessage errors/>
            <Field errors id="new-email" name="new_email" label="New email address" kind="email" autocomplete="email" required=true/>
            <Field errors id="email-password" name="password" label="Your password" kind="password" autocomplete="current-password" required=true/>
            <button type="submit">"Send a confirmation link"</button>
        </ActionForm>
    }
}

#[component]
fn Devices() -> impl IntoView {
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(
        move || (end_one.version().get(), end_others.version().get()),
        |_| list_sessions(),
    );
    view! {
        <h2>"Where you are signed in"</h2>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(devices) => {
                        let others = devices.iter().filter(|d| !d.current).count();
                        view! {
                            <ul class="devices">
                                {devices.into_iter().map(|device| view! { <DeviceItem device end_one/> }).collect_view()}
                            </ul>
                            {(others > 0).then(|| view! {
                                <ActionForm action=end_others>
                                    <button type="submit">"Sign out everywhere else"</button>
                                </ActionForm>
                            })}
                        }.into_any()
                    }
                    Err(error) => view! { <ServerError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DeviceItem(device: DeviceSession, end_one: ServerAction<EndSession>) -> impl IntoView {
    let label = format!("Sign out {}", device.device);
    view! {
        <li>
            <strong>{device.device.clone()}</strong>
            {device.current.then_some(" (this device)")}
            <br/>
            {format!("Signed in {} from {}", super::utc_time(device.signed_in_at), device.ip)}
            {(!device.current).then(|| view! {
                <ActionForm action=end_one attr:class="inline-form">
                    <input type="hidden" name="handle" value=device.handle.clone()/>
                    <button type="submit" aria-label=label.clone()>"Sign out"</button>
                </ActionForm>
            })}
        </li>
    }
}
