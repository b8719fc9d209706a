//! The staff's server functions for stock: finding a variant, its history, the
//! low-stock list, and adjusting it. Each starts with `require_staff` (401 for nobody,
//! 403 for a customer).

use crate::forms::FormError;
#[cfg(feature = "ssr")]
use crate::forms::FormErrors;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The longest note kept with an adjustment.
pub const MAX_NOTE_CHARS: usize = 500;

/// Why a variant's stock changed. Stored as [`StockReason::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockReason {
    Received,
    CountCorrection,
    Damaged,
    CustomerReturn,
    Other,
    /// An order was placed (the shop's own change).
    Sold,
    /// An order was cancelled or not paid in time and its stock went back.
    OrderCancelled,
}

impl StockReason {
    /// The reasons staff choose from, in the order of the form.
    pub const STAFF: [StockReason; 5] = [
        StockReason::Received,
        StockReason::CountCorrection,
        StockReason::Damaged,
        StockReason::CustomerReturn,
        StockReason::Other,
    ];

    const ALL: [StockReason; 7] = [
        StockReason::Received,
        StockReason::CountCorrection,
        StockReason::Damaged,
        StockReason::CustomerReturn,
        StockReason::Other,
        StockReason::Sold,
        StockReason::OrderCancelled,
    ];

    /// The stable name kept in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            StockReason::Received => "received",
            StockReason::CountCorrection => "count_correction",
            StockReason::Damaged => "damaged",
            StockReason::CustomerReturn => "customer_return",
            StockReason::Other => "other",
            StockReason::Sold => "sold",
            StockReason::OrderCancelled => "order_cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StockReason::Received => "Received delivery",
            StockReason::CountCorrection => "Stock count correction",
            StockReason::Damaged => "Damaged or lost",
            StockReason::CustomerReturn => "Returned by customer",
            StockReason::Other => "Other",
            StockReason::Sold => "Sold",
            StockReason::OrderCancelled => "Order cancelled, back in stock",
        }
    }

    pub fn from_name(name: &str) -> Option<StockReason> {
        StockReason::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// A variant as the stock page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantStock {
    pub sku: String,
    pub product_name: String,
    pub product_slug: String,
    /// The variant's own title ("Small", "Oak").
    pub title: String,
    pub stock: i64,
}

/// One change of a variant's stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovement {
    /// Unix milliseconds, UTC.
    pub at: i64,
    /// The member of staff's address, or "The shop".
    pub who: String,
    pub before: i64,
    pub after: i64,
    pub reason: StockReason,
    pub reason_label: String,
    pub note: Option<String>,
    /// The order it came from, if any.
    pub order_number: Option<String>,
}

/// One variant with its history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantWithHistory {
    pub variant: VariantStock,
    pub history: Vec<StockMovement>,
}

/// What `/admin/stock` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockPage {
    /// The variants matching the search (empty without one).
    pub matches: Vec<VariantStock>,
    /// The variant opened with `?sku=`, if there is one.
    pub selected: Option<VariantWithHistory>,
    /// Every variant at or below [`super::LOW_STOCK`], out of stock first.
    pub low_stock: Vec<VariantStock>,
}

/// What an adjustment did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAdjusted {
    pub before: i64,
    pub after: i64,
    pub message: String,
}

/// The stock page: variants matching `q` (part of a SKU or a product name), the variant
/// `sku` with its history, and the low-stock list.
#[server(prefix = "/rpc", endpoint = "staff_stock")]
pub async fn staff_stock(
    #[server(default)] q: String,
    #[server(default)] sku: String,
) -> Result<StockPage, AppError> {
    use super::server::{find_variants, history, low_stock, variant_by_sku};
    let state = crate::state::AppState::from_context()?;
    crate::accounts::request::require_staff(&state).await?;
    let selected = match variant_by_sku(&state.db, sku.trim()).await? {
        Some((id, variant)) => Some(VariantWithHistory {
            variant,
            history: history(&state.db, id).await?,
        }),
        None => None,
    };
    Ok(StockPage {
        matches: find_variants(&state.db, q.trim()).await?,
        selected,
        low_stock: low_stock(&state.db).await?,
    })
}

/// Adjusts the stock of `sku`: `mode` "by" adds `amount` (negative to take away), "to"
/// sets it to `amount`. `reason` is one of [`StockReason::STAFF`]'s names; `note` is
/// needed for "other".
#[server(prefix = "/rpc", endpoint = "adjust_stock")]
pub async fn adjust_stock(
    sku: String,
    #[server(default)] mode: String,
    #[server(default)] amount: String,
    #[server(default)] reason: String,
    #[server(default)] note: String,
) -> Result<StockAdjusted, FormError> {
    use super::server::{adjust, Adjustment, Change, Refused};
    use crate::forms::invalid;
    let state = crate::state::AppState::from_context()?;
    let staff = crate::accounts::request::require_staff(&state).await?;
    let mut errors = FormErrors::default()
        .keep("mode", &mode)
        .keep("amount", &amount)
        .keep("reason", &reason)
        .keep("note", &note);
    let typed: Option<i64> = amount.trim().trim_start_matches('+').parse().ok();
    let change = match (mode.as_str(), typed) {
        ("by", Some(0)) => {
            errors = errors.on("amount", "Enter a change other than 0, like 5 or -2.");
            None
        }
        ("by", Some(n)) => Some(Change::By(n)),
        ("to", Some(n)) if n >= 0 => Some(Change::To(n)),
        ("to", Some(_)) => {
            errors = errors.on("amount", "Stock cannot be set below 0.");
            None
        }
        ("by" | "to", None) => {
            errors = errors.on("amount", "Enter a whole number, like 5 or -2.");
            None
        }
        _ => {
            errors = errors.on(
                "mode",
                "Choose whether to change the stock by or set it to the amount.",
            );
            None
        }
    };
    let reason = StockReason::from_name(&reason).filter(|r| StockReason::STAFF.contains(r));
    if reason.is_none() {
        errors = errors.on("reason", "Choose a reason from the list.");
    }
    let note = note.trim();
    if reason == Some(StockReason::Other) && note.is_empty() {
        errors = errors.on("note", "Say what happened: a note is needed for “Other”.");
    } else if note.chars().count() > MAX_NOTE_CHARS {
        errors = errors.on(
            "note",
            format!("Keep the note under {MAX_NOTE_CHARS} characters."),
        );
    }
    let (Some(change), Some(reason), true) = (change, reason, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let adjustment = Adjustment {
        change,
        reason,
        note: (!note.is_empty()).then_some(note),
    };
    match adjust(&state.db, &staff, sku.trim(), &adjustment).await? {
        Ok((before, after)) => {
            crate::forms::after_browser_post(&super::stock_path(sku.trim()));
            Ok(StockAdjusted {
                before,
                after,
                message: format!("The stock of {} went from {before} to {after}.", sku.trim()),
            })
        }
        Err(Refused::NoSuchVariant) => {
            crate::forms::refusal_status(404);
            Err(FormError::Invalid(FormErrors::whole(
                "There is no variant with this SKU.",
            )))
        }
        Err(Refused::BelowZero { stock }) => Err(invalid(errors.on(
            "amount",
            format!(
                "That would take the stock below 0: there are only {stock} in stock. Nothing was changed."
            ),
        ))),
    }
}
