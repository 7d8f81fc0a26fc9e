//! [`Value`] → JSON against a [`Type`] (go-cty `json.Marshal`), byte for
//! byte as cty writes it.

use super::string::write_json_string;
use crate::attributes::zip_attributes;
use crate::{EncodeError, EncodeErrorKind, Mismatch, Number, PathStep, Type, Value};

type Result<T> = std::result::Result<T, EncodeError>;

/// Encodes a wholly known value: unknowns and infinities have no JSON form
/// (errors, as in cty). Objects list every attribute of the type in sorted
/// order (a missing one is written as null); numbers are plain decimals of
/// full precision; `dynamic` is `{"value":…,"type":…}`; a bare value in a
/// `dynamic` position uses its [`Value::implied_type`].
pub fn encode_json(value: &Value, ty: &Type) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    encode(&mut out, value, ty)?;
    Ok(out)
}

fn encode(out: &mut Vec<u8>, value: &Value, ty: &Type) -> Result<()> {
    match (ty, value) {
        (_, Value::Unknown(_)) => return Err(EncodeErrorKind::Unknown.into()),
        (Type::Dynamic, Value::Null) => out.extend_from_slice(b"null"),
        (Type::Dynamic, Value::Dynamic(Type::Dynamic, inner)) => encode(out, inner, ty)?,
        (Type::Dynamic, Value::Dynamic(inner_ty, inner)) => encode_dynamic(out, inner, inner_ty)?,
        (Type::Dynamic, bare) => {
            let implied = bare.implied_type().ok_or(Mismatch::UninferableDynamic)?;
            encode_dynamic(out, bare, &implied)?;
        }
        (_, Value::Null) => out.extend_from_slice(b"null"),
        (Type::Bool, Value::Bool(b)) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        (Type::Number, Value::Number(n)) => {
            if !matches!(n, Number::Finite(_)) {
                return Err(EncodeErrorKind::Infinity.into());
            }
            out.extend_from_slice(n.to_string().as_bytes());
        }
        (Type::String, Value::String(s)) => write_json_string(out, s),
        (Type::List(elem), Value::List(items)) | (Type::Set(elem), Value::Set(items)) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                encode(out, item, elem).map_err(|e| e.within(PathStep::ElementKeyInt(i as i64)))?;
            }
            out.push(b']');
        }
        (Type::Map(elem), Value::Map(entries)) => {
            out.push(b'{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json_string(out, k);
                out.push(b':');
                encode(out, v, elem)
                    .map_err(|e| e.within(PathStep::ElementKeyString(k.clone())))?;
            }
            out.push(b'}');
        }
        (Type::Object(attr_types), Value::Object(attrs)) => {
            out.push(b'{');
            let mut zip = zip_attributes(attr_types, attrs);
            for (i, (name, attr_ty, attr)) in zip.by_ref().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json_string(out, name);
                out.push(b':');
                match attr {
                    Some(v) => encode(out, v, attr_ty)
                        .map_err(|e| e.within(PathStep::Attribute(name.clone())))?,
                    None => out.extend_from_slice(b"null"),
                }
            }
            if let Some(extra) = zip.extra() {
                return Err(Mismatch::UnsupportedAttribute(extra.clone()).into());
            }
            out.push(b'}');
        }
        (Type::Tuple(elem_types), Value::Tuple(items)) => {
            if elem_types.len() != items.len() {
                return Err(Mismatch::TupleLength {
                    expected: elem_types.len(),
                    given: items.len(),
                }
                .into());
            }
            out.push(b'[');
            for (i, (item, elem_ty)) in items.iter().zip(elem_types).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                encode(out, item, elem_ty)
                    .map_err(|e| e.within(PathStep::ElementKeyInt(i as i64)))?;
            }
            out.push(b']');
        }
        (_, other) => {
            return Err(Mismatch::WrongKind {
                expected: ty.to_string(),
                found: other.kind_name(),
            }
            .into())
        }
    }
    Ok(())
}

fn encode_dynamic(out: &mut Vec<u8>, value: &Value, ty: &Type) -> Result<()> {
    out.extend_from_slice(b"{\"value\":");
    encode(out, value, ty)?;
    out.extend_from_slice(b",\"type\":");
    ty.write_json(out);
    out.push(b'}');
    Ok(())
}
