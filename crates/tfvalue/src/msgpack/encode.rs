//! [`Value`] → msgpack against a [`Type`] (go-cty `msgpack.Marshal`).

use super::unknown::{encode_unknown, PLAIN_UNKNOWN};
use super::writer;
use crate::attributes::zip_attributes;
use crate::{EncodeError, EncodeErrorKind, Mismatch, Number, PathStep, Type, Value};

type Result<T> = std::result::Result<T, EncodeError>;

/// Encodes `value` as a msgpack value of type `ty`, byte-identical to go-cty
/// for conforming values: objects as maps with every attribute in sorted
/// order, integers in the smallest int form, other numbers as float64 when
/// exact and as decimal strings otherwise, ±infinity as float64, `dynamic`
/// as `[type JSON, value]`, plain unknowns as ext 0 (`d4 00 00`).
///
/// Refined unknowns are written as ext 12 with cty's payload, keeping only
/// the refinements that apply to `ty`, so a value echoed back to Terraform
/// (e.g. a refined config value copied into a planned state) stays exactly
/// what Terraform sent. Terraform before 1.6 treats every extension as a
/// plain unknown, so this is safe with old clients too.
///
/// Two leniencies: an object attribute missing from the value is written as
/// null, and a bare value in a `dynamic` position is written with its
/// [`Value::implied_type`]. Set elements are written in the order held.
pub fn encode_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    encode(&mut out, value, ty)?;
    Ok(out)
}

fn encode(out: &mut Vec<u8>, value: &Value, ty: &Type) -> Result<()> {
    match (ty, value) {
        (Type::Dynamic, Value::Null) => writer::nil(out),
        // An unknown of unknown type can never carry refinements.
        (Type::Dynamic, Value::Unknown(_)) => out.extend_from_slice(&PLAIN_UNKNOWN),
        (Type::Dynamic, Value::Dynamic(Type::Dynamic, inner)) => encode(out, inner, ty)?,
        (Type::Dynamic, Value::Dynamic(inner_ty, inner)) => encode_dynamic(out, inner, inner_ty)?,
        (Type::Dynamic, bare) => {
            let implied = bare.implied_type().ok_or(Mismatch::UninferableDynamic)?;
            encode_dynamic(out, bare, &implied)?;
        }
        (_, Value::Null) => writer::nil(out),
        (_, Value::Unknown(refn)) => encode_unknown(out, refn, ty),
        (Type::Bool, Value::Bool(b)) => writer::bool(out, *b),
        (Type::Number, Value::Number(n)) => encode_number(out, n),
        (Type::String, Value::String(s)) => {
            check_len(s.len())?;
            writer::str(out, s);
        }
        (Type::List(elem), Value::List(items)) | (Type::Set(elem), Value::Set(items)) => {
            writer::array_len(out, check_len(items.len())?);
            for (i, item) in items.iter().enumerate() {
                encode(out, item, elem).map_err(|e| e.within(PathStep::ElementKeyInt(i as i64)))?;
            }
        }
        (Type::Map(elem), Value::Map(entries)) => {
            writer::map_len(out, check_len(entries.len())?);
            for (k, v) in entries {
                check_len(k.len())?;
                writer::str(out, k);
                encode(out, v, elem)
                    .map_err(|e| e.within(PathStep::ElementKeyString(k.clone())))?;
            }
        }
        (Type::Object(attr_types), Value::Object(attrs)) => {
            writer::map_len(out, check_len(attr_types.len())?);
            let mut zip = zip_attributes(attr_types, attrs);
            for (name, attr_ty, attr) in zip.by_ref() {
                check_len(name.len())?;
                writer::str(out, name);
                match attr {
                    Some(v) => encode(out, v, attr_ty)
                        .map_err(|e| e.within(PathStep::Attribute(name.clone())))?,
                    None => writer::nil(out),
                }
            }
            if let Some(extra) = zip.extra() {
                return Err(Mismatch::UnsupportedAttribute(extra.clone()).into());
            }
        }
        (Type::Tuple(elem_types), Value::Tuple(items)) => {
            if elem_types.len() != items.len() {
                return Err(Mismatch::TupleLength {
                    expected: elem_types.len(),
                    given: items.len(),
                }
                .into());
            }
            writer::array_len(out, check_len(items.len())?);
            for (i, (item, elem_ty)) in items.iter().zip(elem_types).enumerate() {
                encode(out, item, elem_ty)
                    .map_err(|e| e.within(PathStep::ElementKeyInt(i as i64)))?;
            }
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

/// `[type JSON as bin, value encoded with that type]`.
fn encode_dynamic(out: &mut Vec<u8>, value: &Value, ty: &Type) -> Result<()> {
    writer::array_len(out, 2);
    writer::bin(out, &ty.to_json());
    encode(out, value, ty)
}

/// cty's rule: an int when the value is an exact int64, else a float64 when
/// exact and not an integer, else the decimal text.
pub(super) fn encode_number(out: &mut Vec<u8>, n: &Number) {
    match n {
        Number::PosInfinity => writer::f64(out, f64::INFINITY),
        Number::NegInfinity => writer::f64(out, f64::NEG_INFINITY),
        Number::Finite(_) => {
            if let Some(i) = n.to_i64() {
                writer::int(out, i);
            } else if let Some(f) = (!n.is_integer()).then(|| n.to_f64_exact()).flatten() {
                writer::f64(out, f);
            } else {
                writer::str(out, &n.to_string());
            }
        }
    }
}

/// msgpack lengths are u32.
fn check_len(len: usize) -> Result<u32> {
    u32::try_from(len).map_err(|_| EncodeErrorKind::TooLong(len).into())
}
