//! Errors of the codecs and the conformance check. Each carries the path of
//! the value where the problem was found.

use super::{AttributePath, NumberError, PathStep, TypeJsonError};

/// Renders `path: ` before a message, or nothing at the root.
fn at(path: &AttributePath) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// Decoding msgpack or JSON against a type failed at `path`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{kind}", at(path))]
pub struct DecodeError {
    /// Where in the value.
    pub path: AttributePath,
    /// What went wrong.
    pub kind: DecodeErrorKind,
}

/// What made decoding fail.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeErrorKind {
    /// The input ended in the middle of a value.
    #[error("unexpected end of input")]
    UnexpectedEnd,
    /// The encoded shape does not fit the type (cty: "a list is required").
    #[error("{0} is required")]
    Expected(&'static str),
    /// A number that is not a cty number.
    #[error("{0}")]
    InvalidNumber(#[from] NumberError),
    /// A string that is not UTF-8.
    #[error("string is not valid UTF-8")]
    InvalidUtf8,
    /// A map or object key that is not a string.
    #[error("all keys must be strings")]
    NonStringKey,
    /// An object carries an attribute its type does not have.
    #[error("unsupported attribute {0:?}")]
    UnsupportedAttribute(String),
    /// A tuple with the wrong number of elements.
    #[error("a tuple of length {expected} is required ({given} given)")]
    TupleLength {
        /// The type's length.
        expected: usize,
        /// The value's length.
        given: usize,
    },
    /// A dynamic value's array is not `[type, value]`.
    #[error("dynamic value array must have exactly two elements")]
    DynamicArrayLength,
    /// A dynamic value without its type.
    #[error("missing type in dynamically-typed value")]
    DynamicMissingType,
    /// A dynamic value without its value.
    #[error("missing value in dynamically-typed value")]
    DynamicMissingValue,
    /// A dynamic value's JSON object with a key other than `type` and `value`.
    #[error("invalid key {0:?} in dynamically-typed value")]
    DynamicInvalidKey(String),
    /// A dynamic value whose type description is invalid.
    #[error("invalid type of dynamic value: {0}")]
    DynamicType(#[from] TypeJsonError),
    /// A msgpack extension with a payload that is not a refinement map.
    /// A msgpack extension that is not an unknown value.
    #[error("unsupported extension type 0x{code:02x} with len {len}")]
    UnsupportedExtension {
        /// The extension's type code.
        code: i8,
        /// Its payload's length.
        len: usize,
    },
    /// A refinement payload larger than Terraform writes.
    #[error("oversize unknown value refinement")]
    OversizeRefinement,
    /// A refinement payload that does not decode.
    #[error("failed to decode msgpack extension body: {0}")]
    InvalidRefinement(&'static str),
    /// Nesting deeper than any real schema (guards the stack).
    #[error("value nested more than {0} levels deep")]
    TooDeep(usize),
    /// Not well-formed msgpack or JSON at all.
    #[error("malformed input: {0}")]
    Syntax(String),
}

impl DecodeError {
    /// An error at `path`.
    pub fn new(path: &AttributePath, kind: DecodeErrorKind) -> Self {
        DecodeError {
            path: path.clone(),
            kind,
        }
    }

    /// The same error seen from the parent value: `step` is prepended.
    /// Decoders build paths this way, only on failure, so successful
    /// decoding never allocates path steps.
    pub(crate) fn within(mut self, step: PathStep) -> Self {
        self.path.0.insert(0, step);
        self
    }
}

/// An error at the root; enclosing decoders prepend their steps.
impl From<DecodeErrorKind> for DecodeError {
    fn from(kind: DecodeErrorKind) -> Self {
        DecodeError {
            path: AttributePath::root(),
            kind,
        }
    }
}

/// Why a value does not fit a type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    /// A value of another kind than the type.
    #[error("{expected} required, found {found}")]
    WrongKind {
        /// The type's kind.
        expected: String,
        /// The value's kind.
        found: &'static str,
    },
    /// An object attribute the type does not have.
    #[error("unsupported attribute {0:?}")]
    UnsupportedAttribute(String),
    /// An object attribute of the type the value lacks.
    #[error("attribute {0:?} is required")]
    MissingAttribute(String),
    /// A tuple with the wrong number of elements.
    #[error("a tuple of length {expected} is required ({given} given)")]
    TupleLength {
        /// The type's length.
        expected: usize,
        /// The value's length.
        given: usize,
    },
    /// A bare value in a `dynamic` position whose type cannot be inferred
    /// (e.g. a list mixing strings and numbers).
    #[error(
        "cannot infer the type of this value in a dynamic position; wrap it in Value::Dynamic"
    )]
    UninferableDynamic,
}

/// `value.check_conformance(ty)` failed at `path`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{kind}", at(path))]
pub struct ConformanceError {
    /// Where in the value.
    pub path: AttributePath,
    /// What does not fit.
    pub kind: Mismatch,
}

/// Encoding a value against a type failed at `path`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{kind}", at(path))]
pub struct EncodeError {
    /// Where in the value.
    pub path: AttributePath,
    /// What went wrong.
    pub kind: EncodeErrorKind,
}

/// What made encoding fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeErrorKind {
    /// The value does not fit the type.
    #[error("{0}")]
    Mismatch(#[from] Mismatch),
    /// JSON has no representation of unknown values (cty's message).
    #[error("value is not known")]
    Unknown,
    /// JSON numbers cannot be infinite (cty's message).
    #[error("cannot serialize infinity as JSON")]
    Infinity,
    /// msgpack lengths are 32-bit.
    #[error("too long for msgpack ({0} elements or bytes)")]
    TooLong(usize),
}

impl EncodeError {
    /// An error at `path`.
    pub fn new(path: &AttributePath, kind: impl Into<EncodeErrorKind>) -> Self {
        EncodeError {
            path: path.clone(),
            kind: kind.into(),
        }
    }

    /// The same error seen from the parent value: `step` is prepended.
    pub(crate) fn within(mut self, step: PathStep) -> Self {
        self.path.0.insert(0, step);
        self
    }
}

impl From<EncodeErrorKind> for EncodeError {
    fn from(kind: EncodeErrorKind) -> Self {
        EncodeError {
            path: AttributePath::root(),
            kind,
        }
    }
}

impl From<Mismatch> for EncodeError {
    fn from(kind: Mismatch) -> Self {
        EncodeErrorKind::from(kind).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_the_path() {
        let e = DecodeError::new(
            &AttributePath::root().attr("billing").index(0),
            DecodeErrorKind::Expected("string"),
        );
        assert_eq!(e.to_string(), "billing[0]: string is required");
        let e = DecodeError::new(&AttributePath::root(), DecodeErrorKind::UnexpectedEnd);
        assert_eq!(e.to_string(), "unexpected end of input");
        let e = EncodeError::new(
            &AttributePath::root().attr("tags").key("k"),
            Mismatch::WrongKind {
                expected: "string".into(),
                found: "number",
            },
        );
        assert_eq!(e.to_string(), r#"tags["k"]: string required, found number"#);
    }
}
