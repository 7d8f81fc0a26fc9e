//! Baidu AI Cloud (BCE) request authentication, shared by the API client,
//! which signs, and the emulator, which verifies.
//!
//! - [`credentials`]: access keys; [`SecretString`] holds every secret and prints `***`.
//! - [`uri`]: BCE's `UriEncode` and the decoding of incoming paths and queries.
//! - [`signer`]: the `bce-auth-v1` signature, usable both to sign and to verify
//!   (<https://cloud.baidu.com/doc/Reference/s/njwvz1yfu>).

pub mod credentials;
pub mod signer;
pub mod uri;

pub use credentials::{Credentials, SecretString};
