//! A total order over values and the canonical form of sets.
//!
//! cty iterates sets of primitives in a defined order (strings by bytes,
//! numbers numerically, false before true, unknowns then nulls last) and
//! leaves the order of other element types undefined; we follow it for
//! primitives and extend it structurally to everything else.

use std::cmp::Ordering;

use super::Value;

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Known non-null values first (grouped by kind), then unknowns, then null;
/// within a kind, contents compare structurally (numbers numerically, strings
/// by bytes). Consistent with `==`.
impl Ord for Value {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Number(a), Value::Number(b)) => a.cmp(b),
            (Value::String(a), Value::String(b)) => a.cmp(b),
            (Value::List(a), Value::List(b))
            | (Value::Set(a), Value::Set(b))
            | (Value::Tuple(a), Value::Tuple(b)) => a.cmp(b),
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => a.cmp(b),
            (Value::Dynamic(ta, a), Value::Dynamic(tb, b)) => ta.cmp(tb).then_with(|| a.cmp(b)),
            (Value::Unknown(a), Value::Unknown(b)) => a.cmp(b),
            (Value::Null, Value::Null) => Ordering::Equal,
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

fn rank(v: &Value) -> u8 {
    match v {
        Value::Bool(_) => 0,
        Value::Number(_) => 1,
        Value::String(_) => 2,
        Value::List(_) => 3,
        Value::Set(_) => 4,
        Value::Map(_) => 5,
        Value::Object(_) => 6,
        Value::Tuple(_) => 7,
        Value::Dynamic(..) => 8,
        Value::Unknown(_) => 9,
        Value::Null => 10,
    }
}

/// Sorts set elements and removes duplicates the way cty's set membership
/// works: two elements collapse only when they are equal *and* wholly known
/// (an unknown is never equal to anything, not even another unknown).
pub(crate) fn canonicalize_set(elements: &mut Vec<Value>) {
    if elements.len() < 2 {
        return;
    }
    elements.sort_unstable();
    elements.dedup_by(|a, b| a == b && a.is_wholly_known());
}

impl Value {
    /// Puts every set inside the value (at any depth) into canonical form.
    /// Decoders and [`Value::set`] already produce canonical sets; this is
    /// for values assembled with `Value::Set(vec)` directly.
    pub fn canonicalize(&mut self) {
        match self {
            Value::Set(items) => {
                items.iter_mut().for_each(Value::canonicalize);
                canonicalize_set(items);
            }
            Value::List(items) | Value::Tuple(items) => {
                items.iter_mut().for_each(Value::canonicalize);
            }
            Value::Map(entries) | Value::Object(entries) => {
                entries.values_mut().for_each(Value::canonicalize);
            }
            Value::Dynamic(_, inner) => inner.canonicalize(),
            Value::Null
            | Value::Unknown(_)
            | Value::Bool(_)
            | Value::Number(_)
            | Value::String(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Number;

    #[test]
    fn primitive_sets_follow_cty_order() {
        let s = Value::set([
            Value::Null,
            Value::unknown(),
            Value::from("b"),
            Value::from("a"),
            Value::from("B"),
        ]);
        assert_eq!(
            s,
            Value::Set(vec![
                Value::from("B"),
                Value::from("a"),
                Value::from("b"),
                Value::unknown(),
                Value::Null,
            ])
        );
        let n = Value::set([
            Value::from(10),
            Value::Number(Number::parse("2.5").expect("number")),
            Value::Number(Number::NegInfinity),
            Value::from(-1),
        ]);
        let text: Vec<String> = n
            .as_set()
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_number)
            .map(ToString::to_string)
            .collect();
        assert_eq!(text, ["-Inf", "-1", "2.5", "10"]);
        assert_eq!(
            Value::set([Value::from(true), Value::from(false)]),
            Value::Set(vec![Value::from(false), Value::from(true)])
        );
    }

    #[test]
    fn duplicates_collapse_only_when_known() {
        let s = Value::set([
            Value::from(1),
            Value::Number(Number::parse("1.0").expect("number")),
            Value::unknown(),
            Value::unknown(),
            Value::Null,
            Value::Null,
            Value::object([("a", Value::unknown())]),
            Value::object([("a", Value::unknown())]),
            Value::object([("a", Value::from("x"))]),
            Value::object([("a", Value::from("x"))]),
        ]);
        // {1}, two unknowns, {null}, two objects with unknowns, {object "x"}
        assert_eq!(s.len(), Some(7));
    }

    #[test]
    fn canonicalize_reaches_nested_sets() {
        let mut v = Value::list([Value::Set(vec![
            Value::from(2),
            Value::from(1),
            Value::from(2),
        ])]);
        v.canonicalize();
        assert_eq!(
            v,
            Value::list([Value::Set(vec![Value::from(1), Value::from(2)])])
        );
    }
}
