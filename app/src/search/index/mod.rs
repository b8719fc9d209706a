//! The search index: an in-memory [`Engine`] per server process, built from the
//! database at start-up and kept in step by following the catalog's change feed
//! (`catalog_changes`, written in the same transaction as every catalog write).
//! A server applies its own writes at once by calling [`SearchIndex::refresh`]
//! after committing; every other server picks them up on its next poll.

mod documents;
pub mod engine;

use super::api::{ProductQuery, QueryProblem};
use crate::db::Db;
use documents::{changed_products, current_revision, load_categories, load_documents};
pub use engine::{Engine, Found};
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Duration;

/// How often a server looks for catalog changes made elsewhere.
pub const POLL_EVERY: Duration = Duration::from_millis(250);

#[derive(Default)]
struct Indexed {
    engine: Engine,
    /// The catalog revision the engine reflects.
    revision: i64,
}

/// Cheap to clone; every clone shares one index.
#[derive(Clone, Default)]
pub struct SearchIndex {
    indexed: Arc<RwLock<Indexed>>,
    /// One refresh at a time, so two never apply the same changes out of order.
    refreshing: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("revision", &self.revision())
            .field("products", &self.read().engine.len())
            .finish()
    }
}

impl SearchIndex {
    /// Builds the index from every searchable product in the database.
    pub async fn load(db: &Db) -> Result<SearchIndex, sqlx::Error> {
        // The revision first: changes committed while reading are applied again
        // by the next refresh, which is harmless.
        let revision = current_revision(db).await?;
        let categories = load_categories(db).await?;
        let documents = load_documents(db, None).await?;
        let mut engine = Engine::default();
        engine.set_categories(categories);
        for document in documents {
            engine.upsert(document);
        }
        Ok(SearchIndex {
            indexed: Arc::new(RwLock::new(Indexed { engine, revision })),
            refreshing: Arc::default(),
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, Indexed> {
        // A panic while writing leaves a usable engine (each change is one call).
        self.indexed.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn revision(&self) -> i64 {
        self.read().revision
    }

    pub fn len(&self) -> usize {
        self.read().engine.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Applies the catalog changes committed since the last refresh; returns how
    /// many products it re-read.
    pub async fn refresh(&self, db: &Db) -> Result<usize, sqlx::Error> {
        let _one_at_a_time = self.refreshing.lock().await;
        let known = self.revision();
        let current = current_revision(db).await?;
        if current == known {
            return Ok(0);
        }
        let ids = changed_products(db, known, current).await?;
        let categories = load_categories(db).await?;
        let documents = load_documents(db, Some(&ids)).await?;
        let mut indexed = self.indexed.write().unwrap_or_else(|e| e.into_inner());
        indexed.engine.set_categories(categories);
        for id in &ids {
            indexed.engine.remove(*id);
        }
        for document in documents {
            indexed.engine.upsert(document);
        }
        indexed.revision = current;
        Ok(ids.len())
    }

    /// Refreshes every [`POLL_EVERY`] until the task is dropped.
    pub async fn follow(self, db: Db) {
        let mut ticks = tokio::time::interval(POLL_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = self.refresh(&db).await {
                tracing::warn!(error = %err, "search index refresh failed; will retry");
            }
        }
    }

    pub fn search(&self, query: &ProductQuery) -> Result<Found, QueryProblem> {
        self.read().engine.search(query)
    }

    pub fn suggest(&self, q: &str) -> Vec<String> {
        self.read().engine.suggest(q)
    }

    /// Attribute names products have, for checking API parameters.
    pub fn has_attribute(&self, name: &str) -> bool {
        self.read().engine.has_attribute(name)
    }
}

#[cfg(test)]
mod tests;
