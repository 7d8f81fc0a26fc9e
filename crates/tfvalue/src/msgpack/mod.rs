//! cty's msgpack encoding of values (go-cty `cty/msgpack`): what Terraform
//! sends and expects in every `DynamicValue.msgpack`.

mod decode;
mod encode;
mod reader;
mod unknown;
mod writer;

pub use decode::decode_msgpack;
pub use encode::encode_msgpack;

#[cfg(test)]
mod tests;
