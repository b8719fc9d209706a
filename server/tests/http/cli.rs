//! The `bazaar` binary itself, run as a shop owner would run it.

use app::db::testing::TestDb;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bazaar(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bazaar"))
        .args(args)
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bazaar starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_and_exit_code_2() {
    let out = bazaar(&["migrate"], &[("BAZAAR_LOG_FORMAT", "xml")], "");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("BAZAAR_LOG_FORMAT=\"xml\" is not valid: pretty or json"),
        "{stderr}"
    );

    let out = bazaar(
        &["migrate"],
        &[("DATABASE_URL", "mysql://localhost/shop")],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("DATABASE_URL"));
}

#[tokio::test]
async fn seed_fills_an_empty_catalog_once() {
    let test = TestDb::new().await;
    let env = [("DATABASE_URL", test.url.as_str())];
    let out = bazaar(&["seed", "--products", "30"], &env, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Seeded 24 categories and 30 products"));

    let again = bazaar(&["seed", "--products", "30"], &env, "");
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already has 30 products"));

    let quiet = bazaar(&["seed", "--if-empty"], &env, "");
    assert!(quiet.status.success());
    let products: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products")
        .fetch_one(test.db.pool())
        .await
        .unwrap();
    assert_eq!(products, 30);
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin_and_stores_only_a_hash() {
    let test = TestDb::new().await;
    let env = [("DATABASE_URL", test.url.as_str())];
    let out = bazaar(
        &["create-admin", "Owner@Shop.test"],
        &env,
        "a long secret phrase\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (role, hash): (String, String) =
        sqlx::query_as("SELECT role, password_hash FROM users WHERE email = 'owner@shop.test'")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
    assert_eq!(role, "staff");
    assert!(hash.starts_with("$argon2id$"));
    assert!(!hash.contains("a long secret phrase"));

    let weak = bazaar(&["create-admin", "other@shop.test"], &env, "short\n");
    assert_eq!(weak.status.code(), Some(1));
    assert!(text(&weak.stderr).contains("at least 10 characters"));
    let taken = bazaar(
        &["create-admin", "owner@shop.test"],
        &env,
        "another long phrase\n",
    );
    assert_eq!(taken.status.code(), Some(1));
    assert!(text(&taken.stderr).contains("already exists"));
}

#[tokio::test]
async fn promoting_a_customer_ends_their_sessions_and_is_audited() {
    use app::accounts::password::Password;
    use app::accounts::server::{create_user, CreateUser, Role};
    let test = TestDb::new().await;
    let env = [("DATABASE_URL", test.url.as_str())];
    let CreateUser::Created { id } = create_user(
        &test.db,
        "clerk@shop.test",
        Password::new("a long secret phrase".into()),
        Role::Customer,
    )
    .await
    .unwrap() else {
        panic!("created")
    };
    // A session the customer signed in with before the change.
    sqlx::query("INSERT INTO sessions (id, data, expiry_date, user_id) VALUES ('old', $1, $2, $3)")
        .bind(b"{}".to_vec())
        .bind(app::db::now_millis() + 3_600_000)
        .bind(id)
        .execute(test.db.pool())
        .await
        .unwrap();

    let out = bazaar(&["create-admin", "--promote", "clerk@shop.test"], &env, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("is now a staff account"));
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(test.db.pool())
        .await
        .unwrap();
    assert_eq!(role, "staff");
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(id)
        .fetch_one(test.db.pool())
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    let events: Vec<String> = sqlx::query_scalar("SELECT event FROM audit_log WHERE user_id = $1")
        .bind(id)
        .fetch_all(test.db.pool())
        .await
        .unwrap();
    assert_eq!(events, ["role_changed"]);

    let again = bazaar(&["create-admin", "--promote", "clerk@shop.test"], &env, "");
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("no customer account"));
}
