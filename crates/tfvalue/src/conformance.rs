//! Does a value fit a type? The same rules the encoders enforce, checked
//! up front and strictly (every object attribute present).

use super::error::{ConformanceError, Mismatch};
use super::{AttributePath, PathStep, Type, Value};

impl Value {
    /// True when the value fits `ty` exactly: null and unknown fit anything;
    /// objects have exactly the type's attributes; tuples its length; values
    /// in `dynamic` positions are null, unknown, a [`Value::Dynamic`] whose
    /// inner value fits its recorded type, or a bare value whose type can be
    /// inferred ([`Value::implied_type`]).
    pub fn conforms_to(&self, ty: &Type) -> bool {
        self.check_conformance(ty).is_ok()
    }

    /// [`Value::conforms_to`] with the first problem and where it is.
    pub fn check_conformance(&self, ty: &Type) -> Result<(), ConformanceError> {
        let mut path = AttributePath::root();
        check(self, ty, &mut path).map_err(|kind| ConformanceError { path, kind })
    }
}

/// On error `path` is left pointing at the offending value.
fn check(value: &Value, ty: &Type, path: &mut AttributePath) -> Result<(), Mismatch> {
    match (ty, value) {
        (_, Value::Null | Value::Unknown(_)) => Ok(()),
        (Type::Dynamic, Value::Dynamic(inner_ty, inner)) => check(inner, inner_ty, path),
        (Type::Dynamic, bare) => match bare.implied_type() {
            Some(implied) => check(bare, &implied, path),
            None => Err(Mismatch::UninferableDynamic),
        },
        (Type::Bool, Value::Bool(_))
        | (Type::Number, Value::Number(_))
        | (Type::String, Value::String(_)) => Ok(()),
        (Type::List(elem), Value::List(items)) | (Type::Set(elem), Value::Set(items)) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::ElementKeyInt(i as i64));
                check(item, elem, path)?;
                path.pop();
            }
            Ok(())
        }
        (Type::Map(elem), Value::Map(entries)) => {
            for (k, v) in entries {
                path.push(PathStep::ElementKeyString(k.clone()));
                check(v, elem, path)?;
                path.pop();
            }
            Ok(())
        }
        (Type::Object(attr_types), Value::Object(attrs)) => {
            if let Some(extra) = attrs.keys().find(|k| !attr_types.contains_key(*k)) {
                return Err(Mismatch::UnsupportedAttribute(extra.clone()));
            }
            for (name, attr_ty) in attr_types {
                let Some(v) = attrs.get(name) else {
                    return Err(Mismatch::MissingAttribute(name.clone()));
                };
                path.push(PathStep::Attribute(name.clone()));
                check(v, attr_ty, path)?;
                path.pop();
            }
            Ok(())
        }
        (Type::Tuple(elem_types), Value::Tuple(items)) => {
            if elem_types.len() != items.len() {
                return Err(Mismatch::TupleLength {
                    expected: elem_types.len(),
                    given: items.len(),
                });
            }
            for (i, (item, t)) in items.iter().zip(elem_types).enumerate() {
                path.push(PathStep::ElementKeyInt(i as i64));
                check(item, t, path)?;
                path.pop();
            }
            Ok(())
        }
        (_, other) => Err(Mismatch::WrongKind {
            expected: ty.to_string(),
            found: other.kind_name(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Type {
        Type::object([
            ("id", Type::String),
            ("tags", Type::map(Type::String)),
            (
                "billing",
                Type::list(Type::object([("length", Type::Number)])),
            ),
            ("pair", Type::tuple([Type::Bool, Type::String])),
            ("any", Type::Dynamic),
        ])
    }

    fn good() -> Value {
        Value::object([
            ("id", Value::from("x")),
            ("tags", Value::map([("a", Value::from("b"))])),
            (
                "billing",
                Value::list([Value::object([("length", Value::from(1))])]),
            ),
            ("pair", Value::tuple([Value::from(true), Value::unknown()])),
            ("any", Value::dynamic(Type::Number, Value::from(3))),
        ])
    }

    #[test]
    fn accepts_conforming_values() {
        assert_eq!(good().check_conformance(&schema()), Ok(()));
        assert!(Value::Null.conforms_to(&schema()));
        assert!(Value::unknown().conforms_to(&schema()));
        let mut bare = good();
        bare.set_attr("any", Value::list([Value::from("inferred")]));
        assert!(bare.conforms_to(&schema()));
    }

    #[test]
    fn reports_first_problem_with_path() {
        let cases: Vec<(Value, &str)> = vec![
            (
                {
                    let mut v = good();
                    v.set_attr("tags", Value::map([("a", Value::from(1))]));
                    v
                },
                r#"tags["a"]: string required, found number"#,
            ),
            (
                {
                    let mut v = good();
                    v.set_attr("billing", Value::list([Value::object([("length", Value::from("x"))])]));
                    v
                },
                "billing[0].length: number required, found string",
            ),
            (
                {
                    let mut v = good();
                    v.set_attr("extra", Value::Null);
                    v
                },
                r#"unsupported attribute "extra""#,
            ),
            (
                Value::object([("id", Value::Null)]),
                r#"attribute "any" is required"#,
            ),
            (
                {
                    let mut v = good();
                    v.set_attr("pair", Value::tuple([Value::from(true)]));
                    v
                },
                "pair: a tuple of length 2 is required (1 given)",
            ),
            (
                {
                    let mut v = good();
                    v.set_attr("any", Value::list([Value::from(1), Value::from("x")]));
                    v
                },
                "any: cannot infer the type of this value in a dynamic position; wrap it in Value::Dynamic",
            ),
            (
                {
                    let mut v = good();
                    v.set_attr("any", Value::dynamic(Type::String, Value::from(1)));
                    v
                },
                "any: string required, found number",
            ),
            (
                {
                    let mut v = good();
                    v.set_attr("id", Value::dynamic(Type::String, Value::from("x")));
                    v
                },
                "id: string required, found dynamic value",
            ),
        ];
        for (value, want) in cases {
            let err = value.check_conformance(&schema()).expect_err(want);
            assert_eq!(err.to_string(), want);
        }
    }
}
