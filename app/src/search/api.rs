//! Finding products, as pages and the JSON API see it: the query (words, filters,
//! sort, page), one page of results with facets, and the server functions.

use crate::catalog::api::{CategoryLink, ProductCard};
use crate::money::Money;
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Products on one page of results unless the API asks for another size.
pub const DEFAULT_PER_PAGE: u32 = 24;
/// The most the JSON API hands out in one page.
pub const MAX_PER_PAGE: u32 = 100;
/// Suggestions shown under the search box.
pub const MAX_SUGGESTIONS: usize = 8;

/// The order of results. Without a query, "relevance" falls back to name order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
    Name,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Relevance,
        Sort::PriceAsc,
        Sort::PriceDesc,
        Sort::Newest,
        Sort::Name,
    ];

    /// The value in URLs and the API.
    pub fn key(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::PriceAsc => "price_asc",
            Sort::PriceDesc => "price_desc",
            Sort::Newest => "newest",
            Sort::Name => "name",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Best match",
            Sort::PriceAsc => "Price: low to high",
            Sort::PriceDesc => "Price: high to low",
            Sort::Newest => "Newest",
            Sort::Name => "Name",
        }
    }

    pub fn from_key(key: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// What the shopper (or an integration) asks for. Prices are minor units; both
/// bounds are inclusive. Attribute filters with the same name are alternatives
/// ("brand is A or B"); different names must all hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductQuery {
    pub q: String,
    pub category: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub in_stock: bool,
    pub attributes: Vec<(String, String)>,
    pub sort: Sort,
    pub page: u32,
    pub per_page: u32,
}

impl Default for ProductQuery {
    fn default() -> Self {
        ProductQuery {
            q: String::new(),
            category: None,
            min_price: None,
            max_price: None,
            in_stock: false,
            attributes: Vec::new(),
            sort: Sort::Relevance,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// A piece of a product name; `matched` pieces are what the shopper searched for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlighted {
    pub text: String,
    pub matched: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub product: ProductCard,
    /// The product's name, with the words that matched the query marked.
    pub name: Vec<Highlighted>,
}

/// One value of a facet and how many results it would leave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

/// A price range, `max` inclusive and absent for the open top bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceBucket {
    pub min: Money,
    pub max: Option<Money>,
    pub count: u64,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeFacet {
    pub name: String,
    pub label: String,
    pub values: Vec<FacetValue>,
}

/// Counts for refining the results. Each facet counts the results as if its own
/// filter were not set, so choosing another value of it is always possible.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// The subcategories of the chosen category, or the top-level ones.
    pub categories: Vec<FacetValue>,
    pub price: Vec<PriceBucket>,
    /// Results that are in stock.
    pub in_stock: u64,
    pub attributes: Vec<AttributeFacet>,
}

/// One page of products matching a [`ProductQuery`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub query: ProductQuery,
    pub items: Vec<SearchHit>,
    pub total: u64,
    pub page_count: u32,
    pub facets: Facets,
    /// The chosen category, from the top of the tree down to it.
    pub category_trail: Vec<CategoryLink>,
}

/// Why a query cannot be answered: shown to the shopper, sent as a 404/400 by the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueryProblem {
    UnknownCategory(String),
    /// `page` is past the last page.
    PageOutOfRange {
        page: u32,
        page_count: u32,
    },
}

/// Products matching `query`: the search page, category pages and the API share it.
#[server(prefix = "/rpc", input = Json)]
pub async fn find_products(
    query: ProductQuery,
) -> Result<Result<ProductPage, QueryProblem>, AppError> {
    let state = crate::state::AppState::from_context()?;
    Ok(super::server::find_products(&state.db, &state.search, &query).await?)
}

/// Up to [`MAX_SUGGESTIONS`] completions of what the shopper has typed so far.
#[server(prefix = "/rpc", endpoint = "suggest_searches")]
pub async fn suggest_searches(q: String) -> Result<Vec<String>, AppError> {
    let state = crate::state::AppState::from_context()?;
    Ok(state.search.suggest(&q))
}
