//! Signing up, in and out over HTTP, as a browser would (cookie-keeping client).

use crate::helpers::TestApp;
use app::accounts::api::SIGN_IN_REFUSED;
use app::accounts::password::Password;
use app::accounts::server::{create_user, Role};
use serde_json::Value;

const EMAIL: &str = "ann@shop.test";
const PASSWORD: &str = "a long enough secret";

/// Calls a server function as a same-origin form post; returns status and JSON.
pub(crate) async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let response = client
        .post(format!("{}/rpc/{name}", app.base))
        .header("sec-fetch-site", "same-origin")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The whole `Set-Cookie` header of the session cookie a response sets, if any.
fn session_set_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("id="))
        .map(str::to_owned)
}

/// The session cookie a response sets (`id=…`), if any.
pub(crate) fn session_cookie(response: &reqwest::Response) -> Option<String> {
    session_set_cookie(response).map(|v| v.split(';').next().unwrap().to_owned())
}

/// Calls server function `name` from a cookie-less client, sending `cookie` if given.
pub(crate) async fn post_as(
    app: &TestApp,
    name: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = reqwest::Client::new().post(format!("{}/rpc/{name}", app.base));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.form(form).send().await.unwrap()
}

const CREDENTIALS: &[(&str, &str)] = &[("email", EMAIL), ("password", PASSWORD)];

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

#[tokio::test]
async fn registering_signs_the_shopper_in() {
    let app = TestApp::seeded(1).await;
    let browser = browser();
    let (status, body) = call(
        &app,
        &browser,
        "register",
        &[("email", "New@Shop.test"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["email"], "new@shop.test");
    let (_, me) = call(&app, &browser, "current_account", &[]).await;
    assert_eq!(me["email"], "new@shop.test");
    // The same email again, and a short password, are refused field by field.
    let (status, again) = call(
        &app,
        &browser,
        "register",
        &[("email", "new@shop.test"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 422);
    let taken = again["Invalid"]["fields"]["email"].as_str().unwrap();
    assert!(taken.contains("already an account"), "{taken}");
    let (_, short) = call(
        &app,
        &browser,
        "register",
        &[("email", "b@shop.test"), ("password", "short")],
    )
    .await;
    let reason = short["Invalid"]["fields"]["password"].as_str().unwrap();
    assert!(reason.contains("at least 10"), "{reason}");
    assert_eq!(short["Invalid"]["typed"]["email"], "b@shop.test");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::seeded(1).await;
    with_account(&app).await;
    let (s1, mut wrong) = call(
        &app,
        &browser(),
        "sign_in",
        &[("email", EMAIL), ("password", "not the password")],
    )
    .await;
    let (s2, mut unknown) = call(
        &app,
        &browser(),
        "sign_in",
        &[("email", "who@shop.test"), ("password", "not the password")],
    )
    .await;
    assert_eq!(s1, 422);
    assert_eq!(wrong["Invalid"]["form"], SIGN_IN_REFUSED);
    // Only the echo of what was typed differs.
    assert_eq!(wrong["Invalid"]["typed"]["email"], EMAIL);
    wrong["Invalid"]["typed"]["email"] = Value::Null;
    unknown["Invalid"]["typed"]["email"] = Value::Null;
    assert_eq!((s1, &wrong), (s2, &unknown));
}

#[tokio::test]
async fn signing_in_changes_the_session_id_so_a_planted_one_is_worthless() {
    let app = TestApp::seeded(1).await;
    with_account(&app).await;
    // The attacker signs in, then plants that session's cookie in the victim's browser.
    let first = post_as(&app, "sign_in", None, CREDENTIALS).await;
    let planted = session_cookie(&first).expect("a session cookie");
    let second = post_as(&app, "sign_in", Some(&planted), CREDENTIALS).await;
    let issued = session_cookie(&second).expect("a new session cookie");
    assert_ne!(issued, planted, "the session id changes at sign-in");
    // The planted id no longer names a signed-in session.
    let me = post_as(&app, "current_account", Some(&planted), &[]).await;
    assert_eq!(me.json::<Value>().await.unwrap(), Value::Null);
}

#[tokio::test]
async fn signing_out_deletes_the_session_on_the_server() {
    let app = TestApp::seeded(1).await;
    with_account(&app).await;
    let signed_in = post_as(&app, "sign_in", None, CREDENTIALS).await;
    let cookie = session_cookie(&signed_in).unwrap();
    let sessions = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
    };
    assert_eq!(sessions().await, 1);
    let out = post_as(&app, "sign_out", Some(&cookie), &[]).await;
    assert_eq!(out.status(), 200);
    assert_eq!(sessions().await, 0);
    // Replaying the old cookie finds nobody signed in.
    let me = post_as(&app, "current_account", Some(&cookie), &[]).await;
    assert_eq!(me.json::<Value>().await.unwrap(), Value::Null);
}

#[tokio::test]
async fn without_javascript_a_refused_sign_in_comes_back_to_the_form_with_the_reason() {
    let app = TestApp::seeded(1).await;
    with_account(&app).await;
    let plain_browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let posted = plain_browser
        .post(format!("{}/rpc/sign_in", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/login", app.base))
        .form(&[("email", EMAIL), ("password", "not the password")])
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_redirection());
    let location = posted.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("/login") && location.contains("__err"),
        "{location}"
    );
    let page = plain_browser.get(&location).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(SIGN_IN_REFUSED));
    assert!(
        html.contains(&format!("value=\"{EMAIL}\"")) || html.contains(EMAIL),
        "the email is kept"
    );
}

#[tokio::test]
async fn the_account_page_sends_anonymous_shoppers_to_sign_in() {
    let app = TestApp::seeded(1).await;
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = plain
        .get(format!("{}/account", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/login");
}

#[tokio::test]
async fn repeated_sign_in_attempts_on_one_account_are_slowed_down_with_429() {
    let app = TestApp::seeded(1).await;
    with_account(&app).await;
    for attempt in 1..=10 {
        let (status, _) = call(
            &app,
            &browser(),
            "sign_in",
            &[("email", EMAIL), ("password", "guess")],
        )
        .await;
        assert_eq!(status, 422, "attempt {attempt} is only refused as wrong");
    }
    let response = browser()
        .post(format!("{}/rpc/sign_in", app.base))
        .form(&[("email", EMAIL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429, "even the right password waits");
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after));
    let body: Value = response.json().await.unwrap();
    let message = body["Invalid"]["form"].as_str().unwrap();
    assert!(message.starts_with("Too many attempts"), "{message}");
    // Another account from elsewhere is not affected by this one's limit.
    let (status, _) = call(
        &app,
        &browser(),
        "register",
        &[("email", "other@shop.test"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn over_https_the_session_cookie_is_secure_and_browsers_are_told_to_stay() {
    let app = TestApp::seeded_with(1, |state| state.https = true).await;
    with_account(&app).await;
    let response = post_as(&app, "sign_in", None, CREDENTIALS).await;
    let cookie = session_set_cookie(&response).unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let page = app.get("/").await;
    assert!(page.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    // Plain HTTP shops send neither.
    let plain = TestApp::seeded(1).await;
    assert!(plain
        .get("/")
        .await
        .headers()
        .get("strict-transport-security")
        .is_none());
}

/// event, user id, email, ip, user agent
type AuditRow = (String, Option<i64>, Option<String>, String, String);

#[tokio::test]
async fn security_events_are_written_to_the_audit_log() {
    let app = TestApp::seeded(1).await;
    with_account(&app).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .user_agent("audit-test/1.0")
        .build()
        .unwrap();
    call(
        &app,
        &client,
        "sign_in",
        &[("email", EMAIL), ("password", "wrong guess")],
    )
    .await;
    call(
        &app,
        &client,
        "sign_in",
        &[("email", EMAIL), ("password", PASSWORD)],
    )
    .await;
    call(&app, &client, "sign_out", &[]).await;
    let rows: Vec<AuditRow> =
        sqlx::query_as("SELECT event, user_id, email, ip, user_agent FROM audit_log ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let events: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(events, ["sign_in_refused", "sign_in", "sign_out"]);
    assert_eq!(rows[0].1, None, "a refused attempt names no account holder");
    assert_eq!(rows[0].2.as_deref(), Some(EMAIL));
    assert!(rows[1].1.is_some());
    assert!(rows
        .iter()
        .all(|r| r.3 == "127.0.0.1" && r.4 == "audit-test/1.0"));
}

#[tokio::test]
async fn keep_me_signed_in_decides_whether_the_cookie_outlives_the_browser() {
    let app = TestApp::seeded(1).await;
    with_account(&app).await;
    let cookie_for = |remember: bool| {
        let app = &app;
        async move {
            let mut form = CREDENTIALS.to_vec();
            if remember {
                form.push(("remember", "on"));
            }
            let response = post_as(app, "sign_in", None, &form).await;
            assert_eq!(response.status(), 200);
            session_set_cookie(&response).unwrap()
        }
    };
    let browser_session = cookie_for(false).await;
    assert!(
        !browser_session.contains("Max-Age") && !browser_session.contains("Expires"),
        "{browser_session}"
    );
    let remembered = cookie_for(true).await;
    assert!(
        remembered.contains("Max-Age") || remembered.contains("Expires"),
        "{remembered}"
    );
}
