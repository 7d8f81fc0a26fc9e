//! What a change to each argument does, declared once per resource: the
//! docs' "What a change does" tables are rendered from these declarations,
//! and the lifecycle-matrix test (`tests/lifecycle_matrix.rs`) drives real
//! Terraform through every row and checks the plan's action and the API
//! calls against them. A schema argument without a row fails a unit test.

use std::fmt::Write as _;

/// What changing (or removing) an argument does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing to do: the plan is empty.
    NoChange,
    /// Updated in place with no API call (only the state changes).
    StoredOnly,
    /// Updated in place through these API operations, in order.
    InPlace(&'static [&'static str]),
    /// The peering is replaced (deleted, then created anew).
    Replace,
    /// The plan fails with an error of this summary at the argument.
    Refused(&'static str),
    /// A rule on the object as it is now: the plan warns with this summary
    /// at the argument, and the apply fails with it before any API call
    /// (see [`crate::refusal`]).
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
    /// Baidu has no way to change it after creation.
    Impossible,
    /// A change made outside Terraform is read back, and the next plan
    /// undoes it with this effect.
    Reverted(Effect),
    /// Baidu does not report it back, so a change outside Terraform is not
    /// seen.
    NotReported,
}

impl Drift {
    fn describe(self) -> String {
        match self {
            Drift::Impossible => "cannot happen".to_owned(),
            Drift::Reverted(effect) => format!("read back; the plan reverts it {}", {
                let text = effect.describe();
                match effect {
                    Effect::Replace => "by a replacement".to_owned(),
                    _ => text,
                }
            }),
            Drift::NotReported => "not reported by Baidu, so not seen".to_owned(),
        }
    }
}

/// One argument's declared behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behaviour {
    /// The argument's path with blocks joined by dots, e.g.
    /// `billing.reservation.reservation_length`.
    pub argument: &'static str,
    /// Its value changed to another valid value.
    pub change: Effect,
    /// Removed from the configuration (or set to `null`).
    pub removal: Effect,
    /// Set to `""` (strings) or `{}` (maps); `None` for other types.
    pub emptied: Option<Effect>,
    pub drift: Drift,
}

/// The argument paths of a schema block, nested blocks included (computed-
/// only attributes are not arguments).
pub fn argument_paths(block: &tfplugin5_framework::schema::Block) -> Vec<String> {
    let mut out = Vec::new();
    collect(block, "", &mut out);
    out
}

fn collect(block: &tfplugin5_framework::schema::Block, prefix: &str, out: &mut Vec<String>) {
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
/// no argument of it (both empty when the declaration is complete).
pub fn undeclared(
    block: &tfplugin5_framework::schema::Block,
    rows: &[Behaviour],
) -> (Vec<String>, Vec<String>) {
    let arguments = argument_paths(block);
    let declared: Vec<&str> = rows.iter().map(|b| b.argument).collect();
    let missing = arguments
        .iter()
        .filter(|a| !declared.contains(&a.as_str()))
        .cloned()
        .collect();
    let mut extra: Vec<String> = declared
        .iter()
        .filter(|d| !arguments.iter().any(|a| a == *d))
        .map(|d| (*d).to_owned())
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    extra.extend(
        declared
            .iter()
            .filter(|d| !seen.insert(**d))
            .map(|d| format!("{d} (declared twice)")),
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
    use crate::{acceptor, peerconn};

    #[test]
    fn every_argument_of_each_resource_has_exactly_one_declared_behaviour() {
        for (name, schema, rows) in [
            (
                "baidu_peerconn",
                peerconn::schema::schema(),
                peerconn::lifecycle::BEHAVIOURS,
            ),
            (
                "baidu_peerconn_acceptor",
                acceptor::schema::schema(),
                acceptor::lifecycle::BEHAVIOURS,
            ),
        ] {
            let (missing, extra) = undeclared(&schema.block, rows);
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{name}: arguments without a declared behaviour {missing:?}; rows for no \
                 argument {extra:?}"
            );
        }
    }
}
