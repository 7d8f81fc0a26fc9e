//! Emulator configuration: accounts, their credentials and VPCs, quotas,
//! timing, authentication mode. Loaded from TOML or JSON, then adjusted by
//! command-line flags. With no file, [`EmulatorConfig::demo`] is used: the
//! demo accounts the README lists, exactly.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::EmulatorError;
use super::timing::Timing;
use bce_auth::SecretString;

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmulatorConfig {
    /// Accounts with their credentials and VPCs.
    pub accounts: Vec<AccountConfig>,
    pub quotas: Quotas,
    pub timing: Timing,
    pub auth: AuthMode,
    /// Seed for generated ids and probabilistic faults (random when absent).
    pub seed: Option<u64>,
    /// Where to persist state (in memory only when absent).
    pub state_file: Option<PathBuf>,
    /// How many requests `GET /__emulator/requests` remembers.
    pub request_log_size: usize,
    /// Tolerated clock skew for request timestamps in the future, seconds.
    pub max_clock_skew_secs: i64,
    /// Serve as the endpoint of this one region, as each of Baidu's regional
    /// endpoints does: VPCs and peerings of other regions are not found.
    /// All regions on one listener when absent.
    pub region: Option<String>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            accounts: Vec::new(),
            quotas: Quotas::default(),
            timing: Timing::default(),
            auth: AuthMode::Verify,
            seed: None,
            state_file: None,
            request_log_size: 10_000,
            max_clock_skew_secs: 15 * 60,
            region: None,
        }
    }
}

/// One account (a Baidu "user").
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    /// Friendly name, used in logs (`initiator`, `peer`).
    pub name: String,
    /// Account id (32 hex characters at Baidu), the `peerAccountId` of peerings.
    pub id: String,
    pub access_key: String,
    pub secret_key: String,
    /// STS credentials of this account: accepted with `x-bce-security-token`.
    #[serde(default)]
    pub session_credentials: Vec<SessionCredential>,
    /// Roles other accounts may assume through STS `AssumeRole`.
    #[serde(default)]
    pub roles: Vec<RoleConfig>,
    #[serde(default)]
    pub vpcs: Vec<VpcConfig>,
}

impl fmt::Debug for AccountConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountConfig")
            .field("name", &self.name)
            .field("id", &self.id)
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .field("session_credentials", &self.session_credentials)
            .field("roles", &self.roles)
            .field("vpcs", &self.vpcs)
            .finish()
    }
}

/// Temporary (STS) credentials belonging to an account.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionCredential {
    pub access_key: String,
    pub secret_key: String,
    pub session_token: String,
}

impl fmt::Debug for SessionCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCredential")
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .field("session_token", &"***")
            .finish()
    }
}

/// A role of an account, and the accounts allowed to assume it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleConfig {
    pub name: String,
    /// Account ids whose credentials may call `AssumeRole` for this role.
    #[serde(default)]
    pub trusted_accounts: Vec<String>,
}

/// A VPC: owned by one account, in one region.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcConfig {
    pub id: String,
    pub region: String,
    /// A relay (transit) VPC; two relay VPCs cannot be peered.
    #[serde(default)]
    pub relay: bool,
}

/// Peering quotas (Baidu's guide: 10 per VPC, 10 per user).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Quotas {
    /// Peerings (either side) per VPC.
    pub per_vpc: usize,
    /// Peerings an account has initiated.
    pub per_account: usize,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            per_vpc: 10,
            per_account: 10,
        }
    }
}

/// Whether request signatures are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Verify every `bce-auth-v1` signature like Baidu.
    Verify,
    /// Trust the access key in the Authorization header without checking the
    /// signature (quick curl experiments). Unknown keys are still rejected.
    Off,
}

/// The peer demo account's role, which the initiator demo account may assume.
pub const DEMO_ROLE: &str = "PeeringOperator";

impl EmulatorConfig {
    /// The demo configuration: account `initiator` with two VPCs in `bj` and
    /// one in `gz`, account `peer` with one VPC in each region and a role
    /// ([`DEMO_ROLE`]) the initiator may assume.
    pub fn demo() -> Self {
        let vpc = |id: &str, region: &str| VpcConfig {
            id: id.to_string(),
            region: region.to_string(),
            relay: false,
        };
        Self {
            accounts: vec![
                AccountConfig {
                    name: "initiator".into(),
                    id: "a0000000000000000000000000000001".into(),
                    access_key: "DEMOAK00000000000000000000000001".into(),
                    secret_key: "DEMOSK00000000000000000000000001".into(),
                    session_credentials: Vec::new(),
                    roles: Vec::new(),
                    vpcs: vec![
                        vpc("vpc-demobj000001", "bj"),
                        vpc("vpc-demobj000002", "bj"),
                        vpc("vpc-demogz000001", "gz"),
                    ],
                },
                AccountConfig {
                    name: "peer".into(),
                    id: "a0000000000000000000000000000002".into(),
                    access_key: "DEMOAK00000000000000000000000002".into(),
                    secret_key: "DEMOSK00000000000000000000000002".into(),
                    session_credentials: Vec::new(),
                    roles: vec![RoleConfig {
                        name: DEMO_ROLE.into(),
                        trusted_accounts: vec!["a0000000000000000000000000000001".into()],
                    }],
                    vpcs: vec![vpc("vpc-peerbj000001", "bj"), vpc("vpc-peergz000001", "gz")],
                },
            ],
            ..Self::default()
        }
    }

    /// Whether the accounts are exactly the built-in demo accounts (whose
    /// secrets are public and may be printed).
    pub fn is_demo_accounts(&self) -> bool {
        let demo = Self::demo();
        self.accounts.len() == demo.accounts.len()
            && self.accounts.iter().zip(&demo.accounts).all(|(a, d)| {
                a.id == d.id
                    && a.access_key == d.access_key
                    && a.secret_key == d.secret_key
                    && a.session_credentials.is_empty()
            })
    }

    /// Loads a TOML (`.toml`) or JSON (anything else that starts with `{`) file.
    /// A file without `accounts` gets the demo accounts.
    pub fn from_file(path: &Path) -> Result<Self, EmulatorError> {
        let text = std::fs::read_to_string(path).map_err(|source| EmulatorError::ConfigRead {
            path: path.to_path_buf(),
            source,
        })?;
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            || text.trim_start().starts_with('{');
        let mut cfg: EmulatorConfig = if is_json {
            serde_json::from_str(&text).map_err(|e| EmulatorError::ConfigParse {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?
        } else {
            toml::from_str(&text).map_err(|e| EmulatorError::ConfigParse {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?
        };
        if cfg.accounts.is_empty() {
            cfg.accounts = Self::demo().accounts;
        }
        Ok(cfg)
    }

    /// Marks a VPC as relay (the `--relay-vpc` flag).
    pub fn set_relay(&mut self, vpc_id: &str) -> Result<(), EmulatorError> {
        for acct in &mut self.accounts {
            for v in &mut acct.vpcs {
                if v.id == vpc_id {
                    v.relay = true;
                    return Ok(());
                }
            }
        }
        Err(EmulatorError::ConfigInvalid(format!(
            "--relay-vpc {vpc_id}: no such VPC in the configuration"
        )))
    }

    /// Checks uniqueness of ids, keys and VPCs, and non-empty values.
    pub fn validate(&self) -> Result<(), EmulatorError> {
        let bad = |m: String| Err(EmulatorError::ConfigInvalid(m));
        if self.accounts.is_empty() {
            return bad("at least one account is required".into());
        }
        let mut ids = HashSet::new();
        let mut keys = HashSet::new();
        let mut vpcs = HashSet::new();
        for a in &self.accounts {
            if a.id.is_empty() || a.access_key.is_empty() || a.secret_key.is_empty() {
                return bad(format!(
                    "account {:?}: id, access_key and secret_key must be non-empty",
                    a.name
                ));
            }
            if !ids.insert(a.id.as_str()) {
                return bad(format!("duplicate account id {}", a.id));
            }
            let session_keys = a.session_credentials.iter().map(|s| &s.access_key);
            for k in std::iter::once(&a.access_key).chain(session_keys) {
                if !keys.insert(k.as_str()) {
                    return bad(format!("duplicate access key {k}"));
                }
            }
            for s in &a.session_credentials {
                if s.secret_key.is_empty() || s.session_token.is_empty() {
                    return bad(format!(
                        "account {:?}: session credential {} needs secret_key and session_token",
                        a.name, s.access_key
                    ));
                }
            }
            for v in &a.vpcs {
                if v.id.is_empty() || v.region.is_empty() {
                    return bad(format!("account {:?}: VPC with empty id or region", a.name));
                }
                if !is_vpc_id(&v.id) {
                    return bad(format!(
                        "account {:?}: {:?} is not a VPC id like \"vpc-a1b2c3d4e5f6\" (\"vpc-\" \
                         and lowercase letters and digits), which is what clients will send",
                        a.name, v.id
                    ));
                }
                if !vpcs.insert(v.id.as_str()) {
                    return bad(format!("duplicate VPC id {}", v.id));
                }
            }
        }
        if self.quotas.per_vpc == 0 || self.quotas.per_account == 0 {
            return bad("quotas must be at least 1".into());
        }
        if let Some(region) = &self.region {
            if region.is_empty()
                || !self
                    .accounts
                    .iter()
                    .flat_map(|a| &a.vpcs)
                    .any(|v| &v.region == region)
            {
                return bad(format!("region {region:?} has none of the configured VPCs"));
            }
        }
        Ok(())
    }
}

/// `vpc-` and 1 to 32 lowercase letters and digits, as Baidu's VPC ids.
fn is_vpc_id(id: &str) -> bool {
    id.strip_prefix("vpc-").is_some_and(|rest| {
        (1..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// Who signed a request.
#[derive(Debug, Clone)]
pub struct Credential {
    pub account_id: String,
    pub secret_key: SecretString,
    /// Required `x-bce-security-token` when this is an STS key.
    pub session_token: Option<SecretString>,
}

/// A VPC as the rules see it.
#[derive(Debug, Clone)]
pub struct VpcInfo {
    pub id: String,
    pub account_id: String,
    pub region: String,
    pub relay: bool,
}

/// Indexes over the configured accounts.
#[derive(Debug, Clone)]
pub struct Directory {
    accounts: Vec<AccountConfig>,
    by_access_key: HashMap<String, Credential>,
    vpcs: HashMap<String, VpcInfo>,
}

impl Directory {
    pub fn new(accounts: &[AccountConfig]) -> Self {
        let mut by_access_key = HashMap::new();
        let mut vpcs = HashMap::new();
        for a in accounts {
            by_access_key.insert(
                a.access_key.clone(),
                Credential {
                    account_id: a.id.clone(),
                    secret_key: SecretString::new(a.secret_key.clone()),
                    session_token: None,
                },
            );
            for s in &a.session_credentials {
                by_access_key.insert(
                    s.access_key.clone(),
                    Credential {
                        account_id: a.id.clone(),
                        secret_key: SecretString::new(s.secret_key.clone()),
                        session_token: Some(SecretString::new(s.session_token.clone())),
                    },
                );
            }
            for v in &a.vpcs {
                vpcs.insert(
                    v.id.clone(),
                    VpcInfo {
                        id: v.id.clone(),
                        account_id: a.id.clone(),
                        region: v.region.clone(),
                        relay: v.relay,
                    },
                );
            }
        }
        Self {
            accounts: accounts.to_vec(),
            by_access_key,
            vpcs,
        }
    }

    pub fn credential(&self, access_key: &str) -> Option<&Credential> {
        self.by_access_key.get(access_key)
    }

    /// Role `name` of account `account_id`.
    pub fn role(&self, account_id: &str, name: &str) -> Option<&RoleConfig> {
        self.accounts
            .iter()
            .find(|a| a.id == account_id)?
            .roles
            .iter()
            .find(|r| r.name == name)
    }

    pub fn vpc(&self, id: &str) -> Option<&VpcInfo> {
        self.vpcs.get(id)
    }

    pub fn has_account(&self, id: &str) -> bool {
        self.accounts.iter().any(|a| a.id == id)
    }

    pub fn account_name(&self, id: &str) -> Option<&str> {
        self.accounts
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.as_str())
    }

    pub fn accounts(&self) -> &[AccountConfig] {
        &self.accounts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_matches_team_contract() {
        let d = EmulatorConfig::demo();
        d.validate().unwrap();
        assert!(d.is_demo_accounts());
        let dir = Directory::new(&d.accounts);
        let c = dir.credential("DEMOAK00000000000000000000000002").unwrap();
        assert_eq!(c.account_id, "a0000000000000000000000000000002");
        assert_eq!(
            c.secret_key.expose_secret(),
            "DEMOSK00000000000000000000000002"
        );
        assert_eq!(dir.vpc("vpc-demogz000001").unwrap().region, "gz");
        assert_eq!(
            dir.vpc("vpc-peerbj000001").unwrap().account_id,
            "a0000000000000000000000000000002"
        );
        assert!(dir
            .accounts()
            .iter()
            .all(|a| a.vpcs.iter().all(|v| !v.relay)));
    }

    #[test]
    fn parses_toml_and_json() {
        let dir = tempfile::tempdir().unwrap();
        let toml_path = dir.path().join("c.toml");
        std::fs::write(
            &toml_path,
            r#"
seed = 7
[quotas]
per_vpc = 2
[timing]
creating = "stuck"
[[accounts]]
name = "a"
id = "acct-a"
access_key = "AK"
secret_key = "SK"
[[accounts.session_credentials]]
access_key = "STSAK"
secret_key = "STSSK"
session_token = "sts-token-value"
[[accounts.vpcs]]
id = "vpc-1"
region = "bj"
relay = true
"#,
        )
        .unwrap();
        let c = EmulatorConfig::from_file(&toml_path).unwrap();
        c.validate().unwrap();
        assert_eq!(c.seed, Some(7));
        assert_eq!(c.quotas.per_vpc, 2);
        assert_eq!(c.quotas.per_account, 10);
        assert!(c.accounts[0].vpcs[0].relay);
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("STSSK") && !dbg.contains("\"SK\"") && !dbg.contains("sts-token-value")
        );

        let json_path = dir.path().join("c.json");
        std::fs::write(
            &json_path,
            r#"{"auth": "off", "quotas": {"per_account": 3}}"#,
        )
        .unwrap();
        let c = EmulatorConfig::from_file(&json_path).unwrap();
        assert_eq!(c.auth, AuthMode::Off);
        assert!(c.is_demo_accounts());

        std::fs::write(&json_path, r#"{"unknown": 1}"#).unwrap();
        assert!(EmulatorConfig::from_file(&json_path).is_err());
    }

    #[test]
    fn rejects_duplicates() {
        let mut c = EmulatorConfig::demo();
        c.accounts[1].vpcs[0].id = "vpc-demobj000001".into();
        assert!(c.validate().is_err());
        let mut c = EmulatorConfig::demo();
        assert!(c.set_relay("vpc-nope").is_err());
        c.set_relay("vpc-demobj000001").unwrap();
        assert!(c.accounts[0].vpcs[0].relay);
    }
}
