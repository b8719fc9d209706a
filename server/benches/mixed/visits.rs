//! Virtual shoppers on a mixed workload: each visit is home → a category → two products →
//! a search (a word from the catalog, one search in five misspelt) → for 30 % of visits
//! add to cart → for half of those, check out and pay. A shopper keeps its session for
//! four visits, then comes back as a new guest; each visit goes to the next instance,
//! as a load balancer without sticky sessions would send it.

use crate::guest::Guest;
use crate::Settings;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Share of visits that add to the cart, and of those that go on to pay.
const ADD_TO_CART: f64 = 0.30;
const PAY: f64 = 0.50;
/// Share of searches with a typo.
const MISSPELT: f64 = 0.20;
/// Visits a shopper makes with one session before coming back as a new guest.
const VISITS_PER_GUEST: u32 = 4;

/// What the shoppers pick from: the published catalog.
pub struct Catalog {
    pub product_slugs: Vec<String>,
    pub category_slugs: Vec<String>,
    pub words: Vec<String>,
    pub skus: Arc<Vec<String>>,
}

/// One step's record: latencies inside the measured window, errors, and how many
/// succeeded over the whole run.
#[derive(Default)]
pub struct Step {
    pub measured: Vec<Duration>,
    pub errors: u64,
    pub succeeded: u64,
    /// The first error, as an example.
    pub example: Option<String>,
}

#[derive(Default)]
pub struct Outcome {
    /// By step name (`product [session]`, `checkout + pay` …).
    pub steps: BTreeMap<String, Step>,
    /// Visits finished inside the measured window.
    pub visits: u64,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        self.visits += other.visits;
        for (name, step) in other.steps {
            let total = self.steps.entry(name).or_default();
            total.measured.extend(step.measured);
            total.errors += step.errors;
            total.succeeded += step.succeeded;
            if total.example.is_none() {
                total.example = step.example;
            }
        }
    }
}

pub async fn run(bases: &[String], catalog: Arc<Catalog>, settings: &Settings) -> Outcome {
    let start = Instant::now();
    let window = (
        start + settings.warmup,
        start + settings.warmup + settings.measure,
    );
    let tasks: Vec<_> = (0..settings.shoppers)
        .map(|n| {
            tokio::spawn(shop_until(
                bases.to_vec(),
                Arc::clone(&catalog),
                n as u64,
                window,
            ))
        })
        .collect();
    let mut total = Outcome::default();
    for task in tasks {
        total.merge(task.await.expect("shopper task"));
    }
    total
}

/// A small deterministic random source (SplitMix64), one per shopper.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<'a>(&mut self, from: &'a [String]) -> &'a str {
        &from[self.below(from.len())]
    }
}

/// `word` with a typo a shopper makes: two neighbouring letters swapped.
fn misspell(word: &str, dice: &mut Dice) -> String {
    let mut letters: Vec<char> = word.chars().collect();
    if letters.len() >= 2 {
        let at = dice.below(letters.len() - 1);
        letters.swap(at, at + 1);
    }
    letters.into_iter().collect()
}

async fn shop_until(
    bases: Vec<String>,
    catalog: Arc<Catalog>,
    n: u64,
    (from, until): (Instant, Instant),
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut dice = Dice(n.wrapping_mul(7919) + 1);
    let mut guest = Guest::new(&bases[0]);
    let mut visits_by_guest = 0;
    let mut visit_number = n as usize;
    while Instant::now() < until {
        if visits_by_guest == VISITS_PER_GUEST {
            guest.forget();
            visits_by_guest = 0;
        }
        guest.move_to(&bases[visit_number % bases.len()]);
        visit_number += 1;
        let finished = visit(&mut guest, &catalog, &mut dice, &mut outcome, (from, until)).await;
        visits_by_guest += 1;
        let now = Instant::now();
        if finished && now >= from && now < until {
            outcome.visits += 1;
        }
        if !finished {
            // Start again as a new guest, with nothing left in a cart.
            guest.forget();
            visits_by_guest = 0;
        }
    }
    outcome
}

/// One visit; false when a step failed (the rest of the visit is abandoned).
async fn visit(
    guest: &mut Guest,
    catalog: &Catalog,
    dice: &mut Dice,
    outcome: &mut Outcome,
    window: (Instant, Instant),
) -> bool {
    let mut paths = vec![
        ("home", "/".to_owned()),
        (
            "category",
            format!("/categories/{}", dice.pick(&catalog.category_slugs)),
        ),
    ];
    for _ in 0..2 {
        paths.push((
            "product",
            format!("/products/{}", dice.pick(&catalog.product_slugs)),
        ));
    }
    let word = dice.pick(&catalog.words).to_owned();
    let (search, word) = if dice.chance(MISSPELT) {
        ("search, misspelt", misspell(&word, dice))
    } else {
        ("search", word)
    };
    paths.push((search, format!("/search?q={word}")));
    for (page, path) in paths {
        let kind = if guest.has_session() {
            "session"
        } else {
            "anonymous"
        };
        let started = Instant::now();
        let result = guest.page(&path).await;
        if !record(
            outcome,
            &format!("{page} [{kind}]"),
            started,
            window,
            result,
        ) {
            return false;
        }
    }
    if !dice.chance(ADD_TO_CART) {
        return true;
    }
    let sku = dice.pick(&catalog.skus).to_owned();
    let started = Instant::now();
    let added = guest.add_to_cart(&sku).await;
    if !record(outcome, "add to cart", started, window, added) {
        return false;
    }
    if !dice.chance(PAY) {
        return true;
    }
    let started = Instant::now();
    let paid = guest.checkout_and_pay("shopper@shop.test").await;
    record(outcome, "checkout + pay", started, window, paid)
}

/// Records how step `name` went; true when it succeeded.
fn record<T>(
    outcome: &mut Outcome,
    name: &str,
    started: Instant,
    (from, until): (Instant, Instant),
    result: Result<T, String>,
) -> bool {
    let finished = Instant::now();
    let step = outcome.steps.entry(name.to_owned()).or_default();
    match result {
        Ok(_) => {
            step.succeeded += 1;
            if finished >= from && finished < until {
                step.measured.push(finished - started);
            }
            true
        }
        Err(why) => {
            step.errors += 1;
            step.example.get_or_insert(why);
            false
        }
    }
}
