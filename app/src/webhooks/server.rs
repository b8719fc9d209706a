//! Webhooks on the server: endpoints (create, switch on and off, delete), their deliveries
//! and attempts, resending one, and [`emit`], which every event goes through.

use super::api::{AttemptForStaff, DeliveryForStaff, EndpointForStaff};
use super::{events_text, parse_events, DeliveryStatus, Event};
use crate::accounts::server::User;
use crate::db::{now_millis, Db};
use crate::staff::audit::server::{record, StaffAction};
use crate::staff::tokens::orders::rfc3339;
use serde::Serialize;
use sqlx::{Any, Transaction};

/// The `kind` of a delivery's job; its payload is the delivery's id.
pub const DELIVERY_JOB: &str = "webhook_delivery";

/// Every secret starts with this, so a leaked one is easy to recognise.
pub const SECRET_PREFIX: &str = "whsec_";

/// Deliveries an endpoint's page shows, newest first.
pub const DELIVERIES_SHOWN: i64 = 100;

/// A fresh signing secret: `whsec_` and 64 lower-case hex digits.
pub fn new_secret() -> Result<String, getrandom::Error> {
    Ok(format!("{SECRET_PREFIX}{}", random_hex(32)?))
}

/// A fresh event id: `evt_` and 32 hex digits.
fn new_event_id() -> Result<String, getrandom::Error> {
    Ok(format!("evt_{}", random_hex(16)?))
}

fn random_hex(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

/// The body every delivery of an event carries, byte for byte.
#[derive(Serialize)]
struct Envelope<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    created_at: String,
    data: &'a serde_json::Value,
}

/// The active endpoints subscribed to `event`, in the caller's transaction. Callers that
/// must read something to build an event's data ask this first, and skip the reading when
/// nobody listens.
pub async fn subscribers(
    tx: &mut Transaction<'_, Any>,
    event: Event,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, events FROM webhook_endpoints WHERE active ORDER BY id")
            .fetch_all(&mut **tx)
            .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, events)| parse_events(events).contains(&event))
        .map(|(id, _)| id)
        .collect())
}

/// Sends `event` with `data` to every active endpoint subscribed to it, as part of `tx`:
/// one delivery row and one job each, which exist only if `tx` commits. The number of
/// deliveries made (0 when nobody listens: then nothing is written).
pub async fn emit(
    tx: &mut Transaction<'_, Any>,
    event: Event,
    data: serde_json::Value,
) -> Result<usize, sqlx::Error> {
    let endpoints = subscribers(tx, event).await?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let event_id = new_event_id().map_err(|err| sqlx::Error::Protocol(err.to_string()))?;
    let now = now_millis();
    let body = serde_json::to_string(&Envelope {
        id: &event_id,
        kind: event.as_str(),
        created_at: rfc3339(now),
        data: &data,
    })
    .map_err(|err| sqlx::Error::Protocol(err.to_string()))?;
    for endpoint_id in &endpoints {
        add_delivery(tx, *endpoint_id, &event_id, event.as_str(), &body, None).await?;
    }
    Ok(endpoints.len())
}

/// A pending delivery and its job.
async fn add_delivery(
    tx: &mut Transaction<'_, Any>,
    endpoint_id: i64,
    event_id: &str,
    event_type: &str,
    payload: &str,
    resend_of: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, status,
             attempts, resend_of, created_at)
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6) RETURNING id",
    )
    .bind(endpoint_id)
    .bind(event_id)
    .bind(event_type)
    .bind(payload)
    .bind(resend_of)
    .bind(now_millis())
    .fetch_one(&mut **tx)
    .await?;
    crate::jobs::enqueue(tx, DELIVERY_JOB, &id.to_string()).await?;
    Ok(id)
}

/// Registers an endpoint for `url` and `events` signing with `secret`: its id.
pub async fn create_endpoint(
    db: &Db,
    actor: &User,
    url: &str,
    events: &[Event],
    secret: &str,
) -> Result<i64, sqlx::Error> {
    let events = events_text(events);
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (url, events, secret, created_at, created_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $4) RETURNING id",
    )
    .bind(url)
    .bind(&events)
    .bind(secret)
    .bind(now)
    .bind(actor.id)
    .fetch_one(&mut *tx)
    .await?;
    let action = StaffAction {
        actor,
        action: "webhook_endpoint.created",
        subject: format!("webhook endpoint {url}"),
        before: None,
        after: Some(serde_json::json!({ "id": id, "url": url, "events": events })),
    };
    record(&mut tx, action).await?;
    tx.commit().await?;
    Ok(id)
}

/// Switches endpoint `id` on or off: its URL, or none if there is no such endpoint or it
/// was that way already. Switching off stops new events; deliveries already pending are
/// marked failed when their turn comes (they can be resent).
pub async fn set_endpoint_active(
    db: &Db,
    actor: &User,
    id: i64,
    active: bool,
) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let url: Option<String> = sqlx::query_scalar(
        "UPDATE webhook_endpoints SET active = CASE WHEN $1 = 1 THEN TRUE ELSE FALSE END,
             updated_at = $2
         WHERE id = $3 AND CASE WHEN active THEN 1 ELSE 0 END <> $1 RETURNING url",
    )
    .bind(i64::from(active))
    .bind(now_millis())
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(url) = &url {
        let action = StaffAction {
            actor,
            action: if active {
                "webhook_endpoint.enabled"
            } else {
                "webhook_endpoint.disabled"
            },
            subject: format!("webhook endpoint {url}"),
            before: Some(serde_json::json!({ "id": id, "active": !active })),
            after: Some(serde_json::json!({ "id": id, "active": active })),
        };
        record(&mut tx, action).await?;
    }
    tx.commit().await?;
    Ok(url)
}

/// Deletes endpoint `id` with its delivery log: its URL, or none if there is no such
/// endpoint. Jobs of its deliveries find nothing to send and end.
pub async fn delete_endpoint(
    db: &Db,
    actor: &User,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let url: Option<(String, String)> =
        sqlx::query_as("DELETE FROM webhook_endpoints WHERE id = $1 RETURNING url, events")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((url, events)) = &url {
        let action = StaffAction {
            actor,
            action: "webhook_endpoint.deleted",
            subject: format!("webhook endpoint {url}"),
            before: Some(serde_json::json!({ "id": id, "url": url, "events": events })),
            after: None,
        };
        record(&mut tx, action).await?;
    }
    tx.commit().await?;
    Ok(url.map(|(url, _)| url))
}

type EndpointRow = (i64, String, String, i64, i64, Option<String>);

/// An [`EndpointRow`] and the secret.
type EndpointWithSecretRow = (i64, String, String, i64, i64, Option<String>, String);

const ENDPOINT_COLUMNS: &str = "e.id, e.url, e.events,
     CAST(CASE WHEN e.active THEN 1 ELSE 0 END AS BIGINT) AS active, e.created_at, u.email
     FROM webhook_endpoints e LEFT JOIN users u ON u.id = e.created_by";

fn endpoint_from(row: EndpointRow) -> EndpointForStaff {
    let (id, url, events, active, created_at, created_by) = row;
    EndpointForStaff {
        id,
        url,
        events: parse_events(&events),
        active: active != 0,
        created_at,
        created_by,
    }
}

/// Every endpoint, newest first; never a secret.
pub async fn list_endpoints(db: &Db) -> Result<Vec<EndpointForStaff>, sqlx::Error> {
    let rows: Vec<EndpointRow> =
        sqlx::query_as(&format!("SELECT {ENDPOINT_COLUMNS} ORDER BY e.id DESC"))
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(endpoint_from).collect())
}

/// Endpoint `id` with its signing secret.
pub async fn endpoint(db: &Db, id: i64) -> Result<Option<(EndpointForStaff, String)>, sqlx::Error> {
    let row: Option<EndpointWithSecretRow> = sqlx::query_as(
        "SELECT e.id, e.url, e.events, CAST(CASE WHEN e.active THEN 1 ELSE 0 END AS BIGINT),
                e.created_at, u.email, e.secret
         FROM webhook_endpoints e LEFT JOIN users u ON u.id = e.created_by WHERE e.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(
        |(id, url, events, active, created_at, created_by, secret)| {
            (
                endpoint_from((id, url, events, active, created_at, created_by)),
                secret,
            )
        },
    ))
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    event_id: String,
    event_type: String,
    status: String,
    attempts: i64,
    last_status_code: Option<i64>,
    last_error: Option<String>,
    resend_of: Option<i64>,
    created_at: i64,
    last_attempt_at: Option<i64>,
}

/// The newest [`DELIVERIES_SHOWN`] deliveries to endpoint `endpoint_id`, each with its attempts.
pub async fn deliveries(db: &Db, endpoint_id: i64) -> Result<Vec<DeliveryForStaff>, sqlx::Error> {
    let rows: Vec<DeliveryRow> = sqlx::query_as(
        "SELECT id, event_id, event_type, status, attempts, last_status_code, last_error,
                resend_of, created_at, last_attempt_at
         FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(endpoint_id)
    .bind(DELIVERIES_SHOWN)
    .fetch_all(db.pool())
    .await?;
    let oldest = rows.last().map(|row| row.id).unwrap_or(0);
    let attempts: Vec<(i64, i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT a.delivery_id, a.at, a.status_code, a.error
         FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
         WHERE d.endpoint_id = $1 AND d.id >= $2 ORDER BY a.id",
    )
    .bind(endpoint_id)
    .bind(oldest)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| DeliveryForStaff {
            id: row.id,
            event_id: row.event_id,
            event_type: row.event_type,
            status: DeliveryStatus::parse(&row.status).unwrap_or(DeliveryStatus::Pending),
            attempts: row.attempts,
            last_status_code: row.last_status_code,
            last_error: row.last_error,
            resend_of: row.resend_of,
            created_at: row.created_at,
            last_attempt_at: row.last_attempt_at,
            attempt_log: attempts
                .iter()
                .filter(|(delivery, ..)| *delivery == row.id)
                .map(|(_, at, status_code, error)| AttemptForStaff {
                    at: *at,
                    status_code: *status_code,
                    error: error.clone(),
                })
                .collect(),
        })
        .collect())
}

/// Sends delivery `delivery_id` of endpoint `endpoint_id` again, as a new delivery of the
/// same event (same event id and body): the new delivery's id, or none if there is no such
/// delivery or its endpoint is switched off.
pub async fn resend(
    db: &Db,
    actor: &User,
    endpoint_id: i64,
    delivery_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let found: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT d.event_id, d.event_type, d.payload, e.url
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.id = $1 AND d.endpoint_id = $2 AND e.active",
    )
    .bind(delivery_id)
    .bind(endpoint_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((event_id, event_type, payload, url)) = found else {
        tx.rollback().await?;
        return Ok(None);
    };
    let id = add_delivery(
        &mut tx,
        endpoint_id,
        &event_id,
        &event_type,
        &payload,
        Some(delivery_id),
    )
    .await?;
    let action = StaffAction {
        actor,
        action: "webhook_delivery.resent",
        subject: format!("webhook endpoint {url}"),
        before: None,
        after: Some(serde_json::json!({
            "delivery": id, "resend_of": delivery_id, "event_id": event_id, "type": event_type,
        })),
    };
    record(&mut tx, action).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// A delivery as its job needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub event_id: String,
    pub payload: String,
    pub status: DeliveryStatus,
    pub url: String,
    pub secret: String,
    pub endpoint_active: bool,
}

/// Delivery `id` with its endpoint's URL and secret; none once the endpoint is deleted.
pub async fn outgoing(db: &Db, id: i64) -> Result<Option<Outgoing>, sqlx::Error> {
    let row: Option<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT d.event_id, d.payload, d.status, e.url, e.secret,
                CAST(CASE WHEN e.active THEN 1 ELSE 0 END AS BIGINT)
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(
        |(event_id, payload, status, url, secret, endpoint_active)| Outgoing {
            id,
            event_id,
            payload,
            status: DeliveryStatus::parse(&status).unwrap_or(DeliveryStatus::Pending),
            url,
            secret,
            endpoint_active: endpoint_active != 0,
        },
    ))
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver's HTTP status; none when it could not be reached.
    pub status_code: Option<u16>,
    pub error: Option<String>,
    /// What the delivery is now.
    pub status: DeliveryStatus,
}

/// Longest error text kept.
const MAX_ERROR_CHARS: usize = 500;

/// Records `attempt` of delivery `id`, and the delivery's new status.
pub async fn record_attempt(db: &Db, id: i64, attempt: &Attempt) -> Result<(), sqlx::Error> {
    let now = now_millis();
    let error: Option<String> = attempt
        .error
        .as_ref()
        .map(|error| error.chars().take(MAX_ERROR_CHARS).collect());
    let code = attempt.status_code.map(i64::from);
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, at, status_code, error) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(now)
    .bind(code)
    .bind(&error)
    .execute(&mut *tx)
    .await?;
    let finished = (attempt.status != DeliveryStatus::Pending).then_some(now);
    sqlx::query(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, status = $1, last_status_code = $2,
             last_error = $3, last_attempt_at = $4, finished_at = $5
         WHERE id = $6",
    )
    .bind(attempt.status.as_str())
    .bind(code)
    .bind(&error)
    .bind(now)
    .bind(finished)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Marks delivery `id` failed (given up), keeping `reason` as its last error, unless it
/// was delivered meanwhile.
pub async fn mark_failed(db: &Db, id: i64, reason: &str) -> Result<(), sqlx::Error> {
    let reason: String = reason.chars().take(MAX_ERROR_CHARS).collect();
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'failed', last_error = $1, finished_at = $2
         WHERE id = $3 AND status = 'pending'",
    )
    .bind(reason)
    .bind(now_millis())
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::password::Password;
    use crate::accounts::server::{create_user, user_by_id, CreateUser, Role};
    use crate::db::testing::TestDb;

    async fn staff(db: &Db) -> User {
        let created = create_user(
            db,
            "staff@shop.test",
            Password::new("a long enough secret".into()),
            Role::Staff,
        )
        .await
        .unwrap();
        let CreateUser::Created { id } = created else {
            panic!("{created:?}")
        };
        user_by_id(db, id).await.unwrap().unwrap()
    }

    #[tokio::test]
    async fn an_endpoint_reads_back_with_its_secret_and_its_deliveries() {
        let test = TestDb::new().await;
        let staff = staff(&test.db).await;
        let events = [Event::OrderPaid, Event::StockLow];
        let id = create_endpoint(
            &test.db,
            &staff,
            "https://example.com/in",
            &events,
            "whsec_1",
        )
        .await
        .unwrap();
        let (endpoint, secret) = endpoint(&test.db, id).await.unwrap().unwrap();
        assert_eq!(
            (endpoint.url.as_str(), secret.as_str()),
            ("https://example.com/in", "whsec_1")
        );
        assert_eq!(endpoint.events, events);
        assert!(endpoint.active);
        assert_eq!(list_endpoints(&test.db).await.unwrap(), [endpoint]);

        let mut tx = test.db.begin_write().await.unwrap();
        assert_eq!(
            emit(&mut tx, Event::StockLow, serde_json::json!({}))
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            emit(&mut tx, Event::OrderCreated, serde_json::json!({}))
                .await
                .unwrap(),
            0
        );
        tx.commit().await.unwrap();
        let log = deliveries(&test.db, id).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(
            (log[0].status, log[0].event_type.as_str()),
            (DeliveryStatus::Pending, "stock.low")
        );

        assert!(set_endpoint_active(&test.db, &staff, id, false)
            .await
            .unwrap()
            .is_some());
        assert!(set_endpoint_active(&test.db, &staff, id, false)
            .await
            .unwrap()
            .is_none());
        let mut tx = test.db.begin_write().await.unwrap();
        assert_eq!(
            emit(&mut tx, Event::StockLow, serde_json::json!({}))
                .await
                .unwrap(),
            0
        );
        tx.commit().await.unwrap();
    }

    #[test]
    fn secrets_and_event_ids_are_prefixed_random_hex() {
        let one = new_secret().unwrap();
        assert_ne!(one, new_secret().unwrap());
        assert_eq!(one.len(), SECRET_PREFIX.len() + 64);
        assert!(one[SECRET_PREFIX.len()..]
            .chars()
            .all(|c| c.is_ascii_hexdigit()));
        let event = new_event_id().unwrap();
        assert!(event.starts_with("evt_") && event.len() == 36);
    }
}
