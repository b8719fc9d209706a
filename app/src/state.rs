//! What every request handler and server function can reach: one `AppState`,
//! handed to server functions through Leptos context.

use crate::db::Db;
use crate::search::index::SearchIndex;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

/// How long an order awaiting payment holds its stock unless configured otherwise.
pub const DEFAULT_RESERVATION: std::time::Duration = std::time::Duration::from_secs(30 * 60);

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub search: SearchIndex,
    /// Where stored pictures live (`<BAZAAR_DATA_DIR>/media`).
    pub media_dir: std::path::PathBuf,
    /// Where staff photos are stored: files under `media_dir` unless configured otherwise
    /// (`BAZAAR_STORAGE_URL`).
    pub storage: crate::media::Storage,
    /// How large an uploaded photo may be.
    pub photo_limits: crate::media::PhotoLimits,
    /// Shoppers reach the shop over HTTPS (its public URL says so): cookies are
    /// `Secure` and responses carry HSTS.
    pub https: bool,
    /// The shop's name and public URL, for the links in its emails.
    pub shop: crate::email::Shop,
    /// Who takes the money: the `test` provider unless configured otherwise.
    pub payments: std::sync::Arc<dyn crate::payments::provider::PaymentProvider>,
    /// How long stock is held for an order awaiting payment.
    pub reserve_for: std::time::Duration,
    /// The Stripe provider again, for its webhook (`/webhooks/stripe`), when it is the one
    /// taking payments (the same value as `payments`).
    pub stripe: Option<std::sync::Arc<crate::payments::stripe::StripeProvider>>,
}

impl AppState {
    /// The state for serving `db`: builds the search index from the catalog.
    pub async fn new(
        leptos_options: LeptosOptions,
        db: Db,
        media_dir: std::path::PathBuf,
    ) -> Result<AppState, sqlx::Error> {
        let search = SearchIndex::load(&db).await?;
        // Fails only for a folder that cannot be named as an absolute path.
        let storage = crate::media::Storage::local(&media_dir)
            .map_err(|err| sqlx::Error::Configuration(err.into()))?;
        Ok(AppState {
            leptos_options,
            db,
            search,
            media_dir,
            storage,
            photo_limits: crate::media::PhotoLimits::default(),
            https: false,
            shop: crate::email::Shop::default(),
            payments: std::sync::Arc::new(crate::payments::provider::TestProvider),
            reserve_for: DEFAULT_RESERVATION,
            stripe: None,
        })
    }

    /// The state from the Leptos context of the current request.
    pub fn from_context() -> Result<AppState, crate::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            crate::AppError::internal("server function", "AppState missing from context")
        })
    }
}
