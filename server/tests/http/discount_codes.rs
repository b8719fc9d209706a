//! Discount codes at checkout over HTTP: applying one, what the order records, and
//! limits that hold under simultaneous checkouts; plus stock released by the job queue.

use crate::accounts::call;
use crate::checkout::{guest_at_checkout, orders, pay_as, stock, variant, DECLINED, GOOD_CARD};
use crate::helpers::TestApp;
use app::checkout::discounts::create_code;
use app::money::{Currency, Money};
use app::pricing::{AppliesTo, DiscountCode, DiscountKind};

fn code(name: &str, kind: DiscountKind) -> DiscountCode {
    DiscountCode {
        code: name.to_owned(),
        active: true,
        kind,
        applies_to: AppliesTo::Everything,
        minimum_subtotal: None,
        starts_at_millis: None,
        ends_at_millis: None,
        usage_limit: None,
        per_customer_limit: None,
    }
}

fn ten_percent() -> DiscountKind {
    DiscountKind::Percentage { basis_points: 1000 }
}

async fn times_used(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT times_used FROM discount_codes WHERE code = $1")
        .bind(name)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_applied_code_shows_on_the_checkout_and_comes_off_the_order() {
    let app = TestApp::seeded(3).await;
    create_code(&app.db, &code("WELCOME10", ten_percent()), 0)
        .await
        .unwrap();
    let sku = variant(&app, 5).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 2).await;

    let (status, applied) = call(&app, &guest, "apply_code", &[("code", " welcome10 ")]).await;
    assert_eq!(status, 200, "{applied}");
    assert_eq!(applied["code"], "WELCOME10");
    assert_eq!(applied["description"], "10% off");
    let (_, start) = call(&app, &guest, "start_checkout", &[]).await;
    assert_eq!(start["discount"]["code"], "WELCOME10");
    assert_eq!(start["discount"]["saving"]["amount"], 400);

    let (status, step) = pay_as(&app, &guest, &key, GOOD_CARD, "guest@shop.test").await;
    assert_eq!(status, 200, "{step}");
    // £40 less 10%, and £3.95 delivery (£36 is under the free-delivery threshold).
    assert_eq!(orders(&app).await, [("paid".to_owned(), 3995)]);
    assert_eq!(times_used(&app, "WELCOME10").await, 1);
    let path = step["Paid"]["path"].as_str().unwrap();
    let page = guest
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Discount (WELCOME10): −£4.00"), "{page}");
}

#[tokio::test]
async fn a_code_that_does_not_apply_is_refused_with_its_reason() {
    let app = TestApp::seeded(3).await;
    let mut big_spenders = code("BIG50", ten_percent());
    big_spenders.minimum_subtotal = Some(Money::new(10_000, Currency::GBP));
    create_code(&app.db, &big_spenders, 0).await.unwrap();
    let sku = variant(&app, 5).await;
    let (guest, _) = guest_at_checkout(&app, &sku, 1).await;

    let (status, refused) = call(&app, &guest, "apply_code", &[("code", "NOSUCH")]).await;
    assert_eq!(status, 422);
    assert_eq!(
        refused["Invalid"]["fields"]["code"],
        "We don't recognise that code. Please check it and try again."
    );
    let (status, refused) = call(&app, &guest, "apply_code", &[("code", "big50")]).await;
    assert_eq!(status, 422);
    let said = refused["Invalid"]["fields"]["code"].as_str().unwrap();
    assert!(said.contains("£100.00"), "{said}");
    assert!(said.contains("£80.00"), "{said}");
    let (_, start) = call(&app, &guest, "start_checkout", &[]).await;
    assert!(start["discount"].is_null(), "{start}");
}

#[tokio::test]
async fn a_usage_limit_holds_when_many_shoppers_check_out_at_once() {
    let app = TestApp::seeded(3).await;
    let mut limited = code("FIRST3", ten_percent());
    limited.usage_limit = Some(3);
    create_code(&app.db, &limited, 0).await.unwrap();
    let sku = variant(&app, 100).await;
    let mut shoppers = Vec::new();
    for n in 0..10 {
        let (guest, key) = guest_at_checkout(&app, &sku, 1).await;
        let (status, _) = call(&app, &guest, "apply_code", &[("code", "FIRST3")]).await;
        assert_eq!(status, 200);
        shoppers.push((guest, key, format!("shopper{n}@shop.test")));
    }
    let answers = pay_all_at_once(&app, shoppers).await;
    let paid = answers.iter().filter(|(status, _)| *status == 200).count();
    let refused: Vec<&str> = answers
        .iter()
        .filter(|(status, _)| *status == 422)
        .map(|(_, body)| body["Invalid"]["form"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(paid, 3, "{answers:?}");
    assert_eq!(refused.len(), 7);
    assert!(refused
        .iter()
        .all(|said| said.contains("used as many times as it allows")));
    assert_eq!(times_used(&app, "FIRST3").await, 3);
    // Only the three orders exist, and only their stock was taken.
    assert_eq!(orders(&app).await.len(), 3);
    assert_eq!(stock(&app, &sku).await, 97);
}

async fn pay_all_at_once(
    app: &TestApp,
    shoppers: Vec<(reqwest::Client, String, String)>,
) -> Vec<(u16, serde_json::Value)> {
    let payments = shoppers
        .iter()
        .map(|(guest, key, email)| pay_as(app, guest, key, GOOD_CARD, email));
    futures::future::join_all(payments).await
}

#[tokio::test]
async fn one_use_per_customer_and_a_declined_payment_gives_the_use_back() {
    let app = TestApp::seeded(3).await;
    let mut once_each = code("ONCE", DiscountKind::FreeShipping);
    once_each.per_customer_limit = Some(1);
    create_code(&app.db, &once_each, 0).await.unwrap();
    let sku = variant(&app, 10).await;

    // A declined card: the order is cancelled and the code is free to use again.
    let (guest, key) = guest_at_checkout(&app, &sku, 1).await;
    call(&app, &guest, "apply_code", &[("code", "ONCE")]).await;
    let (status, _) = pay_as(&app, &guest, &key, DECLINED, "ada@shop.test").await;
    assert_eq!(status, 422);
    assert_eq!(times_used(&app, "ONCE").await, 0);

    let (_, start) = call(&app, &guest, "start_checkout", &[]).await;
    let key = start["idempotency_key"].as_str().unwrap().to_owned();
    let (status, step) = pay_as(&app, &guest, &key, GOOD_CARD, "ada@shop.test").await;
    assert_eq!(status, 200, "{step}");
    // £20 and free delivery.
    assert_eq!(orders(&app).await[1], ("paid".to_owned(), 2000));

    // The same customer again, from another browser: refused at payment, nothing placed.
    let (other, key) = guest_at_checkout(&app, &sku, 1).await;
    let (status, _) = call(&app, &other, "apply_code", &[("code", "ONCE")]).await;
    assert_eq!(
        status, 200,
        "a guest is not known until they give their email"
    );
    let (status, refused) = pay_as(&app, &other, &key, GOOD_CARD, "Ada@Shop.test").await;
    assert_eq!(status, 422);
    let said = refused["Invalid"]["form"].as_str().unwrap();
    assert!(said.contains("already used"), "{said}");
    assert_eq!(orders(&app).await.len(), 2);
    assert_eq!(times_used(&app, "ONCE").await, 1);
}

#[tokio::test]
async fn the_job_queue_releases_the_stock_of_an_order_not_paid_in_time() {
    let app = TestApp::seeded_with(3, |state| {
        state.reserve_for = std::time::Duration::from_millis(300);
    })
    .await;
    let sku = variant(&app, 5).await;
    let (guest, key) = guest_at_checkout(&app, &sku, 2).await;
    // The bank's step leaves the order awaiting payment, its stock held.
    let (status, _) = pay_as(&app, &guest, &key, "4000 0025 0000 3155", "guest@shop.test").await;
    assert_eq!(status, 200);
    assert_eq!(stock(&app, &sku).await, 3);

    let options = app::jobs::WorkerOptions {
        poll_interval: std::time::Duration::from_millis(50),
        ..Default::default()
    };
    let worker = app::jobs::Worker::new(app.db.clone(), options)
        .handle(app::checkout::server::ReservationJobs::new(app.db.clone()));
    let worker = tokio::spawn(worker.run(std::future::pending()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while stock(&app, &sku).await != 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "the stock never came back"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    worker.abort();
    assert_eq!(orders(&app).await, [("cancelled".to_owned(), 4395)]);
}
