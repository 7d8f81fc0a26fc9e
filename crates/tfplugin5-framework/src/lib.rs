//! A small provider framework: the `Provider` / `Resource` / `DataSource`
//! traits a provider implements, typed models declared once per object
//! ([`model!`]: the schema, the values as [`Slot`]s, what a change does), a
//! schema builder with declarative plan behaviour and validators, and the
//! dispatch that turns protocol-5 gRPC calls into trait calls while keeping
//! every response within what Terraform accepts (the consistency rules of
//! Terraform's `plans/objchange`: a plan keeps every configured value, an
//! apply every known planned one).
//!
//! `examples/notes.rs` is a complete provider in one file.
//!
//! Layering: this crate knows the type system (`tfvalue`) and the wire
//! (`tfplugin5`), and nothing of any cloud. Inside it, `fwserver` expresses each
//! operation on decoded values and `grpc` adds the wire: decoding,
//! encoding, logging and the gRPC trait; `plan` is one walk over prior,
//! config and planned values with a visitor per planning pass.

#![warn(missing_docs)]

pub mod behaviour;
pub(crate) mod config_walk;
pub mod context;
pub(crate) mod convert;
pub mod data_source;
pub mod duration;
pub(crate) mod fwserver;
pub mod grpc;
pub mod model;
pub(crate) mod plan;
pub(crate) mod private;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod timeouts;
pub mod upgrade;
pub mod validators;
pub(crate) mod values;

pub use context::{Context, Deadline, Interrupted};
pub use data_source::DataSource;
pub use fwserver::FrameworkError;
pub use grpc::GrpcProvider;
pub use model::{Model, Slot};
pub use provider::{ConfigureRequest, DataSourceList, Provider, ResourceList};
pub use resource::{
    CreateRequest, DeleteRequest, ImportRequest, PlanChange, ReadRequest, Resource, UpdateRequest,
    UpgradeRequest,
};
pub use schema::{Attribute, Block, Description, NestedBlock, Nesting, ReplaceCheck, Schema};
/// The value crate the framework's types are written in (re-exported for
/// [`model!`]'s expansion).
pub use tfvalue;
pub use tfvalue::Diagnostics;
pub use timeouts::{Operation, Timeouts};
pub use validators::Validator;
