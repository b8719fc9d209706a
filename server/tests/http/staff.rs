//! What every staff test needs: accounts of either role, signed in, and the promise that
//! every staff server function refuses anyone but staff.

use crate::accounts::{browser, call};
use crate::helpers::TestApp;
use app::accounts::password::Password;
use app::accounts::server::{create_user, CreateUser, Role};

pub(crate) const STAFF: &str = "staff@shop.test";
pub(crate) const CUSTOMER: &str = "ann@shop.test";
pub(crate) const PASSWORD: &str = "a long enough secret";

/// Creates an account with [`PASSWORD`]: its user id.
pub(crate) async fn add_account(app: &TestApp, email: &str, role: Role) -> i64 {
    let created = create_user(&app.db, email, Password::new(PASSWORD.into()), role)
        .await
        .unwrap();
    let CreateUser::Created { id } = created else {
        panic!("account {email} not created: {created:?}");
    };
    id
}

/// A client signed in as `email` (whose password is [`PASSWORD`]).
pub(crate) async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = browser();
    let (status, body) = call(
        app,
        &client,
        "sign_in",
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    client
}

/// A member of staff ([`STAFF`]), signed in: their client and user id.
pub(crate) async fn staff_signed_in(app: &TestApp) -> (reqwest::Client, i64) {
    let id = add_account(app, STAFF, Role::Staff).await;
    (signed_in(app, STAFF).await, id)
}

/// Every server function behind `/admin`, by endpoint name. A new staff function joins
/// this list, so the test below holds it to the same rule.
const STAFF_FUNCTIONS: [&str; 49] = [
    "staff_dashboard",
    "staff_orders",
    "staff_order",
    "cancel_order",
    "refund_order",
    "fulfil_order",
    "deliver_order",
    "staff_discount_codes",
    "staff_discount_code",
    "create_discount_code",
    "update_discount_code",
    "set_discount_code_active",
    "staff_audit_log",
    "staff_products",
    "staff_product",
    "staff_product_categories",
    "create_product",
    "update_product",
    "delete_product",
    "staff_categories",
    "staff_category",
    "create_category",
    "update_category",
    "move_category",
    "delete_category",
    "product_photos_for_staff",
    "upload_product_photos",
    "move_product_photo",
    "set_photo_alt",
    "delete_product_photo",
    "staff_stock",
    "adjust_stock",
    "staff_customers",
    "staff_customer",
    "disable_customer",
    "enable_customer",
    "two_factor_status",
    "two_factor_begin",
    "two_factor_confirm",
    "two_factor_disable",
    "staff_api_tokens",
    "create_api_token",
    "revoke_api_token",
    "staff_webhook_endpoints",
    "staff_webhook_endpoint",
    "create_webhook_endpoint",
    "set_webhook_endpoint_active",
    "delete_webhook_endpoint",
    "resend_webhook_delivery",
];

/// Arguments that satisfy every staff function's required parameters, so what answers
/// is the staff check and not a missing argument.
const ANY_ARGUMENTS: [(&str, &str); 20] = [
    ("number", "BZ-100000-A"),
    ("code_id", "1"),
    ("active", "false"),
    ("product_id", "1"),
    ("version", "1"),
    ("category_id", "1"),
    ("direction", "up"),
    ("photo_id", "1"),
    ("alt", "A photo"),
    ("sku", "SKU-1"),
    ("id", "1"),
    ("mode", "by"),
    ("amount", "-1"),
    ("reason", "damaged"),
    ("confirm", "yes"),
    ("code", "123456"),
    ("password", "a long enough secret"),
    ("token_id", "1"),
    ("endpoint_id", "1"),
    ("delivery_id", "1"),
];

#[tokio::test]
async fn every_staff_function_refuses_customers_and_strangers_and_changes_nothing() {
    let app = TestApp::seeded(3).await;
    add_account(&app, CUSTOMER, Role::Customer).await;
    let customer = signed_in(&app, CUSTOMER).await;
    let stranger = browser();
    let before = crate::checkout::stock(&app, &first_sku(&app).await).await;
    for name in STAFF_FUNCTIONS {
        let (status, body) = call(&app, &customer, name, &ANY_ARGUMENTS).await;
        assert_eq!(status, 403, "a customer calling {name}: {body}");
        let (status, body) = call(&app, &stranger, name, &ANY_ARGUMENTS).await;
        assert_eq!(status, 401, "nobody calling {name}: {body}");
    }
    let after = crate::checkout::stock(&app, &first_sku(&app).await).await;
    assert_eq!(before, after);
    let changes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_actions")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(changes, 0);
}

async fn first_sku(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT sku FROM variants ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}
