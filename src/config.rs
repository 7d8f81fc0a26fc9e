//! The `provider "baidu"` block: its schema, plan-time validation, and the
//! resolution of configuration + environment into [`ProviderSettings`].
//!
//! Every argument falls back to the environment variable Baidu's official
//! provider (`terraform-provider-baiducloud`) uses, so users can switch
//! without new variables: `BAIDUCLOUD_ACCESS_KEY`, `BAIDUCLOUD_SECRET_KEY`,
//! `BAIDUCLOUD_SESSION_TOKEN`, `BAIDUCLOUD_REGION` (default `bj`) and
//! `BAIDUCLOUD_ENDPOINT`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use reqwest::Url;

use crate::assume_role::{self, AssumeRoleSettings};
use crate::profiles;
use crate::regions::{self, REGIONS};
use baidu_vpc::retry::DEFAULT_MAX_RETRIES;
use baidu_vpc::{ClientConfig, Credentials, RetryPolicy, SecretString};
use tfplugin5_framework::schema::{Attribute, Schema};
use tfplugin5_framework::validators::{self, Validator};
use tfvalue::{AttributePath, Diagnostics, Severity, Value};

/// `User-Agent` of the provider's API requests.
pub const USER_AGENT: &str = concat!("terraform-provider-baidu/", env!("CARGO_PKG_VERSION"));

pub const ACCESS_KEY: &str = "access_key";
pub const SECRET_KEY: &str = "secret_key";
pub const SESSION_TOKEN: &str = "session_token";
pub const REGION: &str = "region";
pub const ENDPOINT: &str = "endpoint";
pub const SKIP_REGION_VALIDATION: &str = "skip_region_validation";
pub const SKIP_CREDENTIALS_VALIDATION: &str = "skip_credentials_validation";
pub const MAX_RETRIES: &str = "max_retries";
pub const PROFILE: &str = "profile";
pub const SHARED_CREDENTIALS_FILE: &str = "shared_credentials_file";
/// The most retries `max_retries` may ask for.
pub const MAX_RETRIES_LIMIT: i64 = 25;

pub const ENV_ACCESS_KEY: &str = "BAIDUCLOUD_ACCESS_KEY";
pub const ENV_SECRET_KEY: &str = "BAIDUCLOUD_SECRET_KEY";
pub const ENV_SESSION_TOKEN: &str = "BAIDUCLOUD_SESSION_TOKEN";
pub const ENV_REGION: &str = "BAIDUCLOUD_REGION";
pub const ENV_ENDPOINT: &str = "BAIDUCLOUD_ENDPOINT";
pub const ENV_SKIP_REGION_VALIDATION: &str = "BAIDUCLOUD_SKIP_REGION_VALIDATION";
pub const ENV_SKIP_CREDENTIALS_VALIDATION: &str = "BAIDUCLOUD_SKIP_CREDENTIALS_VALIDATION";
pub const ENV_MAX_RETRIES: &str = "BAIDUCLOUD_MAX_RETRIES";
pub const ENV_PROFILE: &str = "BAIDUCLOUD_PROFILE";
pub const ENV_SHARED_CREDENTIALS_FILE: &str = "BAIDUCLOUD_SHARED_CREDENTIALS_FILE";
/// The shared credentials file, under the home directory, when none is named.
pub const DEFAULT_CREDENTIALS_FILE: &str = ".baidubce/credentials";
/// `true`/`1`/`yes` permits a plain-http endpoint on a non-loopback host
/// (refused otherwise: signed requests and session tokens would travel in
/// clear text). Deliberately not a provider argument, so a module cannot
/// quietly turn encryption off for its callers.
pub const ENV_ALLOW_INSECURE_HTTP: &str = "BAIDUCLOUD_ALLOW_INSECURE_HTTP";

fn env_flag(env: &dyn Env, name: &str) -> bool {
    env.var(name)
        .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

/// Whether the environment explicitly permits plain http off loopback.
pub fn insecure_http_allowed(env: &dyn Env) -> bool {
    env_flag(env, ENV_ALLOW_INSECURE_HTTP)
}

/// Whether region codes outside [`REGIONS`] are accepted: `None` while the
/// argument is not known yet.
fn region_validation_skipped(config: &Value, env: &dyn Env) -> Option<bool> {
    match config.get_attr(SKIP_REGION_VALIDATION) {
        Some(v) if v.is_unknown() => None,
        Some(Value::Bool(b)) => Some(*b),
        _ => Some(env_flag(env, ENV_SKIP_REGION_VALIDATION)),
    }
}

/// The error for a well-formed region code Baidu does not have (a typo, or
/// a region's name instead of its code: "beijing" for "bj"), which would
/// otherwise fail only at apply, after the client's DNS retries.
fn unknown_region(region: &str, source: &str, diags: &mut Diagnostics) {
    diags.attribute_error(
        AttributePath::root().attr(REGION),
        "Unknown region",
        format!(
            "{source} is {region:?}, which is not a Baidu AI Cloud region code: use one of {}. \
             For a region newer than this provider, set {SKIP_REGION_VALIDATION} = true (or \
             {ENV_SKIP_REGION_VALIDATION}=true).",
            regions::listed()
        ),
    );
}

/// The diagnostic at `path` for a plain-http endpoint off loopback: an error
/// unless [`ENV_ALLOW_INSECURE_HTTP`] permits it, then a warning.
pub(crate) fn insecure_endpoint(
    endpoint: &str,
    path: AttributePath,
    env: &dyn Env,
    diags: &mut Diagnostics,
) {
    let Ok(url) = check_endpoint(endpoint) else {
        return;
    };
    if url.scheme() != "http" || is_loopback_host(&url) {
        return;
    }
    if insecure_http_allowed(env) {
        diags.attribute_warning(
            path,
            "Unencrypted endpoint",
            format!(
                "endpoint {endpoint:?} uses plain http ({ENV_ALLOW_INSECURE_HTTP} permits it): requests (signed, but not encrypted) travel in clear text."
            ),
        );
    } else {
        diags.attribute_error(
            path,
            "Unencrypted endpoint",
            format!(
                "endpoint {endpoint:?} uses plain http to a host that is not loopback: signed requests and session tokens would travel in clear text. Use https, or set {ENV_ALLOW_INSECURE_HTTP}=true to permit it explicitly (plain http to 127.0.0.1 / localhost, e.g. the emulator, is always allowed)."
            ),
        );
    }
}

/// The errors, at `path`, for an endpoint resolved when the provider is
/// configured (possibly from the environment, which validation never saw):
/// one that is not a usable URL, and plain http off loopback unless
/// permitted (validation already warned about a permitted one). `what` names
/// it in the messages ("endpoint", "STS endpoint").
pub(crate) fn endpoint_errors(
    endpoint: &str,
    path: AttributePath,
    what: &str,
    env: &dyn Env,
    diags: &mut Diagnostics,
) {
    if let Err(problem) = check_endpoint(endpoint) {
        diags.attribute_error(
            path.clone(),
            format!("Invalid {what}"),
            format!("The {what} {endpoint:?} {problem}."),
        );
    }
    let mut insecure = Diagnostics::new();
    insecure_endpoint(endpoint, path, env, &mut insecure);
    for d in insecure
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
    {
        diags.push(d);
    }
}

/// Region used when neither the configuration nor the environment names one.
pub const DEFAULT_REGION: &str = "bj";

/// Where environment fallbacks come from. The process environment in
/// production; a map in tests, so they never touch process-global state.
pub trait Env: Send + Sync {
    /// The variable's value; empty values count as unset.
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl Env for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty()).cloned()
    }
}

/// The provider block's schema.
pub fn schema() -> Schema {
    Schema::new()
        .description(
            "The Baidu AI Cloud provider manages VPC peering connections. Every argument \
             can also be given through the environment variable of Baidu's official provider.",
        )
        .attribute(
            Attribute::string(ACCESS_KEY)
                .optional()
                .description(format!(
                    "Access key (AK) of the Baidu AI Cloud account. Falls back to {ENV_ACCESS_KEY}."
                ))
                .validate(non_empty()),
        )
        .attribute(
            Attribute::string(SECRET_KEY)
                .optional()
                .sensitive()
                .description(format!(
                    "Secret key (SK) belonging to the access key. Falls back to {ENV_SECRET_KEY}."
                ))
                .validate(non_empty()),
        )
        .attribute(
            Attribute::string(SESSION_TOKEN)
                .optional()
                .sensitive()
                .description(format!(
                    "STS session token, for temporary credentials. Falls back to {ENV_SESSION_TOKEN}."
                ))
                .validate(non_empty()),
        )
        .attribute(
            Attribute::string(REGION)
                .optional()
                .description(format!(
                    "Region of the VPCs to manage, e.g. \"bj\", \"gz\", \"su\". Falls back to \
                     {ENV_REGION}, then \"{DEFAULT_REGION}\"."
                ))
                .validate(region_format()),
        )
        .attribute(
            Attribute::string(PROFILE)
                .optional()
                .validate(non_empty())
                .description(format!(
                    "Named profile of the shared credentials file to take access_key, \
                     secret_key and session_token from (arguments set in the provider block \
                     still win), so no secret has to pass through the configuration, plan \
                     files or state: e.g. profile = \"peer\" for a second account. Falls \
                     back to {ENV_PROFILE}. Without a profile, the file's [default] profile \
                     is used for keys neither the block nor the environment sets."
                )),
        )
        .attribute(
            Attribute::string(SHARED_CREDENTIALS_FILE)
                .optional()
                .validate(non_empty())
                .description(format!(
                    "Path of the shared credentials file (INI: [profile] sections with \
                     access_key, secret_key and optionally session_token). Falls back to \
                     {ENV_SHARED_CREDENTIALS_FILE}, then ~/{DEFAULT_CREDENTIALS_FILE}."
                )),
        )
        .attribute(
            Attribute::number(MAX_RETRIES)
                .optional()
                .validate(validators::int_between(0, MAX_RETRIES_LIMIT))
                .description(format!(
                    "How many times one API call is retried after a retryable failure (a \
                     connection error, a timeout, throttling, a 5xx), with exponential \
                     backoff and jitter up to 5 s between attempts, or as long as Baidu's \
                     Retry-After asks (at most 5 s). The same for reads, writes and \
                     deletes. Two things go on through such failures until the operation's \
                     timeout regardless: a wait for a status, and a create (repeated with \
                     its idempotency token, so a lost answer never leaves a peering \
                     Terraform does not know). 0 to {MAX_RETRIES_LIMIT}; default \
                     {DEFAULT_MAX_RETRIES}. Falls back to {ENV_MAX_RETRIES}."
                )),
        )
        .attribute(
            Attribute::bool(SKIP_CREDENTIALS_VALIDATION)
                .optional()
                .description(format!(
                    "Skip the one signed read (a list of at most one peering) the provider \
                     makes when it is configured, which turns refused credentials into an \
                     error at plan time, and an unreachable endpoint into a warning, instead \
                     of failures at apply. Default false. Falls back to \
                     {ENV_SKIP_CREDENTIALS_VALIDATION}."
                )),
        )
        .attribute(Attribute::bool(SKIP_REGION_VALIDATION).optional().description(format!(
            "Accept a `region` that is not one of the region codes this provider knows ({}), \
             for a region newer than the provider. Default false: an unknown region is an \
             error at plan time. Falls back to {ENV_SKIP_REGION_VALIDATION}.",
            REGIONS.join(", ")
        )))
        .attribute(
            Attribute::string(ENDPOINT)
                .optional()
                .description(format!(
                    "VPC API endpoint URL, e.g. \"https://bcc.bj.baidubce.com\" (the default for \
                     the region) or a local emulator such as \"http://127.0.0.1:8080\". Plain \
                     http is refused for hosts other than loopback unless \
                     {ENV_ALLOW_INSECURE_HTTP}=true. Falls back to {ENV_ENDPOINT}."
                ))
                .validate(endpoint_url()),
        )
        .block(assume_role::block())
}

fn non_empty() -> Validator {
    Validator::new("a non-empty string", |v| match v.as_str() {
        Some(s) if s.trim().is_empty() => Err(
            "must not be empty; leave the argument out to use its environment variable".to_owned(),
        ),
        _ => Ok(()),
    })
}

/// A region code: lowercase letters, digits and '-', starting with a letter.
pub fn is_valid_region(region: &str) -> bool {
    region.len() <= 32
        && region.starts_with(|c: char| c.is_ascii_lowercase())
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn region_format() -> Validator {
    validators::string_matches(
        "a region code such as \"bj\", \"gz\" or \"su\" (lowercase letters, digits and '-')",
        is_valid_region,
    )
}

/// Checks an endpoint: an absolute http(s) URL with a host and no query.
pub fn check_endpoint(endpoint: &str) -> Result<Url, String> {
    let url = Url::parse(endpoint.trim())
        .map_err(|e| format!("must be a URL such as \"https://bcc.bj.baidubce.com\" ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "must use http or https, not {:?} (e.g. \"https://bcc.bj.baidubce.com\")",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not contain a query or fragment".to_owned());
    }
    if !matches!(url.path(), "" | "/") {
        return Err(format!(
            "must not contain a path ({:?}): the provider adds the API's paths such as \
             /v1/peerconn itself; use only the scheme, host and port, e.g. \
             \"https://bcc.bj.baidubce.com\"",
            url.path()
        ));
    }
    Ok(url)
}

fn endpoint_url() -> Validator {
    Validator::new("an http(s) URL", |v| match v.as_str() {
        Some(s) if s.trim().is_empty() => Ok(()), // reported by the emptiness rule
        Some(s) => check_endpoint(s).map(|_| ()),
        None => Ok(()),
    })
}

/// The configured string at `name`: `Known(Some)`, `Known(None)` (null), or
/// `Unknown` (depends on values not known yet).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Setting {
    Known(Option<String>),
    Unknown,
}

fn setting(config: &Value, name: &str) -> Setting {
    match config.get_attr(name) {
        Some(v) if v.is_unknown() => Setting::Unknown,
        Some(v) => Setting::Known(v.as_str().map(str::to_owned)),
        None => Setting::Known(None),
    }
}

/// Cross-argument checks that need no network: a key pair must be complete
/// (counting the environment), and a session token needs a key pair. The
/// per-argument rules (formats, emptiness) run as schema validators.
/// Unknown values are skipped.
pub fn validate(config: &Value, env: &dyn Env, diags: &mut Diagnostics) {
    let present = |name: &str, var: &str| match setting(config, name) {
        Setting::Unknown => None,
        Setting::Known(Some(_)) => Some(true),
        Setting::Known(None) => Some(env.var(var).is_some()),
    };
    let configured = |name: &str| matches!(setting(config, name), Setting::Known(Some(_)));
    // A profile's keys are read when the provider is configured, not here.
    let from_profile =
        !matches!(setting(config, PROFILE), Setting::Known(None)) || env.var(ENV_PROFILE).is_some();
    let present = |name: &str, var: &str| {
        if from_profile {
            None
        } else {
            present(name, var)
        }
    };
    let access = present(ACCESS_KEY, ENV_ACCESS_KEY);
    let secret = present(SECRET_KEY, ENV_SECRET_KEY);
    if configured(ACCESS_KEY) && secret == Some(false) {
        diags.attribute_error(
            AttributePath::root().attr(SECRET_KEY),
            "Incomplete credentials",
            format!(
                "access_key is set but secret_key is not: set secret_key in the provider block or the {ENV_SECRET_KEY} environment variable."
            ),
        );
    }
    if configured(SECRET_KEY) && access == Some(false) {
        diags.attribute_error(
            AttributePath::root().attr(ACCESS_KEY),
            "Incomplete credentials",
            format!(
                "secret_key is set but access_key is not: set access_key in the provider block or the {ENV_ACCESS_KEY} environment variable."
            ),
        );
    }
    if configured(SESSION_TOKEN) && (access == Some(false) || secret == Some(false)) {
        diags.attribute_error(
            AttributePath::root().attr(SESSION_TOKEN),
            "Incomplete credentials",
            "session_token is set, but a session token is only used together with access_key and secret_key (its temporary key pair).",
        );
    }
    if let Setting::Known(Some(endpoint)) = setting(config, ENDPOINT) {
        insecure_endpoint(&endpoint, AttributePath::root().attr(ENDPOINT), env, diags);
    }
    assume_role::validate(config, env, diags);
    let region = match setting(config, REGION) {
        Setting::Known(Some(r)) => Some((r, REGION.to_owned())),
        Setting::Known(None) => env.var(ENV_REGION).map(|r| (r, ENV_REGION.to_owned())),
        Setting::Unknown => None,
    };
    if let (Some((region, source)), Some(false)) = (region, region_validation_skipped(config, env))
    {
        if is_valid_region(&region) && !regions::is_known_region(&region) {
            unknown_region(&region, &source, diags);
        }
    }
}

fn is_loopback_host(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `max_retries` from the configuration (validated already), else
/// [`ENV_MAX_RETRIES`], else the default.
fn max_retries(config: &Value, env: &dyn Env) -> Result<u32, String> {
    if let Some(n) = config.get_attr(MAX_RETRIES).and_then(Value::as_i64) {
        return u32::try_from(n).map_err(|_| format!("{MAX_RETRIES} is {n}"));
    }
    match env.var(ENV_MAX_RETRIES) {
        None => Ok(DEFAULT_MAX_RETRIES),
        Some(raw) => raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| i64::from(*n) <= MAX_RETRIES_LIMIT)
            .ok_or_else(|| {
                format!(
                    "{ENV_MAX_RETRIES} is {raw:?}; it must be a whole number from 0 to \
                     {MAX_RETRIES_LIMIT}."
                )
            }),
    }
}

/// The provider's final settings, after environment fallbacks and defaults.
/// Secrets live in [`SecretString`], so `Debug` prints `***` for them.
#[derive(Clone, Debug)]
pub struct ProviderSettings {
    pub access_key: String,
    pub secret_key: SecretString,
    pub session_token: Option<SecretString>,
    pub region: String,
    /// `None` means the region's public endpoint.
    pub endpoint: Option<String>,
    /// [`ENV_ALLOW_INSECURE_HTTP`] was set: plain http off loopback is permitted.
    pub allow_insecure_http: bool,
    /// Check the credentials with one signed read when configured.
    pub validate_credentials: bool,
    /// Retries of one API call after a retryable failure.
    pub max_retries: u32,
    /// Work in another account through a role: the keys above sign only
    /// the STS call.
    pub assume_role: Option<AssumeRoleSettings>,
}

impl ProviderSettings {
    pub fn credentials(&self) -> Credentials {
        let creds = Credentials::new(self.access_key.clone(), self.secret_key.clone());
        match &self.session_token {
            Some(token) => creds.with_session_token(token.clone()),
            None => creds,
        }
    }

    /// The API client configuration these settings describe.
    pub fn client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new(self.credentials(), self.region.clone());
        config.user_agent = USER_AGENT.to_owned();
        config.allow_insecure_http = self.allow_insecure_http;
        config.retry = RetryPolicy {
            max_retries: self.max_retries,
            ..RetryPolicy::default()
        };
        match &self.endpoint {
            Some(endpoint) => config.with_endpoint(endpoint.clone()),
            None => config,
        }
    }
}

impl fmt::Display for ProviderSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "region {:?}, endpoint {}, access key {:?}{}",
            self.region,
            self.endpoint.as_deref().unwrap_or("(region default)"),
            self.access_key,
            if self.session_token.is_some() {
                " with a session token"
            } else {
                ""
            }
        )?;
        if let Some(role) = &self.assume_role {
            write!(
                f,
                ", assuming role {:?} of account {}",
                role.request.role_name, role.request.account_id
            )?;
        }
        Ok(())
    }
}

/// Resolves the provider block and the environment into settings. Fails
/// (with diagnostics naming the argument and its variable) when a value is
/// not known yet, a key is missing, or a value is malformed.
pub fn resolve(config: &Value, env: &dyn Env) -> Result<ProviderSettings, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut pick = |name: &str, var: &str| -> Option<String> {
        match setting(config, name) {
            Setting::Unknown => {
                diags.attribute_error(
                    AttributePath::root().attr(name),
                    "Provider configuration not known yet",
                    format!(
                        "{name} depends on a value that is only known after apply, so the provider cannot be configured during this plan. Use a value known at plan time (a variable, or {var})."
                    ),
                );
                None
            }
            Setting::Known(Some(v)) if !v.trim().is_empty() => Some(v),
            Setting::Known(_) => env.var(var),
        }
    };
    let configured_key = |name: &str| match setting(config, name) {
        Setting::Known(Some(v)) if !v.trim().is_empty() => Some(v),
        _ => None,
    };
    let profile_name = pick(PROFILE, ENV_PROFILE);
    let credentials_file = pick(SHARED_CREDENTIALS_FILE, ENV_SHARED_CREDENTIALS_FILE);
    // A named profile replaces the environment's keys; otherwise the file's
    // [default] profile fills what neither the block nor the environment has.
    let (mut access_key, mut secret_key, mut session_token) = if profile_name.is_some() {
        (
            configured_key(ACCESS_KEY),
            configured_key(SECRET_KEY),
            configured_key(SESSION_TOKEN),
        )
    } else {
        (
            pick(ACCESS_KEY, ENV_ACCESS_KEY),
            pick(SECRET_KEY, ENV_SECRET_KEY),
            pick(SESSION_TOKEN, ENV_SESSION_TOKEN),
        )
    };
    let region = pick(REGION, ENV_REGION);
    let endpoint = pick(ENDPOINT, ENV_ENDPOINT);
    if diags.has_errors() {
        return Err(diags);
    }
    let file = credentials_file.map(PathBuf::from).or_else(|| {
        env.var("HOME")
            .map(|h| Path::new(&h).join(DEFAULT_CREDENTIALS_FILE))
    });
    let profile = match (&profile_name, &file) {
        (Some(name), Some(path)) => match profiles::load(path, name) {
            Ok(p) => Some(p),
            Err(e) => {
                diags.attribute_error(
                    AttributePath::root().attr(PROFILE),
                    "Cannot read the credentials profile",
                    format!("{e}."),
                );
                return Err(diags);
            }
        },
        (Some(name), None) => {
            diags.attribute_error(
                AttributePath::root().attr(PROFILE),
                "Cannot read the credentials profile",
                format!(
                    "profile {name:?} is set, but there is no shared credentials file: set \
                     {SHARED_CREDENTIALS_FILE} (or {ENV_SHARED_CREDENTIALS_FILE})."
                ),
            );
            return Err(diags);
        }
        // Only when the keys are not complete already, and only if the file exists.
        (None, Some(path)) if (access_key.is_none() || secret_key.is_none()) && path.is_file() => {
            profiles::load(path, profiles::DEFAULT_PROFILE).ok()
        }
        (None, _) => None,
    };
    if let Some(p) = profile {
        access_key = access_key.or(p.access_key);
        secret_key = secret_key.or(p.secret_key);
        session_token = session_token.or(p.session_token);
    }

    let missing = |diags: &mut Diagnostics, name: &str, var: &str, what: &str| {
        diags.attribute_error(
            AttributePath::root().attr(name),
            format!("Missing {what}"),
            format!("No {what} is configured: set {name} in the provider block, the {var} environment variable, or {name} in a profile of the shared credentials file (see {PROFILE})."),
        );
    };
    if access_key.is_none() {
        missing(&mut diags, ACCESS_KEY, ENV_ACCESS_KEY, "access key");
    }
    if secret_key.is_none() {
        missing(&mut diags, SECRET_KEY, ENV_SECRET_KEY, "secret key");
    }
    let region = region.unwrap_or_else(|| DEFAULT_REGION.to_owned());
    if !is_valid_region(&region) {
        let source = if matches!(setting(config, REGION), Setting::Known(Some(_))) {
            "region".to_owned()
        } else {
            ENV_REGION.to_owned()
        };
        diags.attribute_error(
            AttributePath::root().attr(REGION),
            "Invalid region",
            format!("{source} is {region:?}, which is not a region code such as \"bj\" or \"gz\" (lowercase letters, digits and '-')."),
        );
    } else if region_validation_skipped(config, env) == Some(false)
        && !regions::is_known_region(&region)
    {
        let source = if matches!(setting(config, REGION), Setting::Known(Some(_))) {
            REGION
        } else {
            ENV_REGION
        };
        unknown_region(&region, source, &mut diags);
    }
    if let Some(e) = &endpoint {
        endpoint_errors(
            e,
            AttributePath::root().attr(ENDPOINT),
            "endpoint",
            env,
            &mut diags,
        );
    }
    let assume_role = assume_role::resolve(config, env, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    let max_retries = match max_retries(config, env) {
        Ok(n) => n,
        Err(message) => {
            diags.attribute_error(
                AttributePath::root().attr(MAX_RETRIES),
                "Invalid max_retries",
                message,
            );
            return Err(diags);
        }
    };
    match (access_key, secret_key) {
        (Some(access_key), Some(secret_key)) => Ok(ProviderSettings {
            access_key,
            secret_key: SecretString::new(secret_key),
            session_token: session_token.map(SecretString::new),
            region,
            endpoint: endpoint.map(|e| e.trim().to_owned()),
            allow_insecure_http: insecure_http_allowed(env),
            max_retries,
            validate_credentials: match config.get_attr(SKIP_CREDENTIALS_VALIDATION) {
                Some(Value::Bool(skip)) => !skip,
                _ => !env_flag(env, ENV_SKIP_CREDENTIALS_VALIDATION),
            },
            assume_role,
        }),
        // Both were reported missing above.
        _ => Err(diags),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut attrs: BTreeMap<String, Value> = [
            ACCESS_KEY,
            SECRET_KEY,
            SESSION_TOKEN,
            REGION,
            ENDPOINT,
            SKIP_REGION_VALIDATION,
            SKIP_CREDENTIALS_VALIDATION,
            MAX_RETRIES,
            PROFILE,
            SHARED_CREDENTIALS_FILE,
        ]
        .iter()
        .map(|n| ((*n).to_owned(), Value::Null))
        .collect();
        for (k, v) in pairs {
            attrs.insert((*k).to_owned(), v.clone());
        }
        Value::Object(attrs)
    }

    fn s(v: &str) -> Value {
        Value::string(v)
    }

    fn errors_at(diags: &Diagnostics) -> Vec<String> {
        diags
            .errors()
            .map(|d| {
                d.attribute
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn schema_is_all_optional_strings_with_secrets_sensitive() {
        let schema = schema();
        assert!(schema.check().is_empty());
        for a in &schema.block.attributes {
            assert!(a.optional && !a.required && !a.computed, "{}", a.name);
            assert!(!a.description.text.is_empty());
        }
        let sensitive: Vec<&str> = schema
            .block
            .attributes
            .iter()
            .filter(|a| a.sensitive)
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(sensitive, [SECRET_KEY, SESSION_TOKEN]);
    }

    #[test]
    fn env_fallbacks_and_default_region() {
        let e = env(&[
            (ENV_ACCESS_KEY, "AK-env"),
            (ENV_SECRET_KEY, "SK-env"),
            (ENV_SESSION_TOKEN, "TOKEN-env"),
            (ENV_ENDPOINT, "http://127.0.0.1:9999"),
        ]);
        let settings = resolve(&config(&[]), &e).expect("resolves");
        assert_eq!(settings.access_key, "AK-env");
        assert_eq!(settings.secret_key.expose_secret(), "SK-env");
        assert_eq!(
            settings
                .session_token
                .as_ref()
                .map(SecretString::expose_secret),
            Some("TOKEN-env")
        );
        assert_eq!(settings.region, DEFAULT_REGION);
        assert_eq!(settings.endpoint.as_deref(), Some("http://127.0.0.1:9999"));
        assert!(
            settings
                .client_config()
                .user_agent
                .starts_with("terraform-provider-baidu/"),
            "the API client names the provider"
        );

        let e = env(&[
            (ENV_ACCESS_KEY, "AK-env"),
            (ENV_SECRET_KEY, "SK-env"),
            (ENV_REGION, "gz"),
        ]);
        let settings = resolve(&config(&[]), &e).expect("resolves");
        assert_eq!(settings.region, "gz");
        assert_eq!(settings.endpoint, None);
        assert!(settings.session_token.is_none());
    }

    #[test]
    fn configuration_wins_over_environment() {
        let e = env(&[
            (ENV_ACCESS_KEY, "AK-env"),
            (ENV_SECRET_KEY, "SK-env"),
            (ENV_REGION, "gz"),
        ]);
        let c = config(&[
            (ACCESS_KEY, s("AK-cfg")),
            (SECRET_KEY, s("SK-cfg")),
            (REGION, s("su")),
        ]);
        let settings = resolve(&c, &e).expect("resolves");
        assert_eq!(settings.access_key, "AK-cfg");
        assert_eq!(settings.secret_key.expose_secret(), "SK-cfg");
        assert_eq!(settings.region, "su");
    }

    #[test]
    fn secrets_never_print() {
        let c = config(&[
            (ACCESS_KEY, s("AK")),
            (SECRET_KEY, s("SUPERSECRET")),
            (SESSION_TOKEN, s("TOKENVALUE")),
        ]);
        let settings = resolve(&c, &env(&[])).expect("resolves");
        for text in [
            format!("{settings:?}"),
            format!("{settings:#?}"),
            settings.to_string(),
        ] {
            assert!(
                !text.contains("SUPERSECRET") && !text.contains("TOKENVALUE"),
                "{text}"
            );
        }
        assert!(format!("{settings:?}").contains("***"));
    }

    #[test]
    fn missing_keys_name_attribute_and_variable() {
        let err = resolve(&config(&[]), &env(&[])).expect_err("no credentials");
        assert_eq!(errors_at(&err), [ACCESS_KEY, SECRET_KEY]);
        let details: Vec<&str> = err.iter().map(|d| d.detail.as_str()).collect();
        assert!(details[0].contains(ENV_ACCESS_KEY) && details[1].contains(ENV_SECRET_KEY));
    }

    #[test]
    fn unknown_values_cannot_configure() {
        let c = config(&[(ACCESS_KEY, Value::unknown()), (SECRET_KEY, s("SK"))]);
        let err = resolve(&c, &env(&[])).expect_err("unknown");
        assert_eq!(errors_at(&err), [ACCESS_KEY]);
    }

    #[test]
    fn malformed_region_and_endpoint_fail_resolution() {
        let e = env(&[
            (ENV_ACCESS_KEY, "AK"),
            (ENV_SECRET_KEY, "SK"),
            (ENV_REGION, "Bei Jing"),
        ]);
        let err = resolve(&config(&[]), &e).expect_err("bad region");
        assert_eq!(errors_at(&err), [REGION]);
        assert!(err.iter().any(|d| d.detail.contains(ENV_REGION)));
        let e = env(&[
            (ENV_ACCESS_KEY, "AK"),
            (ENV_SECRET_KEY, "SK"),
            (ENV_ENDPOINT, "ftp://x"),
        ]);
        let err = resolve(&config(&[]), &e).expect_err("bad endpoint");
        assert_eq!(errors_at(&err), [ENDPOINT]);
    }

    #[test]
    fn validate_checks_key_pairs_against_config_and_env() {
        let mut d = Diagnostics::new();
        validate(&config(&[(ACCESS_KEY, s("AK"))]), &env(&[]), &mut d);
        assert_eq!(errors_at(&d), [SECRET_KEY]);
        assert!(d
            .iter()
            .next()
            .is_some_and(|x| x.detail.contains(ENV_SECRET_KEY)));

        let mut d = Diagnostics::new();
        validate(
            &config(&[(ACCESS_KEY, s("AK"))]),
            &env(&[(ENV_SECRET_KEY, "SK")]),
            &mut d,
        );
        assert!(d.is_empty(), "secret from env completes the pair: {d:?}");

        let mut d = Diagnostics::new();
        validate(&config(&[(SECRET_KEY, s("SK"))]), &env(&[]), &mut d);
        assert_eq!(errors_at(&d), [ACCESS_KEY]);

        let mut d = Diagnostics::new();
        validate(&config(&[(SESSION_TOKEN, s("T"))]), &env(&[]), &mut d);
        assert_eq!(errors_at(&d), [SESSION_TOKEN]);

        let mut d = Diagnostics::new();
        validate(
            &config(&[(ACCESS_KEY, s("AK")), (SECRET_KEY, Value::unknown())]),
            &env(&[]),
            &mut d,
        );
        assert!(d.is_empty(), "unknown values are tolerated: {d:?}");

        let mut d = Diagnostics::new();
        validate(&config(&[]), &env(&[]), &mut d);
        assert!(d.is_empty(), "nothing configured is fine at validate time");
    }

    #[test]
    fn endpoint_rules() {
        assert!(check_endpoint("https://bcc.bj.baidubce.com").is_ok());
        assert!(check_endpoint("http://127.0.0.1:8080").is_ok());
        assert!(check_endpoint("bcc.bj.baidubce.com").is_err());
        assert!(check_endpoint("ftp://bcc.bj.baidubce.com").is_err());
        assert!(check_endpoint("https://x?y=1").is_err());
        let mut d = Diagnostics::new();
        validate(
            &config(&[(ENDPOINT, s("http://vpc.example.com"))]),
            &env(&[]),
            &mut d,
        );
        assert_eq!(errors_at(&d), [ENDPOINT], "plain http off-host is refused");
        assert!(d.iter().any(|x| x.detail.contains(ENV_ALLOW_INSECURE_HTTP)));
        for (value, allowed) in [
            ("true", true),
            ("1", true),
            ("YES", true),
            ("0", false),
            ("false", false),
        ] {
            let mut d = Diagnostics::new();
            validate(
                &config(&[(ENDPOINT, s("http://vpc.example.com"))]),
                &env(&[(ENV_ALLOW_INSECURE_HTTP, value)]),
                &mut d,
            );
            assert_eq!(
                d.has_errors(),
                !allowed,
                "{ENV_ALLOW_INSECURE_HTTP}={value}"
            );
            assert_eq!(d.len(), 1, "a warning when allowed");
        }
        let mut d = Diagnostics::new();
        validate(
            &config(&[(ENDPOINT, s("http://localhost:1234"))]),
            &env(&[]),
            &mut d,
        );
        assert!(d.is_empty());
    }

    #[test]
    fn plain_http_off_loopback_fails_resolution_unless_allowed() {
        let keys = [(ENV_ACCESS_KEY, "AK"), (ENV_SECRET_KEY, "SK")];
        let from_env = |extra: &[(&str, &str)]| {
            let mut pairs = keys.to_vec();
            pairs.extend_from_slice(extra);
            resolve(&config(&[]), &env(&pairs))
        };
        let err = from_env(&[(ENV_ENDPOINT, "http://vpc.example.com")]).expect_err("refused");
        assert_eq!(errors_at(&err), [ENDPOINT]);
        let settings = from_env(&[
            (ENV_ENDPOINT, "http://vpc.example.com"),
            (ENV_ALLOW_INSECURE_HTTP, "true"),
        ])
        .expect("explicitly allowed");
        assert!(settings.allow_insecure_http);
        assert!(baidu_vpc::BaiduClient::new(settings.client_config()).is_ok());
        let settings = from_env(&[(ENV_ENDPOINT, "http://127.0.0.1:9")]).expect("loopback");
        assert!(!settings.allow_insecure_http);
        assert!(baidu_vpc::BaiduClient::new(settings.client_config()).is_ok());
        let settings = from_env(&[(ENV_ENDPOINT, "https://vpc.example.com")]).expect("https");
        assert!(baidu_vpc::BaiduClient::new(settings.client_config()).is_ok());
    }

    #[test]
    fn an_unknown_region_is_refused_at_validation_unless_skipped() {
        let mut d = Diagnostics::new();
        validate(&config(&[(REGION, s("beijing"))]), &env(&[]), &mut d);
        assert_eq!(errors_at(&d), [REGION]);
        let detail = &d.errors().next().expect("an error").detail;
        assert!(
            detail.contains("\"bj\"") && detail.contains(SKIP_REGION_VALIDATION),
            "{detail}"
        );

        let mut d = Diagnostics::new();
        validate(&config(&[]), &env(&[(ENV_REGION, "beijing")]), &mut d);
        assert_eq!(errors_at(&d), [REGION]);
        assert!(d.iter().any(|x| x.detail.contains(ENV_REGION)));

        for (cfg, e) in [
            (
                config(&[
                    (REGION, s("eu-new-1")),
                    (SKIP_REGION_VALIDATION, Value::Bool(true)),
                ]),
                env(&[]),
            ),
            (
                config(&[(REGION, s("eu-new-1"))]),
                env(&[(ENV_SKIP_REGION_VALIDATION, "true")]),
            ),
            (
                config(&[
                    (REGION, s("eu-new-1")),
                    (SKIP_REGION_VALIDATION, Value::unknown()),
                ]),
                env(&[]),
            ),
            (config(&[(REGION, s("gz"))]), env(&[])),
        ] {
            let mut d = Diagnostics::new();
            validate(&cfg, &e, &mut d);
            assert!(d.is_empty(), "{cfg:?} {e:?}: {d:?}");
        }

        let keys = [
            (ENV_ACCESS_KEY, "AK"),
            (ENV_SECRET_KEY, "SK"),
            (ENV_REGION, "beijing"),
        ];
        let err = resolve(&config(&[]), &env(&keys)).expect_err("unknown region");
        assert_eq!(errors_at(&err), [REGION]);
        let mut skipped = keys.to_vec();
        skipped.push((ENV_SKIP_REGION_VALIDATION, "1"));
        let settings = resolve(&config(&[]), &env(&skipped)).expect("skipped");
        assert_eq!(settings.region, "beijing");
    }

    #[test]
    fn max_retries_from_the_configuration_the_environment_or_the_default() {
        let keys = [(ENV_ACCESS_KEY, "AK"), (ENV_SECRET_KEY, "SK")];
        let settings = resolve(&config(&[]), &env(&keys)).expect("default");
        assert_eq!(settings.max_retries, DEFAULT_MAX_RETRIES);
        assert_eq!(
            settings.client_config().retry.max_retries,
            DEFAULT_MAX_RETRIES
        );
        let mut with_env = keys.to_vec();
        with_env.push((ENV_MAX_RETRIES, "2"));
        let settings = resolve(&config(&[]), &env(&with_env)).expect("env");
        assert_eq!(settings.max_retries, 2);
        let settings = resolve(
            &config(&[(MAX_RETRIES, Value::from(0i64))]),
            &env(&with_env),
        )
        .expect("config");
        assert_eq!(settings.client_config().retry.max_retries, 0);
        let mut bad = keys.to_vec();
        bad.push((ENV_MAX_RETRIES, "many"));
        let err = resolve(&config(&[]), &env(&bad)).expect_err("not a number");
        assert_eq!(errors_at(&err), [MAX_RETRIES]);
    }

    #[test]
    fn keys_come_from_a_named_profile_before_the_environment_and_from_default_last() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("credentials");
        std::fs::write(
            &file,
            "[default]\naccess_key = AK-file-default\nsecret_key = SK-file-default\n\n\
             [peer]\naccess_key = AK-peer\nsecret_key = SK-peer\nsession_token = TOK-peer\n",
        )
        .expect("write");
        let path = file.to_string_lossy().into_owned();
        let env_keys = [
            (ENV_ACCESS_KEY, "AK-env"),
            (ENV_SECRET_KEY, "SK-env"),
            (ENV_SHARED_CREDENTIALS_FILE, path.as_str()),
        ];
        // A named profile wins over the environment's keys.
        let s = resolve(
            &config(&[(PROFILE, Value::string("peer"))]),
            &env(&env_keys),
        )
        .expect("peer");
        assert_eq!(s.access_key, "AK-peer");
        assert_eq!(s.secret_key.expose_secret(), "SK-peer");
        assert!(s.session_token.is_some());
        // ... but not over the block's own arguments.
        let s = resolve(
            &config(&[
                (PROFILE, Value::string("peer")),
                (ACCESS_KEY, Value::string("AK-block")),
            ]),
            &env(&env_keys),
        )
        .expect("block");
        assert_eq!(s.access_key, "AK-block");
        assert_eq!(s.secret_key.expose_secret(), "SK-peer");
        // Without a profile: the environment, then [default].
        let s = resolve(&config(&[]), &env(&env_keys)).expect("env");
        assert_eq!(s.access_key, "AK-env");
        let only_file = [(ENV_SHARED_CREDENTIALS_FILE, path.as_str())];
        let s = resolve(&config(&[]), &env(&only_file)).expect("default profile");
        assert_eq!(s.access_key, "AK-file-default");
        // BAIDUCLOUD_PROFILE names it too; a missing one lists what there is.
        let mut named = only_file.to_vec();
        named.push((ENV_PROFILE, "prod"));
        let err = resolve(&config(&[]), &env(&named)).expect_err("no such profile");
        assert_eq!(errors_at(&err), [PROFILE]);
        let detail = &err.errors().next().expect("error").detail;
        assert!(detail.contains("[default], [peer]"), "{detail}");
        assert!(!detail.contains("SK-"), "{detail}");
        // Validation does not ask for keys a profile will supply.
        let mut d = Diagnostics::new();
        validate(
            &config(&[
                (PROFILE, Value::string("peer")),
                (ACCESS_KEY, Value::string("AK")),
            ]),
            &env(&[]),
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn an_endpoint_with_a_path_is_refused() {
        assert!(check_endpoint("http://127.0.0.1:8080/").is_ok());
        let err = check_endpoint("https://bcc.bj.baidubce.com/v1").expect_err("a path");
        assert!(err.contains("/v1/peerconn"), "{err}");
    }

    #[test]
    fn region_rules() {
        for ok in ["bj", "gz", "su", "fsh", "hkg", "cn-north-1"] {
            assert!(is_valid_region(ok), "{ok}");
        }
        for bad in ["", "BJ", "1bj", "b j", "bj_1"] {
            assert!(!is_valid_region(bad), "{bad}");
        }
    }
}
