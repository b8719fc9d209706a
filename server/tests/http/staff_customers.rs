//! Staff reading customers over HTTP, and disabling and enabling an account: a disabled
//! account is signed out at once and cannot sign in, staff accounts cannot be disabled.

use crate::accounts::{browser, call};
use crate::checkout::{guest_at_checkout, order_number, pay_as, variant, GOOD_CARD};
use crate::helpers::TestApp;
use crate::staff::{add_account, signed_in, staff_signed_in, CUSTOMER, PASSWORD, STAFF};
use app::accounts::api::{ACCOUNT_DISABLED, SIGN_IN_REFUSED};
use app::accounts::server::Role;
use serde_json::Value;

/// A guest order paid with `email`: its number.
async fn guest_order(app: &TestApp, sku: &str, email: &str) -> String {
    let (guest, key) = guest_at_checkout(app, sku, 1).await;
    let (status, step) = pay_as(app, &guest, &key, GOOD_CARD, email).await;
    assert_eq!(status, 200, "{step}");
    let path = step
        .as_object()
        .and_then(|step| step.values().next())
        .and_then(|step| step["path"].as_str())
        .unwrap_or_else(|| panic!("no order page in {step}"));
    order_number(path).to_owned()
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> (u16, Value) {
    call(
        app,
        &browser(),
        "sign_in",
        &[("email", email), ("password", password)],
    )
    .await
}

async fn audited(app: &TestApp, action: &str) -> Vec<(String, String)> {
    sqlx::query_as("SELECT actor, subject FROM staff_actions WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_find_customers_and_see_their_orders() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 10).await;
    let (staff, _) = staff_signed_in(&app).await;
    let ann = add_account(&app, CUSTOMER, Role::Customer).await;
    add_account(&app, "bob@shop.test", Role::Customer).await;
    let number = guest_order(&app, &sku, CUSTOMER).await;
    guest_order(&app, &sku, "bob@shop.test").await;
    guest_order(&app, &sku, "someone@else.test").await;

    let (status, list) = call(&app, &staff, "staff_customers", &[]).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["customers"].as_array().unwrap().len(), 3, "{list}");
    let (status, list) = call(&app, &staff, "staff_customers", &[("q", "ANN@")]).await;
    assert_eq!(status, 200, "{list}");
    let found = list["customers"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{list}");
    assert_eq!(found[0]["email"], CUSTOMER);
    assert_eq!(found[0]["orders"], 1);
    assert_eq!(found[0]["disabled"], false);
    assert_eq!(found[0]["verified"], false);

    let (status, one) = call(&app, &staff, "staff_customer", &[("id", &ann.to_string())]).await;
    assert_eq!(status, 200, "{one}");
    let orders = one["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "{one}");
    assert_eq!(orders[0]["number"], number.as_str());
    assert_eq!(orders[0]["status_label"], "Paid");

    let html = staff
        .get(format!("{}/admin/customers/{ann}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("/admin/orders/{number}")), "{html}");
    assert!(html.contains("Disable the account"), "{html}");
    let html = staff
        .get(format!("{}/admin/customers?q=bob", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("bob@shop.test") && !html.contains(CUSTOMER),
        "{html}"
    );
    let (status, _) = app.page("/admin/customers/999999").await;
    assert_ne!(status, 200);
}

#[tokio::test]
async fn a_disabled_customer_is_signed_out_at_once_and_cannot_sign_in() {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    let ann = add_account(&app, CUSTOMER, Role::Customer).await;
    let session = signed_in(&app, CUSTOMER).await;
    assert_eq!(call(&app, &session, "my_orders", &[]).await.0, 200);

    let id = ann.to_string();
    let (status, body) = call(&app, &staff, "disable_customer", &[("id", &id)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["disabled"], true);
    assert_eq!(call(&app, &session, "my_orders", &[]).await.0, 401);
    let (_, account) = call(&app, &session, "current_account", &[]).await;
    assert_eq!(account, Value::Null);

    // Only the right password learns that the account is disabled.
    let (status, body) = sign_in(&app, CUSTOMER, PASSWORD).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["Invalid"]["form"], ACCOUNT_DISABLED);
    let (status, body) = sign_in(&app, CUSTOMER, "not the password at all").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["Invalid"]["form"], SIGN_IN_REFUSED);

    let (_, one) = call(&app, &staff, "staff_customer", &[("id", &id)]).await;
    assert_eq!(one["summary"]["disabled"], true);
    assert!(one["disabled_at"].as_i64().is_some());
    assert_eq!(
        audited(&app, "customer.disabled").await,
        [(STAFF.to_owned(), format!("customer {CUSTOMER}"))]
    );

    let (status, body) = call(&app, &staff, "enable_customer", &[("id", &id)]).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = sign_in(&app, CUSTOMER, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(audited(&app, "customer.enabled").await.len(), 1);
}

#[tokio::test]
async fn staff_cannot_disable_staff_or_themselves() {
    let app = TestApp::seeded(3).await;
    let (staff, me) = staff_signed_in(&app).await;
    let colleague = add_account(&app, "colleague@shop.test", Role::Staff).await;
    for (id, message) in [
        (colleague, "Staff accounts cannot be disabled here."),
        (me, "You cannot disable your own account."),
    ] {
        let (status, body) =
            call(&app, &staff, "disable_customer", &[("id", &id.to_string())]).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["Invalid"]["form"], message);
    }
    let (status, _) = sign_in(&app, "colleague@shop.test", PASSWORD).await;
    assert_eq!(status, 200);
    assert!(audited(&app, "customer.disabled").await.is_empty());
    let html = staff
        .get(format!("{}/admin/customers/{colleague}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Staff accounts cannot be disabled here."),
        "{html}"
    );
    assert!(!html.contains("Disable the account"), "{html}");
}

#[tokio::test]
async fn only_staff_may_see_or_disable_customers() {
    let app = TestApp::seeded(3).await;
    let ann = add_account(&app, CUSTOMER, Role::Customer).await;
    let bob = add_account(&app, "bob@shop.test", Role::Customer).await;
    let customer = signed_in(&app, CUSTOMER).await;
    let stranger = browser();
    let bob = bob.to_string();
    let calls: [(&str, Vec<(&str, &str)>); 4] = [
        ("staff_customers", vec![]),
        ("staff_customer", vec![("id", &bob)]),
        ("disable_customer", vec![("id", &bob)]),
        ("enable_customer", vec![("id", &bob)]),
    ];
    for (name, form) in &calls {
        assert_eq!(call(&app, &customer, name, form).await.0, 403, "{name}");
        assert_eq!(call(&app, &stranger, name, form).await.0, 401, "{name}");
    }
    let (status, _) = sign_in(&app, "bob@shop.test", PASSWORD).await;
    assert_eq!(status, 200);
    let page = customer
        .get(format!("{}/admin/customers/{ann}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
}
