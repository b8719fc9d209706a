//! Discount codes in the database: finding the code a shopper typed (with its usage so
//! far, for the pricing rules to judge), taking a use when an order is placed, and giving
//! it back when the order is cancelled.
//!
//! A code's limits hold under any number of simultaneous checkouts: taking a use is one
//! conditional increment of the code's row (`… WHERE times_used < usage_limit`), which
//! also locks that row until the order's transaction ends, so the per-customer count that
//! follows it cannot be raced either.

use crate::db::Db;
use crate::money::{Currency, Money};
use crate::pricing::{
    normalise_code, AppliesTo, CodeAttempt, CodeUsage, DiscountCode, DiscountKind, Refusal,
};
use sqlx::{Any, Transaction};

/// A code as stored, with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    pub id: i64,
    pub code: DiscountCode,
}

/// A code's columns, as [`CodeRow`] reads them.
const SELECT_CODE: &str =
    "SELECT id, code, CAST(CASE WHEN active THEN 1 ELSE 0 END AS BIGINT) AS active,
        kind, basis_points, amount, currency, minimum_subtotal, starts_at, ends_at,
        usage_limit, per_customer_limit, times_used
    FROM discount_codes";

#[derive(sqlx::FromRow)]
struct CodeRow {
    id: i64,
    code: String,
    /// 1 or 0: booleans come through the `Any` driver as integers on SQLite.
    active: i64,
    kind: String,
    basis_points: Option<i64>,
    amount: Option<i64>,
    currency: String,
    minimum_subtotal: Option<i64>,
    starts_at: Option<i64>,
    ends_at: Option<i64>,
    usage_limit: Option<i64>,
    per_customer_limit: Option<i64>,
    times_used: i64,
}

fn limit(value: Option<i64>) -> Option<u32> {
    value.map(|v| u32::try_from(v).unwrap_or(u32::MAX))
}

/// The code `typed` as pricing judges it: unknown, or found with its usage so far by all
/// customers and by `customer` (a normalised email address).
pub async fn find_code(
    db: &Db,
    typed: &str,
    customer: &str,
) -> Result<(CodeAttempt, Option<i64>), sqlx::Error> {
    let wanted = normalise_code(typed);
    let row: Option<CodeRow> = sqlx::query_as(&format!("{SELECT_CODE} WHERE code = $1"))
        .bind(&wanted)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else {
        return Ok((
            CodeAttempt::Unknown {
                typed: typed.trim().to_owned(),
            },
            None,
        ));
    };
    let scopes: Vec<(Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT category_id, product_id FROM discount_code_scopes WHERE code_id = $1",
    )
    .bind(row.id)
    .fetch_all(db.pool())
    .await?;
    let uses_by_customer: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM discount_code_uses WHERE code_id = $1 AND customer = $2",
    )
    .bind(row.id)
    .bind(customer)
    .fetch_one(db.pool())
    .await?;
    let id = row.id;
    let usage = CodeUsage {
        total_uses: limit(Some(row.times_used)).unwrap_or(0),
        uses_by_customer: limit(Some(uses_by_customer)).unwrap_or(0),
    };
    Ok((
        CodeAttempt::Found {
            code: code_from(row, &scopes),
            usage,
        },
        Some(id),
    ))
}

/// The code `code_id` as it is stored, read in the caller's transaction (what the
/// staff audit log keeps as a change's "before").
pub(crate) async fn code_in(
    tx: &mut Transaction<'_, Any>,
    code_id: i64,
) -> Result<Option<DiscountCode>, sqlx::Error> {
    let row: Option<CodeRow> = sqlx::query_as(&format!("{SELECT_CODE} WHERE id = $1"))
        .bind(code_id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let scopes: Vec<(Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT category_id, product_id FROM discount_code_scopes WHERE code_id = $1",
    )
    .bind(code_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(Some(code_from(row, &scopes)))
}

/// What a stored code gives, from its `kind`, `basis_points`, `amount` and `currency`
/// columns.
pub(crate) fn kind_from(
    kind: &str,
    basis_points: Option<i64>,
    amount: Option<i64>,
    currency: Currency,
) -> DiscountKind {
    match kind {
        "percentage" => DiscountKind::Percentage {
            basis_points: limit(basis_points).unwrap_or(0),
        },
        "fixed_amount" => DiscountKind::FixedAmount {
            amount: Money::new(amount.unwrap_or(0), currency),
        },
        _ => DiscountKind::FreeShipping,
    }
}

fn code_from(row: CodeRow, scopes: &[(Option<i64>, Option<i64>)]) -> DiscountCode {
    let currency: Currency = row.currency.parse().unwrap_or(Currency::GBP);
    let kind = kind_from(&row.kind, row.basis_points, row.amount, currency);
    let applies_to = if scopes.is_empty() {
        AppliesTo::Everything
    } else {
        AppliesTo::Only {
            category_ids: scopes.iter().filter_map(|(c, _)| *c).collect(),
            product_ids: scopes.iter().filter_map(|(_, p)| *p).collect(),
        }
    };
    DiscountCode {
        code: row.code,
        active: row.active != 0,
        kind,
        applies_to,
        minimum_subtotal: row.minimum_subtotal.map(|m| Money::new(m, currency)),
        starts_at_millis: row.starts_at,
        ends_at_millis: row.ends_at,
        usage_limit: limit(row.usage_limit),
        per_customer_limit: limit(row.per_customer_limit),
    }
}

/// Takes one use of code `code_id` for order `order_id` placed by `customer`, inside the
/// order's transaction; the refusal if the code ran out meanwhile (then roll back).
pub(crate) async fn take_use(
    tx: &mut Transaction<'_, Any>,
    code_id: i64,
    order_id: i64,
    customer: &str,
    now: i64,
) -> Result<Result<(), Refusal>, sqlx::Error> {
    let taken = sqlx::query(
        "UPDATE discount_codes SET times_used = times_used + 1
         WHERE id = $1 AND (usage_limit IS NULL OR times_used < usage_limit)",
    )
    .bind(code_id)
    .execute(&mut **tx)
    .await?;
    if taken.rows_affected() == 0 {
        return Ok(Err(Refusal::UsageLimitReached));
    }
    // The row lock taken above serialises every order using this code, so this count
    // sees all of them.
    let (per_customer, used): (Option<i64>, i64) = sqlx::query_as(
        "SELECT per_customer_limit,
                (SELECT COUNT(*) FROM discount_code_uses WHERE code_id = $1 AND customer = $2)
         FROM discount_codes WHERE id = $1",
    )
    .bind(code_id)
    .bind(customer)
    .fetch_one(&mut **tx)
    .await?;
    if let Some(per_customer) = per_customer.filter(|limit| used >= *limit) {
        return Ok(Err(Refusal::AlreadyUsedByYou {
            per_customer_limit: limit(Some(per_customer)).unwrap_or(0),
        }));
    }
    sqlx::query(
        "INSERT INTO discount_code_uses (code_id, order_id, customer, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(code_id)
    .bind(order_id)
    .bind(customer)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(Ok(()))
}

/// Gives back the code use of a cancelled order, inside its transaction.
pub(crate) async fn give_back_use(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE discount_codes SET times_used = times_used - 1
         WHERE id IN (SELECT code_id FROM discount_code_uses WHERE order_id = $1)",
    )
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM discount_code_uses WHERE order_id = $1")
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores a new code (staff tools, the demo catalog, tests); its id. The code's amounts
/// must be in one currency, the shop's.
pub async fn create_code(db: &Db, code: &DiscountCode, now: i64) -> Result<i64, sqlx::Error> {
    let (kind, basis_points, amount) = match &code.kind {
        DiscountKind::Percentage { basis_points } => {
            ("percentage", Some(i64::from(*basis_points)), None)
        }
        DiscountKind::FixedAmount { amount } => ("fixed_amount", None, Some(amount.amount)),
        DiscountKind::FreeShipping => ("free_shipping", None, None),
    };
    let currency = match (&code.kind, &code.minimum_subtotal) {
        (DiscountKind::FixedAmount { amount }, _) => amount.currency,
        (_, Some(minimum)) => minimum.currency,
        _ => crate::checkout::settings::shop_settings().currency,
    };
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO discount_codes (code, active, kind, basis_points, amount, currency,
             minimum_subtotal, starts_at, ends_at, usage_limit, per_customer_limit, created_at)
         VALUES ($1, CASE WHEN $2 = 1 THEN TRUE ELSE FALSE END, $3, $4, $5, $6, $7, $8, $9,
                 $10, $11, $12) RETURNING id",
    )
    .bind(normalise_code(&code.code))
    .bind(i64::from(code.active))
    .bind(kind)
    .bind(basis_points)
    .bind(amount)
    .bind(currency.code())
    .bind(code.minimum_subtotal.map(|m| m.amount))
    .bind(code.starts_at_millis)
    .bind(code.ends_at_millis)
    .bind(code.usage_limit.map(i64::from))
    .bind(code.per_customer_limit.map(i64::from))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if let AppliesTo::Only {
        category_ids,
        product_ids,
    } = &code.applies_to
    {
        let scopes = category_ids
            .iter()
            .map(|c| (Some(*c), None))
            .chain(product_ids.iter().map(|p| (None, Some(*p))));
        for (category_id, product_id) in scopes {
            sqlx::query(
                "INSERT INTO discount_code_scopes (code_id, category_id, product_id)
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(category_id)
            .bind(product_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(id)
}

/// The demo catalog's code: `DEMO10`, 10% off everything, once per customer.
pub async fn create_demo_codes(db: &Db) -> Result<(), sqlx::Error> {
    let demo = DiscountCode {
        code: "DEMO10".to_owned(),
        active: true,
        kind: DiscountKind::Percentage { basis_points: 1000 },
        applies_to: AppliesTo::Everything,
        minimum_subtotal: None,
        starts_at_millis: None,
        ends_at_millis: None,
        usage_limit: None,
        per_customer_limit: Some(1),
    };
    create_code(db, &demo, crate::db::now_millis()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDb;

    fn ten_percent(code: &str) -> DiscountCode {
        DiscountCode {
            code: code.to_owned(),
            active: true,
            kind: DiscountKind::Percentage { basis_points: 1000 },
            applies_to: AppliesTo::Everything,
            minimum_subtotal: None,
            starts_at_millis: None,
            ends_at_millis: None,
            usage_limit: Some(5),
            per_customer_limit: Some(1),
        }
    }

    #[tokio::test]
    async fn a_stored_code_is_found_as_it_was_set_up_whatever_the_case_typed() {
        let test = TestDb::new().await;
        create_code(&test.db, &ten_percent("Welcome10"), 0)
            .await
            .unwrap();
        let (found, id) = find_code(&test.db, "  welcome10 ", "a@shop.test")
            .await
            .unwrap();
        assert!(id.is_some());
        match found {
            CodeAttempt::Found { code, usage } => {
                assert_eq!(code, ten_percent("WELCOME10"));
                assert_eq!(usage, CodeUsage::default());
            }
            other => panic!("expected the code, got {other:?}"),
        }
        let (unknown, id) = find_code(&test.db, "NOPE", "a@shop.test").await.unwrap();
        assert_eq!(id, None);
        assert_eq!(
            unknown,
            CodeAttempt::Unknown {
                typed: "NOPE".to_owned()
            }
        );
    }
}
