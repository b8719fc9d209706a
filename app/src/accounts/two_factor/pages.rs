//! `/account/two-factor`, where staff set up and switch off two-factor sign-in, and
//! `/login/two-factor`, where a sign-in asks for the code. Every form is an `ActionForm`
//! and works without JavaScript: the pages read what happened back from the server.

use super::api::{
    second_factor_step, two_factor_status, BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor,
    Enrolment, SignInProgress, SignInWithCode, TwoFactorState,
};
use crate::accounts::api::current_account;
use crate::accounts::pages::{AccountNav, SignedInOnly};
use crate::forms::{form_errors, Field, FormMessage};
use crate::layout::{GoTo, Loading, ServerError};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// The staff member's status, or `None` for anyone else (who gets a sentence, not a
/// 403 page). Created once for the page, outside the parts that re-render as the
/// account loads: reading the status shows fresh recovery codes, once.
async fn staff_status() -> Result<Option<TwoFactorState>, AppError> {
    match current_account().await? {
        Some(account) if account.staff => two_factor_status().await.map(Some),
        _ => Ok(None),
    }
}

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let begin = ServerAction::<BeginTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let status = Resource::new(
        move || {
            (
                begin.version().get(),
                confirm.version().get(),
                disable.version().get(),
            )
        },
        |_| staff_status(),
    );
    view! {
        <Title text="Two-factor sign-in"/>
        <section class="account-page">
            <h1>"Two-factor sign-in"</h1>
            <AccountNav current="/account/two-factor"/>
            <SignedInOnly children=move |account| {
                if account.staff {
                    view! { <StaffTwoFactor status begin confirm disable/> }.into_any()
                } else {
                    view! {
                        <p>"Two-factor sign-in is for staff accounts. Your account signs in with its password."</p>
                    }
                        .into_any()
                }
            }/>
        </section>
    }
}

#[component]
fn StaffTwoFactor(
    status: Resource<Result<Option<TwoFactorState>, AppError>>,
    begin: ServerAction<BeginTwoFactor>,
    confirm: ServerAction<ConfirmTwoFactor>,
    disable: ServerAction<DisableTwoFactor>,
) -> impl IntoView {
    let begin_errors = form_errors(begin.value());
    view! {
        <FormMessage errors=begin_errors/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(Some(status)) => view! { <StatusView status begin confirm disable/> }.into_any(),
                    // The account changed under the page (signed out elsewhere).
                    Ok(None) => view! { <GoTo path="/login"/> }.into_any(),
                    Err(error) => view! { <ServerError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatusView(
    status: TwoFactorState,
    begin: ServerAction<BeginTwoFactor>,
    confirm: ServerAction<ConfirmTwoFactor>,
    disable: ServerAction<DisableTwoFactor>,
) -> impl IntoView {
    let fresh = (!status.fresh_recovery_codes.is_empty())
        .then(|| view! { <RecoveryCodes codes=status.fresh_recovery_codes/> });
    let state = if status.enabled {
        let left = status.recovery_codes_left;
        view! {
            <p data-testid="two-factor-state">"Two-factor sign-in is on."</p>
            <p>
                {format!(
                    "You have {left} unused recovery code{}.",
                    if left == 1 { "" } else { "s" },
                )}
            </p>
            <DisableForm disable/>
        }
        .into_any()
    } else if let Some(enrolment) = status.pending {
        view! {
            <p data-testid="two-factor-state">"Two-factor sign-in is being set up."</p>
            <ConfirmForm enrolment confirm/>
            <ActionForm action=begin>
                <button type="submit">"Start again with a new code"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p data-testid="two-factor-state">"Two-factor sign-in is off."</p>
            <p>
                "With two-factor sign-in, signing in to your staff account asks for a code from an "
                "authenticator app on your phone as well as your password."
            </p>
            <ActionForm action=begin>
                <button type="submit">"Set up two-factor sign-in"</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        {fresh}
        {state}
    }
}

/// "ABCD EFGH …": the secret in groups of four, easier to copy by hand.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
fn ConfirmForm(enrolment: Enrolment, confirm: ServerAction<ConfirmTwoFactor>) -> impl IntoView {
    let errors = form_errors(confirm.value());
    view! {
        <h2>"1. Scan the code"</h2>
        <p>"Scan this QR code with an authenticator app (such as a password manager or an app for one-time codes)."</p>
        <div class="qr-code" inner_html=enrolment.qr_svg></div>
        <p>
            "Cannot scan it? Enter this key in the app instead: "
            <code data-testid="two-factor-secret">{grouped(&enrolment.secret)}</code>
        </p>
        <h2>"2. Enter a code from the app"</h2>
        <ActionForm action=confirm attr:class="account-form">
            <FormMessage errors/>
            <Field
                errors
                id="confirm-code"
                name="code"
                label="Six-digit code"
                autocomplete="one-time-code"
                required=true
            />
            <button type="submit">"Turn on two-factor sign-in"</button>
        </ActionForm>
    }
}

#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="notice" role="status">
            <h2>"Your recovery codes"</h2>
            <p>
                "Two-factor sign-in is on. Store these recovery codes somewhere safe, such as a "
                "password manager: each signs you in once if you lose your phone. "
                <strong>"They are shown only this once."</strong>
            </p>
            <ol class="recovery-codes" data-testid="recovery-codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
        </div>
    }
}

#[component]
fn DisableForm(disable: ServerAction<DisableTwoFactor>) -> impl IntoView {
    let errors = form_errors(disable.value());
    view! {
        <h2>"Turn off two-factor sign-in"</h2>
        <ActionForm action=disable attr:class="account-form">
            <FormMessage errors/>
            <Field
                errors
                id="disable-password"
                name="password"
                label="Your password"
                kind="password"
                autocomplete="current-password"
                required=true
            />
            <button type="submit">"Turn off two-factor sign-in"</button>
        </ActionForm>
    }
}

/// `/login/two-factor`: the second step of signing in to a staff account with
/// two-factor sign-in on.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let action = ServerAction::<SignInWithCode>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            navigate("/account", Default::default());
        }
    });
    let errors = form_errors(action.value());
    let step = Resource::new(|| (), |_| second_factor_step());
    view! {
        <Title text="Enter your code"/>
        <section class="account-page">
            <h1>"Enter your code"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match step.await {
                        Ok(SignInProgress::SignedIn) => view! { <GoTo path="/account"/> }.into_any(),
                        Ok(SignInProgress::AwaitingCode) => view! {
                            <ActionForm action attr:class="account-form">
                                <FormMessage errors/>
                                <Field
                                    errors
                                    id="code"
                                    name="code"
                                    label="Code"
                                    autocomplete="one-time-code"
                                    required=true
                                    hint="The six digits your authenticator app shows, or one of your recovery codes."
                                />
                                <button type="submit">"Sign in"</button>
                            </ActionForm>
                            <p><a href="/login">"Start again with another account"</a></p>
                        }
                            .into_any(),
                        Ok(SignInProgress::NotStarted) => view! {
                            <p>"Your sign-in timed out, or has not started. Enter your email and password first."</p>
                            <p><a href="/login">"Sign in"</a></p>
                        }
                            .into_any(),
                        Err(error) => view! { <ServerError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_secret_is_shown_in_groups_of_four() {
        assert_eq!(super::grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(super::grouped(""), "");
    }
}
