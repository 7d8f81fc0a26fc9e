//! A small provider framework: the `Provider` / `Resource` / `DataSource`
//! traits a provider implements, a schema builder with declarative plan
//! behaviour and validators, and the dispatch that turns protocol-5 gRPC calls
//! into trait calls while keeping every response within what Terraform
//! accepts (see `tfplugin5-protocol.md` §6).
//!
//! Layering: this module knows the type system (`tfvalue`) and the wire
//! (`tfplugin`), and nothing about Baidu.

pub mod diagnostics;
pub mod duration;
pub(crate) mod plan;
pub mod schema;
pub mod timeouts;
pub(crate) mod validate;
pub mod validators;
pub(crate) mod values;

pub use diagnostics::Diagnostics;
pub use schema::{Attribute, Block, NestedBlock, Nesting, Schema};
pub use timeouts::{Operation, Timeouts};
pub use validators::Validator;
