//! `/admin`: the day at a glance, with links to what needs doing.

use super::api::{staff_dashboard, Dashboard};
use crate::layout::Loading;
use crate::staff::orders::pages::OrderTable;
use crate::staff::orders::STAFF_ORDERS;
use crate::staff::stock::{LOW_STOCK, STAFF_STOCK};
use crate::staff::{StaffNav, StaffOnly};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffDashboardPage() -> impl IntoView {
    let dashboard = Resource::new(|| (), |_| staff_dashboard());
    view! {
        <Title text="Dashboard"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(dashboard) => view! { <DashboardView dashboard/> }.into_any(),
                    Err(error) => view! { <StaffOnly error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let newest = if dashboard.newest.is_empty() {
        view! { <p>"No orders have been placed yet."</p> }.into_any()
    } else {
        view! { <OrderTable orders=dashboard.newest caption="The ten newest orders"/> }.into_any()
    };
    view! {
        <section class="staff-page">
            <StaffNav/>
            <h1>"Dashboard"</h1>
            <h2>{format!("Today, {} (UTC)", dashboard.today)}</h2>
            <dl class="staff-facts">
                <dt>"Orders today"</dt>
                <dd data-testid="orders-today">{dashboard.orders_today}</dd>
                <dt>"Revenue today"</dt>
                <dd data-testid="revenue-today">{dashboard.revenue_today.to_string()}</dd>
                <dt>"Awaiting dispatch"</dt>
                <dd data-testid="awaiting-fulfilment">
                    <a href=format!("{STAFF_ORDERS}?status=paid")>
                        {format!("{} paid orders not yet dispatched", dashboard.awaiting_fulfilment)}
                    </a>
                </dd>
                <dt>"Low stock"</dt>
                <dd data-testid="low-stock">
                    <a href=format!("{STAFF_STOCK}#low-stock")>
                        {format!("{} variants with {LOW_STOCK} or fewer left", dashboard.low_stock)}
                    </a>
                </dd>
            </dl>
            <p class="muted">
                "Today's orders are the orders placed since midnight UTC and paid for; orders \
                 still awaiting payment and cancelled orders are not counted. Revenue is what \
                 they took, less what has been refunded of them."
            </p>
            <h2>"Newest orders"</h2>
            {newest}
        </section>
    }
}
