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

struct Doc {
    document: Document,
    sort_name: String,
    name_words: Vec<u32>,
    description_words: Vec<u32>,
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
type Candidates = HashMap<u32, Candidate>;

/// Per filter, whether a document passes it; a facet counts documents that pass
/// every filter except its own.
#[derive(Clone, Copy)]
enum Filter {
    Category = 0,
    Price = 1,
    Stock = 2,
}
/// Attribute filters take the bits from here up, one per attribute name.
const FIRST_ATTRIBUTE_BIT: usize = 3;

#[derive(Default)]
pub struct Engine {
    docs: Vec<Option<Doc>>,
    slots: HashMap<i64, u32>,
    free: Vec<u32>,
    word_ids: HashMap<String, u32>,
    words: Vec<String>,
    /// Words in order, for prefixes.
    sorted_words: BTreeMap<String, u32>,
    /// Word ids by length in characters, for typo candidates.
    by_length: Vec<Vec<u32>>,
    /// Per word id, the slots of the documents holding it, ascending.
    postings: Vec<Vec<u32>>,
    /// Per attribute name, how many documents have it.
    attribute_use: HashMap<String, usize>,
    categories: HashMap<i64, CategoryNode>,
    category_slugs: HashMap<String, i64>,
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
        self.category_slugs = categories.iter().map(|c| (c.slug.clone(), c.id)).collect();
        self.categories = categories.into_iter().map(|c| (c.id, c)).collect();
    }

    /// Names of the attributes any product has.
    pub fn has_attribute(&self, name: &str) -> bool {
        self.attribute_use.contains_key(name)
    }

    fn word_id(&mut self, word: &str) -> u32 {
        if let Some(id) = self.word_ids.get(word) {
            return *id;
        }
        let id = self.words.len() as u32;
        self.words.push(word.to_owned());
        self.word_ids.insert(word.to_owned(), id);
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
        for (name, _) in &document.attributes {
            *self.attribute_use.entry(name.clone()).or_default() += 1;
        }
        self.slots.insert(document.id, slot);
        self.docs[slot as usize] = Some(Doc {
            sort_name: document.name.to_lowercase(),
            document,
            name_words,
            description_words,
        });
    }

    /// Forgets the product; nothing happens if the index did not know it.
    pub fn remove(&mut self, id: i64) {
        let Some(slot) = self.slots.remove(&id) else {
            return;
        };
        if let Some(doc) = self.docs[slot as usize].take() {
            for (name, _) in &doc.document.attributes {
                if let Some(count) = self.attribute_use.get_mut(name) {
                    *count -= 1;
                    if *count == 0 {
                        self.attribute_use.remove(name);
                    }
                }
            }
            for word in doc.name_words.iter().chain(&doc.description_words) {
                let list = &mut self.postings[*word as usize];
                if let Ok(at) = list.binary_search(&slot) {
                    list.remove(at);
                }
            }
        }
        self.free.push(slot);
    }

    /// Index words that may stand for `token`, and how well.
    fn candidates(&self, token: &str, allow_prefix: bool) -> Candidates {
        let mut found = Candidates::new();
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
        if let Some(id) = self.word_ids.get(token) {
            offer(
                *id,
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
                    let typos = distance_within(token, &self.words[*id as usize], budget);
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
        let mut slots: Vec<u32> = candidates
            .keys()
            .flat_map(|id| self.postings[*id as usize].iter().copied())
            .collect();
        slots.sort_unstable();
        slots.dedup();
        slots
    }

    /// The slots of documents matching every query word, and each word's candidates.
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

    /// Ranking key of a matching document: smaller sorts first.
    fn relevance(
        &self,
        doc: &Doc,
        per_token: &[Candidates],
    ) -> (u32, Reverse<usize>, u32, Reverse<usize>) {
        let mut typos = 0u32;
        let mut in_name = 0;
        let mut exact = 0;
        // Per query word, (field, position) of its matches.
        let mut positions: Vec<Vec<(u8, usize)>> = Vec::with_capacity(per_token.len());
        for candidates in per_token {
            let mut best: Option<Candidate> = None;
            let mut hits = Vec::new();
            for (field, list) in [(0u8, &doc.name_words), (1u8, &doc.description_words)] {
                for (position, word) in list.iter().enumerate() {
                    if let Some(candidate) = candidates.get(word) {
                        hits.push((field, position));
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
            if hits.iter().any(|(field, _)| *field == 0) {
                in_name += 1;
            }
            positions.push(hits);
        }
        // Query words next to each other, in order, in one field score best.
        let proximity = positions
            .windows(2)
            .map(|pair| {
                pair[0]
                    .iter()
                    .flat_map(|a| pair[1].iter().map(move |b| (a, b)))
                    .filter(|(a, b)| a.0 == b.0)
                    .map(|(a, b)| {
                        let (a, b) = (a.1 as i64, b.1 as i64);
                        if b > a {
                            (b - a) as u32
                        } else {
                            (a - b + 1) as u32
                        }
                    })
                    .min()
                    .unwrap_or(FAR)
                    .min(FAR)
            })
            .sum();
        (typos, Reverse(in_name), proximity, Reverse(exact))
    }

    fn compare(&self, sort: Sort, a: &Doc, b: &Doc) -> Ordering {
        let by_name = || {
            a.sort_name
                .cmp(&b.sort_name)
                .then(a.document.id.cmp(&b.document.id))
        };
        match sort {
            Sort::Relevance | Sort::Name => by_name(),
            Sort::PriceAsc => a.document.price.cmp(&b.document.price).then_with(by_name),
            Sort::PriceDesc => b.document.price.cmp(&a.document.price).then_with(by_name),
            Sort::Newest => b
                .document
                .created_at
                .cmp(&a.document.created_at)
                .then(b.document.id.cmp(&a.document.id)),
        }
    }

    /// The category `slug` names and every category below it, each mapped to the
    /// child of `slug` it lies under (itself for `slug`).
    fn subtree(&self, root: Option<i64>) -> HashMap<i64, Option<i64>> {
        let mut children: HashMap<Option<i64>, Vec<i64>> = HashMap::new();
        for c in self.categories.values() {
            children.entry(c.parent_id).or_default().push(c.id);
        }
        let mut under = HashMap::new();
        let mut stack: Vec<(i64, Option<i64>)> = match root {
            Some(root) => {
                under.insert(root, None);
                children
                    .get(&Some(root))
                    .into_iter()
                    .flatten()
                    .map(|c| (*c, Some(*c)))
                    .collect()
            }
            None => children
                .get(&None)
                .into_iter()
                .flatten()
                .map(|c| (*c, Some(*c)))
                .collect(),
        };
        while let Some((id, top)) = stack.pop() {
            under.insert(id, top);
            for child in children.get(&Some(id)).into_iter().flatten() {
                stack.push((*child, top));
            }
        }
        under
    }

    fn trail(&self, id: i64) -> Vec<CategoryLink> {
        let mut trail = Vec::new();
        let mut next = Some(id);
        while let Some(category) = next.and_then(|id| self.categories.get(&id)) {
            trail.push(CategoryLink {
                slug: category.slug.clone(),
                name: category.name.clone(),
            });
            next = category.parent_id;
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
        let bucket_of = |price: i64| {
            PRICE_EDGES
                .iter()
                .position(|edge| price < edge * unit)
                .unwrap_or(PRICE_EDGES.len())
        };
        // Attribute filters present in the index; unknown names filter nothing.
        let mut attribute_filters: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
        for (name, value) in &query.attributes {
            if self.has_attribute(name) {
                attribute_filters
                    .entry(name.as_str())
                    .or_default()
                    .insert(value.as_str());
            }
        }
        let attribute_bit: HashMap<&str, usize> = attribute_filters
            .keys()
            .enumerate()
            .map(|(i, name)| (*name, FIRST_ATTRIBUTE_BIT + i))
            .collect();

        let (slots, per_token) = self.matching(&query.q);

        let mut results: Vec<u32> = Vec::new();
        let mut category_counts: HashMap<i64, u64> = HashMap::new();
        let mut price_counts = [0u64; PRICE_EDGES.len() + 1];
        let mut in_stock = 0u64;
        let mut attribute_counts: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
        for slot in slots {
            let doc = self.doc(slot);
            let d = &doc.document;
            let mut failing: u64 = 0;
            let child = under.get(&d.category_id);
            if category.is_some() && child.is_none() {
                failing |= 1 << Filter::Category as u64;
            }
            if query.min_price.is_some_and(|min| d.price < min)
                || query.max_price.is_some_and(|max| d.price > max)
            {
                failing |= 1 << Filter::Price as u64;
            }
            if query.in_stock && !d.in_stock {
                failing |= 1 << Filter::Stock as u64;
            }
            for (name, values) in &attribute_filters {
                let holds = d
                    .attributes
                    .iter()
                    .any(|(n, v)| n == name && values.contains(v.as_str()));
                if !holds {
                    failing |= 1 << attribute_bit[name];
                }
            }
            // Counted by a facet when every other filter passes.
            let counts_for = |bit: usize| failing & !(1u64 << bit) == 0;
            if failing == 0 {
                results.push(slot);
            }
            if counts_for(Filter::Category as usize) {
                if let Some(Some(child)) = child {
                    *category_counts.entry(*child).or_default() += 1;
                }
            }
            if counts_for(Filter::Price as usize) {
                price_counts[bucket_of(d.price)] += 1;
            }
            if counts_for(Filter::Stock as usize) && d.in_stock {
                in_stock += 1;
            }
            for (name, value) in &d.attributes {
                let bit = attribute_bit.get(name.as_str()).copied();
                let counted = match bit {
                    Some(bit) => counts_for(bit),
                    None => failing == 0,
                };
                if counted {
                    *attribute_counts
                        .entry(name.as_str())
                        .or_default()
                        .entry(value.as_str())
                        .or_default() += 1;
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
        let by_relevance = query.sort == Sort::Relevance && !per_token.is_empty();
        if by_relevance {
            let mut keyed: Vec<_> = results
                .iter()
                .map(|slot| {
                    let doc = self.doc(*slot);
                    (self.relevance(doc, &per_token), *slot)
                })
                .collect();
            type Keyed = ((u32, Reverse<usize>, u32, Reverse<usize>), u32);
            let order = |a: &Keyed, b: &Keyed| {
                a.0.cmp(&b.0)
                    .then_with(|| self.compare(Sort::Name, self.doc(a.1), self.doc(b.1)))
            };
            if wanted > 0 && wanted < keyed.len() {
                keyed.select_nth_unstable_by(wanted - 1, order);
                keyed.truncate(wanted);
            }
            keyed.sort_unstable_by(order);
            results = keyed.into_iter().map(|(_, slot)| slot).collect();
        } else {
            let order = |a: &u32, b: &u32| self.compare(query.sort, self.doc(*a), self.doc(*b));
            if wanted > 0 && wanted < results.len() {
                results.select_nth_unstable_by(wanted - 1, order);
                results.truncate(wanted);
            }
            results.sort_unstable_by(order);
        }
        let page_slots = &results[((page - 1) * per_page).min(results.len())..];
        let ids: Vec<i64> = page_slots
            .iter()
            .map(|s| self.doc(*s).document.id)
            .collect();
        let matched = page_slots
            .iter()
            .map(|slot| {
                let doc = self.doc(*slot);
                let words = doc
                    .name_words
                    .iter()
                    .filter(|w| per_token.iter().any(|c| c.contains_key(w)))
                    .map(|w| self.words[*w as usize].clone())
                    .collect();
                (doc.document.id, words)
            })
            .collect();

        let mut category_values: Vec<(&CategoryNode, u64)> = category_counts
            .iter()
            .filter_map(|(id, count)| self.categories.get(id).map(|c| (c, *count)))
            .collect();
        category_values.sort_by(|a, b| (a.0.position, &a.0.name).cmp(&(b.0.position, &b.0.name)));
        let mut lower = 0;
        let price = price_counts
            .iter()
            .enumerate()
            .map(|(i, count)| {
                let min = lower;
                let max = PRICE_EDGES.get(i).map(|edge| edge * unit - 1);
                lower = max.map_or(lower, |m| m + 1);
                PriceBucket {
                    min: Money::new(min, currency),
                    max: max.map(|m| Money::new(m, currency)),
                    count: *count,
                    selected: query.min_price == Some(min) && query.max_price == max,
                }
            })
            .collect();
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
            attributes: attribute_counts
                .into_iter()
                .map(|(name, values)| AttributeFacet {
                    name: name.to_owned(),
                    label: attribute_label(name),
                    values: values
                        .into_iter()
                        .map(|(value, count)| FacetValue {
                            value: value.to_owned(),
                            label: value.to_owned(),
                            count,
                            selected: query.has_attribute(name, value),
                        })
                        .collect(),
                })
                .collect(),
        };
        Ok(Found {
            ids,
            matched,
            total: total as u64,
            page_count: page_count as u32,
            facets,
            category_trail: category.map(|id| self.trail(id)).unwrap_or_default(),
        })
    }

    /// Up to [`MAX_SUGGESTIONS`] searches completing `q`: for the best matching
    /// products, the words that matched, in the order they were typed.
    pub fn suggest(&self, q: &str) -> Vec<String> {
        let (slots, per_token) = self.matching(q);
        if per_token.is_empty() {
            return Vec::new();
        }
        let mut keyed: Vec<_> = slots
            .iter()
            .map(|slot| (self.relevance(self.doc(*slot), &per_token), *slot))
            .collect();
        let consider = keyed.len().min(200);
        if consider > 0 && consider < keyed.len() {
            keyed.select_nth_unstable_by(consider - 1, |a, b| a.0.cmp(&b.0));
            keyed.truncate(consider);
        }
        keyed.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| self.compare(Sort::Name, self.doc(a.1), self.doc(b.1)))
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
                        .map(|(_, w)| self.words[w as usize].as_str())
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
