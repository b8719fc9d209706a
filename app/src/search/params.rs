//! A [`ProductQuery`] to and from URL query parameters, one set of rules for the
//! pages and the JSON API: `q`, `category`, `min_price`, `max_price` (minor units),
//! `in_stock`, `sort`, `page`, `per_page`, and any other lower-case name as an
//! attribute filter (`brand=Northbank`).

use super::api::{ProductQuery, Sort, MAX_PER_PAGE};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest query worth reading; anything longer is a mistake or an attack.
pub const MAX_QUERY_CHARS: usize = 200;

/// A parameter that cannot be used, and why, in words for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadParam {
    pub name: String,
    pub reason: String,
}

impl fmt::Display for BadParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.name, self.reason)
    }
}

fn bad(name: &str, reason: &str) -> BadParam {
    BadParam {
        name: name.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Attribute names: a lower-case letter, then lower-case letters, digits or `_`.
pub fn is_attribute_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && name.len() <= 40
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

fn price(name: &str, value: &str) -> Result<i64, BadParam> {
    value
        .parse::<i64>()
        .ok()
        .filter(|p| *p >= 0)
        .ok_or_else(|| {
            bad(
                name,
                "must be a whole number of minor units (pence, cents), 0 or more",
            )
        })
}

impl ProductQuery {
    /// Reads query parameters, naming the first one that cannot be used.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ProductQuery, BadParam> {
        let mut query = ProductQuery::default();
        for (name, value) in pairs {
            match name {
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(bad("q", "must be at most 200 characters"));
                    }
                    query.q = value.trim().to_owned();
                }
                "category" => {
                    query.category = Some(value.to_owned()).filter(|c| !c.is_empty());
                }
                "min_price" => query.min_price = Some(price(name, value)?),
                "max_price" => query.max_price = Some(price(name, value)?),
                "in_stock" => {
                    query.in_stock = match value {
                        "true" | "1" | "on" => true,
                        "false" | "0" | "" => false,
                        _ => return Err(bad("in_stock", "must be true or false")),
                    }
                }
                "sort" => {
                    query.sort = Sort::from_key(value).ok_or_else(|| {
                        bad(
                            "sort",
                            "must be one of relevance, price_asc, price_desc, newest, name",
                        )
                    })?
                }
                "page" => {
                    query.page = value
                        .parse::<u32>()
                        .ok()
                        .filter(|p| *p >= 1)
                        .ok_or_else(|| bad("page", "must be a whole number, 1 or more"))?
                }
                "per_page" => {
                    query.per_page = value
                        .parse::<u32>()
                        .ok()
                        .filter(|p| (1..=MAX_PER_PAGE).contains(p))
                        .ok_or_else(|| bad("per_page", "must be a whole number from 1 to 100"))?
                }
                _ if is_attribute_name(name) => {
                    if !value.is_empty() {
                        query.attributes.push((name.to_owned(), value.to_owned()));
                    }
                }
                _ => return Err(bad(name, "is not a parameter of this search")),
            }
        }
        if let (Some(min), Some(max)) = (query.min_price, query.max_price) {
            if min > max {
                return Err(bad("max_price", "must not be below min_price"));
            }
        }
        query.attributes.sort();
        query.attributes.dedup();
        Ok(query)
    }

    /// The query as URL parameters (`?q=…&page=2`), defaults left out, or "".
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let Some(category) = &self.category {
            pairs.push(("category", category.clone()));
        }
        if let Some(min) = self.min_price {
            pairs.push(("min_price", min.to_string()));
        }
        if let Some(max) = self.max_price {
            pairs.push(("max_price", max.to_string()));
        }
        if self.in_stock {
            pairs.push(("in_stock", "true".to_owned()));
        }
        for (name, value) in &self.attributes {
            pairs.push((name, value.clone()));
        }
        if self.sort != Sort::Relevance {
            pairs.push(("sort", self.sort.key().to_owned()));
        }
        if self.per_page != ProductQuery::default().per_page {
            pairs.push(("per_page", self.per_page.to_string()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if pairs.is_empty() {
            return String::new();
        }
        let encoded: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
            .collect();
        format!("?{}", encoded.join("&"))
    }

    /// The same query on another page.
    pub fn with_page(&self, page: u32) -> ProductQuery {
        ProductQuery {
            page,
            ..self.clone()
        }
    }

    /// The same query with a changed filter, back on page 1.
    pub fn refined(&self, change: impl FnOnce(&mut ProductQuery)) -> ProductQuery {
        let mut query = self.with_page(1);
        change(&mut query);
        query.attributes.sort();
        query
    }

    /// Is `name = value` one of the attribute filters?
    pub fn has_attribute(&self, name: &str, value: &str) -> bool {
        self.attributes.iter().any(|(n, v)| n == name && v == value)
    }

    /// The query with the attribute filter `name = value` switched on or off.
    pub fn toggle_attribute(&self, name: &str, value: &str) -> ProductQuery {
        let on = self.has_attribute(name, value);
        self.refined(|q| {
            if on {
                q.attributes.retain(|(n, v)| !(n == name && v == value));
            } else {
                q.attributes.push((name.to_owned(), value.to_owned()));
            }
        })
    }
}

/// `application/x-www-form-urlencoded` encoding: what a GET form would send.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<ProductQuery, BadParam> {
        ProductQuery::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn every_parameter_is_read() {
        let query = parse(&[
            ("q", " oak bowl "),
            ("category", "tableware"),
            ("min_price", "1000"),
            ("max_price", "2499"),
            ("in_stock", "true"),
            ("sort", "price_desc"),
            ("page", "3"),
            ("per_page", "50"),
            ("brand", "Northbank"),
            ("brand", "Little Wren"),
        ])
        .unwrap();
        assert_eq!(query.q, "oak bowl");
        assert_eq!(query.category.as_deref(), Some("tableware"));
        assert_eq!((query.min_price, query.max_price), (Some(1000), Some(2499)));
        assert!(query.in_stock);
        assert_eq!(query.sort, Sort::PriceDesc);
        assert_eq!((query.page, query.per_page), (3, 50));
        assert_eq!(
            query.attributes,
            [
                ("brand".to_owned(), "Little Wren".to_owned()),
                ("brand".to_owned(), "Northbank".to_owned())
            ]
        );
    }

    #[test]
    fn a_bad_parameter_is_named() {
        for (pairs, name) in [
            (vec![("page", "0")], "page"),
            (vec![("page", "two")], "page"),
            (vec![("per_page", "101")], "per_page"),
            (vec![("min_price", "-5")], "min_price"),
            (vec![("max_price", "9.99")], "max_price"),
            (
                vec![("min_price", "500"), ("max_price", "100")],
                "max_price",
            ),
            (vec![("sort", "cheapest")], "sort"),
            (vec![("in_stock", "maybe")], "in_stock"),
            (vec![("Brand!", "x")], "Brand!"),
        ] {
            assert_eq!(parse(&pairs).unwrap_err().name, name, "{pairs:?}");
        }
        let long = "a".repeat(201);
        assert_eq!(parse(&[("q", &long)]).unwrap_err().name, "q");
    }

    #[test]
    fn query_strings_encode_values_and_leave_defaults_out() {
        assert_eq!(ProductQuery::default().to_query_string(), "");
        let query = parse(&[
            ("q", "crème & co"),
            ("in_stock", "1"),
            ("brand", "Old Mill Co."),
            ("page", "2"),
        ])
        .unwrap();
        let text = query.to_query_string();
        assert_eq!(
            text,
            "?q=cr%C3%A8me+%26+co&in_stock=true&brand=Old+Mill+Co.&page=2"
        );
        assert_eq!(
            query.toggle_attribute("brand", "Old Mill Co.").attributes,
            []
        );
        assert_eq!(query.toggle_attribute("brand", "Northbank").page, 1);
    }
}
