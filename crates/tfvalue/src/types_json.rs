//! cty's JSON type descriptions (`cty.Type.MarshalJSON` / `UnmarshalJSON`):
//! schema attribute `type` bytes and the type half of dynamic values.

use std::collections::BTreeMap;

use super::json::string::write_json_string;
use super::Type;

/// Why bytes are not a cty JSON type description. Messages follow cty's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeJsonError {
    /// Not JSON.
    #[error("invalid JSON in type description: {0}")]
    Syntax(String),
    /// A primitive type name cty does not have.
    #[error("invalid primitive type name {0:?}")]
    InvalidPrimitive(String),
    /// A complex type that is not `[kind, ...]`.
    #[error("invalid complex type description")]
    InvalidComplex,
    /// A complex type kind cty does not have.
    #[error("invalid complex type kind name")]
    InvalidKind,
    /// Bytes after the type description.
    #[error("unexpected extra data in type description")]
    ExtraData,
    /// An optional attribute that is not an attribute of the object.
    #[error("optional attribute {0:?} is not defined")]
    UndefinedOptional(String),
    /// Neither a primitive name nor a complex type.
    #[error("invalid type description")]
    Invalid,
}

impl Type {
    /// The compact JSON description: `"string"`, `["list","string"]`,
    /// `["object",{"a":"number"}]`, `["tuple",["bool"]]`, `"dynamic"`.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16);
        self.write_json(&mut out);
        out
    }

    /// Appends [`Type::to_json`] to `out`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Type::Bool => out.extend_from_slice(b"\"bool\""),
            Type::Number => out.extend_from_slice(b"\"number\""),
            Type::String => out.extend_from_slice(b"\"string\""),
            Type::Dynamic => out.extend_from_slice(b"\"dynamic\""),
            Type::List(e) => write_collection(out, b"[\"list\",", e),
            Type::Set(e) => write_collection(out, b"[\"set\",", e),
            Type::Map(e) => write_collection(out, b"[\"map\",", e),
            Type::Object(attrs) => {
                // BTreeMap order is byte order, which is what Go's json.Marshal
                // uses for map keys.
                out.extend_from_slice(b"[\"object\",{");
                for (i, (name, ty)) in attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_json_string(out, name);
                    out.push(b':');
                    ty.write_json(out);
                }
                out.extend_from_slice(b"}]");
            }
            Type::Tuple(elems) => {
                out.extend_from_slice(b"[\"tuple\",[");
                for (i, ty) in elems.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    ty.write_json(out);
                }
                out.extend_from_slice(b"]]");
            }
        }
    }

    /// Parses a JSON type description. The optional-attribute form
    /// `["object",{...},["name",...]]` is accepted; since [`Type`] has no
    /// notion of optional attributes (they exist only in type constraints,
    /// never on the wire) the list is checked and then dropped.
    pub fn from_json(bytes: &[u8]) -> Result<Type, TypeJsonError> {
        let json: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| TypeJsonError::Syntax(e.to_string()))?;
        Type::from_json_value(&json)
    }

    /// [`Type::from_json`] for an already parsed JSON value.
    pub fn from_json_value(json: &serde_json::Value) -> Result<Type, TypeJsonError> {
        match json {
            serde_json::Value::String(name) => match name.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(TypeJsonError::InvalidPrimitive(other.to_owned())),
            },
            serde_json::Value::Array(items) => parse_complex(items),
            _ => Err(TypeJsonError::Invalid),
        }
    }
}

fn write_collection(out: &mut Vec<u8>, head: &[u8], element: &Type) {
    out.extend_from_slice(head);
    element.write_json(out);
    out.push(b']');
}

fn parse_complex(items: &[serde_json::Value]) -> Result<Type, TypeJsonError> {
    let Some(kind) = items.first() else {
        return Err(TypeJsonError::InvalidKind);
    };
    let serde_json::Value::String(kind) = kind else {
        return Err(TypeJsonError::InvalidKind);
    };
    let Some(body) = items.get(1) else {
        return Err(TypeJsonError::InvalidComplex);
    };
    let max_len = if kind == "object" { 3 } else { 2 };
    if items.len() > max_len {
        return Err(TypeJsonError::ExtraData);
    }
    match kind.as_str() {
        "list" => Ok(Type::List(Box::new(Type::from_json_value(body)?))),
        "set" => Ok(Type::Set(Box::new(Type::from_json_value(body)?))),
        "map" => Ok(Type::Map(Box::new(Type::from_json_value(body)?))),
        "object" => {
            let serde_json::Value::Object(attrs) = body else {
                return Err(TypeJsonError::InvalidComplex);
            };
            let attrs = attrs
                .iter()
                .map(|(k, v)| Ok((k.clone(), Type::from_json_value(v)?)))
                .collect::<Result<BTreeMap<_, _>, TypeJsonError>>()?;
            if let Some(optionals) = items.get(2) {
                let serde_json::Value::Array(names) = optionals else {
                    return Err(TypeJsonError::InvalidComplex);
                };
                for name in names {
                    let serde_json::Value::String(name) = name else {
                        return Err(TypeJsonError::InvalidComplex);
                    };
                    if !attrs.contains_key(name) {
                        return Err(TypeJsonError::UndefinedOptional(name.clone()));
                    }
                }
            }
            Ok(Type::Object(attrs))
        }
        "tuple" => {
            let serde_json::Value::Array(elems) = body else {
                return Err(TypeJsonError::InvalidComplex);
            };
            Ok(Type::Tuple(
                elems
                    .iter()
                    .map(Type::from_json_value)
                    .collect::<Result<_, _>>()?,
            ))
        }
        _ => Err(TypeJsonError::InvalidKind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(ty: &Type) -> String {
        String::from_utf8(ty.to_json()).expect("utf-8")
    }

    #[test]
    fn writes_cty_type_json() {
        assert_eq!(json(&Type::String), r#""string""#);
        assert_eq!(json(&Type::Number), r#""number""#);
        assert_eq!(json(&Type::Bool), r#""bool""#);
        assert_eq!(json(&Type::Dynamic), r#""dynamic""#);
        assert_eq!(json(&Type::list(Type::String)), r#"["list","string"]"#);
        assert_eq!(json(&Type::set(Type::Number)), r#"["set","number"]"#);
        assert_eq!(
            json(&Type::map(Type::object([("a", Type::Number)]))),
            r#"["map",["object",{"a":"number"}]]"#
        );
        assert_eq!(
            json(&Type::object([
                ("b", Type::Bool),
                ("a", Type::list(Type::Dynamic))
            ])),
            r#"["object",{"a":["list","dynamic"],"b":"bool"}]"#
        );
        assert_eq!(json(&Type::empty_object()), r#"["object",{}]"#);
        assert_eq!(
            json(&Type::tuple([Type::String, Type::Number])),
            r#"["tuple",["string","number"]]"#
        );
        assert_eq!(json(&Type::tuple([])), r#"["tuple",[]]"#);
        assert_eq!(
            json(&Type::object([("<&>", Type::String)])),
            r#"["object",{"\u003c\u0026\u003e":"string"}]"#
        );
    }

    #[test]
    fn parses_cty_type_json() {
        let cases = [
            (r#""string""#, Type::String),
            (r#" [ "list" , "number" ] "#, Type::list(Type::Number)),
            (
                r#"["object",{"b":"bool","a":["set","string"]}]"#,
                Type::object([("a", Type::set(Type::String)), ("b", Type::Bool)]),
            ),
            (
                r#"["object",{"a":"number","b":"string"},["b"]]"#,
                Type::object([("a", Type::Number), ("b", Type::String)]),
            ),
            (
                r#"["tuple",["dynamic",["map","bool"]]]"#,
                Type::tuple([Type::Dynamic, Type::map(Type::Bool)]),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Type::from_json(text.as_bytes()), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejects_bad_descriptions() {
        let cases = [
            (r#""str""#, TypeJsonError::InvalidPrimitive("str".into())),
            (r#"["lst","string"]"#, TypeJsonError::InvalidKind),
            (r#"[1,"string"]"#, TypeJsonError::InvalidKind),
            (r#"["list"]"#, TypeJsonError::InvalidComplex),
            (r#"["list","string","x"]"#, TypeJsonError::ExtraData),
            (
                r#"["object",{"a":"number"},["b"]]"#,
                TypeJsonError::UndefinedOptional("b".into()),
            ),
            (r#"["object",["a"]]"#, TypeJsonError::InvalidComplex),
            (r#"{"type":"string"}"#, TypeJsonError::Invalid),
            (r#"7"#, TypeJsonError::Invalid),
        ];
        for (text, want) in cases {
            assert_eq!(Type::from_json(text.as_bytes()), Err(want), "{text}");
        }
        assert!(matches!(
            Type::from_json(br#""string" "string""#),
            Err(TypeJsonError::Syntax(_))
        ));
    }
}
