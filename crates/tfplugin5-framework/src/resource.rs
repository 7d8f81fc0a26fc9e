//! The `Resource` trait: one managed resource type.
//!
//! Values are whole objects of the resource's schema type
//! ([`Schema::value_type`]): every attribute present, nested blocks as their
//! nesting mode dictates. Build new states from the planned value (which
//! already has config values, defaults and prior values in place) and fill in
//! what was unknown.

use async_trait::async_trait;

use super::context::Context;
use super::plan::unknown;
use super::schema::{Attribute, Block, Schema};
use super::upgrade;
use tfvalue::Diagnostics;
use tfvalue::{AttributePath, PathStep, Value};

/// Input of [`Resource::create`].
#[derive(Debug, Clone, Copy)]
pub struct CreateRequest<'a> {
    /// The configuration.
    pub config: &'a Value,
    /// The planned state: config values, defaults, unknowns for computed attributes.
    pub planned: &'a Value,
}

/// Input of [`Resource::read`].
#[derive(Debug, Clone, Copy)]
pub struct ReadRequest<'a> {
    /// The state as stored (after upgrade), or what `import` returned.
    pub state: &'a Value,
    /// True for the read that directly follows an import: the state holds
    /// only what `import` filled in, so every argument must be read back.
    pub imported: bool,
}

/// Input of [`Resource::update`].
#[derive(Debug, Clone, Copy)]
pub struct UpdateRequest<'a> {
    /// The state before the update.
    pub prior: &'a Value,
    /// The configuration.
    pub config: &'a Value,
    /// The planned state (what the plan promised; known values must be kept).
    pub planned: &'a Value,
}

/// Input of [`Resource::delete`].
#[derive(Debug, Clone, Copy)]
pub struct DeleteRequest<'a> {
    /// The state to delete.
    pub prior: &'a Value,
}

/// Input of [`Resource::import`].
#[derive(Debug, Clone, Copy)]
pub struct ImportRequest<'a> {
    /// What the user passed to `terraform import` or an `import {}` block.
    pub id: &'a str,
    /// The resource's schema.
    pub schema: &'a Schema,
}

/// Input of [`Resource::upgrade_state`].
#[derive(Debug, Clone, Copy)]
pub struct UpgradeRequest<'a> {
    /// Schema version the state was written with (≤ the current version).
    pub version: i64,
    /// The state's `attributes` JSON as stored, in the old version's shape.
    pub raw: &'a serde_json::Value,
    /// The current schema.
    pub schema: &'a Schema,
}

/// The plan under construction, handed to [`Resource::modify_plan`] after
/// the framework applied the schema's plan behaviour.
#[derive(Debug)]
pub struct PlanChange<'a> {
    schema: &'a Schema,
    prior: Option<&'a Value>,
    config: Option<&'a Value>,
    planned: Option<Value>,
    requires_replace: Vec<AttributePath>,
}

impl<'a> PlanChange<'a> {
    /// Used by the dispatch; public so resources can unit-test their hook.
    pub fn new(
        schema: &'a Schema,
        prior: Option<&'a Value>,
        config: Option<&'a Value>,
        planned: Option<Value>,
        requires_replace: Vec<AttributePath>,
    ) -> Self {
        Self {
            schema,
            prior,
            config,
            planned,
            requires_replace,
        }
    }

    /// The resource's schema.
    pub fn schema(&self) -> &Schema {
        self.schema
    }

    /// The current state; `None` when creating.
    pub fn prior(&self) -> Option<&Value> {
        self.prior
    }

    /// The configuration; `None` when destroying.
    pub fn config(&self) -> Option<&Value> {
        self.config
    }

    /// The planned new state; `None` when destroying.
    pub fn planned(&self) -> Option<&Value> {
        self.planned.as_ref()
    }

    /// The planned state, to edit in place (`None` for a destroy).
    pub fn planned_mut(&mut self) -> Option<&mut Value> {
        self.planned.as_mut()
    }

    /// Whether the plan creates the object (there is no prior state).
    pub fn is_create(&self) -> bool {
        self.prior.is_none() && self.planned.is_some()
    }

    /// Whether the plan changes an existing object (prior and planned are both set).
    pub fn is_update(&self) -> bool {
        self.prior.is_some() && self.planned.is_some()
    }

    /// Whether the plan destroys the object (planned is null).
    pub fn is_destroy(&self) -> bool {
        self.planned.is_none()
    }

    /// Paths that replace the object if their value changes.
    pub fn requires_replace(&self) -> &[AttributePath] {
        &self.requires_replace
    }

    /// Whether Terraform will plan a replacement: some path of
    /// [`PlanChange::requires_replace`] has a planned value (as a hook may
    /// have set it since) that differs from the prior one or is unknown.
    /// Terraform ignores the other paths, so a hook must ask this rather
    /// than whether the list is empty.
    pub fn replaces(&self) -> bool {
        let (Some(prior), Some(planned)) = (self.prior, self.planned.as_ref()) else {
            return false;
        };
        self.requires_replace.iter().any(|path| {
            match (path.apply_to(prior), path.apply_to(planned)) {
                (_, Some(p)) if p.is_unknown() => true,
                (before, after) => before != after,
            }
        })
    }

    /// Adds a replacement path. Terraform only honours it when the prior and
    /// planned values at `path` differ (or the planned one is unknown); see
    /// [`PlanChange::force_replace`] to replace regardless.
    pub fn add_requires_replace(&mut self, path: AttributePath) {
        if !self.requires_replace.contains(&path) {
            self.requires_replace.push(path);
        }
    }

    /// Sets the planned value at `path`. Returns false when the path does not
    /// exist in the planned value (or when destroying).
    pub fn set_planned(&mut self, path: &AttributePath, value: Value) -> bool {
        match self.planned.as_mut().and_then(|p| path.apply_to_mut(p)) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }

    /// Plans the attribute at `path` as unknown (only valid for computed
    /// attributes whose config is null, or Terraform rejects the plan).
    pub fn mark_unknown(&mut self, path: &AttributePath) -> bool {
        self.set_planned(path, unknown())
    }

    /// Forces a replacement through the computed attribute at `path` even if
    /// nothing the user wrote changed (e.g. the remote object reached a
    /// terminal state such as `expired`): plans it unknown and adds it to
    /// `requires_replace`. Returns false (and does nothing) when `path` is not
    /// a computed attribute of an existing object.
    pub fn force_replace(&mut self, path: AttributePath) -> bool {
        let computed = attribute_at(&self.schema.block, &path).is_some_and(|a| a.computed);
        let config_null = self
            .config
            .and_then(|c| path.apply_to(c))
            .is_none_or(|v| matches!(v, Value::Null));
        if self.prior.is_none() || !computed || !config_null || !self.mark_unknown(&path) {
            return false;
        }
        self.add_requires_replace(path);
        true
    }

    pub(crate) fn into_parts(self) -> (Option<Value>, Vec<AttributePath>) {
        (self.planned, self.requires_replace)
    }
}

/// The schema attribute a value path points at (index and key steps skipped).
pub(crate) fn attribute_at<'s>(block: &'s Block, path: &AttributePath) -> Option<&'s Attribute> {
    let mut block = block;
    let mut steps = path.0.iter().filter_map(|s| match s {
        PathStep::Attribute(name) => Some(name.as_str()),
        _ => None,
    });
    let mut name = steps.next()?;
    loop {
        match steps.next() {
            None => return block.get_attribute(name),
            Some(next) => {
                block = &block.get_block(name)?.block;
                name = next;
            }
        }
    }
}

/// A managed resource type. `D` is the provider data produced by
/// [`super::Provider::configure`].
///
/// Contract for results (enforced by the dispatch, which turns violations
/// into error diagnostics instead of sending Terraform something it would
/// reject):
/// - returned states conform to the schema type and contain no unknowns;
/// - `create` may return `Some(partial state)` **and** errors: the object is
///   then recorded (unknowns turned into nulls) and Terraform marks it
///   tainted, so nothing created is orphaned;
/// - `read` returning `None` without errors means "gone": Terraform drops it
///   from state; `None` with errors keeps the stored state;
/// - `update` returning `None` with errors keeps the prior state;
/// - `delete` with errors keeps the object in state.
#[async_trait]
pub trait Resource<D: Send + Sync + 'static>: Send + Sync + 'static {
    /// The type name used in configuration, e.g. `baidu_peerconn`.
    fn type_name(&self) -> &str;

    /// The resource's schema.
    fn schema(&self) -> Schema;

    /// Cross-attribute checks on the configuration (which may contain unknown
    /// values; skip rules whose inputs are unknown). Runs after the schema's
    /// validators, at validate time and again before every plan.
    async fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Adjusts the plan after the framework applied the schema's plan
    /// behaviour: rules that need the provider data (region...) or the prior
    /// state, extra replacement decisions, plan-time errors. Also called for
    /// destroy plans (`plan.is_destroy()`) on Terraform ≥ 1.3.
    async fn modify_plan(
        &self,
        _ctx: &Context<D>,
        _plan: &mut PlanChange<'_>,
        _diags: &mut Diagnostics,
    ) {
    }

    /// Creates the object; returns its state (with every unknown filled in). Returning a
    /// partial state together with an error records what was created, so nothing is lost.
    async fn create(
        &self,
        ctx: &Context<D>,
        req: CreateRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value>;

    /// Reads the object; returns its current state, or `None` when it no longer exists
    /// (Terraform then removes it from the state).
    async fn read(
        &self,
        ctx: &Context<D>,
        req: ReadRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value>;

    /// Updates the object in place; returns its new state. `None` with errors keeps the prior
    /// state.
    async fn update(
        &self,
        ctx: &Context<D>,
        req: UpdateRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value>;

    /// Deletes the object. Errors keep it in the state.
    async fn delete(&self, ctx: &Context<D>, req: DeleteRequest<'_>, diags: &mut Diagnostics);

    /// The state to start from for `terraform import ID`; `read` (with
    /// `imported = true`) fills in the rest. Default: an empty object with
    /// `id` set to the import id.
    async fn import(
        &self,
        _ctx: &Context<D>,
        req: ImportRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        upgrade::state_with_id(req.schema, req.id, diags)
    }

    /// Converts a stored state (JSON, written with schema `req.version`) to
    /// the current schema. Default: decode it leniently into the current
    /// shape (attributes no longer in the schema are dropped, new ones are
    /// null, new blocks empty). Override when a version bump changes meaning.
    fn upgrade_state(&self, req: UpgradeRequest<'_>, diags: &mut Diagnostics) -> Option<Value> {
        match upgrade::decode_state_json(req.schema, req.raw) {
            Ok(v) => Some(v),
            Err(d) => {
                diags.push(d);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Attribute;

    #[test]
    fn replaces_only_when_a_replacement_path_really_changes() {
        let schema = Schema::new()
            .attribute(Attribute::string("name").required().requires_replace())
            .attribute(Attribute::string("note").optional());
        let object = |name: Value| Value::object([("name", name), ("note", Value::Null)]);
        let prior = object(Value::string("a"));
        let path = AttributePath::root().attr("name");
        for (planned, expected) in [
            (object(Value::string("a")), false),
            (object(Value::string("b")), true),
            (object(Value::unknown()), true),
        ] {
            let plan = PlanChange::new(
                &schema,
                Some(&prior),
                None,
                Some(planned),
                vec![path.clone()],
            );
            assert_eq!(plan.replaces(), expected);
        }
        let create = PlanChange::new(&schema, None, None, Some(prior.clone()), vec![path]);
        assert!(!create.replaces());
    }
}
