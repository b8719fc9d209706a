//! Staff adjusting stock over HTTP: reasons and history, never below zero, concurrent
//! adjustments, the shop's own movements (sold, cancelled), the storefront seeing the
//! change, and the low-stock list.

use crate::accounts::{browser, call};
use crate::checkout::{
    guest_at_checkout, order_number, pay_as, stock, variant, ASKS_THE_BANK, GOOD_CARD,
};
use crate::helpers::TestApp;
use crate::staff::{add_account, signed_in, staff_signed_in, CUSTOMER, STAFF};
use app::accounts::server::Role;
use serde_json::Value;

async fn adjust(
    app: &TestApp,
    client: &reqwest::Client,
    sku: &str,
    mode: &str,
    amount: &str,
    reason: &str,
    note: &str,
) -> (u16, Value) {
    call(
        app,
        client,
        "adjust_stock",
        &[
            ("sku", sku),
            ("mode", mode),
            ("amount", amount),
            ("reason", reason),
            ("note", note),
        ],
    )
    .await
}

/// The variant `sku` with its history, as the stock page's server function reads it.
async fn opened(app: &TestApp, client: &reqwest::Client, sku: &str) -> Value {
    let (status, page) = call(app, client, "staff_stock", &[("sku", sku)]).await;
    assert_eq!(status, 200, "{page}");
    page["selected"].clone()
}

async fn movements(app: &TestApp, sku: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM stock_movements m JOIN variants v ON v.id = m.variant_id
         WHERE v.sku = $1",
    )
    .bind(sku)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn stock_changes_are_recorded_with_who_before_after_and_why() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 10).await;
    let (staff, _) = staff_signed_in(&app).await;

    let (status, body) = adjust(&app, &staff, &sku, "by", "+5", "received", "").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["before"].as_i64(), body["after"].as_i64()),
        (Some(10), Some(15))
    );
    let (status, body) = adjust(
        &app,
        &staff,
        &sku,
        "to",
        "7",
        "count_correction",
        "shelf count",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["message"],
        format!("The stock of {sku} went from 15 to 7.")
    );
    assert_eq!(stock(&app, &sku).await, 7);

    let selected = opened(&app, &staff, &sku).await;
    assert_eq!(selected["variant"]["stock"], 7);
    let history = selected["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{selected}");
    assert_eq!(history[0]["who"], STAFF);
    assert_eq!(
        (history[0]["before"].as_i64(), history[0]["after"].as_i64()),
        (Some(15), Some(7))
    );
    assert_eq!(history[0]["reason_label"], "Stock count correction");
    assert_eq!(history[0]["note"], "shelf count");
    assert_eq!(
        (history[1]["before"].as_i64(), history[1]["after"].as_i64()),
        (Some(10), Some(15))
    );
    assert_eq!(history[1]["reason_label"], "Received delivery");
    assert_eq!(history[1]["note"], Value::Null);

    let page = staff
        .get(format!("{}/admin/stock?sku={sku}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for seen in [
        "15 → 7",
        "10 → 15",
        "Stock count correction",
        "shelf count",
        STAFF,
        "In stock: 7",
    ] {
        assert!(html.contains(seen), "{seen} not in {html}");
    }

    let audited: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT actor, subject, after FROM staff_actions WHERE action = 'stock.adjusted' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(audited.len(), 2);
    assert_eq!(audited[1].0, STAFF);
    assert_eq!(audited[1].1, format!("stock {sku}"));
    assert!(audited[1]
        .2
        .as_deref()
        .unwrap()
        .contains("count_correction"));
}

#[tokio::test]
async fn stock_never_goes_below_zero_and_a_refusal_changes_nothing() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 2).await;
    let (staff, _) = staff_signed_in(&app).await;

    let (status, body) = adjust(&app, &staff, &sku, "by", "-3", "damaged", "").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["Invalid"]["fields"]["amount"],
        "That would take the stock below 0: there are only 2 in stock. Nothing was changed."
    );
    let (status, body) = adjust(&app, &staff, &sku, "to", "-1", "count_correction", "").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["Invalid"]["fields"]["amount"],
        "Stock cannot be set below 0."
    );
    // "Other" needs a note; a reason must be one of the list.
    let (status, body) = adjust(&app, &staff, &sku, "by", "1", "other", " ").await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["Invalid"]["fields"]["note"].as_str().is_some(),
        "{body}"
    );
    let (status, body) = adjust(&app, &staff, &sku, "by", "1", "sold", "").await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["Invalid"]["fields"]["reason"].as_str().is_some(),
        "{body}"
    );
    let (status, _) = adjust(&app, &staff, "NO-SUCH-SKU", "by", "1", "received", "").await;
    assert_eq!(status, 404);

    assert_eq!(stock(&app, &sku).await, 2);
    assert_eq!(movements(&app, &sku).await, 0);

    let (status, body) = adjust(&app, &staff, &sku, "by", "-2", "damaged", "dropped").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(stock(&app, &sku).await, 0);
}

#[tokio::test]
async fn twenty_concurrent_decrements_of_ten_take_exactly_ten() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 10).await;
    let (staff, _) = staff_signed_in(&app).await;
    let attempts = (0..20).map(|_| adjust(&app, &staff, &sku, "by", "-1", "damaged", ""));
    let answers = futures::future::join_all(attempts).await;
    let taken = answers.iter().filter(|(status, _)| *status == 200).count();
    let refused = answers.iter().filter(|(status, _)| *status == 422).count();
    assert_eq!((taken, refused), (10, 10), "{answers:?}");
    assert_eq!(stock(&app, &sku).await, 0);
    assert_eq!(movements(&app, &sku).await, 10);
    let (_, page) = call(&app, &staff, "staff_stock", &[("sku", sku.as_str())]).await;
    let afters: Vec<i64> = page["selected"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["after"].as_i64().unwrap())
        .collect();
    assert_eq!(afters, (0..10).collect::<Vec<_>>());
}

#[tokio::test]
async fn orders_placed_and_cancelled_appear_in_the_history() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 5).await;
    let (staff, _) = staff_signed_in(&app).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 2).await;
    let (status, step) = pay_as(&app, &guest, &key, ASKS_THE_BANK, "guest@shop.test").await;
    assert_eq!(status, 200, "{step}");
    let path = step
        .as_object()
        .and_then(|step| step.values().next())
        .and_then(|step| step["path"].as_str())
        .unwrap_or_else(|| panic!("no order page in {step}"));
    let number = order_number(path).to_owned();
    assert_eq!(stock(&app, &sku).await, 3);
    let (status, body) = call(
        &app,
        &staff,
        "cancel_order",
        &[("number", number.as_str()), ("reason", "asked by phone")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(stock(&app, &sku).await, 5);

    let history = opened(&app, &staff, &sku).await["history"].clone();
    let seen: Vec<(String, i64, i64, String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["reason"].as_str().unwrap().to_owned(),
                m["before"].as_i64().unwrap(),
                m["after"].as_i64().unwrap(),
                m["who"].as_str().unwrap().to_owned(),
                m["order_number"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let shop = "The shop".to_owned();
    assert_eq!(
        seen,
        [
            (
                "OrderCancelled".to_owned(),
                3,
                5,
                shop.clone(),
                number.clone()
            ),
            ("Sold".to_owned(), 5, 3, shop, number.clone()),
        ]
    );
    let html = staff
        .get(format!("{}/admin/stock?sku={sku}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Order cancelled, back in stock"), "{html}");
    assert!(html.contains(&format!("/admin/orders/{number}")), "{html}");
}

/// The storefront path of the product holding `sku`.
async fn product_path(app: &TestApp, sku: &str) -> String {
    let slug: String = sqlx::query_scalar(
        "SELECT p.slug FROM products p JOIN variants v ON v.product_id = p.id WHERE v.sku = $1",
    )
    .bind(sku)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    format!("/products/{slug}")
}

#[tokio::test]
async fn the_storefront_shows_the_stock_after_an_adjustment() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 50).await;
    let (staff, _) = staff_signed_in(&app).await;
    let path = product_path(&app, &sku).await;
    // Only this variant: the product page shows its stock.
    only_variant(&app, &sku).await;
    let (_, html) = app.page(&path).await;
    assert!(html.contains("In stock"), "{html}");

    let (status, _) = adjust(&app, &staff, &sku, "to", "3", "count_correction", "").await;
    assert_eq!(status, 200);
    // The shop's index follows the catalog's change feed; catch it up now rather than
    // wait for its next poll (cached pages are kept per catalog revision).
    app.search.refresh(&app.db).await.unwrap();
    let (_, html) = app.page(&path).await;
    assert!(html.contains("Only 3 left"), "{html}");

    let (status, _) = adjust(&app, &staff, &sku, "by", "-3", "damaged", "").await;
    assert_eq!(status, 200);
    app.search.refresh(&app.db).await.unwrap();
    let (_, html) = app.page(&path).await;
    assert!(html.contains("Out of stock"), "{html}");
}

#[tokio::test]
async fn the_low_stock_list_holds_variants_at_five_or_fewer_out_of_stock_first() {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    sqlx::query("UPDATE variants SET stock = 100")
        .execute(app.db.pool())
        .await
        .unwrap();
    let skus: Vec<String> = sqlx::query_scalar("SELECT sku FROM variants ORDER BY id LIMIT 3")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    for (sku, count) in skus.iter().zip(["5", "0", "6"]) {
        let (status, body) = adjust(&app, &staff, sku, "to", count, "count_correction", "").await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, page) = call(&app, &staff, "staff_stock", &[]).await;
    assert_eq!(status, 200, "{page}");
    let low: Vec<(String, i64)> = page["low_stock"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["sku"].as_str().unwrap().to_owned(),
                v["stock"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(low, [(skus[1].clone(), 0), (skus[0].clone(), 5)]);

    let html = staff
        .get(format!("{}/admin/stock", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Low stock (5 or fewer)"), "{html}");
    assert!(
        html.contains(&skus[1]) && !html.contains(&skus[2]),
        "{html}"
    );

    // Found by SKU or by product name.
    let (_, page) = call(&app, &staff, "staff_stock", &[("q", skus[2].as_str())]).await;
    assert_eq!(page["matches"][0]["sku"], skus[2].as_str());
    let name = page["matches"][0]["product_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, page) = call(&app, &staff, "staff_stock", &[("q", &name.to_uppercase())]).await;
    assert!(page["matches"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["sku"] == skus[2].as_str()));
}

#[tokio::test]
async fn only_staff_may_read_or_adjust_stock() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 5).await;
    add_account(&app, CUSTOMER, Role::Customer).await;
    let customer = signed_in(&app, CUSTOMER).await;
    let stranger = browser();
    let calls: [(&str, Vec<(&str, &str)>); 2] = [
        ("staff_stock", vec![("sku", &sku)]),
        (
            "adjust_stock",
            vec![
                ("sku", &sku),
                ("mode", "by"),
                ("amount", "5"),
                ("reason", "received"),
            ],
        ),
    ];
    for (name, form) in &calls {
        assert_eq!(call(&app, &customer, name, form).await.0, 403, "{name}");
        assert_eq!(call(&app, &stranger, name, form).await.0, 401, "{name}");
    }
    assert_eq!(stock(&app, &sku).await, 5);
    let page = customer
        .get(format!("{}/admin/stock", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
}

#[tokio::test]
async fn concurrent_counts_and_changes_keep_a_consistent_history() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 10).await;
    let (staff, _) = staff_signed_in(&app).await;
    let attempts = (0..12).map(|i| {
        let (mode, amount) = if i % 3 == 0 {
            ("to", "8")
        } else {
            ("by", "-1")
        };
        adjust(&app, &staff, &sku, mode, amount, "count_correction", "")
    });
    for (status, body) in futures::future::join_all(attempts).await {
        assert_eq!(status, 200, "{body}");
    }
    // Newest first: each change starts where the one before it ended.
    let history = opened(&app, &staff, &sku).await["history"].clone();
    let steps: Vec<(i64, i64)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["before"].as_i64().unwrap(), m["after"].as_i64().unwrap()))
        .collect();
    assert_eq!(steps.len(), 12);
    assert_eq!(steps.last().unwrap().0, 10);
    for pair in steps.windows(2) {
        assert_eq!(pair[0].0, pair[1].1, "{steps:?}");
    }
    assert_eq!(stock(&app, &sku).await, steps[0].1);
}

/// Leaves `sku` the only variant of its product, so the product page shows its stock.
async fn only_variant(app: &TestApp, sku: &str) {
    sqlx::query("DELETE FROM variants WHERE product_id = (SELECT product_id FROM variants WHERE sku = $1) AND sku <> $1")
        .bind(sku)
        .execute(app.db.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn sales_and_cancellations_change_the_availability_every_shopper_sees() {
    let app = TestApp::seeded(3).await;
    let sku = variant(&app, 6).await;
    only_variant(&app, &sku).await;
    let (staff, _) = staff_signed_in(&app).await;
    let path = product_path(&app, &sku).await;
    // Shoppers without a session are answered from the page cache, kept per catalog
    // revision: the page below is the cached one unless the order moved the revision.
    let (_, html) = app.page(&path).await;
    assert!(html.contains("In stock"), "{html}");

    let (guest, key) = guest_at_checkout(&app, &sku, 2).await;
    let (status, step) = pay_as(&app, &guest, &key, GOOD_CARD, "first@shop.test").await;
    assert_eq!(status, 200, "{step}");
    app.search.refresh(&app.db).await.unwrap();
    let (_, html) = app.page(&path).await;
    assert!(html.contains("Only 4 left"), "{html}");

    let (guest, key) = guest_at_checkout(&app, &sku, 1).await;
    let (status, step) = pay_as(&app, &guest, &key, ASKS_THE_BANK, "second@shop.test").await;
    assert_eq!(status, 200, "{step}");
    app.search.refresh(&app.db).await.unwrap();
    let (_, html) = app.page(&path).await;
    assert!(html.contains("Only 3 left"), "{html}");

    let path_of_order = step
        .as_object()
        .and_then(|step| step.values().next())
        .and_then(|step| step["path"].as_str())
        .unwrap_or_else(|| panic!("no order page in {step}"))
        .to_owned();
    let number = order_number(&path_of_order).to_owned();
    let (status, body) = call(
        &app,
        &staff,
        "cancel_order",
        &[("number", number.as_str()), ("reason", "asked by phone")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    app.search.refresh(&app.db).await.unwrap();
    let (_, html) = app.page(&path).await;
    assert!(html.contains("Only 4 left"), "{html}");
}
