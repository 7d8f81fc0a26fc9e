//! terraform-provider-baidu: a Terraform / OpenTofu provider for Baidu AI Cloud
//! VPC peering connections, plus a local emulator of Baidu's peering API.
//!
//! The module tree is the architecture; each layer knows nothing of the ones
//! listed after it:
//!
//! - [`tfvalue`]: Terraform's type system (cty values, types, msgpack/JSON, paths, diagnostics).
//! - [`tfplugin`]: plugin protocol 5 on the wire: generated gRPC types, go-plugin
//!   handshake, AutoMTLS, supporting services, hclog logging.
//! - [`framework`]: a small provider framework: provider/resource/data-source traits,
//!   schema builder and the RPC dispatch that turns gRPC calls into trait calls.
//! - [`baidu`]: the Baidu Cloud VPC API client (bce-auth-v1 signing, typed peering
//!   operations, retries, waiters). It knows nothing about Terraform.
//! - [`emulator`]: a local, faithful emulator of Baidu's peering API.
//! - [`provider`]: the `baidu` Terraform provider itself, joining the framework to the client.

pub mod baidu;
pub mod emulator;
pub mod framework;
pub mod provider;
pub mod tfplugin;
pub mod tfvalue;
