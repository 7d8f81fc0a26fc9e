//! cty type JSON (`"string"`, `["list","string"]`, `["object",{...}]`), as the
//! schema's attribute `type` bytes and dynamic values in state JSON carry it.
//!
//! DEDUPE: `tfvalue` is adding `Type::to_json` / `Type::from_json`; switch to
//! those once merged.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use crate::tfvalue::Type;

pub(crate) fn type_to_json(ty: &Type) -> Json {
    match ty {
        Type::Bool => json!("bool"),
        Type::Number => json!("number"),
        Type::String => json!("string"),
        Type::Dynamic => json!("dynamic"),
        Type::List(e) => json!(["list", type_to_json(e)]),
        Type::Set(e) => json!(["set", type_to_json(e)]),
        Type::Map(e) => json!(["map", type_to_json(e)]),
        Type::Object(attrs) => {
            let m: serde_json::Map<String, Json> = attrs
                .iter()
                .map(|(k, t)| (k.clone(), type_to_json(t)))
                .collect();
            json!(["object", m])
        }
        Type::Tuple(elems) => json!(["tuple", elems.iter().map(type_to_json).collect::<Vec<_>>()]),
    }
}

/// Serialised JSON bytes of `ty`.
pub(crate) fn type_json_bytes(ty: &Type) -> Vec<u8> {
    // Serialising a serde_json::Value into a Vec cannot fail.
    serde_json::to_vec(&type_to_json(ty)).unwrap_or_default()
}

pub(crate) fn type_from_json(j: &Json) -> Option<Type> {
    match j {
        Json::String(s) => match s.as_str() {
            "bool" => Some(Type::Bool),
            "number" => Some(Type::Number),
            "string" => Some(Type::String),
            "dynamic" => Some(Type::Dynamic),
            _ => None,
        },
        Json::Array(parts) => match (parts.first()?.as_str()?, parts.get(1)?) {
            ("list", e) => Some(Type::List(Box::new(type_from_json(e)?))),
            ("set", e) => Some(Type::Set(Box::new(type_from_json(e)?))),
            ("map", e) => Some(Type::Map(Box::new(type_from_json(e)?))),
            ("object", Json::Object(attrs)) => {
                let mut out = BTreeMap::new();
                for (k, t) in attrs {
                    out.insert(k.clone(), type_from_json(t)?);
                }
                Some(Type::Object(out))
            }
            ("tuple", Json::Array(elems)) => Some(Type::Tuple(
                elems.iter().map(type_from_json).collect::<Option<_>>()?,
            )),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_matches_cty_spelling() {
        let ty = Type::Object(BTreeMap::from([
            ("a".to_owned(), Type::List(Box::new(Type::String))),
            ("b".to_owned(), Type::Map(Box::new(Type::Number))),
            ("c".to_owned(), Type::Tuple(vec![Type::Bool, Type::Dynamic])),
        ]));
        let bytes = type_json_bytes(&ty);
        assert_eq!(
            String::from_utf8(bytes).expect("utf8"),
            r#"["object",{"a":["list","string"],"b":["map","number"],"c":["tuple",["bool","dynamic"]]}]"#
        );
        assert_eq!(type_from_json(&type_to_json(&ty)), Some(ty));
        assert_eq!(type_from_json(&json!("nope")), None);
    }
}
