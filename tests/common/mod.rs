//! End-to-end test harness shared by the integration tests (`mod common;`).
//!
//! - [`terraform`]: which real Terraform clients to run (from `.tools/terraform/*`).
//! - [`workdir`]: [`TfWorkdir`], one Terraform working directory per test, wired to the
//!   provider cargo just built through a per-test CLI config with `dev_overrides`.
//! - [`output`]: captured CLI runs and assertions that print the CLI output on failure.
//! - [`json`]: small JSON navigation helpers with useful failure messages.
//! - [`emulator`]: launches `baidu-vpc-emulator` on a loopback port, with an admin client.
//! - [`http`]: a tiny blocking HTTP/1.1 client for the emulator's admin API.
//! - [`provider_config`]: HCL snippets for the demo accounts.

// Every integration test crate compiles this module and uses a different part of it.
#![allow(dead_code)]

#[path = "../binaries/mod.rs"]
pub mod binaries;
pub mod emulator;
pub mod http;
pub mod json;
pub mod output;
pub mod provider_config;
pub mod terraform;
pub mod workdir;

#[allow(unused_imports)]
pub use emulator::Emulator;
#[allow(unused_imports)]
pub use json::{assert_valid, json_path};
#[allow(unused_imports)]
pub use output::TfOutput;
#[allow(unused_imports)]
pub use provider_config::{DemoAccount, INITIATOR, PEER, PROVIDER_ADDR};
#[allow(unused_imports)]
pub use terraform::{each_terraform, terraform_clients, Terraform, Version};
#[allow(unused_imports)]
pub use workdir::{PlanJson, PlanResult, TfWorkdir};
