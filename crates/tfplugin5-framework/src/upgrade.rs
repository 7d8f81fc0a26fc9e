//! Stored state → current schema: the default `UpgradeResourceState`
//! behaviour, and the starting state of an import.
//!
//! Decoding is lenient on purpose: Terraform strips attributes no longer in
//! the schema only when the stored version equals the current one, so older
//! states can still carry them; attributes or blocks added since are filled
//! with null / empty blocks.

use serde_json::Value as Json;

use super::schema::{Block, Nesting, Schema};
use tfvalue::Diagnostics;
use tfvalue::{decode_json_with, Diagnostic, JsonDecodeOptions, Severity, Type, Value};

/// An object of `schema` with only `id` set, for imports.
pub fn state_with_id(schema: &Schema, id: &str, diags: &mut Diagnostics) -> Option<Value> {
    let has_id = schema
        .block
        .get_attribute("id")
        .is_some_and(|a| a.ty == Type::String);
    if !has_id {
        diags.error(
            "Resource does not support import",
            "This resource type has no string \"id\" attribute, so it cannot be imported by id.",
        );
        return None;
    }
    let mut state = schema.empty_value();
    if let Value::Object(attrs) = &mut state {
        attrs.insert("id".to_owned(), Value::String(id.to_owned()));
    }
    Some(state)
}

/// Decodes the stored state JSON into the current schema's shape.
pub fn decode_state_json(schema: &Schema, raw: &Json) -> Result<Value, Diagnostic> {
    let options = JsonDecodeOptions {
        ignore_unknown_attributes: true,
    };
    // Re-serialising a parsed JSON value cannot fail.
    let bytes = serde_json::to_vec(raw).unwrap_or_default();
    let mut value =
        decode_json_with(&bytes, &schema.value_type(), options).map_err(|e| Diagnostic {
            severity: Severity::Error,
            summary: "Cannot read the stored state".to_owned(),
            detail: if e.path.is_empty() {
                format!(
                    "The stored state does not fit the current schema: {}.",
                    e.kind
                )
            } else {
                format!(
                    "The stored value of {} does not fit the current schema: {}.",
                    e.path, e.kind
                )
            },
            attribute: Some(e.path.clone()).filter(|p| !p.is_empty()),
        })?;
    if value.is_null() {
        return Err(Diagnostic::error(
            "Cannot read the stored state",
            "The stored state is null.",
        ));
    }
    fill_absent_blocks(&schema.block, &mut value);
    Ok(value)
}

/// Blocks added to the schema after the state was written decode as null;
/// Terraform requires list, set and map blocks to be (empty) collections and
/// group blocks to be objects.
fn fill_absent_blocks(block: &Block, value: &mut Value) {
    let Value::Object(attrs) = value else {
        return;
    };
    for nested in &block.blocks {
        let Some(slot) = attrs.get_mut(&nested.type_name) else {
            continue;
        };
        if slot.is_null() {
            *slot = nested.empty_value();
        }
        match slot {
            Value::List(items) | Value::Set(items) => items
                .iter_mut()
                .for_each(|item| fill_absent_blocks(&nested.block, item)),
            Value::Map(entries) => entries
                .values_mut()
                .for_each(|item| fill_absent_blocks(&nested.block, item)),
            other => fill_absent_blocks(&nested.block, other),
        }
    }
    if block.blocks.iter().any(|b| b.nesting == Nesting::Set) {
        value.canonicalize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, NestedBlock};
    use serde_json::json;
    use tfvalue::Number;

    fn schema() -> Schema {
        Schema::new()
            .attribute(Attribute::string("id").computed())
            .attribute(Attribute::number("bandwidth").required())
            .attribute(Attribute::map("tags", Type::String).optional())
            .attribute(Attribute::string("new_attr").optional())
            .block(NestedBlock::list(
                "billing",
                Block::new().attribute(Attribute::string("payment_timing").required()),
            ))
            .block(NestedBlock::single(
                "added_later",
                Block::new().attribute(Attribute::string("x").optional()),
            ))
            .block(NestedBlock::set(
                "rules",
                Block::new().attribute(Attribute::string("x").optional()),
            ))
    }

    #[test]
    fn drops_removed_attributes_and_fills_new_ones() {
        let raw = json!({
            "id": "peerconn-1",
            "bandwidth": 12345678901234567890u64,
            "tags": {"env": "dev"},
            "removed_attr": "gone",
            "billing": [{"payment_timing": "Postpaid", "removed_nested": 1}]
        });
        let v = decode_state_json(&schema(), &raw).expect("decodes");
        let Value::Object(m) = &v else {
            panic!("object")
        };
        assert_eq!(m["id"], Value::String("peerconn-1".into()));
        assert_eq!(
            m["bandwidth"],
            Value::Number(Number::parse("12345678901234567890").expect("n"))
        );
        assert_eq!(m["new_attr"], Value::Null);
        assert_eq!(m["added_later"], Value::Null);
        assert_eq!(m["rules"], Value::Set(vec![]));
        assert!(!m.contains_key("removed_attr"));
        let Value::List(b) = &m["billing"] else {
            panic!("list")
        };
        assert_eq!(b.len(), 1);
        let check = v.check_conformance(&schema().value_type());
        assert!(check.is_ok(), "{check:?}");
    }

    #[test]
    fn type_mismatch_names_the_path() {
        let raw = json!({"id": "x", "bandwidth": 1, "billing": [{"payment_timing": ["not", "a", "string"]}]});
        let d = decode_state_json(&schema(), &raw).expect_err("mismatch");
        assert!(
            d.detail.contains("billing[0].payment_timing"),
            "{}",
            d.detail
        );
    }

    #[test]
    fn import_state_has_only_the_id() {
        let mut diags = Diagnostics::new();
        let v = state_with_id(&schema(), "peerconn-9", &mut diags).expect("state");
        let Value::Object(m) = &v else {
            panic!("object")
        };
        assert_eq!(m["id"], Value::String("peerconn-9".into()));
        assert_eq!(m["bandwidth"], Value::Null);
        assert_eq!(m["billing"], Value::List(vec![]));
        let no_id = Schema::new().attribute(Attribute::string("name").required());
        assert!(state_with_id(&no_id, "x", &mut diags).is_none());
        assert!(diags.has_errors());
    }
}
