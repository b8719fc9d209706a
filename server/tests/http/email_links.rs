//! The links the shop emails, delivered through a real SMTP server: confirming an
//! address, resetting a password, changing the address; and the account's own security
//! forms (new password, devices signed in).

use crate::accounts::{browser, call};
use crate::helpers::{link_to, TestApp};
use app::accounts::email_links::LINK_SPENT;
use app::accounts::password::Password;
use app::accounts::server::{create_user, Role};
use serde_json::Value;

const EMAIL: &str = "ann@shop.test";
const PASSWORD: &str = "a long enough secret";
const NEW_PASSWORD: &str = "another quite long secret";

async fn with_account(app: &TestApp) {
    create_user(
        &app.db,
        EMAIL,
        Password::new(PASSWORD.into()),
        Role::Customer,
    )
    .await
    .unwrap();
}

/// A browser signed in as `email` with `password`.
async fn signed_in(app: &TestApp, email: &str, password: &str) -> reqwest::Client {
    let client = browser();
    let (status, body) = call(
        app,
        &client,
        "sign_in",
        &[("email", email), ("password", password)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    client
}

async fn who(app: &TestApp, client: &reqwest::Client) -> Value {
    call(app, client, "current_account", &[]).await.1
}

/// The `token` parameter of a link's path and query.
fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_owned()
}

fn form_message(body: &Value) -> &str {
    body["Invalid"]["form"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_new_account_gets_a_link_that_confirms_the_address_and_signs_in() {
    let app = TestApp::seeded(0).await;
    let mail = app.deliver_mail();
    let registering = browser();
    let (status, account) = call(
        &app,
        &registering,
        "register",
        &[("email", EMAIL), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(account["email_verified"], false);

    let message = mail.wait_for(EMAIL, "Confirm your email address").await;
    let link = link_to(message.text.as_deref().unwrap(), "/account/verify-email");
    assert!(message
        .html
        .unwrap()
        .contains("/account/verify-email?token="));

    // Opening the link asks first: a mail scanner's visit confirms nothing.
    let (status, page) = app.page(&link).await;
    assert_eq!(status, 200);
    assert!(page.contains("Confirm my email address"), "{page}");
    assert!(page.contains(EMAIL));

    // Another browser (the phone the mail was read on) confirms, and is signed in.
    let phone = browser();
    let (status, confirmed) = call(
        &app,
        &phone,
        "confirm_email",
        &[("token", &token_of(&link))],
    )
    .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["signed_in"], true);
    let me = who(&app, &phone).await;
    assert_eq!(me["email"], EMAIL);
    assert_eq!(me["email_verified"], true);

    // The link is spent.
    let (status, again) = call(
        &app,
        &phone,
        "confirm_email",
        &[("token", &token_of(&link))],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(form_message(&again), LINK_SPENT);
    let (status, page) = app.page(&link).await;
    assert_eq!(status, 410);
    assert!(page.contains("has expired or has already been used"));
}

#[tokio::test]
async fn a_reset_link_works_once_signs_out_everywhere_and_the_new_password_works() {
    let app = TestApp::seeded(0).await;
    with_account(&app).await;
    let mail = app.deliver_mail();
    let laptop = signed_in(&app, EMAIL, PASSWORD).await;

    let (status, _) = call(
        &app,
        &browser(),
        "request_password_reset",
        &[("email", "Ann@Shop.test")],
    )
    .await;
    assert_eq!(status, 200);
    let message = mail.wait_for(EMAIL, "Reset your Bazaar password").await;
    let link = link_to(message.text.as_deref().unwrap(), "/account/reset-password");
    let (status, page) = app.page(&link).await;
    assert_eq!(status, 200);
    assert!(page.contains("Choose a new password"));

    let token = token_of(&link);
    // A weak new password is refused next to its field, and the link still works.
    let (status, weak) = call(
        &app,
        &browser(),
        "reset_password",
        &[("token", &token), ("password", "short")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(weak["Invalid"]["fields"]["password"]
        .as_str()
        .unwrap()
        .contains("at least 10"));

    let (status, _) = call(
        &app,
        &browser(),
        "reset_password",
        &[("token", &token), ("password", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(status, 200);
    // Every session of the account ended, the laptop's included.
    assert_eq!(who(&app, &laptop).await, Value::Null);
    // Only the new password opens the account; the link is spent.
    let (status, _) = call(
        &app,
        &browser(),
        "sign_in",
        &[("email", EMAIL), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 422);
    signed_in(&app, EMAIL, NEW_PASSWORD).await;
    let (status, again) = call(
        &app,
        &browser(),
        "reset_password",
        &[("token", &token), ("password", "yet another long secret")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(form_message(&again), LINK_SPENT);
    // The owner hears of the change.
    mail.wait_for(EMAIL, "password was changed").await;
}

#[tokio::test]
async fn a_reset_link_expires_after_an_hour() {
    let app = TestApp::seeded(0).await;
    with_account(&app).await;
    let mail = app.deliver_mail();
    call(
        &app,
        &browser(),
        "request_password_reset",
        &[("email", EMAIL)],
    )
    .await;
    let message = mail.wait_for(EMAIL, "Reset your").await;
    assert!(message.text.as_deref().unwrap().contains("for 60 minutes"));
    let token = token_of(&link_to(
        message.text.as_deref().unwrap(),
        "/account/reset-password",
    ));
    // The link was issued an hour and a second ago:
    let now = app::db::now_millis();
    sqlx::query("UPDATE account_links SET created_at = $1, expires_at = $1 + 3600000")
        .bind(now - 3_601_000)
        .execute(app.db.pool())
        .await
        .unwrap();
    let (status, body) = call(
        &app,
        &browser(),
        "reset_password",
        &[("token", &token), ("password", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(form_message(&body), LINK_SPENT);
    signed_in(&app, EMAIL, PASSWORD).await;
}

#[tokio::test]
async fn asking_for_a_reset_tells_nobody_whether_the_address_has_an_account() {
    let app = TestApp::seeded(0).await;
    with_account(&app).await;
    let mail = app.deliver_mail();
    let known = call(
        &app,
        &browser(),
        "request_password_reset",
        &[("email", EMAIL)],
    )
    .await;
    let unknown = call(
        &app,
        &browser(),
        "request_password_reset",
        &[("email", "nobody@shop.test")],
    )
    .await;
    assert_eq!(known, unknown);
    mail.wait_for(EMAIL, "Reset your").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(mail
        .received()
        .iter()
        .all(|m| m.rcpt_tos == [EMAIL.to_owned()]));
}

#[tokio::test]
async fn reset_emails_for_one_account_are_limited_with_429() {
    let app = TestApp::seeded(0).await;
    with_account(&app).await;
    for _ in 0..5 {
        let (status, _) = call(
            &app,
            &browser(),
            "request_password_reset",
            &[("email", EMAIL)],
        )
        .await;
        assert_eq!(status, 200);
    }
    let response = browser()
        .post(format!("{}/rpc/request_password_reset", app.base))
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", EMAIL)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_new_password_needs_the_current_one_and_signs_out_the_other_devices() {
    let app = TestApp::seeded(0).await;
    with_account(&app).await;
    let laptop = signed_in(&app, EMAIL, PASSWORD).await;
    let phone = signed_in(&app, EMAIL, PASSWORD).await;

    let (status, wrong) = call(
        &app,
        &laptop,
        "change_password",
        &[
            ("current_password", "not my password"),
            ("new_password", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        wrong["Invalid"]["fields"]["current_password"],
        "That is not your current password."
    );
    assert_eq!(who(&app, &phone).await["email"], EMAIL);

    let (status, _) = call(
        &app,
        &laptop,
        "change_password",
        &[
            ("current_password", PASSWORD),
            ("new_password", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(who(&app, &laptop).await["email"], EMAIL);
    assert_eq!(who(&app, &phone).await, Value::Null);
    signed_in(&app, EMAIL, NEW_PASSWORD).await;

    // Nobody signed in can change a password at all.
    let (status, _) = call(
        &app,
        &browser(),
        "change_password",
        &[
            ("current_password", NEW_PASSWORD),
            ("new_password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_new_email_address_counts_once_its_link_is_opened() {
    let app = TestApp::seeded(0).await;
    with_account(&app).await;
    let mail = app.deliver_mail();
    let laptop = signed_in(&app, EMAIL, PASSWORD).await;
    let (status, sent_to) = call(
        &app,
        &laptop,
        "change_email",
        &[("new_email", "Ann.New@Shop.test"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(sent_to, "ann.new@shop.test");
    assert_eq!(who(&app, &laptop).await["email"], EMAIL);

    let message = mail
        .wait_for("ann.new@shop.test", "Confirm your email address")
        .await;
    let link = link_to(message.text.as_deref().unwrap(), "/account/verify-email");
    let (status, _) = call(
        &app,
        &laptop,
        "confirm_email",
        &[("token", &token_of(&link))],
    )
    .await;
    assert_eq!(status, 200);
    let me = who(&app, &laptop).await;
    assert_eq!(me["email"], "ann.new@shop.test");
    assert_eq!(me["email_verified"], true);
    // The old address is told, in case it was not its owner's doing.
    mail.wait_for(EMAIL, "email address was changed").await;
    signed_in(&app, "ann.new@shop.test", PASSWORD).await;
}

#[tokio::test]
async fn the_account_lists_its_devices_and_signs_out_the_others() {
    let app = TestApp::seeded(0).await;
    with_account(&app).await;
    let device = |agent: &str| {
        reqwest::Client::builder()
            .cookie_store(true)
            .user_agent(agent)
            .build()
            .unwrap()
    };
    let laptop = device("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    let phone = device("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1");
    let tablet = device("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36");
    for client in [&laptop, &phone, &tablet] {
        let (status, _) = call(
            &app,
            client,
            "sign_in",
            &[("email", EMAIL), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, devices) = call(&app, &laptop, "list_sessions", &[]).await;
    assert_eq!(status, 200);
    let devices = devices.as_array().unwrap().clone();
    assert_eq!(devices.len(), 3);
    let named = |name: &str| {
        devices
            .iter()
            .find(|d| d["device"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(named("Firefox on Linux")["current"], true);
    assert_eq!(named("Safari on iOS")["current"], false);

    // One device signed out by name; then all but this one.
    let handle = named("Safari on iOS")["handle"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = call(&app, &laptop, "end_session", &[("handle", &handle)]).await;
    assert_eq!(status, 200);
    assert_eq!(who(&app, &phone).await, Value::Null);
    assert_eq!(who(&app, &tablet).await["email"], EMAIL);
    let (status, ended) = call(&app, &laptop, "end_other_sessions", &[]).await;
    assert_eq!((status, ended), (200, Value::from(1)));
    assert_eq!(who(&app, &tablet).await, Value::Null);
    assert_eq!(who(&app, &laptop).await["email"], EMAIL);

    // The page shows what is left: this device only.
    let page = laptop
        .get(format!("{}/account/security", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Firefox on Linux"), "{page}");
    assert!(page.contains("(this device)"));
    assert!(!page.contains("Safari on iOS"));
}
