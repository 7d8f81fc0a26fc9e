//! Small value helpers the framework needs: path navigation, semantic
//! equality, known-ness and type conformance.
//!
//! DEDUPE: `tfvalue` is growing its own value helpers and path builders; once
//! they land, the overlapping functions here should delegate to them. They
//! live here (crate-private) so the framework could be built before that.

use crate::tfvalue::{AttributePath, PathStep, Type, Value};

/// `path` extended by an attribute step.
pub(crate) fn attr_path(path: &AttributePath, name: &str) -> AttributePath {
    let mut steps = path.0.clone();
    steps.push(PathStep::Attribute(name.to_owned()));
    AttributePath(steps)
}

/// `path` extended by a list index step.
pub(crate) fn index_path(path: &AttributePath, index: usize) -> AttributePath {
    let mut steps = path.0.clone();
    // A Vec index always fits in i64 on supported targets (isize::MAX <= i64::MAX).
    steps.push(PathStep::ElementKeyInt(
        i64::try_from(index).unwrap_or(i64::MAX),
    ));
    AttributePath(steps)
}

/// `path` extended by a map key step.
pub(crate) fn key_path(path: &AttributePath, key: &str) -> AttributePath {
    let mut steps = path.0.clone();
    steps.push(PathStep::ElementKeyString(key.to_owned()));
    AttributePath(steps)
}

/// Renders a path the way Terraform users read them: `billing[0].payment_timing`,
/// `tags["env"]`.
pub(crate) fn format_path(path: &AttributePath) -> String {
    let mut out = String::new();
    for step in &path.0 {
        match step {
            PathStep::Attribute(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            PathStep::ElementKeyString(key) => {
                out.push_str(&format!("[{key:?}]"));
            }
            PathStep::ElementKeyInt(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The attribute `name` of an object value; `None` when `value` is not a known
/// object or lacks the attribute.
pub(crate) fn get_attr<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    match value {
        Value::Object(attrs) => attrs.get(name),
        _ => None,
    }
}

/// The value at `path`, or `None` when the path does not exist in `value`
/// (including paths through null or unknown values).
pub(crate) fn get_path<'a>(value: &'a Value, path: &AttributePath) -> Option<&'a Value> {
    let mut current = value;
    for step in &path.0 {
        // A dynamic wrapper is transparent to navigation.
        while let Value::Dynamic(_, inner) = current {
            current = inner;
        }
        current = match (step, current) {
            (PathStep::Attribute(name), Value::Object(attrs)) => attrs.get(name)?,
            (PathStep::ElementKeyString(key), Value::Map(entries)) => entries.get(key)?,
            (PathStep::ElementKeyString(key), Value::Object(attrs)) => attrs.get(key)?,
            (PathStep::ElementKeyInt(i), Value::List(items) | Value::Tuple(items)) => {
                items.get(usize::try_from(*i).ok()?)?
            }
            _ => return None,
        };
    }
    Some(current)
}

/// A mutable reference to the value at `path`; `None` when the path does not
/// exist.
pub(crate) fn get_path_mut<'a>(
    value: &'a mut Value,
    path: &AttributePath,
) -> Option<&'a mut Value> {
    let mut current = value;
    for step in &path.0 {
        current = match (step, current) {
            (PathStep::Attribute(name), Value::Object(attrs)) => attrs.get_mut(name)?,
            (PathStep::ElementKeyString(key), Value::Map(entries)) => entries.get_mut(key)?,
            (PathStep::ElementKeyString(key), Value::Object(attrs)) => attrs.get_mut(key)?,
            (PathStep::ElementKeyInt(i), Value::List(items) | Value::Tuple(items)) => {
                items.get_mut(usize::try_from(*i).ok()?)?
            }
            _ => return None,
        };
    }
    Some(current)
}

/// cty equality as Terraform uses it when comparing prior and planned values:
/// refinements are ignored (two unknowns are "equal" here, which suits callers
/// that treat unknown separately), sets compare without regard to order, and
/// numbers compare by value.
pub(crate) fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Unknown(_), Value::Unknown(_)) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(l, r)| values_equal(l, r))
        }
        (Value::Set(x), Value::Set(y)) => sets_equal(x, y),
        (Value::Map(x), Value::Map(y)) | (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((lk, lv), (rk, rv))| lk == rk && values_equal(lv, rv))
        }
        (Value::Dynamic(tx, x), Value::Dynamic(ty, y)) => tx == ty && values_equal(x, y),
        // A dynamic wrapper around a value compares equal to the bare value: the
        // wrapper only records the type, which both sides share by construction.
        (Value::Dynamic(_, x), y) | (y, Value::Dynamic(_, x)) => values_equal(x, y),
        _ => false,
    }
}

/// Set equality without relying on canonical element order (values built by
/// resources are not necessarily canonical).
pub(crate) fn sets_equal(x: &[Value], y: &[Value]) -> bool {
    x.len() == y.len()
        && x.iter().all(|l| y.iter().any(|r| values_equal(l, r)))
        && y.iter().all(|r| x.iter().any(|l| values_equal(l, r)))
}

pub(crate) fn is_unknown(value: &Value) -> bool {
    matches!(value, Value::Unknown(_))
}

/// True when no unknown value appears anywhere inside `value`.
pub(crate) fn is_wholly_known(value: &Value) -> bool {
    match value {
        Value::Unknown(_) => false,
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            items.iter().all(is_wholly_known)
        }
        Value::Map(entries) | Value::Object(entries) => entries.values().all(is_wholly_known),
        Value::Dynamic(_, inner) => is_wholly_known(inner),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
    }
}

/// Paths of every unknown value inside `value`, for diagnostics.
pub(crate) fn unknown_paths(value: &Value, path: &AttributePath, out: &mut Vec<AttributePath>) {
    match value {
        Value::Unknown(_) => out.push(path.clone()),
        Value::List(items) | Value::Tuple(items) => {
            for (i, item) in items.iter().enumerate() {
                unknown_paths(item, &index_path(path, i), out);
            }
        }
        // Set elements have no path of their own in protocol 5; point at the set.
        Value::Set(items) => {
            if !items.iter().all(is_wholly_known) {
                out.push(path.clone());
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                unknown_paths(v, &key_path(path, k), out);
            }
        }
        Value::Object(entries) => {
            for (k, v) in entries {
                unknown_paths(v, &attr_path(path, k), out);
            }
        }
        Value::Dynamic(_, inner) => unknown_paths(inner, path, out),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

/// `value` with every unknown replaced by null: what Terraform expects in a
/// partially created object returned together with an error.
pub(crate) fn unknowns_to_null(value: Value) -> Value {
    match value {
        Value::Unknown(_) => Value::Null,
        Value::List(items) => Value::List(items.into_iter().map(unknowns_to_null).collect()),
        Value::Set(items) => Value::Set(items.into_iter().map(unknowns_to_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.into_iter().map(unknowns_to_null).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k, unknowns_to_null(v)))
                .collect(),
        ),
        Value::Object(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k, unknowns_to_null(v)))
                .collect(),
        ),
        Value::Dynamic(ty, inner) => Value::Dynamic(ty, Box::new(unknowns_to_null(*inner))),
        other => other,
    }
}

/// Where and why a value does not conform to a type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Nonconformance {
    pub path: AttributePath,
    pub message: String,
}

/// Checks that `value` can be encoded with `ty`: every object attribute present
/// and no extra ones, element kinds matching, tuple lengths exact.
pub(crate) fn check_conforms(
    value: &Value,
    ty: &Type,
    path: &AttributePath,
) -> Result<(), Nonconformance> {
    let fail = |message: String| {
        Err(Nonconformance {
            path: path.clone(),
            message,
        })
    };
    match (ty, value) {
        (_, Value::Null | Value::Unknown(_)) => Ok(()),
        (Type::Dynamic, Value::Dynamic(inner_ty, inner)) => check_conforms(inner, inner_ty, path),
        // A bare value in a dynamic position is accepted: the encoder can infer
        // simple types, and the tfvalue codec decides what it can serialise.
        (Type::Dynamic, _) => Ok(()),
        (Type::Bool, Value::Bool(_))
        | (Type::Number, Value::Number(_))
        | (Type::String, Value::String(_)) => Ok(()),
        (Type::List(elem), Value::List(items)) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_conforms(item, elem, &index_path(path, i))),
        (Type::Set(elem), Value::Set(items)) => items
            .iter()
            .try_for_each(|item| check_conforms(item, elem, path)),
        (Type::Map(elem), Value::Map(entries)) => entries
            .iter()
            .try_for_each(|(k, v)| check_conforms(v, elem, &key_path(path, k))),
        (Type::Object(attr_types), Value::Object(attrs)) => {
            if let Some(extra) = attrs.keys().find(|k| !attr_types.contains_key(*k)) {
                return fail(format!("unsupported attribute {extra:?}"));
            }
            for (name, attr_ty) in attr_types {
                match attrs.get(name) {
                    Some(v) => check_conforms(v, attr_ty, &attr_path(path, name))?,
                    None => return fail(format!("attribute {name:?} is required")),
                }
            }
            Ok(())
        }
        (Type::Tuple(elem_types), Value::Tuple(items)) => {
            if elem_types.len() != items.len() {
                return fail(format!(
                    "tuple of {} elements required, got {}",
                    elem_types.len(),
                    items.len()
                ));
            }
            items
                .iter()
                .zip(elem_types)
                .enumerate()
                .try_for_each(|(i, (item, t))| check_conforms(item, t, &index_path(path, i)))
        }
        (_, other) => fail(format!(
            "{} required, got {}",
            type_name(ty),
            value_kind(other)
        )),
    }
}

fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "bool",
        Type::Number => "number",
        Type::String => "string",
        Type::Dynamic => "any value",
        Type::List(_) => "list",
        Type::Set(_) => "set",
        Type::Map(_) => "map",
        Type::Object(_) => "object",
        Type::Tuple(_) => "tuple",
    }
}

fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Unknown(_) => "unknown",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfvalue::{Number, Refinements};
    use std::collections::BTreeMap;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn path_formatting_reads_like_hcl() {
        let p = attr_path(&AttributePath::default(), "billing");
        let p = index_path(&p, 0);
        let p = attr_path(&p, "payment_timing");
        assert_eq!(format_path(&p), "billing[0].payment_timing");
        let t = key_path(&attr_path(&AttributePath::default(), "tags"), "env");
        assert_eq!(format_path(&t), "tags[\"env\"]");
    }

    #[test]
    fn get_and_set_by_path() {
        let mut v = obj(&[(
            "billing",
            Value::List(vec![obj(&[(
                "payment_timing",
                Value::String("Prepaid".into()),
            )])]),
        )]);
        let p = attr_path(
            &index_path(&attr_path(&AttributePath::default(), "billing"), 0),
            "payment_timing",
        );
        assert_eq!(get_path(&v, &p), Some(&Value::String("Prepaid".into())));
        *get_path_mut(&mut v, &p).expect("path exists") = Value::Null;
        assert_eq!(get_path(&v, &p), Some(&Value::Null));
        let missing = index_path(&attr_path(&AttributePath::default(), "billing"), 3);
        assert_eq!(get_path(&v, &missing), None);
    }

    #[test]
    fn equality_ignores_set_order_and_refinements() {
        let a = Value::Set(vec![Value::String("a".into()), Value::String("b".into())]);
        let b = Value::Set(vec![Value::String("b".into()), Value::String("a".into())]);
        assert!(values_equal(&a, &b));
        let refined = Value::Unknown(Refinements {
            nullness: Some(false),
            ..Refinements::default()
        });
        assert!(values_equal(
            &refined,
            &Value::Unknown(Refinements::default())
        ));
        assert!(!values_equal(&Value::Null, &Value::String(String::new())));
    }

    #[test]
    fn conformance_reports_the_path() {
        let ty = Type::Object(BTreeMap::from([
            ("id".to_owned(), Type::String),
            ("tags".to_owned(), Type::Map(Box::new(Type::String))),
        ]));
        let good = obj(&[
            ("id", Value::Null),
            (
                "tags",
                Value::Map(BTreeMap::from([(
                    "a".to_owned(),
                    Value::String("b".into()),
                )])),
            ),
        ]);
        assert!(check_conforms(&good, &ty, &AttributePath::default()).is_ok());
        let bad = obj(&[
            ("id", Value::Null),
            (
                "tags",
                Value::Map(BTreeMap::from([(
                    "a".to_owned(),
                    Value::Number(Number::from_i64(1)),
                )])),
            ),
        ]);
        let err = check_conforms(&bad, &ty, &AttributePath::default()).expect_err("bad");
        assert_eq!(format_path(&err.path), "tags[\"a\"]");
        let missing = obj(&[("id", Value::Null)]);
        assert!(check_conforms(&missing, &ty, &AttributePath::default()).is_err());
    }

    #[test]
    fn unknowns_become_null_and_are_found() {
        let v = obj(&[
            ("id", Value::String("x".into())),
            ("status", Value::Unknown(Refinements::default())),
        ]);
        let mut paths = Vec::new();
        unknown_paths(&v, &AttributePath::default(), &mut paths);
        assert_eq!(paths.len(), 1);
        assert_eq!(format_path(&paths[0]), "status");
        let nulled = unknowns_to_null(v);
        assert!(is_wholly_known(&nulled));
        assert_eq!(get_attr(&nulled, "status"), Some(&Value::Null));
    }
}
