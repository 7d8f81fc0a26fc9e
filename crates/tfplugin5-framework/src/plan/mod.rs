//! The framework's share of `PlanResourceChange`: turning Terraform's
//! proposed new state into a planned state that Terraform accepts
//! (the checks of terraform's `internal/plans/objchange`
//! `AssertPlanValid`) and computing `requires_replace`.
//!
//! Order of work (mirrors terraform-plugin-framework):
//! 1. destroy (proposed null) passes through as null;
//! 2. start from the proposed new state (config merged with prior computed values);
//! 3. apply schema defaults where the config is null;
//! 4. decide whether anything but `timeouts` changed compared with prior;
//! 5. computed attributes whose config is null become unknown on create, and on
//!    update when something changed unless `use_state_for_unknown` (then, and
//!    when nothing changed, they keep the prior value);
//! 6. `requires_replace` paths: flagged attributes/blocks whose value differs
//!    between prior and planned (or is unknown), filtered by their predicate;
//! 7. the resource's `modify_plan` hook (in dispatch), then [`check_plan_valid`]
//!    guards what goes back to Terraform.

use std::collections::BTreeSet;

mod zip;

use super::schema::{Attribute, Block, NestedBlock, Nesting, ReplaceCheck, Schema};
use super::timeouts::TIMEOUTS_BLOCK;
use super::values::values_equal;
use tfvalue::{AttributePath, Refinements, Value};
use zip::{child, walk, Sides, Visitor};

static NULL: Value = Value::Null;
static UNKNOWN: Value = Value::Unknown(Refinements {
    nullness: None,
    string_prefix: None,
    number_lower: None,
    number_upper: None,
    length_lower: None,
    length_upper: None,
});

/// A fresh plain unknown value.
pub(crate) fn unknown() -> Value {
    UNKNOWN.clone()
}

/// What the framework plans before the resource's hook sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FrameworkPlan {
    /// Null for a destroy.
    pub planned: Value,
    pub requires_replace: Vec<AttributePath>,
}

/// Steps 1–6 above. `prior` is null on create; `proposed` is null on destroy.
pub(crate) fn plan_change(
    schema: &Schema,
    prior: &Value,
    config: &Value,
    proposed: &Value,
) -> FrameworkPlan {
    if matches!(proposed, Value::Null) {
        return FrameworkPlan {
            planned: Value::Null,
            requires_replace: Vec::new(),
        };
    }
    let root = AttributePath::root();
    let prior_obj = non_null(Some(prior));
    let sides = Sides {
        prior: prior_obj,
        config,
    };
    let mut planned = proposed.clone();
    walk(
        &schema.block,
        &root,
        sides,
        &mut planned,
        &mut DropAbsentSingleBlocks,
    );
    walk(&schema.block, &root, sides, &mut planned, &mut Defaults);
    let changed = match prior_obj {
        None => true,
        Some(prior) => !equal_ignoring_timeouts(schema, prior, &planned),
    };
    walk(
        &schema.block,
        &root,
        sides,
        &mut planned,
        &mut UnknownComputed { changed },
    );

    // Editing set elements in place can leave them out of canonical order.
    planned.canonicalize();

    let mut replace = ReplacePaths::default();
    if prior_obj.is_some() {
        walk(
            &schema.block,
            &root,
            sides,
            &mut planned.clone(),
            &mut replace,
        );
    }
    let requires_replace = replace.paths;
    FrameworkPlan {
        planned,
        requires_replace,
    }
}

/// Older Terraform (seen with 1.0.3) proposes the prior value for a single
/// nested block the configuration no longer has (e.g. a removed `timeouts`
/// block); the plan must follow the configuration and drop it. Set elements
/// cannot be matched to config elements before correlation, so Terraform's
/// own proposal is kept for them.
struct DropAbsentSingleBlocks;

impl Visitor for DropAbsentSingleBlocks {
    fn attribute(&mut self, _: &Attribute, _: &AttributePath, _: Sides<'_>, _: &mut Value) {}

    fn nested(
        &mut self,
        nested: &NestedBlock,
        _path: &AttributePath,
        sides: Sides<'_>,
        planned: &mut Value,
    ) -> bool {
        match nested.nesting {
            Nesting::Single if sides.config.is_null() => {
                *planned = Value::Null;
                false
            }
            Nesting::Set => false,
            _ => true,
        }
    }
}

/// Schema defaults where the configuration is null.
struct Defaults;

impl Visitor for Defaults {
    fn attribute(
        &mut self,
        attr: &Attribute,
        _: &AttributePath,
        sides: Sides<'_>,
        planned: &mut Value,
    ) {
        if let (Value::Null, Some(default)) = (sides.config, &attr.plan.default) {
            *planned = default.clone();
        }
    }
}

/// Computed attributes the configuration leaves null: unknown on create and
/// on an update that changes something, unless `use_state_for_unknown`;
/// otherwise the prior value.
struct UnknownComputed {
    changed: bool,
}

impl Visitor for UnknownComputed {
    fn attribute(
        &mut self,
        attr: &Attribute,
        _: &AttributePath,
        sides: Sides<'_>,
        planned: &mut Value,
    ) {
        if !attr.computed || !matches!(sides.config, Value::Null) || attr.plan.default.is_some() {
            return;
        }
        *planned = match sides.prior {
            None => unknown(),
            Some(prior) if attr.plan.use_state_for_unknown || !self.changed => prior.clone(),
            Some(_) => unknown(),
        };
    }
}

/// Merges replacement paths, dropping duplicates but keeping first-seen order.
pub(crate) fn merge_paths(
    base: &mut Vec<AttributePath>,
    extra: impl IntoIterator<Item = AttributePath>,
) {
    let mut seen: BTreeSet<AttributePath> = base.iter().cloned().collect();
    for p in extra {
        if seen.insert(p.clone()) {
            base.push(p);
        }
    }
}

fn non_null(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !matches!(v, Value::Null))
}

fn equal_ignoring_timeouts(schema: &Schema, prior: &Value, planned: &Value) -> bool {
    match (prior, planned, &schema.timeouts) {
        (Value::Object(a), Value::Object(b), Some(_)) => {
            let strip = |m: &std::collections::BTreeMap<String, Value>| {
                let mut m = m.clone();
                m.remove(TIMEOUTS_BLOCK);
                Value::Object(m)
            };
            values_equal(&strip(a), &strip(b))
        }
        _ => values_equal(prior, planned),
    }
}

fn differs(prior: &Value, planned: &Value) -> bool {
    planned.is_unknown() || !values_equal(prior, planned)
}

/// Paths of flagged attributes and blocks whose value changes (or becomes
/// unknown) between prior and planned. Elements present on only one side
/// compare against null, as Terraform does for paths missing on one side.
#[derive(Default)]
struct ReplacePaths {
    paths: Vec<AttributePath>,
}

impl Visitor for ReplacePaths {
    fn attribute(
        &mut self,
        attr: &Attribute,
        path: &AttributePath,
        sides: Sides<'_>,
        planned: &mut Value,
    ) {
        let Some(rule) = &attr.plan.requires_replace else {
            return;
        };
        let prior = sides.prior_or_null();
        if differs(prior, planned)
            && rule.applies(&ReplaceCheck {
                prior,
                config: sides.config,
                planned,
            })
        {
            self.paths.push(path.clone());
        }
    }

    fn nested(
        &mut self,
        nested: &NestedBlock,
        path: &AttributePath,
        sides: Sides<'_>,
        planned: &mut Value,
    ) -> bool {
        let prior = sides.prior_or_null();
        if nested.requires_replace {
            if differs(prior, planned) {
                self.paths.push(path.clone());
            }
            return false;
        }
        if !block_has_replace_rules(&nested.block) {
            return false;
        }
        if planned.is_unknown() {
            if !matches!(prior, Value::Null) {
                self.paths.push(path.clone());
            }
            return false;
        }
        if nested.nesting == Nesting::Set {
            // No per-element paths in protocol 5: compare the sets projected
            // onto their replacement-relevant content and point at the block.
            let project = |v: &Value| -> Vec<Value> {
                match v {
                    Value::Set(items) | Value::List(items) => items
                        .iter()
                        .map(|e| replace_projection(&nested.block, e))
                        .collect(),
                    _ => Vec::new(),
                }
            };
            if !super::values::sets_equal(&project(prior), &project(planned)) {
                self.paths.push(path.clone());
            }
            return false;
        }
        true
    }
}

fn block_has_replace_rules(block: &Block) -> bool {
    block
        .attributes
        .iter()
        .any(|a| a.plan.requires_replace.is_some())
        || block
            .blocks
            .iter()
            .any(|b| b.requires_replace || block_has_replace_rules(&b.block))
}

/// The part of a set element that replacement rules look at.
fn replace_projection(block: &Block, element: &Value) -> Value {
    let mut attrs = std::collections::BTreeMap::new();
    for a in block
        .attributes
        .iter()
        .filter(|a| a.plan.requires_replace.is_some())
    {
        attrs.insert(a.name.clone(), child(element, &a.name).clone());
    }
    for b in &block.blocks {
        if b.requires_replace || block_has_replace_rules(&b.block) {
            attrs.insert(b.type_name.clone(), child(element, &b.type_name).clone());
        }
    }
    Value::Object(attrs)
}

/// One reason Terraform would reject a plan ("Provider produced invalid plan").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlanViolation {
    pub path: AttributePath,
    pub message: String,
}

/// The checks of Terraform's `objchange.AssertPlanValid` that a framework or
/// resource bug could break: non-computed attributes must follow the config
/// (or keep an equal prior), blocks must match the config's shape.
pub(crate) fn check_plan_valid(
    schema: &Schema,
    prior: &Value,
    config: &Value,
    planned: &Value,
) -> Vec<PlanViolation> {
    let mut out = Vec::new();
    match (config, planned) {
        (Value::Null, Value::Null) => {}
        (Value::Null, _) => out.push(PlanViolation {
            path: AttributePath::root(),
            message: "planned an object for a destroy (configuration is null)".into(),
        }),
        (_, Value::Null) => out.push(PlanViolation {
            path: AttributePath::root(),
            message: "planned absence of an object the configuration wants".into(),
        }),
        _ => {
            let mut validity = PlanValidity::default();
            let sides = Sides {
                prior: Some(prior),
                config,
            };
            let root = AttributePath::root();
            walk(
                &schema.block,
                &root,
                sides,
                &mut planned.clone(),
                &mut validity,
            );
            out = validity.violations;
        }
    }
    out
}

/// The checks of [`check_plan_valid`] inside the objects.
#[derive(Default)]
struct PlanValidity {
    violations: Vec<PlanViolation>,
}

impl PlanValidity {
    fn violation(&mut self, path: &AttributePath, message: &str) {
        self.violations.push(PlanViolation {
            path: path.clone(),
            message: message.to_owned(),
        });
    }
}

impl Visitor for PlanValidity {
    fn object(
        &mut self,
        _: &Block,
        path: &AttributePath,
        sides: Sides<'_>,
        planned: &Value,
    ) -> bool {
        match (sides.config, planned) {
            (Value::Unknown(_), Value::Unknown(_)) => false,
            (Value::Unknown(_), _) => {
                self.violation(
                    path,
                    "the configuration block is unknown, so the plan must leave it unknown",
                );
                false
            }
            (_, Value::Unknown(_)) => {
                self.violation(
                    path,
                    "a known configuration block was planned as wholly unknown",
                );
                false
            }
            // An element on the prior side only: nothing configured or planned.
            (Value::Null, Value::Null) => false,
            _ => true,
        }
    }

    fn attribute(
        &mut self,
        attr: &Attribute,
        path: &AttributePath,
        sides: Sides<'_>,
        planned: &mut Value,
    ) {
        let (p, c, n) = (sides.prior_or_null(), sides.config, &*planned);
        if values_equal(n, c) && n.is_unknown() == c.is_unknown() {
            return;
        }
        if !matches!(p, Value::Null)
            && !matches!(c, Value::Null)
            && values_equal(n, p)
            && !n.is_unknown()
        {
            return;
        }
        if attr.is_computed_only() || (attr.computed && matches!(c, Value::Null)) {
            return;
        }
        let message = if matches!(c, Value::Null) {
            "planned a value for a non-computed attribute the configuration leaves null"
        } else {
            "planned value does not match the configuration value"
        };
        self.violation(path, message);
    }

    fn nested(
        &mut self,
        nested: &NestedBlock,
        path: &AttributePath,
        sides: Sides<'_>,
        planned: &mut Value,
    ) -> bool {
        let (c, n) = (sides.config, &*planned);
        match nested.nesting {
            Nesting::Single | Nesting::Group => match (c, n) {
                (Value::Null, Value::Null) => false,
                (Value::Null, _) | (_, Value::Null) if nested.nesting == Nesting::Single => {
                    self.violation(path, "block presence does not match the configuration");
                    false
                }
                _ => true,
            },
            Nesting::List => match (c, n) {
                (Value::Unknown(_), _) => self.object(&nested.block, path, sides, n),
                (Value::List(cs), Value::List(ns)) if cs.len() == ns.len() => true,
                _ => {
                    self.violation(path, "planned block count does not match the configuration");
                    false
                }
            },
            Nesting::Map => match (c, n) {
                (Value::Unknown(_), _) => self.object(&nested.block, path, sides, n),
                (Value::Map(cs), Value::Map(ns)) if cs.keys().eq(ns.keys()) => true,
                _ => {
                    self.violation(path, "planned block keys do not match the configuration");
                    false
                }
            },
            Nesting::Set => {
                if !matches!(n, Value::Set(_) | Value::Unknown(_)) {
                    self.violation(path, "set blocks must be planned as a (possibly empty) set");
                }
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_get(v: &Value, i: usize) -> &Value {
        match v {
            Value::List(items) => items.get(i).unwrap_or(&NULL),
            _ => &NULL,
        }
    }
    use crate::schema::{Attribute, NestedBlock};
    use crate::timeouts::Timeouts;
    use std::collections::BTreeMap;
    use std::time::Duration;
    use tfvalue::{Number, Type};

    fn s(v: &str) -> Value {
        Value::String(v.to_owned())
    }
    fn n(v: i64) -> Value {
        Value::Number(Number::from_i64(v))
    }
    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }
    fn map(pairs: &[(&str, &str)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| ((*k).to_owned(), s(v))).collect())
    }
    fn set_attr(v: &mut Value, name: &str, new: Value) {
        if let Value::Object(m) = v {
            m.insert(name.to_owned(), new);
        }
    }
    fn paths(p: &[AttributePath]) -> Vec<String> {
        p.iter().map(ToString::to_string).collect()
    }

    fn schema() -> Schema {
        Schema::new()
            .attribute(Attribute::string("id").computed().use_state_for_unknown())
            .attribute(Attribute::number("bandwidth_in_mbps").required())
            .attribute(
                Attribute::string("local_vpc_id")
                    .required()
                    .requires_replace(),
            )
            .attribute(Attribute::string("description").optional())
            .attribute(Attribute::string("local_if_name").optional().computed())
            .attribute(
                Attribute::string("peer_account_id")
                    .optional()
                    .computed()
                    .requires_replace_if_configured(),
            )
            .attribute(Attribute::string("status").computed())
            .attribute(
                Attribute::bool("delete_protect")
                    .optional()
                    .default(Value::Bool(false)),
            )
            .attribute(
                Attribute::map("tags", Type::String)
                    .optional()
                    .requires_replace(),
            )
            .block(
                NestedBlock::list(
                    "billing",
                    Block::new()
                        .attribute(
                            Attribute::string("payment_timing")
                                .required()
                                .requires_replace(),
                        )
                        .block(
                            NestedBlock::list(
                                "reservation",
                                Block::new()
                                    .attribute(Attribute::number("reservation_length").required())
                                    .attribute(
                                        Attribute::string("reservation_time_unit")
                                            .optional()
                                            .default(s("month")),
                                    ),
                            )
                            .max_items(1),
                        ),
                )
                .min_items(1)
                .max_items(1),
            )
            .timeouts(
                Timeouts::new()
                    .create(Duration::from_secs(600))
                    .delete(Duration::from_secs(1200)),
            )
    }

    /// A configuration as Terraform sends it: unset attributes null, blocks present.
    fn config() -> Value {
        obj(&[
            ("id", Value::Null),
            ("bandwidth_in_mbps", n(10)),
            ("local_vpc_id", s("vpc-a")),
            ("description", Value::Null),
            ("local_if_name", Value::Null),
            ("peer_account_id", Value::Null),
            ("status", Value::Null),
            ("delete_protect", Value::Null),
            ("tags", map(&[("env", "dev")])),
            (
                "billing",
                Value::List(vec![obj(&[
                    ("payment_timing", s("Prepaid")),
                    (
                        "reservation",
                        Value::List(vec![obj(&[
                            ("reservation_length", n(1)),
                            ("reservation_time_unit", Value::Null),
                        ])]),
                    ),
                ])]),
            ),
            ("timeouts", Value::Null),
        ])
    }

    /// What ProposedNew gives for `config` against `prior` (computed attributes
    /// with null config take the prior value).
    fn proposed(prior: &Value, config: &Value) -> Value {
        let mut out = config.clone();
        for name in [
            "id",
            "local_if_name",
            "peer_account_id",
            "status",
            "delete_protect",
        ] {
            if config.get_attr(name) == Some(&Value::Null) {
                set_attr(&mut out, name, child(prior, name).clone());
            }
        }
        // billing[0].reservation[0].reservation_time_unit is optional+computed too.
        if let (Some(Value::List(pb)), Value::Object(o)) = (prior.get_attr("billing"), &mut out) {
            if let Some(Value::List(b)) = o.get_mut("billing") {
                for (i, e) in b.iter_mut().enumerate() {
                    if let (Some(pe), Value::Object(eo)) = (pb.get(i), e) {
                        if let (Some(Value::List(pr)), Some(Value::List(r))) =
                            (pe.get_attr("reservation"), eo.get_mut("reservation"))
                        {
                            for (j, re) in r.iter_mut().enumerate() {
                                if re.get_attr("reservation_time_unit") == Some(&Value::Null) {
                                    if let Some(p) = pr.get(j) {
                                        set_attr(
                                            re,
                                            "reservation_time_unit",
                                            child(p, "reservation_time_unit").clone(),
                                        );
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// The state after a create: everything known.
    fn applied(plan: &Value) -> Value {
        let mut state = plan.clone();
        set_attr(&mut state, "id", s("peerconn-abc"));
        set_attr(&mut state, "local_if_name", s("if-1"));
        set_attr(&mut state, "peer_account_id", Value::Null);
        set_attr(&mut state, "status", s("active"));
        assert!(state.is_wholly_known());
        state
    }

    fn plan(prior: &Value, config: &Value) -> FrameworkPlan {
        let schema = schema();
        let proposed = if matches!(config, Value::Null) {
            Value::Null
        } else {
            proposed(prior, config)
        };
        let out = plan_change(&schema, prior, config, &proposed);
        let violations = check_plan_valid(&schema, prior, config, &out.planned);
        assert!(violations.is_empty(), "invalid plan: {violations:?}");
        out
    }

    #[test]
    fn create_marks_computed_unknown_and_applies_defaults() {
        let out = plan(&Value::Null, &config());
        let p = &out.planned;
        for name in ["id", "local_if_name", "peer_account_id", "status"] {
            assert!(child(p, name).is_unknown(), "{name} should be unknown");
        }
        assert_eq!(child(p, "delete_protect"), &Value::Bool(false));
        assert_eq!(child(p, "bandwidth_in_mbps"), &n(10));
        assert_eq!(child(p, "description"), &Value::Null);
        assert_eq!(child(p, "timeouts"), &Value::Null);
        let reservation = list_get(child(list_get(child(p, "billing"), 0), "reservation"), 0);
        assert_eq!(child(reservation, "reservation_time_unit"), &s("month"));
        assert_eq!(child(reservation, "reservation_length"), &n(1));
        assert!(out.requires_replace.is_empty(), "create never replaces");
    }

    #[test]
    fn unchanged_config_plans_no_change() {
        let state = applied(&plan(&Value::Null, &config()).planned);
        let out = plan(&state, &config());
        assert_eq!(out.planned, state);
        assert!(out.requires_replace.is_empty());
    }

    #[test]
    fn update_keeps_use_state_for_unknown_and_unknowns_the_rest() {
        let state = applied(&plan(&Value::Null, &config()).planned);
        let mut cfg = config();
        set_attr(&mut cfg, "bandwidth_in_mbps", n(20));
        let out = plan(&state, &cfg);
        let p = &out.planned;
        assert_eq!(child(p, "id"), &s("peerconn-abc"));
        assert!(child(p, "status").is_unknown());
        assert!(child(p, "local_if_name").is_unknown());
        assert_eq!(child(p, "bandwidth_in_mbps"), &n(20));
        assert!(
            out.requires_replace.is_empty(),
            "{:?}",
            paths(&out.requires_replace)
        );
    }

    #[test]
    fn timeouts_only_change_keeps_computed_values() {
        let state = applied(&plan(&Value::Null, &config()).planned);
        let mut cfg = config();
        set_attr(
            &mut cfg,
            "timeouts",
            obj(&[("create", s("2s")), ("delete", Value::Null)]),
        );
        let out = plan(&state, &cfg);
        assert_eq!(child(&out.planned, "status"), &s("active"));
        assert_eq!(child(&out.planned, "timeouts"), child(&cfg, "timeouts"));
        assert!(out.requires_replace.is_empty());
    }

    #[test]
    fn default_comes_back_when_config_drops_the_attribute() {
        let mut cfg = config();
        set_attr(&mut cfg, "delete_protect", Value::Bool(true));
        let state = applied(&plan(&Value::Null, &cfg).planned);
        assert_eq!(child(&state, "delete_protect"), &Value::Bool(true));
        let out = plan(&state, &config());
        assert_eq!(child(&out.planned, "delete_protect"), &Value::Bool(false));
    }

    #[test]
    fn requires_replace_top_level_and_nested() {
        let state = applied(&plan(&Value::Null, &config()).planned);
        let mut cfg = config();
        set_attr(&mut cfg, "local_vpc_id", s("vpc-b"));
        let out = plan(&state, &cfg);
        assert_eq!(paths(&out.requires_replace), ["local_vpc_id"]);

        let mut cfg = config();
        if let Value::Object(o) = &mut cfg {
            if let Some(Value::List(b)) = o.get_mut("billing") {
                set_attr(&mut b[0], "payment_timing", s("Postpaid"));
            }
        }
        let out = plan(&state, &cfg);
        assert_eq!(paths(&out.requires_replace), ["billing[0].payment_timing"]);

        let mut cfg = config();
        set_attr(&mut cfg, "tags", map(&[("env", "prod")]));
        let out = plan(&state, &cfg);
        assert_eq!(paths(&out.requires_replace), ["tags"]);
    }

    #[test]
    fn conditional_replace_ignores_unset_optional_computed() {
        let mut state = applied(&plan(&Value::Null, &config()).planned);
        set_attr(&mut state, "peer_account_id", s("acct-2"));
        // Config leaves it out: the prior computed value is kept, no replacement.
        let out = plan(&state, &config());
        assert!(out.requires_replace.is_empty());
        assert_eq!(child(&out.planned, "peer_account_id"), &s("acct-2"));
        // Config sets a different one: replacement.
        let mut cfg = config();
        set_attr(&mut cfg, "peer_account_id", s("acct-3"));
        let out = plan(&state, &cfg);
        assert_eq!(paths(&out.requires_replace), ["peer_account_id"]);
    }

    #[test]
    fn unknown_config_value_of_replace_attribute_forces_replace() {
        let state = applied(&plan(&Value::Null, &config()).planned);
        let mut cfg = config();
        set_attr(&mut cfg, "local_vpc_id", unknown());
        let out = plan(&state, &cfg);
        assert_eq!(paths(&out.requires_replace), ["local_vpc_id"]);
        assert!(child(&out.planned, "local_vpc_id").is_unknown());
    }

    #[test]
    fn removed_single_block_is_planned_absent_even_if_proposed_kept_it() {
        let mut cfg = config();
        set_attr(
            &mut cfg,
            "timeouts",
            obj(&[("create", s("2s")), ("delete", Value::Null)]),
        );
        let state = applied(&plan(&Value::Null, &cfg).planned);
        // Terraform 1.0's ProposedNew keeps the prior block for a null config block.
        let schema = schema();
        let config = config();
        let mut proposed = proposed(&state, &config);
        set_attr(&mut proposed, "timeouts", child(&state, "timeouts").clone());
        let out = plan_change(&schema, &state, &config, &proposed);
        assert_eq!(child(&out.planned, "timeouts"), &Value::Null);
        assert!(check_plan_valid(&schema, &state, &config, &out.planned).is_empty());
        assert_eq!(
            child(&out.planned, "status"),
            &s("active"),
            "a timeouts change is not a change"
        );
    }

    #[test]
    fn destroy_passes_through_as_null() {
        let state = applied(&plan(&Value::Null, &config()).planned);
        let out = plan(&state, &Value::Null);
        assert_eq!(out.planned, Value::Null);
        assert!(out.requires_replace.is_empty());
    }

    #[test]
    fn removing_a_replace_block_element_counts_as_change() {
        let schema = Schema::new()
            .attribute(Attribute::string("id").computed())
            .block(NestedBlock::list(
                "rule",
                Block::new().attribute(Attribute::string("cidr").required().requires_replace()),
            ));
        let prior = obj(&[
            ("id", s("x")),
            ("rule", Value::List(vec![obj(&[("cidr", s("10.0.0.0/8"))])])),
        ]);
        let config = obj(&[("id", Value::Null), ("rule", Value::List(vec![]))]);
        let mut proposed = config.clone();
        set_attr(&mut proposed, "id", s("x"));
        let out = plan_change(&schema, &prior, &config, &proposed);
        assert_eq!(paths(&out.requires_replace), ["rule[0].cidr"]);
        assert!(
            child(&out.planned, "id").is_unknown(),
            "something changed, id is not use_state_for_unknown"
        );
    }

    #[test]
    fn set_blocks_correlate_computed_values_and_replace_at_block_path() {
        let schema = Schema::new().block(NestedBlock::set(
            "rule",
            Block::new()
                .attribute(Attribute::string("cidr").required().requires_replace())
                .attribute(Attribute::string("note").optional())
                .attribute(Attribute::string("rule_id").computed()),
        ));
        let rule = |cidr: &str, note: Value, id: Value| {
            obj(&[("cidr", s(cidr)), ("note", note), ("rule_id", id)])
        };
        let prior = obj(&[(
            "rule",
            Value::Set(vec![
                rule("a", Value::Null, s("r1")),
                rule("b", Value::Null, s("r2")),
            ]),
        )]);
        let config = obj(&[(
            "rule",
            Value::Set(vec![
                rule("a", Value::Null, Value::Null),
                rule("b", Value::Null, Value::Null),
            ]),
        )]);
        let out = plan_change(&schema, &prior, &config, &prior);
        assert_eq!(out.planned, prior, "unchanged set keeps computed ids");
        assert!(out.requires_replace.is_empty());

        let config2 = obj(&[(
            "rule",
            Value::Set(vec![
                rule("a", Value::Null, Value::Null),
                rule("c", Value::Null, Value::Null),
            ]),
        )]);
        let proposed2 = obj(&[(
            "rule",
            Value::Set(vec![
                rule("a", Value::Null, s("r1")),
                rule("c", Value::Null, Value::Null),
            ]),
        )]);
        let out = plan_change(&schema, &prior, &config2, &proposed2);
        assert_eq!(paths(&out.requires_replace), ["rule"]);
        let Value::Set(items) = child(&out.planned, "rule") else {
            panic!("set")
        };
        let new_rule = items
            .iter()
            .find(|e| child(e, "cidr") == &s("c"))
            .expect("c");
        assert!(child(new_rule, "rule_id").is_unknown());
    }

    #[test]
    fn plan_check_catches_altered_config_values() {
        let schema = schema();
        let cfg = config();
        let mut bad =
            plan_change(&schema, &Value::Null, &cfg, &proposed(&Value::Null, &cfg)).planned;
        set_attr(&mut bad, "description", s("sneaky"));
        set_attr(&mut bad, "bandwidth_in_mbps", n(11));
        let v = check_plan_valid(&schema, &Value::Null, &cfg, &bad);
        let got: Vec<_> = v.iter().map(|v| v.path.to_string()).collect();
        assert_eq!(got, ["bandwidth_in_mbps", "description"]);
        let mut no_billing = bad.clone();
        set_attr(&mut no_billing, "billing", Value::List(vec![]));
        assert!(check_plan_valid(&schema, &Value::Null, &cfg, &no_billing)
            .iter()
            .any(|v| v.path.to_string() == "billing"));
        let _ = BTreeMap::<String, Value>::new();
    }
}
