//! The search engine alone, in memory: how long queries take over 100,000 products
//! shaped like the demo catalog. `cargo bench -p app --features ssr --bench search_engine`
//! (the HTTP figures in the README come from `make bench`).

use app::catalog::seed::{ADJECTIVES, MATERIALS};
use app::money::Currency;
use app::search::api::{ProductQuery, Sort};
use app::search::index::engine::{CategoryNode, Document, Engine};
use std::time::{Duration, Instant};

const NOUNS: &[&str] = &[
    "Bowl", "Plate", "Mug", "Jug", "Saucepan", "Skillet", "Jar", "Basket", "Jumper", "Scarf",
    "Jacket", "Tote", "Planter", "Trowel", "Lantern", "Notebook", "Journal", "Jigsaw", "Tent",
    "Hammock", "Bolster", "Bookends",
];
const BRANDS: &[&str] = &["Fenwick & Hale", "Harrow Works", "Little Wren", "Northbank"];

fn catalog(products: i64) -> Engine {
    let mut engine = Engine::default();
    let mut categories = vec![];
    for top in 0..6 {
        categories.push(CategoryNode {
            id: top + 1,
            parent_id: None,
            slug: format!("top-{top}"),
            name: format!("Top {top}"),
            position: top,
        });
        for leaf in 0..3 {
            let id = 10 + top * 3 + leaf;
            categories.push(CategoryNode {
                id,
                parent_id: Some(top + 1),
                slug: format!("leaf-{id}"),
                name: format!("Leaf {id}"),
                position: leaf,
            });
        }
    }
    engine.set_categories(categories);
    let mut state: u64 = 7;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    };
    for id in 1..=products {
        let (a, m, n) = (
            ADJECTIVES[next(ADJECTIVES.len())],
            MATERIALS[next(MATERIALS.len())],
            NOUNS[next(NOUNS.len())],
        );
        engine.upsert(Document {
            id,
            category_id: 10 + next(18) as i64,
            name: format!("{a} {m} {n}"),
            description: format!(
                "A {} {} in {}, made to last and chosen for everyday use. Designed in small batches.",
                a.to_lowercase(),
                n.to_lowercase(),
                m.to_lowercase()
            ),
            price: 299 + 100 * next(200) as i64,
            currency: Currency::GBP,
            in_stock: next(10) > 0,
            created_at: id,
            attributes: vec![
                ("brand".to_owned(), BRANDS[next(4)].to_owned()),
                ("material".to_owned(), m.to_owned()),
            ],
        });
    }
    engine
}

fn time(engine: &Engine, label: &str, query: &ProductQuery) {
    let mut samples: Vec<Duration> = (0..200)
        .map(|_| {
            let start = Instant::now();
            let found = engine.search(query).expect("query");
            std::hint::black_box(found);
            start.elapsed()
        })
        .collect();
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label:<42} p50 {:>6.2} ms  p95 {:>6.2} ms",
        ms(samples[100]),
        ms(samples[190])
    );
}

fn main() {
    let started = Instant::now();
    let engine = catalog(100_000);
    println!(
        "built 100,000 products in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let words = |q: &str| ProductQuery {
        q: q.to_owned(),
        ..ProductQuery::default()
    };
    time(&engine, "one word (oak)", &words("oak"));
    time(&engine, "two words (amber oak)", &words("amber oak"));
    time(&engine, "misspelt (stonewre)", &words("stonewre"));
    time(&engine, "prefix (amb)", &words("amb"));
    time(
        &engine,
        "a category, by name",
        &ProductQuery {
            category: Some("leaf-12".to_owned()),
            ..ProductQuery::default()
        },
    );
    time(
        &engine,
        "everything, by price",
        &ProductQuery {
            sort: Sort::PriceAsc,
            ..ProductQuery::default()
        },
    );
    let started = Instant::now();
    for _ in 0..200 {
        std::hint::black_box(engine.suggest("stonewar bo"));
    }
    println!(
        "suggest (stonewar bo)                      mean {:.2} ms",
        started.elapsed().as_secs_f64() * 1000.0 / 200.0
    );
}
