//! Baidu AI Cloud (BCE) VPC peering API client. Knows nothing about Terraform.
//!
//! - [`credentials`]: access keys; [`credentials::SecretString`] holds every secret.
//! - [`uri`]: BCE's `UriEncode` and query/path decoding.
//! - [`signer`]: the `bce-auth-v1` signature, usable both to sign and to verify.
//! - [`error`]: [`error::ApiError`] (what the service said) and [`error::ClientError`].
//! - [`model`]: request bodies and response objects of the peering API.
//! - [`retry`]: backoff policy and the caller's cancellation/deadline ([`retry::Limits`]).
//! - [`client`]: [`client::BaiduClient`], the signed HTTP transport with safe retries.
//! - [`peerconn`]: the 13 peering operations as methods of [`client::BaiduClient`].
//! - [`sts`]: STS `AssumeRole` and [`sts::RoleSession`], credentials renewed before they expire.
//! - [`waiter`]: polling until a status settles.

pub mod client;
pub mod credentials;
pub mod error;
pub mod model;
pub mod peerconn;
pub mod retry;
pub mod signer;
pub mod sts;
pub mod uri;
pub mod waiter;

pub use client::{BaiduClient, CallOptions, ClientConfig, ConfigError};
pub use credentials::{Credentials, SecretString};
pub use error::{ApiError, ClientError, OpContext, Operation};
pub use model::{DnsStatus, PeerConn, PeerConnStatus, Role};
pub use retry::{Limits, RetryPolicy};
pub use sts::{AssumeRoleRequest, RoleSession, SessionCredentials};
pub use waiter::{WaitConfig, WaitError};
