//! The OpenAPI 3.1 document, generated from the handlers' annotations, and a plain
//! HTML page that presents it (no scripts, so it works offline and without JS).

use super::problem::{Kind, Problem};
use super::schema::*;
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi as Document, RefOr, Required};
use utoipa::{IntoParams, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bazaar API",
        version = "1",
        description = "Read the shop's catalog and search it, and, with an API token, read \
                       its orders, dispatch them, and write products and stock. Prices are \
                       integer minor units with an ISO 4217 currency. Every write takes an \
                       optional Idempotency-Key header: a retry with the same key returns the \
                       first answer (marked Idempotent-Replayed: true) for 24 hours. Errors \
                       are RFC 9457 problem documents."
    ),
    paths(
        super::list_products,
        super::get_product,
        super::list_categories,
        super::suggest,
        super::catalog_writes::create_product,
        super::catalog_writes::update_product,
        super::catalog_writes::set_stock,
        super::orders::list_orders,
        super::orders::get_order,
        super::orders::fulfil_order
    ),
    components(schemas(
        Problem,
        Price,
        Picture,
        ProductSummary,
        ProductList,
        FacetCounts,
        FacetCount,
        PriceRange,
        AttributeCounts,
        Product,
        ProductVariant,
        CategoryRef,
        Category,
        CategoryList,
        Suggestions,
        super::orders::Order,
        super::orders::OrderList,
        super::orders::OrderDetail,
        super::orders::OrderLine,
        super::orders::OrderHistoryEntry,
        super::orders::FulfilInput,
        super::catalog_writes::ProductInput,
        super::catalog_writes::VariantInput,
        super::catalog_writes::StoredProduct,
        super::catalog_writes::StoredVariant,
        super::catalog_writes::StockInput,
        super::catalog_writes::StockLevel,
        super::catalog_writes::StockSet,
        super::catalog_writes::StockChanged
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "catalog", description = "Products, categories and stock; writes need an API token with catalog:write"),
        (name = "search", description = "Search-box helpers"),
        (name = "orders", description = "The shop's orders; needs an API token")
    )
)]
pub struct ApiDoc;

/// The `bearer` security scheme: API tokens made by staff at `/admin/tokens`.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, document: &mut Document) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("bz_ token")
            .description(Some(
                "An API token made at /admin/tokens, with scopes catalog:read, catalog:write, \
                 orders:read or orders:write. Sending one that is unknown or revoked is \
                 refused with 401 on every endpoint.",
            ))
            .build();
        document
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(super::auth::BEARER_SCHEME, SecurityScheme::Http(scheme));
    }
}

/// The query parameters of `GET /api/v1/products`. Any other lower-case parameter
/// filters by a product attribute, e.g. `brand=Northbank`; repeat it for "or".
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by `ProductQuery::from_pairs`; here for the document
pub struct ProductListParams {
    /// Words to search for; prefixes and typos are forgiven. Empty lists everything.
    q: Option<String>,
    /// A category slug: products in it and every category below it.
    category: Option<String>,
    /// Lowest price, minor units, inclusive.
    #[param(minimum = 0)]
    min_price: Option<i64>,
    /// Highest price, minor units, inclusive.
    #[param(minimum = 0)]
    max_price: Option<i64>,
    /// `true`: only products with stock.
    in_stock: Option<bool>,
    /// `relevance` (default), `price_asc`, `price_desc`, `newest` or `name`.
    sort: Option<String>,
    /// 1-based page number; past the last page the list is empty.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Products per page, 1 to 100; default 24.
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

pub async fn openapi_json() -> Response {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(json) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            json,
        )
            .into_response(),
        Err(error) => Problem::internal(&error).into_response(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn operation_html(method: &str, path: &str, operation: &Operation) -> String {
    let mut html = format!(
        "<section class=\"endpoint\"><h3><code>{method} {}</code></h3>",
        escape(path)
    );
    if let Some(summary) = &operation.summary {
        html.push_str(&format!("<p>{}</p>", escape(summary)));
    }
    if let Some(parameters) = operation.parameters.as_ref().filter(|p| !p.is_empty()) {
        html.push_str("<table><caption>Parameters</caption><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">In</th><th scope=\"col\">Required</th><th scope=\"col\">Description</th></tr></thead><tbody>");
        for parameter in parameters {
            let place = match parameter.parameter_in {
                ParameterIn::Query => "query",
                ParameterIn::Path => "path",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            let required = matches!(parameter.required, Required::True);
            html.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{place}</td><td>{}</td><td>{}</td></tr>",
                escape(&parameter.name),
                if required { "yes" } else { "no" },
                escape(parameter.description.as_deref().unwrap_or(""))
            ));
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("<table><caption>Responses</caption><thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
    for (status, response) in &operation.responses.responses {
        let description = match response {
            RefOr::T(response) => response.description.clone(),
            RefOr::Ref(reference) => reference.ref_location.clone(),
        };
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(status),
            escape(&description)
        ));
    }
    html.push_str("</tbody></table></section>");
    html
}

fn page_html(document: &Document) -> String {
    let mut body = String::new();
    for (path, item) in &document.paths.paths {
        let operations = [("GET", &item.get), ("POST", &item.post), ("PUT", &item.put)];
        for (method, operation) in operations
            .into_iter()
            .filter_map(|(method, operation)| Some((method, operation.as_ref()?)))
        {
            body.push_str(&operation_html(method, path, operation));
        }
    }
    let mut problems = String::new();
    for kind in Kind::ALL {
        problems.push_str(&format!(
            "<dt id=\"problem-{slug}\"><code>{uri}</code> ({status})</dt><dd>{title}</dd>",
            slug = kind.slug(),
            uri = escape(&kind.type_uri()),
            status = kind.status().as_u16(),
            title = escape(kind.title()),
        ));
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Bazaar</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; color: #1d1d1f; }}
table {{ border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }}
caption {{ text-align: left; font-weight: 600; }}
th, td {{ border: 1px solid #c8c8c8; padding: .25rem .5rem; text-align: left; vertical-align: top; }}
code {{ background: #f1f1f1; padding: 0 .2rem; }}
a {{ color: #0b5cad; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p>{description}</p>
<p>The machine-readable description: <a href="/api/v1/openapi.json">OpenAPI 3.1 document</a>.
Every read sends an <code>ETag</code>; send it back in <code>If-None-Match</code> to get
<code>304 Not Modified</code> when nothing changed.</p>
<p>Every write (<code>POST</code>, <code>PUT</code>) takes an optional <code>Idempotency-Key</code>
header (1 to 255 visible ASCII characters, such as a UUID). A retry with the same key, from the
same token, for the same request (method, path and body) gets the first answer again, with
<code>Idempotent-Replayed: true</code>, and writes nothing; answers are kept 24 hours. The same key
for a different request is refused with <code>idempotency-key-reused</code> (422); a retry while
the first request is still running gets <code>idempotency-key-in-flight</code> (409). A product's
answers carry its version as the <code>ETag</code>: send it in <code>If-Match</code> on
<code>PUT</code> to change only that version (412 <code>precondition-failed</code> if it moved on).</p>
<h2>Endpoints</h2>
{body}
<h2>Problems</h2>
<p>Errors come as <code>application/problem+json</code> with these <code>type</code> values.
A <code>bad-parameter</code> problem names the parameter, header or body field in
<code>parameter</code>; a refused write lists every field at fault in <code>errors</code>.</p>
<dl>{problems}</dl>
</main>
</body>
</html>"#,
        title = escape(&document.info.title),
        description = escape(document.info.description.as_deref().unwrap_or("")),
    )
}

pub async fn page() -> Html<String> {
    Html(page_html(&ApiDoc::openapi()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_with_every_endpoint_and_its_scope() {
        let json: serde_json::Value =
            serde_json::from_str(&ApiDoc::openapi().to_json().unwrap()).unwrap();
        assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
        for path in [
            "/api/v1/products",
            "/api/v1/products/{slug}",
            "/api/v1/categories",
            "/api/v1/search/suggest",
            "/api/v1/orders",
            "/api/v1/orders/{number}",
        ] {
            assert!(json["paths"][path]["get"].is_object(), "{path} documented");
        }
        for (method, path, scope) in [
            ("post", "/api/v1/products", "catalog:write"),
            ("put", "/api/v1/products/{slug}", "catalog:write"),
            ("post", "/api/v1/stock", "catalog:write"),
            ("post", "/api/v1/orders/{number}/fulfil", "orders:write"),
        ] {
            let operation = &json["paths"][path][method];
            assert!(operation["requestBody"].is_object(), "{method} {path} body");
            assert_eq!(operation["security"][0]["bearer"][0], scope, "{path}");
            for status in ["401", "403", "409", "422"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{method} {path} {status}"
                );
            }
        }
        let parameters = json["paths"]["/api/v1/products"]["get"]["parameters"]
            .as_array()
            .unwrap();
        assert_eq!(parameters.len(), 8);
    }
}
