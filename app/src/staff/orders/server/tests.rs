//! Cancelling and refunding against a scripted payment provider: what the provider is
//! asked, and that its refusal or silence changes nothing.

use super::*;
use crate::accounts::password::Password;
use crate::accounts::server::{create_user, CreateUser, Role};
use crate::checkout::payment::{settle, KeptCard, PaymentRecord};
use crate::checkout::server::{place_order, OrderRequest, Placed};
use crate::db::testing::TestDb;
use crate::money::Currency;
use crate::payments::provider::{Charge, ChargeAnswer, ProviderError};
use crate::payments::CardOutcome;
use crate::pricing::Destination;
use std::sync::Mutex;

/// A provider named `test` whose refunds answer `answer` (`None`: it cannot be reached),
/// keeping what it was asked: idempotency key, payment reference, amount.
#[derive(Debug)]
struct Scripted {
    answer: Option<RefundAnswer>,
    asked: Mutex<Vec<(String, Option<String>, i64)>>,
}

impl Scripted {
    fn answering(answer: Option<RefundAnswer>) -> Scripted {
        Scripted {
            answer,
            asked: Mutex::new(Vec::new()),
        }
    }

    fn asked(&self) -> Vec<(String, Option<String>, i64)> {
        self.asked.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl PaymentProvider for Scripted {
    fn name(&self) -> &'static str {
        "test"
    }

    async fn charge(&self, _charge: &Charge<'_>) -> Result<ChargeAnswer, ProviderError> {
        Err(ProviderError("charges are not scripted".to_owned()))
    }

    async fn refund(&self, refund: &Refund<'_>) -> Result<RefundAnswer, ProviderError> {
        self.asked.lock().unwrap().push((
            refund.idempotency_key.clone(),
            refund.payment_reference.map(str::to_owned),
            refund.amount.amount,
        ));
        self.answer
            .clone()
            .ok_or_else(|| ProviderError("timed out".to_owned()))
    }
}

struct Fixture {
    test: TestDb,
    variant_id: i64,
    staff: crate::accounts::server::User,
}

/// A shop with one variant holding 5, and a member of staff.
async fn shop() -> Fixture {
    let test = TestDb::new().await;
    let now = now_millis();
    let category: i64 = sqlx::query_scalar(
        "INSERT INTO categories (slug, name, created_at) VALUES ('lamps', 'Lamps', $1) RETURNING id",
    )
    .bind(now)
    .fetch_one(test.db.pool())
    .await
    .unwrap();
    let product: i64 = sqlx::query_scalar(
        "INSERT INTO products (category_id, slug, name, created_at, updated_at)
         VALUES ($1, 'oak-lamp', 'Oak lamp', $2, $2) RETURNING id",
    )
    .bind(category)
    .bind(now)
    .fetch_one(test.db.pool())
    .await
    .unwrap();
    let variant_id: i64 = sqlx::query_scalar(
        "INSERT INTO variants (product_id, sku, title, price_amount, currency, stock)
         VALUES ($1, 'LAMP-S', 'Small', 2000, 'GBP', 5) RETURNING id",
    )
    .bind(product)
    .fetch_one(test.db.pool())
    .await
    .unwrap();
    let created = create_user(
        &test.db,
        "staff@shop.test",
        Password::new("a long enough secret".into()),
        Role::Staff,
    )
    .await
    .unwrap();
    let CreateUser::Created { id: staff_id } = created else {
        panic!("{created:?}")
    };
    let staff = crate::accounts::server::user_by_id(&test.db, staff_id)
        .await
        .unwrap()
        .unwrap();
    Fixture {
        test,
        variant_id,
        staff,
    }
}

impl Fixture {
    fn db(&self) -> &Db {
        &self.test.db
    }

    /// An order for two, paid through `provider` with the payment `pi_1`: its state.
    async fn paid_order(&self, provider: &'static str) -> OrderState {
        let cart = crate::cart::server::new_guest_cart(self.db())
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO cart_lines (cart_id, variant_id, quantity, price_when_added, added_at)
             VALUES ($1, $2, 2, 2000, 0)",
        )
        .bind(cart)
        .bind(self.variant_id)
        .execute(self.db().pool())
        .await
        .unwrap();
        let request = OrderRequest {
            cart_id: cart,
            user_id: None,
            email: "guest@shop.test".to_owned(),
            destination: Destination::country("GB"),
            address_json: r#"{"full_name":"Ada","country":"GB"}"#.to_owned(),
            shipping_method: Some("standard".to_owned()),
            discount_code: None,
            idempotency_key: format!("key-{cart}"),
            reserve_for_ms: 30 * 60 * 1000,
        };
        let settings = crate::checkout::settings::shop_settings();
        let placed = place_order(self.db(), &settings, &request).await.unwrap();
        let Ok(Placed::Created { order_id, .. }) = placed else {
            panic!("{placed:?}")
        };
        let payment = PaymentRecord {
            provider,
            outcome: CardOutcome::Succeeded,
            reference: Some("pi_1".to_owned()),
            card: KeptCard {
                brand: "Visa".to_owned(),
                last4: "4242".to_owned(),
            },
        };
        settle(self.db(), &Fixture::email(), order_id, &payment)
            .await
            .unwrap();
        order_state(self.db(), order_id).await.unwrap().unwrap()
    }

    fn email() -> crate::email::Shop {
        crate::email::Shop::default()
    }

    fn change(&self) -> StaffChange<'_> {
        StaffChange {
            staff: &self.staff,
            reason: "arrived damaged",
        }
    }

    /// Staff refund `amount` pence of `order` through `provider`.
    async fn refund(
        &self,
        provider: &Scripted,
        order: &OrderState,
        amount: i64,
    ) -> Result<Changed, Refusal> {
        refund(
            self.db(),
            provider,
            &Fixture::email(),
            order,
            gbp(amount),
            self.change(),
        )
        .await
        .unwrap()
    }

    /// Staff cancel `order`, refunding it through `provider`.
    async fn cancel(&self, provider: &Scripted, order: &OrderState) -> Result<Changed, Refusal> {
        cancel(self.db(), provider, &Fixture::email(), order, self.change())
            .await
            .unwrap()
    }

    async fn stock(&self) -> i64 {
        sqlx::query_scalar("SELECT stock FROM variants WHERE id = $1")
            .bind(self.variant_id)
            .fetch_one(self.db().pool())
            .await
            .unwrap()
    }

    async fn events(&self, order_id: i64) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM order_events WHERE order_id = $1")
            .bind(order_id)
            .fetch_one(self.db().pool())
            .await
            .unwrap()
    }
}

fn gbp(amount: i64) -> Money {
    Money::new(amount, Currency::GBP)
}

#[tokio::test]
async fn each_refund_asks_the_provider_with_its_own_key_and_the_payment() {
    let shop = shop().await;
    let order = shop.paid_order("test").await;
    assert_eq!(order.paid(), gbp(4395));
    let provider = Scripted::answering(Some(RefundAnswer::Refunded {
        reference: Some("re_1".to_owned()),
    }));
    let done = shop.refund(&provider, &order, 500).await;
    assert_eq!(
        done,
        Ok(Changed {
            status: OrderStatus::PartiallyRefunded,
            refunded: Some(gbp(500)),
        })
    );
    let order = order_state(shop.db(), order.id).await.unwrap().unwrap();
    assert_eq!((order.refunded_total, order.refunds), (500, 1));
    let done = shop.cancel(&provider, &order).await;
    assert!(
        matches!(
            &done,
            Err(Refusal::Rules(IllegalTransition::NotAllowed { .. }))
        ),
        "a partly refunded order is refunded, not cancelled: {done:?}"
    );
    shop.refund(&provider, &order, 3895).await.unwrap();
    let key = |nth| refund_key(order.id, nth);
    assert_eq!(
        provider.asked(),
        [
            (key(1), Some("pi_1".to_owned()), 500),
            (key(2), Some("pi_1".to_owned()), 3895),
        ]
    );
    let reference: Option<String> =
        sqlx::query_scalar("SELECT reference FROM refunds WHERE order_id = $1 ORDER BY id LIMIT 1")
            .bind(order.id)
            .fetch_one(shop.db().pool())
            .await
            .unwrap();
    assert_eq!(reference.as_deref(), Some("re_1"));
}

#[tokio::test]
async fn a_refund_the_provider_refuses_changes_nothing() {
    let shop = shop().await;
    let order = shop.paid_order("test").await;
    let events = shop.events(order.id).await;
    let provider = Scripted::answering(Some(RefundAnswer::Refused {
        reason: "charge_disputed".to_owned(),
    }));
    let done = shop.refund(&provider, &order, 500).await;
    let Err(refusal) = done else {
        panic!("{done:?}")
    };
    assert_eq!(
        refusal,
        Refusal::ProviderRefused("charge_disputed".to_owned())
    );
    assert!(refusal.message().contains("charge_disputed"));
    assert_eq!(
        order_state(shop.db(), order.id).await.unwrap(),
        Some(order.clone())
    );
    assert_eq!(shop.events(order.id).await, events);
}

#[tokio::test]
async fn a_paid_order_stays_paid_and_keeps_its_stock_when_the_provider_is_down() {
    let shop = shop().await;
    let order = shop.paid_order("test").await;
    assert_eq!(shop.stock().await, 3);
    let provider = Scripted::answering(None);
    let done = shop.cancel(&provider, &order).await;
    assert_eq!(done, Err(Refusal::ProviderFailed));
    assert_eq!(provider.asked().len(), 1, "the refund was asked for first");
    assert_eq!(
        order_state(shop.db(), order.id).await.unwrap(),
        Some(order.clone())
    );
    assert_eq!(shop.stock().await, 3);
}

#[tokio::test]
async fn an_order_paid_through_another_provider_is_not_refunded_through_this_one() {
    let shop = shop().await;
    let order = shop.paid_order("stripe").await;
    let provider = Scripted::answering(Some(RefundAnswer::Refunded { reference: None }));
    let done = shop.refund(&provider, &order, 500).await;
    assert_eq!(
        done,
        Err(Refusal::OtherProvider {
            paid_through: "stripe".to_owned(),
            shop_uses: "test",
        })
    );
    assert!(provider.asked().is_empty());
    assert_eq!(order_state(shop.db(), order.id).await.unwrap(), Some(order));
}
