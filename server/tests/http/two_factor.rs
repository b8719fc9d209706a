//! Two-factor sign-in for staff over HTTP: only staff may set it up, and once it is on
//! the password alone signs nobody in.

use crate::helpers::TestApp;
use app::accounts::password::Password;
use app::accounts::server::{create_user, Role};
use app::accounts::two_factor::api::WRONG_CODE;
use app::accounts::two_factor::totp;
use app::forms::{FormError, FormErrors};
use serde_json::Value;

const STAFF: &str = "staff@shop.test";
const CUSTOMER: &str = "ann@shop.test";
const PASSWORD: &str = "a long enough secret";

/// A cookie-keeping client that does not follow redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Posts a form to server function `name` as a script would; the whole response.
async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(format!("{}/rpc/{name}", app.base))
        .form(form)
        .send()
        .await
        .unwrap()
}

/// As [`post`]: status and JSON body.
async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let response = post(app, client, name, form).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn account(app: &TestApp, email: &str, role: Role) {
    create_user(&app.db, email, Password::new(PASSWORD.into()), role)
        .await
        .unwrap();
}

/// Who the client's session belongs to (`null` for nobody).
async fn who(app: &TestApp, client: &reqwest::Client) -> Value {
    call(app, client, "current_account", &[]).await.1
}

async fn sign_in(app: &TestApp, client: &reqwest::Client, email: &str) -> Value {
    let (status, body) = call(
        app,
        client,
        "sign_in",
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The authenticator app's code for the base32 `secret`, `steps_ahead` steps from now.
fn code(secret: &str, steps_ahead: u64) -> String {
    let secret = totp::base32_decode(secret).expect("base32 secret");
    totp::code_at(&secret, now_secs() + steps_ahead * totp::STEP_SECS)
}

/// A code that is none of the accepted ones right now.
fn wrong_code(secret: &str) -> String {
    let accepted: Vec<String> = (0..3)
        .map(|i| {
            let secret = totp::base32_decode(secret).unwrap();
            totp::code_at(&secret, now_secs() + i * totp::STEP_SECS - totp::STEP_SECS)
        })
        .collect();
    (0..)
        .map(|n: u32| format!("{:06}", (n * 7919) % 1_000_000))
        .find(|c| !accepted.contains(c))
        .unwrap()
}

/// Signs the staff member in, turns two-factor on (with the current code), signs out;
/// the secret and the recovery codes.
async fn enrolled_staff(app: &TestApp) -> (String, Vec<String>) {
    account(app, STAFF, Role::Staff).await;
    let client = browser();
    sign_in(app, &client, STAFF).await;
    let (status, enrolment) = call(app, &client, "two_factor_begin", &[]).await;
    assert_eq!(status, 200, "{enrolment}");
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    let (status, codes) = call(
        app,
        &client,
        "two_factor_confirm",
        &[("code", &code(&secret, 0))],
    )
    .await;
    assert_eq!(status, 200, "{codes}");
    let codes = codes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    call(app, &client, "sign_out", &[]).await;
    (secret, codes)
}

/// The form errors a refused call answered with.
fn refusal(body: Value) -> FormErrors {
    serde_json::from_value::<FormError>(body.clone())
        .unwrap_or_else(|e| panic!("{e}: {body}"))
        .errors()
}

async fn audit_events(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT event FROM audit_log ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_customer_calling_a_staff_two_factor_function_gets_403_and_a_stranger_401() {
    let app = TestApp::seeded(1).await;
    account(&app, CUSTOMER, Role::Customer).await;
    let stranger = browser();
    let customer = browser();
    sign_in(&app, &customer, CUSTOMER).await;
    for (name, form) in [
        ("two_factor_begin", &[][..]),
        ("two_factor_status", &[][..]),
        ("two_factor_confirm", &[("code", "123456")][..]),
        ("two_factor_disable", &[("password", PASSWORD)][..]),
    ] {
        let (status, _) = call(&app, &stranger, name, form).await;
        assert_eq!(status, 401, "{name} for nobody signed in");
        let (status, _) = call(&app, &customer, name, form).await;
        assert_eq!(status, 403, "{name} for a customer");
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM two_factor")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);
    // The page tells customers what it is for, and offers them nothing to set up.
    let page = customer
        .get(format!("{}/account/two-factor", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Two-factor sign-in is for staff accounts"));
    assert!(!html.contains("Set up two-factor sign-in"));
}

#[tokio::test]
async fn with_two_factor_on_the_password_alone_signs_nobody_in_and_a_wrong_code_fails() {
    let app = TestApp::seeded(1).await;
    account(&app, STAFF, Role::Staff).await;
    let client = browser();
    sign_in(&app, &client, STAFF).await;
    let (_, enrolment) = call(&app, &client, "two_factor_begin", &[]).await;
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    let svg = enrolment["qr_svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("aria-label="));
    // A wrong first code does not switch it on.
    let (status, refused) = call(
        &app,
        &client,
        "two_factor_confirm",
        &[("code", &wrong_code(&secret))],
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let confirmed = post(
        &app,
        &client,
        "two_factor_confirm",
        &[("code", &code(&secret, 0))],
    )
    .await;
    assert_eq!(confirmed.status(), 200);
    assert!(
        confirmed
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("id=")),
        "switching two-factor on gives the session a new id"
    );
    let codes: Vec<String> = confirmed.json().await.unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(who(&app, &client).await["email"], STAFF, "still signed in");
    call(&app, &client, "sign_out", &[]).await;

    let outcome = sign_in(&app, &client, STAFF).await;
    assert_eq!(outcome, "CodeNeeded");
    assert_eq!(who(&app, &client).await, Value::Null, "not signed in yet");
    let (status, body) = call(
        &app,
        &client,
        "sign_in_code",
        &[("code", &wrong_code(&secret))],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(refusal(body).field("code").as_deref(), Some(WRONG_CODE));
    assert_eq!(who(&app, &client).await, Value::Null, "still not signed in");
    // The confirming code's step is spent; the app's next code is accepted.
    let (status, body) = call(
        &app,
        &client,
        "sign_in_code",
        &[("code", &code(&secret, 1))],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], STAFF);
    assert_eq!(who(&app, &client).await["email"], STAFF);
    let events = audit_events(&app).await;
    assert_eq!(
        events,
        [
            "sign_in",
            "two_factor_refused",
            "two_factor_enabled",
            "sign_out",
            "two_factor_refused",
            "sign_in",
        ]
    );
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_only_once() {
    let app = TestApp::seeded(1).await;
    let (_, codes) = enrolled_staff(&app).await;
    let client = browser();
    assert_eq!(sign_in(&app, &client, STAFF).await, "CodeNeeded");
    let (status, body) = call(&app, &client, "sign_in_code", &[("code", &codes[0])]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(who(&app, &client).await["email"], STAFF);
    call(&app, &client, "sign_out", &[]).await;

    assert_eq!(sign_in(&app, &client, STAFF).await, "CodeNeeded");
    let (status, body) = call(&app, &client, "sign_in_code", &[("code", &codes[0])]).await;
    assert_eq!(status, 422, "a used recovery code is refused: {body}");
    assert_eq!(who(&app, &client).await, Value::Null);
    let used: Vec<String> = audit_events(&app)
        .await
        .into_iter()
        .filter(|e| e == "recovery_code_used")
        .collect();
    assert_eq!(used.len(), 1);
}

#[tokio::test]
async fn a_code_without_a_password_first_signs_nobody_in() {
    let app = TestApp::seeded(1).await;
    let (secret, _) = enrolled_staff(&app).await;
    let client = browser();
    let (status, body) = call(
        &app,
        &client,
        "sign_in_code",
        &[("code", &code(&secret, 1))],
    )
    .await;
    assert_eq!(status, 422);
    assert!(refusal(body).form.unwrap().contains("timed out"));
    assert_eq!(who(&app, &client).await, Value::Null);
}

#[tokio::test]
async fn switching_two_factor_off_needs_the_password() {
    let app = TestApp::seeded(1).await;
    let (secret, _) = enrolled_staff(&app).await;
    let client = browser();
    sign_in(&app, &client, STAFF).await;
    call(
        &app,
        &client,
        "sign_in_code",
        &[("code", &code(&secret, 1))],
    )
    .await;
    let (status, body) = call(
        &app,
        &client,
        "two_factor_disable",
        &[("password", "not the password")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (_, state) = call(&app, &client, "two_factor_status", &[]).await;
    assert_eq!(state["enabled"], true);
    let (status, _) = call(
        &app,
        &client,
        "two_factor_disable",
        &[("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 200);
    let (_, state) = call(&app, &client, "two_factor_status", &[]).await;
    assert_eq!(state["enabled"], false);
    call(&app, &client, "sign_out", &[]).await;
    // The password alone signs in again.
    let outcome = sign_in(&app, &client, STAFF).await;
    assert_eq!(outcome["SignedIn"]["email"], STAFF);
    assert!(audit_events(&app)
        .await
        .contains(&"two_factor_disabled".to_owned()));
}

/// Posts a form as a browser without JavaScript does, coming from the page `from`.
async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    from: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(format!("{}/rpc/{name}", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}{from}", app.base))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn html(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    // A redirect's location may be a whole URL (the referer) or a path.
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        format!("{}{path}", app.base)
    };
    let response = client
        .get(url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn without_javascript_staff_set_up_two_factor_and_sign_in_with_a_code() {
    let app = TestApp::seeded(1).await;
    account(&app, STAFF, Role::Staff).await;
    let client = browser();
    sign_in(&app, &client, STAFF).await;
    let (status, page) = html(&app, &client, "/account/two-factor").await;
    assert_eq!(status, 200);
    assert!(page.contains("Two-factor sign-in is off."));

    let begun = post_form(
        &app,
        &client,
        "two_factor_begin",
        "/account/two-factor",
        &[],
    )
    .await;
    assert!(begun.status().is_redirection());
    let (_, page) = html(&app, &client, "/account/two-factor").await;
    assert!(
        page.contains(r#"<svg role="img" aria-label="QR code"#),
        "the QR code is inline"
    );
    let secret = crate::helpers::test_id_text(&page, "two-factor-secret")
        .expect("the key is shown as text")
        .replace(' ', "");

    let confirmed = post_form(
        &app,
        &client,
        "two_factor_confirm",
        "/account/two-factor",
        &[("code", &code(&secret, 0))],
    )
    .await;
    assert!(confirmed.status().is_redirection());
    let (_, page) = html(&app, &client, "/account/two-factor").await;
    assert!(page.contains("Two-factor sign-in is on."));
    let shown = crate::helpers::test_id_text(&page, "recovery-codes");
    assert!(
        shown.is_some(),
        "the recovery codes are shown after the redirect"
    );
    let (_, again) = html(&app, &client, "/account/two-factor").await;
    assert!(
        !again.contains("data-testid=\"recovery-codes\""),
        "and only once"
    );
    call(&app, &client, "sign_out", &[]).await;

    let signed_in = post_form(
        &app,
        &client,
        "sign_in",
        "/login",
        &[("email", STAFF), ("password", PASSWORD)],
    )
    .await;
    assert!(signed_in.status().is_redirection());
    assert_eq!(location(&signed_in), "/login/two-factor");
    let (status, page) = html(&app, &client, "/login/two-factor").await;
    assert_eq!(status, 200);
    assert!(page.contains("name=\"code\""), "the page asks for the code");

    let wrong = post_form(
        &app,
        &client,
        "sign_in_code",
        "/login/two-factor",
        &[("code", &wrong_code(&secret))],
    )
    .await;
    assert!(location(&wrong).contains("__err"));
    let (_, page) = html(&app, &client, &location(&wrong)).await;
    assert!(page.contains("That code is not right"));

    let right = post_form(
        &app,
        &client,
        "sign_in_code",
        "/login/two-factor",
        &[("code", &code(&secret, 1))],
    )
    .await;
    assert!(
        location(&right).starts_with(&format!("{}/login/two-factor", app.base)),
        "back to the page, with no error"
    );
    assert!(!location(&right).contains("__err"));
    let (status, _) = html(&app, &client, "/login/two-factor").await;
    assert_eq!(status, 302, "signed in: on to the account");
    assert_eq!(who(&app, &client).await["email"], STAFF);
}
