//! Guests placing orders over HTTP, as a browser's JavaScript does.

use crate::guest::Guest;
use crate::Settings;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One paid order: how long the whole sequence took, and the `pay` call alone.
pub struct Order {
    pub sequence: Duration,
    pub pay: Duration,
}

#[derive(Default)]
pub struct Outcome {
    /// Orders finished inside the measured window.
    pub measured: Vec<Order>,
    /// Every order the shoppers saw paid, warm-up and the tail included.
    pub paid: u64,
    pub failures: u64,
    /// Failures by step and status (`add_to_cart answered 500`), with an example.
    pub failure_kinds: BTreeMap<String, (u64, String)>,
}

pub async fn run(base: &str, skus: &Arc<Vec<String>>, settings: &Settings) -> Outcome {
    let start = Instant::now();
    let window = (
        start + settings.warmup,
        start + settings.warmup + settings.measure,
    );
    let tasks: Vec<_> = (0..settings.shoppers)
        .map(|n| {
            let shopper = Guest::new(base);
            tokio::spawn(shop_until(
                shopper,
                Arc::clone(skus),
                n,
                window,
                settings.orders_per_guest,
            ))
        })
        .collect();
    let mut total = Outcome::default();
    for task in tasks {
        let outcome = task.await.expect("shopper task");
        total.measured.extend(outcome.measured);
        total.paid += outcome.paid;
        total.failures += outcome.failures;
        for (kind, (count, example)) in outcome.failure_kinds {
            total.failure_kinds.entry(kind).or_insert((0, example)).0 += count;
        }
    }
    total
}

/// Places orders until the window ends, a new guest every `orders_per_guest` orders.
async fn shop_until(
    mut shopper: Guest,
    skus: Arc<Vec<String>>,
    n: usize,
    (from, until): (Instant, Instant),
    orders_per_guest: u32,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut placed_by_guest = 0;
    // Shoppers walk the catalog from different places, so orders spread over it.
    let mut next = n * 7919;
    while Instant::now() < until {
        if placed_by_guest == orders_per_guest {
            shopper.forget();
            placed_by_guest = 0;
        }
        let sku = &skus[next % skus.len()];
        next += 1;
        let started = Instant::now();
        match shopper.order(sku).await {
            Ok(pay) => {
                let finished = Instant::now();
                outcome.paid += 1;
                placed_by_guest += 1;
                if finished >= from && finished < until {
                    outcome.measured.push(Order {
                        sequence: finished - started,
                        pay,
                    });
                }
            }
            Err(why) => {
                outcome.failures += 1;
                let kind = why.split(':').next().unwrap_or_default().to_owned();
                outcome.failure_kinds.entry(kind).or_insert((0, why)).0 += 1;
                // Start again as a new guest, with nothing left in a cart.
                shopper.forget();
                placed_by_guest = 0;
            }
        }
    }
    outcome
}
