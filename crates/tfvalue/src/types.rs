//! Constructors, queries and the user-facing name of [`Type`].

use std::collections::BTreeMap;
use std::fmt;

use super::Type;

impl Type {
    /// `list(element)`.
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// `set(element)`.
    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    /// `map(element)`.
    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    /// `object({...})` of these attributes.
    pub fn object<K: Into<String>>(attributes: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object(attributes.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    /// `tuple([...])` of these elements.
    pub fn tuple(elements: impl IntoIterator<Item = Type>) -> Type {
        Type::Tuple(elements.into_iter().collect())
    }

    /// `object({})`.
    pub fn empty_object() -> Type {
        Type::Object(BTreeMap::new())
    }

    /// The type of attribute `name` of an object type.
    pub fn attribute_type(&self, name: &str) -> Option<&Type> {
        match self {
            Type::Object(attrs) => attrs.get(name),
            _ => None,
        }
    }

    /// An object type's attribute types.
    pub fn attribute_types(&self) -> Option<&BTreeMap<String, Type>> {
        match self {
            Type::Object(attrs) => Some(attrs),
            _ => None,
        }
    }

    /// The element type of a list, set or map type.
    pub fn element_type(&self) -> Option<&Type> {
        match self {
            Type::List(e) | Type::Set(e) | Type::Map(e) => Some(e),
            _ => None,
        }
    }

    /// A tuple type's element types.
    pub fn tuple_element_types(&self) -> Option<&[Type]> {
        match self {
            Type::Tuple(elems) => Some(elems),
            _ => None,
        }
    }

    /// Whether it is `bool`, `number` or `string`.
    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::Bool | Type::Number | Type::String)
    }

    /// List, set or map: the kinds that carry collection length refinements.
    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }

    /// Whether it is an object type.
    pub fn is_object(&self) -> bool {
        matches!(self, Type::Object(_))
    }

    /// Whether it is a tuple type.
    pub fn is_tuple(&self) -> bool {
        matches!(self, Type::Tuple(_))
    }

    /// Whether it is a list type.
    pub fn is_list(&self) -> bool {
        matches!(self, Type::List(_))
    }

    /// Whether it is a set type.
    pub fn is_set(&self) -> bool {
        matches!(self, Type::Set(_))
    }

    /// Whether it is a map type.
    pub fn is_map(&self) -> bool {
        matches!(self, Type::Map(_))
    }

    /// Whether it is `dynamic`.
    pub fn is_dynamic(&self) -> bool {
        matches!(self, Type::Dynamic)
    }

    /// True when `dynamic` appears anywhere inside the type, i.e. values of it
    /// carry [`super::Value::Dynamic`] wrappers somewhere.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::Bool | Type::Number | Type::String => false,
            Type::List(e) | Type::Set(e) | Type::Map(e) => e.has_dynamic(),
            Type::Object(attrs) => attrs.values().any(Type::has_dynamic),
            Type::Tuple(elems) => elems.iter().any(Type::has_dynamic),
        }
    }
}

/// cty's "friendly name", used in error messages: `string`, `list of number`,
/// `map of object`, `dynamic`.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(e) => write!(f, "list of {e}"),
            Type::Set(e) => write!(f, "set of {e}"),
            Type::Map(e) => write!(f, "map of {e}"),
            Type::Object(_) => f.write_str("object"),
            Type::Tuple(_) => f.write_str("tuple"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        let ty = Type::object([
            ("id", Type::String),
            ("tags", Type::map(Type::String)),
            ("any", Type::Dynamic),
        ]);
        assert_eq!(ty.attribute_type("id"), Some(&Type::String));
        assert_eq!(ty.attribute_type("nope"), None);
        assert_eq!(
            ty.attribute_type("tags").and_then(Type::element_type),
            Some(&Type::String)
        );
        assert!(ty.attribute_type("tags").is_some_and(Type::is_collection));
        assert!(!ty.is_collection());
        assert!(ty.has_dynamic());
        assert!(!Type::list(Type::Number).has_dynamic());
        assert_eq!(
            Type::set(Type::list(Type::Bool)).to_string(),
            "set of list of bool"
        );
        assert_eq!(
            Type::tuple([Type::String]).tuple_element_types(),
            Some(&[Type::String][..])
        );
    }
}
