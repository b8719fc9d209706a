use super::*;
use crate::checkout::settings::default_settings;
use crate::db::testing::TestDb;
use crate::money::Currency;

/// A product with one variant of `stock` at £20.00; returns the variant id.
async fn product(db: &Db, sku: &str, stock: i64) -> i64 {
    let now = now_millis();
    let category: i64 = sqlx::query_scalar(
        "INSERT INTO categories (slug, name, created_at) VALUES ($1, 'Lamps', $2) RETURNING id",
    )
    .bind(format!("cat-{sku}"))
    .bind(now)
    .fetch_one(db.pool())
    .await
    .unwrap();
    let product: i64 = sqlx::query_scalar(
        "INSERT INTO products (category_id, slug, name, created_at, updated_at)
         VALUES ($1, $2, 'Oak lamp', $3, $3) RETURNING id",
    )
    .bind(category)
    .bind(format!("oak-lamp-{sku}"))
    .bind(now)
    .fetch_one(db.pool())
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO variants (product_id, sku, title, price_amount, currency, stock)
         VALUES ($1, $2, 'Small', 2000, 'GBP', $3) RETURNING id",
    )
    .bind(product)
    .bind(sku)
    .bind(stock)
    .fetch_one(db.pool())
    .await
    .unwrap()
}

/// A guest cart holding `quantity` of the variant.
async fn cart_with(db: &Db, variant_id: i64, quantity: i64) -> i64 {
    let cart = crate::cart::server::new_guest_cart(db).await.unwrap();
    sqlx::query(
        "INSERT INTO cart_lines (cart_id, variant_id, quantity, price_when_added, added_at)
         VALUES ($1, $2, $3, 2000, 0)",
    )
    .bind(cart)
    .bind(variant_id)
    .bind(quantity)
    .execute(db.pool())
    .await
    .unwrap();
    cart
}

fn request(cart_id: i64, key: &str) -> OrderRequest {
    OrderRequest {
        cart_id,
        user_id: None,
        email: "guest@shop.test".to_owned(),
        destination: Destination::country("GB"),
        address_json: r#"{"full_name":"Ada","country":"GB"}"#.to_owned(),
        shipping_method: Some("standard".to_owned()),
        discount_code: None,
        idempotency_key: key.to_owned(),
        reserve_for_ms: 30 * 60 * 1000,
    }
}

async fn stock(db: &Db, variant_id: i64) -> i64 {
    sqlx::query_scalar("SELECT stock FROM variants WHERE id = $1")
        .bind(variant_id)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn count(db: &Db, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db.pool())
        .await
        .unwrap()
}

fn settings() -> ShopSettings {
    default_settings(Currency::GBP)
}

#[tokio::test]
async fn an_order_takes_its_stock_and_keeps_its_priced_lines() {
    let test = TestDb::new().await;
    let variant = product(&test.db, "LAMP-S", 5).await;
    let cart = cart_with(&test.db, variant, 2).await;
    let placed = place_order(&test.db, &settings(), &request(cart, "k1"))
        .await
        .unwrap();
    let Ok(Placed::Created { order_id, .. }) = placed else {
        panic!("{placed:?}")
    };
    assert_eq!(stock(&test.db, variant).await, 3);
    let (status, subtotal, shipping, tax, total): (String, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT status, subtotal, shipping_total, tax_total, grand_total FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(test.db.pool())
    .await
    .unwrap();
    assert_eq!(status, "awaiting_payment");
    // £40 of goods: standard delivery is £3.95 below £50; VAT (20%) is inside the prices.
    assert_eq!((subtotal, shipping, total), (4000, 395, 4395));
    assert_eq!(tax, 667 + 66);
    let lines: i64 = sqlx::query_scalar(
        "SELECT CAST(SUM(line_total) AS BIGINT) FROM order_lines WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_one(test.db.pool())
    .await
    .unwrap();
    assert_eq!(lines + shipping, total);
    assert_eq!(count(&test.db, "order_events").await, 1);
}

#[tokio::test]
async fn too_little_stock_places_nothing_and_says_how_many_are_left() {
    let test = TestDb::new().await;
    let variant = product(&test.db, "LAMP-S", 1).await;
    let cart = cart_with(&test.db, variant, 2).await;
    let placed = place_order(&test.db, &settings(), &request(cart, "k1"))
        .await
        .unwrap();
    assert_eq!(
        placed,
        Err(NotPlaced::SoldOut {
            name: "Oak lamp (Small)".into(),
            available: 1
        })
    );
    assert_eq!(stock(&test.db, variant).await, 1);
    assert_eq!(count(&test.db, "orders").await, 0);
    assert_eq!(count(&test.db, "order_lines").await, 0);
}

#[tokio::test]
async fn an_address_no_method_serves_places_nothing() {
    let test = TestDb::new().await;
    let variant = product(&test.db, "LAMP-S", 5).await;
    let cart = cart_with(&test.db, variant, 1).await;
    let mut far = request(cart, "k1");
    far.destination = Destination::country("NZ");
    let placed = place_order(&test.db, &settings(), &far).await.unwrap();
    assert!(
        matches!(placed, Err(NotPlaced::NoShipping(_))),
        "{placed:?}"
    );
    assert_eq!(stock(&test.db, variant).await, 5);
    assert_eq!(count(&test.db, "orders").await, 0);
}

#[tokio::test]
async fn the_same_checkout_twice_is_one_order() {
    let test = TestDb::new().await;
    let variant = product(&test.db, "LAMP-S", 5).await;
    let cart = cart_with(&test.db, variant, 1).await;
    let first = place_order(&test.db, &settings(), &request(cart, "same"))
        .await
        .unwrap();
    let again = place_order(&test.db, &settings(), &request(cart, "same"))
        .await
        .unwrap();
    let (Ok(Placed::Created { order_id, .. }), Ok(Placed::AlreadyPlaced { order_id: again_id })) =
        (first.clone(), again.clone())
    else {
        panic!("{first:?} {again:?}")
    };
    assert_eq!(order_id, again_id);
    assert_eq!(count(&test.db, "orders").await, 1);
    assert_eq!(stock(&test.db, variant).await, 4);
}

#[tokio::test]
async fn two_hundred_buyers_racing_for_twenty_units_make_exactly_twenty_orders() {
    let test = TestDb::new().await;
    let variant = product(&test.db, "LAST-20", 20).await;
    let mut buyers = Vec::new();
    for n in 0..200 {
        let db = test.db.clone();
        let cart = cart_with(&db, variant, 1).await;
        buyers.push(tokio::spawn(async move {
            place_order(&db, &settings(), &request(cart, &format!("buyer-{n}"))).await
        }));
    }
    let (mut placed, mut sold_out) = (0, 0);
    for buyer in buyers {
        match buyer
            .await
            .unwrap()
            .expect("no database error under contention")
        {
            Ok(Placed::Created { .. }) => placed += 1,
            Err(NotPlaced::SoldOut { available: 0, .. }) => sold_out += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((placed, sold_out), (20, 180));
    assert_eq!(stock(&test.db, variant).await, 0);
    assert_eq!(count(&test.db, "orders").await, 20);
}

#[tokio::test]
async fn fifty_concurrent_submits_of_one_checkout_make_one_order() {
    let test = TestDb::new().await;
    let variant = product(&test.db, "LAMP-S", 10).await;
    let cart = cart_with(&test.db, variant, 2).await;
    let mut submits = Vec::new();
    for _ in 0..50 {
        let db = test.db.clone();
        submits.push(tokio::spawn(async move {
            place_order(&db, &settings(), &request(cart, "double-click")).await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for submit in submits {
        match submit
            .await
            .unwrap()
            .expect("no database error under contention")
        {
            Ok(Placed::Created { order_id, .. }) | Ok(Placed::AlreadyPlaced { order_id }) => {
                ids.insert(order_id);
            }
            Err(refused) => panic!("{refused:?}"),
        }
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(count(&test.db, "orders").await, 1);
    assert_eq!(stock(&test.db, variant).await, 8);
}

#[tokio::test]
async fn stock_held_for_an_unpaid_order_goes_back_when_its_time_is_up() {
    let test = TestDb::new().await;
    let variant = product(&test.db, "LAMP-S", 5).await;
    let cart = cart_with(&test.db, variant, 3).await;
    let Ok(Placed::Created { order_id, .. }) =
        place_order(&test.db, &settings(), &request(cart, "k1"))
            .await
            .unwrap()
    else {
        panic!("placed")
    };
    assert_eq!(stock(&test.db, variant).await, 2);
    // The job queue holds the release for when the 30 minutes are up.
    let (kind, payload, run_at): (String, String, i64) =
        sqlx::query_as("SELECT kind, payload, run_at FROM jobs WHERE kind = $1")
            .bind(RELEASE_RESERVATION)
            .fetch_one(test.db.pool())
            .await
            .unwrap();
    assert_eq!(
        (kind.as_str(), payload),
        (RELEASE_RESERVATION, order_id.to_string())
    );
    let now = now_millis();
    assert!(run_at > now + 29 * 60 * 1000 && run_at <= now + 30 * 60 * 1000);
    // Within the 30 minutes nothing moves.
    assert_eq!(
        release_reservation(&test.db, order_id, now).await.unwrap(),
        Reservation::NotDue
    );
    assert_eq!(stock(&test.db, variant).await, 2);
    // After them, the order is cancelled and the stock is back, once.
    let later = now + 31 * 60 * 1000;
    assert_eq!(
        release_reservation(&test.db, order_id, later)
            .await
            .unwrap(),
        Reservation::Released
    );
    assert_eq!(
        release_reservation(&test.db, order_id, later)
            .await
            .unwrap(),
        Reservation::Settled
    );
    assert_eq!(stock(&test.db, variant).await, 5);
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(test.db.pool())
        .await
        .unwrap();
    assert_eq!(status, "cancelled");
    let events: Vec<(Option<String>, String, String)> = sqlx::query_as(
        "SELECT from_status, to_status, actor FROM order_events WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(test.db.pool())
    .await
    .unwrap();
    assert_eq!(
        events,
        [
            (None, "awaiting_payment".into(), "customer".into()),
            (
                Some("awaiting_payment".into()),
                "cancelled".into(),
                "system".into()
            ),
        ]
    );
}
