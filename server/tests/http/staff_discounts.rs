//! Staff managing discount codes over HTTP: who may, what a code created or edited on
//! the form does at checkout, the form's refusals, and switching a code off.

use crate::accounts::{browser, call};
use crate::checkout::{guest_at_checkout, pay_as, variant, GOOD_CARD};
use crate::helpers::TestApp;
use crate::staff::{add_account, signed_in, staff_signed_in, CUSTOMER};
use app::accounts::server::Role;
use serde_json::Value;

/// An app with a published variant holding 10 at £20.00 (its SKU), and a signed-in
/// member of staff.
async fn shop_with_staff() -> (TestApp, String, reqwest::Client) {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 10).await;
    let (staff, _) = staff_signed_in(&app).await;
    (app, sku, staff)
}

/// The form's fields for `code`, a percentage off, with `changes` over them.
fn form<'a>(code: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("code", code),
        ("kind", "percentage"),
        ("value", "10"),
        ("minimum_subtotal", ""),
        ("starts", ""),
        ("ends", ""),
        ("usage_limit", ""),
        ("per_customer_limit", ""),
        ("categories", ""),
        ("products", ""),
    ];
    for (name, value) in changes {
        fields.retain(|(field, _)| field != name);
        fields.push((name, value));
    }
    fields
}

async fn create(app: &TestApp, staff: &reqwest::Client, fields: &[(&str, &str)]) -> (u16, Value) {
    call(app, staff, "create_discount_code", fields).await
}

/// Creates the code the fields describe: its id.
async fn created(app: &TestApp, staff: &reqwest::Client, fields: &[(&str, &str)]) -> i64 {
    let (status, saved) = create(app, staff, fields).await;
    assert_eq!(status, 200, "{saved}");
    saved["id"].as_i64().unwrap()
}

async fn code_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM discount_codes")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

fn field_message<'a>(body: &'a Value, field: &str) -> &'a str {
    body["Invalid"]["fields"][field]
        .as_str()
        .unwrap_or_else(|| panic!("no message for {field} in {body}"))
}

/// A guest with two of `sku` applies `code`: the status and the answer.
async fn shopper_applies(app: &TestApp, sku: &str, code: &str) -> (u16, Value) {
    let (guest, _) = guest_at_checkout(app, sku, 2).await;
    call(app, &guest, "apply_code", &[("code", code)]).await
}

#[tokio::test]
async fn only_staff_may_see_or_change_discount_codes() {
    let (app, _, staff) = shop_with_staff().await;
    let id = created(&app, &staff, &form("STAFFONLY", &[])).await;
    add_account(&app, CUSTOMER, Role::Customer).await;
    let customer = signed_in(&app, CUSTOMER).await;
    let stranger = browser();
    let id = id.to_string();
    let mut update = form("HACKED", &[]);
    update.push(("code_id", &id));
    let calls: [(&str, Vec<(&str, &str)>); 5] = [
        ("staff_discount_codes", vec![]),
        ("staff_discount_code", vec![("code_id", &id)]),
        ("create_discount_code", form("HACKED", &[])),
        ("update_discount_code", update),
        (
            "set_discount_code_active",
            vec![("code_id", &id), ("active", "false")],
        ),
    ];
    for (name, fields) in &calls {
        let (status, body) = call(&app, &customer, name, fields).await;
        assert_eq!(status, 403, "{name} as a customer: {body}");
        let (status, body) = call(&app, &stranger, name, fields).await;
        assert_eq!(status, 401, "{name} signed out: {body}");
    }
    let (codes, active): (String, i64) = sqlx::query_as(
        "SELECT code, CAST(CASE WHEN active THEN 1 ELSE 0 END AS BIGINT) FROM discount_codes",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!((codes.as_str(), active), ("STAFFONLY", 1));
    // The pages: nobody signed in is sent to sign in, a customer is turned away.
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/admin/discounts", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(page.status().is_redirection(), "{}", page.status());
    assert_eq!(page.headers()["location"], "/login");
    let page = customer
        .get(format!("{}/admin/discounts/{id}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    let html = page.text().await.unwrap();
    assert!(html.contains("Staff only"), "{html}");
    assert!(!html.contains("STAFFONLY"), "{html}");
}

#[tokio::test]
async fn a_code_created_by_staff_prices_at_checkout_and_is_listed_with_its_usage() {
    let (app, sku, staff) = shop_with_staff().await;
    let id = created(
        &app,
        &staff,
        &form(" welcome5 ", &[("kind", "fixed_amount"), ("value", "5.00")]),
    )
    .await;

    let (guest, key) = guest_at_checkout(&app, &sku, 2).await;
    let (status, applied) = call(&app, &guest, "apply_code", &[("code", "Welcome5")]).await;
    assert_eq!(status, 200, "{applied}");
    assert_eq!(applied["code"], "WELCOME5");
    assert_eq!(applied["description"], "£5.00 off");
    assert_eq!(applied["saving"]["amount"], 500);
    let (status, step) = pay_as(&app, &guest, &key, GOOD_CARD, "ada@shop.test").await;
    assert_eq!(status, 200, "{step}");

    let (status, codes) = call(&app, &staff, "staff_discount_codes", &[]).await;
    assert_eq!(status, 200, "{codes}");
    let code = &codes[0];
    assert_eq!(code["id"], id);
    assert_eq!(code["code"], "WELCOME5");
    assert_eq!(code["description"], "£5.00 off");
    assert_eq!(code["active"], true);
    assert_eq!(code["times_used"], 1);
    assert_eq!(code["customers"], 1);
    assert_eq!(code["fields"]["value"], "5.00");

    let page = staff
        .get(format!("{}/admin/discounts/{id}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Discount code WELCOME5"), "{page}");
    assert!(page.contains(r#"value="5.00""#), "{page}");
    assert!(
        page.contains(r#"<option value="fixed_amount" selected>"#),
        "{page}"
    );
    let list = staff
        .get(format!("{}/admin/discounts", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("WELCOME5") && list.contains("New code"),
        "{list}"
    );
}

#[tokio::test]
async fn the_new_code_form_works_without_javascript() {
    let (app, _, staff) = shop_with_staff().await;
    let answer = staff
        .post(format!("{}/rpc/create_discount_code", app.base))
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .form(&form("NOJS", &[("kind", "free_shipping"), ("value", "")]))
        .send()
        .await
        .unwrap();
    // The client follows the redirect to the new code's page, which says what happened.
    assert_eq!(answer.status(), 200);
    assert!(
        answer.url().path().starts_with("/admin/discounts/"),
        "{}",
        answer.url()
    );
    assert_eq!(answer.url().query(), Some("done=created"));
    let page = answer.text().await.unwrap();
    assert!(page.contains("The code is created."), "{page}");
    assert!(page.contains("Free delivery"), "{page}");
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_written() {
    let (app, _, staff) = shop_with_staff().await;
    let before = code_count(&app).await;
    let bad = form(
        "two words",
        &[
            ("value", "150"),
            ("minimum_subtotal", "lots"),
            ("starts", "01/12/2026"),
            ("ends", "2026-02-30"),
            ("usage_limit", "-1"),
            ("per_customer_limit", "1.5"),
            ("categories", "no-such-shelf, nor-this"),
            ("products", "ghost-product"),
        ],
    );
    let (status, refused) = create(&app, &staff, &bad).await;
    assert_eq!(status, 422, "{refused}");
    for field in [
        "code",
        "value",
        "minimum_subtotal",
        "starts",
        "ends",
        "usage_limit",
        "per_customer_limit",
    ] {
        field_message(&refused, field);
    }
    assert_eq!(
        field_message(&refused, "categories"),
        "There are no categories no-such-shelf, nor-this."
    );
    assert_eq!(
        field_message(&refused, "products"),
        "There is no product ghost-product."
    );
    assert_eq!(refused["Invalid"]["typed"]["value"], "150");

    let (status, refused) = create(&app, &staff, &form("OK", &[("kind", "cheap")])).await;
    assert_eq!(status, 422);
    field_message(&refused, "kind");
    let (status, refused) = create(
        &app,
        &staff,
        &form("LATE", &[("starts", "2026-12-10"), ("ends", "2026-12-01")]),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_message(&refused, "ends"),
        "The last day cannot be before the first day."
    );
    assert_eq!(code_count(&app).await, before);
}

#[tokio::test]
async fn a_duplicate_code_is_refused_whatever_its_case() {
    let (app, _, staff) = shop_with_staff().await;
    created(&app, &staff, &form("DEMO10", &[])).await;
    let (status, refused) = create(&app, &staff, &form(" demo10", &[])).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        field_message(&refused, "code"),
        "There is already a code DEMO10."
    );
    // Renaming another code to it is refused too.
    let other = created(&app, &staff, &form("OTHER", &[])).await.to_string();
    let mut rename = form("Demo10", &[]);
    rename.push(("code_id", &other));
    let (status, refused) = call(&app, &staff, "update_discount_code", &rename).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        field_message(&refused, "code"),
        "There is already a code DEMO10."
    );
    assert_eq!(code_count(&app).await, 2);
}

#[tokio::test]
async fn a_disabled_code_is_refused_to_shoppers_until_enabled_again() {
    let (app, sku, staff) = shop_with_staff().await;
    let id = created(&app, &staff, &form("SPRING", &[]))
        .await
        .to_string();
    let (status, saved) = call(
        &app,
        &staff,
        "set_discount_code_active",
        &[("code_id", &id), ("active", "false")],
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    let (status, refused) = shopper_applies(&app, &sku, "SPRING").await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        field_message(&refused, "code"),
        "This code is no longer available."
    );
    let (_, code) = call(&app, &staff, "staff_discount_code", &[("code_id", &id)]).await;
    assert_eq!(code["active"], false);

    call(
        &app,
        &staff,
        "set_discount_code_active",
        &[("code_id", &id), ("active", "true")],
    )
    .await;
    let (status, applied) = shopper_applies(&app, &sku, "SPRING").await;
    assert_eq!(status, 200, "{applied}");
    let (status, _) = call(
        &app,
        &staff,
        "set_discount_code_active",
        &[("code_id", "999999"), ("active", "false")],
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn editing_a_code_changes_what_it_gives_and_keeps_its_uses() {
    let (app, sku, staff) = shop_with_staff().await;
    let id = created(&app, &staff, &form("LOYAL", &[("usage_limit", "5")])).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 2).await;
    call(&app, &guest, "apply_code", &[("code", "LOYAL")]).await;
    let (status, step) = pay_as(&app, &guest, &key, GOOD_CARD, "ada@shop.test").await;
    assert_eq!(status, 200, "{step}");

    let id_text = id.to_string();
    let mut edit = form(
        "loyal",
        &[
            ("value", "12.5"),
            ("usage_limit", "6"),
            ("ends", "2099-12-31"),
        ],
    );
    edit.push(("code_id", &id_text));
    let (status, saved) = call(&app, &staff, "update_discount_code", &edit).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["id"], id);

    let (_, code) = call(
        &app,
        &staff,
        "staff_discount_code",
        &[("code_id", &id_text)],
    )
    .await;
    assert_eq!(code["times_used"], 1, "{code}");
    assert_eq!(code["usage_limit"], 6);
    assert_eq!(code["description"], "12.5% off");
    assert_eq!(code["fields"]["ends"], "2099-12-31");
    assert_eq!(code["active"], true);
    let (status, applied) = shopper_applies(&app, &sku, "LOYAL").await;
    assert_eq!(status, 200, "{applied}");
    // 12.5% of £40.00.
    assert_eq!(applied["saving"]["amount"], 500);
}

#[tokio::test]
async fn a_code_restricted_to_categories_applies_only_to_their_products() {
    let (app, sku, staff) = shop_with_staff().await;
    let (category, product): (String, String) = sqlx::query_as(
        "SELECT c.slug, p.slug FROM variants v JOIN products p ON p.id = v.product_id
         JOIN categories c ON c.id = p.category_id WHERE v.sku = $1",
    )
    .bind(&sku)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    // A category with no products that is not above the variant's.
    sqlx::query(
        "INSERT INTO categories (slug, name, created_at) VALUES ('empty-shelf', 'Empty shelf', 0)",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    created(&app, &staff, &form("SHELF", &[("categories", &category)])).await;
    created(
        &app,
        &staff,
        &form("ELSEWHERE", &[("categories", "Empty-Shelf")]),
    )
    .await;
    created(&app, &staff, &form("THISONE", &[("products", &product)])).await;

    let (status, applied) = shopper_applies(&app, &sku, "SHELF").await;
    assert_eq!(status, 200, "{applied}");
    assert_eq!(applied["saving"]["amount"], 400);
    let (status, applied) = shopper_applies(&app, &sku, "THISONE").await;
    assert_eq!(status, 200, "{applied}");
    let (status, refused) = shopper_applies(&app, &sku, "ELSEWHERE").await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        field_message(&refused, "code"),
        "This code doesn't apply to anything in your cart."
    );
    let (_, codes) = call(&app, &staff, "staff_discount_codes", &[]).await;
    let elsewhere = codes
        .as_array()
        .unwrap()
        .iter()
        .find(|code| code["code"] == "ELSEWHERE")
        .unwrap();
    assert_eq!(elsewhere["category_slugs"][0], "empty-shelf");
    assert_eq!(elsewhere["fields"]["categories"], "empty-shelf");
}

#[tokio::test]
async fn every_change_to_a_code_is_in_the_audit_log_for_staff_only() {
    let (app, _, staff) = shop_with_staff().await;
    let id = created(&app, &staff, &form("AUDITED", &[]))
        .await
        .to_string();
    let mut edit = form("AUDITED", &[("value", "15")]);
    edit.push(("code_id", &id));
    let (status, saved) = call(&app, &staff, "update_discount_code", &edit).await;
    assert_eq!(status, 200, "{saved}");
    let (status, saved) = call(
        &app,
        &staff,
        "set_discount_code_active",
        &[("code_id", &id), ("active", "false")],
    )
    .await;
    assert_eq!(status, 200, "{saved}");

    let (status, log) = call(&app, &staff, "staff_audit_log", &[]).await;
    assert_eq!(status, 200, "{log}");
    let entries = log["page"]["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["discount.disabled", "discount.updated", "discount.created"]
    );
    for entry in entries {
        assert_eq!(entry["actor"], crate::staff::STAFF);
        assert_eq!(entry["subject"], "discount code AUDITED");
    }
    let updated = &entries[1];
    let before: Value = serde_json::from_str(updated["before"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(updated["after"].as_str().unwrap()).unwrap();
    assert_eq!(
        before["kind"]["Percentage"]["basis_points"], 1000,
        "{before}"
    );
    assert_eq!(after["kind"]["Percentage"]["basis_points"], 1500, "{after}");

    // The page, filtered to one action: a link staff can share.
    let page = staff
        .get(format!("{}/admin/audit?action=discount.updated", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("discount code AUDITED"), "{html}");
    assert!(html.contains("discount.updated"), "{html}");
    assert_eq!(
        html.matches("<tr>").count(),
        2,
        "header and one entry: {html}"
    );

    add_account(&app, CUSTOMER, Role::Customer).await;
    let customer = signed_in(&app, CUSTOMER).await;
    let (status, _) = call(&app, &customer, "staff_audit_log", &[]).await;
    assert_eq!(status, 403);
    let page = customer
        .get(format!("{}/admin/audit", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    assert!(!page.text().await.unwrap().contains("AUDITED"));
    let (status, _) = call(&app, &browser(), "staff_audit_log", &[]).await;
    assert_eq!(status, 401);
}
