//! Staff managing the category tree over HTTP: what the shop shows after a category is
//! created, reordered, renamed, moved or deleted, the form's refusals, who may, and the
//! audit log.

use crate::accounts::{browser, call};
use crate::helpers::TestApp;
use crate::staff::{add_account, signed_in, staff_signed_in, CUSTOMER, STAFF};
use app::accounts::server::Role;
use serde_json::Value;

/// The demo tree: Home & Kitchen (home-kitchen) holds cookware, tableware and storage.
const HOME: &str = "home-kitchen";

async fn shop_with_staff() -> (TestApp, reqwest::Client) {
    let app = TestApp::seeded(30).await;
    let (staff, _) = staff_signed_in(&app).await;
    (app, staff)
}

async fn id_of(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM categories WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.db.pool())
        .await
        .unwrap_or_else(|err| panic!("no category {slug}: {err}"))
}

async fn category_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM categories")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The category form: `name`, `slug`, `parent` (an id, or empty for the top level).
fn form<'a>(name: &'a str, slug: &'a str, parent: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("slug", slug),
        ("description", "Made for the test."),
        ("parent", parent),
    ]
}

/// Creates the category the form describes: its id.
async fn created(app: &TestApp, staff: &reqwest::Client, fields: &[(&str, &str)]) -> i64 {
    let (status, saved) = call(app, staff, "create_category", fields).await;
    assert_eq!(status, 200, "{saved}");
    saved["id"].as_i64().unwrap()
}

async fn move_category(
    app: &TestApp,
    staff: &reqwest::Client,
    slug: &str,
    direction: &str,
) -> (u16, Value) {
    let id = id_of(app, slug).await.to_string();
    call(
        app,
        staff,
        "move_category",
        &[("category_id", &id), ("direction", direction)],
    )
    .await
}

/// The subcategories the shop lists on `/categories/{parent}`, in order (their slugs).
async fn shop_subcategories(app: &TestApp, parent: &str) -> Vec<String> {
    let (status, html) = app.page(&format!("/categories/{parent}")).await;
    assert_eq!(status, 200, "{html}");
    let Some(start) = html.find("aria-label=\"Subcategories\"") else {
        return Vec::new();
    };
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    nav.split("href=\"/categories/")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

fn field_message<'a>(body: &'a Value, field: &str) -> &'a str {
    body["Invalid"]["fields"][field]
        .as_str()
        .unwrap_or_else(|| panic!("no message for {field} in {body}"))
}

fn form_message(body: &Value) -> &str {
    body["Invalid"]["form"]
        .as_str()
        .unwrap_or_else(|| panic!("no message for the form in {body}"))
}

/// The audit log, oldest first: (actor, action, subject, before, after).
async fn audit(app: &TestApp) -> Vec<(String, String, String, Option<String>, Option<String>)> {
    sqlx::query_as(
        "SELECT actor, action, subject, before, after FROM staff_actions
         WHERE action LIKE 'category.%' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_new_subcategory_is_listed_last_under_its_parent_in_the_shop() {
    let (app, staff) = shop_with_staff().await;
    let home = id_of(&app, HOME).await.to_string();
    assert_eq!(
        shop_subcategories(&app, HOME).await,
        ["cookware", "tableware", "storage"]
    );
    // An empty slug is made from the name.
    let id = created(&app, &staff, &form(" Tea Towels ", "", &home)).await;
    assert_eq!(id_of(&app, "tea-towels").await, id);

    assert_eq!(
        shop_subcategories(&app, HOME).await,
        ["cookware", "tableware", "storage", "tea-towels"]
    );
    let (status, html) = app.page("/categories/tea-towels").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Tea Towels</h1>"), "{html}");
    assert!(
        html.contains("href=\"/categories/home-kitchen\""),
        "breadcrumb: {html}"
    );

    // Staff see it in the tree, under its parent, with no products yet.
    let (status, tree) = call(&app, &staff, "staff_categories", &[]).await;
    assert_eq!(status, 200, "{tree}");
    let towels = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "tea-towels")
        .unwrap();
    assert_eq!(towels["depth"], 1);
    assert_eq!(towels["products"], 0);
    assert_eq!(towels["last"], true);
    let page = staff
        .get(format!("{}/admin/categories", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Tea Towels"), "{html}");
    assert!(html.contains("No products"), "{html}");
    assert!(html.contains("Move up"), "{html}");

    let log = audit(&app).await;
    assert_eq!(log.len(), 1, "{log:?}");
    let (actor, action, subject, before, after) = &log[0];
    assert_eq!(
        (actor.as_str(), action.as_str(), subject.as_str()),
        (STAFF, "category.created", "category tea-towels")
    );
    assert!(before.is_none());
    assert!(after
        .as_deref()
        .unwrap()
        .contains("\"parent\":\"home-kitchen\""));
}

#[tokio::test]
async fn moving_a_category_up_or_down_changes_the_shop_order() {
    let (app, staff) = shop_with_staff().await;
    let (status, moved) = move_category(&app, &staff, "storage", "up").await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["message"], "Storage moved up.");
    assert_eq!(
        shop_subcategories(&app, HOME).await,
        ["cookware", "storage", "tableware"]
    );
    let (status, _) = move_category(&app, &staff, "cookware", "down").await;
    assert_eq!(status, 200);
    assert_eq!(
        shop_subcategories(&app, HOME).await,
        ["storage", "cookware", "tableware"]
    );
    // Already first: nothing changes, and nothing is logged.
    let (status, unchanged) = move_category(&app, &staff, "storage", "up").await;
    assert_eq!(status, 200, "{unchanged}");
    assert_eq!(unchanged["message"], "Storage is already first.");
    assert_eq!(
        shop_subcategories(&app, HOME).await,
        ["storage", "cookware", "tableware"]
    );
    let (status, refused) = move_category(&app, &staff, "storage", "sideways").await;
    assert_eq!(status, 422, "{refused}");

    let log = audit(&app).await;
    let actions: Vec<&str> = log.iter().map(|entry| entry.1.as_str()).collect();
    assert_eq!(actions, ["category.reordered", "category.reordered"]);
    let (_, _, subject, before, after) = &log[1];
    assert_eq!(subject, "category cookware");
    assert!(before
        .as_deref()
        .unwrap()
        .contains("[\"cookware\",\"storage\",\"tableware\"]"));
    assert!(after
        .as_deref()
        .unwrap()
        .contains("[\"storage\",\"cookware\",\"tableware\"]"));
}

/// A product in a subcategory of home-kitchen: its slug and its category's slug.
async fn product_under_home(app: &TestApp) -> (String, String) {
    sqlx::query_as(
        "SELECT p.slug, c.slug FROM products p JOIN categories c ON c.id = p.category_id
         JOIN categories top ON top.id = c.parent_id
         WHERE top.slug = $1 AND p.published ORDER BY p.id LIMIT 1",
    )
    .bind(HOME)
    .fetch_one(app.db.pool())
    .await
    .expect("a product under home-kitchen")
}

#[tokio::test]
async fn renaming_a_category_changes_the_breadcrumbs_and_facets_below_it() {
    let (app, staff) = shop_with_staff().await;
    let (product, _) = product_under_home(&app).await;
    let (_, html) = app.page(&format!("/products/{product}")).await;
    assert!(html.contains(">Home &amp; Kitchen</a>"), "{html}");
    let home = id_of(&app, HOME).await.to_string();
    let mut fields = form("Kitchen & Dining", "", "");
    fields.push(("category_id", &home));
    let (status, saved) = call(&app, &staff, "update_category", &fields).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["slug"], "kitchen-dining");

    let (status, html) = app.page(&format!("/products/{product}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<a href=\"/categories/kitchen-dining\">Kitchen &amp; Dining</a>"),
        "{html}"
    );
    assert!(!html.contains("Home &amp; Kitchen"), "{html}");
    let (status, _) = app.page("/categories/home-kitchen").await;
    assert_eq!(status, 404);
    assert_eq!(
        shop_subcategories(&app, "kitchen-dining").await,
        ["cookware", "tableware", "storage"]
    );
    // Every product below it is in the change feed search follows.
    let below: Vec<i64> = sqlx::query_scalar(
        "SELECT p.id FROM products p JOIN categories c ON c.id = p.category_id
         WHERE c.id = $1 OR c.parent_id = $1 ORDER BY p.id",
    )
    .bind(id_of(&app, "kitchen-dining").await)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let changed: Vec<i64> = sqlx::query_scalar(
        "SELECT product_id FROM catalog_changes
         WHERE revision = (SELECT revision FROM catalog_revision WHERE id = 1)
         ORDER BY product_id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(!below.is_empty());
    assert_eq!(changed, below);
    // Search's category facet names it anew.
    let response = app.get("/api/v1/products?per_page=1").await;
    let body: Value = response.json().await.unwrap();
    let facets = body["facets"]["categories"].as_array().unwrap();
    assert!(
        facets
            .iter()
            .any(|f| f["value"] == "kitchen-dining" && f["label"] == "Kitchen & Dining"),
        "{facets:?}"
    );
    assert!(!facets.iter().any(|f| f["value"] == HOME), "{facets:?}");

    let log = audit(&app).await;
    let (_, action, subject, before, after) = &log[0];
    assert_eq!(
        (action.as_str(), subject.as_str()),
        ("category.updated", "category kitchen-dining")
    );
    assert!(before
        .as_deref()
        .unwrap()
        .contains("\"name\":\"Home & Kitchen\""));
    assert!(after
        .as_deref()
        .unwrap()
        .contains("\"name\":\"Kitchen & Dining\""));
}

#[tokio::test]
async fn a_category_moved_elsewhere_takes_its_products_along() {
    let (app, staff) = shop_with_staff().await;
    let (product, leaf) = product_under_home(&app).await;
    let leaf_id = id_of(&app, &leaf).await.to_string();
    let clothing = id_of(&app, "clothing").await.to_string();
    let mut fields = form("Moved", &leaf, &clothing);
    fields.push(("category_id", &leaf_id));
    let (status, saved) = call(&app, &staff, "update_category", &fields).await;
    assert_eq!(status, 200, "{saved}");

    let under_clothing = shop_subcategories(&app, "clothing").await;
    assert_eq!(
        under_clothing.last().map(String::as_str),
        Some(leaf.as_str())
    );
    assert!(!shop_subcategories(&app, HOME).await.contains(&leaf));
    let (_, html) = app.page(&format!("/products/{product}")).await;
    assert!(html.contains("<a href=\"/categories/clothing\">"), "{html}");
    assert!(!html.contains("Home &amp; Kitchen"), "{html}");
    let actions: Vec<String> = audit(&app).await.into_iter().map(|e| e.1).collect();
    assert_eq!(actions, ["category.moved", "category.updated"]);
}

#[tokio::test]
async fn a_category_cannot_move_under_itself_or_below_itself() {
    let (app, staff) = shop_with_staff().await;
    let home = id_of(&app, HOME).await.to_string();
    let cookware = id_of(&app, "cookware").await.to_string();
    // Pans, below cookware: two levels under home-kitchen.
    let pans = created(&app, &staff, &form("Pans", "pans", &cookware))
        .await
        .to_string();
    for parent in [&home, &cookware, &pans] {
        let mut fields = form("Home & Kitchen", HOME, parent);
        fields.push(("category_id", &home));
        let (status, refused) = call(&app, &staff, "update_category", &fields).await;
        assert_eq!(status, 422, "{refused}");
        assert_eq!(
            field_message(&refused, "parent"),
            "A category cannot go under itself or one of its own subcategories: \
             choose another parent."
        );
        assert_eq!(refused["Invalid"]["typed"]["parent"], parent.as_str());
    }
    let parent: Option<i64> =
        sqlx::query_scalar("SELECT parent_id FROM categories WHERE slug = $1")
            .bind(HOME)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(parent, None);
    assert_eq!(
        shop_subcategories(&app, HOME).await,
        ["cookware", "tableware", "storage"]
    );
    // The edit page does not offer them.
    let page = staff
        .get(format!("{}/admin/categories/{home}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<label for=\"category-parent\">Parent</label>"),
        "{html}"
    );
    assert!(
        html.contains(&format!("<option value=\"{pans}\" disabled")),
        "{html}"
    );
}

#[tokio::test]
async fn a_taken_or_malformed_slug_is_refused_and_nothing_is_saved() {
    let (app, staff) = shop_with_staff().await;
    let before = category_count(&app).await;
    let (status, refused) = call(
        &app,
        &staff,
        "create_category",
        &form("Pots", "cookware", ""),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        field_message(&refused, "slug"),
        "There is already a category with the slug cookware."
    );
    // A name that makes a taken slug is refused the same way.
    let (status, refused) = call(&app, &staff, "create_category", &form("Cookware", "", "")).await;
    assert_eq!(status, 422, "{refused}");
    assert!(field_message(&refused, "slug").contains("cookware"));
    // Renaming onto another category's slug too.
    let storage = id_of(&app, "storage").await.to_string();
    let home = id_of(&app, HOME).await.to_string();
    let mut fields = form("Storage", "tableware", &home);
    fields.push(("category_id", &storage));
    let (status, refused) = call(&app, &staff, "update_category", &fields).await;
    assert_eq!(status, 422, "{refused}");
    assert!(field_message(&refused, "slug").contains("tableware"));
    // Every wrong field at once, what was typed kept.
    let (status, refused) = call(
        &app,
        &staff,
        "create_category",
        &form("  ", "Bad Slug", "nine"),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(field_message(&refused, "name"), "Give the category a name.");
    assert!(field_message(&refused, "slug").starts_with("Use lower-case letters"));
    assert_eq!(
        field_message(&refused, "parent"),
        "Choose a parent from the list."
    );
    assert_eq!(refused["Invalid"]["typed"]["slug"], "Bad Slug");
    let (status, refused) = call(&app, &staff, "create_category", &form("Lost", "", "99999")).await;
    assert_eq!(status, 422, "{refused}");
    assert!(field_message(&refused, "parent").contains("no longer exists"));

    assert_eq!(category_count(&app).await, before);
    assert!(audit(&app).await.is_empty());
    assert_eq!(id_of(&app, "storage").await.to_string(), storage);
}

#[tokio::test]
async fn only_an_empty_category_can_be_deleted() {
    let (app, staff) = shop_with_staff().await;
    let delete = |slug: String| {
        let (app, staff) = (&app, &staff);
        async move {
            let id = id_of(app, &slug).await.to_string();
            call(app, staff, "delete_category", &[("category_id", &id)]).await
        }
    };
    let (status, refused) = delete(HOME.to_owned()).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        form_message(&refused),
        "Home & Kitchen cannot be deleted yet. Move or delete its 3 subcategories first."
    );
    let (_, leaf) = product_under_home(&app).await;
    let products: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM products p JOIN categories c ON c.id = p.category_id WHERE c.slug = $1",
    )
    .bind(&leaf)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (status, refused) = delete(leaf.clone()).await;
    assert_eq!(status, 422, "{refused}");
    let things = if products == 1 {
        "1 product".to_owned()
    } else {
        format!("{products} products")
    };
    assert!(
        form_message(&refused).ends_with(&format!("Move or delete its {things} first.")),
        "{refused}"
    );

    let home = id_of(&app, HOME).await.to_string();
    created(&app, &staff, &form("Gift Wrap", "", &home)).await;
    let (status, _) = app.page("/categories/gift-wrap").await;
    assert_eq!(status, 200);
    let (status, deleted) = delete("gift-wrap".to_owned()).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["message"], "Gift Wrap is deleted.");
    let (status, _) = app.page("/categories/gift-wrap").await;
    assert_eq!(status, 404);
    assert_eq!(
        shop_subcategories(&app, HOME).await,
        ["cookware", "tableware", "storage"]
    );
    // A discount code limited to a category keeps it: without it the code would cover more.
    created(&app, &staff, &form("Gift Cards", "", &home)).await;
    let code = [
        ("code", "GIFTS10"),
        ("kind", "percentage"),
        ("value", "10"),
        ("categories", "gift-cards"),
    ];
    let (status, body) = call(&app, &staff, "create_discount_code", &code).await;
    assert_eq!(status, 200, "{body}");
    let (status, refused) = delete("gift-cards".to_owned()).await;
    assert_eq!(status, 422, "{refused}");
    assert!(form_message(&refused).contains("GIFTS10"), "{refused}");
    let (status, _) = app.page("/categories/gift-cards").await;
    assert_eq!(status, 200);

    let (status, gone) = call(&app, &staff, "delete_category", &[("category_id", "99999")]).await;
    assert_eq!(status, 404, "{gone}");

    let log = audit(&app).await;
    let actions: Vec<&str> = log.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        actions,
        ["category.created", "category.deleted", "category.created"]
    );
    assert!(log[1]
        .3
        .as_deref()
        .unwrap()
        .contains("\"slug\":\"gift-wrap\""));
    assert!(log[1].4.is_none());
}

#[tokio::test]
async fn only_staff_may_see_or_change_categories() {
    let (app, _) = shop_with_staff().await;
    add_account(&app, CUSTOMER, Role::Customer).await;
    let customer = signed_in(&app, CUSTOMER).await;
    let stranger = browser();
    let home = id_of(&app, HOME).await.to_string();
    let mut update = form("Hacked", "hacked", "");
    update.push(("category_id", &home));
    let calls: [(&str, Vec<(&str, &str)>); 6] = [
        ("staff_categories", vec![]),
        ("staff_category", vec![("category_id", &home)]),
        ("create_category", form("Hacked", "hacked", "")),
        ("update_category", update),
        (
            "move_category",
            vec![("category_id", &home), ("direction", "down")],
        ),
        ("delete_category", vec![("category_id", &home)]),
    ];
    let before = category_count(&app).await;
    for (name, fields) in &calls {
        let (status, body) = call(&app, &customer, name, fields).await;
        assert_eq!(status, 403, "{name} as a customer: {body}");
        let (status, body) = call(&app, &stranger, name, fields).await;
        assert_eq!(status, 401, "{name} signed out: {body}");
    }
    assert_eq!(category_count(&app).await, before);
    assert_eq!(
        shop_subcategories(&app, HOME).await,
        ["cookware", "tableware", "storage"]
    );
    assert!(audit(&app).await.is_empty());
    // The pages: nobody signed in is sent to sign in, a customer is turned away.
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/admin/categories", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(page.status().is_redirection(), "{}", page.status());
    assert_eq!(page.headers()["location"], "/login");
    let page = customer
        .get(format!("{}/admin/categories/{home}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    let html = page.text().await.unwrap();
    assert!(html.contains("Staff only"), "{html}");
    assert!(!html.contains("Move up"), "{html}");
}

#[tokio::test]
async fn the_forms_work_without_javascript() {
    let (app, staff) = shop_with_staff().await;
    // A browser posting the form itself is sent back to the list, which says what happened.
    let storage = id_of(&app, "storage").await.to_string();
    let response = staff
        .post(format!("{}/rpc/move_category", app.base))
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .form(&[("category_id", storage.as_str()), ("direction", "up")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.url().path(),
        "/admin/categories",
        "followed the redirect"
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("The category is moved."), "{html}");
    assert_eq!(
        shop_subcategories(&app, HOME).await,
        ["cookware", "storage", "tableware"]
    );

    // A refusal is shown on the page the form was on.
    let home = id_of(&app, HOME).await.to_string();
    let response = staff
        .post(format!("{}/rpc/delete_category", app.base))
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .header("referer", format!("{}/admin/categories", app.base))
        .form(&[("category_id", home.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.url().path(), "/admin/categories");
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Move or delete its 3 subcategories first."),
        "{html}"
    );

    // What was typed is shown back as text, never as markup.
    let fields = [
        ("name", "Odd Things"),
        ("slug", ""),
        ("description", "Pots </textarea><b>bold</b> & pans"),
        ("parent", home.as_str()),
    ];
    let id = created(&app, &staff, &fields).await;
    let html = staff
        .get(format!("{}/admin/categories/{id}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(">Pots &lt;/textarea>&lt;b>bold&lt;/b> &amp; pans</textarea>"),
        "{html}"
    );
    assert!(html.contains("<h1>Category Odd Things</h1>"), "{html}");
}
