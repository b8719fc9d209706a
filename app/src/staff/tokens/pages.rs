//! `/admin/tokens`: every API token (never a secret), a form for a new one that shows its
//! secret once, and revoking one.

use super::api::{staff_api_tokens, ApiTokenForStaff, CreateApiToken, RevokeApiToken};
use super::Scope;
use crate::accounts::pages::utc_time;
use crate::forms::{form_errors, Field, FormMessage};
use crate::layout::Loading;
use crate::staff::StaffOnly;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffTokensPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| staff_api_tokens(),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(tokens) => view! {
                        <Title text="API tokens"/>
                        <section class="staff-page">
                            <h1>"API tokens"</h1>
                            <p>"Programs use a token to read and change the shop through "
                                <a href="/api/v1/docs">"the JSON API"</a>
                                ", sending it as " <code>"Authorization: Bearer bz_…"</code> "."</p>
                            <TokenList tokens revoke/>
                            <NewToken create/>
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn scopes_text(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|scope| scope.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn TokenList(tokens: Vec<ApiTokenForStaff>, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let errors = form_errors(revoke.value());
    let posted = use_query_map().read_untracked().get("done").as_deref() == Some("revoked");
    let notice = move || match revoke.value().get() {
        Some(Ok(revoked)) => Some(revoked.message),
        _ => posted.then(|| "The token is revoked.".to_owned()),
    };
    if tokens.is_empty() {
        return view! { <p>"There are no API tokens yet."</p> }.into_any();
    }
    view! {
        {move || notice().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
        <FormMessage errors/>
        <table class="staff-table api-tokens">
            <caption>"Every API token, newest first"</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"May"</th>
                    <th scope="col">"Starts with"</th>
                    <th scope="col">"Created (UTC)"</th>
                    <th scope="col">"Last used (UTC)"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {tokens.into_iter().map(|token| {
                    let name = token.name.clone();
                    let status = match token.revoked_at {
                        Some(at) => view! { {format!("Revoked {}", utc_time(at))} }.into_any(),
                        None => view! {
                            <ActionForm action=revoke attr:class="inline-form">
                                <input type="hidden" name="token_id" value=token.id/>
                                <button type="submit">"Revoke " <span class="visually-hidden">{name}</span></button>
                            </ActionForm>
                        }
                        .into_any(),
                    };
                    let created = match &token.created_by {
                        Some(by) => format!("{} by {by}", utc_time(token.created_at)),
                        None => utc_time(token.created_at),
                    };
                    view! {
                        <tr>
                            <th scope="row">{token.name.clone()}</th>
                            <td>{scopes_text(&token.scopes)}</td>
                            <td><code>{format!("{}…", token.prefix)}</code></td>
                            <td>{created}</td>
                            <td>{token.last_used_at.map(utc_time).unwrap_or_else(|| "Never".to_owned())}</td>
                            <td>{status}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn NewToken(create: ServerAction<CreateApiToken>) -> impl IntoView {
    let errors = form_errors(create.value());
    let scopes_error = move || errors.read().as_ref().and_then(|e| e.field("scopes"));
    let created = move || match create.value().get() {
        Some(Ok(created)) => Some(view! {
            <div class="notice new-token" role="status">
                <p>"The token " {created.name} " is created. Copy it now: it is shown only this once."</p>
                <p><code data-testid="new-api-token">{created.token}</code></p>
            </div>
        }),
        _ => None,
    };
    view! {
        <h2>"New token"</h2>
        {created}
        <FormMessage errors/>
        <ActionForm action=create attr:class="account-form">
            <Field errors id="new-token-name" name="name" label="Name" autocomplete="off" required=true
                hint="Who or what uses it, like “Warehouse sync”."/>
            <fieldset aria-describedby=move || scopes_error().is_some().then_some("new-token-scopes-error")>
                <legend>"What it may do"</legend>
                {Scope::ALL.into_iter().map(|scope| {
                    let field = scope.as_str().replace(':', "_");
                    let id = format!("new-token-{}", scope.as_str().replace(':', "-"));
                    view! {
                        <label for=id.clone() class="checkbox">
                            <input type="checkbox" id=id.clone() name=field value="yes"/>
                            {scope.label()} " (" <code>{scope.as_str()}</code> ")"
                        </label>
                    }
                }).collect_view()}
                {move || scopes_error().map(|m| view! { <p class="field-error" id="new-token-scopes-error">{m}</p> })}
            </fieldset>
            <button type="submit">"Create the token"</button>
        </ActionForm>
    }
}
