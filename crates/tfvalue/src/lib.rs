//! Terraform's type system (go-cty) in Rust: types, values (including unknown and
//! refined-unknown values), msgpack and JSON encodings, attribute paths and
//! diagnostics. Nothing here knows about gRPC, providers or Baidu.
//!
//! The data types in this file are the contract other layers program against.
//!
//! What users of the codecs should know:
//! - Values in `dynamic` positions come back as [`Value::Dynamic`]`(type, v)`
//!   (a plain [`Value::Null`] / [`Value::Unknown`] when untyped). Accessors
//!   and paths look through the wrapper; encoders also accept a bare value
//!   there and use its [`Value::implied_type`].
//! - [`encode_msgpack`] writes refined unknowns as extension 12 (only the
//!   refinements that apply to the type), plain ones as extension 0, so
//!   values echoed back to Terraform keep exactly what Terraform sent.
//! - Objects may omit attributes when encoding (written as null) and decode
//!   with every attribute present (missing ones null); extra attributes are
//!   errors, except with [`JsonDecodeOptions::ignore_unknown_attributes`].
//! - Sets are kept canonical (sorted, duplicates removed) by the decoders,
//!   [`Value::set`], [`Value::transform`] and [`Value::canonicalize`].
//! - Strings are not NFC-normalised here (Terraform sends them normalised).

#![warn(missing_docs)]

mod attributes;
mod conformance;
mod diagnostic;
mod error;
pub mod json;
pub mod msgpack;
mod number;
mod ordering;
mod path;
mod refinements;
mod transform;
mod types;
mod types_json;
mod value;

pub use diagnostic::Diagnostics;
pub use error::{
    ConformanceError, DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind, Mismatch,
};
pub use json::{decode_json, decode_json_with, encode_json, JsonDecodeOptions};
pub use msgpack::{decode_msgpack, encode_msgpack};
pub use number::{Number, NumberError, MAX_DECIMAL_EXPONENT};
pub use types_json::TypeJsonError;

use std::collections::BTreeMap;

/// A cty type. Object attribute order is irrelevant to cty, so a sorted map
/// keeps encodings deterministic (msgpack objects are written in key order).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// `bool`.
    Bool,
    /// `number`: arbitrary-precision decimals.
    Number,
    /// `string`.
    String,
    /// cty.DynamicPseudoType: the concrete type travels with the value.
    Dynamic,
    /// `list(T)`.
    List(Box<Type>),
    /// `set(T)`.
    Set(Box<Type>),
    /// `map(T)`, keyed by strings.
    Map(Box<Type>),
    /// `object({...})`: a fixed set of named attributes.
    Object(BTreeMap<String, Type>),
    /// `tuple([...])`: a fixed sequence of element types.
    Tuple(Vec<Type>),
}

/// A cty value. Values are untyped trees; encoders and decoders take the
/// [`Type`] alongside, as cty's msgpack format does.
///
/// `Ord` (in `ordering.rs`) is the canonical set order; `Eq`/`Hash` compare
/// numbers by value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// Null (of any type).
    Null,
    /// Not known until apply. Refinements narrow what the final value can be.
    Unknown(Refinements),
    /// A bool.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list's elements, in order.
    List(Vec<Value>),
    /// Elements in a canonical order with duplicates removed.
    Set(Vec<Value>),
    /// A map's entries.
    Map(BTreeMap<String, Value>),
    /// An object's attributes.
    Object(BTreeMap<String, Value>),
    /// A tuple's elements.
    Tuple(Vec<Value>),
    /// A value in a position of type [`Type::Dynamic`], carrying its concrete type.
    Dynamic(Type, Box<Value>),
}

/// What Terraform knows about an unknown value (msgpack extension 12).
/// All fields empty means a plain unknown (extension 0).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Refinements {
    /// `Some(false)`: definitely not null.
    pub nullness: Option<bool>,
    /// A known prefix of the final string.
    pub string_prefix: Option<String>,
    /// A lower bound of the final number, and whether it is inclusive.
    pub number_lower: Option<(Number, bool)>,
    /// An upper bound of the final number, and whether it is inclusive.
    pub number_upper: Option<(Number, bool)>,
    /// The least length of the final collection.
    pub length_lower: Option<u64>,
    /// The greatest length of the final collection.
    pub length_upper: Option<u64>,
}

/// A path to an attribute or element inside a value, as diagnostics and
/// `requires_replace` carry them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct AttributePath(pub Vec<PathStep>);

/// One step of an [`AttributePath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// An object attribute.
    Attribute(String),
    /// A map element, by key.
    ElementKeyString(String),
    /// A list or tuple element, by index.
    ElementKeyInt(i64),
}

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The operation fails.
    Error,
    /// Terraform shows it and carries on.
    Warning,
}

/// A user-facing problem. `attribute` makes Terraform point at the offending
/// configuration line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short summary.
    pub summary: String,
    /// The detail: what happened and what to do.
    pub detail: String,
    /// The configuration it is about, when any.
    pub attribute: Option<AttributePath>,
}
