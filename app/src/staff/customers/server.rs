//! Reading customer accounts for staff, and disabling or enabling one. A customer's
//! orders are those placed with the account and those placed as a guest with its
//! address (emails are stored normalised, so they compare as they are).

use super::api::{
    CustomerAddress, CustomerOrder, CustomerSummary, CustomerView, CUSTOMERS_PAGE_SIZE,
};
use crate::accounts::server::User;
use crate::db::{now_millis, Db};
use crate::money::{Currency, Money};
use crate::orders::{format_order_number, OrderStatus};
use crate::staff::audit::server::{record, snapshot, StaffAction};
use serde::Serialize;
use sqlx::Row;

const SUMMARY_COLUMNS: &str = "u.id, u.email, u.role, u.created_at, u.disabled_at,
     CAST(CASE WHEN u.email_verified_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS verified,
     (SELECT COUNT(*) FROM orders o
      WHERE o.user_id = u.id OR (o.user_id IS NULL AND o.email = u.email)) AS orders
     FROM users u";

fn summary_from(row: &sqlx::any::AnyRow) -> Result<(CustomerSummary, Option<i64>), sqlx::Error> {
    let disabled_at: Option<i64> = row.try_get("disabled_at")?;
    let role: String = row.try_get("role")?;
    Ok((
        CustomerSummary {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            registered_at: row.try_get("created_at")?,
            verified: row.try_get::<i64, _>("verified")? == 1,
            staff: role == "staff",
            disabled: disabled_at.is_some(),
            orders: row.try_get("orders")?,
        },
        disabled_at,
    ))
}

/// One page of the accounts whose email holds `typed`, newest first; whether more follow.
pub async fn customers(
    db: &Db,
    typed: &str,
    page: i64,
) -> Result<(Vec<CustomerSummary>, bool), sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS}
         WHERE ($1 = '' OR u.email LIKE '%' || lower($1) || '%')
         ORDER BY u.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(typed)
    .bind(CUSTOMERS_PAGE_SIZE + 1)
    .bind((page.max(1) - 1) * CUSTOMERS_PAGE_SIZE)
    .fetch_all(db.pool())
    .await?;
    let more = rows.len() as i64 > CUSTOMERS_PAGE_SIZE;
    let customers = rows
        .iter()
        .take(CUSTOMERS_PAGE_SIZE as usize)
        .map(|row| summary_from(row).map(|(summary, _)| summary))
        .collect::<Result<_, _>>()?;
    Ok((customers, more))
}

/// The most orders one customer's page lists.
const ORDERS_SHOWN: i64 = 100;

/// The account `id` as `staff` see it.
pub async fn customer(db: &Db, staff: &User, id: i64) -> Result<Option<CustomerView>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {SUMMARY_COLUMNS} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let (summary, disabled_at) = summary_from(&row)?;
    let orders: Vec<(i64, i64, String, i64, String)> = sqlx::query_as(
        "SELECT id, created_at, status, grand_total, currency FROM orders
         WHERE user_id = $1 OR (user_id IS NULL AND email = $2)
         ORDER BY id DESC LIMIT $3",
    )
    .bind(id)
    .bind(&summary.email)
    .bind(ORDERS_SHOWN)
    .fetch_all(db.pool())
    .await?;
    let orders = orders
        .into_iter()
        .map(
            |(order_id, placed_at, status, total, currency)| CustomerOrder {
                number: format_order_number(order_id as u64),
                placed_at,
                status_label: status
                    .parse::<OrderStatus>()
                    .map_or(status, |s| s.label().to_owned()),
                total: Money::new(total, currency.parse().unwrap_or(Currency::GBP)),
            },
        )
        .collect();
    let cannot_disable = refusal(staff, id, summary.staff).map(|r| r.message());
    Ok(Some(CustomerView {
        addresses: addresses(db, id).await?,
        summary,
        disabled_at,
        orders,
        cannot_disable,
    }))
}

async fn addresses(db: &Db, user_id: i64) -> Result<Vec<CustomerAddress>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT full_name, line1, line2, city, region, postcode, country, phone,
                CAST(CASE WHEN is_default THEN 1 ELSE 0 END AS BIGINT) AS is_default
         FROM addresses WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let mut lines = Vec::new();
            for column in [
                "full_name",
                "line1",
                "line2",
                "city",
                "region",
                "postcode",
                "country",
                "phone",
            ] {
                let part: Option<String> = row.try_get(column)?;
                lines.extend(part.filter(|p| !p.trim().is_empty()));
            }
            Ok(CustomerAddress {
                lines,
                default: row.try_get::<i64, _>("is_default")? == 1,
            })
        })
        .collect()
}

/// Why an account was not disabled or enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NoSuchAccount,
    OwnAccount,
    StaffAccount,
}

impl Refused {
    pub fn message(self) -> String {
        match self {
            Refused::NoSuchAccount => "There is no account with this number.",
            Refused::OwnAccount => "You cannot disable your own account.",
            Refused::StaffAccount => "Staff accounts cannot be disabled here.",
        }
        .to_owned()
    }
}

/// Why `staff` may not disable the account `id`, if they may not.
fn refusal(staff: &User, id: i64, is_staff: bool) -> Option<Refused> {
    if staff.id == id {
        Some(Refused::OwnAccount)
    } else if is_staff {
        Some(Refused::StaffAccount)
    } else {
        None
    }
}

#[derive(Serialize)]
struct Audited<'a> {
    email: &'a str,
    disabled: bool,
}

/// Disables (or enables) the customer account `id` as `staff`. Disabling also deletes
/// every session of it, so it is signed out at once; doing what is already done
/// changes nothing.
pub async fn set_disabled(
    db: &Db,
    staff: &User,
    id: i64,
    disabled: bool,
) -> Result<Result<(), Refused>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let account: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT email, role, disabled_at FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((email, role, disabled_at)) = account else {
        tx.rollback().await?;
        return Ok(Err(Refused::NoSuchAccount));
    };
    if let Some(refused) = refusal(staff, id, role == "staff") {
        tx.rollback().await?;
        return Ok(Err(refused));
    }
    if disabled_at.is_some() == disabled {
        tx.rollback().await?;
        return Ok(Ok(()));
    }
    let now = now_millis();
    sqlx::query(
        "UPDATE users SET disabled_at = $1, updated_at = $2 WHERE id = $3 AND role = 'customer'",
    )
    .bind(disabled.then_some(now))
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if disabled {
        crate::accounts::devices::end_sessions(&mut tx, id, None).await?;
    }
    record(
        &mut tx,
        StaffAction {
            actor: staff,
            action: if disabled {
                "customer.disabled"
            } else {
                "customer.enabled"
            },
            subject: format!("customer {email}"),
            before: snapshot(&Audited {
                email: &email,
                disabled: !disabled,
            }),
            after: snapshot(&Audited {
                email: &email,
                disabled,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}
