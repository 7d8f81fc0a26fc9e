//! Typed models: a resource or data source declares its object once, with
//! [`model!`](crate::model!), and gets from that declaration the schema
//! block, decoding from configuration, plan or state (each attribute a
//! [`Slot`]: null, unknown or known), encoding back to a value, and the
//! per-argument [`Behaviour`] rows its docs and tests are generated from.
//!
//! `macro_rules!` rather than a derive: a derive needs a proc-macro crate
//! (and `syn`/`quote` in every build of the framework), while a field list
//! keeps each attribute's schema builder ordinary Rust next to its field.

use std::collections::BTreeMap;

use crate::behaviour::{Behaviour, Lifecycle};
use crate::schema::{Attribute, Block, NestedBlock};
use tfvalue::{Type, Value};

/// One attribute's value: not set, not known yet, or known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Slot<T> {
    /// Null, or absent from the object.
    #[default]
    Null,
    /// Known only after apply, or of a shape `T` cannot hold (Terraform
    /// checks types, so that is a value a validator reports, such as a
    /// fractional number for an `i64`): rules skip both alike.
    Unknown,
    /// A known, non-null value.
    Known(T),
}

impl<T> Slot<T> {
    /// The value when known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Slot::Known(v) => Some(v),
            _ => None,
        }
    }

    /// The value when known, by value.
    pub fn into_known(self) -> Option<T> {
        match self {
            Slot::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the slot is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Slot::Null)
    }

    /// Whether the slot is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Slot::Unknown)
    }

    /// Whether the slot holds a known value.
    pub fn is_known(&self) -> bool {
        matches!(self, Slot::Known(_))
    }

    /// The slot with its known value converted.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Slot<U> {
        match self {
            Slot::Null => Slot::Null,
            Slot::Unknown => Slot::Unknown,
            Slot::Known(v) => Slot::Known(f(v)),
        }
    }

    /// `Known` for `Some`, `Null` for `None`.
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Slot::Null, Slot::Known)
    }
}

impl Slot<String> {
    /// The known string.
    pub fn as_deref(&self) -> Option<&str> {
        self.known().map(String::as_str)
    }
}

impl<T: AttributeValue> Slot<T> {
    /// Reads an attribute of an object (`None`: absent, read as null).
    pub fn decode(value: Option<&Value>) -> Self {
        match value {
            None => Slot::Null,
            Some(v) if v.is_null() => Slot::Null,
            Some(v) if v.is_unknown() => Slot::Unknown,
            Some(v) => T::from_known(v).map_or(Slot::Unknown, Slot::Known),
        }
    }

    /// The attribute's value.
    pub fn encode(&self) -> Value {
        match self {
            Slot::Null => Value::Null,
            Slot::Unknown => Value::unknown(),
            Slot::Known(v) => v.to_value(),
        }
    }
}

impl<M: Model> Slot<M> {
    /// Reads a list block of at most one element: `Null` when empty,
    /// `Unknown` when the list or its element is unknown.
    pub fn decode_block(value: Option<&Value>) -> Self {
        match value {
            None => Slot::Null,
            Some(v) if v.is_unknown() => Slot::Unknown,
            Some(v) => match v.as_list().and_then(<[Value]>::first) {
                None => Slot::Null,
                Some(e) if e.is_unknown() => Slot::Unknown,
                Some(e) => Slot::Known(M::decode(e)),
            },
        }
    }

    /// The block's list value: empty for `Null`.
    pub fn encode_block(&self) -> Value {
        match self {
            Slot::Null => Value::list([]),
            Slot::Unknown => Value::unknown(),
            Slot::Known(m) => Value::list([m.encode()]),
        }
    }

    /// [`encode_block`](Self::encode_block), keeping what `base` (the block's
    /// list value in a prior object) says wherever this block agrees with it.
    pub fn encode_block_over(&self, base: Option<&Value>) -> Value {
        let first = base
            .and_then(Value::as_list)
            .and_then(<[Value]>::first)
            .filter(|e| e.as_object().is_some());
        match (self, first) {
            (Slot::Known(m), Some(e)) => Value::list([m.encode_over(e)]),
            _ if Self::decode_block(base) == *self => base.cloned().unwrap_or(Value::list([])),
            _ => self.encode_block(),
        }
    }
}

/// A Rust type an attribute can hold, with its Terraform type.
pub trait AttributeValue: Sized + PartialEq {
    /// The attribute's Terraform type.
    fn ty() -> Type;
    /// Reads a known, non-null value; `None` when it has another shape
    /// (or holds null or unknown elements).
    fn from_known(value: &Value) -> Option<Self>;
    /// The value Terraform stores.
    fn to_value(&self) -> Value;
}

impl AttributeValue for String {
    fn ty() -> Type {
        Type::String
    }
    fn from_known(value: &Value) -> Option<Self> {
        value.as_str().map(str::to_owned)
    }
    fn to_value(&self) -> Value {
        Value::string(self.clone())
    }
}

/// Whole numbers; a fractional or out-of-range number reads as unknown.
impl AttributeValue for i64 {
    fn ty() -> Type {
        Type::Number
    }
    fn from_known(value: &Value) -> Option<Self> {
        value.as_i64()
    }
    fn to_value(&self) -> Value {
        Value::from(*self)
    }
}

impl AttributeValue for bool {
    fn ty() -> Type {
        Type::Bool
    }
    fn from_known(value: &Value) -> Option<Self> {
        value.as_bool()
    }
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

/// A list whose elements are all known and not null.
impl<T: AttributeValue> AttributeValue for Vec<T> {
    fn ty() -> Type {
        Type::List(Box::new(T::ty()))
    }
    fn from_known(value: &Value) -> Option<Self> {
        value
            .as_list()?
            .iter()
            .map(|e| {
                if e.is_known() && !e.is_null() {
                    T::from_known(e)
                } else {
                    None
                }
            })
            .collect()
    }
    fn to_value(&self) -> Value {
        Value::list(self.iter().map(T::to_value).collect::<Vec<_>>())
    }
}

/// A map whose values are all known and not null.
impl<T: AttributeValue> AttributeValue for BTreeMap<String, T> {
    fn ty() -> Type {
        Type::Map(Box::new(T::ty()))
    }
    fn from_known(value: &Value) -> Option<Self> {
        value
            .as_map()?
            .iter()
            .map(|(k, e)| {
                let v = if e.is_known() && !e.is_null() {
                    T::from_known(e)
                } else {
                    None
                };
                v.map(|v| (k.clone(), v))
            })
            .collect()
    }
    fn to_value(&self) -> Value {
        Value::map(self.iter().map(|(k, v)| (k.clone(), v.to_value())))
    }
}

/// A block's typed model; implemented by [`model!`](crate::model!).
pub trait Model: Sized + Default + PartialEq {
    /// The schema block: every attribute and nested block, in declaration
    /// order.
    fn block() -> Block;

    /// Reads an object of this block (configuration, plan or state);
    /// absent attributes read as null.
    fn decode(value: &Value) -> Self;

    /// The whole object.
    fn encode(&self) -> Value;

    /// The object `base` (a prior state or plan of the same schema) with
    /// every attribute this model holds differently replaced. Attributes it
    /// holds as `base` decodes them keep `base`'s own value, so what a model
    /// cannot express (refinements of an unknown, a value it reads as
    /// unknown) survives, and so do attributes outside the model (such as
    /// `timeouts`).
    fn encode_over(&self, base: &Value) -> Value;

    /// The declared behaviour of each argument, nested blocks' arguments
    /// included (their paths joined by dots).
    fn behaviours() -> Vec<Behaviour>;
}

/// The attribute a model field declares: `declare` applied to an attribute
/// of the field's type. Used by [`model!`](crate::model!).
#[doc(hidden)]
pub fn declare_attribute<T: AttributeValue>(
    name: &str,
    declare: impl FnOnce(Attribute) -> Attribute,
) -> Attribute {
    declare(Attribute::new(name, T::ty()))
}

/// The nested block a model field declares: a list block of at most one
/// `M`, with `declare` applied. Used by [`model!`](crate::model!).
#[doc(hidden)]
pub fn declare_block<M: Model>(
    name: &str,
    declare: impl FnOnce(NestedBlock) -> NestedBlock,
) -> NestedBlock {
    declare(NestedBlock::list(name, M::block())).max_items(1)
}

/// `block` with the attributes and nested blocks of `flattened` appended.
/// Used by [`model!`](crate::model!)'s `flatten` fields.
#[doc(hidden)]
pub fn flatten_into(mut block: Block, flattened: Block) -> Block {
    block.attributes.extend(flattened.attributes);
    block.blocks.extend(flattened.blocks);
    block
}

/// The attributes of the object `from` added to the object `into`. Used by
/// [`model!`](crate::model!)'s `flatten` fields.
#[doc(hidden)]
pub fn merge_objects(into: &mut Value, from: Value) {
    if let Value::Object(attributes) = from {
        for (name, value) in attributes {
            into.set_attr(name, value);
        }
    }
}

/// A behaviour row for the argument `name`. Used by [`model!`](crate::model!).
#[doc(hidden)]
pub fn behaviour(name: &str, lifecycle: Lifecycle) -> Behaviour {
    Behaviour::new(name, lifecycle)
}

/// Declares a typed model: a struct whose fields are [`Slot`]s, a
/// constant with each attribute's name, and its [`Model`] implementation.
///
/// - `attributes { CONST => field: T = |a| a.required()… => lifecycle, }`:
///   one attribute each, named after the field; `T` is an
///   [`AttributeValue`] (`String`, `i64`, `bool`, `Vec<T>`,
///   `BTreeMap<String, T>`, or another model as an object). The closure
///   finishes the [`Attribute`] of that type; the optional `=> Lifecycle`
///   declares what changing the argument does ([`crate::behaviour`]).
/// - `blocks { CONST => field: M = |b| b… , }` (optional): a list block of
///   at most one `M` (a model), as `Slot<M>`, `Null` when absent.
/// - `flatten { field: M, }` (optional): another model's attributes in
///   this same object, for attributes several schemas share.
///
/// ```
/// use tfplugin5_framework::behaviour::{Drift, Effect, Lifecycle};
/// use tfplugin5_framework::model::{Model, Slot};
///
/// tfplugin5_framework::model! {
///     /// A note.
///     #[derive(Debug, Clone, Default, PartialEq)]
///     pub struct Note {
///         attributes {
///             /// The note's id.
///             pub ID => id: String = |a| a.computed().use_state_for_unknown(),
///             /// What the note says.
///             pub TEXT => text: String = |a| a.required()
///                 => Lifecycle::new(Effect::StoredOnly, Effect::Refused("Missing required argument")),
///         }
///         blocks {
///             /// Where it is pinned.
///             pub PIN => pin: Pin = |b| b,
///         }
///     }
/// }
///
/// tfplugin5_framework::model! {
///     /// Where a note is pinned.
///     #[derive(Debug, Clone, Default, PartialEq)]
///     pub struct Pin {
///         attributes {
///             /// The board.
///             pub BOARD => board: String = |a| a.optional()
///                 => Lifecycle::new(Effect::Replace, Effect::Replace).drift(Drift::Impossible),
///         }
///     }
/// }
///
/// let block = Note::block();
/// assert_eq!(block.attributes[1].name, TEXT);
/// let note = Note { text: Slot::Known("hi".into()), ..Note::default() };
/// assert_eq!(Note::decode(&note.encode()), note);
/// let rows: Vec<String> = Note::behaviours().into_iter().map(|b| b.argument).collect();
/// assert_eq!(rows, ["text", "pin.board"]);
/// ```
#[macro_export]
macro_rules! model {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            attributes {
                $(
                    $(#[$fmeta:meta])*
                    $kvis:vis $konst:ident => $field:ident : $ty:ty = $declare:expr
                    $(=> $lifecycle:expr)?
                ),* $(,)?
            }
            $(blocks {
                $(
                    $(#[$bmeta:meta])*
                    $bkvis:vis $bkonst:ident => $bfield:ident : $bty:ty = $bdeclare:expr
                ),* $(,)?
            })?
            $(flatten {
                $(
                    $(#[$xmeta:meta])*
                    $xfield:ident : $xty:ty
                ),* $(,)?
            })?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$fmeta])* pub $field: $crate::model::Slot<$ty>, )*
            $($( $(#[$bmeta])* pub $bfield: $crate::model::Slot<$bty>, )*)?
            $($( $(#[$xmeta])* pub $xfield: $xty, )*)?
        }

        $( $(#[$fmeta])* $kvis const $konst: &str = stringify!($field); )*
        $($( $(#[$bmeta])* $bkvis const $bkonst: &str = stringify!($bfield); )*)?

        impl $crate::model::Model for $name {
            fn block() -> $crate::schema::Block {
                let block = $crate::schema::Block::new();
                $( let block = block.attribute(
                    $crate::model::declare_attribute::<$ty>($konst, $declare)); )*
                $($( let block = block.block(
                    $crate::model::declare_block::<$bty>($bkonst, $bdeclare)); )*)?
                $($( let block = $crate::model::flatten_into(
                    block, <$xty as $crate::model::Model>::block()); )*)?
                block
            }

            fn decode(value: &$crate::tfvalue::Value) -> Self {
                Self {
                    $( $field: $crate::model::Slot::decode(value.get_attr($konst)), )*
                    $($( $bfield: $crate::model::Slot::decode_block(value.get_attr($bkonst)), )*)?
                    $($( $xfield: <$xty as $crate::model::Model>::decode(value), )*)?
                }
            }

            fn encode(&self) -> $crate::tfvalue::Value {
                #[allow(unused_mut)]
                let mut out = $crate::tfvalue::Value::object([
                    $( ($konst, self.$field.encode()), )*
                    $($( ($bkonst, self.$bfield.encode_block()), )*)?
                ]);
                $($( $crate::model::merge_objects(
                    &mut out, <$xty as $crate::model::Model>::encode(&self.$xfield)); )*)?
                out
            }

            fn encode_over(&self, base: &$crate::tfvalue::Value) -> $crate::tfvalue::Value {
                if base.as_object().is_none() {
                    return self.encode();
                }
                let mut out = base.clone();
                $(
                    if $crate::model::Slot::<$ty>::decode(base.get_attr($konst)) != self.$field
                        || base.get_attr($konst).is_none()
                    {
                        out.set_attr($konst, self.$field.encode());
                    }
                )*
                $($(
                    out.set_attr($bkonst, self.$bfield.encode_block_over(base.get_attr($bkonst)));
                )*)?
                $($( out = <$xty as $crate::model::Model>::encode_over(&self.$xfield, &out); )*)?
                out
            }

            fn behaviours() -> ::std::vec::Vec<$crate::behaviour::Behaviour> {
                #[allow(unused_mut)]
                let mut rows: ::std::vec::Vec<$crate::behaviour::Behaviour> = ::std::vec![
                    $( $( $crate::model::behaviour($konst, $lifecycle), )? )*
                ];
                $($(
                    rows.extend(
                        <$bty as $crate::model::Model>::behaviours()
                            .into_iter()
                            .map(|row| row.nested_in($bkonst)),
                    );
                )*)?
                $($( rows.extend(<$xty as $crate::model::Model>::behaviours()); )*)?
                rows
            }
        }

        impl $crate::model::AttributeValue for $name {
            fn ty() -> $crate::tfvalue::Type {
                <$name as $crate::model::Model>::block().value_type()
            }
            fn from_known(value: &$crate::tfvalue::Value) -> ::std::option::Option<Self> {
                value
                    .as_object()
                    .map(|_| <$name as $crate::model::Model>::decode(value))
            }
            fn to_value(&self) -> $crate::tfvalue::Value {
                <$name as $crate::model::Model>::encode(self)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::Effect;
    use tfvalue::{Number, Refinements};

    crate::model! {
        #[derive(Debug, Clone, Default, PartialEq)]
        struct Outer {
            attributes {
                ID => id: String = |a| a.computed(),
                SIZE => size: i64 = |a| a.required()
                    => Lifecycle::new(Effect::InPlace(&["Resize"]), Effect::Refused("Missing")),
                TAGS => tags: BTreeMap<String, String> = |a| a.optional(),
                TERMS => terms: Vec<i64> = |a| a.optional(),
            }
            blocks {
                INNER => inner: Inner = |b| b.min_items(1),
            }
        }
    }

    crate::model! {
        #[derive(Debug, Clone, Default, PartialEq)]
        struct Inner {
            attributes {
                FLAG => flag: bool = |a| a.optional()
                    => Lifecycle::new(Effect::StoredOnly, Effect::StoredOnly),
            }
        }
    }

    #[test]
    fn the_block_has_each_field_with_its_type_and_the_nested_block() {
        let block = Outer::block();
        let names: Vec<&str> = block.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, [ID, SIZE, TAGS, TERMS]);
        assert_eq!(block.attributes[2].ty, Type::Map(Box::new(Type::String)));
        let inner = block.get_block(INNER).expect("inner");
        assert_eq!((inner.min_items, inner.max_items), (1, 1));
        let rows: Vec<String> = Outer::behaviours()
            .into_iter()
            .map(|r| r.argument)
            .collect();
        assert_eq!(rows, ["size", "inner.flag"]);
    }

    #[test]
    fn decoding_tells_null_unknown_and_known_apart() {
        let v = Value::object([
            (SIZE, Value::from(3i64)),
            (ID, Value::unknown()),
            (TAGS, Value::map([("a", Value::Null)])),
            (
                INNER,
                Value::list([Value::object([(FLAG, Value::Bool(true))])]),
            ),
        ]);
        let m = Outer::decode(&v);
        assert_eq!(m.size, Slot::Known(3));
        assert_eq!(m.id, Slot::Unknown);
        // A null element makes the whole map unusable to rules.
        assert_eq!(m.tags, Slot::Unknown);
        assert_eq!(m.terms, Slot::Null);
        assert_eq!(
            m.inner.known().map(|i| i.flag.clone()),
            Some(Slot::Known(true))
        );
        let half = Value::Number(Number::parse("1.5").expect("number"));
        assert_eq!(
            Outer::decode(&Value::object([(SIZE, half)])).size,
            Slot::Unknown
        );
        let empty = Outer::decode(&Value::object([(INNER, Value::list([]))]));
        assert_eq!(empty.inner, Slot::Null);
        let unknown = Outer::decode(&Value::object([(INNER, Value::unknown())]));
        assert_eq!(unknown.inner, Slot::Unknown);
    }

    #[test]
    fn encoding_round_trips_and_conforms_to_the_schema() {
        let m = Outer {
            id: Slot::Known("x".into()),
            size: Slot::Known(2),
            tags: Slot::Known(BTreeMap::from([("k".to_owned(), "v".to_owned())])),
            terms: Slot::Known(vec![1, 2]),
            inner: Slot::Known(Inner { flag: Slot::Null }),
        };
        let v = m.encode();
        assert!(v.conforms_to(&Outer::block().value_type()), "{v:?}");
        assert_eq!(Outer::decode(&v), m);
        assert_eq!(
            Outer::default().encode().get_attr(INNER),
            Some(&Value::list([]))
        );
    }

    #[test]
    fn encoding_over_a_base_keeps_what_the_model_does_not_change() {
        let refined = Value::Unknown(Refinements::default().not_null());
        let base = Value::object([
            (ID, refined.clone()),
            (SIZE, Value::from(1i64)),
            (TAGS, Value::map([("a", Value::Null)])),
            (TERMS, Value::Null),
            (INNER, Value::list([Value::object([(FLAG, Value::Null)])])),
            ("timeouts", Value::string("kept")),
        ]);
        let mut m = Outer::decode(&base);
        m.size = Slot::Known(5);
        m.inner = Slot::Known(Inner {
            flag: Slot::Known(false),
        });
        let out = m.encode_over(&base);
        assert_eq!(out.get_attr(ID), Some(&refined));
        assert_eq!(out.get_attr(SIZE), Some(&Value::from(5i64)));
        assert_eq!(out.get_attr(TAGS), base.get_attr(TAGS));
        assert_eq!(out.get_attr("timeouts"), Some(&Value::string("kept")));
        assert_eq!(
            out.get_attr(INNER),
            Some(&Value::list([Value::object([(FLAG, Value::Bool(false))])]))
        );
        // Over no object, the model is the whole value.
        assert_eq!(m.encode_over(&Value::Null), m.encode());
    }
}
