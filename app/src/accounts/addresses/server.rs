//! The address book's queries. Every one names the account as well as the address, so
//! an address id alone never reaches another shopper's row. The checkout reads
//! addresses through [`addresses_of`], [`address_of`] and [`default_address_of`].

use super::api::{Address, MAX_ADDRESSES};
use super::validate::ValidAddress;
use crate::db::{now_millis, Db};
use sqlx::{Any, Transaction};

#[derive(sqlx::FromRow)]
struct AddressRow {
    id: i64,
    full_name: String,
    line1: String,
    line2: Option<String>,
    city: String,
    region: Option<String>,
    postcode: Option<String>,
    country: String,
    phone: Option<String>,
    is_default: i64,
}

impl From<AddressRow> for Address {
    fn from(row: AddressRow) -> Address {
        Address {
            id: row.id,
            full_name: row.full_name,
            line1: row.line1,
            line2: row.line2,
            city: row.city,
            region: row.region,
            postcode: row.postcode,
            country: row.country,
            phone: row.phone,
            is_default: row.is_default != 0,
        }
    }
}

/// The columns of [`AddressRow`]; the flag as a number, which both engines return alike.
macro_rules! address_columns {
    () => {
        "id, full_name, line1, line2, city, region, postcode, country, phone,
         CAST(CASE WHEN is_default THEN 1 ELSE 0 END AS BIGINT) AS is_default"
    };
}

/// The account's addresses, the default first, then in the order they were added.
pub async fn addresses_of(db: &Db, user_id: i64) -> Result<Vec<Address>, sqlx::Error> {
    let rows = sqlx::query_as::<_, AddressRow>(concat!(
        "SELECT ",
        address_columns!(),
        " FROM addresses WHERE user_id = $1 ORDER BY is_default DESC, id"
    ))
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(Address::from).collect())
}

/// The account's address with this id, if it has one.
pub async fn address_of(db: &Db, user_id: i64, id: i64) -> Result<Option<Address>, sqlx::Error> {
    let row = sqlx::query_as::<_, AddressRow>(concat!(
        "SELECT ",
        address_columns!(),
        " FROM addresses WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(Address::from))
}

/// The account's default address: the one the checkout offers first.
pub async fn default_address_of(db: &Db, user_id: i64) -> Result<Option<Address>, sqlx::Error> {
    let row = sqlx::query_as::<_, AddressRow>(concat!(
        "SELECT ",
        address_columns!(),
        " FROM addresses WHERE user_id = $1 AND is_default"
    ))
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(Address::from))
}

/// What became of a new address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Saved {
        id: i64,
    },
    /// The account already keeps [`MAX_ADDRESSES`]; nothing was saved.
    BookFull,
}

/// Saves `address` for the account, as its default when it has none yet.
pub async fn insert_address(
    db: &Db,
    user_id: i64,
    address: &ValidAddress,
) -> Result<Added, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    lock_book(&mut tx, user_id).await?;
    let (count, defaults): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN is_default THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM addresses WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    if count >= MAX_ADDRESSES {
        return Ok(Added::BookFull);
    }
    let now = now_millis();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO addresses (user_id, full_name, line1, line2, city, region, postcode,
                                country, phone, is_default, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(user_id)
    .bind(&address.full_name)
    .bind(&address.line1)
    .bind(&address.line2)
    .bind(&address.city)
    .bind(&address.region)
    .bind(&address.postcode)
    .bind(&address.country)
    .bind(&address.phone)
    .bind(defaults == 0)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Added::Saved { id })
}

/// Replaces the parts of the account's address `id`; false when it has no such address.
pub async fn update_address(
    db: &Db,
    user_id: i64,
    id: i64,
    address: &ValidAddress,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE addresses
         SET full_name = $1, line1 = $2, line2 = $3, city = $4, region = $5, postcode = $6,
             country = $7, phone = $8, updated_at = $9
         WHERE id = $10 AND user_id = $11",
    )
    .bind(&address.full_name)
    .bind(&address.line1)
    .bind(&address.line2)
    .bind(&address.city)
    .bind(&address.region)
    .bind(&address.postcode)
    .bind(&address.country)
    .bind(&address.phone)
    .bind(now_millis())
    .bind(id)
    .bind(user_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the account's address `id`; false when it has no such address. A deleted
/// default passes to the oldest address left, so an account with addresses always
/// has a default.
pub async fn remove_address(db: &Db, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    lock_book(&mut tx, user_id).await?;
    let was_default: Option<i64> = sqlx::query_scalar(
        "DELETE FROM addresses WHERE id = $1 AND user_id = $2
         RETURNING CAST(CASE WHEN is_default THEN 1 ELSE 0 END AS BIGINT)",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(was_default) = was_default else {
        return Ok(false);
    };
    if was_default != 0 {
        sqlx::query(
            "UPDATE addresses SET is_default = TRUE, updated_at = $2
             WHERE id = (SELECT MIN(id) FROM addresses WHERE user_id = $1)",
        )
        .bind(user_id)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Makes the account's address `id` its default; false (and nothing changed) when it
/// has no such address.
pub async fn set_default_address(db: &Db, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    lock_book(&mut tx, user_id).await?;
    let now = now_millis();
    // The old default goes first: the index allows one default per account at a time.
    sqlx::query(
        "UPDATE addresses SET is_default = FALSE, updated_at = $3
         WHERE user_id = $1 AND is_default AND id <> $2",
    )
    .bind(user_id)
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let done = sqlx::query(
        "UPDATE addresses SET is_default = TRUE, updated_at = $3 WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        // Dropping the transaction rolls the cleared default back.
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// Takes the account's row lock, so that changes to one address book run one after
/// another: two tabs cannot both add a 20th address, or make two defaults. (On SQLite
/// this write also takes the database's write lock up front, instead of upgrading a
/// read lock later, which could fail with "database is locked".)
async fn lock_book(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDb;

    async fn shopper(db: &Db, email: &str) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO users (email, password_hash, created_at, updated_at)
             VALUES ($1, 'x', 0, 0) RETURNING id",
        )
        .bind(email)
        .fetch_one(db.pool())
        .await
        .unwrap()
    }

    fn address(name: &str) -> ValidAddress {
        ValidAddress {
            full_name: name.into(),
            line1: "1 High Street".into(),
            line2: None,
            city: "London".into(),
            region: None,
            postcode: Some("SW1A 1AA".into()),
            country: "GB".into(),
            phone: None,
        }
    }

    async fn add(db: &Db, user: i64, name: &str) -> i64 {
        match insert_address(db, user, &address(name)).await.unwrap() {
            Added::Saved { id } => id,
            Added::BookFull => panic!("book full"),
        }
    }

    async fn default_name(db: &Db, user: i64) -> Option<String> {
        default_address_of(db, user)
            .await
            .unwrap()
            .map(|a| a.full_name)
    }

    #[tokio::test]
    async fn the_first_address_is_the_default_and_the_default_can_move() {
        let test = TestDb::new().await;
        let ann = shopper(&test.db, "ann@shop.test").await;
        let home = add(&test.db, ann, "Home").await;
        let work = add(&test.db, ann, "Work").await;
        assert_eq!(default_name(&test.db, ann).await.as_deref(), Some("Home"));
        assert!(set_default_address(&test.db, ann, work).await.unwrap());
        let book = addresses_of(&test.db, ann).await.unwrap();
        let flags: Vec<(i64, bool)> = book.iter().map(|a| (a.id, a.is_default)).collect();
        assert_eq!(flags, [(work, true), (home, false)]);
        // Deleting the default hands it to the oldest address left.
        assert!(remove_address(&test.db, ann, work).await.unwrap());
        assert_eq!(default_name(&test.db, ann).await.as_deref(), Some("Home"));
    }

    #[tokio::test]
    async fn nobody_reaches_another_accounts_address_by_its_id() {
        let test = TestDb::new().await;
        let ann = shopper(&test.db, "ann@shop.test").await;
        let bob = shopper(&test.db, "bob@shop.test").await;
        let anns = add(&test.db, ann, "Ann").await;
        add(&test.db, bob, "Bob").await;
        assert_eq!(address_of(&test.db, bob, anns).await.unwrap(), None);
        assert!(!update_address(&test.db, bob, anns, &address("Mallory"))
            .await
            .unwrap());
        assert!(!set_default_address(&test.db, bob, anns).await.unwrap());
        assert!(!remove_address(&test.db, bob, anns).await.unwrap());
        // Bob's own default survived his failed attempt to make Ann's his default.
        assert_eq!(default_name(&test.db, bob).await.as_deref(), Some("Bob"));
        let kept = address_of(&test.db, ann, anns).await.unwrap().unwrap();
        assert_eq!((kept.full_name.as_str(), kept.is_default), ("Ann", true));
    }

    #[tokio::test]
    async fn an_address_book_holds_at_most_the_limit() {
        let test = TestDb::new().await;
        let ann = shopper(&test.db, "ann@shop.test").await;
        for n in 0..MAX_ADDRESSES {
            add(&test.db, ann, &format!("Address {n}")).await;
        }
        assert_eq!(
            insert_address(&test.db, ann, &address("One too many"))
                .await
                .unwrap(),
            Added::BookFull
        );
        assert_eq!(
            addresses_of(&test.db, ann).await.unwrap().len() as i64,
            MAX_ADDRESSES
        );
    }
}
