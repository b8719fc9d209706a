//! The public JSON API under `/api/v1`: catalog reads and search, and for integrations
//! with an API token, orders and catalog writes (every write taking an optional
//! `Idempotency-Key`, see `idempotency`); described by an
//! OpenAPI 3.1 document generated from these handlers (`/api/v1/openapi.json`) and a
//! browsable page (`/api/v1/docs`). Errors are `application/problem+json`; reads
//! carry an `ETag` and answer a matching `If-None-Match` with 304. The catalog reads are
//! public; other endpoints need an API token with a scope (`auth`), and a token that is
//! sent must be a live one everywhere.

pub mod auth;
mod cache;
mod catalog_writes;
mod docs;
pub mod idempotency;
mod orders;
pub mod problem;
pub mod schema;

use app::catalog::server::{all_categories, product_detail};
use app::search::api::{ProductQuery, QueryProblem};
use app::search::params::BadParam;
use app::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use problem::{Kind, Problem};
use schema::{CategoryList, Product, ProductList, Suggestions};

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/orders", get(orders::list_orders))
        .route("/orders/{number}", get(orders::get_order))
        .route("/orders/{number}/fulfil", post(orders::fulfil_order))
        .route(
            "/products",
            get(list_products).post(catalog_writes::create_product),
        )
        .route(
            "/products/{slug}",
            get(get_product).put(catalog_writes::update_product),
        )
        .route("/stock", post(catalog_writes::set_stock))
        .route("/categories", get(list_categories))
        .route("/search/suggest", get(suggest))
        .route("/openapi.json", get(docs::openapi_json))
        .route("/docs", get(docs::page))
        .fallback(|| async { Problem::new(Kind::NotFound, "There is no such API endpoint.") })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                Kind::MethodNotAllowed,
                "This endpoint does not answer this method.",
            )
        })
        // Inside the token check, so a key belongs to the token that sent it.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::once_per_key,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::check_bearer,
        ))
}

/// The query string's parameters, decoded.
fn pairs(raw: &Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// A write's JSON body, or the `bad-body` problem's response saying why it cannot be read.
/// (Boxed: a response is large, and the happy path should not carry its size.)
fn read_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|error| {
        Problem::new(
            Kind::BadBody,
            format!("The body is not the JSON this endpoint takes: {error}."),
        )
        .into_response()
        .into()
    })
}

fn bad(name: &str, reason: &str) -> Problem {
    Problem::bad_parameter(BadParam {
        name: name.to_owned(),
        reason: reason.to_owned(),
    })
}

/// List, search and filter products.
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "catalog",
    params(docs::ProductListParams),
    responses(
        (status = 200, description = "One page of products, with facets", body = ProductList),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "A parameter cannot be used", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_products(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let pairs = pairs(&raw);
    let mut query =
        match ProductQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            Ok(query) => query,
            Err(bad) => return Problem::bad_parameter(bad).into_response(),
        };
    // Attribute filters must name an attribute some product has.
    if let Some((name, _)) = query
        .attributes
        .iter()
        .find(|(name, _)| !state.search.has_attribute(name))
    {
        return bad(name, "is not a parameter of this search").into_response();
    }
    let mut past_the_end = false;
    let page = loop {
        match app::search::server::find_products(&state.db, &state.search, &query).await {
            Ok(Ok(page)) => break page,
            Ok(Err(QueryProblem::UnknownCategory(_))) => {
                return bad("category", "names no category").into_response()
            }
            // Past the last page: an empty page, with the totals and facets.
            Ok(Err(QueryProblem::PageOutOfRange { .. })) if !past_the_end => {
                past_the_end = true;
                query.page = 1;
            }
            Ok(Err(other)) => return Problem::internal(&format!("{other:?}")).into_response(),
            Err(error) => return Problem::internal(&error).into_response(),
        }
    };
    let mut list = ProductList::from(page);
    if past_the_end {
        list.items.clear();
        list.page = pairs
            .iter()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(list.page);
    }
    cache::json(&headers, &list)
}

/// One product with its variants.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}",
    tag = "catalog",
    params(("slug" = String, Path, description = "The product's slug, as in its shop URL")),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No published product has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    match product_detail(&state.db, &slug).await {
        Ok(Some(product)) => cache::json(&headers, &Product::from(product)),
        Ok(None) => Problem::new(Kind::NotFound, format!("No product has the slug {slug:?}."))
            .into_response(),
        Err(error) => Problem::internal(&error).into_response(),
    }
}

/// Every category, parents first.
#[utoipa::path(
    get,
    path = "/api/v1/categories",
    tag = "catalog",
    responses(
        (status = 200, description = "The category tree as a flat list", body = CategoryList),
        (status = 304, description = "Not modified"),
    )
)]
async fn list_categories(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match all_categories(&state.db).await {
        Ok(categories) => cache::json(
            &headers,
            &CategoryList {
                items: categories.into_iter().map(Into::into).collect(),
            },
        ),
        Err(error) => Problem::internal(&error).into_response(),
    }
}

/// Completions for a search box.
#[utoipa::path(
    get,
    path = "/api/v1/search/suggest",
    tag = "search",
    params(("q" = String, Query, description = "What has been typed so far")),
    responses(
        (status = 200, description = "Up to 8 suggested searches", body = Suggestions),
        (status = 304, description = "Not modified"),
        (status = 400, description = "`q` is missing or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn suggest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let pairs = pairs(&raw);
    let Some((_, q)) = pairs.iter().find(|(k, _)| k == "q") else {
        return bad("q", "is required").into_response();
    };
    if q.chars().count() > app::search::params::MAX_QUERY_CHARS {
        return bad("q", "must be at most 200 characters").into_response();
    }
    let suggestions = state.search.suggest(q);
    cache::json(
        &headers,
        &Suggestions {
            query: q.trim().to_owned(),
            suggestions,
        },
    )
}
