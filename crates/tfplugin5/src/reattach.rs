//! Debug mode's `TF_REATTACH_PROVIDERS` value and the instructions printed
//! for the user, in terraform-plugin-go's format (`tfprotov5/tf5server`
//! `ReattachConfig`, read by Terraform from `TF_REATTACH_PROVIDERS`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::handshake::{ListenAddr, PROTOCOL_VERSION};

/// One provider's entry in `TF_REATTACH_PROVIDERS` (Terraform's
/// `reattach.ReattachConfig`; field names are Terraform's).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReattachConfig {
    /// Always `grpc`.
    #[serde(rename = "Protocol")]
    pub protocol: String,
    /// Always 5.
    #[serde(rename = "ProtocolVersion")]
    pub protocol_version: u32,
    /// Our process id.
    #[serde(rename = "Pid")]
    pub pid: u32,
    /// `true`: Terraform neither sends Shutdown nor kills us, so one debug
    /// server outlives many Terraform runs.
    #[serde(rename = "Test")]
    pub test: bool,
    /// Where to dial.
    #[serde(rename = "Addr")]
    pub addr: ReattachAddr,
}

/// The `Addr` object: go's `net.Addr` as `{Network, String}`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReattachAddr {
    /// `unix` or `tcp`.
    #[serde(rename = "Network")]
    pub network: String,
    /// Socket path or `127.0.0.1:port`.
    #[serde(rename = "String")]
    pub string: String,
}

impl ReattachConfig {
    /// The entry for this process listening on `addr`.
    pub fn for_this_process(addr: &ListenAddr) -> Self {
        ReattachConfig {
            protocol: "grpc".to_owned(),
            protocol_version: PROTOCOL_VERSION,
            pid: std::process::id(),
            test: true,
            addr: ReattachAddr {
                network: addr.network().to_owned(),
                string: addr.address(),
            },
        }
    }
}

/// The `TF_REATTACH_PROVIDERS` JSON: `{"<provider address>": <config>}`.
pub fn reattach_json(provider_address: &str, config: &ReattachConfig) -> String {
    let map = BTreeMap::from([(provider_address, config)]);
    // Serializing strings, integers and bools into a String cannot fail.
    serde_json::to_string(&map).unwrap_or_default()
}

/// What debug mode prints on stdout: terraform-plugin-go's wording, with the
/// JSON single-quoted for POSIX shells.
pub fn instructions(reattach_json: &str) -> String {
    let quoted = reattach_json.replace('\'', r#"'"'"'"#);
    format!(
        "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS \
         environment variable with the following:\n\n\tTF_REATTACH_PROVIDERS='{quoted}'\n\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn json_has_terraforms_field_names_and_order() {
        let addr = ListenAddr::Unix(PathBuf::from("/tmp/plugin42"));
        let mut config = ReattachConfig::for_this_process(&addr);
        config.pid = 1234;
        let json = reattach_json("registry.terraform.io/baidu/baidu", &config);
        assert_eq!(
            json,
            r#"{"registry.terraform.io/baidu/baidu":{"Protocol":"grpc","ProtocolVersion":5,"Pid":1234,"Test":true,"Addr":{"Network":"unix","String":"/tmp/plugin42"}}}"#
        );
    }

    #[test]
    fn instructions_quote_for_posix_shells() {
        let text = instructions(r#"{"a":"it's"}"#);
        assert!(text.starts_with("Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:\n"));
        assert!(
            text.contains("\tTF_REATTACH_PROVIDERS='{\"a\":\"it'\"'\"'s\"}'\n"),
            "{text}"
        );
    }
}
