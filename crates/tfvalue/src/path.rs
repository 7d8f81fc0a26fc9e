//! Building, printing and following [`AttributePath`]s.

use std::fmt;

use super::{AttributePath, PathStep, Value};

impl AttributePath {
    /// The empty path: the whole value.
    pub fn root() -> Self {
        AttributePath(Vec::new())
    }

    /// This path extended by an object attribute step.
    #[must_use]
    pub fn attr(mut self, name: impl Into<String>) -> Self {
        self.0.push(PathStep::Attribute(name.into()));
        self
    }

    /// This path extended by a list or tuple index step.
    #[must_use]
    pub fn index(mut self, index: i64) -> Self {
        self.0.push(PathStep::ElementKeyInt(index));
        self
    }

    /// This path extended by a map key step.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.0.push(PathStep::ElementKeyString(key.into()));
        self
    }

    /// Appends a step.
    pub fn push(&mut self, step: PathStep) {
        self.0.push(step);
    }

    /// Removes and returns the last step.
    pub fn pop(&mut self) -> Option<PathStep> {
        self.0.pop()
    }

    /// The steps, from the root.
    pub fn steps(&self) -> &[PathStep] {
        &self.0
    }

    /// The number of steps.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is the root.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The last step, `None` at the root.
    pub fn last(&self) -> Option<&PathStep> {
        self.0.last()
    }

    /// The path without its last step (`None` at the root).
    pub fn parent(&self) -> Option<AttributePath> {
        let (_, rest) = self.0.split_last()?;
        Some(AttributePath(rest.to_vec()))
    }

    /// Whether `prefix` is this path or one of its ancestors.
    pub fn starts_with(&self, prefix: &AttributePath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// The value this path addresses inside `value`, or `None` when a step
    /// does not exist (including steps through null or unknown values).
    ///
    /// Dynamic wrappers are transparent. `ElementKeyString` also selects
    /// object attributes, as Terraform addresses elements of map-nested blocks
    /// whose implied type became an object. Set elements are addressed by
    /// their position in the canonical order (Terraform itself never sends
    /// paths into sets).
    pub fn apply_to<'a>(&self, value: &'a Value) -> Option<&'a Value> {
        let mut current = value;
        for step in &self.0 {
            current = step.apply_to(current)?;
        }
        Some(current)
    }

    /// Like [`AttributePath::apply_to`], for changing the addressed value in
    /// place. Paths into sets are refused: editing an element in place could
    /// break the set's canonical order.
    pub fn apply_to_mut<'a>(&self, value: &'a mut Value) -> Option<&'a mut Value> {
        let mut current = value;
        for step in &self.0 {
            current = step.apply_to_mut(current)?;
        }
        Some(current)
    }
}

impl PathStep {
    fn apply_to<'a>(&self, value: &'a Value) -> Option<&'a Value> {
        match (self, value.unwrap_dynamic()) {
            (PathStep::Attribute(name), Value::Object(attrs)) => attrs.get(name),
            (PathStep::ElementKeyString(key), Value::Map(entries) | Value::Object(entries)) => {
                entries.get(key)
            }
            (
                PathStep::ElementKeyInt(i),
                Value::List(items) | Value::Tuple(items) | Value::Set(items),
            ) => items.get(usize::try_from(*i).ok()?),
            _ => None,
        }
    }

    fn apply_to_mut<'a>(&self, value: &'a mut Value) -> Option<&'a mut Value> {
        match (self, value.unwrap_dynamic_mut()) {
            (PathStep::Attribute(name), Value::Object(attrs)) => attrs.get_mut(name),
            (PathStep::ElementKeyString(key), Value::Map(entries) | Value::Object(entries)) => {
                entries.get_mut(key)
            }
            (PathStep::ElementKeyInt(i), Value::List(items) | Value::Tuple(items)) => {
                items.get_mut(usize::try_from(*i).ok()?)
            }
            _ => None,
        }
    }
}

/// HCL-ish rendering as Terraform shows paths: `billing[0].reservation_length`,
/// `tags["env"]`. The root path renders as the empty string.
impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => f.write_str(name)?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::ElementKeyString(key) => write!(f, "[{key:?}]")?,
                PathStep::ElementKeyInt(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl From<Vec<PathStep>> for AttributePath {
    fn from(steps: Vec<PathStep>) -> Self {
        AttributePath(steps)
    }
}

impl FromIterator<PathStep> for AttributePath {
    fn from_iter<I: IntoIterator<Item = PathStep>>(iter: I) -> Self {
        AttributePath(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        Value::object([
            (
                "billing",
                Value::list([Value::object([
                    ("reservation_length", Value::from(3)),
                    ("payment_timing", Value::string("Prepaid")),
                ])]),
            ),
            ("tags", Value::map([("env", Value::string("prod"))])),
            (
                "any",
                Value::dynamic(
                    Type::object([("x", Type::Bool)]),
                    Value::object([("x", Value::from(true))]),
                ),
            ),
            ("ids", Value::set([Value::string("b"), Value::string("a")])),
        ])
    }

    use crate::Type;

    #[test]
    fn renders_like_terraform() {
        let p = AttributePath::root()
            .attr("billing")
            .index(0)
            .attr("reservation_length");
        assert_eq!(p.to_string(), "billing[0].reservation_length");
        assert_eq!(
            AttributePath::root().attr("tags").key("env").to_string(),
            r#"tags["env"]"#
        );
        assert_eq!(AttributePath::root().to_string(), "");
        assert_eq!(
            AttributePath::root().index(2).attr("a").to_string(),
            "[2].a"
        );
        assert_eq!(
            AttributePath::root().attr("m").key("a\"b").to_string(),
            r#"m["a\"b"]"#
        );
    }

    #[test]
    fn follows_paths() {
        let v = sample();
        let p = AttributePath::root()
            .attr("billing")
            .index(0)
            .attr("reservation_length");
        assert_eq!(p.apply_to(&v), Some(&Value::from(3)));
        assert_eq!(
            AttributePath::root().attr("tags").key("env").apply_to(&v),
            Some(&Value::string("prod"))
        );
        assert_eq!(
            AttributePath::root().attr("any").attr("x").apply_to(&v),
            Some(&Value::from(true))
        );
        assert_eq!(
            AttributePath::root().attr("ids").index(0).apply_to(&v),
            Some(&Value::string("a"))
        );
        assert_eq!(AttributePath::root().apply_to(&v), Some(&v));
        for missing in [
            AttributePath::root().attr("billing").index(1),
            AttributePath::root().attr("billing").index(-1),
            AttributePath::root().attr("tags").attr("env"),
            AttributePath::root().attr("nope"),
            AttributePath::root().attr("billing").key("0"),
        ] {
            assert_eq!(missing.apply_to(&v), None, "{missing}");
        }
    }

    #[test]
    fn edits_in_place() {
        let mut v = sample();
        let p = AttributePath::root()
            .attr("billing")
            .index(0)
            .attr("payment_timing");
        *p.apply_to_mut(&mut v).expect("exists") = Value::Null;
        assert_eq!(p.apply_to(&v), Some(&Value::Null));
        assert!(AttributePath::root()
            .attr("ids")
            .index(0)
            .apply_to_mut(&mut v)
            .is_none());
        assert_eq!(
            p.parent().map(|p| p.to_string()),
            Some("billing[0]".to_owned())
        );
        assert!(p.starts_with(&AttributePath::root().attr("billing")));
    }
}
