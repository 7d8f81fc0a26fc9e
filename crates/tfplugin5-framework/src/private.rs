//! The framework's use of Terraform's opaque per-object `private` bytes: a
//! JSON object whose `tfplugin5_framework.imported` key marks a state that
//! came straight from `ImportResourceState`, so the following `ReadResource`
//! knows to read every argument back. Anything else found there is passed
//! through untouched.

use serde_json::{Map, Value as Json};

const IMPORTED_KEY: &str = "tfplugin5_framework.imported";
/// The key releases before 0.2 wrote; an import planned with one of them and
/// applied with this one is still recognised.
const LEGACY_IMPORTED_KEY: &str = "tfbaidu.imported";

/// Private bytes for a freshly imported object.
pub(crate) fn imported_marker() -> Vec<u8> {
    let mut m = Map::new();
    m.insert(IMPORTED_KEY.to_owned(), Json::Bool(true));
    serde_json::to_vec(&Json::Object(m)).unwrap_or_default()
}

/// Splits the import marker off `private`: whether it was there, and the
/// bytes to store from now on.
pub(crate) fn take_import_marker(private: &[u8]) -> (bool, Vec<u8>) {
    let Ok(Json::Object(mut m)) = serde_json::from_slice::<Json>(private) else {
        return (false, private.to_vec());
    };
    let marked =
        |m: &mut Map<String, Json>, key: &str| m.remove(key).is_some_and(|v| v == Json::Bool(true));
    let imported = marked(&mut m, IMPORTED_KEY) | marked(&mut m, LEGACY_IMPORTED_KEY);
    if !imported {
        return (false, private.to_vec());
    }
    let rest = if m.is_empty() {
        Vec::new()
    } else {
        serde_json::to_vec(&Json::Object(m)).unwrap_or_default()
    };
    (true, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_round_trip() {
        assert_eq!(take_import_marker(&imported_marker()), (true, Vec::new()));
        assert_eq!(take_import_marker(b""), (false, Vec::new()));
        assert_eq!(take_import_marker(b"opaque"), (false, b"opaque".to_vec()));
        let other = br#"{"tfbaidu.imported":true,"keep":1}"#;
        assert_eq!(take_import_marker(other), (true, br#"{"keep":1}"#.to_vec()));
    }
}
