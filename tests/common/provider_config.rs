//! HCL snippets for configuring the `baidu` provider in tests, with the emulator's
//! demo accounts (the emulator's default configuration, `docs/guides/emulator.md`).

use super::workdir::hcl_escape;

pub const PROVIDER_ADDR: &str = "registry.terraform.io/baidu/baidu";

#[derive(Clone, Copy, Debug)]
pub struct DemoAccount {
    pub name: &'static str,
    pub account_id: &'static str,
    pub access_key: &'static str,
    pub secret_key: &'static str,
    /// (vpc id, region)
    pub vpcs: &'static [(&'static str, &'static str)],
}

impl DemoAccount {
    /// The `n`th (0-based) VPC of this account in `region`.
    #[track_caller]
    pub fn vpc(&self, region: &str, n: usize) -> &'static str {
        self.vpcs
            .iter()
            .filter(|(_, r)| *r == region)
            .nth(n)
            .map(|(id, _)| *id)
            .unwrap_or_else(|| panic!("demo account {} has no VPC #{n} in {region}", self.name))
    }
}

pub const INITIATOR: DemoAccount = DemoAccount {
    name: "initiator",
    account_id: "a0000000000000000000000000000001",
    access_key: "DEMOAK00000000000000000000000001",
    secret_key: "DEMOSK00000000000000000000000001",
    vpcs: &[
        ("vpc-demobj000001", "bj"),
        ("vpc-demobj000002", "bj"),
        ("vpc-demogz000001", "gz"),
    ],
};

pub const PEER: DemoAccount = DemoAccount {
    name: "peer",
    account_id: "a0000000000000000000000000000002",
    access_key: "DEMOAK00000000000000000000000002",
    secret_key: "DEMOSK00000000000000000000000002",
    vpcs: &[("vpc-peerbj000001", "bj"), ("vpc-peergz000001", "gz")],
};

/// `terraform { required_providers { baidu = ... } }` with the fully qualified source,
/// which matches the `dev_overrides` key in Terraform and OpenTofu alike.
pub fn required_providers() -> String {
    format!("terraform {{\n  required_providers {{\n    baidu = {{\n      source = \"{PROVIDER_ADDR}\"\n    }}\n  }}\n}}\n")
}

/// A `provider "baidu"` block for `account` in `region` talking to `endpoint`
/// (e.g. the emulator's `http://127.0.0.1:PORT`), optionally aliased.
pub fn provider_block(
    account: &DemoAccount,
    region: &str,
    endpoint: &str,
    alias: Option<&str>,
) -> String {
    let alias = alias
        .map(|a| format!("  alias      = \"{}\"\n", hcl_escape(a)))
        .unwrap_or_default();
    format!(
        "provider \"baidu\" {{\n{alias}  region     = \"{}\"\n  endpoint   = \"{}\"\n  access_key = \"{}\"\n  secret_key = \"{}\"\n}}\n",
        hcl_escape(region),
        hcl_escape(endpoint),
        account.access_key,
        account.secret_key
    )
}

/// The usual two-account setup: the default provider is the initiator in `bj`, and
/// `baidu.peer` is the peer account in `bj`, both on `endpoint`.
pub fn emulator_providers(endpoint: &str) -> String {
    format!(
        "{}\n{}\n{}",
        required_providers(),
        provider_block(&INITIATOR, "bj", endpoint, None),
        provider_block(&PEER, "bj", endpoint, Some("peer"))
    )
}
