//! The provider's `assume_role` block: work in another account through a
//! role it trusts this account with, with temporary credentials from Baidu
//! STS instead of that account's keys.
//!
//! The block's arguments are those of Baidu's official provider
//! (`account_id`, `role_name`, `user_id`, `acl`), plus `duration_seconds`
//! and `sts_endpoint`. The provider's own keys (block, environment or
//! profile) sign the `AssumeRole` call; the credentials it returns sign
//! every other request and are renewed before they expire.

use std::sync::Arc;
use std::time::Duration;

use crate::config::{check_endpoint, endpoint_errors, insecure_endpoint, Env};
use crate::peerconn::schema::is_account_id;
use baidu_vpc::sts::{DEFAULT_DURATION_SECS, DEFAULT_STS_ENDPOINT};
use baidu_vpc::{
    AssumeRoleRequest, BaiduClient, CallOptions, ClientConfig, Credentials, RetryPolicy,
    RoleSession,
};
use tfplugin5_framework::schema::{Attribute, Block, NestedBlock};
use tfplugin5_framework::validators;
use tfvalue::{AttributePath, Diagnostics, Value};

pub const ASSUME_ROLE: &str = "assume_role";
pub const ACCOUNT_ID: &str = "account_id";
pub const ROLE_NAME: &str = "role_name";
pub const USER_ID: &str = "user_id";
pub const ACL: &str = "acl";
pub const DURATION_SECONDS: &str = "duration_seconds";
pub const STS_ENDPOINT: &str = "sts_endpoint";
pub const ENV_STS_ENDPOINT: &str = "BAIDUCLOUD_STS_ENDPOINT";
/// The longest session the provider asks for, 36 hours; STS may allow less.
pub const MAX_DURATION_SECS: i64 = 129_600;
/// How long configuring may wait for STS (with retries).
const ASSUME_TIMEOUT: Duration = Duration::from_secs(60);

/// The `assume_role` block as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleSettings {
    pub request: AssumeRoleRequest,
    /// `None`: bce-sdk-go's endpoint, [`DEFAULT_STS_ENDPOINT`].
    pub sts_endpoint: Option<String>,
}

/// The block in the provider schema.
pub fn block() -> NestedBlock {
    let block = Block::new()
        .markdown_description(
            "Work in another account through a role it lets this account assume: the \
             provider's keys ask Baidu STS (`AssumeRole`) for temporary credentials of the \
             role, which sign every other request and are renewed before they expire. The \
             other account's keys never enter the configuration, plans or state.",
        )
        .attribute(
            Attribute::string(ACCOUNT_ID)
                .required()
                .description("Account id of the account that owns the role (32 hex characters).")
                .validate(validators::string_matches(
                    "an account id (32 lowercase hex characters)",
                    is_account_id,
                )),
        )
        .attribute(
            Attribute::string(ROLE_NAME)
                .required()
                .description("Name of the role to assume.")
                .validate(validators::string_not_empty()),
        )
        .attribute(
            Attribute::string(USER_ID)
                .optional()
                .description("A sub-user of the role's account to act as (STS `userId`).")
                .validate(validators::string_not_empty()),
        )
        .attribute(
            Attribute::string(ACL)
                .optional()
                .description(
                    "An access policy (JSON) that narrows what the temporary credentials may do.",
                )
                .validate(json_object()),
        )
        .attribute(
            Attribute::number(DURATION_SECONDS)
                .optional()
                .description(format!(
                    "How long each set of temporary credentials lasts, in seconds; they are \
                     renewed shortly before they expire. Default {DEFAULT_DURATION_SECS} (two \
                     hours, as Baidu's SDKs ask). STS may refuse a longer session than the \
                     role allows."
                ))
                .validate(validators::int_between(1, MAX_DURATION_SECS)),
        )
        .attribute(
            Attribute::string(STS_ENDPOINT)
                .optional()
                .description(format!(
                    "STS endpoint URL. Default \"{DEFAULT_STS_ENDPOINT}\"; a local emulator \
                     such as \"http://127.0.0.1:8080\" serves STS too. Falls back to \
                     {ENV_STS_ENDPOINT}."
                ))
                .validate(validators::Validator::new("an http(s) URL", |v| {
                    match v.as_str() {
                        Some(s) => check_endpoint(s).map(|_| ()),
                        None => Ok(()),
                    }
                })),
        );
    NestedBlock::list(ASSUME_ROLE, block).max_items(1)
}

fn json_object() -> validators::Validator {
    validators::Validator::new("a JSON object", |v| match v.as_str() {
        Some(s) => serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s)
            .map(|_| ())
            .map_err(|e| format!("must be a JSON object (an access policy): {e}")),
        None => Ok(()),
    })
}

fn path(attr: &str) -> AttributePath {
    AttributePath::root().attr(ASSUME_ROLE).index(0).attr(attr)
}

/// Plan-time checks the attribute validators cannot make: an `sts_endpoint`
/// in plain http off loopback.
pub fn validate(config: &Value, env: &dyn Env, diags: &mut Diagnostics) {
    let Some(role) = first_block(config) else {
        return;
    };
    if let Some(endpoint) = role.get_attr(STS_ENDPOINT).and_then(Value::as_str) {
        insecure_endpoint(endpoint, path(STS_ENDPOINT), env, diags);
    }
}

fn first_block(config: &Value) -> Option<&Value> {
    config
        .get_attr(ASSUME_ROLE)
        .and_then(Value::as_list)
        .and_then(<[Value]>::first)
}

/// The block's settings, or `None` without a block. Values that are not
/// known yet are errors: the provider cannot be configured without them.
pub fn resolve(
    config: &Value,
    env: &dyn Env,
    diags: &mut Diagnostics,
) -> Option<AssumeRoleSettings> {
    let role = first_block(config)?;
    let mut text = |name: &str| -> Option<String> {
        match role.get_attr(name) {
            Some(v) if v.is_unknown() => {
                diags.attribute_error(
                    path(name),
                    "Provider configuration not known yet",
                    format!(
                        "{ASSUME_ROLE}.{name} depends on a value that is only known after \
                         apply, so the provider cannot be configured during this plan."
                    ),
                );
                None
            }
            Some(v) => v.as_str().map(str::to_owned),
            None => None,
        }
    };
    let account_id = text(ACCOUNT_ID);
    let role_name = text(ROLE_NAME);
    let user_id = text(USER_ID);
    let acl = text(ACL);
    let sts_endpoint = text(STS_ENDPOINT).or_else(|| env.var(ENV_STS_ENDPOINT));
    let duration = role.get_attr(DURATION_SECONDS);
    if duration.is_some_and(Value::is_unknown) {
        diags.attribute_error(
            path(DURATION_SECONDS),
            "Provider configuration not known yet",
            format!(
                "{ASSUME_ROLE}.{DURATION_SECONDS} depends on a value that is only known \
                 after apply."
            ),
        );
    }
    let duration_secs = duration
        .and_then(Value::as_i64)
        .and_then(|d| u32::try_from(d).ok())
        .unwrap_or(DEFAULT_DURATION_SECS);
    if let Some(endpoint) = &sts_endpoint {
        endpoint_errors(endpoint, path(STS_ENDPOINT), "STS endpoint", env, diags);
    }
    Some(AssumeRoleSettings {
        request: AssumeRoleRequest {
            account_id: account_id?,
            role_name: role_name?,
            user_id,
            acl,
            duration_secs,
        },
        sts_endpoint: sts_endpoint.map(|e| e.trim().to_owned()),
    })
}

/// Assumes the role with `base` (the provider's own keys), through a client
/// built like the API's (`api` gives region, retries, timeouts).
pub async fn start_session(
    settings: &AssumeRoleSettings,
    base: Credentials,
    api: &ClientConfig,
    retry: RetryPolicy,
) -> Result<Arc<RoleSession>, String> {
    let mut sts_config = ClientConfig::new(base, api.region.clone())
        .with_endpoint(
            settings
                .sts_endpoint
                .clone()
                .unwrap_or_else(|| DEFAULT_STS_ENDPOINT.to_owned()),
        )
        .with_retry(retry)
        .with_request_timeout(api.request_timeout);
    sts_config.allow_insecure_http = api.allow_insecure_http;
    sts_config.user_agent = api.user_agent.clone();
    let sts = BaiduClient::new(sts_config).map_err(|e| format!("the STS endpoint: {e}"))?;
    let endpoint = sts.endpoint().to_string();
    RoleSession::start(
        sts,
        settings.request.clone(),
        &CallOptions::new().with_timeout(ASSUME_TIMEOUT),
    )
    .await
    .map(Arc::new)
    .map_err(|e| format!("{e} (STS endpoint {endpoint})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use tfvalue::Severity;

    fn config(role: Value) -> Value {
        Value::object([(ASSUME_ROLE, Value::list([role]))])
    }

    fn role(pairs: &[(&str, Value)]) -> Value {
        let mut attrs: BTreeMap<String, Value> = [
            ACCOUNT_ID,
            ROLE_NAME,
            USER_ID,
            ACL,
            DURATION_SECONDS,
            STS_ENDPOINT,
        ]
        .into_iter()
        .map(|n| (n.to_owned(), Value::Null))
        .collect();
        for (k, v) in pairs {
            attrs.insert((*k).to_owned(), v.clone());
        }
        Value::object(attrs)
    }

    const ACCOUNT: &str = "a0000000000000000000000000000002";

    #[test]
    fn resolves_defaults_and_the_environment_endpoint() {
        let env: BTreeMap<String, String> =
            [(ENV_STS_ENDPOINT.to_owned(), "http://127.0.0.1:9".to_owned())].into();
        let mut diags = Diagnostics::new();
        let got = resolve(
            &config(role(&[
                (ACCOUNT_ID, Value::string(ACCOUNT)),
                (ROLE_NAME, Value::string("PeeringOperator")),
            ])),
            &env,
            &mut diags,
        )
        .unwrap();
        assert!(!diags.has_errors(), "{diags:?}");
        assert_eq!(got.request.duration_secs, DEFAULT_DURATION_SECS);
        assert_eq!(got.request.user_id, None);
        assert_eq!(got.sts_endpoint.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(
            resolve(&Value::empty_object(), &env, &mut diags),
            None,
            "no block, no role"
        );
    }

    #[test]
    fn unknown_values_and_insecure_endpoints_name_their_attribute() {
        let env: BTreeMap<String, String> = BTreeMap::new();
        let mut diags = Diagnostics::new();
        let got = resolve(
            &config(role(&[
                (ACCOUNT_ID, Value::unknown()),
                (ROLE_NAME, Value::string("r")),
                (STS_ENDPOINT, Value::string("http://sts.example.com")),
            ])),
            &env,
            &mut diags,
        );
        assert!(got.is_none());
        let paths: Vec<String> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{:?}", d.attribute))
            .collect();
        assert_eq!(paths.len(), 2, "{paths:?}");
        assert!(paths[0].contains("account_id"), "{paths:?}");
        assert!(paths[1].contains("sts_endpoint"), "{paths:?}");
    }

    #[test]
    fn acl_must_be_a_json_object() {
        let check = |s: &str| json_object().check(&Value::string(s));
        assert!(check(r#"{"accessControlList": []}"#).is_ok());
        assert!(check("[]").is_err());
        assert!(check("not json").is_err());
    }
}
