//! What a change to each argument does, declared on the model next to the
//! argument ([`model!`](crate::model!)'s `=> Lifecycle…`): a resource's
//! documentation renders its table from the declarations
//! ([`markdown_table`]) and its tests can drive real Terraform through every
//! row and check the plan's actions and the API calls against them.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::schema::Block;
use crate::timeouts::Timeouts;

/// What changing (or removing) an argument does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing to do: the plan is empty.
    NoChange,
    /// Updated in place with no API call (only the state changes).
    StoredOnly,
    /// Updated in place through these API operations, in order.
    InPlace(&'static [&'static str]),
    /// The object is replaced (destroyed, then created anew).
    Replace,
    /// The plan fails with an error of this summary at the argument.
    Refused(&'static str),
    /// A rule on the object as it is now: the plan warns with this summary
    /// at the argument, and the apply fails with it before any API call.
    RefusedAtApply(&'static str),
}

impl Effect {
    /// The actions Terraform's plan JSON lists for the resource, or `None`
    /// when the plan fails.
    pub fn plan_actions(self) -> Option<&'static [&'static str]> {
        match self {
            Effect::NoChange => Some(&["no-op"]),
            Effect::StoredOnly | Effect::InPlace(_) | Effect::RefusedAtApply(_) => {
                Some(&["update"])
            }
            Effect::Replace => Some(&["delete", "create"]),
            Effect::Refused(_) => None,
        }
    }

    fn describe(self) -> String {
        match self {
            Effect::NoChange => "nothing (the plan is empty)".to_owned(),
            Effect::StoredOnly => "in place, no API call".to_owned(),
            Effect::InPlace(ops) => format!(
                "in place ({})",
                ops.iter()
                    .map(|op| format!("`{op}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Effect::Replace => "**replaced** (destroyed, then created)".to_owned(),
            Effect::Refused(summary) => format!("refused at plan time: \"{summary}\""),
            Effect::RefusedAtApply(summary) => {
                format!("the plan warns and the apply refuses it: \"{summary}\"")
            }
        }
    }
}

/// Whether an argument can change outside Terraform, and what the next plan
/// then shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drift {
    /// The remote API has no way to change it after creation.
    Impossible,
    /// A change made outside Terraform is read back, and the next plan
    /// undoes it with this effect.
    Reverted(Effect),
    /// The remote API does not report it back, so a change outside
    /// Terraform is not seen.
    NotReported,
}

impl Drift {
    fn describe(self) -> String {
        match self {
            Drift::Impossible => "cannot happen".to_owned(),
            Drift::Reverted(Effect::Replace) => {
                "read back; the plan reverts it by a replacement".to_owned()
            }
            Drift::Reverted(effect) => {
                format!("read back; the plan reverts it {}", effect.describe())
            }
            Drift::NotReported => "not reported by the API, so not seen".to_owned(),
        }
    }
}

/// One argument's declared behaviour, as written on its model field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    /// Its value changed to another valid value.
    pub change: Effect,
    /// Removed from the configuration (or set to `null`).
    pub removal: Effect,
    /// Set to `""` (strings) or `{}` (maps); `None` for other types.
    pub emptied: Option<Effect>,
    /// Changed outside Terraform.
    pub drift: Drift,
}

impl Lifecycle {
    /// A change and a removal; not emptiable, and no drift possible until
    /// said otherwise.
    pub const fn new(change: Effect, removal: Effect) -> Self {
        Self {
            change,
            removal,
            emptied: None,
            drift: Drift::Impossible,
        }
    }

    /// What setting it to `""` or `{}` does.
    pub const fn emptied(mut self, effect: Effect) -> Self {
        self.emptied = Some(effect);
        self
    }

    /// What a change outside Terraform does.
    pub const fn drift(mut self, drift: Drift) -> Self {
        self.drift = drift;
        self
    }
}

/// One argument's declared behaviour with its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behaviour {
    /// The argument's path with blocks joined by dots, e.g.
    /// `billing.reservation.reservation_length`.
    pub argument: String,
    /// Its value changed to another valid value.
    pub change: Effect,
    /// Removed from the configuration (or set to `null`).
    pub removal: Effect,
    /// Set to `""` (strings) or `{}` (maps); `None` for other types.
    pub emptied: Option<Effect>,
    /// Changed outside Terraform.
    pub drift: Drift,
}

impl Behaviour {
    /// The row of the argument `argument`.
    pub fn new(argument: impl Into<String>, lifecycle: Lifecycle) -> Self {
        Self {
            argument: argument.into(),
            change: lifecycle.change,
            removal: lifecycle.removal,
            emptied: lifecycle.emptied,
            drift: lifecycle.drift,
        }
    }

    /// The row with its argument inside the block `block`.
    pub fn nested_in(mut self, block: &str) -> Self {
        self.argument = format!("{block}.{}", self.argument);
        self
    }
}

/// The rows of the standard `timeouts` block: each timeout only changes
/// how long the provider waits (stored only), and a value that is not a
/// duration is refused at plan time.
pub fn timeouts_behaviours(timeouts: &Timeouts) -> Vec<Behaviour> {
    timeouts
        .operations()
        .map(|op| {
            Behaviour::new(
                format!("{}.{op}", crate::timeouts::TIMEOUTS_BLOCK),
                Lifecycle::new(Effect::StoredOnly, Effect::StoredOnly)
                    .emptied(Effect::Refused("Invalid attribute value")),
            )
        })
        .collect()
}

/// The argument paths of a schema block, nested blocks included (computed-
/// only attributes are not arguments).
pub fn argument_paths(block: &Block) -> Vec<String> {
    let mut out = Vec::new();
    collect(block, "", &mut out);
    out
}

fn collect(block: &Block, prefix: &str, out: &mut Vec<String>) {
    for a in &block.attributes {
        if a.required || a.optional {
            out.push(format!("{prefix}{}", a.name));
        }
    }
    for b in &block.blocks {
        collect(&b.block, &format!("{prefix}{}.", b.type_name), out);
    }
}

/// The arguments of `block` without a row in `rows`, and the rows naming
/// no argument of it or declared twice (both empty when the declaration is
/// complete).
pub fn undeclared(block: &Block, rows: &[Behaviour]) -> (Vec<String>, Vec<String>) {
    let arguments = argument_paths(block);
    let missing = arguments
        .iter()
        .filter(|a| !rows.iter().any(|r| &r.argument == *a))
        .cloned()
        .collect();
    let mut extra: Vec<String> = rows
        .iter()
        .filter(|r| !arguments.contains(&r.argument))
        .map(|r| r.argument.clone())
        .collect();
    let mut seen = BTreeSet::new();
    extra.extend(
        rows.iter()
            .filter(|r| !seen.insert(r.argument.as_str()))
            .map(|r| format!("{} (declared twice)", r.argument)),
    );
    (missing, extra)
}

/// The markdown table of a declaration, for the docs.
pub fn markdown_table(rows: &[Behaviour]) -> String {
    let mut out = String::from(
        "| argument | changed | removed or `null` | emptied (`\"\"`, `{}`) | changed outside Terraform |\n|---|---|---|---|---|\n",
    );
    for row in rows {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            row.argument,
            row.change.describe(),
            row.removal.describe(),
            row.emptied.map_or_else(|| "—".to_owned(), Effect::describe),
            row.drift.describe()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, NestedBlock};
    use std::time::Duration;

    #[test]
    fn missing_extra_and_twice_declared_rows_are_found() {
        let block = Block::new()
            .attribute(Attribute::string("a").required())
            .attribute(Attribute::string("computed").computed())
            .block(NestedBlock::list(
                "b",
                Block::new().attribute(Attribute::bool("c").optional()),
            ));
        let row = |arg: &str| Behaviour::new(arg, Lifecycle::new(Effect::Replace, Effect::Replace));
        assert_eq!(argument_paths(&block), ["a", "b.c"]);
        let (missing, extra) = undeclared(&block, &[row("a"), row("a"), row("x")]);
        assert_eq!(missing, ["b.c"]);
        assert_eq!(extra, ["x", "a (declared twice)"]);
        assert_eq!(
            undeclared(&block, &[row("a"), row("b.c")]),
            (vec![], vec![])
        );
    }

    #[test]
    fn timeouts_rows_follow_the_declared_operations() {
        let t = Timeouts::new()
            .create(Duration::from_secs(60))
            .delete(Duration::from_secs(60));
        let rows = timeouts_behaviours(&t);
        let args: Vec<&str> = rows.iter().map(|r| r.argument.as_str()).collect();
        assert_eq!(args, ["timeouts.create", "timeouts.delete"]);
        assert_eq!(
            rows[0].emptied,
            Some(Effect::Refused("Invalid attribute value"))
        );
    }

    #[test]
    fn the_table_describes_each_effect() {
        let rows = [Behaviour::new(
            "x",
            Lifecycle::new(Effect::InPlace(&["Resize"]), Effect::Replace)
                .drift(Drift::Reverted(Effect::Replace)),
        )];
        let table = markdown_table(&rows);
        assert!(
            table.contains("| `x` | in place (`Resize`) | **replaced**"),
            "{table}"
        );
        assert!(table.contains("by a replacement"), "{table}");
    }
}
