//! The dashboard's figures and the server function that reads them.

use crate::money::Money;
use crate::staff::orders::api::StaffOrderSummary;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What `/admin` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Today, UTC, as `YYYY-MM-DD`.
    pub today: String,
    /// Orders placed today and paid for (whatever became of them since, bar
    /// cancellation): orders awaiting payment and cancelled ones are not counted.
    pub orders_today: i64,
    /// What those orders took, less what was refunded of them.
    pub revenue_today: Money,
    /// Variants at or below [`crate::staff::stock::LOW_STOCK`].
    pub low_stock: i64,
    /// Paid orders not yet dispatched.
    pub awaiting_fulfilment: i64,
    /// The ten newest orders, whatever their status.
    pub newest: Vec<StaffOrderSummary>,
}

#[server(prefix = "/rpc", endpoint = "staff_dashboard")]
pub async fn staff_dashboard() -> Result<Dashboard, AppError> {
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    let currency = crate::checkout::settings::shop_settings().currency;
    Ok(super::server::dashboard(&state.db, currency, crate::db::now_millis()).await?)
}
