//! The staff dashboard over HTTP: its figures are those of the orders placed in the test.

use crate::accounts::{browser, call};
use crate::checkout::{guest_at_checkout, order_number, pay_as, variant, ASKS_THE_BANK, GOOD_CARD};
use crate::helpers::{test_id_text, TestApp};
use crate::staff::{add_account, signed_in, staff_signed_in, CUSTOMER};
use app::accounts::server::Role;

/// A guest orders two of `sku` (£43.95 with delivery) and pays with `card`: the number.
async fn order(app: &TestApp, sku: &str, card: &str) -> String {
    let (guest, key) = guest_at_checkout(app, sku, 2).await;
    let (status, step) = pay_as(app, &guest, &key, card, "guest@shop.test").await;
    assert_eq!(status, 200, "{step}");
    let path = step
        .as_object()
        .and_then(|step| step.values().next())
        .and_then(|step| step["path"].as_str())
        .unwrap_or_else(|| panic!("no order page in {step}"));
    order_number(path).to_owned()
}

#[tokio::test]
async fn the_dashboard_counts_todays_paid_orders_and_their_revenue_net_of_refunds() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 20).await;
    let (staff, _) = staff_signed_in(&app).await;
    let paid = order(&app, &sku, GOOD_CARD).await;
    let partly = order(&app, &sku, GOOD_CARD).await;
    let refunded = order(&app, &sku, GOOD_CARD).await;
    let _awaiting = order(&app, &sku, ASKS_THE_BANK).await;
    let cancelled = order(&app, &sku, GOOD_CARD).await;
    for (number, amount) in [(&partly, "5"), (&refunded, "43.95")] {
        let (status, body) = call(
            &app,
            &staff,
            "refund_order",
            &[
                ("number", number),
                ("amount", amount),
                ("reason", "damaged"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = call(
        &app,
        &staff,
        "cancel_order",
        &[("number", &cancelled), ("reason", "asked")],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let (status, dashboard) = call(&app, &staff, "staff_dashboard", &[]).await;
    assert_eq!(status, 200, "{dashboard}");
    // Paid, partly refunded and refunded count; awaiting payment and cancelled do not.
    assert_eq!(dashboard["orders_today"], 3);
    assert_eq!(dashboard["revenue_today"]["amount"], 4395 + (4395 - 500));
    assert_eq!(dashboard["awaiting_fulfilment"], 1);
    let low: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM variants WHERE stock <= 5")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(dashboard["low_stock"], low);
    let newest = dashboard["newest"].as_array().unwrap();
    assert_eq!(newest.len(), 5);
    assert_eq!(newest[0]["number"], cancelled.as_str());
    assert_eq!(newest[4]["number"], paid.as_str());

    let page = staff
        .get(format!("{}/admin", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert_eq!(test_id_text(&html, "orders-today").as_deref(), Some("3"));
    assert_eq!(
        test_id_text(&html, "revenue-today").as_deref(),
        Some("£82.90")
    );
    assert!(html.contains("1 paid orders not yet dispatched"), "{html}");
    assert!(html.contains("/admin/orders?status=paid"), "{html}");
    assert!(html.contains("/admin/stock#low-stock"), "{html}");
    assert!(html.contains(&format!("/admin/orders/{paid}")), "{html}");
    assert!(
        html.contains("awaiting payment and cancelled orders are not counted"),
        "{html}"
    );
}

#[tokio::test]
async fn only_staff_may_see_the_dashboard() {
    let app = TestApp::seeded(3).await;
    add_account(&app, CUSTOMER, Role::Customer).await;
    let customer = signed_in(&app, CUSTOMER).await;
    assert_eq!(call(&app, &customer, "staff_dashboard", &[]).await.0, 403);
    assert_eq!(call(&app, &browser(), "staff_dashboard", &[]).await.0, 401);
    let page = customer
        .get(format!("{}/admin", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
}
