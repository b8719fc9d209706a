//! `/admin/audit`: the staff audit log, newest first. The filter is a plain GET form, so
//! a filtered view is a link staff can share and works without JavaScript.

use super::api::{staff_audit_log, AuditLog, StaffActionView};
use crate::accounts::pages::utc_time;
use crate::layout::Loading;
use crate::search::params::encode;
use crate::staff::{StaffNav, StaffOnly};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffAuditPage() -> impl IntoView {
    let query = use_query_map();
    let log = Resource::new(
        move || {
            let query = query.read();
            let field = |name: &str| query.get(name).unwrap_or_default();
            (
                field("action"),
                field("actor"),
                field("subject"),
                field("page").parse::<i64>().unwrap_or(1),
            )
        },
        |(action, actor, subject, page)| staff_audit_log(action, actor, subject, page),
    );
    view! {
        <Title text="Audit log"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => view! { <AuditLogView log/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditLogView(log: AuditLog) -> impl IntoView {
    let query = use_query_map().get_untracked();
    let field = move |name: &str| query.get(name).unwrap_or_default();
    let (action, actor, subject) = (field("action"), field("actor"), field("subject"));
    let page = log.page.page;
    let link_to_page = {
        let (action, actor, subject) = (action.clone(), actor.clone(), subject.clone());
        move |page: i64| {
            let pairs = [
                ("action", &action),
                ("actor", &actor),
                ("subject", &subject),
            ];
            let mut url = format!("/admin/audit?page={page}");
            for (name, value) in pairs.into_iter().filter(|(_, v)| !v.is_empty()) {
                url.push_str(&format!("&{name}={}", encode(value)));
            }
            url
        }
    };
    let entries = if log.page.entries.is_empty() {
        view! { <p>"No staff action matches."</p> }.into_any()
    } else {
        view! {
            <table class="staff-table">
                <caption>"Newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Subject"</th>
                        <th scope="col">"Before"</th>
                        <th scope="col">"After"</th>
                    </tr>
                </thead>
                <tbody>
                    {log.page.entries.into_iter().map(|entry| view! { <AuditRow entry/> }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    let selected = action.clone();
    view! {
        <section class="staff-page">
            <StaffNav/>
            <h1>"Audit log"</h1>
            <form method="get" action="/admin/audit" class="staff-filter">
                <label>
                    "Action"
                    <select name="action">
                        <option value="" selected=selected.is_empty()>"Every action"</option>
                        {log.actions.into_iter().map(|name| {
                            let is_selected = name == selected;
                            view! { <option value=name.clone() selected=is_selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>"Who (email)" <input type="search" name="actor" value=actor/></label>
                <label>"Subject" <input type="search" name="subject" value=subject/></label>
                <button type="submit">"Filter"</button>
            </form>
            {entries}
            <nav class="pager" aria-label="Audit log pages">
                {(page > 1).then(|| view! { <a href=link_to_page(page - 1)>"Newer"</a> })}
                {log.page.more.then(|| view! { <a href=link_to_page(page + 1)>"Older"</a> })}
            </nav>
        </section>
    }
}

#[component]
fn AuditRow(entry: StaffActionView) -> impl IntoView {
    let json = |value: Option<String>| match value {
        Some(text) => view! { <code class="audit-json">{text}</code> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    };
    view! {
        <tr>
            <td>{utc_time(entry.at)}</td>
            <td>{entry.actor}</td>
            <td>{entry.action}</td>
            <td>{entry.subject}</td>
            <td>{json(entry.before)}</td>
            <td>{json(entry.after)}</td>
        </tr>
    }
}
