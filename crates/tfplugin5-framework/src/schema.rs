//! The schema builder: what a provider, resource or data source accepts and
//! returns, plus per-attribute plan behaviour (replacement, defaults,
//! keeping prior values) and validators.
//!
//! ```
//! use tfplugin5_framework::schema::{Attribute, Block, NestedBlock, Schema};
//! use tfplugin5_framework::{timeouts::Timeouts, validators};
//! use tfvalue::{Type, Value};
//! use std::time::Duration;
//!
//! let schema = Schema::new()
//!     .description("A VPC peering connection.")
//!     .attribute(Attribute::string("id").computed().use_state_for_unknown())
//!     .attribute(Attribute::string("local_vpc_id").required().requires_replace())
//!     .attribute(Attribute::bool("dns_sync").optional().default(Value::Bool(false)))
//!     .attribute(Attribute::map("tags", Type::String).optional().requires_replace())
//!     .block(
//!         NestedBlock::list(
//!             "billing",
//!             Block::new().attribute(
//!                 Attribute::string("payment_timing")
//!                     .required()
//!                     .requires_replace()
//!                     .validate(validators::one_of_strings(&["Prepaid", "Postpaid"])),
//!             ),
//!         )
//!         .min_items(1)
//!         .max_items(1),
//!     )
//!     .timeouts(Timeouts::new().create(Duration::from_secs(600)).delete(Duration::from_secs(1200)));
//! assert!(schema.check().is_empty());
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use super::timeouts::{Timeouts, TIMEOUTS_BLOCK};
use super::validators::Validator;
use tfvalue::{Type, Value};

/// How Terraform renders a description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DescriptionKind {
    /// Plain text.
    #[default]
    Plain,
    /// Markdown (rendered by the Registry and by documentation generators).
    Markdown,
}

/// The description of a schema, block or attribute, with its format.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Description {
    /// The text.
    pub text: String,
    /// Its format.
    pub kind: DescriptionKind,
}

impl Description {
    /// A plain-text description.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            kind: DescriptionKind::Plain,
        }
    }

    /// A markdown description.
    pub fn markdown(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            kind: DescriptionKind::Markdown,
        }
    }
}

impl From<&str> for Description {
    fn from(text: &str) -> Self {
        Self::plain(text)
    }
}

impl From<String> for Description {
    fn from(text: String) -> Self {
        Self::plain(text)
    }
}

/// The values a conditional replacement rule looks at, all taken at the
/// attribute's own position. The rule is only consulted when `prior` and
/// `planned` differ (or `planned` is unknown).
#[derive(Debug, Clone, Copy)]
pub struct ReplaceCheck<'a> {
    /// The prior value of the attribute.
    pub prior: &'a Value,
    /// Its configured value.
    pub config: &'a Value,
    /// Its planned value.
    pub planned: &'a Value,
}

type ReplaceIfFn = dyn Fn(&ReplaceCheck<'_>) -> bool + Send + Sync;

/// When a change of the attribute forces Terraform to destroy and re-create
/// the object.
#[derive(Clone)]
pub enum RequiresReplace {
    /// Any change of the value.
    Always,
    /// A change for which the predicate answers true.
    If {
        /// Describes the condition, for debugging output.
        description: String,
        /// Whether a change replaces the object.
        predicate: Arc<ReplaceIfFn>,
    },
}

impl fmt::Debug for RequiresReplace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Always => f.write_str("Always"),
            Self::If { description, .. } => write!(f, "If({description:?})"),
        }
    }
}

impl RequiresReplace {
    pub(crate) fn applies(&self, check: &ReplaceCheck<'_>) -> bool {
        match self {
            Self::Always => true,
            Self::If { predicate, .. } => predicate(check),
        }
    }
}

/// Plan-time behaviour of one attribute, applied by the framework before the
/// resource's own `modify_plan` hook runs.
#[derive(Debug, Clone, Default)]
pub struct PlanBehaviour {
    /// Whether (and when) a change of the attribute replaces the object.
    pub requires_replace: Option<RequiresReplace>,
    /// Planned when the configuration leaves the attribute null. Requires the
    /// attribute to be optional + computed (Terraform accepts a planned value
    /// different from a null config only for computed attributes);
    /// [`Attribute::default`] sets `computed` for that reason.
    pub default: Option<Value>,
    /// For computed values that never change after create: plan the prior
    /// value instead of unknown when the object is updated.
    pub use_state_for_unknown: bool,
}

/// One attribute of a block.
#[derive(Debug, Clone)]
pub struct Attribute {
    /// The attribute's name in configuration.
    pub name: String,
    /// Its Terraform type.
    pub ty: Type,
    /// The configuration must set it.
    pub required: bool,
    /// The configuration may set it.
    pub optional: bool,
    /// The provider may set it (when the configuration does not).
    pub computed: bool,
    /// Terraform hides its value in plans and output.
    pub sensitive: bool,
    /// Its description, for documentation and editors.
    pub description: Description,
    /// `Some(message)` marks the attribute deprecated (the message may be empty).
    pub deprecation: Option<String>,
    /// What planning does with it.
    pub plan: PlanBehaviour,
    /// Checks of its configured value, each reporting at the attribute's path.
    pub validators: Vec<Validator>,
}

impl Attribute {
    /// An attribute of any cty type. Call one of `required`, `optional`,
    /// `computed` (or `optional().computed()`) next.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Self {
            name: name.into(),
            ty,
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            description: Description::default(),
            deprecation: None,
            plan: PlanBehaviour::default(),
            validators: Vec::new(),
        }
    }

    /// A string attribute.
    pub fn string(name: impl Into<String>) -> Self {
        Self::new(name, Type::String)
    }

    /// A number attribute.
    pub fn number(name: impl Into<String>) -> Self {
        Self::new(name, Type::Number)
    }

    /// A bool attribute.
    pub fn bool(name: impl Into<String>) -> Self {
        Self::new(name, Type::Bool)
    }

    /// A map attribute with elements of type `element`.
    pub fn map(name: impl Into<String>, element: Type) -> Self {
        Self::new(name, Type::Map(Box::new(element)))
    }

    /// A list attribute with elements of type `element`.
    pub fn list(name: impl Into<String>, element: Type) -> Self {
        Self::new(name, Type::List(Box::new(element)))
    }

    /// A set attribute with elements of type `element`.
    pub fn set(name: impl Into<String>, element: Type) -> Self {
        Self::new(name, Type::Set(Box::new(element)))
    }

    /// The configuration must set it.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The configuration may set it.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// The provider may set it (alone: computed only; with `optional`: when not configured).
    pub fn computed(mut self) -> Self {
        self.computed = true;
        self
    }

    /// Terraform hides its value in plans and output.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// A plain-text description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Description::plain(text);
        self
    }

    /// A markdown description.
    pub fn markdown_description(mut self, text: impl Into<String>) -> Self {
        self.description = Description::markdown(text);
        self
    }

    /// Deprecated, with the message Terraform shows when it is set.
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecation = Some(message.into());
        self
    }

    /// Any change of this attribute replaces the object.
    pub fn requires_replace(mut self) -> Self {
        self.plan.requires_replace = Some(RequiresReplace::Always);
        self
    }

    /// A change of this attribute replaces the object when `predicate` says so.
    pub fn requires_replace_if(
        mut self,
        description: impl Into<String>,
        predicate: impl Fn(&ReplaceCheck<'_>) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.plan.requires_replace = Some(RequiresReplace::If {
            description: description.into(),
            predicate: Arc::new(predicate),
        });
        self
    }

    /// Replace only when the configuration sets the attribute: for optional +
    /// computed attributes whose computed value must not force a replacement
    /// when the user leaves them out.
    pub fn requires_replace_if_configured(self) -> Self {
        self.requires_replace_if("when set in configuration and changed", |c| {
            !matches!(c.config, Value::Null)
        })
    }

    /// Replace only when a known, non-null prior value is changed: adopting a
    /// value into an object that had none (e.g. after import, when the API
    /// does not return the attribute) does not replace it.
    pub fn requires_replace_if_prior_set(self) -> Self {
        self.requires_replace_if("when a previously set value changes", |c| {
            !matches!(c.prior, Value::Null | Value::Unknown(_))
        })
    }

    /// Value planned when the configuration leaves the attribute out. Makes
    /// the attribute computed (see [`PlanBehaviour::default`]).
    pub fn default(mut self, value: Value) -> Self {
        self.plan.default = Some(value);
        self.computed = true;
        if !self.required {
            self.optional = true;
        }
        self
    }

    /// Keep the prior value in update plans instead of planning unknown.
    pub fn use_state_for_unknown(mut self) -> Self {
        self.plan.use_state_for_unknown = true;
        self
    }

    /// Adds a check of the configured value.
    pub fn validate(mut self, validator: Validator) -> Self {
        self.validators.push(validator);
        self
    }

    /// Computed and not settable by the user.
    pub fn is_computed_only(&self) -> bool {
        self.computed && !self.optional && !self.required
    }
}

/// How a nested block's instances are collected (protocol `NestingMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At most one block; null when absent.
    Single,
    /// An ordered list of blocks.
    List,
    /// An unordered set of blocks.
    Set,
    /// Blocks with a label each, keyed by label.
    Map,
    /// Exactly one block, which Terraform synthesises (all null) when absent.
    Group,
}

/// A block body: attributes and nested blocks.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// The attributes, in declaration order.
    pub attributes: Vec<Attribute>,
    /// The nested blocks, in declaration order.
    pub blocks: Vec<NestedBlock>,
    /// Its description.
    pub description: Description,
    /// The deprecation message, when deprecated.
    pub deprecation: Option<String>,
}

impl Block {
    /// An empty block.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an attribute.
    pub fn attribute(mut self, attribute: Attribute) -> Self {
        self.attributes.push(attribute);
        self
    }

    /// Adds a nested block.
    pub fn block(mut self, block: NestedBlock) -> Self {
        self.blocks.push(block);
        self
    }

    /// A plain-text description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Description::plain(text);
        self
    }

    /// A markdown description.
    pub fn markdown_description(mut self, text: impl Into<String>) -> Self {
        self.description = Description::markdown(text);
        self
    }

    /// Deprecated, with the message Terraform shows when it is used.
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecation = Some(message.into());
        self
    }

    /// The attribute named `name`.
    pub fn get_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The nested block named `name`.
    pub fn get_block(&self, name: &str) -> Option<&NestedBlock> {
        self.blocks.iter().find(|b| b.type_name == name)
    }

    /// The cty object type of one instance of this block.
    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.ty.clone()))
            .collect();
        for nested in &self.blocks {
            attrs.insert(nested.type_name.clone(), nested.value_type());
        }
        Type::Object(attrs)
    }

    /// An instance with every attribute null and every nested block absent
    /// (null single blocks, empty collections, all-null groups): the starting
    /// point for building a state object by hand.
    pub fn empty_value(&self) -> Value {
        let mut attrs: BTreeMap<String, Value> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), Value::Null))
            .collect();
        for nested in &self.blocks {
            attrs.insert(nested.type_name.clone(), nested.empty_value());
        }
        Value::Object(attrs)
    }
}

/// A nested block type inside a block.
#[derive(Debug, Clone)]
pub struct NestedBlock {
    /// The block's name in configuration.
    pub type_name: String,
    /// How its elements nest.
    pub nesting: Nesting,
    /// The block's own schema.
    pub block: Block,
    /// The fewest elements the configuration may have (0: no minimum).
    pub min_items: u32,
    /// The most elements the configuration may have (0: no maximum).
    pub max_items: u32,
    /// Any change of the block's content replaces the object.
    pub requires_replace: bool,
}

impl NestedBlock {
    fn with(type_name: impl Into<String>, nesting: Nesting, block: Block) -> Self {
        Self {
            type_name: type_name.into(),
            nesting,
            block,
            min_items: 0,
            max_items: 0,
            requires_replace: false,
        }
    }

    /// A single block: at most one, its value an object (or null).
    pub fn single(type_name: impl Into<String>, block: Block) -> Self {
        Self::with(type_name, Nesting::Single, block)
    }

    /// A list block: its value a list of objects.
    pub fn list(type_name: impl Into<String>, block: Block) -> Self {
        Self::with(type_name, Nesting::List, block)
    }

    /// A set block: its value a set of objects.
    pub fn set(type_name: impl Into<String>, block: Block) -> Self {
        Self::with(type_name, Nesting::Set, block)
    }

    /// A map block, with a label per element.
    pub fn map(type_name: impl Into<String>, block: Block) -> Self {
        Self::with(type_name, Nesting::Map, block)
    }

    /// A group: always present, its attributes optional.
    pub fn group(type_name: impl Into<String>, block: Block) -> Self {
        Self::with(type_name, Nesting::Group, block)
    }

    /// At least `n` elements.
    pub fn min_items(mut self, n: u32) -> Self {
        self.min_items = n;
        self
    }

    /// At most `n` elements.
    pub fn max_items(mut self, n: u32) -> Self {
        self.max_items = n;
        self
    }

    /// A single block that must be present (`min_items = max_items = 1`).
    pub fn required(self) -> Self {
        self.min_items(1).max_items(1)
    }

    /// The nested block's own description (markdown).
    pub fn markdown_description(mut self, text: impl Into<String>) -> Self {
        self.block.description = Description::markdown(text);
        self
    }

    /// Any change of the block's content replaces the object.
    pub fn requires_replace(mut self) -> Self {
        self.requires_replace = true;
        self
    }

    /// The cty type of the block's value inside its parent object.
    pub fn value_type(&self) -> Type {
        let element = self.block.value_type();
        match self.nesting {
            Nesting::Single | Nesting::Group => element,
            Nesting::List => Type::List(Box::new(element)),
            Nesting::Set => Type::Set(Box::new(element)),
            Nesting::Map => Type::Map(Box::new(element)),
        }
    }

    /// The value of the block when the configuration has none.
    pub fn empty_value(&self) -> Value {
        match self.nesting {
            Nesting::Single => Value::Null,
            Nesting::Group => self.block.empty_value(),
            Nesting::List => Value::List(Vec::new()),
            Nesting::Set => Value::Set(Vec::new()),
            Nesting::Map => Value::Map(BTreeMap::new()),
        }
    }
}

/// A complete schema of a provider, resource or data source.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// The version stored with each state object; raise it when the stored
    /// shape changes and handle the old version in `upgrade_state`.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
    /// Default operation timeouts; present when the schema has the standard
    /// `timeouts` block.
    pub timeouts: Option<Timeouts>,
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Self {
        Self::default()
    }

    /// The schema of a typed model's block (see [`crate::model`](mod@crate::model)).
    pub fn of<M: crate::model::Model>() -> Self {
        Self {
            block: M::block(),
            ..Self::default()
        }
    }

    /// The schema version stored with each state object.
    pub fn version(mut self, version: i64) -> Self {
        self.version = version;
        self
    }

    /// A plain-text description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.block.description = Description::plain(text);
        self
    }

    /// A markdown description.
    pub fn markdown_description(mut self, text: impl Into<String>) -> Self {
        self.block.description = Description::markdown(text);
        self
    }

    /// Deprecated, with the message Terraform shows when it is used.
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.block.deprecation = Some(message.into());
        self
    }

    /// Adds a top-level attribute.
    pub fn attribute(mut self, attribute: Attribute) -> Self {
        self.block.attributes.push(attribute);
        self
    }

    /// Adds a top-level nested block.
    pub fn block(mut self, block: NestedBlock) -> Self {
        self.block.blocks.push(block);
        self
    }

    /// Adds the standard `timeouts` block (a single block of optional Go
    /// duration strings, one per operation `timeouts` declares) and records the
    /// defaults the framework falls back to.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.block.blocks.retain(|b| b.type_name != TIMEOUTS_BLOCK);
        self.block.blocks.push(timeouts.block());
        self.timeouts = Some(timeouts);
        self
    }

    /// The cty object type of the whole schema.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }

    /// An object of this schema with everything null or absent.
    pub fn empty_value(&self) -> Value {
        self.block.empty_value()
    }

    /// Checks the rules Terraform's own schema validator encodes (names,
    /// flag combinations, nesting limits) plus the framework's (defaults
    /// conform and need `computed`, `use_state_for_unknown` needs `computed`).
    /// An empty result means the schema is sound.
    pub fn check(&self) -> Vec<SchemaError> {
        let mut errors = Vec::new();
        check_block(&self.block, "", &mut errors);
        errors
    }
}

/// A mistake in a schema definition (a provider bug, found at start-up).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SchemaError {
    /// Where in the schema, as `block.attribute`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn check_block(block: &Block, prefix: &str, errors: &mut Vec<SchemaError>) {
    let mut seen = BTreeSet::new();
    let mut err = |path: &str, message: &str| {
        errors.push(SchemaError {
            path: path.to_owned(),
            message: message.to_owned(),
        })
    };
    for a in &block.attributes {
        let path = format!("{prefix}{}", a.name);
        if !valid_name(&a.name) {
            err(&path, "names may contain only a-z, 0-9 and _");
        }
        if !seen.insert(a.name.clone()) {
            err(&path, "declared twice");
        }
        if !(a.required || a.optional || a.computed) {
            err(&path, "must be required, optional or computed");
        }
        if a.required && a.optional {
            err(&path, "cannot be both required and optional");
        }
        if a.required && a.computed {
            err(&path, "cannot be both required and computed");
        }
        if let Some(default) = &a.plan.default {
            if !a.computed || a.required {
                err(&path, "a default needs an optional + computed attribute");
            }
            if !default.is_wholly_known() {
                err(&path, "a default must be a known value");
            }
            if let Err(e) = default.check_conformance(&a.ty) {
                err(&path, &format!("default does not match the type: {e}"));
            }
        }
        if a.plan.use_state_for_unknown && !a.computed {
            err(&path, "use_state_for_unknown needs a computed attribute");
        }
    }
    for b in &block.blocks {
        let path = format!("{prefix}{}", b.type_name);
        if !valid_name(&b.type_name) {
            err(&path, "names may contain only a-z, 0-9 and _");
        }
        if !seen.insert(b.type_name.clone()) {
            err(
                &path,
                "declared twice (attribute and block names share one namespace)",
            );
        }
        match b.nesting {
            Nesting::Single => {
                if b.min_items != b.max_items || b.min_items > 1 {
                    err(&path, "single blocks need min_items = max_items = 0 or 1");
                }
            }
            Nesting::Group | Nesting::Map => {
                if b.min_items != 0 || b.max_items != 0 {
                    err(&path, "group and map blocks cannot limit their items");
                }
            }
            Nesting::List | Nesting::Set => {
                if b.max_items != 0 && b.min_items > b.max_items {
                    err(&path, "min_items exceeds max_items");
                }
            }
        }
        if matches!(b.nesting, Nesting::List | Nesting::Set | Nesting::Map)
            && b.block.attributes.iter().any(|a| contains_dynamic(&a.ty))
        {
            err(&path, "collection blocks cannot hold dynamic attributes");
        }
    }
    for b in &block.blocks {
        check_block(&b.block, &format!("{prefix}{}.", b.type_name), errors);
    }
}

fn contains_dynamic(ty: &Type) -> bool {
    match ty {
        Type::Dynamic => true,
        Type::List(e) | Type::Set(e) | Type::Map(e) => contains_dynamic(e),
        Type::Object(attrs) => attrs.values().any(contains_dynamic),
        Type::Tuple(elems) => elems.iter().any(contains_dynamic),
        Type::Bool | Type::Number | Type::String => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn obj_type(pairs: &[(&str, Type)]) -> Type {
        Type::Object(
            pairs
                .iter()
                .map(|(k, t)| ((*k).to_owned(), t.clone()))
                .collect(),
        )
    }

    #[test]
    fn value_type_follows_nesting_modes() {
        let inner = Block::new().attribute(Attribute::string("a").optional());
        let schema = Schema::new()
            .attribute(Attribute::string("id").computed())
            .attribute(Attribute::map("tags", Type::String).optional())
            .block(NestedBlock::single("single", inner.clone()))
            .block(NestedBlock::list("list", inner.clone()))
            .block(NestedBlock::set("set", inner.clone()))
            .block(NestedBlock::map("map", inner.clone()))
            .block(NestedBlock::group("group", inner))
            .timeouts(Timeouts::new().create(Duration::from_secs(60)));
        let a = obj_type(&[("a", Type::String)]);
        assert_eq!(
            schema.value_type(),
            obj_type(&[
                ("id", Type::String),
                ("tags", Type::Map(Box::new(Type::String))),
                ("single", a.clone()),
                ("list", Type::List(Box::new(a.clone()))),
                ("set", Type::Set(Box::new(a.clone()))),
                ("map", Type::Map(Box::new(a.clone()))),
                ("group", a),
                ("timeouts", obj_type(&[("create", Type::String)])),
            ])
        );
        let empty = schema.empty_value();
        let Value::Object(attrs) = &empty else {
            panic!("object")
        };
        assert_eq!(attrs["single"], Value::Null);
        assert_eq!(attrs["list"], Value::List(vec![]));
        assert_eq!(attrs["set"], Value::Set(vec![]));
        assert_eq!(attrs["map"], Value::Map(BTreeMap::new()));
        assert!(matches!(&attrs["group"], Value::Object(g) if g["a"] == Value::Null));
        assert!(empty.conforms_to(&schema.value_type()));
        assert!(schema.check().is_empty(), "{:?}", schema.check());
    }

    #[test]
    fn default_makes_the_attribute_optional_computed() {
        let a = Attribute::bool("dns_sync").default(Value::Bool(false));
        assert!(a.optional && a.computed && !a.required);
    }

    #[test]
    fn timeouts_replace_an_earlier_timeouts_block() {
        let schema = Schema::new()
            .timeouts(Timeouts::new().create(Duration::from_secs(1)))
            .timeouts(Timeouts::new().delete(Duration::from_secs(2)));
        assert_eq!(schema.block.blocks.len(), 1);
        assert!(schema.check().is_empty());
    }

    #[test]
    fn check_finds_definition_mistakes() {
        let schema = Schema::new()
            .attribute(Attribute::string("Bad-Name").optional())
            .attribute(Attribute::string("nothing"))
            .attribute(Attribute::string("both").required().optional())
            .attribute(Attribute::string("req_comp").required().computed())
            .attribute(Attribute::string("dup").optional())
            .attribute(
                Attribute::string("wrong_default")
                    .optional()
                    .default(Value::Bool(true)),
            )
            .attribute(Attribute::string("keep").optional().use_state_for_unknown())
            .block(NestedBlock::list("dup", Block::new()))
            .block(
                NestedBlock::single("one", Block::new())
                    .min_items(1)
                    .max_items(2),
            )
            .block(NestedBlock::map("m", Block::new()).max_items(3))
            .block(
                NestedBlock::list(
                    "l",
                    Block::new().attribute(Attribute::new("d", Type::Dynamic).optional()),
                )
                .min_items(3)
                .max_items(2),
            );
        let errors: Vec<String> = schema.check().iter().map(ToString::to_string).collect();
        for expected in [
            "Bad-Name: names may contain only",
            "nothing: must be required, optional or computed",
            "both: cannot be both required and optional",
            "req_comp: cannot be both required and computed",
            "wrong_default: default does not match the type",
            "keep: use_state_for_unknown needs a computed attribute",
            "dup: declared twice",
            "one: single blocks need",
            "m: group and map blocks cannot limit",
            "l: min_items exceeds max_items",
            "l: collection blocks cannot hold dynamic attributes",
        ] {
            assert!(
                errors.iter().any(|e| e.starts_with(expected)),
                "missing {expected:?} in {errors:#?}"
            );
        }
        assert_eq!(errors.len(), 11, "{errors:#?}");
    }
}
