//! The standard `timeouts` block: `timeouts { create = "10m" delete = "20m" }`,
//! Go duration strings validated at plan time, with per-resource defaults.

use std::fmt;
use std::time::Duration;

use super::duration::{format_go_duration, parse_go_duration};
use super::schema::{Attribute, Block, NestedBlock};
use super::validators;
use tfvalue::Value;

/// Name of the block in every schema that uses it.
pub const TIMEOUTS_BLOCK: &str = "timeouts";

/// The resource operations that can have a timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `create`.
    Create,
    /// `read`.
    Read,
    /// `update`.
    Update,
    /// `delete`.
    Delete,
}

impl Operation {
    /// The name used in the `timeouts` block.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Read => "read",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Default timeouts of a resource. Only operations given a default get an
/// attribute in the `timeouts` block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeouts {
    create: Option<Duration>,
    read: Option<Duration>,
    update: Option<Duration>,
    delete: Option<Duration>,
}

impl Timeouts {
    /// No timeouts.
    pub fn new() -> Self {
        Self::default()
    }

    /// A create timeout, with its default.
    pub fn create(mut self, default: Duration) -> Self {
        self.create = Some(default);
        self
    }

    /// A read timeout, with its default.
    pub fn read(mut self, default: Duration) -> Self {
        self.read = Some(default);
        self
    }

    /// An update timeout, with its default.
    pub fn update(mut self, default: Duration) -> Self {
        self.update = Some(default);
        self
    }

    /// A delete timeout, with its default.
    pub fn delete(mut self, default: Duration) -> Self {
        self.delete = Some(default);
        self
    }

    /// The default timeout of `op`, when it has one.
    pub fn default_for(&self, op: Operation) -> Option<Duration> {
        match op {
            Operation::Create => self.create,
            Operation::Read => self.read,
            Operation::Update => self.update,
            Operation::Delete => self.delete,
        }
    }

    /// The operations given a default, in the order create, read, update,
    /// delete.
    pub fn operations(&self) -> impl Iterator<Item = Operation> + '_ {
        self.declared().map(|(op, _)| op)
    }

    fn declared(&self) -> impl Iterator<Item = (Operation, Duration)> + '_ {
        [
            Operation::Create,
            Operation::Read,
            Operation::Update,
            Operation::Delete,
        ]
        .into_iter()
        .filter_map(|op| self.default_for(op).map(|d| (op, d)))
    }

    /// The single nested `timeouts` block: one optional string attribute per
    /// declared operation, validated as a Go duration.
    pub fn block(&self) -> NestedBlock {
        let mut block = Block::new().description(
            "How long each operation may take before Terraform gives up waiting, \
             as Go duration strings such as \"10m\" or \"1h30m\".",
        );
        for (op, default) in self.declared() {
            block = block.attribute(
                Attribute::string(op.as_str())
                    .optional()
                    .description(format!(
                        "Timeout of the {op} operation (default {}).",
                        format_go_duration(default)
                    ))
                    .validate(validators::go_duration()),
            );
        }
        NestedBlock::single(TIMEOUTS_BLOCK, block)
    }

    /// The timeout of `op` for an object whose value (configuration, planned
    /// or prior state) is `object`: the user's setting when present and
    /// valid, else the default. `None` when `op` has no declared timeout.
    pub fn resolve(&self, op: Operation, object: &Value) -> Option<Duration> {
        let default = self.default_for(op)?;
        let configured = object
            .get_attr(TIMEOUTS_BLOCK)
            .and_then(|block| block.get_attr(op.as_str()))
            .and_then(|v| match v {
                Value::String(s) => parse_go_duration(s).ok(),
                _ => None,
            });
        Some(configured.unwrap_or(default))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Nesting;
    use std::collections::BTreeMap;

    fn timeouts() -> Timeouts {
        Timeouts::new()
            .create(Duration::from_secs(600))
            .update(Duration::from_secs(600))
            .delete(Duration::from_secs(1200))
    }

    #[test]
    fn block_has_one_optional_string_per_declared_operation() {
        let block = timeouts().block();
        assert_eq!(block.nesting, Nesting::Single);
        let names: Vec<_> = block
            .block
            .attributes
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["create", "update", "delete"]);
        assert!(block
            .block
            .attributes
            .iter()
            .all(|a| a.optional && !a.computed));
        assert!(block.block.attributes[2].description.text.contains("20m0s"));
    }

    #[test]
    fn resolve_prefers_the_configured_value() {
        let t = timeouts();
        let with = Value::Object(BTreeMap::from([(
            TIMEOUTS_BLOCK.to_owned(),
            Value::Object(BTreeMap::from([
                ("create".to_owned(), Value::String("2s".into())),
                ("update".to_owned(), Value::Null),
                ("delete".to_owned(), Value::Null),
            ])),
        )]));
        assert_eq!(
            t.resolve(Operation::Create, &with),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            t.resolve(Operation::Update, &with),
            Some(Duration::from_secs(600))
        );
        let without = Value::Object(BTreeMap::from([(TIMEOUTS_BLOCK.to_owned(), Value::Null)]));
        assert_eq!(
            t.resolve(Operation::Delete, &without),
            Some(Duration::from_secs(1200))
        );
        assert_eq!(t.resolve(Operation::Read, &without), None);
    }
}
