//! Value comparisons with the framework's semantics, on top of `tfvalue`'s
//! helpers: refinements ignored, sets compared without regard to order.

use tfvalue::{AttributePath, Value};

/// cty equality as Terraform uses it when comparing prior and planned values:
/// refinements are ignored (two unknowns are "equal" here, which suits callers
/// that treat unknown separately), sets compare without regard to order, and
/// numbers compare by value.
pub(crate) fn values_equal(a: &Value, b: &Value) -> bool {
    match (a.unwrap_dynamic(), b.unwrap_dynamic()) {
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

/// Paths of every unknown value inside `value`, for diagnostics.
pub(crate) fn unknown_paths(value: &Value) -> Vec<AttributePath> {
    let mut out = Vec::new();
    value.walk(&mut |path, v| {
        if v.is_unknown() {
            out.push(path.clone());
        }
        true
    });
    out
}

/// `value` with every unknown replaced by null: what Terraform expects in a
/// partially created object returned together with an error.
pub(crate) fn unknowns_to_null(value: Value) -> Value {
    value.transform(&mut |_, v| if v.is_unknown() { Value::Null } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfvalue::Refinements;

    #[test]
    fn equality_ignores_set_order_and_refinements() {
        let a = Value::Set(vec![Value::string("a"), Value::string("b")]);
        let b = Value::Set(vec![Value::string("b"), Value::string("a")]);
        assert!(values_equal(&a, &b));
        let refined = Value::Unknown(Refinements::default().not_null());
        assert!(values_equal(&refined, &Value::unknown()));
        assert!(!values_equal(&Value::Null, &Value::string("")));
        assert!(!values_equal(&Value::unknown(), &Value::string("")));
    }

    #[test]
    fn unknowns_become_null_and_are_found() {
        let v = Value::object([("id", Value::string("x")), ("status", Value::unknown())]);
        let paths = unknown_paths(&v);
        assert_eq!(paths, [AttributePath::root().attr("status")]);
        let nulled = unknowns_to_null(v);
        assert!(nulled.is_wholly_known());
        assert_eq!(nulled.get_attr("status"), Some(&Value::Null));
    }
}
