//! Staff cancelling and refunding orders over HTTP, with the `test` payment provider
//! (whose refunds always succeed): who may, what the order's rules refuse, the stock
//! coming back, the history, and two refunds at once counting once.

use crate::accounts::{browser, call};
use crate::checkout::{
    guest_at_checkout, order_number, pay_as, stock, variant, ASKS_THE_BANK, GOOD_CARD,
};
use crate::helpers::TestApp;
use crate::staff::{add_account, signed_in, staff_signed_in, CUSTOMER, STAFF};
use app::accounts::server::Role;
use serde_json::Value;

const SHOPPER: &str = "guest@shop.test";

/// Two of a £20.00 item with £3.95 standard delivery.
const GRAND_TOTAL: i64 = 4395;

/// An app with a published variant holding 5 at £20.00 (its SKU), and a signed-in
/// member of staff (their client and user id).
async fn shop_with_staff() -> (TestApp, String, reqwest::Client, i64) {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 5).await;
    let (staff, staff_id) = staff_signed_in(&app).await;
    (app, sku, staff, staff_id)
}

/// A guest orders two of `sku` and pays with `card`: the order's number.
async fn order_paid_with(app: &TestApp, sku: &str, card: &str) -> String {
    let (guest, key) = guest_at_checkout(app, sku, 2).await;
    let (status, step) = pay_as(app, &guest, &key, card, SHOPPER).await;
    assert_eq!(status, 200, "{step}");
    let path = step
        .as_object()
        .and_then(|step| step.values().next())
        .and_then(|step| step["path"].as_str())
        .unwrap_or_else(|| panic!("no order page in {step}"));
    order_number(path).to_owned()
}

/// The order's status and refunded total.
async fn order_row(app: &TestApp, number: &str) -> (String, i64) {
    let id = app::orders::parse_order_number(number).unwrap() as i64;
    sqlx::query_as("SELECT status, refunded_total FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn refund_amounts(app: &TestApp, number: &str) -> Vec<i64> {
    let id = app::orders::parse_order_number(number).unwrap() as i64;
    sqlx::query_scalar("SELECT amount FROM refunds WHERE order_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

async fn cancel(app: &TestApp, client: &reqwest::Client, number: &str) -> (u16, Value) {
    call(
        app,
        client,
        "cancel_order",
        &[("number", number), ("reason", "customer asked by phone")],
    )
    .await
}

async fn refund(
    app: &TestApp,
    client: &reqwest::Client,
    number: &str,
    amount: &str,
) -> (u16, Value) {
    call(
        app,
        client,
        "refund_order",
        &[
            ("number", number),
            ("amount", amount),
            ("reason", "arrived damaged"),
        ],
    )
    .await
}

/// The message about the whole form in a refusal.
fn form_message(body: &Value) -> &str {
    body["Invalid"]["form"]
        .as_str()
        .unwrap_or_else(|| panic!("no form message in {body}"))
}

/// The message next to `field` in a refusal.
fn field_message<'a>(body: &'a Value, field: &str) -> &'a str {
    body["Invalid"]["fields"][field]
        .as_str()
        .unwrap_or_else(|| panic!("no message for {field} in {body}"))
}

#[tokio::test]
async fn only_staff_may_see_cancel_or_refund_orders() {
    let (app, sku, staff, _) = shop_with_staff().await;
    add_account(&app, CUSTOMER, Role::Customer).await;
    let number = order_paid_with(&app, &sku, GOOD_CARD).await;
    let customer = signed_in(&app, CUSTOMER).await;
    let stranger = browser();
    let calls: [(&str, Vec<(&str, &str)>); 6] = [
        ("staff_orders", vec![]),
        ("fulfil_order", vec![("number", &number)]),
        ("deliver_order", vec![("number", &number)]),
        ("staff_order", vec![("number", &number)]),
        (
            "cancel_order",
            vec![("number", &number), ("reason", "just because")],
        ),
        (
            "refund_order",
            vec![
                ("number", &number),
                ("amount", "5"),
                ("reason", "just because"),
            ],
        ),
    ];
    for (name, form) in &calls {
        assert_eq!(call(&app, &customer, name, form).await.0, 403, "{name}");
        assert_eq!(call(&app, &stranger, name, form).await.0, 401, "{name}");
    }
    assert_eq!(order_row(&app, &number).await, ("paid".to_owned(), 0));
    assert_eq!(stock(&app, &sku).await, 3);

    // The pages: nobody signed in is sent to sign in, a customer is turned away.
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/admin/orders", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(page.status().is_redirection(), "{}", page.status());
    assert_eq!(page.headers()["location"], "/login");
    let page = customer
        .get(format!("{}/admin/orders/{number}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    let html = page.text().await.unwrap();
    assert!(html.contains("Staff only"), "{html}");
    assert!(!html.contains(SHOPPER), "{html}");

    let (status, list) = call(&app, &staff, "staff_orders", &[]).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["orders"][0]["number"], number.as_str());
    assert_eq!(list["orders"][0]["status_label"], "Paid");
    let page = staff
        .get(format!("{}/admin/orders", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains(&number));
    let page = staff
        .get(format!("{}/admin/orders/{number}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(SHOPPER), "{html}");
    assert!(html.contains("Cancel the order"), "{html}");
    let missing = staff
        .get(format!("{}/admin/orders/BZ-99999-A", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn staff_cancel_an_unpaid_order_and_its_stock_comes_back() {
    let (app, sku, staff, staff_id) = shop_with_staff().await;
    let number = order_paid_with(&app, &sku, ASKS_THE_BANK).await;
    assert_eq!(
        order_row(&app, &number).await,
        ("awaiting_payment".to_owned(), 0)
    );
    assert_eq!(stock(&app, &sku).await, 3, "held while the bank asks");

    // A reason is asked for.
    let (status, body) = call(&app, &staff, "cancel_order", &[("number", &number)]).await;
    assert_eq!(status, 422, "{body}");
    assert!(!field_message(&body, "reason").is_empty());

    let (status, body) = cancel(&app, &staff, &number).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "cancelled");
    assert_eq!(order_row(&app, &number).await, ("cancelled".to_owned(), 0));
    assert_eq!(stock(&app, &sku).await, 5);
    assert!(refund_amounts(&app, &number).await.is_empty());

    let id = app::orders::parse_order_number(&number).unwrap() as i64;
    let last: (Option<String>, String, String, Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT from_status, to_status, actor, actor_id, note FROM order_events
         WHERE order_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        last,
        (
            Some("awaiting_payment".to_owned()),
            "cancelled".to_owned(),
            "staff".to_owned(),
            Some(staff_id),
            Some("customer asked by phone".to_owned()),
        )
    );

    let (status, view) = call(&app, &staff, "staff_order", &[("number", &number)]).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status_label"], "Cancelled");
    assert_eq!(view["can_cancel"], false);
    let history = view["history"].as_array().unwrap();
    let entry = history.last().unwrap();
    assert_eq!(entry["actor"], format!("Staff ({STAFF})"));
    assert_eq!(entry["from"], "Awaiting payment");
    assert_eq!(entry["to"], "Cancelled");
}

#[tokio::test]
async fn staff_cancelling_a_paid_order_refunds_it_and_puts_the_stock_back() {
    let (app, sku, staff, staff_id) = shop_with_staff().await;
    let mail = app.deliver_mail();
    let number = order_paid_with(&app, &sku, GOOD_CARD).await;
    assert_eq!(stock(&app, &sku).await, 3);

    let (status, body) = cancel(&app, &staff, &number).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("£43.95"),
        "{body}"
    );
    assert_eq!(
        order_row(&app, &number).await,
        ("cancelled".to_owned(), GRAND_TOTAL)
    );
    assert_eq!(refund_amounts(&app, &number).await, [GRAND_TOTAL]);
    assert_eq!(stock(&app, &sku).await, 5);
    let id = app::orders::parse_order_number(&number).unwrap() as i64;
    let kept: (String, Option<i64>, String) =
        sqlx::query_as("SELECT provider, actor_id, reason FROM refunds WHERE order_id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        kept,
        (
            "test".to_owned(),
            Some(staff_id),
            "customer asked by phone".to_owned()
        )
    );
    let message = mail.wait_for(SHOPPER, "is cancelled").await;
    let text = message.text.unwrap();
    assert!(text.contains("£43.95"), "{text}");

    // Cancelled is final: a second cancellation, or a refund, is refused in words.
    let (status, body) = cancel(&app, &staff, &number).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(form_message(&body), "This order has been cancelled.");
    let (status, body) = refund(&app, &staff, &number, "1").await;
    assert_eq!(status, 422, "{body}");
    assert!(form_message(&body).starts_with("This order has been cancelled"));
    assert_eq!(refund_amounts(&app, &number).await, [GRAND_TOTAL]);
    assert_eq!(stock(&app, &sku).await, 5);
}

#[tokio::test]
async fn a_partial_refund_then_the_rest_leaves_the_order_refunded() {
    let (app, sku, staff, _) = shop_with_staff().await;
    let mail = app.deliver_mail();
    let number = order_paid_with(&app, &sku, GOOD_CARD).await;

    for (typed, problem) in [("five pounds", "like 5.00"), ("0", "more than £0.00")] {
        let (status, body) = refund(&app, &staff, &number, typed).await;
        assert_eq!(status, 422, "{body}");
        assert!(field_message(&body, "amount").contains(problem), "{body}");
        assert_eq!(body["Invalid"]["typed"]["amount"], typed);
    }

    let (status, body) = refund(&app, &staff, &number, "5.00").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status_label"], "Partly refunded");
    assert_eq!(
        order_row(&app, &number).await,
        ("partially_refunded".to_owned(), 500)
    );
    let message = mail.wait_for(SHOPPER, "A refund").await;
    assert!(message.text.unwrap().contains("£5.00"));

    // What is left, typed with the pound sign.
    let (_, view) = call(&app, &staff, "staff_order", &[("number", &number)]).await;
    assert_eq!(view["refundable"]["amount"], GRAND_TOTAL - 500);
    assert_eq!(view["can_cancel"], false);
    let (status, body) = refund(&app, &staff, &number, "£38.95").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status_label"], "Refunded");
    assert_eq!(
        order_row(&app, &number).await,
        ("refunded".to_owned(), GRAND_TOTAL)
    );
    assert_eq!(refund_amounts(&app, &number).await, [500, 3895]);
    // Refunds never put stock back: the goods were sold.
    assert_eq!(stock(&app, &sku).await, 3);

    let (_, view) = call(&app, &staff, "staff_order", &[("number", &number)]).await;
    let changes: Vec<(String, String)> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["actor"] == format!("Staff ({STAFF})"))
        .map(|entry| {
            (
                entry["to"].as_str().unwrap().to_owned(),
                entry["note"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "Partly refunded".to_owned(),
                "refunded £5.00: arrived damaged".to_owned()
            ),
            (
                "Refunded".to_owned(),
                "refunded £38.95: arrived damaged".to_owned()
            ),
        ]
    );
    assert_eq!(view["refunds"].as_array().unwrap().len(), 2);
    assert_eq!(view["refunds"][0]["by"], STAFF);
}

#[tokio::test]
async fn a_refund_of_more_than_is_left_is_refused_and_changes_nothing() {
    let (app, sku, staff, _) = shop_with_staff().await;
    let number = order_paid_with(&app, &sku, GOOD_CARD).await;
    let (status, body) = refund(&app, &staff, &number, "50").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        field_message(&body, "amount"),
        "£50.00 is more than was paid: at most £43.95 can be refunded."
    );
    assert_eq!(order_row(&app, &number).await, ("paid".to_owned(), 0));

    let (status, _) = refund(&app, &staff, &number, "40").await;
    assert_eq!(status, 200);
    let (status, body) = refund(&app, &staff, &number, "5").await;
    assert_eq!(status, 422, "{body}");
    assert!(
        field_message(&body, "amount").ends_with("at most £3.95 can be refunded."),
        "{body}"
    );
    assert_eq!(
        order_row(&app, &number).await,
        ("partially_refunded".to_owned(), 4000)
    );
    assert_eq!(refund_amounts(&app, &number).await, [4000]);
}

#[tokio::test]
async fn an_order_awaiting_payment_cannot_be_refunded() {
    let (app, sku, staff, _) = shop_with_staff().await;
    let number = order_paid_with(&app, &sku, ASKS_THE_BANK).await;
    let (status, body) = refund(&app, &staff, &number, "1").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        form_message(&body),
        "Nothing has been paid for this order yet, so there is nothing to refund."
    );
    assert_eq!(
        order_row(&app, &number).await,
        ("awaiting_payment".to_owned(), 0)
    );
    assert!(refund_amounts(&app, &number).await.is_empty());
    let (status, body) = refund(&app, &staff, "BZ-99999-A", "1").await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn two_refunds_of_everything_at_once_refund_it_once() {
    let (app, sku, staff, _) = shop_with_staff().await;
    let other_staff = signed_in(&app, STAFF).await;
    let number = order_paid_with(&app, &sku, GOOD_CARD).await;
    let ((first, first_body), (second, second_body)) = tokio::join!(
        refund(&app, &staff, &number, "43.95"),
        refund(&app, &other_staff, &number, "43.95"),
    );
    let mut statuses = [first, second];
    statuses.sort_unstable();
    assert_eq!(
        statuses[0], 200,
        "one succeeds: {first_body} / {second_body}"
    );
    assert_ne!(
        statuses[1], 200,
        "only one succeeds: {first_body} / {second_body}"
    );
    assert_eq!(
        order_row(&app, &number).await,
        ("refunded".to_owned(), GRAND_TOTAL)
    );
    assert_eq!(refund_amounts(&app, &number).await, [GRAND_TOTAL]);
}

#[tokio::test]
async fn a_dispatched_order_cannot_be_cancelled() {
    let (app, sku, staff, _) = shop_with_staff().await;
    let number = order_paid_with(&app, &sku, GOOD_CARD).await;
    let (status, body) = call(&app, &staff, "fulfil_order", &[("number", &number)]).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = cancel(&app, &staff, &number).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        form_message(&body),
        "A dispatched order cannot be cancelled; refund it instead."
    );
    assert_eq!(order_row(&app, &number).await, ("fulfilled".to_owned(), 0));
    assert_eq!(stock(&app, &sku).await, 3);
    assert!(refund_amounts(&app, &number).await.is_empty());
}

#[tokio::test]
async fn a_refund_decided_on_a_stale_read_is_not_counted() {
    use app::money::Money;
    use app::payments::provider::TestProvider;
    use app::staff::orders::server::{order_state, refund, Refusal, StaffChange};
    let (app, sku, _, staff_id) = shop_with_staff().await;
    let number = order_paid_with(&app, &sku, GOOD_CARD).await;
    let id = app::orders::parse_order_number(&number).unwrap() as i64;
    // Two members of staff read the order at the same moment; both see it paid.
    let first = order_state(&app.db, id).await.unwrap().unwrap();
    let second = first.clone();
    let everything = Money::new(GRAND_TOTAL, first.currency);
    let staff = app::accounts::server::user_by_id(&app.db, staff_id)
        .await
        .unwrap()
        .unwrap();
    let change = StaffChange {
        staff: &staff,
        reason: "arrived damaged",
    };
    let shop = app::email::Shop::default();
    let done = refund(&app.db, &TestProvider, &shop, &first, everything, change)
        .await
        .unwrap();
    assert!(done.is_ok(), "{done:?}");
    let late = refund(&app.db, &TestProvider, &shop, &second, everything, change)
        .await
        .unwrap();
    assert_eq!(late, Err(Refusal::ChangedMeanwhile));
    assert_eq!(
        order_row(&app, &number).await,
        ("refunded".to_owned(), GRAND_TOTAL)
    );
    assert_eq!(refund_amounts(&app, &number).await, [GRAND_TOTAL]);
}

/// The actions in the staff audit log, oldest first.
async fn audited(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT actor, action, subject FROM staff_actions ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn cancelling_and_refunding_are_in_the_staff_audit_log() {
    let (app, sku, staff, _) = shop_with_staff().await;
    let refunded = order_paid_with(&app, &sku, GOOD_CARD).await;
    let cancelled = order_paid_with(&app, &sku, ASKS_THE_BANK).await;
    assert_eq!(refund(&app, &staff, &refunded, "5").await.0, 200);
    assert_eq!(cancel(&app, &staff, &cancelled).await.0, 200);
    assert_eq!(
        audited(&app).await,
        [
            (
                STAFF.to_owned(),
                "order.refunded".to_owned(),
                format!("order {refunded}")
            ),
            (
                STAFF.to_owned(),
                "order.cancelled".to_owned(),
                format!("order {cancelled}")
            ),
        ]
    );
}

#[tokio::test]
async fn staff_dispatch_a_paid_order_then_mark_it_delivered() {
    let (app, sku, staff, _) = shop_with_staff().await;
    let number = order_paid_with(&app, &sku, GOOD_CARD).await;
    let unpaid = order_paid_with(&app, &sku, ASKS_THE_BANK).await;
    let page = |number: String| {
        let staff = staff.clone();
        let url = format!("{}/admin/orders/{number}", app.base);
        async move { staff.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(number.clone()).await;
    assert!(html.contains("Mark as dispatched"), "{html}");
    assert!(!html.contains("Mark as delivered"), "{html}");

    // The order's rules refuse what does not follow.
    let (status, body) = call(&app, &staff, "deliver_order", &[("number", &number)]).await;
    assert_eq!(status, 422, "{body}");
    assert!(!form_message(&body).is_empty());
    let (status, body) = call(&app, &staff, "fulfil_order", &[("number", &unpaid)]).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        order_row(&app, &unpaid).await,
        ("awaiting_payment".to_owned(), 0)
    );
    assert!(!page(unpaid.clone()).await.contains("Mark as dispatched"));

    let (status, body) = call(
        &app,
        &staff,
        "fulfil_order",
        &[("number", &number), ("tracking", "RM123456785GB")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status_label"], "Dispatched");
    assert_eq!(order_row(&app, &number).await, ("fulfilled".to_owned(), 0));
    let (status, body) = call(&app, &staff, "fulfil_order", &[("number", &number)]).await;
    assert_eq!(status, 422, "{body}");
    let html = page(number.clone()).await;
    assert!(html.contains("tracking number RM123456785GB"), "{html}");
    assert!(html.contains("Mark as delivered"), "{html}");

    let (status, body) = call(&app, &staff, "deliver_order", &[("number", &number)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status_label"], "Delivered");
    assert_eq!(order_row(&app, &number).await, ("delivered".to_owned(), 0));
    let html = page(number.clone()).await;
    assert!(!html.contains("Mark as d"), "{html}");

    let actions: Vec<String> = audited(&app).await.into_iter().map(|(_, a, _)| a).collect();
    assert_eq!(actions, ["order.fulfilled", "order.delivered"]);
}

/// The numbers of the orders the staff list shows for `filters`, and its problems.
async fn listed(
    app: &TestApp,
    staff: &reqwest::Client,
    filters: &[(&str, &str)],
) -> (Vec<String>, Vec<String>) {
    let (status, list) = call(app, staff, "staff_orders", filters).await;
    assert_eq!(status, 200, "{list}");
    let strings = |key: &str, field: Option<&str>| -> Vec<String> {
        list[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| match field {
                Some(field) => v[field].as_str().unwrap().to_owned(),
                None => v.as_str().unwrap().to_owned(),
            })
            .collect()
    };
    (strings("orders", Some("number")), strings("problems", None))
}

#[tokio::test]
async fn staff_filter_orders_by_status_day_and_email() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 10).await;
    let (staff, _) = staff_signed_in(&app).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 1).await;
    let (status, step) = pay_as(&app, &guest, &key, GOOD_CARD, "ann@example.test").await;
    assert_eq!(status, 200, "{step}");
    let paid = {
        let path = step.as_object().unwrap().values().next().unwrap()["path"]
            .as_str()
            .unwrap();
        order_number(path).to_owned()
    };
    let awaiting = order_paid_with(&app, &sku, ASKS_THE_BANK).await;
    let today = app::staff::discounts::server::format_date(app::db::now_millis());
    let day = 24 * 3600 * 1000;
    let yesterday = app::staff::discounts::server::format_date(app::db::now_millis() - day);
    let tomorrow = app::staff::discounts::server::format_date(app::db::now_millis() + day);
    let both = vec![awaiting.clone(), paid.clone()];
    let none: Vec<String> = Vec::new();

    assert_eq!(listed(&app, &staff, &[]).await.0, both);
    assert_eq!(
        listed(&app, &staff, &[("status", "paid")]).await.0,
        vec![paid.clone()]
    );
    assert_eq!(
        listed(&app, &staff, &[("status", "awaiting_payment")])
            .await
            .0,
        vec![awaiting.clone()]
    );
    assert_eq!(
        listed(&app, &staff, &[("status", "delivered")]).await.0,
        none
    );
    assert_eq!(
        listed(&app, &staff, &[("email", "ANN@")]).await.0,
        vec![paid.clone()]
    );
    assert_eq!(
        listed(&app, &staff, &[("email", "guest")]).await.0,
        vec![awaiting.clone()]
    );
    assert_eq!(
        listed(&app, &staff, &[("from", &today), ("to", &today)])
            .await
            .0,
        both
    );
    assert_eq!(listed(&app, &staff, &[("from", &tomorrow)]).await.0, none);
    assert_eq!(listed(&app, &staff, &[("to", &yesterday)]).await.0, none);
    assert_eq!(
        listed(&app, &staff, &[("status", "paid"), ("email", "guest")])
            .await
            .0,
        none
    );
    let (orders, problems) = listed(&app, &staff, &[("from", "2026-13-01")]).await;
    assert_eq!(orders, both);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("YYYY-MM-DD"));

    let html = staff
        .get(format!("{}/admin/orders?status=paid", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&paid) && !html.contains(&awaiting), "{html}");
}
