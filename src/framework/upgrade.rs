//! Stored state → current schema: the default `UpgradeResourceState`
//! behaviour, and the starting state of an import.
//!
//! Decoding is lenient on purpose: Terraform strips attributes no longer in
//! the schema only when the stored version equals the current one, so older
//! states can still carry them; attributes or blocks added since are filled
//! with null / empty blocks.


use serde_json::Value as Json;

use crate::tfvalue::Diagnostics;
use super::schema::{Block, Nesting, Schema};
use super::values::values_equal;
use crate::tfvalue::{AttributePath, Diagnostic, Number, Severity, Type, Value};

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
    decode_block(&schema.block, raw, &AttributePath::root()).map_err(|(path, message)| {
        Diagnostic {
            severity: Severity::Error,
            summary: "Cannot read the stored state".to_owned(),
            detail: if path.0.is_empty() {
                format!("The stored state does not fit the current schema: {message}.")
            } else {
                format!(
                    "The stored value of {} does not fit the current schema: {message}.",
                    path.to_string()
                )
            },
            attribute: Some(path).filter(|p| !p.0.is_empty()),
        }
    })
}

type DecodeResult = Result<Value, (AttributePath, String)>;

fn decode_block(block: &Block, raw: &Json, path: &AttributePath) -> DecodeResult {
    let Json::Object(fields) = raw else {
        return Err((path.clone(), "an object is required".to_owned()));
    };
    let mut out = std::collections::BTreeMap::new();
    for attr in &block.attributes {
        let apath = path.clone().attr(&attr.name);
        let v = match fields.get(&attr.name) {
            None => Value::Null,
            Some(j) => decode_value(j, &attr.ty, &apath)?,
        };
        out.insert(attr.name.clone(), v);
    }
    for nested in &block.blocks {
        let bpath = path.clone().attr(&nested.type_name);
        let raw_b = fields.get(&nested.type_name).unwrap_or(&Json::Null);
        let v = match (nested.nesting, raw_b) {
            (_, Json::Null) => nested.empty_value(),
            (Nesting::Single | Nesting::Group, j) => decode_block(&nested.block, j, &bpath)?,
            (Nesting::List | Nesting::Set, Json::Array(items)) => {
                let mut elems = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    elems.push(decode_block(&nested.block, item, &bpath.clone().index(i as i64))?);
                }
                if nested.nesting == Nesting::List {
                    Value::List(elems)
                } else {
                    Value::set(dedupe(elems))
                }
            }
            (Nesting::Map, Json::Object(entries)) => {
                let mut m = std::collections::BTreeMap::new();
                for (k, item) in entries {
                    m.insert(
                        k.clone(),
                        decode_block(&nested.block, item, &bpath.clone().key(k))?,
                    );
                }
                Value::Map(m)
            }
            _ => return Err((bpath, "unexpected JSON shape for a nested block".to_owned())),
        };
        out.insert(nested.type_name.clone(), v);
    }
    Ok(Value::Object(out))
}

fn dedupe(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        if !out.iter().any(|o| values_equal(o, &item)) {
            out.push(item);
        }
    }
    out
}

fn decode_value(raw: &Json, ty: &Type, path: &AttributePath) -> DecodeResult {
    let fail = |m: &str| Err((path.clone(), m.to_owned()));
    match (ty, raw) {
        (_, Json::Null) => Ok(Value::Null),
        (Type::Bool, Json::Bool(b)) => Ok(Value::Bool(*b)),
        (Type::Bool, Json::String(s)) if s == "true" || s == "false" => {
            Ok(Value::Bool(s == "true"))
        }
        (Type::Bool, _) => fail("a bool is required"),
        (Type::String, Json::String(s)) => Ok(Value::String(s.clone())),
        // cty converts primitive values to strings when the schema asks for one.
        (Type::String, Json::Number(n)) => Ok(Value::String(n.to_string())),
        (Type::String, Json::Bool(b)) => Ok(Value::String(b.to_string())),
        (Type::String, _) => fail("a string is required"),
        (Type::Number, Json::Number(n)) => {
            parse_number(&n.to_string()).ok_or((path.clone(), "invalid number".to_owned()))
        }
        (Type::Number, Json::String(s)) => {
            parse_number(s).ok_or((path.clone(), "a number is required".to_owned()))
        }
        (Type::Number, _) => fail("a number is required"),
        (Type::List(e) | Type::Set(e), Json::Array(items)) => {
            let mut elems = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                elems.push(decode_value(item, e, &path.clone().index(i as i64))?);
            }
            Ok(if matches!(ty, Type::List(_)) {
                Value::List(elems)
            } else {
                Value::set(dedupe(elems))
            })
        }
        (Type::Map(e), Json::Object(entries)) => {
            let mut m = std::collections::BTreeMap::new();
            for (k, item) in entries {
                m.insert(k.clone(), decode_value(item, e, &path.clone().key(k))?);
            }
            Ok(Value::Map(m))
        }
        (Type::Object(attrs), Json::Object(entries)) => {
            let mut m = std::collections::BTreeMap::new();
            for (name, attr_ty) in attrs {
                let v = match entries.get(name) {
                    None => Value::Null,
                    Some(j) => decode_value(j, attr_ty, &path.clone().attr(name))?,
                };
                m.insert(name.clone(), v);
            }
            Ok(Value::Object(m))
        }
        (Type::Tuple(elems), Json::Array(items)) if elems.len() == items.len() => {
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, t)) in items.iter().zip(elems).enumerate() {
                out.push(decode_value(item, t, &path.clone().index(i as i64))?);
            }
            Ok(Value::Tuple(out))
        }
        (Type::Dynamic, Json::Object(entries)) => {
            let (Some(t), Some(v)) = (entries.get("type"), entries.get("value")) else {
                return fail("a dynamic value needs \"type\" and \"value\"");
            };
            let Ok(inner_ty) = Type::from_json_value(t) else {
                return fail("invalid type in dynamic value");
            };
            let inner = decode_value(v, &inner_ty, path)?;
            Ok(Value::Dynamic(inner_ty, Box::new(inner)))
        }
        _ => fail("the stored value has a different type"),
    }
}

fn parse_number(s: &str) -> Option<Value> {
    Number::parse(s.trim()).ok().map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attribute, NestedBlock};
    use serde_json::json;

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
