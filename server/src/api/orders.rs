//! `GET /api/v1/orders` and `GET /api/v1/orders/{number}`, for a token with
//! `orders:read`, and `POST /api/v1/orders/{number}/fulfil`, for one with `orders:write`,
//! which marks a paid order dispatched through the staff move (the order's rules, its
//! history with the tracking number, the audit log naming the token). Orders hold
//! shoppers' addresses, so no answer is ever stored by a cache.

use super::auth::{scopes, RequireScope};
use super::problem::{Kind, Problem};
use super::read_body;
use super::schema::Price;
use app::orders::status::OrderStatus;
use app::orders::{parse_order_number, OrderEvent};
use app::staff::orders::api::{StaffOrderView, MAX_TRACKING_CHARS};
use app::staff::orders::server::reads::order_view;
use app::staff::orders::server::{advance, order_state, Refusal, StaffChange};
use app::staff::tokens::orders::{newest_orders, rfc3339, ApiOrder};
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
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

/// One order with its lines and history.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetail {
    #[schema(example = "BZ-00042-W")]
    pub number: String,
    /// As in [`Order`]: `paid`, `fulfilled` …
    #[schema(example = "fulfilled")]
    pub status: String,
    pub email: String,
    pub grand_total: Price,
    /// When it was placed: RFC 3339, UTC.
    pub placed_at: String,
    pub lines: Vec<OrderLine>,
    /// Every change of its status, oldest first.
    pub history: Vec<OrderHistoryEntry>,
}

/// What was bought.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: Price,
    pub line_total: Price,
}

/// One change of an order's status.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderHistoryEntry {
    /// RFC 3339, UTC.
    pub at: String,
    /// The status before, in words (none when the order was placed).
    pub from: Option<String>,
    /// The status after, in words: "Dispatched".
    pub to: String,
    /// Who: "Customer", "The shop", "API token" …
    pub actor: String,
    /// "tracking number 1Z999…" for a dispatch with one.
    pub note: Option<String>,
}

impl From<StaffOrderView> for OrderDetail {
    fn from(order: StaffOrderView) -> OrderDetail {
        OrderDetail {
            number: order.number,
            status: order.status.as_str().to_owned(),
            email: order.email,
            grand_total: order.grand_total.into(),
            placed_at: rfc3339(order.placed_at),
            lines: order
                .lines
                .into_iter()
                .map(|line| OrderLine {
                    sku: line.sku,
                    name: line.name,
                    quantity: line.quantity,
                    unit_price: line.unit_price.into(),
                    line_total: line.line_total.into(),
                })
                .collect(),
            history: order
                .history
                .into_iter()
                .map(|entry| OrderHistoryEntry {
                    at: rfc3339(entry.at),
                    from: entry.from,
                    to: entry.to,
                    actor: entry.actor,
                    note: entry.note,
                })
                .collect(),
        }
    }
}

fn no_such_order(number: &str) -> Response {
    Problem::new(Kind::NotFound, format!("There is no order {number:?}.")).into_response()
}

/// The order `number` answered as JSON, never stored by a cache.
async fn order_answer(state: &AppState, order_id: i64, number: &str) -> Response {
    match order_view(&state.db, order_id).await {
        Ok(Some(order)) => (
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            Json(OrderDetail::from(order)),
        )
            .into_response(),
        Ok(None) => no_such_order(number),
        Err(error) => Problem::internal(&error).into_response(),
    }
}

fn order_id(number: &str) -> Option<i64> {
    parse_order_number(number).and_then(|n| i64::try_from(n).ok())
}

/// One order with its lines and history. Needs a token with `orders:read`.
#[utoipa::path(
    get,
    path = "/api/v1/orders/{number}",
    tag = "orders",
    params(("number" = String, Path, description = "The order number, e.g. `BZ-00042-W`")),
    security(("bearer" = ["orders:read"])),
    responses(
        (status = 200, description = "The order", body = OrderDetail),
        (status = 401, description = "No API token, or one that is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "There is no such order", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_order(
    _: RequireScope<scopes::OrdersRead>,
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Response {
    match order_id(&number) {
        Some(id) => order_answer(&state, id, &number).await,
        None => no_such_order(&number),
    }
}

/// What a dispatch may carry.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct FulfilInput {
    /// The carrier's tracking number, kept in the order's history (up to 100 characters).
    #[serde(default)]
    #[schema(example = "1Z999AA10123456784")]
    pub tracking_number: Option<String>,
}

/// Mark a paid order dispatched. Needs a token with `orders:write`.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{number}/fulfil",
    tag = "orders",
    request_body = FulfilInput,
    params(
        ("number" = String, Path, description = "The order number, e.g. `BZ-00042-W`"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer instead of writing again (24 hours)"),
    ),
    security(("bearer" = ["orders:write"])),
    responses(
        (status = 200, description = "Dispatched: the order now", body = OrderDetail),
        (status = 400, description = "The body cannot be read, or the tracking number is too long", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No API token, or one that is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks `orders:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "There is no such order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order's status does not allow dispatching it (the detail says its status), or a request with this Idempotency-Key is still running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used for another request", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn fulfil_order(
    RequireScope { token, .. }: RequireScope<scopes::OrdersWrite>,
    State(state): State<AppState>,
    Path(number): Path<String>,
    body: Bytes,
) -> Response {
    let input: FulfilInput = if body.iter().all(u8::is_ascii_whitespace) {
        FulfilInput::default()
    } else {
        match read_body(&body) {
            Ok(input) => input,
            Err(refusal) => return *refusal,
        }
    };
    let tracking = input.tracking_number.as_deref().unwrap_or("").trim();
    if tracking.chars().count() > MAX_TRACKING_CHARS {
        return super::bad(
            "tracking_number",
            &format!("must be at most {MAX_TRACKING_CHARS} characters"),
        )
        .into_response();
    }
    let Some(id) = order_id(&number) else {
        return no_such_order(&number);
    };
    let order = match order_state(&state.db, id).await {
        Ok(Some(order)) => order,
        Ok(None) => return no_such_order(&number),
        Err(error) => return Problem::internal(&error).into_response(),
    };
    // The staff move's note, so the order page shows both alike.
    let note = app::orders::dispatch_note(tracking);
    let event = OrderEvent::Fulfil {
        tracking: (!tracking.is_empty()).then(|| tracking.to_owned()),
    };
    let change = StaffChange {
        staff: &token,
        reason: &note,
    };
    match advance(&state.db, &order, &event, change).await {
        Ok(Ok(_)) => order_answer(&state, id, &number).await,
        Ok(Err(Refusal::Rules(illegal))) => Problem::new(
            Kind::Conflict,
            format!(
                "The order {number} is {}: {}",
                order.status.as_str(),
                illegal.message()
            ),
        )
        .into_response(),
        Ok(Err(refusal)) => Problem::new(Kind::Conflict, refusal.message()).into_response(),
        Err(error) => Problem::internal(&error).into_response(),
    }
}
