//! `baidu-vpc-emulator`: a local emulator of Baidu AI Cloud's VPC peering
//! connection API (work in progress: domain model and rules first).
//!
//! - [`config`]: accounts, VPCs, quotas, auth mode; the demo configuration.
//! - [`timing`], [`clock`]: transition durations and the injectable clock.
//! - [`model`], [`store`]: the stored peering and its two views; state.
//! - [`request`], [`ops`]: routing of the 13 operations and Baidu's rules.
//! - [`persist`]: the state file.

pub mod clock;
pub mod config;
pub mod error;
pub mod model;
pub mod ops;
pub mod persist;
pub mod request;
pub mod store;
pub mod timing;
