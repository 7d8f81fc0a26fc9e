//! JSON → [`Value`] against a [`Type`] (go-cty `json.Unmarshal`).

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::ordering::canonicalize_set;
use crate::{DecodeError, DecodeErrorKind, Number, PathStep, Type, Value};

type Result<T> = std::result::Result<T, DecodeError>;

/// How strictly [`decode_json_with`] reads objects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonDecodeOptions {
    /// Drop object attributes the type does not have instead of failing
    /// with "unsupported attribute". State written by an older provider
    /// version may hold attributes the current schema removed; Terraform
    /// strips them itself only when the schema version is unchanged.
    pub ignore_unknown_attributes: bool,
}

/// Decodes JSON as go-cty does (strictly: unknown object attributes are an
/// error). Missing object attributes decode as null; numbers keep full
/// precision (also when given as strings); strings accept JSON numbers and
/// bools (their text); bools accept `"true"`/`"false"`/`"1"`/`"0"`;
/// `dynamic` is `{"value": …, "type": …}`; sets come back canonical.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value> {
    decode_json_with(bytes, ty, JsonDecodeOptions::default())
}

/// [`decode_json`] with options, e.g. to read raw state in
/// `UpgradeResourceState` with `ignore_unknown_attributes`.
pub fn decode_json_with(bytes: &[u8], ty: &Type, options: JsonDecodeOptions) -> Result<Value> {
    // serde_json's recursion limit (128) bounds the depth of everything
    // below, dynamic values included.
    let json: Json =
        serde_json::from_slice(bytes).map_err(|e| DecodeErrorKind::Syntax(e.to_string()))?;
    decode(json, ty, options)
}

fn decode(json: Json, ty: &Type, options: JsonDecodeOptions) -> Result<Value> {
    if json.is_null() {
        return Ok(Value::Null);
    }
    match ty {
        Type::Dynamic => decode_dynamic(json, options),
        Type::Bool => match json {
            Json::Bool(b) => Ok(Value::Bool(b)),
            Json::String(s) => match s.as_str() {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                _ => Err(DecodeErrorKind::Expected("a bool").into()),
            },
            _ => Err(DecodeErrorKind::Expected("bool").into()),
        },
        Type::Number => {
            let n = match &json {
                Json::Number(n) => Number::parse(n.as_str()),
                Json::String(s) => Number::parse(s),
                _ => return Err(DecodeErrorKind::Expected("number").into()),
            };
            Ok(Value::Number(n.map_err(DecodeErrorKind::from)?))
        }
        Type::String => match json {
            Json::String(s) => Ok(Value::String(s)),
            Json::Number(n) => Ok(Value::String(n.as_str().to_owned())),
            Json::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(DecodeErrorKind::Expected("string").into()),
        },
        Type::List(elem) => {
            let Json::Array(items) = json else {
                return Err(DecodeErrorKind::Expected("a list").into());
            };
            Ok(Value::List(decode_elements(items, elem, options)?))
        }
        Type::Set(elem) => {
            let Json::Array(items) = json else {
                return Err(DecodeErrorKind::Expected("a set").into());
            };
            let mut items = decode_elements(items, elem, options)?;
            canonicalize_set(&mut items);
            Ok(Value::Set(items))
        }
        Type::Map(elem) => {
            let Json::Object(entries) = json else {
                return Err(DecodeErrorKind::Expected("a map").into());
            };
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let v = decode(v, elem, options)
                    .map_err(|e| e.within(PathStep::ElementKeyString(k.clone())))?;
                out.insert(k, v);
            }
            Ok(Value::Map(out))
        }
        Type::Object(attr_types) => decode_object(json, attr_types, options),
        Type::Tuple(elem_types) => {
            let Json::Array(items) = json else {
                return Err(DecodeErrorKind::Expected("a tuple").into());
            };
            if items.len() != elem_types.len() {
                return Err(DecodeErrorKind::TupleLength {
                    expected: elem_types.len(),
                    given: items.len(),
                }
                .into());
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, elem_ty)) in items.into_iter().zip(elem_types).enumerate() {
                out.push(
                    decode(item, elem_ty, options)
                        .map_err(|e| e.within(PathStep::ElementKeyInt(i as i64)))?,
                );
            }
            Ok(Value::Tuple(out))
        }
    }
}

fn decode_elements(
    items: Vec<Json>,
    elem: &Type,
    options: JsonDecodeOptions,
) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        out.push(
            decode(item, elem, options).map_err(|e| e.within(PathStep::ElementKeyInt(i as i64)))?,
        );
    }
    Ok(out)
}

fn decode_object(
    json: Json,
    attr_types: &BTreeMap<String, Type>,
    options: JsonDecodeOptions,
) -> Result<Value> {
    let Json::Object(entries) = json else {
        return Err(DecodeErrorKind::Expected("an object").into());
    };
    let mut attrs = BTreeMap::new();
    for (k, v) in entries {
        let Some(attr_ty) = attr_types.get(&k) else {
            if options.ignore_unknown_attributes {
                continue;
            }
            return Err(DecodeErrorKind::UnsupportedAttribute(k).into());
        };
        let v =
            decode(v, attr_ty, options).map_err(|e| e.within(PathStep::Attribute(k.clone())))?;
        attrs.insert(k, v);
    }
    if attrs.len() < attr_types.len() {
        for name in attr_types.keys() {
            if !attrs.contains_key(name) {
                attrs.insert(name.clone(), Value::Null);
            }
        }
    }
    Ok(Value::Object(attrs))
}

/// `{"value": v, "type": t}` in either order, both required.
fn decode_dynamic(json: Json, options: JsonDecodeOptions) -> Result<Value> {
    let Json::Object(entries) = json else {
        return Err(DecodeErrorKind::Expected("a dynamically-typed value object").into());
    };
    let mut ty = None;
    let mut body = None;
    for (k, v) in entries {
        match k.as_str() {
            "type" => ty = Some(Type::from_json_value(&v).map_err(DecodeErrorKind::from)?),
            "value" => body = Some(v),
            _ => return Err(DecodeErrorKind::DynamicInvalidKey(k).into()),
        }
    }
    let ty = ty.ok_or(DecodeErrorKind::DynamicMissingType)?;
    let body = body.ok_or(DecodeErrorKind::DynamicMissingValue)?;
    let inner = decode(body, &ty, options)?;
    Ok(match ty {
        Type::Dynamic => inner,
        ty => Value::Dynamic(ty, Box::new(inner)),
    })
}
