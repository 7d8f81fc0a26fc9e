//! Baidu AI Cloud (BCE) VPC peering API client. Knows nothing about Terraform.
//!
//! Requests are signed by the `bce-auth` crate ([`Credentials`] and
//! [`SecretString`] are re-exported from it).
//!
//! - [`error`]: [`error::ApiError`] (what the service said) and [`error::ClientError`].
//! - [`operation`]: [`operation::Operation`], the API calls by name.
//! - [`model`]: request bodies and response objects of the peering API.
//! - [`retry`]: backoff policy and the caller's cancellation/deadline ([`retry::Limits`]).
//! - [`client`]: [`client::BaiduClient`], the signed HTTP transport with safe retries.
//! - [`peerconn`]: the 13 peering operations as methods of [`client::BaiduClient`].
//! - [`sts`]: STS `AssumeRole` and [`sts::RoleSession`], credentials renewed before they expire.
//! - [`waiter`]: polling until a status settles.

pub mod client;
pub mod error;
pub mod model;
pub mod operation;
pub mod peerconn;
pub mod retry;
pub mod sts;
pub mod waiter;
mod wire;

pub use bce_auth::{Credentials, SecretString};
pub use client::{BaiduClient, CallOptions, ClientConfig, ConfigError};
pub use error::{ApiError, ClientError, OpContext, Operation};
pub use model::{DnsStatus, PeerConn, PeerConnStatus, Role};
pub use retry::{Limits, RetryPolicy};
pub use sts::{AssumeRoleRequest, RoleSession, SessionCredentials};
pub use waiter::{WaitConfig, WaitError};
