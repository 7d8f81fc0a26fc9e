//! Per-attribute validators declared in the schema and evaluated by the
//! framework at validate time (`ValidateResourceTypeConfig`, which Terraform
//! also calls right before every plan with the then-known values).
//!
//! A validator sees only known, non-null values: null means "not set" (the
//! schema's required/optional flags cover that) and unknown values are checked
//! again once they become known.

use std::fmt;
use std::sync::Arc;

use bigdecimal::ToPrimitive;

use super::duration::parse_go_duration;
use tfvalue::{Number, Value};

type CheckFn = dyn Fn(&Value) -> Result<(), String> + Send + Sync;

/// A named check. On failure it returns a message completing the sentence
/// "`<attribute path>` ...", e.g. `must be one of "Prepaid", "Postpaid"; got "Foo"`.
#[derive(Clone)]
pub struct Validator {
    description: String,
    check: Arc<CheckFn>,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("description", &self.description)
            .finish()
    }
}

impl Validator {
    /// A validator from any check over the (known, non-null) value.
    pub fn new(
        description: impl Into<String>,
        check: impl Fn(&Value) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        Self {
            description: description.into(),
            check: Arc::new(check),
        }
    }

    /// What the validator requires, for documentation and logs.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Runs the check. Null and unknown values always pass.
    pub fn check(&self, value: &Value) -> Result<(), String> {
        match value {
            Value::Null | Value::Unknown(_) => Ok(()),
            Value::Dynamic(_, inner) => self.check(inner),
            v => (self.check)(v),
        }
    }
}

/// The string must be one of `allowed` (exact, case-sensitive match).
pub fn one_of_strings(allowed: &[&str]) -> Validator {
    let allowed: Vec<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
    let listed = allowed
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    Validator::new(format!("one of {listed}"), move |v| match v {
        Value::String(s) if allowed.iter().any(|a| a == s) => Ok(()),
        Value::String(s) => Err(format!("must be one of {listed}; got {s:?}")),
        other => Err(format!("must be a string; got {}", describe(other))),
    })
}

/// The number must be a whole number equal to one of `allowed`.
pub fn int_one_of(allowed: &[i64]) -> Validator {
    let allowed = allowed.to_vec();
    let listed = allowed
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Validator::new(format!("one of {listed}"), move |v| {
        let n = as_integer(v)?;
        if allowed.contains(&n) {
            Ok(())
        } else {
            Err(format!("must be one of {listed}; got {n}"))
        }
    })
}

/// The number must be a whole number within `min..=max`.
pub fn int_between(min: i64, max: i64) -> Validator {
    Validator::new(format!("a whole number from {min} to {max}"), move |v| {
        let n = as_integer(v)?;
        if (min..=max).contains(&n) {
            Ok(())
        } else {
            Err(format!("must be between {min} and {max}; got {n}"))
        }
    })
}

/// The number must be a whole number `>= min`.
pub fn int_at_least(min: i64) -> Validator {
    Validator::new(format!("a whole number of at least {min}"), move |v| {
        let n = as_integer(v)?;
        if n >= min {
            Ok(())
        } else {
            Err(format!("must be at least {min}; got {n}"))
        }
    })
}

/// The string's length in characters must be within `min..=max`.
pub fn string_length_between(min: usize, max: usize) -> Validator {
    Validator::new(format!("a string of {min} to {max} characters"), move |v| {
        let s = as_str(v)?;
        let len = s.chars().count();
        if (min..=max).contains(&len) {
            Ok(())
        } else {
            Err(format!(
                "must be {min} to {max} characters long; got {len} characters"
            ))
        }
    })
}

/// The string must not be empty (or only whitespace).
pub fn string_not_empty() -> Validator {
    Validator::new("a non-empty string", |v| {
        if as_str(v)?.trim().is_empty() {
            Err("must not be empty".to_owned())
        } else {
            Ok(())
        }
    })
}

/// A string predicate with the message shown when it fails, e.g.
/// `string_matches("a VPC id like vpc-xxxxxxxx", |s| s.starts_with("vpc-"))`
/// reports `must be a VPC id like vpc-xxxxxxxx; got "abc"`.
pub fn string_matches(
    expectation: impl Into<String>,
    predicate: impl Fn(&str) -> bool + Send + Sync + 'static,
) -> Validator {
    let expectation = expectation.into();
    Validator::new(expectation.clone(), move |v| {
        let s = as_str(v)?;
        if predicate(s) {
            Ok(())
        } else {
            Err(format!("must be {expectation}; got {s:?}"))
        }
    })
}

/// A Go-style duration string such as `"10m"` or `"1h30m"`.
pub fn go_duration() -> Validator {
    Validator::new("a duration like \"10m\" or \"1h30m\"", |v| {
        parse_go_duration(as_str(v)?)
            .map(|_| ())
            .map_err(|e| format!("must be a duration like \"10m\", \"45s\" or \"1h30m\": {e}"))
    })
}

/// Applies `inner` to every key of a map (e.g. "tag keys must not be empty").
pub fn each_map_key(inner: Validator) -> Validator {
    Validator::new(format!("keys: {}", inner.description), move |v| match v {
        Value::Map(entries) => entries.keys().try_for_each(|k| {
            inner
                .check(&Value::String(k.clone()))
                .map_err(|e| format!("key {k:?} {e}"))
        }),
        other => Err(format!("must be a map; got {}", describe(other))),
    })
}

/// Applies `inner` to every element value of a map, list or set.
pub fn each_element(inner: Validator) -> Validator {
    Validator::new(
        format!("elements: {}", inner.description),
        move |v| match v {
            Value::Map(entries) => entries.iter().try_for_each(|(k, e)| {
                inner.check(e).map_err(|msg| format!("element {k:?} {msg}"))
            }),
            Value::List(items) | Value::Set(items) => items
                .iter()
                .try_for_each(|e| inner.check(e).map_err(|msg| format!("each element {msg}"))),
            other => Err(format!("must be a collection; got {}", describe(other))),
        },
    )
}

fn as_str(v: &Value) -> Result<&str, String> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(format!("must be a string; got {}", describe(other))),
    }
}

fn as_integer(v: &Value) -> Result<i64, String> {
    match v {
        Value::Number(Number::Finite(d)) if d.is_integer() => d
            .to_i64()
            .ok_or_else(|| format!("must be a whole number in range; got {d}")),
        Value::Number(Number::Finite(d)) => Err(format!("must be a whole number; got {d}")),
        Value::Number(_) => Err("must be a finite whole number; got infinity".to_owned()),
        other => Err(format!("must be a number; got {}", describe(other))),
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown(_) => "an unknown value",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) => "a list",
        Value::Set(_) => "a set",
        Value::Map(_) => "a map",
        Value::Object(_) => "an object",
        Value::Tuple(_) => "a tuple",
        Value::Dynamic(..) => "a dynamic value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bigdecimal::BigDecimal;
    use std::collections::BTreeMap;
    use std::str::FromStr;
    use tfvalue::Refinements;

    fn s(v: &str) -> Value {
        Value::String(v.to_owned())
    }
    fn n(v: &str) -> Value {
        Value::Number(Number::Finite(BigDecimal::from_str(v).expect("number")))
    }

    #[test]
    fn one_of_strings_names_the_choices() {
        let v = one_of_strings(&["Prepaid", "Postpaid"]);
        assert!(v.check(&s("Prepaid")).is_ok());
        let err = v.check(&s("prepaid")).expect_err("case-sensitive");
        assert_eq!(
            err,
            "must be one of \"Prepaid\", \"Postpaid\"; got \"prepaid\""
        );
        assert!(v.check(&Value::Null).is_ok());
        assert!(v.check(&Value::Unknown(Refinements::default())).is_ok());
    }

    #[test]
    fn integer_validators() {
        let v = int_one_of(&[1, 2, 3, 12, 24, 36]);
        assert!(v.check(&n("12")).is_ok());
        assert_eq!(
            v.check(&n("10")).expect_err("not allowed"),
            "must be one of 1, 2, 3, 12, 24, 36; got 10"
        );
        assert!(v
            .check(&n("1.5"))
            .expect_err("fraction")
            .contains("whole number"));
        let r = int_between(1, 10000);
        assert!(r.check(&n("1")).is_ok());
        assert!(r.check(&n("10000")).is_ok());
        assert!(r.check(&n("0")).is_err());
        assert!(r.check(&n("1e30")).is_err());
        assert!(int_at_least(1).check(&n("-3")).is_err());
    }

    #[test]
    fn string_validators() {
        assert!(string_not_empty().check(&s(" ")).is_err());
        assert!(string_length_between(1, 3).check(&s("abcd")).is_err());
        assert!(string_length_between(1, 3).check(&s("äöü")).is_ok());
        let vpc = string_matches("a VPC id like \"vpc-xxxxxxxx\"", |s| s.starts_with("vpc-"));
        assert_eq!(
            vpc.check(&s("abc")).expect_err("bad"),
            "must be a VPC id like \"vpc-xxxxxxxx\"; got \"abc\""
        );
        assert!(go_duration().check(&s("1h30m")).is_ok());
        assert!(go_duration().check(&s("10 minutes")).is_err());
    }

    #[test]
    fn collection_validators() {
        let tags = Value::Map(BTreeMap::from([("".to_owned(), s("x"))]));
        let err = each_map_key(string_not_empty())
            .check(&tags)
            .expect_err("empty key");
        assert_eq!(err, "key \"\" must not be empty");
        let ok = Value::Map(BTreeMap::from([("env".to_owned(), s("x"))]));
        assert!(each_element(string_not_empty()).check(&ok).is_ok());
    }
}
