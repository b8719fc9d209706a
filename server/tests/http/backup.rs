//! `bazaar backup` and `bazaar restore`, run as a shop owner would, while the shop takes
//! orders: what was committed comes back, and a damaged archive or a full target is refused.

use app::catalog::seed::{seed, SeedOptions};
use app::db::testing::{TestDb, POSTGRES_ENV};
use app::db::{connect, Db};
use app::money::Currency;
use app::state::AppState;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

const PHOTO: &str = "media/products/1/front.webp";
const PHOTO_BYTES: &[u8] = b"not really a webp, but bytes to keep";

async fn bazaar(args: &[&str], database_url: &str, data_dir: &Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bazaar"));
    command
        .args(args)
        .env("RUST_LOG", "warn")
        .env("DATABASE_URL", database_url)
        .env("BAZAAR_DATA_DIR", data_dir)
        .env_remove("BAZAAR_STORAGE_URL");
    tokio::task::spawn_blocking(move || command.output().expect("bazaar runs"))
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch_dir(what: &str) -> PathBuf {
    static DIRS: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "bazaar-backup-{what}-{}-{}",
        std::process::id(),
        DIRS.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// PostgreSQL backups need `pg_dump`; without it that run says so and checks nothing.
fn pg_dump_missing() -> bool {
    let postgres = std::env::var(POSTGRES_ENV).is_ok_and(|url| !url.is_empty());
    let missing = Command::new("pg_dump").arg("--version").output().is_err();
    if postgres && missing {
        eprintln!("note: pg_dump is not installed; the PostgreSQL backup test is skipped");
    }
    postgres && missing
}

/// A seeded shop with one photo under its data directory.
async fn shop(products: u64) -> (TestDb, PathBuf) {
    let shop = TestDb::new().await;
    let options = SeedOptions {
        products,
        seed: 1,
        currency: Currency::GBP,
    };
    seed(&shop.db, &options, |_| {}).await.expect("seed");
    let data_dir = scratch_dir("shop");
    std::fs::create_dir_all(data_dir.join(PHOTO).parent().unwrap()).unwrap();
    std::fs::write(data_dir.join(PHOTO), PHOTO_BYTES).unwrap();
    (shop, data_dir)
}

async fn insert_order(db: &Db, n: u64) -> i64 {
    let mut tx = db.begin_write().await.unwrap();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (email, status, currency, subtotal, discount_total, shipping_total,
             tax_total, grand_total, shipping_method, address, idempotency_key, created_at, updated_at)
         VALUES ('buyer@shop.test', 'awaiting_payment', 'GBP', 1000, 0, 0, 0, 1000, 'standard',
             '{}', $1, $2, $2)
         RETURNING id",
    )
    .bind(format!("backup-test-{n}"))
    .bind(app::db::now_millis())
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn count(db: &Db, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// The manifest, and each file's SHA-256 as found in the archive.
fn read_archive(archive: &Path) -> (serde_json::Value, Vec<(String, u64, String)>) {
    let file = std::fs::File::open(archive).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut manifest = None;
    let mut files = Vec::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if path == "manifest.json" {
            manifest = Some(serde_json::from_slice(&bytes).unwrap());
        } else {
            let sha = format!("{:x}", Sha256::digest(&bytes));
            files.push((path, bytes.len() as u64, sha));
        }
    }
    (manifest.expect("a manifest"), files)
}

/// Serves the shop on `db` and fetches one product's page.
async fn product_page_status(db: Db) -> (u16, String, String) {
    let (slug, name): (String, String) =
        sqlx::query_as("SELECT slug, name FROM products ORDER BY id LIMIT 1")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let options = leptos::config::LeptosOptions::builder()
        .output_name("bazaar")
        .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../public"))
        .site_pkg_dir("pkg")
        .build();
    let media_dir = scratch_dir("served-media");
    let state = AppState::new(options, db, media_dir.clone())
        .await
        .expect("the restored shop builds its search index");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let response = reqwest::get(format!("{base}/products/{slug}"))
        .await
        .unwrap();
    let status = response.status().as_u16();
    let html = response.text().await.unwrap();
    let _ = stop.send(());
    let _ = server.await;
    let _ = std::fs::remove_dir_all(media_dir);
    (status, html, name)
}

#[tokio::test]
async fn a_backup_taken_while_orders_are_placed_restores_every_earlier_order() {
    if pg_dump_missing() {
        return;
    }
    let (source, source_dir) = shop(20).await;
    let archive = source_dir.join("shop-backup.tar.gz");

    // Orders keep arriving before, during and after the backup.
    let committed = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (db, committed, stop) = (source.db.clone(), committed.clone(), stop.clone());
        async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let id = insert_order(&db, n).await;
                committed.lock().unwrap().push(id);
                n += 1;
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        }
    });
    while committed.lock().unwrap().len() < 10 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before_backup = committed.lock().unwrap().clone();
    let out = bazaar(
        &["backup", "--to", archive.to_str().unwrap()],
        &source.url,
        &source_dir,
    )
    .await;
    let during_backup = committed.lock().unwrap().len();
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Backup written to"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        during_backup > before_backup.len(),
        "the shop kept taking orders"
    );

    let (manifest, files) = read_archive(&archive);
    assert_eq!(manifest["format_version"], 1);
    assert!(manifest["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(manifest["migration_version"].as_i64().unwrap() > 0);
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), files.len());
    for (entry, (path, size, sha)) in listed.iter().zip(&files) {
        assert_eq!(entry["path"].as_str(), Some(path.as_str()));
        assert_eq!(entry["size"].as_u64(), Some(*size));
        assert_eq!(entry["sha256"].as_str(), Some(sha.as_str()), "{path}");
    }
    assert!(files.iter().any(|(path, ..)| path == PHOTO));

    // Restored into a fresh, empty database and data directory.
    let target = TestDb::new().await;
    target.db.close().await;
    let target_dir = scratch_dir("target");
    let out = bazaar(
        &["restore", archive.to_str().unwrap()],
        &target.url,
        &target_dir,
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Restored the backup"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(std::fs::read(target_dir.join(PHOTO)).unwrap(), PHOTO_BYTES);
    let restored = connect(&target.url, 2).await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM orders")
        .fetch_all(restored.pool())
        .await
        .unwrap();
    let missing: Vec<_> = before_backup
        .iter()
        .filter(|id| !ids.contains(id))
        .collect();
    assert!(missing.is_empty(), "orders lost: {missing:?}");
    assert_eq!(count(&restored, "products").await, 20);
    let orders = count(&restored, "orders").await;

    let (status, html, name) = product_page_status(restored.clone()).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&name.replace('&', "&amp;").replace('\'', "&#x27;")) || html.contains(&name)
    );

    // The target now holds a shop: a second restore is refused and changes nothing.
    let restored = connect(&target.url, 2).await.unwrap();
    insert_order(&restored, 1_000_000).await;
    let again = bazaar(
        &["restore", archive.to_str().unwrap()],
        &target.url,
        &target_dir,
    )
    .await;
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("already holds data"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(count(&restored, "orders").await, orders + 1);
    restored.close().await;

    // --force replaces it with the backup.
    let forced = bazaar(
        &["restore", "--force", archive.to_str().unwrap()],
        &target.url,
        &target_dir,
    )
    .await;
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    let restored = connect(&target.url, 2).await.unwrap();
    assert_eq!(count(&restored, "orders").await, orders);
    restored.close().await;

    let _ = std::fs::remove_dir_all(source_dir);
    let _ = std::fs::remove_dir_all(target_dir);
}

#[tokio::test]
async fn a_tampered_archive_is_refused_naming_the_file_and_nothing_is_written() {
    if pg_dump_missing() {
        return;
    }
    let (source, source_dir) = shop(5).await;
    let archive = source_dir.join("backup.tar.gz");
    let out = bazaar(
        &["backup", "--to", archive.to_str().unwrap()],
        &source.url,
        &source_dir,
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    // One byte of the photo changes; the manifest still has the old checksum.
    let mut tar_bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&archive).unwrap())
        .read_to_end(&mut tar_bytes)
        .unwrap();
    let at = tar_bytes
        .windows(PHOTO_BYTES.len())
        .position(|w| w == PHOTO_BYTES)
        .unwrap();
    tar_bytes[at] ^= 0x20;
    let mut gzip = flate2::write::GzEncoder::new(
        std::fs::File::create(&archive).unwrap(),
        flate2::Compression::fast(),
    );
    gzip.write_all(&tar_bytes).unwrap();
    gzip.finish().unwrap();

    let target = TestDb::new().await;
    let target_dir = scratch_dir("tampered-target");
    let out = bazaar(
        &["restore", archive.to_str().unwrap()],
        &target.url,
        &target_dir,
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.contains(PHOTO) && last.contains("damaged"), "{stderr}");
    assert_eq!(count(&target.db, "products").await, 0);
    assert!(!target_dir.join("media").exists());

    let _ = std::fs::remove_dir_all(source_dir);
    let _ = std::fs::remove_dir_all(target_dir);
}

/// The order numbers of restored orders and their status.
async fn orders_by_number(db: &Db) -> std::collections::HashMap<String, String> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, status FROM orders")
        .fetch_all(db.pool())
        .await
        .unwrap();
    rows.into_iter()
        .map(|(id, status)| (app::orders::format_order_number(id as u64), status))
        .collect()
}

/// `archive` with one byte of the file stored at `path` inside it changed.
fn flip_a_byte_of(archive: &Path, path: &str) {
    let mut tar_bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(archive).unwrap())
        .read_to_end(&mut tar_bytes)
        .unwrap();
    let mut at = None;
    let mut tar = tar::Archive::new(&tar_bytes[..]);
    for entry in tar.entries().unwrap() {
        let entry = entry.unwrap();
        if entry.path().unwrap().to_string_lossy() == path {
            at = Some(entry.raw_file_position() as usize + entry.size() as usize / 2);
        }
    }
    let at = at.unwrap_or_else(|| panic!("{path} is in the archive"));
    tar_bytes[at] ^= 0x01;
    let mut gzip = flate2::write::GzEncoder::new(
        std::fs::File::create(archive).unwrap(),
        flate2::Compression::fast(),
    );
    gzip.write_all(&tar_bytes).unwrap();
    gzip.finish().unwrap();
}

#[tokio::test]
async fn a_backup_taken_while_shoppers_pay_restores_every_order_paid_before_it() {
    use crate::checkout::{guest_at_checkout, order_number, pay, variant, GOOD_CARD};
    if pg_dump_missing() {
        return;
    }
    let app = Arc::new(crate::helpers::TestApp::seeded(5).await);
    let sku = variant(&app, 1_000_000).await;
    let work_dir = scratch_dir("under-load");
    let archive = work_dir.join("shop.tar.gz");

    // Four shoppers pay for orders over HTTP until told to stop; each order number is
    // recorded once the shop has answered that it is paid.
    let paid = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let shoppers: Vec<_> = (0..4)
        .map(|_| {
            let (app, sku, paid, stop) = (app.clone(), sku.clone(), paid.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let (guest, key) = guest_at_checkout(&app, &sku, 1).await;
                    let (status, step) = pay(&app, &guest, &key, GOOD_CARD).await;
                    assert_eq!(status, 200, "{step}");
                    let path = step["Paid"]["path"].as_str().expect("paid").to_owned();
                    paid.lock().unwrap().push(order_number(&path).to_owned());
                }
            })
        })
        .collect();
    while paid.lock().unwrap().len() < 8 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let paid_before_backup = paid.lock().unwrap().clone();
    let out = bazaar(
        &["backup", "--to", archive.to_str().unwrap()],
        &app.database_url,
        &work_dir,
    )
    .await;
    let paid_by_backup_end = paid.lock().unwrap().len();
    // The shop keeps selling a little after the backup, then the shoppers go home.
    while paid.lock().unwrap().len() < paid_by_backup_end + 4 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for shopper in shoppers {
        shopper.await.unwrap();
    }
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        paid_by_backup_end > paid_before_backup.len(),
        "orders were paid while the backup ran"
    );

    // Every file in the archive matches its checksum in the manifest.
    let (manifest, files) = read_archive(&archive);
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), files.len());
    for (entry, (path, size, sha)) in listed.iter().zip(&files) {
        assert_eq!(entry["path"].as_str(), Some(path.as_str()));
        assert_eq!(entry["size"].as_u64(), Some(*size));
        assert_eq!(entry["sha256"].as_str(), Some(sha.as_str()), "{path}");
    }

    // Restored into a fresh database and data directory, every order paid before the
    // backup began is there, and paid.
    let target = TestDb::new().await;
    target.db.close().await;
    let target_dir = scratch_dir("under-load-target");
    let out = bazaar(
        &["restore", archive.to_str().unwrap()],
        &target.url,
        &target_dir,
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let restored = connect(&target.url, 2).await.unwrap();
    let orders = orders_by_number(&restored).await;
    for number in &paid_before_backup {
        assert_eq!(
            orders.get(number).map(String::as_str),
            Some("paid"),
            "order {number} after the restore"
        );
    }

    // The shop starts on the restored database and serves its pages.
    let (status, _, _) = product_page_status(restored.clone()).await;
    assert_eq!(status, 200);
    restored.close().await;

    // One byte changed in the database copy: the restore refuses and writes nothing.
    let database_entry = listed
        .iter()
        .filter_map(|entry| entry["path"].as_str())
        .find(|path| path.starts_with("database/"))
        .unwrap()
        .to_owned();
    flip_a_byte_of(&archive, &database_entry);
    let fresh = TestDb::new().await;
    let fresh_dir = scratch_dir("under-load-damaged");
    let out = bazaar(
        &["restore", archive.to_str().unwrap()],
        &fresh.url,
        &fresh_dir,
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&database_entry) && stderr.contains("damaged"),
        "{stderr}"
    );
    assert_eq!(count(&fresh.db, "orders").await, 0);

    for dir in [work_dir, target_dir, fresh_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test]
async fn scheduled_backups_run_once_across_instances_and_keep_the_newest() {
    use server::cli::backup::schedule;
    if pg_dump_missing() {
        return;
    }
    let (source, data_dir) = shop(3).await;
    let backups = data_dir.join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    let older = [
        "bazaar-20200101T000000Z.tar.gz",
        "bazaar-20200102T000000Z.tar.gz",
        "bazaar-20200103T000000Z.tar.gz",
    ];
    let foreign = ["before-upgrade.tar.gz", "notes.txt"];
    for name in older.iter().chain(&foreign) {
        std::fs::write(backups.join(name), name).unwrap();
    }
    let vars = [
        ("DATABASE_URL", source.url.clone()),
        ("BAZAAR_DATA_DIR", data_dir.display().to_string()),
        ("BAZAAR_BACKUP_EVERY", "1d".to_owned()),
        ("BAZAAR_BACKUP_KEEP", "2".to_owned()),
    ];
    let config = server::config::Config::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    let backup_jobs = |db: Db| async move {
        sqlx::query_as::<_, (String, i64)>(
            "SELECT state, run_at FROM jobs WHERE kind = 'backup' ORDER BY id",
        )
        .fetch_all(db.pool())
        .await
        .unwrap()
    };

    // Two instances start at once: one backup is scheduled between them.
    let (a, b) = tokio::join!(
        schedule::worker(&config, source.db.clone()),
        schedule::worker(&config, source.db.clone())
    );
    let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
    assert_eq!(backup_jobs(source.db.clone()).await.len(), 1);

    // Both look for work at once: the backup is taken once, and the next one waits a day.
    let started = app::db::now_millis();
    let (ran_a, ran_b) = tokio::join!(a.run_once(), b.run_once());
    assert_eq!(u8::from(ran_a.unwrap()) + u8::from(ran_b.unwrap()), 1);
    let jobs = backup_jobs(source.db.clone()).await;
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    assert_eq!(jobs[0].0, "done");
    assert_eq!(jobs[1].0, "pending");
    let day = 24 * 3600 * 1000;
    assert!(jobs[1].1 >= started + day && jobs[1].1 <= app::db::now_millis() + day);
    assert!(!a.run_once().await.unwrap() && !b.run_once().await.unwrap());

    // The new archive and the newest older one are kept; other files are left alone.
    let mut left: Vec<String> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left.len(), 4, "{left:?}");
    assert_eq!(left[0], "bazaar-20200103T000000Z.tar.gz");
    let newest = &left[1];
    assert!(
        newest.starts_with("bazaar-20") && newest.ends_with("Z.tar.gz") && newest > &left[0],
        "{left:?}"
    );
    assert_eq!(left[2..], ["before-upgrade.tar.gz", "notes.txt"]);
    let (manifest, files) = read_archive(&backups.join(newest));
    assert_eq!(manifest["files"].as_array().unwrap().len(), files.len());
    assert!(files.iter().any(|(path, ..)| path == PHOTO));
    assert!(files.iter().any(|(path, ..)| path.starts_with("database/")));

    let _ = std::fs::remove_dir_all(data_dir);
}
