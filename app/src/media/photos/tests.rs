use super::*;
use crate::catalog::seed::seeded_test_db;
use crate::db::Engine;
use crate::media::s3_test_server::S3TestServer;
use crate::media::storage::tests::TempDir;
use crate::media::test_pictures::{jpeg, jpeg_with_exif_gps, png};
use crate::media::tests::refused_uploads;

async fn first_product(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT MIN(id) FROM products")
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

async fn revision(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT revision FROM catalog_revision")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn add(db: &Db, storage: &Storage, product_id: i64, upload: Vec<u8>) -> AddPhoto {
    add_photo(
        db,
        storage,
        PhotoLimits::default(),
        product_id,
        upload,
        "  A bowl  ",
    )
    .await
    .unwrap()
}

fn added(outcome: AddPhoto) -> ProductPhoto {
    match outcome {
        AddPhoto::Added(photo) => photo,
        other => panic!("not added: {other:?}"),
    }
}

async fn sorted_files(storage: &Storage) -> Vec<String> {
    let mut keys = storage.list("photos").await.unwrap();
    keys.sort();
    keys
}

/// Makes every insert of a photo file fail, as a full disk or a lost connection would.
async fn break_photo_file_inserts(db: &Db) {
    let statements: &[&str] = match db.engine() {
        Engine::Sqlite => &[
            "CREATE TRIGGER fail_photo_files BEFORE INSERT ON product_photo_files
             BEGIN SELECT RAISE(ABORT, 'no room'); END",
        ],
        Engine::Postgres => &[
            "CREATE FUNCTION fail_photo_files() RETURNS trigger AS $$
             BEGIN RAISE EXCEPTION 'no room'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER fail_photo_files BEFORE INSERT ON product_photo_files
             FOR EACH ROW EXECUTE FUNCTION fail_photo_files()",
        ],
    };
    for sql in statements {
        sqlx::query(sql).execute(db.pool()).await.unwrap();
    }
}

#[tokio::test]
async fn photos_are_recorded_in_order_with_their_six_files() {
    let test = seeded_test_db(2).await;
    let dir = TempDir::new("product-photos");
    let storage = Storage::local(&dir.0).unwrap();
    let product = first_product(&test.db).await;
    let before = revision(&test.db).await;
    let first = added(
        add(
            &test.db,
            &storage,
            product,
            jpeg_with_exif_gps(2000, 1500, 1),
        )
        .await,
    );
    let second = added(add(&test.db, &storage, product, png(300, 400)).await);
    assert_eq!((first.position, second.position), (0, 1));
    assert_eq!(first.alt, "A bowl");
    assert_eq!((first.width, first.height), (1600, 1200));
    assert_eq!((second.width, second.height), (300, 400));
    // Each write is a catalog change, so caches and search indexes hear of it.
    assert_eq!(revision(&test.db).await, before + 2);
    let listed = photos_of_product(&test.db, product).await.unwrap();
    assert_eq!(listed, vec![first.clone(), second.clone()]);
    let mut keys: Vec<String> = first
        .files
        .iter()
        .chain(&second.files)
        .map(|f| f.key.clone())
        .collect();
    keys.sort();
    // The PNG fits the card size, so its card and large files are one file.
    keys.dedup();
    assert_eq!(keys.len(), 10);
    assert_eq!(sorted_files(&storage).await, keys);
    assert_eq!(count(&test.db, "product_photo_files").await, 12);
}

#[tokio::test]
async fn a_refused_upload_leaves_storage_and_database_as_they_were() {
    let test = seeded_test_db(1).await;
    let dir = TempDir::new("product-photos");
    let storage = Storage::local(&dir.0).unwrap();
    let product = first_product(&test.db).await;
    let before = revision(&test.db).await;
    for (case, upload, refusal) in refused_uploads() {
        assert_eq!(
            add(&test.db, &storage, product, upload).await,
            AddPhoto::Refused(refusal),
            "{case}"
        );
        assert!(sorted_files(&storage).await.is_empty(), "{case}");
        assert_eq!(count(&test.db, "product_photos").await, 0, "{case}");
        assert_eq!(count(&test.db, "product_photo_files").await, 0, "{case}");
        assert_eq!(revision(&test.db).await, before, "{case}");
    }
}

#[tokio::test]
async fn a_photo_for_a_missing_product_leaves_no_files() {
    let test = seeded_test_db(1).await;
    let dir = TempDir::new("product-photos");
    let storage = Storage::local(&dir.0).unwrap();
    assert_eq!(
        add(&test.db, &storage, 999_999, jpeg(300, 200)).await,
        AddPhoto::NoSuchProduct
    );
    assert!(sorted_files(&storage).await.is_empty());
    assert_eq!(count(&test.db, "product_photos").await, 0);
}

#[tokio::test]
async fn a_failed_insert_removes_its_files_but_not_files_another_photo_names() {
    let test = seeded_test_db(1).await;
    let dir = TempDir::new("product-photos");
    let storage = Storage::local(&dir.0).unwrap();
    let product = first_product(&test.db).await;
    let kept = added(add(&test.db, &storage, product, jpeg(800, 600)).await);
    let files_before = sorted_files(&storage).await;
    break_photo_file_inserts(&test.db).await;
    // A new picture: its files go again.
    let failed = add_photo(
        &test.db,
        &storage,
        PhotoLimits::default(),
        product,
        png(500, 500),
        "",
    )
    .await;
    assert!(matches!(failed, Err(PhotoFault::Database(_))), "{failed:?}");
    assert_eq!(sorted_files(&storage).await, files_before);
    // The same picture again: its files are the kept photo's, and stay.
    let failed = add_photo(
        &test.db,
        &storage,
        PhotoLimits::default(),
        product,
        jpeg(800, 600),
        "",
    )
    .await;
    assert!(matches!(failed, Err(PhotoFault::Database(_))), "{failed:?}");
    assert_eq!(sorted_files(&storage).await, files_before);
    assert_eq!(
        photos_of_product(&test.db, product).await.unwrap(),
        vec![kept]
    );
}

#[tokio::test]
async fn deleting_a_photo_removes_the_files_no_other_photo_shares() {
    let test = seeded_test_db(1).await;
    let dir = TempDir::new("product-photos");
    let storage = Storage::local(&dir.0).unwrap();
    let product = first_product(&test.db).await;
    // The same bytes twice: two photos naming the same six files.
    let first = added(add(&test.db, &storage, product, jpeg(700, 500)).await);
    let second = added(add(&test.db, &storage, product, jpeg(700, 500)).await);
    assert_eq!(sorted_files(&storage).await.len(), 6);
    assert!(delete_photo(&test.db, &storage, first.id).await.unwrap());
    assert_eq!(sorted_files(&storage).await.len(), 6);
    assert_eq!(
        photos_of_product(&test.db, product).await.unwrap(),
        vec![second.clone()]
    );
    assert!(delete_photo(&test.db, &storage, second.id).await.unwrap());
    assert!(sorted_files(&storage).await.is_empty());
    assert_eq!(count(&test.db, "product_photo_files").await, 0);
    assert!(!delete_photo(&test.db, &storage, second.id).await.unwrap());
}

#[tokio::test]
async fn deleting_a_product_removes_its_photo_files() {
    let test = seeded_test_db(2).await;
    let dir = TempDir::new("product-photos");
    let storage = Storage::local(&dir.0).unwrap();
    let product = first_product(&test.db).await;
    let other: i64 = sqlx::query_scalar("SELECT MAX(id) FROM products")
        .fetch_one(test.db.pool())
        .await
        .unwrap();
    added(add(&test.db, &storage, product, jpeg(640, 480)).await);
    added(add(&test.db, &storage, product, png(64, 64)).await);
    let others = added(add(&test.db, &storage, other, jpeg(320, 240)).await);
    // As a product deletion would: read the files, delete, commit, then remove them.
    let mut tx = test.db.pool().begin().await.unwrap();
    sqlx::query("DELETE FROM products WHERE id = $1")
        .bind(product)
        .execute(&mut *tx)
        .await
        .unwrap();
    let keys = files_of_product(&mut tx, product).await.unwrap();
    assert!(keys.is_empty(), "the rows went with the product");
    tx.rollback().await.unwrap();
    let mut tx = test.db.pool().begin().await.unwrap();
    let keys = files_of_product(&mut tx, product).await.unwrap();
    assert_eq!(keys.len(), 12);
    sqlx::query("DELETE FROM products WHERE id = $1")
        .bind(product)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    remove_unnamed_files(&test.db, &storage, &keys)
        .await
        .unwrap();
    let mut left: Vec<String> = others.files.iter().map(|f| f.key.clone()).collect();
    left.sort();
    left.dedup();
    assert_eq!(sorted_files(&storage).await, left);
}

#[tokio::test]
async fn photos_are_added_and_deleted_in_an_s3_bucket_too() {
    let Some(moto) = S3TestServer::start().await else {
        return;
    };
    let test = seeded_test_db(1).await;
    let storage = Storage::s3(&moto.settings("media")).unwrap();
    let product = first_product(&test.db).await;
    for (case, upload, refusal) in refused_uploads() {
        assert_eq!(
            add(&test.db, &storage, product, upload).await,
            AddPhoto::Refused(refusal),
            "{case}"
        );
    }
    assert!(sorted_files(&storage).await.is_empty());
    let photo = added(add(&test.db, &storage, product, jpeg_with_exif_gps(900, 900, 1)).await);
    assert_eq!(sorted_files(&storage).await.len(), 6);
    for file in &photo.files {
        let bytes = storage.get(&file.key).await.unwrap().unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"));
    }
    assert!(delete_photo(&test.db, &storage, photo.id).await.unwrap());
    assert!(sorted_files(&storage).await.is_empty());
}

#[tokio::test]
async fn photos_move_one_place_at_a_time_and_keep_their_alt_text_trimmed() {
    let test = seeded_test_db(1).await;
    let dir = TempDir::new("product-photos");
    let storage = Storage::local(&dir.0).unwrap();
    let product = first_product(&test.db).await;
    let first = added(add(&test.db, &storage, product, jpeg(300, 200)).await);
    let second = added(add(&test.db, &storage, product, png(200, 300)).await);
    let order = || async {
        photos_of_product(&test.db, product)
            .await
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.alt))
            .collect::<Vec<_>>()
    };

    let mut tx = test.db.begin_write().await.unwrap();
    // The first cannot move earlier, nor the last later.
    assert_eq!(
        move_photo(&mut tx, first.id, Direction::Earlier)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        move_photo(&mut tx, second.id, Direction::Later)
            .await
            .unwrap(),
        None
    );
    let (before, after) = move_photo(&mut tx, second.id, Direction::Earlier)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((before.position, after.position), (1, 0));
    let (_, renamed) = set_photo_alt(&mut tx, first.id, "  The back  ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.alt, "The back");
    assert_eq!(set_photo_alt(&mut tx, 999_999, "x").await.unwrap(), None);
    tx.commit().await.unwrap();

    assert_eq!(
        order().await,
        [
            (second.id, "A bowl".to_owned()),
            (first.id, "The back".to_owned())
        ]
    );
}
