//! msgpack → [`Value`], driven by the [`Type`] (go-cty `msgpack.Unmarshal`).

use std::collections::BTreeMap;

use super::reader::{Reader, WireNumber};
use super::unknown::decode_unknown;
use crate::ordering::canonicalize_set;
use crate::{DecodeError, DecodeErrorKind, Number, PathStep, Type, Value};

/// Deeper than any schema; keeps hostile dynamic-in-dynamic nesting from
/// exhausting a worker thread's stack.
pub(super) const MAX_DEPTH: usize = 256;

type Result<T> = std::result::Result<T, DecodeError>;

/// Decodes one msgpack value of type `ty`.
///
/// Follows go-cty: any extension is an unknown (ext 12 payloads carry
/// refinements); nil is null; numbers may be ints, floats or decimal
/// strings; `dynamic` is `[type JSON, value]`; sets come back in canonical
/// order without duplicates. Two deliberate leniencies: an object map may
/// omit attributes (they decode as null, where cty rejects the count), and
/// bytes after the value are ignored (as cty's stream decoder does).
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value> {
    let mut r = Reader::new(bytes);
    decode(&mut r, ty, 0)
}

pub(super) fn decode(r: &mut Reader<'_>, ty: &Type, depth: usize) -> Result<Value> {
    if depth > MAX_DEPTH {
        return Err(DecodeErrorKind::TooDeep(MAX_DEPTH).into());
    }
    if r.is_ext_next()? {
        return decode_unknown(r, ty);
    }
    if let Type::Dynamic = ty {
        return decode_dynamic(r, depth);
    }
    if r.try_nil()? {
        return Ok(Value::Null);
    }
    match ty {
        Type::Bool => r
            .bool()?
            .map(Value::Bool)
            .ok_or_else(|| DecodeErrorKind::Expected("bool").into()),
        Type::Number => Ok(Value::Number(decode_number(r)?)),
        Type::String => r
            .str()?
            .map(|s| Value::String(s.to_owned()))
            .ok_or_else(|| DecodeErrorKind::Expected("string").into()),
        Type::List(elem) => decode_list(r, elem, depth),
        Type::Set(elem) => decode_set(r, elem, depth),
        Type::Map(elem) => decode_map(r, elem, depth),
        Type::Object(attr_types) => decode_object(r, attr_types, depth),
        Type::Tuple(elem_types) => decode_tuple(r, elem_types, depth),
        Type::Dynamic => decode_dynamic(r, depth),
    }
}

// One function per kind keeps the frame of the recursive `decode` small
// (unoptimised builds give every temporary of a big match its own slot).

fn decode_list(r: &mut Reader<'_>, elem: &Type, depth: usize) -> Result<Value> {
    let len = r.array_len()?.ok_or(DecodeErrorKind::Expected("a list"))?;
    Ok(Value::List(decode_elements(r, elem, len, depth)?))
}

fn decode_set(r: &mut Reader<'_>, elem: &Type, depth: usize) -> Result<Value> {
    let len = r.array_len()?.ok_or(DecodeErrorKind::Expected("a set"))?;
    let mut items = decode_elements(r, elem, len, depth)?;
    canonicalize_set(&mut items);
    Ok(Value::Set(items))
}

fn decode_map(r: &mut Reader<'_>, elem: &Type, depth: usize) -> Result<Value> {
    let len = r.map_len()?.ok_or(DecodeErrorKind::Expected("a map"))?;
    let mut entries = Vec::with_capacity(len.min(1024));
    for _ in 0..len {
        let key = r.str()?.ok_or(DecodeErrorKind::NonStringKey)?;
        let v = decode(r, elem, depth + 1)
            .map_err(|e| e.within(PathStep::ElementKeyString(key.to_owned())))?;
        entries.push((key.to_owned(), v));
    }
    Ok(Value::Map(collect_sorted(entries)))
}

/// Builds a map from entries that usually arrive in key order already (cty
/// writes them sorted). `BTreeMap::from_iter` sorts stably and bulk-builds
/// the tree, keeping the last of duplicate keys, which is several times
/// cheaper than inserting one by one (each insert may split a node and
/// shift 160-byte values).
fn collect_sorted(entries: Vec<(String, Value)>) -> BTreeMap<String, Value> {
    entries.into_iter().collect()
}

fn decode_object(
    r: &mut Reader<'_>,
    attr_types: &BTreeMap<String, Type>,
    depth: usize,
) -> Result<Value> {
    let len = r.map_len()?.ok_or(DecodeErrorKind::Expected("an object"))?;
    let mut entries = Vec::with_capacity(attr_types.len());
    for _ in 0..len {
        let key = r.str()?.ok_or(DecodeErrorKind::NonStringKey)?;
        let Some((name, attr_ty)) = attr_types.get_key_value(key) else {
            return Err(DecodeErrorKind::UnsupportedAttribute(key.to_owned()).into());
        };
        let v = decode(r, attr_ty, depth + 1)
            .map_err(|e| e.within(PathStep::Attribute(name.clone())))?;
        entries.push((name.clone(), v));
    }
    let mut attrs = collect_sorted(entries);
    if attrs.len() < attr_types.len() {
        for name in attr_types.keys() {
            attrs.entry(name.clone()).or_insert(Value::Null);
        }
    }
    Ok(Value::Object(attrs))
}

fn decode_tuple(r: &mut Reader<'_>, elem_types: &[Type], depth: usize) -> Result<Value> {
    let len = r.array_len()?.ok_or(DecodeErrorKind::Expected("a tuple"))?;
    if len != elem_types.len() {
        return Err(DecodeErrorKind::TupleLength {
            expected: elem_types.len(),
            given: len,
        }
        .into());
    }
    let mut items = Vec::with_capacity(len);
    for (i, elem_ty) in elem_types.iter().enumerate() {
        items.push(
            decode(r, elem_ty, depth + 1)
                .map_err(|e| e.within(PathStep::ElementKeyInt(i as i64)))?,
        );
    }
    Ok(Value::Tuple(items))
}

fn decode_elements(
    r: &mut Reader<'_>,
    elem: &Type,
    len: usize,
    depth: usize,
) -> Result<Vec<Value>> {
    // The length comes from the input; cap the preallocation so a forged
    // header cannot reserve gigabytes before the data runs out.
    let mut items = Vec::with_capacity(len.min(1024));
    for i in 0..len {
        items.push(
            decode(r, elem, depth + 1).map_err(|e| e.within(PathStep::ElementKeyInt(i as i64)))?,
        );
    }
    Ok(items)
}

pub(super) fn decode_number(r: &mut Reader<'_>) -> Result<Number> {
    match r.number()? {
        Some(WireNumber::Int(i)) => Ok(Number::from_i64(i)),
        Some(WireNumber::Uint(u)) => Ok(Number::from_u64(u)),
        Some(WireNumber::Float(f)) => Ok(Number::from_f64(f).map_err(DecodeErrorKind::from)?),
        Some(WireNumber::Text(bytes)) => {
            let text = std::str::from_utf8(bytes).map_err(|_| DecodeErrorKind::InvalidUtf8)?;
            Ok(Number::parse(text).map_err(DecodeErrorKind::from)?)
        }
        None => Err(DecodeErrorKind::Expected("number").into()),
    }
}

/// `[type JSON bytes, value]`, or nil for a null of unknown type.
fn decode_dynamic(r: &mut Reader<'_>, depth: usize) -> Result<Value> {
    if r.try_nil()? {
        return Ok(Value::Null);
    }
    if r.array_len()? != Some(2) {
        return Err(DecodeErrorKind::DynamicArrayLength.into());
    }
    let type_json = r
        .bytes()?
        .ok_or(DecodeErrorKind::Expected("the type of a dynamic value"))?;
    let ty = Type::from_json(type_json).map_err(DecodeErrorKind::from)?;
    let inner = decode(r, &ty, depth + 1)?;
    Ok(match ty {
        // A value of type "dynamic" is itself null or unknown; no wrapper
        // needed (go-cty never writes this, but its decoder accepts it).
        Type::Dynamic => inner,
        ty => Value::Dynamic(ty, Box::new(inner)),
    })
}
