//! Unknown values: msgpack extension 0 (plain) and extension 12 (refined),
//! as go-cty `cty/msgpack/unknown.go` reads and writes them.

use super::decode::decode_number;
use super::reader::{Reader, WireNumber};
use super::writer;
use crate::{DecodeError, DecodeErrorKind, Number, Refinements, Type, Value};

/// The extension type code of an unknown with refinements.
pub(super) const REFINED_UNKNOWN_EXT: i8 = 0x0c;

/// go-cty's "totally unknown" bytes: fixext1, type 0, one zero byte.
pub(super) const PLAIN_UNKNOWN: [u8; 3] = [0xd4, 0, 0];

/// go-cty refuses larger refinement payloads as abusive.
const MAX_REFINEMENT_PAYLOAD: usize = 1024;

/// go-cty keeps string prefixes on the wire under this many bytes.
const MAX_PREFIX_BYTES: usize = 256;

/// A known list of this many unknowns is what a refined unknown list with
/// equal length bounds means; beyond this we keep the refined unknown
/// rather than let a five-byte payload allocate a huge list.
const MAX_COLLAPSED_LIST: u64 = 1024;

const KEY_NULLNESS: i64 = 1;
const KEY_STRING_PREFIX: i64 = 2;
const KEY_NUMBER_MIN: i64 = 3;
const KEY_NUMBER_MAX: i64 = 4;
const KEY_LENGTH_MIN: i64 = 5;
const KEY_LENGTH_MAX: i64 = 6;

fn invalid(reason: &'static str) -> DecodeError {
    DecodeErrorKind::InvalidRefinement(reason).into()
}

pub(super) fn decode_unknown(r: &mut Reader<'_>, ty: &Type) -> Result<Value, DecodeError> {
    let ext = r.ext()?;
    // Zero or one payload byte is a plain unknown whatever the type code.
    if ext.payload.len() <= 1 {
        return Ok(Value::unknown());
    }
    if ext.code != REFINED_UNKNOWN_EXT {
        return Err(DecodeErrorKind::UnsupportedExtension {
            code: ext.code,
            len: ext.payload.len(),
        }
        .into());
    }
    if ext.payload.len() > MAX_REFINEMENT_PAYLOAD {
        return Err(DecodeErrorKind::OversizeRefinement.into());
    }
    let mut p = Reader::new(ext.payload);
    let entries = match p.map_len()? {
        Some(n) => n,
        None if p.try_nil()? => 0,
        None => return Err(invalid("not a map")),
    };
    // An unknown of unknown type can never be refined; cty ignores the map.
    if let Type::Dynamic = ty {
        return Ok(Value::unknown());
    }

    let mut refn = Refinements::default();
    for _ in 0..entries {
        let key = match p.number()? {
            Some(WireNumber::Int(i)) => i,
            Some(WireNumber::Uint(u)) => i64::try_from(u).unwrap_or(i64::MAX),
            _ => return Err(invalid("non-integer key in map")),
        };
        match key {
            KEY_NULLNESS => {
                let is_null = p
                    .bool()?
                    .ok_or_else(|| invalid("null refinement is not boolean"))?;
                refn.nullness = Some(is_null);
            }
            KEY_STRING_PREFIX => {
                if *ty != Type::String {
                    return Err(invalid("string prefix refinement for non-string type"));
                }
                let prefix = p
                    .str()
                    .map_err(|_| invalid("string prefix refinement is not valid UTF-8"))?
                    .ok_or_else(|| invalid("string prefix refinement is not string"))?;
                refn.string_prefix = Some(merge_prefix(refn.string_prefix.take(), prefix)?);
            }
            KEY_LENGTH_MIN | KEY_LENGTH_MAX => {
                if !ty.is_collection() {
                    return Err(invalid(
                        "length lower bound refinement for non-collection type",
                    ));
                }
                let bound = match p.number()? {
                    Some(WireNumber::Int(i)) => i128::from(i),
                    Some(WireNumber::Uint(u)) => i128::from(u),
                    _ => return Err(invalid("length bound refinement must be integer")),
                };
                if key == KEY_LENGTH_MIN {
                    // A negative lower bound says nothing (lengths are >= 0).
                    if let Ok(min) = u64::try_from(bound) {
                        refn.length_lower = Some(refn.length_lower.map_or(min, |m| m.max(min)));
                    }
                } else {
                    let max = u64::try_from(bound)
                        .map_err(|_| invalid("collection length upper bound is negative"))?;
                    refn.length_upper = Some(refn.length_upper.map_or(max, |m| m.min(max)));
                }
            }
            KEY_NUMBER_MIN | KEY_NUMBER_MAX => {
                if *ty != Type::Number {
                    return Err(invalid("numeric bound refinement for non-number type"));
                }
                let bound = decode_bound(&mut p)?;
                if key == KEY_NUMBER_MIN {
                    refn.number_lower = Some(tighter(refn.number_lower.take(), bound, true));
                } else {
                    refn.number_upper = Some(tighter(refn.number_upper.take(), bound, false));
                }
            }
            // Unknown keys are reserved for future refinements: skip them.
            _ => p.skip()?,
        }
    }
    // Trailing bytes after the map are reserved by cty and ignored.
    refn = refn.normalized_for(ty);
    check_consistent(&refn)?;
    Ok(collapse(refn, ty))
}

/// cty keeps the longer of two consistent prefixes.
fn merge_prefix(existing: Option<String>, new: &str) -> Result<String, DecodeError> {
    match existing {
        None => Ok(new.to_owned()),
        Some(old) if old.starts_with(new) => Ok(old),
        Some(old) if new.starts_with(old.as_str()) => Ok(new.to_owned()),
        Some(_) => Err(invalid("inconsistent string prefix refinements")),
    }
}

/// `[number, inclusive]`.
fn decode_bound(p: &mut Reader<'_>) -> Result<(Number, bool), DecodeError> {
    const MESSAGE: &str = "number bound refinement must be [number, bool] array";
    if p.array_len()? != Some(2) {
        return Err(invalid(MESSAGE));
    }
    let n = decode_number(p).map_err(|_| invalid(MESSAGE))?;
    let inclusive = p.bool()?.ok_or_else(|| invalid(MESSAGE))?;
    Ok((n, inclusive))
}

/// Of two bounds on the same side, the one that constrains more.
fn tighter(old: Option<(Number, bool)>, new: (Number, bool), lower: bool) -> (Number, bool) {
    let Some(old) = old else {
        return new;
    };
    let new_is_tighter = match new.0.cmp(&old.0) {
        std::cmp::Ordering::Equal => !new.1,
        std::cmp::Ordering::Greater => lower,
        std::cmp::Ordering::Less => !lower,
    };
    if new_is_tighter {
        new
    } else {
        old
    }
}

/// cty panics on contradictory bounds; we report them.
fn check_consistent(refn: &Refinements) -> Result<(), DecodeError> {
    if let (Some((lo, lo_inc)), Some((hi, hi_inc))) = (&refn.number_lower, &refn.number_upper) {
        let ok = if lo_inc != hi_inc { lo < hi } else { lo <= hi };
        if !ok {
            return Err(invalid("number lower bound is greater than upper bound"));
        }
    }
    if let (Some(lo), Some(hi)) = (refn.length_lower, refn.length_upper) {
        if hi < lo {
            return Err(invalid(
                "collection length upper bound is less than lower bound",
            ));
        }
    }
    Ok(())
}

/// cty's `RefinementBuilder.NewValue`: refinements that pin the value down
/// become that value.
fn collapse(refn: Refinements, ty: &Type) -> Value {
    match refn.nullness {
        Some(true) => return Value::Null,
        Some(false) => {}
        None => return Value::Unknown(refn),
    }
    if let (Some((lo, true)), Some((hi, true))) = (&refn.number_lower, &refn.number_upper) {
        if lo == hi {
            return Value::Number(lo.clone());
        }
    }
    if ty.is_collection() && refn.length_upper == Some(refn.length_lower.unwrap_or(0)) {
        let len = refn.length_lower.unwrap_or(0);
        match ty {
            _ if len == 0 => {
                return match ty {
                    Type::Set(_) => Value::Set(Vec::new()),
                    Type::Map(_) => Value::Map(Default::default()),
                    _ => Value::List(Vec::new()),
                };
            }
            Type::List(_) if len <= MAX_COLLAPSED_LIST => {
                return Value::List(vec![Value::unknown(); len as usize]);
            }
            Type::Set(_) if len == 1 => return Value::Set(vec![Value::unknown()]),
            _ => {}
        }
    }
    Value::Unknown(refn)
}

/// Writes an unknown of type `ty`: ext 0 when nothing applicable is known,
/// otherwise ext 12 with exactly go-cty's payload layout. Refinements that
/// cannot apply to `ty` are dropped (cty could not hold them either).
pub(super) fn encode_unknown(out: &mut Vec<u8>, refn: &Refinements, ty: &Type) {
    if refn.is_empty() || matches!(ty, Type::Dynamic) {
        out.extend_from_slice(&PLAIN_UNKNOWN);
        return;
    }
    // A value refined as definitely null *is* null (cty collapses it).
    if refn.nullness == Some(true) {
        writer::nil(out);
        return;
    }
    let mut entries: u32 = 0;
    let mut body = Vec::new();
    if refn.nullness == Some(false) {
        entries += 1;
        writer::int(&mut body, KEY_NULLNESS);
        writer::bool(&mut body, false);
    }
    match ty {
        Type::Number => {
            let bounds = [
                (
                    KEY_NUMBER_MIN,
                    refn.number_lower.as_ref(),
                    Number::NegInfinity,
                ),
                (
                    KEY_NUMBER_MAX,
                    refn.number_upper.as_ref(),
                    Number::PosInfinity,
                ),
            ];
            for (key, bound, unbounded) in bounds {
                if let Some((n, inclusive)) = bound.filter(|(n, _)| *n != unbounded) {
                    entries += 1;
                    writer::int(&mut body, key);
                    writer::array_len(&mut body, 2);
                    super::encode::encode_number(&mut body, n);
                    writer::bool(&mut body, *inclusive);
                }
            }
        }
        Type::String => {
            if let Some(prefix) = refn.string_prefix.as_deref().filter(|p| !p.is_empty()) {
                entries += 1;
                writer::int(&mut body, KEY_STRING_PREFIX);
                writer::str(&mut body, wire_prefix(prefix));
            }
        }
        Type::List(_) | Type::Set(_) | Type::Map(_) => {
            if let Some(min) = refn.length_lower.filter(|&n| n != 0) {
                entries += 1;
                writer::int(&mut body, KEY_LENGTH_MIN);
                writer::uint(&mut body, min);
            }
            if let Some(max) = refn.length_upper {
                entries += 1;
                writer::int(&mut body, KEY_LENGTH_MAX);
                writer::uint(&mut body, max);
            }
        }
        Type::Bool | Type::Object(_) | Type::Tuple(_) | Type::Dynamic => {}
    }
    if entries == 0 {
        out.extend_from_slice(&PLAIN_UNKNOWN);
        return;
    }
    let mut payload = Vec::with_capacity(body.len() + 1);
    writer::map_len(&mut payload, entries);
    payload.extend_from_slice(&body);
    writer::ext(out, REFINED_UNKNOWN_EXT, &payload);
}

/// go-cty truncates long prefixes so the payload stays under its decoder's
/// 1 KiB limit: to 255 bytes, then drops a trailing character that a later
/// character could still combine with. A shorter prefix is always still a
/// true prefix; we approximate cty's grapheme rule by keeping the last char
/// only when it is one of the ASCII delimiters cty knows end a cluster.
fn wire_prefix(prefix: &str) -> &str {
    if prefix.len() <= MAX_PREFIX_BYTES {
        return prefix;
    }
    let mut end = MAX_PREFIX_BYTES - 1;
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    let truncated = &prefix[..end];
    match truncated.chars().next_back() {
        Some(c) if "-_:;/\\,.(){}[]|?!~ \t@#$%^&*+\"'".contains(c) => truncated,
        Some(c) => &truncated[..truncated.len() - c.len_utf8()],
        None => truncated,
    }
}
