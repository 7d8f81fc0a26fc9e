//! Baidu AI Cloud (BCE) VPC peering API client. Knows nothing about Terraform.
//!
//! - [`credentials`]: access keys; [`credentials::SecretString`] holds every secret.
//! - [`uri`]: BCE's `UriEncode` and query/path decoding.
//! - [`signer`]: the `bce-auth-v1` signature, usable both to sign and to verify.
//! - [`error`]: [`error::ApiError`] (what the service said) and [`error::ClientError`].
//! - [`model`]: request bodies and response objects of the peering API.

pub mod client;
pub mod credentials;
pub mod error;
pub mod model;
pub mod retry;
pub mod signer;
pub mod uri;

pub use credentials::{Credentials, SecretString};
pub use error::{ApiError, ClientError, OpContext, Operation};
