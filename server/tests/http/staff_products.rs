//! Staff managing products over HTTP: what a product created, edited, unpublished or
//! deleted on the form does in the shop and in search, the form's refusals, two staff
//! editing at once, who may, and the audit log.

use crate::accounts::{browser, call};
use crate::helpers::TestApp;
use crate::staff::{add_account, signed_in, staff_signed_in, CUSTOMER};
use app::accounts::server::Role;
use app::media::test_pictures::jpeg;
use app::media::{PhotoLimits, Storage};
use serde_json::Value;
use std::time::Duration;

/// A variant row of the form: SKU, options, price, compare-at price, stock.
type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

/// A refused form: what is wrong, its variant rows, the other fields changed, the field
/// the message is on and (part of) the message.
type Case<'a> = (
    &'a str,
    Vec<Row<'a>>,
    Vec<(&'a str, &'a str)>,
    &'a str,
    &'a str,
);

/// An audit entry: actor id, action, subject, before and after.
type Entry = (Option<i64>, String, String, Option<String>, Option<String>);

/// The form's fields for a published product `name` in the first category with no
/// children, with `variants` as new rows and `changes` over the rest.
pub(crate) async fn form(
    app: &TestApp,
    name: &str,
    variants: &[Row<'_>],
    changes: &[(&str, &str)],
) -> Vec<(String, String)> {
    let category: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM categories c
         WHERE NOT EXISTS (SELECT 1 FROM categories k WHERE k.parent_id = c.id)",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let mut fields: Vec<(String, String)> = [
        ("name", name),
        ("slug", ""),
        ("description", "Turned by hand."),
        ("category_id", &category.to_string()),
        ("published", "on"),
        ("attributes[0][name]", "material"),
        ("attributes[0][value]", "Walnut"),
        ("attributes[1][name]", ""),
        ("attributes[1][value]", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (row, (sku, options, price, compare_at, stock)) in variants.iter().enumerate() {
        for (field, value) in [
            ("id", ""),
            ("sku", sku),
            ("options", options),
            ("price", price),
            ("compare_at", compare_at),
            ("stock", stock),
        ] {
            fields.push((format!("variants[{row}][{field}]"), (*value).to_owned()));
        }
    }
    change(&mut fields, changes);
    fields
}

/// Sets (or, for an empty value on `published`/`featured`, unticks) each field.
pub(crate) fn change(fields: &mut Vec<(String, String)>, changes: &[(&str, &str)]) {
    for (name, value) in changes {
        fields.retain(|(field, _)| field != name);
        fields.push(((*name).to_owned(), (*value).to_owned()));
    }
}

pub(crate) async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    fields: &[(String, String)],
) -> (u16, Value) {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    call(app, client, endpoint, &fields).await
}

/// Creates the product the fields describe: its id and slug.
pub(crate) async fn created(
    app: &TestApp,
    staff: &reqwest::Client,
    fields: &[(String, String)],
) -> (i64, String) {
    let (status, saved) = post(app, staff, "create_product", fields).await;
    assert_eq!(status, 200, "{saved}");
    (
        saved["id"].as_i64().unwrap(),
        saved["slug"].as_str().unwrap().to_owned(),
    )
}

/// The product's edit form as staff load it: its fields, with the version.
pub(crate) async fn edit_form(
    app: &TestApp,
    staff: &reqwest::Client,
    id: i64,
) -> Vec<(String, String)> {
    let (status, product) = call(
        app,
        staff,
        "staff_product",
        &[("product_id", &id.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{product}");
    let fields = &product["fields"];
    let mut form: Vec<(String, String)> = [
        "name",
        "slug",
        "description",
        "category_id",
        "featured",
        "published",
    ]
    .into_iter()
    .map(|name| (name.to_owned(), fields[name].as_str().unwrap().to_owned()))
    .collect();
    form.push(("product_id".into(), id.to_string()));
    form.push(("version".into(), product["version"].to_string()));
    for (row, attribute) in fields["attributes"].as_array().unwrap().iter().enumerate() {
        for name in ["name", "value"] {
            form.push((
                format!("attributes[{row}][{name}]"),
                attribute[name].as_str().unwrap().to_owned(),
            ));
        }
    }
    for (row, variant) in fields["variants"].as_array().unwrap().iter().enumerate() {
        for name in ["id", "sku", "options", "price", "compare_at"] {
            form.push((
                format!("variants[{row}][{name}]"),
                variant[name].as_str().unwrap().to_owned(),
            ));
        }
    }
    form
}

fn field_message<'a>(body: &'a Value, field: &str) -> &'a str {
    body["Invalid"]["fields"][field]
        .as_str()
        .unwrap_or_else(|| panic!("no message for {field} in {body}"))
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Waits (a few seconds at most) until `/search?q=` for `word` does or does not list
/// `name`: the index follows the catalog's change feed.
async fn search_finds(app: &TestApp, word: &str, name: &str, expected: bool) {
    for _ in 0..40 {
        let (status, html) = app.page(&format!("/search?q={word}")).await;
        if status == 200 && html.contains(name) == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "search for {word} never {}found {name}",
        if expected { "" } else { "stopped " }
    );
}

#[tokio::test]
async fn a_product_staff_create_is_in_the_shop_and_in_search() {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    let fields = form(
        &app,
        "Zephyrine Walnut Stool",
        &[
            ("ZWS-S", "Walnut, small", "12.50", "", "4"),
            ("ZWS-L", "Walnut, large", "£18", "20.00", "2"),
        ],
        &[],
    )
    .await;
    let (id, slug) = created(&app, &staff, &fields).await;
    assert_eq!(slug, "zephyrine-walnut-stool");

    let (status, html) = app.page(&format!("/products/{slug}")).await;
    assert_eq!(status, 200);
    for text in [
        "Zephyrine Walnut Stool",
        "Walnut, small",
        "Walnut, large",
        "£12.50",
        "£18.00",
    ] {
        assert!(html.contains(text), "{text} missing from the product page");
    }
    search_finds(&app, "zephyrine", "Zephyrine Walnut Stool", true).await;

    let (stored, compare_at): (i64, Option<i64>) =
        sqlx::query_as("SELECT stock, compare_at_amount FROM variants WHERE sku = 'ZWS-L'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((stored, compare_at), (2, Some(2000)));

    // The staff pages list it and show its form, stock read-only with a way to adjust it.
    let page = |path: String| {
        let staff = staff.clone();
        let base = app.base.clone();
        async move {
            let response = staff.get(format!("{base}{path}")).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, list) = page("/admin/products?q=zephyrine&status=published".into()).await;
    assert_eq!(status, 200);
    assert!(list.contains("Zephyrine Walnut Stool"));
    assert!(list.contains("£12.50 – £18.00"));
    let (_, drafts) = page("/admin/products?q=zephyrine&status=draft".into()).await;
    assert!(!drafts.contains("Zephyrine Walnut Stool"));
    let top_category: i64 = sqlx::query_scalar(
        "SELECT c.parent_id FROM products p JOIN categories c ON c.id = p.category_id
         WHERE p.id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (_, in_category) = page(format!("/admin/products?category={top_category}")).await;
    assert!(
        in_category.contains("Zephyrine Walnut Stool"),
        "categories below count too"
    );
    let (_, by_sku) = page("/admin/products?q=zws-l".into()).await;
    assert!(by_sku.contains("Zephyrine Walnut Stool"));
    let (status, edit) = page(format!("/admin/products/{id}")).await;
    assert_eq!(status, 200);
    assert!(edit.contains("/admin/stock?sku=ZWS-L"));
    assert!(edit.contains("Adjust stock"));
    assert!(
        edit.contains("name=\"variants[3][sku]\""),
        "two blank variant rows"
    );
    let mut ids: Vec<&str> = edit
        .split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "every id on the edit page is unique");
    let (status, new) = page("/admin/products/new".into()).await;
    assert_eq!(status, 200);
    assert!(new.contains("name=\"variants[1][sku]\""));
}

#[tokio::test]
async fn a_form_posted_without_javascript_arrives_whole_and_goes_to_the_product() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    let fields = form(
        &app,
        "Plain Form Lamp",
        &[("PFL-1", "Brass", "30", "", "1")],
        &[],
    )
    .await;
    // A browser sends the brackets percent-encoded, and asks for a page back.
    let response = staff
        .post(format!("{}/rpc/create_product", app.base))
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .header("referer", format!("{}/admin/products/new", app.base))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let landed = response.url().path().to_owned();
    assert!(landed.starts_with("/admin/products/"), "{landed}");
    assert_eq!(response.url().query(), Some("done=created"));
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("The product is created."));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM variants WHERE sku = 'PFL-1'").await,
        1
    );

    // Refused, the browser is back on the form with the problem next to the field and
    // what was typed still there.
    let refused = form(
        &app,
        "Second Lamp",
        &[("PFL-1", "Chrome", "thirty", "", "")],
        &[],
    )
    .await;
    let response = staff
        .post(format!("{}/rpc/create_product", app.base))
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .header("referer", format!("{}/admin/products/new", app.base))
        .form(&refused)
        .send()
        .await
        .unwrap();
    assert_eq!(response.url().path(), "/admin/products/new");
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Enter the price in pounds, like 12.50."),
        "{html}"
    );
    assert!(html.contains("is already used by Plain Form Lamp."));
    assert!(html.contains("value=\"Second Lamp\""));
    assert!(html.contains("value=\"Chrome\""));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM products WHERE name = 'Second Lamp'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_form_refuses_each_wrong_field_next_to_it_and_saves_nothing() {
    let app = TestApp::seeded(3).await;
    let (staff, _) = staff_signed_in(&app).await;
    let seeded_slug: String = sqlx::query_scalar("SELECT MIN(slug) FROM products")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let seeded_sku: String = sqlx::query_scalar("SELECT MIN(sku) FROM variants")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let products = count(&app, "SELECT COUNT(*) FROM products").await;
    let good: Row = ("NEW-1", "Oak", "10.00", "", "3");
    let cases: Vec<Case> = vec![
        (
            "empty name",
            vec![good],
            vec![("name", "  "), ("slug", "nameless")],
            "name",
            "Enter the product's name.",
        ),
        (
            "SKU of another product",
            vec![(&seeded_sku, "Oak", "10", "", "")],
            vec![],
            "variants[0][sku]",
            "is already used by",
        ),
        (
            "SKU twice on the form",
            vec![good, ("NEW-1", "Ash", "11", "", "")],
            vec![],
            "variants[1][sku]",
            "Another variant on this form has the SKU NEW-1.",
        ),
        (
            "slug of another product",
            vec![good],
            vec![("slug", &seeded_slug)],
            "slug",
            "has the slug",
        ),
        (
            "price in words",
            vec![("NEW-1", "Oak", "ten pounds", "", "")],
            vec![],
            "variants[0][price]",
            "Enter the price in pounds, like 12.50.",
        ),
        (
            "compare-at price not above the price",
            vec![("NEW-1", "Oak", "10.00", "10.00", "")],
            vec![],
            "variants[0][compare_at]",
            "The compare-at price must be above the price.",
        ),
        (
            "no variant",
            vec![("", "", "", "", "")],
            vec![],
            "variants",
            "Add at least one variant: a SKU and a price.",
        ),
    ];
    for (case, variants, changes, field, message) in cases {
        let fields = form(&app, "Refused Thing", &variants, &changes).await;
        let (status, body) = post(&app, &staff, "create_product", &fields).await;
        assert_eq!(status, 422, "{case}: {body}");
        assert!(
            field_message(&body, field).contains(message),
            "{case}: {body}"
        );
        // What was typed comes back to the form.
        let typed = &body["Invalid"]["typed"];
        assert_eq!(typed["description"], "Turned by hand.", "{case}");
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM products").await,
            products,
            "{case}"
        );
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM variants WHERE sku = 'NEW-1'").await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM staff_actions").await, 0);
}

#[tokio::test]
async fn of_two_edits_of_one_version_only_one_is_saved() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    add_account(&app, "bea@shop.test", Role::Staff).await;
    let colleague = signed_in(&app, "bea@shop.test").await;
    let fields = form(
        &app,
        "Contested Chair",
        &[("CC-1", "Oak", "40", "", "5")],
        &[],
    )
    .await;
    let (id, _) = created(&app, &staff, &fields).await;
    let mine = edit_form(&app, &staff, id).await;
    let theirs = edit_form(&app, &colleague, id).await;
    let mut a = mine.clone();
    change(
        &mut a,
        &[("name", "Chair by Staff"), ("variants[0][price]", "41.00")],
    );
    let mut b = theirs.clone();
    change(
        &mut b,
        &[("name", "Chair by Bea"), ("variants[0][price]", "42.00")],
    );

    let ((status_a, body_a), (status_b, body_b)) = tokio::join!(
        post(&app, &staff, "update_product", &a),
        post(&app, &colleague, "update_product", &b),
    );
    let mut statuses = [status_a, status_b];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{body_a} {body_b}");
    let (winner, price, loser) = if status_a == 200 {
        ("Chair by Staff", 4100, body_b)
    } else {
        ("Chair by Bea", 4200, body_a)
    };
    let message = loser["Invalid"]["form"].as_str().unwrap();
    assert!(
        message.starts_with("Someone else changed this product since you opened it"),
        "{message}"
    );
    assert!(message.contains("Reload the page"));
    // The loser's typed values are kept for the form.
    assert!(loser["Invalid"]["typed"]["name"]
        .as_str()
        .unwrap()
        .starts_with("Chair by"));
    let stored: (String, i64, i64) = sqlx::query_as(
        "SELECT p.name, p.version, v.price_amount FROM products p
         JOIN variants v ON v.product_id = p.id WHERE p.id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(stored, (winner.to_owned(), 2, price));

    // One after the other: the second, still at version 1, is refused too.
    let mut stale = mine.clone();
    change(
        &mut stale,
        &[("name", "Too Late"), ("variants[0][remove]", "yes")],
    );
    let (status, body) = post(&app, &staff, "update_product", &stale).await;
    assert_eq!(status, 409, "{body}");
    let name: String = sqlx::query_scalar("SELECT name FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(name, winner);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM variants WHERE sku = 'CC-1'").await,
        1
    );
    // Reloaded, the edit goes through.
    let mut fresh = edit_form(&app, &staff, id).await;
    change(&mut fresh, &[("name", "Chair at Last")]);
    let (status, body) = post(&app, &staff, "update_product", &fresh).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["version"], 3);
}

#[tokio::test]
async fn an_unpublished_product_leaves_the_shop_and_search_until_published_again() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    let fields = form(
        &app,
        "Quillwort Planter",
        &[("QP-1", "Clay", "9.99", "", "3")],
        &[],
    )
    .await;
    let (id, slug) = created(&app, &staff, &fields).await;
    search_finds(&app, "quillwort", "Quillwort Planter", true).await;

    let mut draft = edit_form(&app, &staff, id).await;
    change(&mut draft, &[("published", "")]);
    let (status, body) = post(&app, &staff, "update_product", &draft).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.page(&format!("/products/{slug}")).await.0, 404);
    search_finds(&app, "quillwort", "Quillwort Planter", false).await;

    let mut published = edit_form(&app, &staff, id).await;
    change(&mut published, &[("published", "on")]);
    let (status, body) = post(&app, &staff, "update_product", &published).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.page(&format!("/products/{slug}")).await.0, 200);
    search_finds(&app, "quillwort", "Quillwort Planter", true).await;
}

#[tokio::test]
async fn a_deleted_product_is_gone_with_its_rows_and_photo_files() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    let fields = form(
        &app,
        "Ephemeral Vase",
        &[("EV-1", "Glass", "25", "", "2")],
        &[],
    )
    .await;
    let (id, slug) = created(&app, &staff, &fields).await;
    let storage = Storage::local(&app.media_dir).unwrap();
    let added = app::media::photos::add_photo(
        &app.db,
        &storage,
        PhotoLimits::default(),
        id,
        jpeg(400, 300),
        "The vase",
    )
    .await
    .unwrap();
    let app::media::photos::AddPhoto::Added(photo) = added else {
        panic!("photo not added: {added:?}");
    };
    let key = photo.files[0].key.clone();
    assert!(storage.exists(&key).await.unwrap());

    // Without the confirmation nothing happens.
    let (status, body) = call(
        &app,
        &staff,
        "delete_product",
        &[("product_id", &id.to_string())],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(field_message(&body, "confirm").contains("Yes, delete this product"));
    assert_eq!(app.page(&format!("/products/{slug}")).await.0, 200);

    let (status, body) = call(
        &app,
        &staff,
        "delete_product",
        &[("product_id", &id.to_string()), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.page(&format!("/products/{slug}")).await.0, 404);
    for table in [
        "products WHERE id = $1",
        "variants WHERE product_id = $1",
        "product_attributes WHERE product_id = $1",
        "product_photos WHERE product_id = $1",
    ] {
        let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(left, 0, "{table}");
    }
    assert!(
        !storage.exists(&key).await.unwrap(),
        "the photo's files are removed"
    );
    let (status, _) = call(
        &app,
        &staff,
        "delete_product",
        &[("product_id", &id.to_string()), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn only_staff_may_see_or_change_products() {
    let app = TestApp::seeded(1).await;
    let (staff, _) = staff_signed_in(&app).await;
    let fields = form(
        &app,
        "Guarded Bench",
        &[("GB-1", "Pine", "80", "", "1")],
        &[],
    )
    .await;
    let (id, _) = created(&app, &staff, &fields).await;
    let mut update = edit_form(&app, &staff, id).await;
    change(&mut update, &[("name", "Hacked")]);
    add_account(&app, CUSTOMER, Role::Customer).await;
    let customer = signed_in(&app, CUSTOMER).await;
    let stranger = browser();
    let id = id.to_string();
    let one = vec![("product_id".to_owned(), id.clone())];
    let mut delete = one.clone();
    delete.push(("confirm".into(), "yes".into()));
    let calls: [(&str, Vec<(String, String)>); 6] = [
        ("staff_products", vec![]),
        ("staff_product", one),
        ("staff_product_categories", vec![]),
        (
            "create_product",
            form(&app, "Hacked", &[("H-1", "", "1", "", "")], &[]).await,
        ),
        ("update_product", update),
        ("delete_product", delete),
    ];
    for (name, fields) in &calls {
        let (status, body) = post(&app, &customer, name, fields).await;
        assert_eq!(status, 403, "{name} as a customer: {body}");
        let (status, body) = post(&app, &stranger, name, fields).await;
        assert_eq!(status, 401, "{name} signed out: {body}");
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM products WHERE name = 'Guarded Bench'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM products WHERE name = 'Hacked'").await,
        0
    );
    let page = customer
        .get(format!("{}/admin/products", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    assert!(page.text().await.unwrap().contains("Staff only"));
}

#[tokio::test]
async fn every_product_change_is_in_the_audit_log_with_before_and_after() {
    let app = TestApp::seeded(1).await;
    let (staff, staff_id) = staff_signed_in(&app).await;
    let fields = form(
        &app,
        "Logged Lantern",
        &[
            ("LL-1", "Tin", "15", "", "3"),
            ("LL-2", "Copper", "25", "", "1"),
        ],
        &[],
    )
    .await;
    let (id, _) = created(&app, &staff, &fields).await;
    // Remove one variant, add another, change the attribute.
    let mut edit = edit_form(&app, &staff, id).await;
    change(
        &mut edit,
        &[
            ("variants[0][remove]", "yes"),
            ("variants[2][sku]", "LL-3"),
            ("variants[2][options]", "Brass"),
            ("variants[2][price]", "30"),
            ("variants[2][stock]", "7"),
            ("attributes[0][value]", "Metal"),
        ],
    );
    let (status, body) = post(&app, &staff, "update_product", &edit).await;
    assert_eq!(status, 200, "{body}");
    let skus: Vec<(String, i64)> =
        sqlx::query_as("SELECT sku, stock FROM variants WHERE product_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(skus, vec![("LL-2".to_owned(), 1), ("LL-3".to_owned(), 7)]);
    let (status, body) = call(
        &app,
        &staff,
        "delete_product",
        &[("product_id", &id.to_string()), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let entries: Vec<Entry> = sqlx::query_as(
        "SELECT actor_id, action, subject, before, after FROM staff_actions ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        actions,
        ["product.created", "product.updated", "product.deleted"]
    );
    for entry in &entries {
        assert_eq!(entry.0, Some(staff_id));
        assert_eq!(entry.2, "product logged-lantern");
    }
    let json = |text: &Option<String>| -> Value {
        serde_json::from_str(text.as_deref().unwrap()).unwrap()
    };
    let (created_entry, updated, deleted) = (&entries[0], &entries[1], &entries[2]);
    assert!(created_entry.3.is_none());
    assert_eq!(
        json(&created_entry.4)["variants"].as_array().unwrap().len(),
        2
    );
    assert_eq!(json(&updated.3)["attributes"]["material"], "Walnut");
    assert_eq!(json(&updated.4)["attributes"]["material"], "Metal");
    assert_eq!(json(&updated.4)["variants"][1]["sku"], "LL-3");
    assert_eq!(json(&updated.4)["version"], 2);
    assert_eq!(json(&deleted.3)["name"], "Logged Lantern");
    assert!(deleted.4.is_none());
}
