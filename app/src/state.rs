//! What every request handler and server function can reach: one `AppState`,
//! handed to server functions through Leptos context.

use crate::db::Db;
use crate::search::index::SearchIndex;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub search: SearchIndex,
    /// Where stored pictures live (`<BAZAAR_DATA_DIR>/media`).
    pub media_dir: std::path::PathBuf,
    /// Shoppers reach the shop over HTTPS (its public URL says so): cookies are
    /// `Secure` and responses carry HSTS.
    pub https: bool,
    /// The shop's name and public URL, for the links in its emails.
    pub shop: crate::email::Shop,
}

impl AppState {
    /// The state for serving `db`: builds the search index from the catalog.
    pub async fn new(
        leptos_options: LeptosOptions,
        db: Db,
        media_dir: std::path::PathBuf,
    ) -> Result<AppState, sqlx::Error> {
        let search = SearchIndex::load(&db).await?;
        Ok(AppState {
            leptos_options,
            db,
            search,
            media_dir,
            https: false,
            shop: crate::email::Shop::default(),
        })
    }

    /// The state from the Leptos context of the current request.
    pub fn from_context() -> Result<AppState, crate::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            crate::AppError::internal("server function", "AppState missing from context")
        })
    }
}
