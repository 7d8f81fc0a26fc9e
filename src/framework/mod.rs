//! A small provider framework: the `Provider` / `Resource` / `DataSource`
//! traits a provider implements, a schema builder with declarative plan
//! behaviour and validators, and the dispatch that turns protocol-5 gRPC calls
//! into trait calls while keeping every response within what Terraform
//! accepts (see `tfplugin5-protocol.md` §6).
//!
//! Layering: this module knows the type system (`tfvalue`) and the wire
//! (`tfplugin`), and nothing about Baidu. Inside it, `server` expresses each
//! operation on decoded values and `dispatch` adds the wire: decoding,
//! encoding, logging and the gRPC trait.

pub mod context;
pub(crate) mod convert;
pub mod data_source;
pub mod dispatch;
pub mod duration;
pub(crate) mod plan;
pub(crate) mod private;
pub mod provider;
pub mod resource;
pub mod schema;
pub(crate) mod server;
pub mod timeouts;
pub mod upgrade;
pub(crate) mod validate;
pub mod validators;
pub(crate) mod values;

pub use crate::tfvalue::Diagnostics;
pub use context::{Context, Deadline, Interrupted};
pub use data_source::DataSource;
pub use dispatch::GrpcProvider;
pub use provider::{ConfigureRequest, DataSourceList, Provider, ResourceList};
pub use resource::{
    CreateRequest, DeleteRequest, ImportRequest, PlanChange, ReadRequest, Resource, UpdateRequest,
    UpgradeRequest,
};
pub use schema::{Attribute, Block, Description, NestedBlock, Nesting, ReplaceCheck, Schema};
pub use server::FrameworkError;
pub use timeouts::{Operation, Timeouts};
pub use validators::Validator;
