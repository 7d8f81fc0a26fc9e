//! One schema-aware walk over the three values of a plan, prior, config and
//! planned, zipped attribute by attribute and element by element; each pass
//! of the planning code is a [`Visitor`]. A fix to how nested blocks pair up
//! (unknown collections, set correlation) is made here once.
//!
//! Pairing: single and group blocks by name; list elements by index and map
//! elements by key, over the indices and keys of all three sides (a side
//! without the element shows it as null, or unknown inside an unknown); set
//! elements have no path in protocol 5, so each planned element is paired
//! with the prior and config elements of equal user-settable content, as
//! Terraform's `objchange.ProposedNew` does.

use std::collections::BTreeSet;

use super::{NULL, UNKNOWN};
use crate::schema::{Attribute, Block, NestedBlock, Nesting};
use crate::values::values_equal;
use tfvalue::{AttributePath, Value};

/// The three sides at one place of the walk. `prior` is `None` where the
/// enclosing object is new (a create, or an element the prior lacks).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sides<'a> {
    pub prior: Option<&'a Value>,
    pub config: &'a Value,
}

impl Sides<'_> {
    /// The prior value, null where there is none.
    pub fn prior_or_null(&self) -> &Value {
        self.prior.unwrap_or(&NULL)
    }
}

/// One pass over a plan.
pub(crate) trait Visitor {
    /// An object of `block` (the root, a single block, an element): whether
    /// to walk into it.
    fn object(
        &mut self,
        _block: &Block,
        _path: &AttributePath,
        _sides: Sides<'_>,
        _planned: &Value,
    ) -> bool {
        true
    }

    /// One attribute. `planned` is the planned object's own value where it
    /// has one, else a scratch value whose changes are dropped.
    fn attribute(
        &mut self,
        attr: &Attribute,
        path: &AttributePath,
        sides: Sides<'_>,
        planned: &mut Value,
    );

    /// A nested block's whole value, before its elements: whether to walk
    /// into them. `planned` is the planned value of the block (or a scratch
    /// one), which a pass may replace.
    fn nested(
        &mut self,
        _nested: &NestedBlock,
        _path: &AttributePath,
        _sides: Sides<'_>,
        _planned: &mut Value,
    ) -> bool {
        true
    }
}

/// The child of `v` named `name`: unknown inside an unknown, null when absent.
pub(crate) fn child<'a>(v: &'a Value, name: &str) -> &'a Value {
    match v {
        Value::Unknown(_) => &UNKNOWN,
        _ => v.get_attr(name).unwrap_or(&NULL),
    }
}

fn non_null(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !matches!(v, Value::Null))
}

/// A scratch stand-in for a planned value that is not there.
fn scratch(parent: &Value) -> Value {
    match parent {
        Value::Unknown(_) => UNKNOWN.clone(),
        _ => Value::Null,
    }
}

/// Walks `planned` (an object of `block` at `path`) with its prior and
/// config, calling `visitor` at every object, attribute and nested block.
pub(crate) fn walk(
    block: &Block,
    path: &AttributePath,
    sides: Sides<'_>,
    planned: &mut Value,
    visitor: &mut dyn Visitor,
) {
    if !visitor.object(block, path, sides, planned) {
        return;
    }
    let prior = sides.prior;
    for attr in &block.attributes {
        let attr_sides = Sides {
            prior: prior.map(|p| child(p, &attr.name)),
            config: child(sides.config, &attr.name),
        };
        let apath = path.clone().attr(&attr.name);
        let mut spare = scratch(planned);
        let slot = match planned {
            Value::Object(attrs) => attrs.get_mut(&attr.name).unwrap_or(&mut spare),
            _ => &mut spare,
        };
        visitor.attribute(attr, &apath, attr_sides, slot);
    }
    for nested in &block.blocks {
        let bpath = path.clone().attr(&nested.type_name);
        let block_sides = Sides {
            prior: non_null(prior.map(|p| child(p, &nested.type_name))),
            config: child(sides.config, &nested.type_name),
        };
        let mut spare = scratch(planned);
        let slot = match planned {
            Value::Object(attrs) => attrs.get_mut(&nested.type_name).unwrap_or(&mut spare),
            _ => &mut spare,
        };
        if visitor.nested(nested, &bpath, block_sides, slot) {
            walk_elements(nested, &bpath, block_sides, slot, visitor);
        }
    }
}

fn walk_elements(
    nested: &NestedBlock,
    path: &AttributePath,
    sides: Sides<'_>,
    planned: &mut Value,
    visitor: &mut dyn Visitor,
) {
    match nested.nesting {
        Nesting::Single | Nesting::Group => walk(&nested.block, path, sides, planned, visitor),
        Nesting::List => {
            let len = [sides.prior.unwrap_or(&NULL), sides.config, planned]
                .iter()
                .map(|v| v.as_list().map_or(0, <[Value]>::len))
                .max()
                .unwrap_or(0);
            for i in 0..len {
                let element_sides = Sides {
                    prior: non_null(sides.prior.and_then(Value::as_list).and_then(|p| p.get(i))),
                    config: element(sides.config, |c| c.as_list().and_then(|c| c.get(i))),
                };
                let mut spare = scratch(planned);
                let slot = match planned {
                    Value::List(items) => items.get_mut(i).unwrap_or(&mut spare),
                    _ => &mut spare,
                };
                walk(
                    &nested.block,
                    &path.clone().index(i as i64),
                    element_sides,
                    slot,
                    visitor,
                );
            }
        }
        Nesting::Map => {
            let keys: BTreeSet<String> = [sides.prior.unwrap_or(&NULL), sides.config, planned]
                .iter()
                .filter_map(|v| v.as_map())
                .flat_map(|m| m.keys().cloned())
                .collect();
            for key in keys {
                let element_sides = Sides {
                    prior: non_null(
                        sides
                            .prior
                            .and_then(Value::as_map)
                            .and_then(|p| p.get(&key)),
                    ),
                    config: element(sides.config, |c| c.as_map().and_then(|c| c.get(&key))),
                };
                let mut spare = scratch(planned);
                let slot = match planned {
                    Value::Map(items) => items.get_mut(&key).unwrap_or(&mut spare),
                    _ => &mut spare,
                };
                walk(
                    &nested.block,
                    &path.clone().key(&key),
                    element_sides,
                    slot,
                    visitor,
                );
            }
        }
        Nesting::Set => {
            let Value::Set(items) = planned else { return };
            for item in items.iter_mut() {
                let element_sides = Sides {
                    prior: sides.prior.and_then(|p| correlate(&nested.block, p, item)),
                    config: correlate(&nested.block, sides.config, item).unwrap_or(&NULL),
                };
                walk(&nested.block, path, element_sides, item, visitor);
            }
        }
    }
}

/// An element of a config collection: unknown inside an unknown, else null
/// when absent.
fn element<'a>(
    collection: &'a Value,
    get: impl FnOnce(&'a Value) -> Option<&'a Value>,
) -> &'a Value {
    match collection {
        Value::Unknown(_) => &UNKNOWN,
        c => get(c).unwrap_or(&NULL),
    }
}

/// The element of the set/list `candidates` whose non-computed attributes and
/// nested blocks equal those of `item`.
fn correlate<'a>(block: &Block, candidates: &'a Value, item: &Value) -> Option<&'a Value> {
    let items = match candidates {
        Value::Set(items) | Value::List(items) => items,
        _ => return None,
    };
    items.iter().find(|c| {
        block
            .attributes
            .iter()
            .filter(|a| !a.computed)
            .all(|a| values_equal(child(c, &a.name), child(item, &a.name)))
            && block
                .blocks
                .iter()
                .all(|b| values_equal(child(c, &b.type_name), child(item, &b.type_name)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Attribute;

    /// Records every attribute visit as `path: prior | config | planned`.
    #[derive(Default)]
    struct Record(Vec<String>);

    impl Visitor for Record {
        fn attribute(
            &mut self,
            _: &Attribute,
            path: &AttributePath,
            sides: Sides<'_>,
            planned: &mut Value,
        ) {
            let show = |v: &Value| match v {
                Value::Null => "null".to_owned(),
                Value::Unknown(_) => "?".to_owned(),
                v => v.as_str().unwrap_or("x").to_owned(),
            };
            self.0.push(format!(
                "{path}: {} | {} | {}",
                sides.prior.map_or_else(|| "-".to_owned(), show),
                show(sides.config),
                show(planned)
            ));
            *planned = Value::string("visited");
        }
    }

    fn block(nesting: Nesting) -> Block {
        let element = Block::new()
            .attribute(Attribute::string("k").optional())
            .attribute(Attribute::string("c").computed());
        Block::new().block(NestedBlock {
            type_name: "b".into(),
            nesting,
            block: element,
            min_items: 0,
            max_items: 0,
            requires_replace: false,
        })
    }

    fn element(k: &str, c: Option<&str>) -> Value {
        Value::object([
            ("k", Value::string(k)),
            ("c", c.map_or(Value::Null, Value::string)),
        ])
    }

    #[test]
    fn list_elements_pair_by_index_over_every_side() {
        let prior = Value::object([(
            "b",
            Value::list([element("a", Some("1")), element("b", Some("2"))]),
        )]);
        let config = Value::object([("b", Value::list([element("a", None)]))]);
        let mut planned = config.clone();
        let mut record = Record::default();
        let sides = Sides {
            prior: Some(&prior),
            config: &config,
        };
        walk(
            &block(Nesting::List),
            &AttributePath::root(),
            sides,
            &mut planned,
            &mut record,
        );
        assert_eq!(
            record.0,
            [
                "b[0].k: a | a | a",
                "b[0].c: 1 | null | null",
                // On the prior side only: planned is a scratch value.
                "b[1].k: b | null | null",
                "b[1].c: 2 | null | null",
            ]
        );
        // The planned element was edited in place; the scratch was dropped.
        let planned_list = planned
            .get_attr("b")
            .and_then(Value::as_list)
            .expect("list");
        assert_eq!(planned_list.len(), 1);
        assert_eq!(
            planned_list[0].get_attr("c"),
            Some(&Value::string("visited"))
        );
    }

    #[test]
    fn set_elements_pair_by_content_and_a_new_object_has_no_prior() {
        let prior = Value::object([("b", Value::Set(vec![element("a", Some("1"))]))]);
        let config = Value::object([(
            "b",
            Value::Set(vec![element("z", None), element("a", None)]),
        )]);
        let mut planned = config.clone();
        let mut record = Record::default();
        let sides = Sides {
            prior: Some(&prior),
            config: &config,
        };
        walk(
            &block(Nesting::Set),
            &AttributePath::root(),
            sides,
            &mut planned,
            &mut record,
        );
        assert_eq!(
            record.0,
            [
                "b.k: - | z | z",
                "b.c: - | null | null",
                "b.k: a | a | a",
                "b.c: 1 | null | null"
            ]
        );
    }

    #[test]
    fn unknown_collections_show_unknown_elements_and_maps_pair_by_key() {
        let config = Value::object([("b", Value::unknown())]);
        let mut planned = config.clone();
        let mut record = Record::default();
        let prior = Value::object([("b", Value::map([("x", element("a", Some("1")))]))]);
        let sides = Sides {
            prior: Some(&prior),
            config: &config,
        };
        walk(
            &block(Nesting::Map),
            &AttributePath::root(),
            sides,
            &mut planned,
            &mut record,
        );
        assert_eq!(record.0, ["b[\"x\"].k: a | ? | ?", "b[\"x\"].c: 1 | ? | ?"]);
        assert!(planned.get_attr("b").is_some_and(Value::is_unknown));
    }
}
