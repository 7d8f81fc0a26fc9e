//! Walking an object type's attributes alongside an object value's.
//!
//! Both are `BTreeMap`s in the same key order, so one merge pass pairs them
//! without a lookup per attribute (the encoders' hot path).

use std::collections::btree_map;
use std::collections::BTreeMap;
use std::iter::Peekable;

use super::{Type, Value};

pub(crate) struct AttributeZip<'a> {
    types: btree_map::Iter<'a, String, Type>,
    values: Peekable<btree_map::Iter<'a, String, Value>>,
    extra: Option<&'a String>,
}

/// Yields every attribute of `types` with its value in `values` (`None` when
/// the value lacks it); [`AttributeZip::extra`] then names the first value
/// attribute the type does not have.
pub(crate) fn zip_attributes<'a>(
    types: &'a BTreeMap<String, Type>,
    values: &'a BTreeMap<String, Value>,
) -> AttributeZip<'a> {
    AttributeZip {
        types: types.iter(),
        values: values.iter().peekable(),
        extra: None,
    }
}

impl<'a> AttributeZip<'a> {
    /// Call after the iteration: the first attribute of the value that is
    /// not in the type.
    pub(crate) fn extra(mut self) -> Option<&'a String> {
        // Keys left after the last type attribute are extra too.
        self.extra.or_else(|| self.values.next().map(|(k, _)| k))
    }
}

impl<'a> Iterator for AttributeZip<'a> {
    type Item = (&'a String, &'a Type, Option<&'a Value>);

    fn next(&mut self) -> Option<Self::Item> {
        let (name, ty) = self.types.next()?;
        while let Some(&(key, value)) = self.values.peek() {
            match key.cmp(name) {
                std::cmp::Ordering::Less => {
                    self.extra.get_or_insert(key);
                    self.values.next();
                }
                std::cmp::Ordering::Equal => {
                    self.values.next();
                    return Some((name, ty, Some(value)));
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        Some((name, ty, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_attributes_and_finds_extras() {
        let ty = Type::object([("b", Type::String), ("d", Type::Bool)]);
        let Type::Object(types) = &ty else {
            unreachable!()
        };
        let pair = |v: &Value| -> (Vec<(String, bool)>, Option<String>) {
            let Value::Object(values) = v else {
                unreachable!()
            };
            let mut zip = zip_attributes(types, values);
            let seen = zip
                .by_ref()
                .map(|(k, _, v)| (k.clone(), v.is_some()))
                .collect();
            (seen, zip.extra().cloned())
        };
        let all = vec![("b".to_owned(), true), ("d".to_owned(), true)];
        assert_eq!(
            pair(&Value::object([("b", Value::Null), ("d", Value::Null)])),
            (all, None)
        );
        let missing = vec![("b".to_owned(), false), ("d".to_owned(), true)];
        assert_eq!(
            pair(&Value::object([("d", Value::Null)])),
            (missing.clone(), None)
        );
        assert_eq!(
            pair(&Value::object([("a", Value::Null), ("d", Value::Null)])),
            (missing, Some("a".to_owned()))
        );
        assert_eq!(
            pair(&Value::object([("b", Value::Null), ("e", Value::Null)])).1,
            Some("e".to_owned())
        );
        assert_eq!(
            pair(&Value::object([("c", Value::Null)])).1,
            Some("c".to_owned())
        );
    }
}
