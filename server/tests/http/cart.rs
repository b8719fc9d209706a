//! The cart over HTTP: guests and accounts, stock caps, prices read fresh, and the
//! guest's cart joining the account's at sign-in.

use crate::accounts::{browser, call};
use crate::helpers::TestApp;
use app::accounts::password::Password;
use app::accounts::server::{create_user, Role};
use serde_json::Value;

const EMAIL: &str = "ann@shop.test";
const PASSWORD: &str = "a long enough secret";

/// Two published variants: (sku, price, stock).
async fn two_variants(app: &TestApp) -> Vec<(String, i64, i64)> {
    sqlx::query_as(
        "SELECT v.sku, v.price_amount, v.stock FROM variants v
         JOIN products p ON p.id = v.product_id
         WHERE p.published ORDER BY v.id LIMIT 2",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

async fn set_stock(app: &TestApp, sku: &str, stock: i64) {
    sqlx::query("UPDATE variants SET stock = $1 WHERE sku = $2")
        .bind(stock)
        .bind(sku)
        .execute(app.db.pool())
        .await
        .unwrap();
}

async fn add(app: &TestApp, client: &reqwest::Client, sku: &str, quantity: i64) -> (u16, Value) {
    call(
        app,
        client,
        "add_to_cart",
        &[("sku", sku), ("quantity", &quantity.to_string())],
    )
    .await
}

async fn cart(app: &TestApp, client: &reqwest::Client) -> Value {
    call(app, client, "get_cart", &[]).await.1
}

/// The quantity of `sku` in a cart, 0 when absent.
fn quantity_of(cart: &Value, sku: &str) -> i64 {
    cart["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == sku)
        .map_or(0, |l| l["quantity"].as_i64().unwrap())
}

#[tokio::test]
async fn a_guest_adds_to_the_cart_and_sees_it_priced() {
    let app = TestApp::seeded(5).await;
    let variants = two_variants(&app).await;
    let (sku, price, _) = &variants[0];
    set_stock(&app, sku, 10).await;
    let guest = browser();
    let (status, added) = add(&app, &guest, sku, 2).await;
    assert_eq!(status, 200, "{added}");
    assert_eq!(added["item_count"], 2);
    assert!(added["message"]
        .as_str()
        .unwrap()
        .contains("Added to your cart"));

    let cart = cart(&app, &guest).await;
    assert_eq!(quantity_of(&cart, sku), 2);
    assert_eq!(cart["subtotal"]["amount"], 2 * price);
    assert_eq!(call(&app, &guest, "cart_count", &[]).await.1, 2);

    let page = guest
        .get(format!("{}/cart", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let name = cart["lines"][0]["product_name"].as_str().unwrap();
    assert!(page.contains(name), "{page}");
    // Another browser has its own (empty) cart.
    assert_eq!(
        quantity_of(&call(&app, &browser(), "get_cart", &[]).await.1, sku),
        0
    );
}

#[tokio::test]
async fn a_cart_never_holds_more_than_the_stock() {
    let app = TestApp::seeded(5).await;
    let sku = two_variants(&app).await.remove(0).0;
    set_stock(&app, &sku, 3).await;
    let guest = browser();
    let (status, added) = add(&app, &guest, &sku, 5).await;
    assert_eq!(status, 200);
    assert_eq!(
        added["message"],
        "Only 3 can be in your cart: that is all there is."
    );
    assert_eq!(quantity_of(&cart(&app, &guest).await, &sku), 3);
    // Adding again changes nothing past the stock; setting a quantity is capped too.
    add(&app, &guest, &sku, 1).await;
    call(
        &app,
        &guest,
        "update_cart_line",
        &[("sku", &sku), ("quantity", "50")],
    )
    .await;
    assert_eq!(quantity_of(&cart(&app, &guest).await, &sku), 3);

    set_stock(&app, &sku, 0).await;
    let (status, refused) = add(&app, &browser(), &sku, 1).await;
    assert_eq!(status, 422);
    assert_eq!(refused["Invalid"]["form"], "Sorry, this is sold out.");
    let (status, refused) = add(&app, &guest, "NO-SUCH-SKU", 1).await;
    assert_eq!(status, 422);
    assert_eq!(
        refused["Invalid"]["form"],
        "This product is no longer sold."
    );
    let (status, refused) = add(&app, &guest, &sku, 0).await;
    assert_eq!(status, 422);
    assert_eq!(
        refused["Invalid"]["fields"]["quantity"],
        "Choose a quantity from 1 to 99."
    );
}

#[tokio::test]
async fn the_cart_tells_when_a_price_changed_or_the_stock_ran_out() {
    let app = TestApp::seeded(5).await;
    let variants = two_variants(&app).await;
    let (cheaper, price, _) = &variants[0];
    let (sold_out, _, _) = &variants[1];
    let guest = browser();
    for (sku, _, _) in &variants {
        set_stock(&app, sku, 5).await;
        add(&app, &guest, sku, 1).await;
    }
    sqlx::query("UPDATE variants SET price_amount = $1 WHERE sku = $2")
        .bind(price - 100)
        .bind(cheaper)
        .execute(app.db.pool())
        .await
        .unwrap();
    set_stock(&app, sold_out, 0).await;

    let cart = cart(&app, &guest).await;
    let line = |sku: &str| {
        cart["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["sku"] == sku)
            .unwrap()
            .clone()
    };
    assert_eq!(line(cheaper)["unit_price"]["amount"], price - 100);
    assert_eq!(
        line(cheaper)["notes"][0]["PriceChanged"]["was"]["amount"],
        *price
    );
    assert_eq!(line(sold_out)["notes"][0], "OutOfStock");
    assert_eq!(line(sold_out)["line_total"]["amount"], 0);
    assert_eq!(cart["subtotal"]["amount"], price - 100);
}

#[tokio::test]
async fn lines_are_updated_and_removed() {
    let app = TestApp::seeded(5).await;
    let variants = two_variants(&app).await;
    let guest = browser();
    for (sku, _, _) in &variants {
        set_stock(&app, sku, 9).await;
        add(&app, &guest, sku, 2).await;
    }
    let (first, second) = (&variants[0].0, &variants[1].0);
    let (status, _) = call(
        &app,
        &guest,
        "update_cart_line",
        &[("sku", first), ("quantity", "4")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(quantity_of(&cart(&app, &guest).await, first), 4);
    call(
        &app,
        &guest,
        "update_cart_line",
        &[("sku", first), ("quantity", "0")],
    )
    .await;
    call(&app, &guest, "remove_cart_line", &[("sku", second)]).await;
    let cart = cart(&app, &guest).await;
    assert_eq!(cart["lines"], Value::Array(vec![]));
    assert_eq!(cart["item_count"], 0);
}

#[tokio::test]
async fn a_guest_cart_joins_the_account_cart_at_sign_in() {
    let app = TestApp::seeded(5).await;
    create_user(
        &app.db,
        EMAIL,
        Password::new(PASSWORD.into()),
        Role::Customer,
    )
    .await
    .unwrap();
    let variants = two_variants(&app).await;
    let (shared, only_guest) = (&variants[0].0, &variants[1].0);
    set_stock(&app, shared, 4).await;
    set_stock(&app, only_guest, 9).await;
    let credentials = [("email", EMAIL), ("password", PASSWORD)];

    // Earlier, on another device, the account put 2 in its cart.
    let laptop = browser();
    call(&app, &laptop, "sign_in", &credentials).await;
    add(&app, &laptop, shared, 2).await;

    // Now, as a guest on a phone: 3 more of the same (the stock is 4) and another thing.
    let phone = browser();
    add(&app, &phone, shared, 3).await;
    add(&app, &phone, only_guest, 1).await;
    let (status, _) = call(&app, &phone, "sign_in", &credentials).await;
    assert_eq!(status, 200);

    let merged = cart(&app, &phone).await;
    assert_eq!(
        quantity_of(&merged, shared),
        4,
        "added, then capped at the stock"
    );
    assert_eq!(quantity_of(&merged, only_guest), 1);
    assert_eq!(cart(&app, &laptop).await, merged, "one cart per account");
    let guest_carts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM carts WHERE user_id IS NULL")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(guest_carts, 0);

    // Signing out leaves the account's cart for next time, not for the next person.
    call(&app, &phone, "sign_out", &[]).await;
    assert_eq!(cart(&app, &phone).await["item_count"], 0);
    assert_eq!(cart(&app, &laptop).await["item_count"], 5);
}
