//! Checkout over HTTP with the `test` payment provider: paying, a declined card, the
//! bank's confirmation step, a double submit, and who may see an order.

use crate::accounts::{browser, call};
use crate::helpers::{link_to, TestApp};
use serde_json::Value;

pub(crate) const GOOD_CARD: &str = "4242 4242 4242 4242";
pub(crate) const DECLINED: &str = "4000 0000 0000 0002";
pub(crate) const ASKS_THE_BANK: &str = "4000 0025 0000 3155";

/// A published variant with `stock` at £20.00: its SKU.
pub(crate) async fn variant(app: &TestApp, stock: i64) -> String {
    let sku: String = sqlx::query_scalar(
        "SELECT v.sku FROM variants v JOIN products p ON p.id = v.product_id
         WHERE p.published ORDER BY v.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    sqlx::query("UPDATE variants SET stock = $1, price_amount = 2000 WHERE sku = $2")
        .bind(stock)
        .bind(&sku)
        .execute(app.db.pool())
        .await
        .unwrap();
    sku
}

pub(crate) async fn stock(app: &TestApp, sku: &str) -> i64 {
    sqlx::query_scalar("SELECT stock FROM variants WHERE sku = $1")
        .bind(sku)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// A guest with `quantity` of `sku` in the cart, and the checkout's idempotency key.
pub(crate) async fn guest_at_checkout(
    app: &TestApp,
    sku: &str,
    quantity: i64,
) -> (reqwest::Client, String) {
    let guest = browser();
    let (status, _) = call(
        app,
        &guest,
        "add_to_cart",
        &[("sku", sku), ("quantity", &quantity.to_string())],
    )
    .await;
    assert_eq!(status, 200);
    let (status, start) = call(app, &guest, "start_checkout", &[]).await;
    assert_eq!(status, 200, "{start}");
    (guest, start["idempotency_key"].as_str().unwrap().to_owned())
}

/// Pays for the cart of `client` with `card`, as `guest@shop.test`.
pub(crate) async fn pay(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    card: &str,
) -> (u16, Value) {
    pay_as(app, client, key, card, "guest@shop.test").await
}

/// Pays for the cart of `client` with `card`, delivering in London, receipts to `email`.
pub(crate) async fn pay_as(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    card: &str,
    email: &str,
) -> (u16, Value) {
    call(
        app,
        client,
        "pay",
        &[
            ("idempotency_key", key),
            ("email", email),
            ("full_name", "Ada Lovelace"),
            ("line1", "12 St James's Square"),
            ("city", "London"),
            ("postcode", "SW1Y 4LG"),
            ("country", "GB"),
            ("shipping_method", "standard"),
            ("card_number", card),
            ("card_expiry", "12/40"),
            ("card_cvc", "123"),
        ],
    )
    .await
}

/// The order number in the path of an order's page: `BZ-…` from `/orders/BZ-…?token=…`.
pub(crate) fn order_number(path: &str) -> &str {
    path.trim_start_matches("/orders/")
        .split('?')
        .next()
        .unwrap()
}

pub(crate) async fn orders(app: &TestApp) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT status, grand_total FROM orders ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_guest_pays_by_card_and_gets_the_order_page_and_a_confirmation() {
    let app = TestApp::seeded(3).await;
    let mail = app.deliver_mail();
    let sku = variant(&app, 5).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 2).await;

    let (status, step) = pay(&app, &guest, &key, GOOD_CARD).await;
    assert_eq!(status, 200, "{step}");
    let path = step["Paid"]["path"].as_str().unwrap().to_owned();
    assert!(path.starts_with("/orders/BZ-"), "{path}");
    assert_eq!(stock(&app, &sku).await, 3);
    // £40 of goods and £3.95 standard delivery.
    assert_eq!(orders(&app).await, [("paid".to_owned(), 4395)]);
    assert_eq!(call(&app, &guest, "get_cart", &[]).await.1["item_count"], 0);

    let page = guest
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Your payment went through"), "{page}");
    assert!(page.contains("£43.95"));

    let number = order_number(&path);
    let message = mail.wait_for("guest@shop.test", number).await;
    let text = message.text.unwrap();
    assert!(text.contains("2 × "), "{text}");
    assert!(text.contains("Total paid, with delivery: £43.95"), "{text}");
    // The email's own link opens the order in a browser that never saw the checkout.
    let link = link_to(&text, &format!("/orders/{number}"));
    assert!(link.contains("?token="), "{link}");
    let (status, elsewhere) = app.page(&link).await;
    assert_eq!(status, 200);
    assert!(
        elsewhere.contains("Your payment went through"),
        "{elsewhere}"
    );

    // The same form again (a double click) is the same order, not a second charge.
    let (status, again) = pay(&app, &guest, &key, GOOD_CARD).await;
    assert_eq!(status, 200);
    assert_eq!(again["Paid"]["path"].as_str().unwrap(), path);
    assert_eq!(orders(&app).await.len(), 1);
    assert_eq!(stock(&app, &sku).await, 3);
}

#[tokio::test]
async fn a_declined_card_says_why_keeps_the_cart_and_puts_the_stock_back() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 5).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 2).await;
    let (status, refused) = pay(&app, &guest, &key, DECLINED).await;
    assert_eq!(status, 422);
    let message = refused["Invalid"]["form"].as_str().unwrap();
    assert!(message.starts_with("Your card was declined."), "{message}");
    assert_eq!(stock(&app, &sku).await, 5);
    assert_eq!(orders(&app).await, [("cancelled".to_owned(), 4395)]);
    assert_eq!(call(&app, &guest, "get_cart", &[]).await.1["item_count"], 2);

    // A new attempt (the page gives a new key) with a good card goes through.
    let (_, start) = call(&app, &guest, "start_checkout", &[]).await;
    let key = start["idempotency_key"].as_str().unwrap();
    let (status, _) = pay(&app, &guest, key, GOOD_CARD).await;
    assert_eq!(status, 200);
    assert_eq!(stock(&app, &sku).await, 3);
}

#[tokio::test]
async fn a_card_that_asks_the_bank_is_paid_once_the_shopper_confirms() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 5).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 1).await;
    let (status, step) = pay(&app, &guest, &key, ASKS_THE_BANK).await;
    assert_eq!(status, 200, "{step}");
    let path = step["ConfirmWithBank"]["path"].as_str().unwrap().to_owned();
    assert_eq!(orders(&app).await, [("awaiting_payment".to_owned(), 2395)]);
    assert_eq!(stock(&app, &sku).await, 4, "held while the bank asks");
    let page = guest
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Confirm the payment with your bank"),
        "{page}"
    );

    let number = order_number(&path);
    let token = path.split("token=").nth(1).unwrap();
    let (status, step) = call(
        &app,
        &guest,
        "confirm_with_bank",
        &[("number", number), ("token", token), ("approve", "yes")],
    )
    .await;
    assert_eq!(status, 200, "{step}");
    assert_eq!(orders(&app).await, [("paid".to_owned(), 2395)]);
    assert_eq!(call(&app, &guest, "get_cart", &[]).await.1["item_count"], 0);
}

#[tokio::test]
async fn mistakes_in_the_form_are_named_and_nothing_is_ordered() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 5).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 1).await;
    let (status, refused) = call(
        &app,
        &guest,
        "pay",
        &[
            ("idempotency_key", &key),
            ("email", "not an email"),
            ("full_name", "Ada"),
            ("line1", ""),
            ("city", "London"),
            ("postcode", "12345"),
            ("country", "GB"),
            ("card_number", "4242 4242 4242 4241"),
            ("card_expiry", "01/20"),
            ("card_cvc", "1"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    let fields = &refused["Invalid"]["fields"];
    for field in [
        "email",
        "line1",
        "postcode",
        "card_number",
        "card_expiry",
        "card_cvc",
    ] {
        assert!(fields[field].is_string(), "{field}: {refused}");
    }
    assert_eq!(refused["Invalid"]["typed"]["full_name"], "Ada");
    assert!(
        refused["Invalid"]["typed"].get("card_number").is_none(),
        "never echo the card"
    );
    assert!(orders(&app).await.is_empty());
    assert_eq!(stock(&app, &sku).await, 5);
}

#[tokio::test]
async fn an_order_is_seen_only_with_its_link() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 5).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 1).await;
    let (_, step) = pay(&app, &guest, &key, GOOD_CARD).await;
    let path = step["Paid"]["path"].as_str().unwrap();
    let bare = path.split('?').next().unwrap();
    // Another browser: with the link it sees the order; without it, or with a wrong
    // token, there is no such page.
    assert_eq!(
        browser()
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        browser()
            .get(format!("{}{bare}", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let forged = format!("{}{bare}?token=00", app.base);
    assert_eq!(browser().get(forged).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_signed_in_shopper_finds_the_order_in_their_account() {
    use app::accounts::password::Password;
    use app::accounts::server::{create_user, Role};
    let app = TestApp::seeded(3).await;
    create_user(
        &app.db,
        "ann@shop.test",
        Password::new("a long enough secret".into()),
        Role::Customer,
    )
    .await
    .unwrap();
    let sku = variant(&app, 5).await;
    let shopper = browser();
    call(
        &app,
        &shopper,
        "sign_in",
        &[
            ("email", "ann@shop.test"),
            ("password", "a long enough secret"),
        ],
    )
    .await;
    call(
        &app,
        &shopper,
        "add_to_cart",
        &[("sku", &sku), ("quantity", "1")],
    )
    .await;
    let (_, start) = call(&app, &shopper, "start_checkout", &[]).await;
    assert_eq!(start["email"], "ann@shop.test");
    let key = start["idempotency_key"].as_str().unwrap();
    let (status, step) = pay(&app, &shopper, key, GOOD_CARD).await;
    assert_eq!(status, 200, "{step}");
    let number = order_number(step["Paid"]["path"].as_str().unwrap());

    let (_, orders) = call(&app, &shopper, "my_orders", &[]).await;
    assert_eq!(orders[0]["number"], number);
    assert_eq!(orders[0]["status_label"], "Paid");
    let account = shopper
        .get(format!("{}/account", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(account.contains(number), "{account}");
    // The owner opens the order without its link; nobody signed in gets 401 for the list.
    let page = shopper
        .get(format!("{}/orders/{number}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(call(&app, &browser(), "my_orders", &[]).await.0, 401);
}
