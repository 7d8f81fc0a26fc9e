//! Visiting and rewriting every value inside a value, with its path (e.g.
//! to mark computed attributes unknown in a planned state).
//!
//! Paths use `Attribute` for object attributes, `ElementKeyString` for map
//! keys and `ElementKeyInt` for list/tuple indexes and for set elements'
//! positions. [`Value::Dynamic`] wrappers are transparent: callbacks see the
//! wrapped value at the wrapper's path, and the wrapper keeps its type.

use std::convert::Infallible;

use super::ordering::canonicalize_set;
use super::{AttributePath, PathStep, Value};

impl Value {
    /// Calls `f` on every value, parents before children. Returning `false`
    /// skips the children of that value.
    pub fn walk<F>(&self, f: &mut F)
    where
        F: FnMut(&AttributePath, &Value) -> bool,
    {
        let mut path = AttributePath::root();
        walk(self, &mut path, f);
    }

    /// Rebuilds the value bottom-up: children are transformed first, then `f`
    /// receives each rebuilt value and returns its replacement. Sets are put
    /// back into canonical order afterwards.
    pub fn transform<F>(self, f: &mut F) -> Value
    where
        F: FnMut(&AttributePath, Value) -> Value,
    {
        let mut infallible = |path: &AttributePath, v: Value| Ok::<_, Infallible>(f(path, v));
        match self.try_transform(&mut infallible) {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// [`Value::transform`] with a callback that can fail; the first error
    /// stops the walk.
    pub fn try_transform<E, F>(self, f: &mut F) -> Result<Value, E>
    where
        F: FnMut(&AttributePath, Value) -> Result<Value, E>,
    {
        let mut path = AttributePath::root();
        transform(self, &mut path, f)
    }
}

fn walk<F>(value: &Value, path: &mut AttributePath, f: &mut F)
where
    F: FnMut(&AttributePath, &Value) -> bool,
{
    let value = value.unwrap_dynamic();
    if !f(path, value) {
        return;
    }
    match value {
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::ElementKeyInt(i as i64));
                walk(item, path, f);
                path.pop();
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                path.push(PathStep::ElementKeyString(k.clone()));
                walk(v, path, f);
                path.pop();
            }
        }
        Value::Object(attrs) => {
            for (k, v) in attrs {
                path.push(PathStep::Attribute(k.clone()));
                walk(v, path, f);
                path.pop();
            }
        }
        Value::Null
        | Value::Unknown(_)
        | Value::Bool(_)
        | Value::Number(_)
        | Value::String(_)
        | Value::Dynamic(..) => {}
    }
}

fn transform<E, F>(value: Value, path: &mut AttributePath, f: &mut F) -> Result<Value, E>
where
    F: FnMut(&AttributePath, Value) -> Result<Value, E>,
{
    let rebuilt = match value {
        Value::Dynamic(ty, inner) => {
            return Ok(Value::Dynamic(ty, Box::new(transform(*inner, path, f)?)));
        }
        Value::List(items) => Value::List(transform_items(items, path, f)?),
        Value::Tuple(items) => Value::Tuple(transform_items(items, path, f)?),
        Value::Set(items) => {
            let mut items = transform_items(items, path, f)?;
            canonicalize_set(&mut items);
            Value::Set(items)
        }
        Value::Map(mut entries) => {
            for (k, v) in entries.iter_mut() {
                path.push(PathStep::ElementKeyString(k.clone()));
                let old = std::mem::replace(v, Value::Null);
                *v = transform(old, path, f)?;
                path.pop();
            }
            Value::Map(entries)
        }
        Value::Object(mut attrs) => {
            for (k, v) in attrs.iter_mut() {
                path.push(PathStep::Attribute(k.clone()));
                let old = std::mem::replace(v, Value::Null);
                *v = transform(old, path, f)?;
                path.pop();
            }
            Value::Object(attrs)
        }
        leaf @ (Value::Null
        | Value::Unknown(_)
        | Value::Bool(_)
        | Value::Number(_)
        | Value::String(_)) => leaf,
    };
    f(path, rebuilt)
}

fn transform_items<E, F>(
    items: Vec<Value>,
    path: &mut AttributePath,
    f: &mut F,
) -> Result<Vec<Value>, E>
where
    F: FnMut(&AttributePath, Value) -> Result<Value, E>,
{
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        path.push(PathStep::ElementKeyInt(i as i64));
        out.push(transform(item, path, f)?);
        path.pop();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Type;

    fn planned() -> Value {
        Value::object([
            ("id", Value::Null),
            ("name", Value::from("x")),
            (
                "billing",
                Value::list([Value::object([
                    ("status", Value::Null),
                    ("len", Value::from(1)),
                ])]),
            ),
            ("tags", Value::map([("env", Value::from("prod"))])),
            ("ids", Value::set([Value::from("b"), Value::from("a")])),
            ("any", Value::dynamic(Type::String, Value::from("d"))),
        ])
    }

    #[test]
    fn walk_visits_with_paths() {
        let mut seen = Vec::new();
        planned().walk(&mut |path, v| {
            seen.push(format!("{path}={}", v.kind_name()));
            path.to_string() != "tags"
        });
        assert_eq!(
            seen,
            [
                "=object",
                "any=string",
                "billing=list",
                "billing[0]=object",
                "billing[0].len=number",
                "billing[0].status=null",
                "id=null",
                "ids=set",
                "ids[0]=string",
                "ids[1]=string",
                "name=string",
                "tags=map",
            ]
        );
    }

    #[test]
    fn transform_marks_computed_attributes_unknown() {
        let computed = ["id", "billing[0].status"];
        let out = planned().transform(&mut |path, v| {
            if v.is_null() && computed.contains(&path.to_string().as_str()) {
                Value::unknown()
            } else {
                v
            }
        });
        assert!(out.get_attr("id").is_some_and(Value::is_unknown));
        let status = AttributePath::root()
            .attr("billing")
            .index(0)
            .attr("status");
        assert!(status.apply_to(&out).is_some_and(Value::is_unknown));
        assert_eq!(out.get_attr("name"), Some(&Value::from("x")));
        assert!(matches!(
            out.get_attr("any"),
            Some(Value::Dynamic(Type::String, _))
        ));
    }

    #[test]
    fn transform_recanonicalizes_sets_and_stops_on_error() {
        let out = planned().transform(&mut |_, v| match v.as_str() {
            Some("a") => Value::from("z"),
            Some("b") => Value::from("z"),
            _ => v,
        });
        assert_eq!(
            out.get_attr("ids"),
            Some(&Value::Set(vec![Value::from("z")]))
        );

        let result = planned().try_transform(&mut |path, v| {
            if v.as_str() == Some("prod") {
                Err(path.to_string())
            } else {
                Ok(v)
            }
        });
        assert_eq!(result, Err(r#"tags["env"]"#.to_owned()));
    }
}
