//! `GET /api/v1/orders`: the newest orders, for a token with `orders:read`. Orders hold
//! shoppers' addresses, so the answer is never stored by a cache.

use super::auth::{scopes, RequireScope};
use super::problem::Problem;
use super::schema::Price;
use app::orders::status::OrderStatus;
use app::staff::tokens::orders::{newest_orders, rfc3339, ApiOrder};
use app::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// One order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Order {
    #[schema(example = "BZ-00042-W")]
    pub number: String,
    /// `awaiting_payment`, `paid`, `fulfilled`, `delivered`, `cancelled`,
    /// `partially_refunded` or `refunded`.
    #[schema(example = "paid")]
    pub status: String,
    pub email: String,
    pub grand_total: Price,
    /// When it was placed: RFC 3339, UTC.
    #[schema(example = "2026-11-24T09:05:00Z")]
    pub placed_at: String,
}

impl From<ApiOrder> for Order {
    fn from(order: ApiOrder) -> Order {
        Order {
            number: order.number,
            status: order.status.as_str().to_owned(),
            email: order.email,
            grand_total: order.grand_total.into(),
            placed_at: rfc3339(order.placed_at),
        }
    }
}

/// The newest orders, at most 50.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderList {
    pub items: Vec<Order>,
}

/// The query parameters of `GET /api/v1/orders`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read from the raw query; here for the document
pub struct OrderListParams {
    /// Only orders with this status, e.g. `paid`.
    status: Option<String>,
}

/// The newest orders. Needs a token with `orders:read`.
#[utoipa::path(
    get,
    path = "/api/v1/orders",
    tag = "orders",
    params(OrderListParams),
    security(("bearer" = ["orders:read"])),
    responses(
        (status = 200, description = "The newest 50 orders, newest first", body = OrderList),
        (status = 400, description = "`status` names no status", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No API token, or one that is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_orders(
    _: RequireScope<scopes::OrdersRead>,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Response {
    let status = match super::pairs(&raw).into_iter().find(|(k, _)| k == "status") {
        None => None,
        Some((_, typed)) => match typed.parse::<OrderStatus>() {
            Ok(status) => Some(status),
            Err(_) => return super::bad("status", "names no order status").into_response(),
        },
    };
    match newest_orders(&state.db, status).await {
        Ok(orders) => (
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            Json(OrderList {
                items: orders.into_iter().map(Order::from).collect(),
            }),
        )
            .into_response(),
        Err(error) => Problem::internal(&error).into_response(),
    }
}
