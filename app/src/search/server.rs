//! A page of products for a query: the index picks and orders them, the database
//! supplies the cards.

use super::api::{ProductPage, ProductQuery, QueryProblem, SearchHit};
use super::index::SearchIndex;
use super::text::highlight;
use crate::catalog::server::cards_by_ids;
use crate::db::Db;

pub async fn find_products(
    db: &Db,
    index: &SearchIndex,
    query: &ProductQuery,
) -> Result<Result<ProductPage, QueryProblem>, sqlx::Error> {
    let found = match index.search(query) {
        Ok(found) => found,
        Err(problem) => return Ok(Err(problem)),
    };
    let mut cards = cards_by_ids(db, &found.ids).await?;
    let no_words = Default::default();
    let items = found
        .ids
        .iter()
        .filter_map(|id| {
            let product = cards.remove(id)?;
            let matched = found.matched.get(id).unwrap_or(&no_words);
            Some(SearchHit {
                name: highlight(&product.name, matched),
                product,
            })
        })
        .collect();
    Ok(Ok(ProductPage {
        query: query.clone(),
        items,
        total: found.total,
        page_count: found.page_count,
        facets: found.facets,
        category_trail: found.category_trail,
    }))
}
