//! The engine's rules on small hand-made catalogs: matching, ranking, facets, sorting.

use super::*;

const GBP: Currency = Currency::GBP;

fn document(id: i64, name: &str, description: &str) -> Document {
    Document {
        id,
        category_id: 2,
        name: name.to_owned(),
        description: description.to_owned(),
        price: 1000 + id,
        currency: GBP,
        in_stock: true,
        created_at: id,
        attributes: Vec::new(),
    }
}

fn categories() -> Vec<CategoryNode> {
    let node = |id, parent_id, slug: &str| CategoryNode {
        id,
        parent_id,
        slug: slug.to_owned(),
        name: slug.to_uppercase(),
        position: id,
    };
    vec![
        node(1, None, "home"),
        node(2, Some(1), "kitchen"),
        node(3, Some(1), "garden"),
        node(4, None, "toys"),
    ]
}

fn engine(documents: Vec<Document>) -> Engine {
    let mut engine = Engine::default();
    engine.set_categories(categories());
    for document in documents {
        engine.upsert(document);
    }
    engine
}

const CATALOG: &[(&str, &str)] = &[
    ("Linen Tote", "Carries amber beads and more."),
    ("Amber Oak Bowl", "A bowl carved from oak."),
    ("Ambient Speaker", "Fills a room with sound."),
    ("Bowl Stand Oak", "Holds any bowl."),
    ("Stoneware Mug", "Glazed stoneware, made by hand."),
    ("Cotten Scarf", "A scarf with a misspelt name."),
    ("Cotton Apron", "Washable cotton."),
    ("Oak Amber Bowl", "Amber again, the other way round."),
];

fn shop() -> Engine {
    engine(
        CATALOG
            .iter()
            .enumerate()
            .map(|(i, (name, description))| document(i as i64 + 1, name, description))
            .collect(),
    )
}

fn names(engine: &Engine, q: &str) -> Vec<&'static str> {
    let query = ProductQuery {
        q: q.to_owned(),
        ..ProductQuery::default()
    };
    engine
        .search(&query)
        .unwrap()
        .ids
        .iter()
        .map(|id| CATALOG[*id as usize - 1].0)
        .collect()
}

#[test]
fn every_query_word_must_match() {
    let shop = shop();
    let mut found = names(&shop, "oak bowl");
    found.sort_unstable();
    assert_eq!(
        found,
        ["Amber Oak Bowl", "Bowl Stand Oak", "Oak Amber Bowl"]
    );
    assert!(names(&shop, "oak speaker").is_empty());
}

#[test]
fn a_prefix_of_the_last_word_finds_whole_words() {
    let found = names(&shop(), "amb");
    for expected in [
        "Amber Oak Bowl",
        "Ambient Speaker",
        "Linen Tote",
        "Oak Amber Bowl",
    ] {
        assert!(found.contains(&expected), "{expected} in {found:?}");
    }
    // Only the word being typed is a prefix: "amb" as a first word must be whole.
    assert!(names(&shop(), "amb bowl").is_empty());
}

#[test]
fn typos_follow_word_length() {
    let shop = shop();
    // Five letters or more: one typo.
    assert_eq!(
        names(&shop, "ambre oak")[..2],
        ["Amber Oak Bowl", "Oak Amber Bowl"]
    );
    // Four letters: none ("bowk" is not "bowl").
    assert!(names(&shop, "bowk").is_empty());
    // Nine letters or more: two.
    assert_eq!(names(&shop, "stonwearr"), ["Stoneware Mug"]);
}

#[test]
fn an_exact_match_ranks_above_a_corrected_one() {
    // "cotton" is exact for the apron and one typo away from the scarf's "cotten".
    assert_eq!(names(&shop(), "cotton"), ["Cotton Apron", "Cotten Scarf"]);
    assert_eq!(names(&shop(), "cotten"), ["Cotten Scarf", "Cotton Apron"]);
}

#[test]
fn name_matches_rank_above_description_matches() {
    let found = names(&shop(), "amber");
    assert_eq!(found.last(), Some(&"Linen Tote"), "{found:?}");
}

#[test]
fn adjacent_words_in_order_rank_first() {
    assert_eq!(names(&shop(), "amber oak")[0], "Amber Oak Bowl");
    assert_eq!(names(&shop(), "oak amber")[0], "Oak Amber Bowl");
}

#[test]
fn the_page_marks_the_name_words_that_matched() {
    let shop = shop();
    let query = ProductQuery {
        q: "oak bow".to_owned(),
        ..ProductQuery::default()
    };
    let found = shop.search(&query).unwrap();
    let words = &found.matched[&2];
    assert_eq!(words, &HashSet::from(["oak".to_owned(), "bowl".to_owned()]));
}

#[test]
fn removed_and_changed_products_leave_the_index() {
    let mut shop = shop();
    shop.remove(2);
    assert_eq!(names(&shop, "amber oak bowl"), ["Oak Amber Bowl"]);
    shop.upsert(document(8, "Oak Green Bowl", ""));
    assert!(names(&shop, "amber oak bowl").is_empty());
    assert_eq!(shop.len(), CATALOG.len() - 1);
}

fn faceted() -> Engine {
    let attributes = |brand: &str| vec![("brand".to_owned(), brand.to_owned())];
    engine(vec![
        Document {
            category_id: 2,
            price: 500,
            attributes: attributes("Acme"),
            ..document(1, "Oak Bowl", "")
        },
        Document {
            category_id: 2,
            price: 1500,
            in_stock: false,
            attributes: attributes("Birch"),
            ..document(2, "Oak Plate", "")
        },
        Document {
            category_id: 3,
            price: 30000,
            attributes: attributes("Acme"),
            ..document(3, "Oak Planter", "")
        },
        Document {
            category_id: 4,
            price: 2500,
            attributes: attributes("Birch"),
            ..document(4, "Oak Train", "")
        },
    ])
}

fn search(engine: &Engine, change: impl FnOnce(&mut ProductQuery)) -> Found {
    let mut query = ProductQuery {
        q: "oak".to_owned(),
        ..ProductQuery::default()
    };
    change(&mut query);
    engine.search(&query).unwrap()
}

fn counts(values: &[FacetValue]) -> Vec<(&str, u64)> {
    values.iter().map(|v| (v.value.as_str(), v.count)).collect()
}

#[test]
fn facets_count_results_by_category_price_stock_and_attribute() {
    let found = search(&faceted(), |_| {});
    assert_eq!(found.total, 4);
    assert_eq!(counts(&found.facets.categories), [("home", 3), ("toys", 1)]);
    let prices: Vec<u64> = found.facets.price.iter().map(|b| b.count).collect();
    // Under £10, £10–24.99, £25–49.99, £50–99.99, £100–199.99, £200 and over.
    assert_eq!(prices, [1, 1, 1, 0, 0, 1]);
    assert_eq!(found.facets.in_stock, 3);
    assert_eq!(found.facets.attributes[0].name, "brand");
    assert_eq!(
        counts(&found.facets.attributes[0].values),
        [("Acme", 2), ("Birch", 2)]
    );
}

#[test]
fn filters_combine_and_each_facet_ignores_its_own_filter() {
    let engine = faceted();
    let found = search(&engine, |q| {
        q.category = Some("home".to_owned());
        q.attributes = vec![("brand".to_owned(), "Acme".to_owned())];
    });
    assert_eq!(found.ids, [1, 3]);
    // Within "home", the subcategories, counted with the brand filter on.
    assert_eq!(
        counts(&found.facets.categories),
        [("kitchen", 1), ("garden", 1)]
    );
    // The brand facet still offers Birch (within "home"), so it can be added.
    assert_eq!(
        counts(&found.facets.attributes[0].values),
        [("Acme", 2), ("Birch", 1)]
    );
    assert!(found.facets.attributes[0].values[0].selected);
    assert_eq!(found.category_trail.len(), 1);

    let both = search(&engine, |q| {
        q.attributes = vec![
            ("brand".to_owned(), "Acme".to_owned()),
            ("brand".to_owned(), "Birch".to_owned()),
        ];
        q.in_stock = true;
        q.min_price = Some(1000);
        q.max_price = Some(2999);
    });
    assert_eq!(both.ids, [4]);
}

#[test]
fn sorts_by_price_and_newest() {
    let engine = faceted();
    assert_eq!(
        search(&engine, |q| q.sort = Sort::PriceAsc).ids,
        [1, 2, 4, 3]
    );
    assert_eq!(
        search(&engine, |q| q.sort = Sort::PriceDesc).ids,
        [3, 4, 2, 1]
    );
    assert_eq!(search(&engine, |q| q.sort = Sort::Newest).ids, [4, 3, 2, 1]);
}

#[test]
fn pages_split_the_results_and_a_page_past_the_end_is_a_problem() {
    let engine = faceted();
    let page = |n| {
        engine.search(&ProductQuery {
            sort: Sort::Name,
            page: n,
            per_page: 3,
            ..ProductQuery::default()
        })
    };
    let first = page(1).unwrap();
    assert_eq!((first.ids.len(), first.total, first.page_count), (3, 4, 2));
    assert_eq!(page(2).unwrap().ids, [4]);
    assert_eq!(
        page(3).unwrap_err(),
        QueryProblem::PageOutOfRange {
            page: 3,
            page_count: 2
        }
    );
}

#[test]
fn an_unknown_category_is_a_problem_not_an_empty_page() {
    let problem = search(&faceted(), |_| {}); // a known one works
    assert_eq!(problem.total, 4);
    let query = ProductQuery {
        category: Some("nowhere".to_owned()),
        ..ProductQuery::default()
    };
    assert_eq!(
        faceted().search(&query).unwrap_err(),
        QueryProblem::UnknownCategory("nowhere".to_owned())
    );
}

#[test]
fn suggestions_complete_the_words_typed_in_order() {
    let shop = shop();
    let suggestions = shop.suggest("oak bo");
    assert_eq!(suggestions, ["oak bowl"]);
    let suggestions = shop.suggest("ambre o");
    assert!(
        suggestions.contains(&"amber oak".to_owned()),
        "{suggestions:?}"
    );
    assert!(shop.suggest("").is_empty());
    assert!(shop.suggest("zzzz").is_empty());
}
