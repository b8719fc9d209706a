//! The address book over HTTP: what a signed-in shopper sees at `/account/addresses`,
//! and that nobody reaches another shopper's addresses.

use crate::helpers::TestApp;
use app::accounts::addresses::api::{book_full_message, Address, MAX_ADDRESSES, NOT_IN_BOOK};
use app::accounts::password::Password;
use app::accounts::server::{create_user, Role};
use app::forms::{FormError, FormErrors};

const PASSWORD: &str = "a long enough secret";

/// A browser (cookie-keeping, redirects not followed) signed in as a new customer.
async fn shopper(app: &TestApp, email: &str) -> reqwest::Client {
    create_user(
        &app.db,
        email,
        Password::new(PASSWORD.into()),
        Role::Customer,
    )
    .await
    .unwrap();
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let signed_in = browser
        .post(format!("{}/rpc/sign_in", app.base))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200, "{email} signs in");
    browser
}

/// Posts a form to server function `name` as a script would; status and body.
async fn call(
    app: &TestApp,
    browser: &reqwest::Client,
    name: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = browser
        .post(format!("{}/rpc/{name}", app.base))
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The form errors a refused call answered with.
fn refusal(body: &str) -> FormErrors {
    serde_json::from_str::<FormError>(body)
        .unwrap_or_else(|e| panic!("{e}: {body}"))
        .errors()
}

const HOME: &[(&str, &str)] = &[
    ("full_name", "Ann Example"),
    ("line1", "1 High Street"),
    ("line2", ""),
    ("city", "London"),
    ("region", ""),
    ("postcode", "sw1a1aa"),
    ("country", "GB"),
    ("phone", ""),
];

/// `HOME` with some fields changed.
fn home_with<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    HOME.iter()
        .map(|&(name, value)| {
            let changed = changes.iter().find(|(n, _)| *n == name);
            (name, changed.map_or(value, |(_, v)| *v))
        })
        .collect()
}

/// Adds an address; its id.
async fn add(app: &TestApp, browser: &reqwest::Client, form: &[(&str, &str)]) -> i64 {
    let (status, body) = call(app, browser, "add_address", form).await;
    assert_eq!(status, 200, "{body}");
    body.parse().unwrap()
}

async fn book(app: &TestApp, browser: &reqwest::Client) -> Vec<Address> {
    let (status, body) = call(app, browser, "list_addresses", &[]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn page(app: &TestApp, browser: &reqwest::Client, path: &str) -> (u16, String) {
    let response = browser
        .get(format!("{}{path}", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn an_added_address_appears_in_the_address_book_as_the_default() {
    let app = TestApp::seeded(0).await;
    let ann = shopper(&app, "ann@shop.test").await;
    let (status, html) = page(&app, &ann, "/account/addresses").await;
    assert_eq!(status, 200);
    assert!(html.contains("You have no saved addresses yet"));
    add(&app, &ann, &home_with(&[("line2", "Flat 2")])).await;
    let (status, html) = page(&app, &ann, "/account/addresses").await;
    assert_eq!(status, 200);
    for shown in [
        "Ann Example",
        "1 High Street",
        "Flat 2",
        "London SW1A 1AA",
        "United Kingdom",
        "Default address",
    ] {
        assert!(html.contains(shown), "{shown} missing");
    }
    assert!(html.contains("<h2>Add an address</h2>"));
}

#[tokio::test]
async fn a_wrong_postcode_is_refused_with_a_sentence_and_what_was_typed() {
    let app = TestApp::seeded(0).await;
    let ann = shopper(&app, "ann@shop.test").await;
    let (status, body) = call(
        &app,
        &ann,
        "add_address",
        &home_with(&[("postcode", "90210")]),
    )
    .await;
    assert_eq!(status, 422);
    let errors = refusal(&body);
    assert_eq!(
        errors.field("postcode").as_deref(),
        Some("Enter a full UK postcode, like SW1A 1AA.")
    );
    assert_eq!(errors.typed("postcode").as_deref(), Some("90210"));
    assert_eq!(errors.typed("full_name").as_deref(), Some("Ann Example"));
    // The same post in the US is fine, and written back as ZIP+4.
    let (status, _) = call(
        &app,
        &ann,
        "add_address",
        &home_with(&[("postcode", "902101234"), ("country", "US")]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        book(&app, &ann).await[0].postcode.as_deref(),
        Some("90210-1234")
    );
    // Missing fields and an unknown country each get their own sentence.
    let (status, body) = call(&app, &ann, "add_address", &[("country", "ZZ")]).await;
    assert_eq!(status, 422);
    let errors = refusal(&body);
    for field in ["full_name", "line1", "city", "country", "postcode"] {
        assert!(errors.field(field).is_some(), "{field} not refused");
    }
}

#[tokio::test]
async fn without_javascript_a_refused_address_comes_back_to_the_form() {
    let app = TestApp::seeded(0).await;
    let ann = shopper(&app, "ann@shop.test").await;
    let posted = ann
        .post(format!("{}/rpc/add_address", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/account/addresses", app.base))
        .form(&home_with(&[
            ("postcode", "SW1A"),
            ("full_name", "Ann No-Script"),
        ]))
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_redirection(), "{}", posted.status());
    let location = posted.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("/account/addresses") && location.contains("__err"));
    let (status, html) = page(&app, &ann, location.trim_start_matches(&app.base)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Enter a full UK postcode, like SW1A 1AA."));
    assert!(html.contains("value=\"Ann No-Script\""), "the name is kept");
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(book(&app, &ann).await.is_empty());
}

#[tokio::test]
async fn making_another_address_the_default_moves_the_default() {
    let app = TestApp::seeded(0).await;
    let ann = shopper(&app, "ann@shop.test").await;
    let home = add(&app, &ann, HOME).await;
    let work = add(&app, &ann, &home_with(&[("line1", "9 Office Park")])).await;
    let defaults = |book: Vec<Address>| -> Vec<(i64, bool)> {
        book.iter().map(|a| (a.id, a.is_default)).collect()
    };
    assert_eq!(
        defaults(book(&app, &ann).await),
        [(home, true), (work, false)]
    );
    let id = work.to_string();
    let (status, _) = call(&app, &ann, "make_default_address", &[("id", &id)]).await;
    assert_eq!(status, 200);
    assert_eq!(
        defaults(book(&app, &ann).await),
        [(work, true), (home, false)]
    );
    // Deleting the default hands it to the address left.
    let (status, _) = call(&app, &ann, "delete_address", &[("id", &id)]).await;
    assert_eq!(status, 200);
    assert_eq!(defaults(book(&app, &ann).await), [(home, true)]);
    let (_, html) = page(&app, &ann, "/account/addresses").await;
    assert!(!html.contains("9 Office Park"));
    assert!(html.contains("Default address"));
}

#[tokio::test]
async fn editing_an_address_changes_it_and_goes_back_to_the_book() {
    let app = TestApp::seeded(0).await;
    let ann = shopper(&app, "ann@shop.test").await;
    let id = add(&app, &ann, HOME).await.to_string();
    let (status, html) = page(&app, &ann, &format!("/account/addresses?edit={id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Change this address"));
    assert!(html.contains("value=\"1 High Street\""));
    // Without JavaScript, saving sends the browser back to the list.
    let mut form = home_with(&[("line1", "2 Low Road"), ("phone", "020 7946 0018")]);
    form.push(("id", &id));
    let posted = ann
        .post(format!("{}/rpc/edit_address", app.base))
        .header("accept", "text/html")
        .header(
            "referer",
            format!("{}/account/addresses?edit={id}", app.base),
        )
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_redirection(), "{}", posted.status());
    assert_eq!(posted.headers()["location"], "/account/addresses");
    let saved = &book(&app, &ann).await[0];
    assert_eq!(saved.line1, "2 Low Road");
    assert_eq!(saved.phone.as_deref(), Some("020 7946 0018"));
    assert!(saved.is_default, "editing keeps the default");
    // A refused edit answers 422 with the field's sentence, and changes nothing.
    let mut bad = home_with(&[("city", "")]);
    bad.push(("id", &id));
    let (status, body) = call(&app, &ann, "edit_address", &bad).await;
    assert_eq!(status, 422);
    assert_eq!(
        refusal(&body).field("city").as_deref(),
        Some("Enter a town or city.")
    );
    assert_eq!(book(&app, &ann).await[0].city, "London");
    let (status, _) = page(&app, &ann, "/account/addresses?edit=999999").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_shopper_cannot_change_delete_or_default_another_shoppers_address() {
    let app = TestApp::seeded(0).await;
    let ann = shopper(&app, "ann@shop.test").await;
    let bob = shopper(&app, "bob@shop.test").await;
    let anns = add(&app, &ann, HOME).await.to_string();
    add(&app, &bob, &home_with(&[("full_name", "Bob Example")])).await;
    let mut edit = home_with(&[("full_name", "Mallory")]);
    edit.push(("id", &anns));
    for (name, form) in [
        ("edit_address", edit.clone()),
        ("delete_address", vec![("id", anns.as_str())]),
        ("make_default_address", vec![("id", anns.as_str())]),
    ] {
        let (status, body) = call(&app, &bob, name, &form).await;
        assert_eq!(status, 404, "{name}: {body}");
        assert_eq!(refusal(&body).form.as_deref(), Some(NOT_IN_BOOK), "{name}");
    }
    let (status, _) = page(&app, &bob, &format!("/account/addresses?edit={anns}")).await;
    assert_eq!(status, 404, "Bob cannot open Ann's address either");
    let (_, html) = page(&app, &bob, "/account/addresses").await;
    assert!(!html.contains("Ann Example"));
    // Ann's address is as she left it, and Bob's default is still his own.
    let anns_book = book(&app, &ann).await;
    assert_eq!(anns_book.len(), 1);
    assert_eq!(
        (anns_book[0].full_name.as_str(), anns_book[0].is_default),
        ("Ann Example", true)
    );
    let bobs_book = book(&app, &bob).await;
    assert_eq!(
        (bobs_book[0].full_name.as_str(), bobs_book[0].is_default),
        ("Bob Example", true)
    );
}

#[tokio::test]
async fn nobody_signed_in_gets_401_and_the_page_sends_them_to_sign_in() {
    let app = TestApp::seeded(0).await;
    let ann = shopper(&app, "ann@shop.test").await;
    let id = add(&app, &ann, HOME).await.to_string();
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (name, form) in [
        ("list_addresses", vec![]),
        ("add_address", HOME.to_vec()),
        ("delete_address", vec![("id", id.as_str())]),
        ("make_default_address", vec![("id", id.as_str())]),
    ] {
        let (status, _) = call(&app, &anonymous, name, &form).await;
        assert_eq!(status, 401, "{name}");
    }
    assert_eq!(book(&app, &ann).await.len(), 1);
    let response = anonymous
        .get(format!("{}/account/addresses", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/login");
}

#[tokio::test]
async fn an_address_book_keeps_at_most_twenty_addresses() {
    let app = TestApp::seeded(0).await;
    let ann = shopper(&app, "ann@shop.test").await;
    for _ in 0..MAX_ADDRESSES {
        add(&app, &ann, HOME).await;
    }
    let (status, body) = call(&app, &ann, "add_address", HOME).await;
    assert_eq!(status, 422);
    let errors = refusal(&body);
    assert_eq!(errors.form, Some(book_full_message()));
    assert_eq!(errors.typed("line1").as_deref(), Some("1 High Street"));
    assert_eq!(book(&app, &ann).await.len() as i64, MAX_ADDRESSES);
    let (_, html) = page(&app, &ann, "/account/addresses").await;
    assert!(html.contains("Your address book is full"));
}
