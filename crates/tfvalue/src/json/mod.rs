//! cty's JSON value encoding (go-cty `cty/json`), used by Terraform for
//! `UpgradeResourceState` raw state and other JSON-carried values.

mod decode;
mod encode;
pub(crate) mod string;

pub use decode::{decode_json, decode_json_with, JsonDecodeOptions};
pub use encode::encode_json;

#[cfg(test)]
mod tests;
