//! `/admin/orders`: the orders, newest first, 50 a page, filtered by a plain GET form
//! (status, the days placed, part of the email), so a filtered list is a link.

use crate::accounts::pages::utc_time;
use crate::layout::Loading;
use crate::orders::OrderStatus;
use crate::search::params::encode;
use crate::staff::orders::api::{staff_orders, StaffOrderList, StaffOrderSummary};
use crate::staff::orders::{staff_order_path, STAFF_ORDERS};
use crate::staff::{StaffNav, StaffOnly};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let orders = Resource::new(
        move || {
            let query = query.read();
            let field = |name: &str| query.get(name).unwrap_or_default();
            (
                field("status"),
                field("from"),
                field("to"),
                field("email"),
                field("page").parse::<i64>().unwrap_or(1),
            )
        },
        |(status, from, to, email, page)| staff_orders(status, from, to, email, page),
    );
    view! {
        <Title text="Orders"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) => view! { <OrderList list/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The list's filters, as the query string carries them.
const FILTERS: [&str; 4] = ["status", "from", "to", "email"];

#[component]
fn OrderList(list: StaffOrderList) -> impl IntoView {
    let query = use_query_map().get_untracked();
    let field = move |name: &str| query.get(name).unwrap_or_default();
    let filters: Vec<(&'static str, String)> = FILTERS
        .into_iter()
        .map(|name| (name, field(name)))
        .collect();
    let link_to_page = {
        let filters = filters.clone();
        move |page: i64| {
            let mut url = format!("{STAFF_ORDERS}?page={page}");
            for (name, value) in filters.iter().filter(|(_, v)| !v.is_empty()) {
                url.push_str(&format!("&{name}={}", encode(value)));
            }
            url
        }
    };
    let filtered = filters.iter().any(|(_, value)| !value.trim().is_empty());
    let page = list.page;
    let table = if list.orders.is_empty() {
        let none = if filtered {
            "No order matches these filters."
        } else {
            "No orders have been placed yet."
        };
        view! { <p>{none}</p> }.into_any()
    } else {
        view! { <OrderTable orders=list.orders caption="Newest first"/> }.into_any()
    };
    let chosen = field("status");
    view! {
        <section class="staff-page">
            <StaffNav/>
            <h1>"Orders"</h1>
            <form method="get" action=STAFF_ORDERS class="staff-filter">
                <label>
                    "Status"
                    <select name="status">
                        <option value="" selected=chosen.is_empty()>"Any status"</option>
                        {OrderStatus::ALL.into_iter().map(|status| view! {
                            <option value=status.as_str() selected=chosen == status.as_str()>
                                {status.label()}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <label>"Placed from (YYYY-MM-DD, UTC)" <input type="text" name="from" value=field("from") autocomplete="off"/></label>
                <label>"Placed to (YYYY-MM-DD, UTC)" <input type="text" name="to" value=field("to") autocomplete="off"/></label>
                <label>"Customer email contains" <input type="search" name="email" value=field("email")/></label>
                <button type="submit">"Filter"</button>
            </form>
            {list.problems.into_iter().map(|problem| view! {
                <p class="form-error" role="alert">{problem}</p>
            }).collect_view()}
            {table}
            <nav class="pager" aria-label="Order pages">
                {(page > 1).then(|| view! { <a href=link_to_page(page - 1)>"Newer"</a> })}
                {list.more.then(|| view! { <a href=link_to_page(page + 1)>"Older"</a> })}
            </nav>
        </section>
    }
}

/// A table of orders, each linking to its staff page; the dashboard shows one too.
#[component]
pub fn OrderTable(orders: Vec<StaffOrderSummary>, caption: &'static str) -> impl IntoView {
    view! {
        <table class="staff-table">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Order"</th>
                    <th scope="col">"Placed"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col" class="money">"Total"</th>
                    <th scope="col" class="money">"Refunded"</th>
                </tr>
            </thead>
            <tbody>
                {orders.into_iter().map(|order| view! {
                    <tr>
                        <th scope="row">
                            <a href=staff_order_path(&order.number)>{order.number.clone()}</a>
                        </th>
                        <td>{utc_time(order.placed_at)}</td>
                        <td>{order.email}</td>
                        <td>{order.status_label}</td>
                        <td class="money">{order.grand_total.to_string()}</td>
                        <td class="money">{order.refunded.to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
