//! The search engine proper, in memory and free of I/O: documents in, ranked pages
//! with facets out. [`super::SearchIndex`] keeps it in step with the database.
//!
//! Matching: every query word must match a word of the product's name or
//! description exactly, as a prefix (the last word only, as it is still being
//! typed) or within its typo budget. Ranking, most important first: fewer typos,
//! more query words in the name, query words closer together, more exact (not
//! completed) words, then name and id so the order is stable.

use super::super::api::{
    AttributeFacet, FacetValue, Facets, PriceBucket, ProductQuery, QueryProblem, Sort,
    MAX_SUGGESTIONS,
};
use super::super::text::{distance_within, typo_budget, words};
use crate::catalog::api::CategoryLink;
use crate::money::{Currency, Money};
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Query words beyond this are ignored: no real search needs more.
const MAX_QUERY_WORDS: usize = 8;
/// Completions considered for a prefix ("amb" → "amber", "ambient" …).
const MAX_PREFIX_WORDS: usize = 50;
/// Proximity of two query words that are not near each other in one field.
const FAR: u32 = 8;
/// Upper edges (exclusive, in major units) of the price buckets; the last is open.
const PRICE_EDGES: [i64; 5] = [10, 25, 50, 100, 200];

/// A product as the index needs it, read from the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: i64,
    pub category_id: i64,
    pub name: String,
    pub description: String,
    /// The lowest variant price, minor units.
    pub price: i64,
    pub currency: Currency,
    pub in_stock: bool,
    pub created_at: i64,
    pub attributes: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub position: i64,
}

/// One page of a search: product ids in order and what the page shows around them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub ids: Vec<i64>,
    /// Per product on the page, the words of its name that matched the query.
    pub matched: HashMap<i64, HashSet<String>>,
    pub total: u64,
    pub page_count: u32,
    pub facets: Facets,
    pub category_trail: Vec<CategoryLink>,
}

/// What ranking and ordering read of a product; what filters and facets read lives in
/// the engine's columns instead.
struct Doc {
    id: i64,
    category_id: i64,
    created_at: i64,
    sort_name: String,
    name_words: Vec<u32>,
    description_words: Vec<u32>,
}

/// Marks "none" in the u32 columns: no category, no attribute value, outside a subtree.
const NONE: u32 = u32::MAX;
/// In a subtree map: the chosen category itself (inside, but under no child).
const ROOT: u32 = u32::MAX - 1;

/// A fast hash for the small integer keys of the engine's maps (FxHash's mixing):
/// the default SipHash would be a large share of a query's time.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(u64::from(*byte));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

type IdMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;

/// Strings numbered in the order first seen.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }
}

/// A word of the index that stands for a query word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Candidate {
    typos: u8,
    prefix: bool,
}

impl Candidate {
    /// Lower is better: fewer typos first, then a whole word over a completion.
    fn rank(self) -> (u8, bool) {
        (self.typos, self.prefix)
    }
}

/// Word ids standing for one query word.
type Candidates = IdMap<u32, Candidate>;

/// Ranking key of a matching product: smaller sorts first.
type Relevance = (u32, Reverse<u32>, u32, Reverse<u32>);

/// Per filter, whether a product passes it; a facet counts products that pass
/// every filter except its own.
#[derive(Clone, Copy)]
enum Filter {
    Category = 0,
    Price = 1,
    Stock = 2,
}
/// Attribute filters take the bits from here up, one per attribute name.
const FIRST_ATTRIBUTE_BIT: usize = 3;

/// The index. Products live in slots; what filters and facets read is also kept in
/// columns by slot, so the pass over every match touches little memory.
#[derive(Default)]
pub struct Engine {
    docs: Vec<Option<Doc>>,
    slots: IdMap<i64, u32>,
    free: Vec<u32>,
    words: Interner,
    /// Words in order, for prefixes.
    sorted_words: BTreeMap<String, u32>,
    /// Word ids by length in characters, for typo candidates.
    by_length: Vec<Vec<u32>>,
    /// Per word id, the slots of the products holding it, ascending.
    postings: Vec<Vec<u32>>,
    /// Columns by slot: dense category index (or NONE), lowest price, stock.
    category_of: Vec<u32>,
    price_of: Vec<i64>,
    in_stock: Vec<bool>,
    attribute_names: Interner,
    attribute_values: Interner,
    /// Per attribute name id, the value id of each slot (or NONE).
    attribute_columns: Vec<Vec<u32>>,
    /// Per attribute name id, how many products have it.
    attribute_use: Vec<usize>,
    /// Categories, densely numbered.
    categories: Vec<CategoryNode>,
    category_index: IdMap<i64, u32>,
    category_slugs: HashMap<String, u32>,
    currency: Option<Currency>,
}

impl Engine {
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn set_categories(&mut self, categories: Vec<CategoryNode>) {
        self.category_index = categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i as u32))
            .collect();
        self.category_slugs = categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.slug.clone(), i as u32))
            .collect();
        self.categories = categories;
        for (slot, doc) in self.docs.iter().enumerate() {
            if let Some(doc) = doc {
                self.category_of[slot] = self.dense_category(doc.category_id);
            }
        }
    }

    fn dense_category(&self, id: i64) -> u32 {
        self.category_index.get(&id).copied().unwrap_or(NONE)
    }

    /// Does any product have an attribute of this name?
    pub fn has_attribute(&self, name: &str) -> bool {
        self.attribute_names
            .get(name)
            .is_some_and(|id| self.attribute_use[id as usize] > 0)
    }

    fn word_id(&mut self, word: &str) -> u32 {
        if let Some(id) = self.words.get(word) {
            return id;
        }
        let id = self.words.id(word);
        self.sorted_words.insert(word.to_owned(), id);
        let length = word.chars().count();
        if self.by_length.len() <= length {
            self.by_length.resize(length + 1, Vec::new());
        }
        self.by_length[length].push(id);
        self.postings.push(Vec::new());
        id
    }

    /// Adds the product, or replaces what the index knew of it.
    pub fn upsert(&mut self, document: Document) {
        self.remove(document.id);
        self.currency = Some(document.currency);
        let name_words: Vec<u32> = words(&document.name)
            .iter()
            .map(|w| self.word_id(w))
            .collect();
        let description_words: Vec<u32> = words(&document.description)
            .iter()
            .map(|w| self.word_id(w))
            .collect();
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.docs.push(None);
                self.category_of.push(NONE);
                self.price_of.push(0);
                self.in_stock.push(false);
                for column in &mut self.attribute_columns {
                    column.push(NONE);
                }
                (self.docs.len() - 1) as u32
            }
        };
        let mut distinct: Vec<u32> = name_words
            .iter()
            .chain(&description_words)
            .copied()
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        for word in distinct {
            let list = &mut self.postings[word as usize];
            if let Err(at) = list.binary_search(&slot) {
                list.insert(at, slot);
            }
        }
        let at = slot as usize;
        self.category_of[at] = self.dense_category(document.category_id);
        self.price_of[at] = document.price;
        self.in_stock[at] = document.in_stock;
        for (name, value) in &document.attributes {
            let name = self.attribute_names.id(name);
            let value = self.attribute_values.id(value);
            if name as usize == self.attribute_columns.len() {
                self.attribute_columns.push(vec![NONE; self.docs.len()]);
                self.attribute_use.push(0);
            }
            self.attribute_columns[name as usize][at] = value;
            self.attribute_use[name as usize] += 1;
        }
        self.slots.insert(document.id, slot);
        self.docs[at] = Some(Doc {
            id: document.id,
            category_id: document.category_id,
            created_at: document.created_at,
            sort_name: document.name.to_lowercase(),
            name_words,
            description_words,
        });
    }

    /// Forgets the product; nothing happens if the index did not know it.
    pub fn remove(&mut self, id: i64) {
        let Some(slot) = self.slots.remove(&id) else {
            return;
        };
        let at = slot as usize;
        if let Some(doc) = self.docs[at].take() {
            for word in doc.name_words.iter().chain(&doc.description_words) {
                let list = &mut self.postings[*word as usize];
                if let Ok(i) = list.binary_search(&slot) {
                    list.remove(i);
                }
            }
        }
        for (name, column) in self.attribute_columns.iter_mut().enumerate() {
            if column[at] != NONE {
                column[at] = NONE;
                self.attribute_use[name] -= 1;
            }
        }
        self.category_of[at] = NONE;
        self.free.push(slot);
    }

    /// Index words that may stand for `token`, and how well.
    fn candidates(&self, token: &str, allow_prefix: bool) -> Candidates {
        let mut found = Candidates::default();
        let mut offer = |id: u32, candidate: Candidate| {
            if self.postings[id as usize].is_empty() {
                return;
            }
            let better = found
                .get(&id)
                .is_none_or(|existing| candidate.rank() < existing.rank());
            if better {
                found.insert(id, candidate);
            }
        };
        if let Some(id) = self.words.get(token) {
            offer(
                id,
                Candidate {
                    typos: 0,
                    prefix: false,
                },
            );
        }
        if allow_prefix {
            let completions = self
                .sorted_words
                .range::<str, _>((std::ops::Bound::Excluded(token), std::ops::Bound::Unbounded))
                .take_while(|(word, _)| word.starts_with(token))
                .take(MAX_PREFIX_WORDS);
            for (_, id) in completions {
                offer(
                    *id,
                    Candidate {
                        typos: 0,
                        prefix: true,
                    },
                );
            }
        }
        let budget = typo_budget(token);
        if budget > 0 {
            let length = token.chars().count();
            let lengths = length.saturating_sub(budget.into())..=length + usize::from(budget);
            for ids in lengths.filter_map(|l| self.by_length.get(l)) {
                for id in ids {
                    let typos = distance_within(token, &self.words.names[*id as usize], budget);
                    if let Some(typos) = typos.filter(|t| *t > 0) {
                        offer(
                            *id,
                            Candidate {
                                typos,
                                prefix: false,
                            },
                        );
                    }
                }
            }
        }
        found
    }

    /// Slots holding a word of `candidates`, ascending.
    fn slots_matching(&self, candidates: &Candidates) -> Vec<u32> {
        let mut lists = candidates.keys().map(|id| &self.postings[*id as usize]);
        if candidates.len() == 1 {
            return lists.next().cloned().unwrap_or_default();
        }
        let mut slots: Vec<u32> = lists.flatten().copied().collect();
        slots.sort_unstable();
        slots.dedup();
        slots
    }

    /// The slots of products matching every query word, and each word's candidates.
    fn matching(&self, q: &str) -> (Vec<u32>, Vec<Candidates>) {
        let mut tokens = words(q);
        let mut seen = HashSet::new();
        tokens.retain(|t| seen.insert(t.clone()));
        tokens.truncate(MAX_QUERY_WORDS);
        if tokens.is_empty() {
            let all = self
                .docs
                .iter()
                .enumerate()
                .filter(|(_, d)| d.is_some())
                .map(|(slot, _)| slot as u32)
                .collect();
            return (all, Vec::new());
        }
        let last = tokens.len() - 1;
        let per_token: Vec<Candidates> = tokens
            .iter()
            .enumerate()
            .map(|(i, token)| self.candidates(token, i == last))
            .collect();
        let mut lists: Vec<Vec<u32>> = per_token.iter().map(|c| self.slots_matching(c)).collect();
        lists.sort_by_key(Vec::len);
        let mut lists = lists.into_iter();
        let mut result = lists.next().unwrap_or_default();
        for list in lists {
            result.retain(|slot| list.binary_search(slot).is_ok());
        }
        (result, per_token)
    }

    fn doc(&self, slot: u32) -> &Doc {
        self.docs[slot as usize]
            .as_ref()
            .expect("matching only yields live slots")
    }

    /// How well a matching product fits the query. `hits` is scratch space, one
    /// list per query word, reused between products to save allocations.
    fn relevance(
        &self,
        doc: &Doc,
        per_token: &[Candidates],
        hits: &mut [Vec<(u8, u32)>],
    ) -> Relevance {
        let mut typos = 0u32;
        let mut in_name = 0;
        let mut exact = 0;
        for (candidates, hits) in per_token.iter().zip(hits.iter_mut()) {
            hits.clear();
            let mut best: Option<Candidate> = None;
            for (field, list) in [(0u8, &doc.name_words), (1u8, &doc.description_words)] {
                for (position, word) in list.iter().enumerate() {
                    if let Some(candidate) = candidates.get(word) {
                        hits.push((field, position as u32));
                        if best.is_none_or(|b| candidate.rank() < b.rank()) {
                            best = Some(*candidate);
                        }
                    }
                }
            }
            if let Some(best) = best {
                typos += u32::from(best.typos);
                if best.typos == 0 && !best.prefix {
                    exact += 1;
                }
            }
            if hits.first().is_some_and(|(field, _)| *field == 0) {
                in_name += 1;
            }
        }
        // Query words next to each other, in order, in one field score best.
        let proximity = hits[..per_token.len()]
            .windows(2)
            .map(|pair| {
                let mut best = FAR;
                for a in &pair[0] {
                    for b in pair[1].iter().filter(|b| b.0 == a.0) {
                        let gap = if b.1 > a.1 { b.1 - a.1 } else { a.1 - b.1 + 1 };
                        best = best.min(gap);
                    }
                }
                best
            })
            .sum();
        (typos, Reverse(in_name), proximity, Reverse(exact))
    }

    fn compare(&self, sort: Sort, a: u32, b: u32) -> Ordering {
        let (da, db) = (self.doc(a), self.doc(b));
        let by_name = || da.sort_name.cmp(&db.sort_name).then(da.id.cmp(&db.id));
        let (pa, pb) = (self.price_of[a as usize], self.price_of[b as usize]);
        match sort {
            Sort::Relevance | Sort::Name => by_name(),
            Sort::PriceAsc => pa.cmp(&pb).then_with(by_name),
            Sort::PriceDesc => pb.cmp(&pa).then_with(by_name),
            Sort::Newest => db.created_at.cmp(&da.created_at).then(db.id.cmp(&da.id)),
        }
    }

    /// Per dense category: NONE outside the chosen category's subtree, ROOT for the
    /// chosen category itself, else the child of the chosen one (or, with none chosen,
    /// the top-level category) it lies under.
    fn subtree(&self, root: Option<u32>) -> Vec<u32> {
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); self.categories.len()];
        let mut tops = Vec::new();
        for (i, c) in self.categories.iter().enumerate() {
            match c.parent_id.map(|p| self.dense_category(p)) {
                Some(parent) if parent != NONE => children[parent as usize].push(i as u32),
                _ => tops.push(i as u32),
            }
        }
        let mut under = vec![NONE; self.categories.len()];
        let mut stack: Vec<(u32, u32)> = match root {
            Some(root) => {
                under[root as usize] = ROOT;
                children[root as usize].iter().map(|c| (*c, *c)).collect()
            }
            None => tops.iter().map(|c| (*c, *c)).collect(),
        };
        while let Some((id, top)) = stack.pop() {
            if under[id as usize] != NONE {
                continue; // a cycle: never in a valid tree, but never loop forever
            }
            under[id as usize] = top;
            stack.extend(children[id as usize].iter().map(|c| (*c, top)));
        }
        under
    }

    fn trail(&self, dense: u32) -> Vec<CategoryLink> {
        let mut trail = Vec::new();
        let mut next = Some(dense);
        while let Some(category) = next.and_then(|i| self.categories.get(i as usize)) {
            trail.push(CategoryLink {
                slug: category.slug.clone(),
                name: category.name.clone(),
            });
            next = category
                .parent_id
                .map(|p| self.dense_category(p))
                .filter(|p| *p != NONE);
            if trail.len() > self.categories.len() {
                break; // a cycle: never in a valid tree, but never loop forever
            }
        }
        trail.reverse();
        trail
    }

    pub fn search(&self, query: &ProductQuery) -> Result<Found, QueryProblem> {
        let category = match &query.category {
            Some(slug) => Some(
                *self
                    .category_slugs
                    .get(slug)
                    .ok_or_else(|| QueryProblem::UnknownCategory(slug.clone()))?,
            ),
            None => None,
        };
        let under = self.subtree(category);
        let currency = self.currency.unwrap_or(Currency::GBP);
        let unit = currency.minor_per_major();
        let edges: Vec<i64> = PRICE_EDGES.iter().map(|edge| edge * unit).collect();
        // Attribute filters: per attribute name id, the allowed value ids; names no
        // product has filter nothing.
        let mut allowed: Vec<Option<Vec<bool>>> = vec![None; self.attribute_columns.len()];
        for (name, value) in &query.attributes {
            if let Some(name) = self.attribute_names.get(name) {
                let values = allowed[name as usize]
                    .get_or_insert_with(|| vec![false; self.attribute_values.names.len()]);
                if let Some(value) = self.attribute_values.get(value) {
                    values[value as usize] = true;
                }
            }
        }
        let attribute_bits: Vec<Option<usize>> = {
            let mut next = FIRST_ATTRIBUTE_BIT;
            allowed
                .iter()
                .map(|a| {
                    a.as_ref().map(|_| {
                        next += 1;
                        next - 1
                    })
                })
                .collect()
        };

        let (slots, per_token) = self.matching(&query.q);

        let mut results: Vec<u32> = Vec::new();
        let mut category_counts = vec![0u64; self.categories.len()];
        let mut price_counts = [0u64; PRICE_EDGES.len() + 1];
        let mut in_stock = 0u64;
        let value_count = self.attribute_values.names.len();
        let mut attribute_counts: Vec<Vec<u64>> =
            vec![vec![0; value_count]; self.attribute_columns.len()];
        for slot in slots {
            let at = slot as usize;
            let price = self.price_of[at];
            let stocked = self.in_stock[at];
            let child = match self.category_of[at] {
                NONE => NONE,
                dense => under[dense as usize],
            };
            let mut failing: u64 = 0;
            if category.is_some() && child == NONE {
                failing |= 1 << Filter::Category as u64;
            }
            if query.min_price.is_some_and(|min| price < min)
                || query.max_price.is_some_and(|max| price > max)
            {
                failing |= 1 << Filter::Price as u64;
            }
            if query.in_stock && !stocked {
                failing |= 1 << Filter::Stock as u64;
            }
            for (name, values) in allowed.iter().enumerate() {
                if let Some(values) = values {
                    let value = self.attribute_columns[name][at];
                    if value == NONE || !values[value as usize] {
                        failing |= 1 << attribute_bits[name].unwrap_or(0);
                    }
                }
            }
            if failing == 0 {
                results.push(slot);
            }
            // A facet counts a product when every other filter passes.
            let counts_for = |bit: usize| failing & !(1u64 << bit) == 0;
            if child != NONE && child != ROOT && counts_for(Filter::Category as usize) {
                category_counts[child as usize] += 1;
            }
            if counts_for(Filter::Price as usize) {
                let bucket = edges
                    .iter()
                    .position(|edge| price < *edge)
                    .unwrap_or(edges.len());
                price_counts[bucket] += 1;
            }
            if stocked && counts_for(Filter::Stock as usize) {
                in_stock += 1;
            }
            for (name, column) in self.attribute_columns.iter().enumerate() {
                let value = column[at];
                let counted = match attribute_bits[name] {
                    Some(bit) => counts_for(bit),
                    None => failing == 0,
                };
                if value != NONE && counted {
                    attribute_counts[name][value as usize] += 1;
                }
            }
        }

        let per_page = query.per_page.max(1) as usize;
        let total = results.len();
        let page_count = total.div_ceil(per_page).max(1);
        let page = query.page.max(1) as usize;
        if page > page_count {
            return Err(QueryProblem::PageOutOfRange {
                page: query.page,
                page_count: page_count as u32,
            });
        }
        // Only the first `page × per_page` need to be in order.
        let wanted = (page * per_page).min(total);
        if query.sort == Sort::Relevance && !per_token.is_empty() {
            let mut hits: Vec<Vec<(u8, u32)>> = vec![Vec::new(); per_token.len()];
            let mut keyed: Vec<(Relevance, u32)> = Vec::with_capacity(results.len());
            for slot in &results {
                keyed.push((
                    self.relevance(self.doc(*slot), &per_token, &mut hits),
                    *slot,
                ));
            }
            let order = |a: &(Relevance, u32), b: &(Relevance, u32)| {
                a.0.cmp(&b.0)
                    .then_with(|| self.compare(Sort::Name, a.1, b.1))
            };
            if wanted > 0 && wanted < keyed.len() {
                keyed.select_nth_unstable_by(wanted - 1, order);
                keyed.truncate(wanted);
            }
            keyed.sort_unstable_by(order);
            results = keyed.into_iter().map(|(_, slot)| slot).collect();
        } else {
            let order = |a: &u32, b: &u32| self.compare(query.sort, *a, *b);
            if wanted > 0 && wanted < results.len() {
                results.select_nth_unstable_by(wanted - 1, order);
                results.truncate(wanted);
            }
            results.sort_unstable_by(order);
        }
        let page_slots = &results[((page - 1) * per_page).min(results.len())..];
        let ids: Vec<i64> = page_slots.iter().map(|s| self.doc(*s).id).collect();
        let matched = page_slots
            .iter()
            .map(|slot| {
                let doc = self.doc(*slot);
                let words = doc
                    .name_words
                    .iter()
                    .filter(|w| per_token.iter().any(|c| c.contains_key(w)))
                    .map(|w| self.words.names[*w as usize].clone())
                    .collect();
                (doc.id, words)
            })
            .collect();

        let mut category_values: Vec<(&CategoryNode, u64)> = category_counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(i, count)| (&self.categories[i], *count))
            .collect();
        category_values.sort_by(|a, b| (a.0.position, &a.0.name).cmp(&(b.0.position, &b.0.name)));
        let mut lower = 0;
        let price = price_counts
            .iter()
            .enumerate()
            .map(|(i, count)| {
                let min = lower;
                let max = edges.get(i).map(|edge| edge - 1);
                lower = max.map_or(lower, |m| m + 1);
                PriceBucket {
                    min: Money::new(min, currency),
                    max: max.map(|m| Money::new(m, currency)),
                    count: *count,
                    selected: query.min_price == Some(min) && query.max_price == max,
                }
            })
            .collect();
        let mut attributes: Vec<AttributeFacet> = attribute_counts
            .iter()
            .enumerate()
            .filter(|(name, _)| self.attribute_use[*name] > 0)
            .map(|(name, counts)| {
                let name = &self.attribute_names.names[name];
                let mut values: Vec<FacetValue> = counts
                    .iter()
                    .enumerate()
                    .filter(|(value, count)| {
                        **count > 0
                            || query.has_attribute(name, &self.attribute_values.names[*value])
                    })
                    .map(|(value, count)| {
                        let value = &self.attribute_values.names[value];
                        FacetValue {
                            value: value.clone(),
                            label: value.clone(),
                            count: *count,
                            selected: query.has_attribute(name, value),
                        }
                    })
                    .collect();
                values.sort_by(|a, b| a.value.cmp(&b.value));
                AttributeFacet {
                    name: name.clone(),
                    label: attribute_label(name),
                    values,
                }
            })
            .filter(|facet| !facet.values.is_empty())
            .collect();
        attributes.sort_by(|a, b| a.name.cmp(&b.name));
        let facets = Facets {
            categories: category_values
                .into_iter()
                .map(|(c, count)| FacetValue {
                    value: c.slug.clone(),
                    label: c.name.clone(),
                    count,
                    selected: false,
                })
                .collect(),
            price,
            in_stock,
            attributes,
        };
        Ok(Found {
            ids,
            matched,
            total: total as u64,
            page_count: page_count as u32,
            facets,
            category_trail: category.map(|c| self.trail(c)).unwrap_or_default(),
        })
    }

    /// Up to [`MAX_SUGGESTIONS`] searches completing `q`: for the best matching
    /// products, the words that matched, in the order they were typed.
    pub fn suggest(&self, q: &str) -> Vec<String> {
        let (slots, per_token) = self.matching(q);
        if per_token.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<Vec<(u8, u32)>> = vec![Vec::new(); per_token.len()];
        let mut keyed: Vec<(Relevance, u32)> = Vec::with_capacity(slots.len());
        for slot in &slots {
            keyed.push((
                self.relevance(self.doc(*slot), &per_token, &mut hits),
                *slot,
            ));
        }
        let consider = keyed.len().min(200);
        if consider > 0 && consider < keyed.len() {
            keyed.select_nth_unstable_by(consider - 1, |a, b| a.0.cmp(&b.0));
            keyed.truncate(consider);
        }
        keyed.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| self.compare(Sort::Name, a.1, b.1))
        });
        let mut suggestions: Vec<String> = Vec::new();
        for (_, slot) in keyed {
            let doc = self.doc(slot);
            let phrase: Option<Vec<&str>> = per_token
                .iter()
                .map(|candidates| {
                    doc.name_words
                        .iter()
                        .chain(&doc.description_words)
                        .filter_map(|w| candidates.get(w).map(|c| (c.rank(), *w)))
                        .min()
                        .map(|(_, w)| self.words.names[w as usize].as_str())
                })
                .collect();
            if let Some(phrase) = phrase {
                let phrase = phrase.join(" ");
                if !suggestions.contains(&phrase) {
                    suggestions.push(phrase);
                    if suggestions.len() == MAX_SUGGESTIONS {
                        break;
                    }
                }
            }
        }
        suggestions
    }
}

/// `material` → "Material", `gift_wrap` → "Gift wrap".
pub fn attribute_label(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
