//! The msgpack value decoder (`tfvalue::decode_msgpack`), as the framework runs
//! it on every `DynamicValue` Terraform sends. Input: a type choice (see
//! [`super::types::choose_type`]), then the msgpack bytes.
//!
//! Checked: decoding never panics; a decoded value conforms to its type,
//! re-encodes, and decodes back to itself (the round trip Terraform relies
//! on when values come back in a response).

use tfvalue::{decode_msgpack, encode_msgpack};

use super::cursor::Cursor;
use super::types::choose_type;

pub fn check(data: &[u8]) {
    let mut c = Cursor::new(data);
    let ty = choose_type(&mut c);
    let bytes = c.rest();
    let value = match decode_msgpack(bytes, &ty) {
        Ok(v) => v,
        Err(e) => {
            // Error messages are shown to users: they must render.
            let _ = e.to_string();
            return;
        }
    };
    if let Err(e) = value.check_conformance(&ty) {
        panic!("decoded value does not conform to {ty:?}: {e}\nvalue: {value:?}");
    }
    let encoded = encode_msgpack(&value, &ty).unwrap_or_else(|e| {
        panic!("decoded value does not re-encode: {e}\ntype: {ty:?}\nvalue: {value:?}")
    });
    let again = decode_msgpack(&encoded, &ty).unwrap_or_else(|e| {
        panic!("re-encoded value does not decode: {e}\ntype: {ty:?}\nvalue: {value:?}")
    });
    assert_eq!(
        again, value,
        "msgpack round trip changed the value (type {ty:?})"
    );
}
