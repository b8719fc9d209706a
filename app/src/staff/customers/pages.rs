//! `/admin/customers` (a GET search by email, 50 a page) and `/admin/customers/{id}`
//! (one account, its orders and addresses, and disabling or enabling it). The forms are
//! `ActionForm`s, so they work without JavaScript.

use super::api::{
    staff_customer, staff_customers, CustomerList, CustomerView, DisableCustomer, EnableCustomer,
};
use super::{customer_path, STAFF_CUSTOMERS};
use crate::accounts::pages::utc_time;
use crate::forms::{form_errors, FormMessage};
use crate::layout::{Loading, NotFound};
use crate::search::params::encode;
use crate::staff::orders::staff_order_path;
use crate::staff::{StaffNav, StaffOnly};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn StaffCustomersPage() -> impl IntoView {
    let query = use_query_map();
    let list = Resource::new(
        move || {
            let query = query.read();
            (
                query.get("q").unwrap_or_default(),
                query
                    .get("page")
                    .and_then(|p| p.parse::<i64>().ok())
                    .unwrap_or(1),
            )
        },
        |(q, page)| staff_customers(q, page),
    );
    view! {
        <Title text="Customers"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <Customers list/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn yes_no(yes: bool) -> &'static str {
    if yes {
        "Yes"
    } else {
        "No"
    }
}

#[component]
fn Customers(list: CustomerList) -> impl IntoView {
    let typed = use_query_map().get_untracked().get("q").unwrap_or_default();
    let page = list.page;
    let link_to_page = {
        let typed = typed.clone();
        move |page: i64| {
            let mut url = format!("{STAFF_CUSTOMERS}?page={page}");
            if !typed.is_empty() {
                url.push_str(&format!("&q={}", encode(&typed)));
            }
            url
        }
    };
    let table = if list.customers.is_empty() {
        view! { <p>"No account matches."</p> }.into_any()
    } else {
        view! {
            <table class="staff-table">
                <caption>"Newest accounts first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Registered"</th>
                        <th scope="col">"Verified"</th>
                        <th scope="col" class="money">"Orders"</th>
                        <th scope="col">"Disabled"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.customers.into_iter().map(|customer| {
                        let email = if customer.staff {
                            format!("{} (staff)", customer.email)
                        } else {
                            customer.email.clone()
                        };
                        view! {
                            <tr>
                                <th scope="row"><a href=customer_path(customer.id)>{email}</a></th>
                                <td>{utc_time(customer.registered_at)}</td>
                                <td>{yes_no(customer.verified)}</td>
                                <td class="money">{customer.orders}</td>
                                <td>{yes_no(customer.disabled)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="staff-page">
            <StaffNav/>
            <h1>"Customers"</h1>
            <form method="get" action=STAFF_CUSTOMERS class="staff-filter">
                <label>"Email contains" <input type="search" name="q" value=typed/></label>
                <button type="submit">"Search"</button>
            </form>
            {table}
            <nav class="pager" aria-label="Customer pages">
                {(page > 1).then(|| view! { <a href=link_to_page(page - 1)>"Newer"</a> })}
                {list.more.then(|| view! { <a href=link_to_page(page + 1)>"Older"</a> })}
            </nav>
        </section>
    }
}

#[component]
pub fn StaffCustomerPage() -> impl IntoView {
    let params = use_params_map();
    let disable = ServerAction::<DisableCustomer>::new();
    let enable = ServerAction::<EnableCustomer>::new();
    let customer = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok())
                    .unwrap_or(0),
                disable.version().get(),
                enable.version().get(),
            )
        },
        |(id, _, _)| staff_customer(id),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match customer.await {
                    Ok(Some(customer)) => view! { <OneCustomer customer disable enable/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OneCustomer(
    customer: CustomerView,
    disable: ServerAction<DisableCustomer>,
    enable: ServerAction<EnableCustomer>,
) -> impl IntoView {
    let summary = customer.summary;
    let status = match customer.disabled_at {
        Some(at) => format!("Disabled since {}", utc_time(at)),
        None => "Active".to_owned(),
    };
    let orders = if customer.orders.is_empty() {
        view! { <p>"No orders yet."</p> }.into_any()
    } else {
        view! {
            <table class="staff-table">
                <caption>"Newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Order"</th>
                        <th scope="col">"Placed"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="money">"Total"</th>
                    </tr>
                </thead>
                <tbody>
                    {customer.orders.into_iter().map(|order| view! {
                        <tr>
                            <th scope="row"><a href=staff_order_path(&order.number)>{order.number.clone()}</a></th>
                            <td>{utc_time(order.placed_at)}</td>
                            <td>{order.status_label}</td>
                            <td class="money">{order.total.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    let addresses = if customer.addresses.is_empty() {
        view! { <p>"No saved addresses."</p> }.into_any()
    } else {
        view! {
            <ul class="staff-addresses">
                {customer.addresses.into_iter().map(|address| view! {
                    <li>
                        <p class="address">
                            {address.lines.into_iter().map(|line| view! { {line} <br/> }).collect_view()}
                        </p>
                        {address.default.then(|| view! { <p class="muted">"Default address"</p> })}
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let role = if summary.staff { "Staff" } else { "Customer" };
    view! {
        <Title text=format!("{} (customer)", summary.email)/>
        <section class="staff-page">
            <StaffNav/>
            <p><a href=STAFF_CUSTOMERS>"All customers"</a></p>
            <h1>{summary.email.clone()}</h1>
            <dl class="staff-facts">
                <dt>"Account"</dt>
                <dd>{role}</dd>
                <dt>"Registered"</dt>
                <dd>{utc_time(summary.registered_at)}</dd>
                <dt>"Email verified"</dt>
                <dd>{yes_no(summary.verified)}</dd>
                <dt>"Status"</dt>
                <dd data-testid="customer-status">{status}</dd>
            </dl>
            <h2>"Orders"</h2>
            {orders}
            <h2>"Addresses"</h2>
            {addresses}
            <AccessForm
                id=summary.id
                disabled=summary.disabled
                cannot=customer.cannot_disable
                disable
                enable
            />
        </section>
    }
}

#[component]
fn AccessForm(
    id: i64,
    disabled: bool,
    cannot: Option<String>,
    disable: ServerAction<DisableCustomer>,
    enable: ServerAction<EnableCustomer>,
) -> impl IntoView {
    let disable_errors = form_errors(disable.value());
    let enable_errors = form_errors(enable.value());
    let done = move || {
        [disable.value().get(), enable.value().get()]
            .into_iter()
            .find_map(|answer| match answer {
                Some(Ok(changed)) => Some(changed.message),
                _ => None,
            })
            .map(|message| view! { <p class="notice" role="status">{message}</p> })
    };
    let body = match (cannot, disabled) {
        (Some(reason), _) => view! { <p>{reason}</p> }.into_any(),
        (None, false) => view! {
            <p>"A disabled account cannot sign in, and it is signed out everywhere at once."</p>
            <ActionForm action=disable attr:class="account-form">
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="danger">"Disable the account"</button>
            </ActionForm>
        }
        .into_any(),
        (None, true) => view! {
            <ActionForm action=enable attr:class="account-form">
                <input type="hidden" name="id" value=id/>
                <button type="submit">"Enable the account"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <h2>"Access"</h2>
        {done}
        <FormMessage errors=disable_errors/>
        <FormMessage errors=enable_errors/>
        {body}
    }
}
