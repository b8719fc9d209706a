//! `/admin/webhooks` (the endpoints, and a form for a new one) and
//! `/admin/webhooks/:id` (an endpoint's secret, switching it off or on, deleting it, and
//! its delivery log with a "Resend" button per delivery).

use super::api::{
    endpoint_path, staff_webhook_endpoint, staff_webhook_endpoints, CreateWebhookEndpoint,
    DeleteWebhookEndpoint, DeliveryForStaff, EndpointDetail, EndpointForStaff,
    ResendWebhookDelivery, SetWebhookEndpointActive,
};
use super::{DeliveryStatus, Event, STAFF_WEBHOOKS};
use crate::accounts::pages::utc_time;
use crate::forms::{form_errors, Field, FormMessage};
use crate::layout::{Loading, NotFound};
use crate::staff::StaffOnly;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn events_text(events: &[Event]) -> String {
    events
        .iter()
        .map(|event| event.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a `?done=` after a form posted without JavaScript says.
fn done_notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "created" => Some("The endpoint is added. Give its signing secret to the receiver."),
        "enabled" => Some("The endpoint is switched on."),
        "disabled" => Some("The endpoint is switched off."),
        "deleted" => Some("The endpoint is deleted."),
        "resent" => Some("The event is sent again, as a new delivery."),
        _ => None,
    }
}

#[component]
pub fn StaffWebhooksPage() -> impl IntoView {
    let create = ServerAction::<CreateWebhookEndpoint>::new();
    let endpoints = Resource::new(
        move || create.version().get(),
        |_| staff_webhook_endpoints(),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match endpoints.await {
                    Ok(endpoints) => view! {
                        <Title text="Webhooks"/>
                        <section class="staff-page">
                            <h1>"Webhooks"</h1>
                            <p>"The shop sends each event to every endpoint that asks for it, as a signed "
                                <code>"POST"</code> ", and retries for a day until the receiver accepts it."</p>
                            <EndpointList endpoints/>
                            <NewEndpoint create/>
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EndpointList(endpoints: Vec<EndpointForStaff>) -> impl IntoView {
    let done = use_query_map().read_untracked().get("done");
    let notice = done_notice(done.as_deref());
    if endpoints.is_empty() {
        return view! {
            {notice.map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <p>"There are no webhook endpoints yet."</p>
        }
        .into_any();
    }
    view! {
        {notice.map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
        <table class="staff-table webhook-endpoints">
            <caption>"Every webhook endpoint, newest first"</caption>
            <thead>
                <tr>
                    <th scope="col">"URL"</th>
                    <th scope="col">"Events"</th>
                    <th scope="col">"Created (UTC)"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {endpoints.into_iter().map(|endpoint| {
                    let created = match &endpoint.created_by {
                        Some(by) => format!("{} by {by}", utc_time(endpoint.created_at)),
                        None => utc_time(endpoint.created_at),
                    };
                    view! {
                        <tr>
                            <th scope="row"><a href=endpoint_path(endpoint.id)>{endpoint.url.clone()}</a></th>
                            <td>{events_text(&endpoint.events)}</td>
                            <td>{created}</td>
                            <td>{if endpoint.active { "On" } else { "Off" }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn NewEndpoint(create: ServerAction<CreateWebhookEndpoint>) -> impl IntoView {
    let errors = form_errors(create.value());
    let events_error = move || errors.read().as_ref().and_then(|e| e.field("events"));
    let created = move || match create.value().get() {
        Some(Ok(created)) => Some(view! {
            <p class="notice" role="status">
                {created.message} " " <a href=endpoint_path(created.id)>"Open the endpoint"</a>
            </p>
        }),
        _ => None,
    };
    view! {
        <h2>"New endpoint"</h2>
        {created}
        <FormMessage errors/>
        <ActionForm action=create attr:class="account-form">
            <Field errors id="new-webhook-url" name="url" label="URL" kind="url" autocomplete="off" required=true
                hint="Where to send events, like https://example.com/bazaar-events."/>
            <fieldset aria-describedby=move || events_error().is_some().then_some("new-webhook-events-error")>
                <legend>"Events to send"</legend>
                {Event::ALL.into_iter().map(|event| {
                    let id = format!("new-webhook-{}", event.as_str().replace('.', "-"));
                    view! {
                        <label for=id.clone() class="checkbox">
                            <input type="checkbox" id=id.clone() name=event.field() value="yes"/>
                            {event.label()} " (" <code>{event.as_str()}</code> ")"
                        </label>
                    }
                }).collect_view()}
                {move || events_error().map(|m| view! { <p class="field-error" id="new-webhook-events-error">{m}</p> })}
            </fieldset>
            <button type="submit">"Add the endpoint"</button>
        </ActionForm>
    }
}

#[component]
pub fn StaffWebhookPage() -> impl IntoView {
    let params = use_params_map();
    let switch = ServerAction::<SetWebhookEndpointActive>::new();
    let delete = ServerAction::<DeleteWebhookEndpoint>::new();
    let resend = ServerAction::<ResendWebhookDelivery>::new();
    let detail = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                switch.version().get(),
                resend.version().get(),
            )
        },
        |(id, _, _)| async move {
            match id.parse::<i64>() {
                Ok(id) => staff_webhook_endpoint(id).await,
                Err(_) => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(Some(detail)) => view! { <Endpoint detail switch delete resend/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Endpoint(
    detail: EndpointDetail,
    switch: ServerAction<SetWebhookEndpointActive>,
    delete: ServerAction<DeleteWebhookEndpoint>,
    resend: ServerAction<ResendWebhookDelivery>,
) -> impl IntoView {
    let EndpointDetail {
        endpoint,
        secret,
        deliveries,
    } = detail;
    let done = use_query_map().read_untracked().get("done");
    let posted = done_notice(done.as_deref());
    let notice = move || {
        let answered = [switch.value().get(), resend.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::ok)
            .map(|changed| changed.message);
        answered.or_else(|| posted.map(str::to_owned))
    };
    let switch_errors = form_errors(switch.value());
    let delete_errors = form_errors(delete.value());
    let deleted = move || {
        delete.value().get().and_then(Result::ok).map(|changed| {
            view! {
                <p class="notice" role="status">{changed.message} " "
                    <a href=STAFF_WEBHOOKS>"Back to the endpoints"</a></p>
            }
        })
    };
    let (switch_to, switch_label) = if endpoint.active {
        (false, "Switch off")
    } else {
        (true, "Switch on")
    };
    let id = endpoint.id;
    view! {
        <Title text=format!("Webhook {}", endpoint.url)/>
        <section class="staff-page">
            <p><a href=STAFF_WEBHOOKS>"All webhook endpoints"</a></p>
            <h1>"Webhook endpoint"</h1>
            {move || notice().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            {deleted}
            <dl class="staff-facts">
                <dt>"URL"</dt>
                <dd><code data-testid="webhook-url">{endpoint.url.clone()}</code></dd>
                <dt>"Events"</dt>
                <dd>{events_text(&endpoint.events)}</dd>
                <dt>"Status"</dt>
                <dd>{if endpoint.active { "On: events are sent" } else { "Off: no events are sent" }}</dd>
                <dt>"Signing secret"</dt>
                <dd><code data-testid="webhook-secret">{secret}</code>
                    <p class="hint">"The receiver checks each delivery's "
                        <code>"Bazaar-Signature"</code> " with it."</p></dd>
            </dl>
            <FormMessage errors=switch_errors/>
            <ActionForm action=switch attr:class="inline-form">
                <input type="hidden" name="endpoint_id" value=id/>
                <input type="hidden" name="active" value=switch_to.to_string()/>
                <button type="submit">{switch_label}</button>
            </ActionForm>
            <FormMessage errors=delete_errors/>
            <ActionForm action=delete attr:class="inline-form">
                <input type="hidden" name="endpoint_id" value=id/>
                <button type="submit">"Delete the endpoint and its log"</button>
            </ActionForm>
            <h2>"Deliveries"</h2>
            <DeliveryLog endpoint_id=id active=endpoint.active deliveries resend/>
        </section>
    }
}

fn codes_text(delivery: &DeliveryForStaff) -> String {
    if delivery.attempt_log.is_empty() {
        return "None yet".to_owned();
    }
    delivery
        .attempt_log
        .iter()
        .map(|attempt| match attempt.status_code {
            Some(code) => code.to_string(),
            None => "no answer".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn DeliveryLog(
    endpoint_id: i64,
    active: bool,
    deliveries: Vec<DeliveryForStaff>,
    resend: ServerAction<ResendWebhookDelivery>,
) -> impl IntoView {
    let errors = form_errors(resend.value());
    if deliveries.is_empty() {
        return view! { <p>"No events have been sent to this endpoint yet."</p> }.into_any();
    }
    view! {
        <FormMessage errors/>
        <table class="staff-table webhook-deliveries">
            <caption>"The newest deliveries first, with the answer to each attempt"</caption>
            <thead>
                <tr>
                    <th scope="col">"Event"</th>
                    <th scope="col">"Sent (UTC)"</th>
                    <th scope="col">"Attempts"</th>
                    <th scope="col">"Response codes"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Resend"</th>
                </tr>
            </thead>
            <tbody>
                {deliveries.into_iter().map(|delivery| {
                    let status = match (&delivery.status, &delivery.last_error) {
                        (DeliveryStatus::Delivered, _) | (_, None) => delivery.status.label().to_owned(),
                        (status, Some(error)) => format!("{}: {error}", status.label()),
                    };
                    let sent = delivery.last_attempt_at.unwrap_or(delivery.created_at);
                    let resend_form = active.then(|| view! {
                        <ActionForm action=resend attr:class="inline-form">
                            <input type="hidden" name="endpoint_id" value=endpoint_id/>
                            <input type="hidden" name="delivery_id" value=delivery.id/>
                            <button type="submit">"Resend "
                                <span class="visually-hidden">{format!("delivery {}", delivery.id)}</span></button>
                        </ActionForm>
                    });
                    view! {
                        <tr data-testid=format!("delivery-{}", delivery.id)>
                            <th scope="row"><code>{delivery.event_type.clone()}</code>
                                <br/><small>{delivery.event_id.clone()}</small></th>
                            <td>{utc_time(sent)}</td>
                            <td>{delivery.attempts}</td>
                            <td>{codes_text(&delivery)}</td>
                            <td>{status}</td>
                            <td>{resend_form}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
