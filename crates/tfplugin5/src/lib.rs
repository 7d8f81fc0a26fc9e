//! Plugin protocol 5 on the wire: the generated gRPC types, go-plugin's
//! handshake, AutoMTLS, the supporting services (health, controller, stdio),
//! debug/reattach mode and hclog-format logging. Knows nothing about Baidu.
//!
//! The entry point is [`serve()`]: give it anything implementing the generated
//! [`proto::tfplugin5::provider_server::Provider`] trait.

#![warn(missing_docs)]

pub mod conn;
pub mod handshake;
mod incoming;
pub mod listener;
pub mod logging;
pub mod proto;
pub mod reattach;
pub mod serve;
pub mod services;
mod signals;
pub mod tls;

pub use serve::{serve, ServeError, ServeMode, ServeOptions};
