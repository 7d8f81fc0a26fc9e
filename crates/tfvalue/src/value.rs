//! Builders and accessors for [`Value`].
//!
//! Values are untyped trees, so there is one null ([`Value::Null`]) and one
//! unknown shape for every type; the type travels separately. The only
//! exception is a value in a `dynamic` position, which the codecs wrap as
//! [`Value::Dynamic`] so its concrete type survives. Accessors look through
//! such wrappers.

use std::collections::BTreeMap;

use super::ordering::canonicalize_set;
use super::{Number, Refinements, Type, Value};

impl Value {
    /// A plain unknown (no refinements; msgpack extension 0).
    pub fn unknown() -> Value {
        Value::Unknown(Refinements::default())
    }

    /// An unknown that is definitely not null once known.
    pub fn unknown_not_null() -> Value {
        Value::Unknown(Refinements {
            nullness: Some(false),
            ..Refinements::default()
        })
    }

    /// An unknown value with refinements.
    pub fn unknown_refined(refinements: Refinements) -> Value {
        Value::Unknown(refinements)
    }

    /// A string.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A bool.
    pub fn bool(b: bool) -> Value {
        Value::Bool(b)
    }

    /// A number.
    pub fn number(n: impl Into<Number>) -> Value {
        Value::Number(n.into())
    }

    /// A list of these elements.
    pub fn list(elements: impl IntoIterator<Item = Value>) -> Value {
        Value::List(elements.into_iter().collect())
    }

    /// A set in canonical order with duplicates removed (as cty's `SetVal`).
    pub fn set(elements: impl IntoIterator<Item = Value>) -> Value {
        let mut elements: Vec<Value> = elements.into_iter().collect();
        canonicalize_set(&mut elements);
        Value::Set(elements)
    }

    /// A tuple of these elements.
    pub fn tuple(elements: impl IntoIterator<Item = Value>) -> Value {
        Value::Tuple(elements.into_iter().collect())
    }

    /// A map of these entries.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// An object of these attributes.
    pub fn object<K: Into<String>>(attributes: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(attributes.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// An object without attributes.
    pub fn empty_object() -> Value {
        Value::Object(BTreeMap::new())
    }

    /// `value` in a position of type `dynamic`, tagged with its concrete type.
    pub fn dynamic(ty: Type, value: Value) -> Value {
        Value::Dynamic(ty, Box::new(value))
    }

    /// The value inside any [`Value::Dynamic`] wrappers.
    pub fn unwrap_dynamic(&self) -> &Value {
        let mut v = self;
        while let Value::Dynamic(_, inner) = v {
            v = inner;
        }
        v
    }

    /// The concrete value inside a dynamic wrapper (itself otherwise), mutably.
    pub fn unwrap_dynamic_mut(&mut self) -> &mut Value {
        let mut v = self;
        while let Value::Dynamic(_, inner) = v {
            v = inner;
        }
        v
    }

    /// The concrete value inside a dynamic wrapper (itself otherwise), by value.
    pub fn into_unwrapped_dynamic(self) -> Value {
        let mut v = self;
        while let Value::Dynamic(_, inner) = v {
            v = *inner;
        }
        v
    }

    /// True for null, including a typed null inside a dynamic wrapper.
    pub fn is_null(&self) -> bool {
        matches!(self.unwrap_dynamic(), Value::Null)
    }

    /// False only for an unknown value itself (its elements are not looked at).
    pub fn is_known(&self) -> bool {
        !matches!(self.unwrap_dynamic(), Value::Unknown(_))
    }

    /// Whether it is unknown.
    pub fn is_unknown(&self) -> bool {
        !self.is_known()
    }

    /// True when no unknown appears anywhere inside the value.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter().all(Value::is_wholly_known)
            }
            Value::Map(entries) | Value::Object(entries) => {
                entries.values().all(Value::is_wholly_known)
            }
            Value::Dynamic(_, inner) => inner.is_wholly_known(),
        }
    }

    /// The refinements of an unknown value.
    pub fn refinements(&self) -> Option<&Refinements> {
        match self.unwrap_dynamic() {
            Value::Unknown(r) => Some(r),
            _ => None,
        }
    }

    /// Attribute `name` of a known object.
    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        self.as_object()?.get(name)
    }

    /// Attribute `name` of a known object, mutably.
    pub fn get_attr_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self.unwrap_dynamic_mut() {
            Value::Object(attrs) => attrs.get_mut(name),
            _ => None,
        }
    }

    /// Sets attribute `name` of an object, returning the previous value.
    /// `None` (and no change) when `self` is not a known object.
    pub fn set_attr(&mut self, name: impl Into<String>, value: Value) -> Option<Option<Value>> {
        match self.unwrap_dynamic_mut() {
            Value::Object(attrs) => Some(attrs.insert(name.into(), value)),
            _ => None,
        }
    }

    /// The string, when it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self.unwrap_dynamic() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bool, when it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.unwrap_dynamic() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, when it is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self.unwrap_dynamic() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// A number that is an integer within `i64` range.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.to_i64()
    }

    /// The number as a `u64`, when it is a whole number in range.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.to_u64()
    }

    /// The nearest `f64` of a number (see [`Number::to_f64`]).
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number()?.to_f64()
    }

    /// A list's elements.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self.unwrap_dynamic() {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// A set's elements.
    pub fn as_set(&self) -> Option<&[Value]> {
        match self.unwrap_dynamic() {
            Value::Set(items) => Some(items),
            _ => None,
        }
    }

    /// A tuple's elements.
    pub fn as_tuple(&self) -> Option<&[Value]> {
        match self.unwrap_dynamic() {
            Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple (the shapes a nested block list or
    /// set can take).
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self.unwrap_dynamic() {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// A map's entries.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unwrap_dynamic() {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// An object's attributes.
    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unwrap_dynamic() {
            Value::Object(attrs) => Some(attrs),
            _ => None,
        }
    }

    /// Entries of a map or attributes of an object (a map-nested block may be
    /// either).
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unwrap_dynamic() {
            Value::Map(entries) | Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// Number of elements, entries or attributes of a known collection or
    /// structural value.
    pub fn len(&self) -> Option<usize> {
        match self.unwrap_dynamic() {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => Some(items.len()),
            Value::Map(entries) | Value::Object(entries) => Some(entries.len()),
            _ => None,
        }
    }

    /// Whether a known collection or structural value has no elements.
    pub fn is_empty(&self) -> Option<bool> {
        self.len().map(|n| n == 0)
    }

    /// A short name of the value's shape for messages: `string`, `object`, …
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown(_) => "unknown value",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
            Value::Object(_) => "object",
            Value::Tuple(_) => "tuple",
            Value::Dynamic(..) => "dynamic value",
        }
    }

    /// The type a bare value implies when it sits in a `dynamic` position
    /// without a [`Value::Dynamic`] wrapper: primitives and objects/tuples of
    /// them; lists, sets and maps take the element type shared by their
    /// non-null known elements (`dynamic` when there is none). Null and
    /// unknown imply `dynamic`. `None` when elements disagree.
    pub fn implied_type(&self) -> Option<Type> {
        match self {
            Value::Null | Value::Unknown(_) => Some(Type::Dynamic),
            Value::Bool(_) => Some(Type::Bool),
            Value::Number(_) => Some(Type::Number),
            Value::String(_) => Some(Type::String),
            Value::Dynamic(ty, _) => Some(ty.clone()),
            Value::List(items) => Some(Type::List(Box::new(common_type(items.iter())?))),
            Value::Set(items) => Some(Type::Set(Box::new(common_type(items.iter())?))),
            Value::Map(entries) => Some(Type::Map(Box::new(common_type(entries.values())?))),
            Value::Object(attrs) => Some(Type::Object(
                attrs
                    .iter()
                    .map(|(k, v)| Some((k.clone(), v.implied_type()?)))
                    .collect::<Option<_>>()?,
            )),
            Value::Tuple(items) => Some(Type::Tuple(
                items
                    .iter()
                    .map(Value::implied_type)
                    .collect::<Option<_>>()?,
            )),
        }
    }
}

/// The one type all elements imply; null and unknown elements fit any type.
fn common_type<'a>(items: impl Iterator<Item = &'a Value>) -> Option<Type> {
    let mut found: Option<Type> = None;
    for item in items {
        if matches!(item, Value::Null | Value::Unknown(_)) {
            continue;
        }
        let ty = item.implied_type()?;
        match &found {
            None => found = Some(ty),
            Some(existing) if *existing == ty => {}
            Some(_) => return None,
        }
    }
    Some(found.unwrap_or(Type::Dynamic))
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}

macro_rules! value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Number(Number::from(v))
            }
        }
    )*};
}
value_from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl<T: Into<Value>> From<Option<T>> for Value {
    /// `None` becomes null.
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_and_accessors() {
        let v = Value::object([
            ("name", Value::from("peer")),
            ("bandwidth", Value::from(10)),
            ("enabled", Value::from(true)),
            ("missing", Value::from(None::<String>)),
            ("later", Value::unknown_not_null()),
            ("tags", Value::map([("env", Value::from("prod"))])),
            (
                "ids",
                Value::set([Value::from("b"), Value::from("a"), Value::from("b")]),
            ),
            ("wrapped", Value::dynamic(Type::String, Value::from("x"))),
        ]);
        assert_eq!(v.get_attr("name").and_then(Value::as_str), Some("peer"));
        assert_eq!(v.get_attr("bandwidth").and_then(Value::as_i64), Some(10));
        assert_eq!(v.get_attr("enabled").and_then(Value::as_bool), Some(true));
        assert!(v.get_attr("missing").is_some_and(Value::is_null));
        assert!(v.get_attr("later").is_some_and(Value::is_unknown));
        assert_eq!(
            v.get_attr("later")
                .and_then(Value::refinements)
                .and_then(|r| r.nullness),
            Some(false)
        );
        assert_eq!(
            v.get_attr("tags")
                .and_then(Value::as_map)
                .map(BTreeMap::len),
            Some(1)
        );
        assert_eq!(
            v.get_attr("ids").and_then(Value::as_set),
            Some(&[Value::from("a"), Value::from("b")][..])
        );
        assert_eq!(v.get_attr("wrapped").and_then(Value::as_str), Some("x"));
        assert!(!v.is_wholly_known());
        assert!(v.is_known());
        assert_eq!(v.len(), Some(8));
        assert_eq!(Value::Null.as_str(), None);
    }

    #[test]
    fn set_attr_changes_objects_only() {
        let mut v = Value::object([("a", Value::from(1))]);
        assert_eq!(v.set_attr("a", Value::Null), Some(Some(Value::from(1))));
        assert_eq!(v.set_attr("b", Value::from(2)), Some(None));
        assert_eq!(v.get_attr("b"), Some(&Value::from(2)));
        assert_eq!(Value::Null.set_attr("a", Value::Null), None);
    }

    #[test]
    fn implied_types() {
        let v = Value::object([
            ("a", Value::list([Value::from(1), Value::Null])),
            ("b", Value::tuple([Value::from("x"), Value::from(true)])),
            ("c", Value::Null),
            ("d", Value::map::<&str>([])),
        ]);
        assert_eq!(
            v.implied_type(),
            Some(Type::object([
                ("a", Type::list(Type::Number)),
                ("b", Type::tuple([Type::String, Type::Bool])),
                ("c", Type::Dynamic),
                ("d", Type::map(Type::Dynamic)),
            ]))
        );
        assert_eq!(
            Value::list([Value::from(1), Value::from("x")]).implied_type(),
            None
        );
    }
}
