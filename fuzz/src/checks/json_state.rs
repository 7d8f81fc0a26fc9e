//! The JSON value decoder (`tfvalue::decode_json`, strict and lenient) and the
//! framework's stored-state reader (`framework::upgrade::decode_state_json`,
//! what `UpgradeResourceState` runs on `raw_state.json`). Input: a type choice,
//! then the JSON bytes.
//!
//! Checked: never panics; a decoded value conforms to its type, re-encodes as
//! JSON and decodes back to itself; the strict decoder never accepts what the
//! lenient one rejects; the state reader gives a value of the schema's type.

use tfplugin5_framework::upgrade::decode_state_json;
use tfvalue::{decode_json, decode_json_with, encode_json, JsonDecodeOptions};

use super::cursor::Cursor;
use super::types::{choose_type, peerconn_schema};

pub fn check(data: &[u8]) {
    let mut c = Cursor::new(data);
    let state_mode = c.byte().is_multiple_of(4);
    if state_mode {
        check_state(c.rest());
        return;
    }
    let ty = choose_type(&mut c);
    let bytes = c.rest();
    let lenient = decode_json_with(
        bytes,
        &ty,
        JsonDecodeOptions {
            ignore_unknown_attributes: true,
        },
    );
    let strict = decode_json(bytes, &ty);
    match (&strict, &lenient) {
        (Ok(s), Ok(l)) => assert_eq!(s, l, "strict and lenient decoders disagree"),
        (Ok(_), Err(e)) => panic!("lenient decoder rejects what the strict one accepts: {e}"),
        (Err(e), _) => {
            let _ = e.to_string();
        }
    }
    let Ok(value) = lenient else { return };
    if let Err(e) = value.check_conformance(&ty) {
        panic!("decoded value does not conform to {ty:?}: {e}\nvalue: {value:?}");
    }
    let encoded = encode_json(&value, &ty).unwrap_or_else(|e| {
        panic!("decoded value does not re-encode: {e}\ntype: {ty:?}\nvalue: {value:?}")
    });
    let again = decode_json(&encoded, &ty).unwrap_or_else(|e| {
        panic!(
            "re-encoded value does not decode: {e}\ntype: {ty:?}\njson: {}",
            String::from_utf8_lossy(&encoded)
        )
    });
    assert_eq!(
        again, value,
        "JSON round trip changed the value (type {ty:?})"
    );
}

fn check_state(bytes: &[u8]) {
    let Ok(raw) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    let schema = peerconn_schema();
    match decode_state_json(&schema, &raw) {
        Ok(value) => {
            let ty = schema.value_type();
            if let Err(e) = value.check_conformance(&ty) {
                panic!(
                    "state reader gave a value that does not fit the schema: {e}\nvalue: {value:?}"
                );
            }
        }
        Err(diag) => {
            let _ = format!("{}: {}", diag.summary, diag.detail);
        }
    }
}
