//! The product form's field names, and what was typed written into and read back from
//! the flat `name → value` map a refused form travels with (see `crate::forms`). Shared
//! by the server and the pages; reading the form into a product is the server's
//! (`server::read`).

use super::api::{AttributeFields, ProductFields, VariantFields};
use std::collections::BTreeMap;

/// Blank rows of each kind the form always offers, for adding without JavaScript.
pub const BLANK_ROWS: usize = 2;

/// The form's name for a field of the `row`th variant: `variants[0][sku]`.
pub fn variant_field(row: usize, field: &str) -> String {
    format!("variants[{row}][{field}]")
}

/// The form's name for a field of the `row`th attribute: `attributes[0][name]`.
pub fn attribute_field(row: usize, field: &str) -> String {
    format!("attributes[{row}][{field}]")
}

/// Everything typed, by the form's field names, to put back on a refused form.
pub fn typed_values(fields: &ProductFields) -> BTreeMap<String, String> {
    let mut typed = BTreeMap::new();
    for (name, value) in [
        ("name", &fields.name),
        ("slug", &fields.slug),
        ("description", &fields.description),
        ("category_id", &fields.category_id),
        ("featured", &fields.featured),
        ("published", &fields.published),
    ] {
        typed.insert(name.to_owned(), value.clone());
    }
    for (row, a) in fields.attributes.iter().enumerate() {
        for (name, value) in [
            ("name", &a.name),
            ("value", &a.value),
            ("remove", &a.remove),
        ] {
            typed.insert(attribute_field(row, name), value.clone());
        }
    }
    for (row, v) in fields.variants.iter().enumerate() {
        for (name, value) in [
            ("id", &v.id),
            ("sku", &v.sku),
            ("options", &v.options),
            ("price", &v.price),
            ("compare_at", &v.compare_at),
            ("stock", &v.stock),
            ("remove", &v.remove),
        ] {
            typed.insert(variant_field(row, name), value.clone());
        }
    }
    typed
}

/// The form as typed, read back from [`typed_values`]; `None` when nothing was kept.
/// A stored variant's stock is not typed: it comes from `stored`.
pub fn fields_from_typed(
    typed: &BTreeMap<String, String>,
    stored: &ProductFields,
) -> Option<ProductFields> {
    if typed.is_empty() {
        return None;
    }
    let get = |name: &str| typed.get(name).cloned().unwrap_or_default();
    let rows = |prefix: &str| {
        (0..)
            .take_while(|row| {
                let start = format!("{prefix}[{row}][");
                typed
                    .range(start.clone()..)
                    .next()
                    .is_some_and(|(key, _)| key.starts_with(&start))
            })
            .count()
    };
    let attributes = (0..rows("attributes"))
        .map(|row| AttributeFields {
            name: get(&attribute_field(row, "name")),
            value: get(&attribute_field(row, "value")),
            remove: get(&attribute_field(row, "remove")),
        })
        .collect();
    let variants = (0..rows("variants"))
        .map(|row| {
            let id = get(&variant_field(row, "id"));
            let stock = match stored
                .variants
                .iter()
                .find(|v| !id.is_empty() && v.id == id)
            {
                Some(stored) => stored.stock.clone(),
                None => get(&variant_field(row, "stock")),
            };
            VariantFields {
                sku: get(&variant_field(row, "sku")),
                options: get(&variant_field(row, "options")),
                price: get(&variant_field(row, "price")),
                compare_at: get(&variant_field(row, "compare_at")),
                remove: get(&variant_field(row, "remove")),
                stock,
                id,
            }
        })
        .collect();
    Some(ProductFields {
        name: get("name"),
        slug: get("slug"),
        description: get("description"),
        category_id: get("category_id"),
        featured: get("featured"),
        published: get("published"),
        attributes,
        variants,
    })
}

/// The stored product's fields with [`BLANK_ROWS`] empty rows of each kind to add.
pub fn with_blank_rows(mut fields: ProductFields) -> ProductFields {
    fields
        .attributes
        .extend(std::iter::repeat_n(AttributeFields::default(), BLANK_ROWS));
    fields
        .variants
        .extend(std::iter::repeat_n(VariantFields::default(), BLANK_ROWS));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(sku: &str, price: &str) -> VariantFields {
        VariantFields {
            sku: sku.to_owned(),
            price: price.to_owned(),
            ..VariantFields::default()
        }
    }

    fn form(variants: Vec<VariantFields>) -> ProductFields {
        ProductFields {
            name: " Amber Oak Bowl ".to_owned(),
            category_id: "3".to_owned(),
            published: "true".to_owned(),
            variants,
            ..ProductFields::default()
        }
    }

    #[test]
    fn what_was_typed_comes_back_row_by_row() {
        let mut stored = variant("A-1", "5.00");
        stored.id = "7".to_owned();
        stored.stock = "12".to_owned();
        let mut typed = form(vec![
            stored.clone(),
            variant("A-2", "6"),
            VariantFields::default(),
        ]);
        typed.attributes = vec![AttributeFields::default()];
        let mut values = typed_values(&typed);
        // A stored variant's stock is not on the form.
        values.remove("variants[0][stock]");
        let back = fields_from_typed(&values, &form(vec![stored])).unwrap();
        assert_eq!(back, typed);
        assert_eq!(fields_from_typed(&BTreeMap::new(), &typed), None);
        let blank = with_blank_rows(ProductFields::default());
        assert_eq!((blank.variants.len(), blank.attributes.len()), (2, 2));
    }
}
