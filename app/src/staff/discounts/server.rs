//! Discount codes for staff, on the server: reading the typed form (`fields`, pure),
//! resolving category and product slugs, and the queries that list, store and switch
//! codes. The staff-only SQL lives here rather than next to `create_code` in
//! `checkout::discounts`, which keeps what checkout needs.

mod fields;

pub use fields::{format_date, parse_date, parse_fields, FieldProblems, MAX_CODE_CHARS};

use super::api::{DiscountCodeForStaff, DiscountFields};
use crate::accounts::server::User;
use crate::checkout::discounts::kind_from;
use crate::db::Db;
use crate::money::{Currency, Money};
use crate::pricing::{normalise_code, percent_text, AppliesTo, DiscountCode, DiscountKind};
use crate::staff::audit::server::{record, snapshot, StaffAction};

/// The comma-separated slugs typed, as the code's scope, or which of them are unknown.
pub async fn resolve_scopes(
    db: &Db,
    categories: &str,
    products: &str,
) -> Result<Result<AppliesTo, FieldProblems>, sqlx::Error> {
    let mut problems = FieldProblems::new();
    let category_ids = ids_of(db, "categories", categories).await?;
    let product_ids = ids_of(db, "products", products).await?;
    let ids = |found: Result<Vec<i64>, Vec<String>>,
               field: &str,
               (what, whats): (&str, &str),
               problems: &mut FieldProblems| {
        found.unwrap_or_else(|unknown| {
            let message = match unknown.as_slice() {
                [one] => format!("There is no {what} {one}."),
                many => format!("There are no {whats} {}.", many.join(", ")),
            };
            problems.insert(field.to_owned(), message);
            Vec::new()
        })
    };
    let category_ids = ids(
        category_ids,
        "categories",
        ("category", "categories"),
        &mut problems,
    );
    let product_ids = ids(
        product_ids,
        "products",
        ("product", "products"),
        &mut problems,
    );
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    Ok(Ok(if category_ids.is_empty() && product_ids.is_empty() {
        AppliesTo::Everything
    } else {
        AppliesTo::Only {
            category_ids,
            product_ids,
        }
    }))
}

/// The ids of the slugs in `typed` from `table` (a constant), or the slugs not found.
async fn ids_of(
    db: &Db,
    table: &str,
    typed: &str,
) -> Result<Result<Vec<i64>, Vec<String>>, sqlx::Error> {
    let mut ids = Vec::new();
    let mut unknown = Vec::new();
    for slug in typed.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let id: Option<i64> =
            sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE slug = $1"))
                .bind(slug.to_lowercase())
                .fetch_optional(db.pool())
                .await?;
        match id {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => unknown.push(slug.to_owned()),
        }
    }
    Ok(if unknown.is_empty() {
        Ok(ids)
    } else {
        Err(unknown)
    })
}

/// What storing a code came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Saved(i64),
    /// Another code has this name.
    Duplicate,
    /// The code edited does not exist.
    NoSuchCode,
}

/// Stores `code` as a new code (`code_id` none) or over the code `code_id`, in one
/// transaction. Editing keeps whether it is active and its usage (`times_used`).
pub async fn save_code(
    db: &Db,
    actor: &User,
    code_id: Option<i64>,
    code: &DiscountCode,
    now: i64,
) -> Result<Saved, sqlx::Error> {
    let (kind, basis_points, amount) = match &code.kind {
        DiscountKind::Percentage { basis_points } => {
            ("percentage", Some(i64::from(*basis_points)), None)
        }
        DiscountKind::FixedAmount { amount } => ("fixed_amount", None, Some(amount.amount)),
        DiscountKind::FreeShipping => ("free_shipping", None, None),
    };
    let currency = crate::checkout::settings::shop_settings().currency;
    let name = normalise_code(&code.code);
    let mut tx = db.begin_write().await?;
    // On SQLite the write lock is already held; on PostgreSQL two saves racing for one
    // name meet the unique constraint, answered below.
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM discount_codes WHERE code = $1 AND id <> $2")
            .bind(&name)
            .bind(code_id.unwrap_or(0))
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Ok(Saved::Duplicate);
    }
    let before = match code_id {
        Some(id) => crate::checkout::discounts::code_in(&mut tx, id).await?,
        None => None,
    };
    let written =
        match code_id {
            None => sqlx::query_scalar(
                "INSERT INTO discount_codes (code, active, kind, basis_points, amount, currency,
                 minimum_subtotal, starts_at, ends_at, usage_limit, per_customer_limit, created_at)
             VALUES ($1, TRUE, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(&name)
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
            .fetch_optional(&mut *tx)
            .await,
            Some(code_id) => sqlx::query_scalar(
                "UPDATE discount_codes SET code = $1, kind = $2, basis_points = $3, amount = $4,
                 currency = $5, minimum_subtotal = $6, starts_at = $7, ends_at = $8,
                 usage_limit = $9, per_customer_limit = $10
             WHERE id = $11 RETURNING id",
            )
            .bind(&name)
            .bind(kind)
            .bind(basis_points)
            .bind(amount)
            .bind(currency.code())
            .bind(code.minimum_subtotal.map(|m| m.amount))
            .bind(code.starts_at_millis)
            .bind(code.ends_at_millis)
            .bind(code.usage_limit.map(i64::from))
            .bind(code.per_customer_limit.map(i64::from))
            .bind(code_id)
            .fetch_optional(&mut *tx)
            .await,
        };
    let id: i64 = match written {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(Saved::NoSuchCode),
        // `code` is the table's only unique column.
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
            return Ok(Saved::Duplicate)
        }
        Err(err) => return Err(err),
    };
    sqlx::query("DELETE FROM discount_code_scopes WHERE code_id = $1")
        .bind(id)
        .execute(&mut *tx)
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
            sqlx::query("INSERT INTO discount_code_scopes (code_id, category_id, product_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(category_id)
                .bind(product_id)
                .execute(&mut *tx)
                .await?;
        }
    }
    let action = StaffAction {
        actor,
        action: if code_id.is_some() {
            "discount.updated"
        } else {
            "discount.created"
        },
        subject: format!("discount code {name}"),
        before: before.as_ref().and_then(snapshot),
        after: snapshot(code),
    };
    record(&mut tx, action).await?;
    tx.commit().await?;
    Ok(Saved::Saved(id))
}

/// Switches the code `code_id` on or off: its name, or none if there is no such code.
pub async fn set_active(
    db: &Db,
    actor: &User,
    code_id: i64,
    active: bool,
) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let code: Option<String> = sqlx::query_scalar(
        "UPDATE discount_codes SET active = CASE WHEN $1 = 1 THEN TRUE ELSE FALSE END
         WHERE id = $2 RETURNING code",
    )
    .bind(i64::from(active))
    .bind(code_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(code) = &code {
        let action = StaffAction {
            actor,
            action: if active {
                "discount.enabled"
            } else {
                "discount.disabled"
            },
            subject: format!("discount code {code}"),
            before: None,
            after: None,
        };
        record(&mut tx, action).await?;
    }
    tx.commit().await?;
    Ok(code)
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    code: String,
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
    customers: i64,
}

/// Every code newest first, or only the code `only`.
pub async fn list_codes(
    db: &Db,
    only: Option<i64>,
) -> Result<Vec<DiscountCodeForStaff>, sqlx::Error> {
    let rows: Vec<ListRow> = sqlx::query_as(
        "SELECT id, code, CAST(CASE WHEN active THEN 1 ELSE 0 END AS BIGINT) AS active, kind,
                basis_points, amount, currency, minimum_subtotal, starts_at, ends_at,
                usage_limit, per_customer_limit, times_used,
                (SELECT COUNT(DISTINCT u.customer) FROM discount_code_uses u
                 WHERE u.code_id = discount_codes.id) AS customers
         FROM discount_codes WHERE ($1 = 0 OR id = $1) ORDER BY id DESC",
    )
    .bind(only.unwrap_or(0))
    .fetch_all(db.pool())
    .await?;
    let scopes: Vec<(i64, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT s.code_id, c.slug, p.slug FROM discount_code_scopes s
         LEFT JOIN categories c ON c.id = s.category_id
         LEFT JOIN products p ON p.id = s.product_id
         WHERE ($1 = 0 OR s.code_id = $1) ORDER BY c.slug, p.slug",
    )
    .bind(only.unwrap_or(0))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mine = || scopes.iter().filter(|(id, _, _)| *id == row.id);
            let category_slugs: Vec<String> = mine().filter_map(|(_, c, _)| c.clone()).collect();
            let product_slugs: Vec<String> = mine().filter_map(|(_, _, p)| p.clone()).collect();
            staff_view(row, category_slugs, product_slugs)
        })
        .collect())
}

fn staff_view(
    row: ListRow,
    category_slugs: Vec<String>,
    product_slugs: Vec<String>,
) -> DiscountCodeForStaff {
    let currency: Currency = row.currency.parse().unwrap_or(Currency::GBP);
    let kind = kind_from(&row.kind, row.basis_points, row.amount, currency);
    let value = match &kind {
        DiscountKind::Percentage { basis_points } => percent_text(i64::from(*basis_points)),
        DiscountKind::FixedAmount { amount } => amount.plain(),
        DiscountKind::FreeShipping => String::new(),
    };
    let description = capitalised(&kind.describe());
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let fields = DiscountFields {
        code: row.code.clone(),
        kind: row.kind.clone(),
        value,
        minimum_subtotal: row
            .minimum_subtotal
            .map(|m| Money::new(m, currency).plain())
            .unwrap_or_default(),
        starts: row.starts_at.map(format_date).unwrap_or_default(),
        // The last day it works is the day before it stops.
        ends: row
            .ends_at
            .map(|ends| format_date(ends - 1))
            .unwrap_or_default(),
        usage_limit: number(row.usage_limit),
        per_customer_limit: number(row.per_customer_limit),
        categories: category_slugs.join(", "),
        products: product_slugs.join(", "),
    };
    DiscountCodeForStaff {
        id: row.id,
        code: row.code,
        active: row.active != 0,
        description,
        minimum_subtotal: row.minimum_subtotal.map(|m| Money::new(m, currency)),
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        usage_limit: row.usage_limit,
        per_customer_limit: row.per_customer_limit,
        times_used: row.times_used,
        customers: row.customers,
        category_slugs,
        product_slugs,
        fields,
    }
}

/// "free delivery" → "Free delivery", for a table cell.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
