use crate::helpers::TestApp;
use app::catalog::server::home;

#[tokio::test]
async fn the_search_page_lists_ranked_matches_with_the_words_marked() {
    let app = TestApp::seeded(200).await;
    let featured = home(&app.db).await.unwrap().featured.remove(0);
    let first_word = featured.name.split(' ').next().unwrap().to_owned();
    let (status, html) = app
        .page(&format!("/search?q={}", first_word.to_lowercase()))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("Results for “{}”", first_word.to_lowercase())));
    assert!(html.contains(&format!("<mark>{first_word}</mark>")));
    assert!(html.contains(&format!("href=\"/products/{}\"", featured.slug)));
    // The header's box keeps the query.
    assert!(html.contains("name=\"q\""));
}

#[tokio::test]
async fn an_empty_or_unmatched_search_is_a_helpful_page_not_an_error() {
    let app = TestApp::seeded(20).await;
    let (status, html) = app.page("/search").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Search</h1>"));
    let (status, html) = app.page("/search?q=qqqqqqqqqq").await;
    assert_eq!(status, 200);
    assert!(html.contains("No results for “qqqqqqqqqq”"));
    assert!(html.contains("Check the spelling"));
}

#[tokio::test]
async fn a_search_page_past_the_last_is_not_found() {
    let app = TestApp::seeded(20).await;
    let (status, _) = app.page("/search?q=a&page=50").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_misspelt_search_finds_the_product_and_facets_refine_it() {
    let app = TestApp::seeded(200).await;
    // "Stoneware" with a letter swapped: nine letters, so two typos are allowed.
    let (status, html) = app.page("/search?q=stonewaer").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<mark>Stoneware</mark>"),
        "the corrected word is marked"
    );
    // Facets are links that keep the query and add the filter.
    assert!(html.contains("<h3>Brand</h3>"));
    assert!(html.contains("href=\"/search?q=stonewaer&amp;brand=Northbank\""));
    let (status, filtered) = app.page("/search?q=stonewaer&brand=Northbank").await;
    assert_eq!(status, 200);
    assert!(filtered.contains("Remove filter: </span>Northbank"));
    assert!(filtered.contains("Clear all filters"));
}

#[tokio::test]
async fn a_broken_search_link_says_which_parameter_is_wrong() {
    let app = TestApp::seeded(5).await;
    let (status, html) = app.page("/search?q=oak&min_price=cheap").await;
    assert_eq!(status, 400);
    assert!(html.contains("This link has a problem"));
    assert!(html.contains("min_price"));
}

#[tokio::test]
async fn the_search_box_suggests_completions() {
    let app = TestApp::seeded(200).await;
    let response = app
        .client
        .post(format!("{}/rpc/suggest_searches", app.base))
        .form(&[("q", "stonewar bo")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let suggestions: Vec<String> = response.json().await.unwrap();
    assert!(!suggestions.is_empty() && suggestions.len() <= 8);
    for suggestion in &suggestions {
        assert!(suggestion.starts_with("stoneware bo"), "{suggestion}");
    }
}
