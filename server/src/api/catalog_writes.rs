//! Catalog writes for integrations (ERP, stock sync), each needing `catalog:write`:
//! `POST /api/v1/products` and `PUT /api/v1/products/{slug}` store a whole product with
//! its variants through the staff product save, and `POST /api/v1/stock` sets stock
//! levels in bulk through the staff stock adjustment, all or nothing. The token is the
//! actor the audit log and the stock history name.

use super::auth::{scopes, RequireScope};
use super::problem::{Kind, Problem};
use super::read_body;
use super::schema::Price;
use app::money::{Currency, Money};
use app::staff::products::server::{
    save_by_sku, ProductSnapshot, SavedBySku, SentProduct, SentVariant,
};
use app::staff::stock::api::{StockReason, MAX_NOTE_CHARS};
use app::staff::stock::server::set_levels;
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A product with every variant it is to have.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductInput {
    /// Lower-case letters and digits joined by dashes; made from the name when left
    /// out. On `PUT`, another slug renames the product.
    #[schema(example = "amber-oak-bowl")]
    #[serde(default)]
    pub slug: Option<String>,
    #[schema(example = "Amber Oak Bowl")]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The category's slug.
    #[schema(example = "kitchen")]
    pub category: String,
    /// Shoppers can see and buy it.
    #[serde(default)]
    pub published: bool,
    #[serde(default)]
    pub featured: bool,
    /// Lower-case names, such as `material`, and their values.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// At least one. On `PUT`, variants are matched by SKU: a stored variant whose SKU
    /// is not sent is removed.
    pub variants: Vec<VariantInput>,
}

/// A variant, named by its SKU.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VariantInput {
    #[schema(example = "BOWL-OAK-L")]
    pub sku: String,
    /// What sets it apart, such as "Oak, large"; "Standard" when left out.
    #[serde(default)]
    pub title: String,
    /// In the shop's currency.
    pub price: Price,
    /// The "was" price, above `price`.
    #[serde(default)]
    pub compare_at: Option<Price>,
    /// The stock a new variant starts with. A stored variant's stock is left as it is:
    /// set it with `POST /api/v1/stock`.
    #[serde(default)]
    pub stock: i64,
}

/// A product as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredProduct {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The category's slug.
    pub category: String,
    pub published: bool,
    pub featured: bool,
    /// Goes up by one with every save; send it in `If-Match` to update only this version.
    /// The `ETag` header carries it too.
    #[schema(example = 3)]
    pub version: i64,
    pub attributes: BTreeMap<String, String>,
    pub variants: Vec<StoredVariant>,
}

/// A variant as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredVariant {
    pub sku: String,
    pub title: String,
    pub price: Price,
    pub compare_at: Option<Price>,
    pub stock: i64,
}

fn price(amount: i64, currency: Currency) -> Price {
    Money::new(amount, currency).into()
}

impl StoredProduct {
    fn from_snapshot(product: ProductSnapshot, category: String) -> StoredProduct {
        StoredProduct {
            slug: product.slug,
            name: product.name,
            description: product.description,
            category,
            published: *product.published,
            featured: *product.featured,
            version: product.version,
            attributes: product.attributes,
            variants: product
                .variants
                .into_iter()
                .map(|variant| {
                    let currency = variant.currency.parse().unwrap_or(Currency::GBP);
                    StoredVariant {
                        sku: variant.sku,
                        title: variant.title,
                        price: price(variant.price_amount, currency),
                        compare_at: variant.compare_at_amount.map(|was| price(was, currency)),
                        stock: variant.stock,
                    }
                })
                .collect(),
        }
    }
}

/// The input as the product save takes it; a currency that is no currency is refused
/// per field.
fn sent_product(input: ProductInput) -> Result<SentProduct, BTreeMap<String, String>> {
    let mut problems = BTreeMap::new();
    let mut money = |field: String, price: &Price| match price.currency.parse::<Currency>() {
        Ok(currency) => Money::new(price.amount, currency),
        Err(_) => {
            problems.insert(
                field,
                "Names no ISO 4217 currency the shop knows.".to_owned(),
            );
            Money::new(price.amount, Currency::GBP)
        }
    };
    let variants = input
        .variants
        .iter()
        .enumerate()
        .map(|(row, variant)| SentVariant {
            sku: variant.sku.clone(),
            title: variant.title.clone(),
            price: money(format!("variants[{row}].price"), &variant.price),
            compare_at: variant
                .compare_at
                .as_ref()
                .map(|was| money(format!("variants[{row}].compare_at"), was)),
            stock: variant.stock,
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(SentProduct {
        slug: input.slug.unwrap_or_default(),
        name: input.name,
        description: input.description,
        category: input.category,
        featured: input.featured,
        published: input.published,
        attributes: input.attributes.into_iter().collect(),
        variants,
    })
}

fn refused(problems: BTreeMap<String, String>) -> Response {
    let detail = problems
        .iter()
        .map(|(field, problem)| format!("{field}: {problem}"))
        .collect::<Vec<_>>()
        .join(" ");
    Problem::fields(
        Kind::BadParameter,
        format!("The product was not saved. {detail}"),
        problems,
    )
    .into_response()
}

/// The stored product as an answer with its version as the `ETag`.
fn stored(status: StatusCode, product: StoredProduct) -> Response {
    let location = format!("/api/v1/products/{}", product.slug);
    let mut response = (status, Json(&product)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", product.version)) {
        headers.insert(header::ETAG, etag);
    }
    if status == StatusCode::CREATED {
        if let Ok(location) = HeaderValue::from_str(&location) {
            headers.insert(header::LOCATION, location);
        }
    }
    response
}

/// Create a product with its variants. Needs `catalog:write`.
#[utoipa::path(
    post,
    path = "/api/v1/products",
    tag = "catalog",
    request_body = ProductInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of writing again (24 hours)")),
    security(("bearer" = ["catalog:write"])),
    responses(
        (status = 201, description = "Created; `Location` names it and `ETag` carries its version", body = StoredProduct),
        (status = 400, description = "The body cannot be read, or a field is refused (`errors` names each)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No API token, or one that is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks `catalog:write`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with this Idempotency-Key is still running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used for another request", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_product(
    RequireScope { token, .. }: RequireScope<scopes::CatalogWrite>,
    State(state): State<AppState>,
    body: Bytes,
) -> Response {
    let input: ProductInput = match read_body(&body) {
        Ok(input) => input,
        Err(refusal) => return *refusal,
    };
    let sent = match sent_product(input) {
        Ok(sent) => sent,
        Err(problems) => return refused(problems),
    };
    match save_by_sku(&state.db, &token, None, None, &sent).await {
        Ok(SavedBySku::Saved { product, category }) => stored(
            StatusCode::CREATED,
            StoredProduct::from_snapshot(product, category),
        ),
        Ok(SavedBySku::Refused(problems)) => refused(problems),
        Ok(SavedBySku::ChangedMeanwhile | SavedBySku::NoSuchProduct) => Problem::new(
            Kind::Conflict,
            "The catalog changed while the product was being saved. Try again.",
        )
        .into_response(),
        Err(error) => Problem::internal(&error).into_response(),
    }
}

/// The version an `If-Match` names: `"3"`, `W/"3"` or `3`; `Ok(None)` for none or `*`.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ()> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| ())?.trim();
    if text == "*" {
        return Ok(None);
    }
    let text = text.strip_prefix("W/").unwrap_or(text);
    text.trim_matches('"').parse().map(Some).map_err(|_| ())
}

/// Replace a product and its variants (matched by SKU). Needs `catalog:write`.
#[utoipa::path(
    put,
    path = "/api/v1/products/{slug}",
    tag = "catalog",
    request_body = ProductInput,
    params(
        ("slug" = String, Path, description = "The product's slug now"),
        ("If-Match" = Option<String>, Header, description = "The version the change is for (the `ETag` of the last answer, e.g. `\"3\"`); without it the change applies to whatever is stored"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of writing again (24 hours)"),
    ),
    security(("bearer" = ["catalog:write"])),
    responses(
        (status = 200, description = "Saved; `ETag` carries the new version", body = StoredProduct),
        (status = 400, description = "The body cannot be read, or a field is refused (`errors` names each)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No API token, or one that is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks `catalog:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No product has this slug", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The product changed during the request, or a request with this Idempotency-Key is still running", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The product is no longer at the version in `If-Match`; nothing was saved", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used for another request", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_product(
    RequireScope { token, .. }: RequireScope<scopes::CatalogWrite>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(version) = if_match(&headers) else {
        return Problem::new(
            Kind::PreconditionFailed,
            "If-Match must be the product's version as its ETag gives it, like \"3\".",
        )
        .into_response();
    };
    let input: ProductInput = match read_body(&body) {
        Ok(input) => input,
        Err(refusal) => return *refusal,
    };
    let mut sent = match sent_product(input) {
        Ok(sent) => sent,
        Err(problems) => return refused(problems),
    };
    if sent.slug.trim().is_empty() {
        sent.slug = slug.clone();
    }
    match save_by_sku(&state.db, &token, Some(&slug), version, &sent).await {
        Ok(SavedBySku::Saved { product, category }) => stored(
            StatusCode::OK,
            StoredProduct::from_snapshot(product, category),
        ),
        Ok(SavedBySku::Refused(problems)) => refused(problems),
        Ok(SavedBySku::ChangedMeanwhile) if version.is_some() => Problem::new(
            Kind::PreconditionFailed,
            format!(
                "The product {slug:?} is no longer at the version in If-Match: read it again \
                 and send the change for its current version. Nothing was saved."
            ),
        )
        .into_response(),
        Ok(SavedBySku::ChangedMeanwhile) => Problem::new(
            Kind::Conflict,
            format!("The product {slug:?} changed while it was being saved. Nothing was saved."),
        )
        .into_response(),
        Ok(SavedBySku::NoSuchProduct) => Problem::new(
            Kind::NotFound,
            format!("No product has the slug {slug:?}; create it with POST /api/v1/products."),
        )
        .into_response(),
        Err(error) => Problem::internal(&error).into_response(),
    }
}

/// The most stock levels one request sets.
pub const MAX_STOCK_ITEMS: usize = 1000;

/// Stock levels to set, all or none.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StockInput {
    /// 1 to 1000 variants, each SKU once.
    pub items: Vec<StockLevel>,
    /// `count_correction` (the default), `received`, `damaged`, `customer_return` or
    /// `other`; kept in each variant's stock history.
    #[serde(default)]
    #[schema(example = "count_correction")]
    pub reason: Option<String>,
    /// Kept in the stock history, up to 500 characters.
    #[serde(default)]
    pub note: Option<String>,
}

/// One variant's stock, counted.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StockLevel {
    #[schema(example = "BOWL-OAK-L")]
    pub sku: String,
    /// What there is now, 0 or more.
    #[schema(example = 12)]
    pub stock: i64,
}

/// The stock levels set.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockSet {
    pub items: Vec<StockChanged>,
}

/// One variant's stock before and after.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockChanged {
    pub sku: String,
    pub before: i64,
    pub after: i64,
}

/// The reasons an integration may give, as staff can.
fn stock_reason(name: Option<&str>) -> Option<StockReason> {
    match name {
        None => Some(StockReason::CountCorrection),
        Some(name) => StockReason::from_name(name).filter(|r| StockReason::STAFF.contains(r)),
    }
}

/// Set stock levels in bulk, all or nothing. Needs `catalog:write`.
#[utoipa::path(
    post,
    path = "/api/v1/stock",
    tag = "catalog",
    request_body = StockInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of writing again (24 hours)")),
    security(("bearer" = ["catalog:write"])),
    responses(
        (status = 200, description = "Every level was set; each change is in the variant's stock history", body = StockSet),
        (status = 400, description = "The body cannot be read, or a field is refused (`errors` names each)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No API token, or one that is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks `catalog:write`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with this Idempotency-Key is still running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some SKUs name no variant (`errors` names each) and nothing was changed; or the Idempotency-Key was used for another request", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_stock(
    RequireScope { token, .. }: RequireScope<scopes::CatalogWrite>,
    State(state): State<AppState>,
    body: Bytes,
) -> Response {
    let input: StockInput = match read_body(&body) {
        Ok(input) => input,
        Err(refusal) => return *refusal,
    };
    let mut problems = BTreeMap::new();
    if input.items.is_empty() || input.items.len() > MAX_STOCK_ITEMS {
        problems.insert(
            "items".to_owned(),
            format!("Send 1 to {MAX_STOCK_ITEMS} items."),
        );
    }
    for (row, item) in input.items.iter().enumerate() {
        if item.stock < 0 {
            problems.insert(format!("items[{row}].stock"), "Must be 0 or more.".into());
        }
        if input.items[..row].iter().any(|seen| seen.sku == item.sku) {
            problems.insert(
                format!("items[{row}].sku"),
                format!("The SKU {} is in the list twice.", item.sku),
            );
        }
    }
    let reason = stock_reason(input.reason.as_deref());
    if reason.is_none() {
        problems.insert(
            "reason".to_owned(),
            "Must be count_correction, received, damaged, customer_return or other.".into(),
        );
    }
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if note.is_some_and(|note| note.chars().count() > MAX_NOTE_CHARS) {
        problems.insert(
            "note".to_owned(),
            format!("Keep it under {MAX_NOTE_CHARS} characters."),
        );
    }
    let (false, Some(reason)) = (!problems.is_empty(), reason) else {
        let detail = problems
            .iter()
            .map(|(field, problem)| format!("{field}: {problem}"))
            .collect::<Vec<_>>()
            .join(" ");
        return Problem::fields(
            Kind::BadParameter,
            format!("No stock was changed. {detail}"),
            problems,
        )
        .into_response();
    };
    let levels: Vec<(String, i64)> = input
        .items
        .iter()
        .map(|item| (item.sku.clone(), item.stock))
        .collect();
    match set_levels(&state.db, &token, &levels, reason, note).await {
        Ok(Ok(changed)) => (
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            Json(StockSet {
                items: levels
                    .into_iter()
                    .zip(changed)
                    .map(|((sku, _), (before, after))| StockChanged { sku, before, after })
                    .collect(),
            }),
        )
            .into_response(),
        Ok(Err(unknown)) => {
            let errors = input
                .items
                .iter()
                .enumerate()
                .filter(|(_, item)| unknown.contains(&item.sku))
                .map(|(row, item)| {
                    (
                        format!("items[{row}].sku"),
                        format!("No variant has the SKU {}.", item.sku),
                    )
                })
                .collect();
            Problem::fields(
                Kind::UnknownSku,
                format!(
                    "No variant has the SKU {}: no stock was changed.",
                    unknown.join(", ")
                ),
                errors,
            )
            .into_response()
        }
        Err(error) => Problem::internal(&error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_names_a_version_or_any() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_MATCH, HeaderValue::from_static(value));
            if_match(&headers)
        };
        assert_eq!(if_match(&HeaderMap::new()), Ok(None));
        assert_eq!(with("\"3\""), Ok(Some(3)));
        assert_eq!(with("W/\"4\""), Ok(Some(4)));
        assert_eq!(with("*"), Ok(None));
        assert_eq!(with("\"abc\""), Err(()));
    }

    #[test]
    fn integrations_give_the_reasons_staff_give() {
        assert_eq!(stock_reason(None), Some(StockReason::CountCorrection));
        assert_eq!(stock_reason(Some("received")), Some(StockReason::Received));
        assert_eq!(stock_reason(Some("sold")), None);
        assert_eq!(stock_reason(Some("nonsense")), None);
    }
}
