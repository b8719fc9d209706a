//! The demo catalog: a fixed category tree and as many generated products as asked
//! for. The same seed always gives the same catalog, whatever the batch size.

use super::demo_picture::{self, PICTURE_SIZE};
use super::writes::{
    insert_category, insert_product, record_changes, NewCategory, NewImage, NewProduct, NewVariant,
};
use crate::db::Db;
use crate::money::{Currency, Money};
use std::collections::HashMap;

/// Products written per transaction: big enough to be fast, small enough that a
/// progress bar moves and SQLite readers are not held up for long.
const BATCH: u64 = 500;

pub struct SeedOptions {
    pub products: u64,
    pub seed: u64,
    pub currency: Currency,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded {
        categories: u64,
        products: u64,
    },
    /// Seeding only fills an empty catalog; it never mixes with real products.
    CatalogNotEmpty {
        products: i64,
    },
}

struct Leaf {
    name: &'static str,
    nouns: &'static [&'static str],
    options: &'static [&'static str],
}

const SIZES: &[&str] = &["Small", "Medium", "Large"];
const COLOURS: &[&str] = &["Natural", "Charcoal", "Sage"];
const PACKS: &[&str] = &["Single", "Pair", "Set of four"];

/// (top-level category, its subcategories)
const TREE: &[(&str, &[Leaf])] = &[
    (
        "Home & Kitchen",
        &[
            Leaf {
                name: "Cookware",
                nouns: &["Saucepan", "Skillet", "Casserole", "Wok", "Stockpot"],
                options: SIZES,
            },
            Leaf {
                name: "Tableware",
                nouns: &["Bowl", "Plate", "Mug", "Jug", "Platter"],
                options: PACKS,
            },
            Leaf {
                name: "Storage",
                nouns: &["Jar", "Basket", "Canister", "Crate", "Tin"],
                options: SIZES,
            },
        ],
    ),
    (
        "Clothing",
        &[
            Leaf {
                name: "Knitwear",
                nouns: &["Jumper", "Cardigan", "Beanie", "Scarf", "Mittens"],
                options: SIZES,
            },
            Leaf {
                name: "Outerwear",
                nouns: &["Jacket", "Raincoat", "Gilet", "Parka", "Poncho"],
                options: SIZES,
            },
            Leaf {
                name: "Accessories",
                nouns: &["Tote", "Belt", "Wallet", "Cap", "Satchel"],
                options: COLOURS,
            },
        ],
    ),
    (
        "Garden",
        &[
            Leaf {
                name: "Planters",
                nouns: &["Planter", "Pot", "Trough", "Window Box", "Hanging Basket"],
                options: SIZES,
            },
            Leaf {
                name: "Tools",
                nouns: &["Trowel", "Pruner", "Rake", "Hoe", "Watering Can"],
                options: COLOURS,
            },
            Leaf {
                name: "Outdoor Lighting",
                nouns: &["Lantern", "String Lights", "Torch", "Path Light"],
                options: PACKS,
            },
        ],
    ),
    (
        "Stationery",
        &[
            Leaf {
                name: "Notebooks",
                nouns: &["Notebook", "Journal", "Sketchbook", "Planner", "Notepad"],
                options: COLOURS,
            },
            Leaf {
                name: "Pens & Pencils",
                nouns: &["Fountain Pen", "Pencil Set", "Marker", "Fineliner"],
                options: PACKS,
            },
            Leaf {
                name: "Desk",
                nouns: &[
                    "Desk Tidy",
                    "Letter Tray",
                    "Bookends",
                    "Desk Lamp",
                    "Stapler",
                ],
                options: COLOURS,
            },
        ],
    ),
    (
        "Toys & Games",
        &[
            Leaf {
                name: "Puzzles",
                nouns: &["Jigsaw", "Puzzle Box", "Tangram", "Maze"],
                options: PACKS,
            },
            Leaf {
                name: "Board Games",
                nouns: &["Chess Set", "Backgammon", "Dominoes", "Card Game"],
                options: COLOURS,
            },
            Leaf {
                name: "Wooden Toys",
                nouns: &[
                    "Train Set",
                    "Stacking Rings",
                    "Rocking Horse",
                    "Spinning Top",
                ],
                options: COLOURS,
            },
        ],
    ),
    (
        "Sport & Outdoors",
        &[
            Leaf {
                name: "Camping",
                nouns: &["Tent", "Sleeping Bag", "Camp Stove", "Flask", "Hammock"],
                options: SIZES,
            },
            Leaf {
                name: "Cycling",
                nouns: &["Bike Bell", "Pannier", "Saddle Bag", "Bike Light"],
                options: COLOURS,
            },
            Leaf {
                name: "Yoga",
                nouns: &["Yoga Mat", "Yoga Block", "Strap", "Bolster"],
                options: COLOURS,
            },
        ],
    ),
];

/// The demo catalog's adjectives and materials, public so the search benchmark builds
/// names from the same words.
pub const ADJECTIVES: &[&str] = &[
    "Amber", "Bold", "Classic", "Coastal", "Cosy", "Crisp", "Dappled", "Everyday", "Fern",
    "Gentle", "Harbour", "Heather", "Hillside", "Honey", "Juniper", "Linden", "Meadow", "Midnight",
    "Misty", "Nordic", "Orchard", "Pebble", "Rustic", "Saffron", "Slate", "Sunlit", "Tidal",
    "Urban", "Willow", "Woodland",
];

pub const MATERIALS: &[&str] = &[
    "Bamboo",
    "Brass",
    "Canvas",
    "Ceramic",
    "Copper",
    "Cotton",
    "Enamel",
    "Felt",
    "Glass",
    "Hemp",
    "Leather",
    "Linen",
    "Marble",
    "Oak",
    "Recycled",
    "Stoneware",
    "Walnut",
    "Wool",
];

/// Makers of the demo catalog, shown as the `brand` attribute.
const BRANDS: &[&str] = &[
    "Fenwick & Hale",
    "Harrow Works",
    "Little Wren",
    "Northbank",
    "Old Mill Co.",
    "Tamsin Reed",
];

/// SplitMix64: tiny, fast and fully determined by its seed.
struct Rng(u64);

impl Rng {
    fn for_product(seed: u64, index: u64) -> Rng {
        let mut rng = Rng(seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// One generated product, before it has a category id.
struct DemoProduct {
    leaf: usize,
    slug: String,
    name: String,
    description: String,
    featured: bool,
    variants: Vec<NewVariant>,
    images: Vec<NewImage>,
    attributes: Vec<(String, String)>,
}

fn leaves() -> Vec<&'static Leaf> {
    TREE.iter().flat_map(|(_, leaves)| leaves.iter()).collect()
}

fn demo_product(
    seed: u64,
    index: u64,
    currency: Currency,
    leaves: &[&Leaf],
    slugs: &mut HashMap<String, u32>,
) -> DemoProduct {
    let mut rng = Rng::for_product(seed, index);
    let leaf_index = rng.below(leaves.len() as u64) as usize;
    let leaf = leaves[leaf_index];
    let adjective = rng.pick(ADJECTIVES);
    let material = rng.pick(MATERIALS);
    let noun = rng.pick(leaf.nouns);
    let name = format!("{adjective} {material} {noun}");
    let base_slug = slugify(&name);
    let seen = slugs.entry(base_slug.clone()).or_insert(0);
    *seen += 1;
    let slug = if *seen == 1 {
        base_slug
    } else {
        format!("{base_slug}-{seen}")
    };
    // Every 25th product is featured, and featured ones always offer a choice.
    let featured = index.is_multiple_of(25);
    let variant_count = if featured {
        3
    } else {
        1 + rng.below(3) as usize
    };
    let base_price = (3 + rng.below(200) as i64) * 100 - 1; // £2.99 to £202.99
    let step = ((base_price / 5) / 100).max(1) * 100;
    let variants = (0..variant_count)
        .map(|k| {
            let stock = match rng.below(100) {
                0..=9 => 0,
                10..=19 => 1 + rng.below(5) as i64,
                _ => 6 + rng.below(60) as i64,
            };
            NewVariant {
                sku: format!("BZ-{:06}-{}", index + 1, k + 1),
                title: if variant_count == 1 {
                    "Standard".to_owned()
                } else {
                    leaf.options[k].to_owned()
                },
                price: Money::new(base_price + step * k as i64, currency),
                stock,
            }
        })
        .collect();
    let hue = rng.below(360) as u16;
    let pattern = rng.below(demo_picture::PATTERNS as u64) as u8;
    let description = format!(
        "{} {} {} in {}, made to last and chosen for everyday use. {} Part of our {} range.",
        if adjective.starts_with(['A', 'E', 'I', 'O', 'U']) {
            "An"
        } else {
            "A"
        },
        adjective.to_lowercase(),
        noun.to_lowercase(),
        material.to_lowercase(),
        rng.pick(&[
            "Each one is finished by hand.",
            "Designed in small batches.",
            "Easy to care for and built to be repaired.",
            "A favourite with our regulars.",
        ]),
        leaf.name.to_lowercase(),
    );
    let attributes = vec![
        ("brand".to_owned(), (*rng.pick(BRANDS)).to_owned()),
        ("material".to_owned(), (*material).to_owned()),
    ];
    DemoProduct {
        leaf: leaf_index,
        slug,
        name: name.clone(),
        description,
        featured,
        variants,
        images: vec![NewImage {
            storage_key: demo_picture::storage_key(hue, pattern),
            alt: format!("Illustration of the {name}"),
            width: PICTURE_SIZE,
            height: PICTURE_SIZE,
        }],
        attributes,
    }
}

/// Fills an empty catalog; `progress` hears how many products are stored so far.
pub async fn seed(
    db: &Db,
    options: &SeedOptions,
    mut progress: impl FnMut(u64),
) -> Result<SeedOutcome, sqlx::Error> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products")
        .fetch_one(db.pool())
        .await?;
    if existing > 0 {
        return Ok(SeedOutcome::CatalogNotEmpty { products: existing });
    }

    let mut tx = db.begin_write().await?;
    let mut leaf_ids = Vec::new();
    let mut categories = 0;
    for (position, (top_name, top_leaves)) in TREE.iter().enumerate() {
        let top_slug = slugify(top_name);
        let top_description = format!("Everything in {}.", top_name.to_lowercase());
        let top_id = insert_category(
            &mut tx,
            &NewCategory {
                parent_id: None,
                slug: &top_slug,
                name: top_name,
                description: &top_description,
                position: position as i64,
            },
        )
        .await?;
        categories += 1;
        for (position, leaf) in top_leaves.iter().enumerate() {
            let description = format!("Our {} collection.", leaf.name.to_lowercase());
            leaf_ids.push(
                insert_category(
                    &mut tx,
                    &NewCategory {
                        parent_id: Some(top_id),
                        slug: &slugify(leaf.name),
                        name: leaf.name,
                        description: &description,
                        position: position as i64,
                    },
                )
                .await?,
            );
            categories += 1;
        }
    }
    // A revision of its own, so search indexes learn the category tree at once.
    record_changes(&mut tx, &[]).await?;
    tx.commit().await?;

    let leaves = leaves();
    let mut slugs = HashMap::new();
    let mut done = 0;
    while done < options.products {
        let batch_end = (done + BATCH).min(options.products);
        let mut tx = db.begin_write().await?;
        let mut ids = Vec::with_capacity(BATCH as usize);
        for index in done..batch_end {
            let product = demo_product(options.seed, index, options.currency, &leaves, &mut slugs);
            let id = insert_product(
                &mut tx,
                &NewProduct {
                    category_id: leaf_ids[product.leaf],
                    slug: &product.slug,
                    name: &product.name,
                    description: &product.description,
                    featured: product.featured,
                    variants: &product.variants,
                    images: &product.images,
                    attributes: &product.attributes,
                },
            )
            .await?;
            ids.push(id);
        }
        record_changes(&mut tx, &ids).await?;
        tx.commit().await?;
        done = batch_end;
        progress(done);
    }
    Ok(SeedOutcome::Seeded {
        categories,
        products: options.products,
    })
}

/// A fresh test database holding the demo catalog with `products` products (seed 1).
#[cfg(test)]
pub(crate) async fn seeded_test_db(products: u64) -> crate::db::testing::TestDb {
    let test = crate::db::testing::TestDb::new().await;
    let options = SeedOptions {
        products,
        seed: 1,
        currency: Currency::GBP,
    };
    let outcome = seed(&test.db, &options, |_| {}).await.unwrap();
    assert!(matches!(outcome, SeedOutcome::Seeded { products: p, .. } if p == products));
    test
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(slugify("Home & Kitchen"), "home-kitchen");
        assert_eq!(slugify("  Pens & Pencils! "), "pens-pencils");
        assert_eq!(slugify("Amber Oak Bowl"), "amber-oak-bowl");
    }

    #[test]
    fn the_same_seed_gives_the_same_product() {
        let leaves = leaves();
        let a = demo_product(7, 42, Currency::GBP, &leaves, &mut HashMap::new());
        let b = demo_product(7, 42, Currency::GBP, &leaves, &mut HashMap::new());
        let c = demo_product(8, 42, Currency::GBP, &leaves, &mut HashMap::new());
        assert_eq!((a.name.clone(), a.slug.clone()), (b.name, b.slug));
        assert_eq!(a.variants.len(), b.variants.len());
        assert!(a.name != c.name || a.variants[0].price != c.variants[0].price);
    }

    #[test]
    fn products_have_one_to_three_variants_with_rising_prices() {
        let leaves = leaves();
        let mut slugs = HashMap::new();
        for index in 0..500 {
            let product = demo_product(1, index, Currency::GBP, &leaves, &mut slugs);
            assert!((1..=3).contains(&product.variants.len()));
            assert!(product
                .variants
                .windows(2)
                .all(|w| w[0].price.amount < w[1].price.amount));
            assert!(product
                .variants
                .iter()
                .all(|v| v.stock >= 0 && v.price.amount > 0));
            assert_eq!(product.images.len(), 1);
            if product.featured {
                assert_eq!(product.variants.len(), 3);
            }
        }
    }

    #[test]
    fn repeated_names_get_distinct_slugs() {
        let leaves = leaves();
        let mut slugs = HashMap::new();
        let all: std::collections::HashSet<String> = (0..20_000)
            .map(|i| demo_product(1, i, Currency::GBP, &leaves, &mut slugs).slug)
            .collect();
        assert_eq!(all.len(), 20_000);
    }
}
