//! What `baidu_peerconn` and `baidu_peerconn_acceptor` (and the data sources)
//! share: the peering's API fields as Terraform values, what a status means
//! for Terraform, the operation's timeout and Stop turned into the client's
//! limits, and client errors turned into diagnostics that name the
//! attribute, the peering and Baidu's request id (never a secret: client
//! errors are built without credentials, see `baidu::error`).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::baidu::{
    CallOptions, ClientError, DnsStatus, Limits, PeerConn, PeerConnStatus, WaitConfig, WaitError,
};
use crate::framework::{Context, Deadline, Interrupted};
use crate::tfvalue::{AttributePath, Diagnostic, Diagnostics, Value};

// ------------------------------------------------------------------ statuses

/// Statuses from which a peering no longer carries traffic and will not
/// recover by itself: rejected or unanswered (`consult_failed`), `expired`,
/// `error`, `down`, `deleted`. A resource in one of them stays in state (so
/// Terraform never creates a second peering beside it) and its next plan
/// replaces it.
pub const REPLACE_STATUSES: [PeerConnStatus; 5] = [
    PeerConnStatus::ConsultFailed,
    PeerConnStatus::Expired,
    PeerConnStatus::Error,
    PeerConnStatus::Down,
    PeerConnStatus::Deleted,
];

/// Statuses that end a wait for a peering to become usable, unsuccessfully.
pub const FAILED_STATUSES: [PeerConnStatus; 5] = REPLACE_STATUSES;

/// Where a peering settles after create or an update: `active`, or
/// `consulting` while a cross-account request waits for the peer.
pub const SETTLED_STATUSES: [PeerConnStatus; 2] =
    [PeerConnStatus::Active, PeerConnStatus::Consulting];

/// What a status means for a Terraform resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// Usable (`active`) or waiting for the peer (`consulting`).
    Settled,
    /// The service moves out of it by itself (`creating`, `updating`, ...).
    Transitional,
    /// Dead: see [`REPLACE_STATUSES`].
    NeedsReplacement,
    /// A status this provider does not know.
    Unknown,
}

pub fn classify_status(status: &PeerConnStatus) -> StatusClass {
    if SETTLED_STATUSES.contains(status) {
        StatusClass::Settled
    } else if REPLACE_STATUSES.contains(status) {
        StatusClass::NeedsReplacement
    } else if status.is_transitional() {
        StatusClass::Transitional
    } else {
        StatusClass::Unknown
    }
}

/// Whether DNS synchronisation is on (or on its way there) for a side:
/// `open`, `wait` or `syncing`.
pub fn dns_sync_enabled(status: Option<&DnsStatus>) -> bool {
    matches!(
        status,
        Some(DnsStatus::Open | DnsStatus::Wait | DnsStatus::Syncing)
    )
}

// ------------------------------------------------------------ API ↔ values

/// A string from the API as an attribute value; the API writes "nothing"
/// as `""`, which Terraform users expect as null.
pub fn string_or_null(s: &str) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::string(s)
    }
}

/// Every field of one side's view under the attribute name the provider
/// uses for it (`bandwidth_in_mbps`, `local_if_id`, `status`, ...). Empty
/// strings are null; `tags` is a map (possibly empty). Each resource or
/// data source takes the attributes it declares.
pub fn view_attributes(pc: &PeerConn) -> BTreeMap<&'static str, Value> {
    let opt = |s: Option<&str>| s.map_or(Value::Null, string_or_null);
    BTreeMap::from([
        ("peer_conn_id", string_or_null(&pc.peer_conn_id)),
        ("role", opt(pc.role.as_ref().map(|r| r.as_str()))),
        ("status", opt(pc.status.as_ref().map(|s| s.as_str()))),
        ("bandwidth_in_mbps", Value::from(pc.bandwidth_in_mbps)),
        ("description", string_or_null(&pc.description)),
        ("local_if_id", string_or_null(&pc.local_if_id)),
        ("local_if_name", string_or_null(&pc.local_if_name)),
        ("local_vpc_id", string_or_null(&pc.local_vpc_id)),
        ("local_region", string_or_null(&pc.local_region)),
        ("peer_vpc_id", string_or_null(&pc.peer_vpc_id)),
        ("peer_region", string_or_null(&pc.peer_region)),
        ("peer_account_id", string_or_null(&pc.peer_account_id)),
        (
            "payment_timing",
            opt(pc.payment_timing.as_ref().map(|p| p.as_str())),
        ),
        (
            "dns_status",
            opt(pc.dns_status.as_ref().map(|d| d.as_str())),
        ),
        ("created_time", string_or_null(&pc.created_time)),
        ("expired_time", string_or_null(&pc.expired_time)),
        ("delete_protect", Value::bool(pc.delete_protect)),
        (
            "dns_sync",
            Value::bool(dns_sync_enabled(pc.dns_status.as_ref())),
        ),
        ("tags", tags_value(pc)),
    ])
}

/// The API's `[{tagKey, tagValue}]` as a `map(string)` (always a map).
pub fn tags_value(pc: &PeerConn) -> Value {
    Value::map(
        pc.tags
            .iter()
            .map(|t| (t.tag_key.clone(), Value::string(t.tag_value.clone()))),
    )
}

// ------------------------------------------------- timeouts, Stop → limits

/// Polling for status changes: soon at first (the emulator and many real
/// operations finish within a second or two), backing off to 5 s.
const FIRST_POLL: Duration = Duration::from_millis(200);
const MAX_POLL: Duration = Duration::from_secs(5);

/// The operation's Stop token and deadline (from `timeouts`) as the client's limits.
pub fn limits<D>(ctx: &Context<D>) -> Limits {
    Limits {
        cancel: Some(ctx.cancellation_token().clone()),
        deadline: ctx.deadline().map(|d| d.at),
    }
}

/// Call options with a fresh clientToken per call (generated by the client).
pub fn call_options<D>(ctx: &Context<D>) -> CallOptions {
    CallOptions {
        client_token: None,
        limits: limits(ctx),
    }
}

/// Call options with the caller's clientToken, for an operation retried by
/// the provider as a whole (create) that must stay one operation for Baidu.
pub fn call_options_with_token<D>(ctx: &Context<D>, token: &str) -> CallOptions {
    CallOptions {
        client_token: Some(token.to_owned()),
        limits: limits(ctx),
    }
}

/// How to poll within the operation's limits.
pub fn wait_config<D>(ctx: &Context<D>) -> WaitConfig {
    WaitConfig {
        first_interval: FIRST_POLL,
        max_interval: MAX_POLL,
        limits: limits(ctx),
        ..WaitConfig::default()
    }
}

// ------------------------------------------------------ errors → diagnostics

/// Where a diagnostic belongs: the peering (when known) and the attribute
/// the failed step was about (when there is one).
#[derive(Debug, Clone, Default)]
pub struct ErrorScope {
    pub peer_conn_id: Option<String>,
    pub attribute: Option<AttributePath>,
}

impl ErrorScope {
    pub fn peering(id: impl Into<String>) -> Self {
        Self {
            peer_conn_id: Some(id.into()),
            attribute: None,
        }
    }

    #[must_use]
    pub fn at(mut self, path: AttributePath) -> Self {
        self.attribute = Some(path);
        self
    }

    fn finish(&self, mut detail: String, request_id: Option<&str>) -> String {
        let mut facts = Vec::new();
        if let Some(path) = self.attribute.as_ref().filter(|p| !p.is_empty()) {
            facts.push(format!("attribute: {path}"));
        }
        if let Some(id) = &self.peer_conn_id {
            facts.push(format!("peering connection: {id}"));
        }
        if let Some(rid) = request_id {
            // Named once, among the facts: not also inside the client's message.
            detail = detail.replace(&format!(" (request id {rid})"), "");
            facts.push(format!("Baidu request id: {rid}"));
        }
        if !facts.is_empty() {
            detail.push_str(&format!("\n\n({})", facts.join(", ")));
        }
        detail
    }

    fn diagnostic(&self, d: Diagnostic) -> Diagnostic {
        match &self.attribute {
            Some(path) => d.at(path.clone()),
            None => d,
        }
    }
}

/// A sentence telling the user what to do about a class of client error.
fn hint(err: &ClientError) -> Option<&'static str> {
    if let Some(api) = err.api_error() {
        return match api.code.as_str() {
            "AccessDenied" | "InvalidAccessKeyId" | "SignatureDoesNotMatch"
            | "InvalidHTTPAuthHeader" => Some(
                "Check the provider's access_key, secret_key and session_token (or the BAIDUCLOUD_* environment variables) and the account's permissions.",
            ),
            "RequestExpired" => Some("Check this machine's clock."),
            _ if api.is_throttled() => {
                Some("Baidu is throttling requests; wait a little and run Terraform again.")
            }
            _ if api.is_retryable() => {
                Some("This is usually temporary; run Terraform again.")
            }
            _ => None,
        };
    }
    match err {
        ClientError::Transport { .. } | ClientError::Timeout { .. } => {
            Some("Check the provider's endpoint and region and the network path to the Baidu API.")
        }
        _ => None,
    }
}

/// An error diagnostic for a failed API call: `summary`, then the client's
/// message (operation, peering, HTTP status, Baidu code and message), a hint
/// when one applies, and the peering id and request id spelled out.
pub fn client_error_diagnostic(
    summary: impl Into<String>,
    err: &ClientError,
    scope: &ErrorScope,
) -> Diagnostic {
    let mut detail = format!("{err}.");
    if let Some(h) = hint(err) {
        detail.push(' ');
        detail.push_str(h);
    }
    let detail = scope.finish(detail, err.request_id());
    scope.diagnostic(Diagnostic::error(summary, detail))
}

/// An error diagnostic with the caller's own `detail`, followed by the
/// scope's facts (attribute, peering, request id) like every other one.
pub fn error_diagnostic(
    summary: impl Into<String>,
    detail: impl Into<String>,
    scope: &ErrorScope,
    request_id: Option<&str>,
) -> Diagnostic {
    let detail = scope.finish(detail.into(), request_id);
    scope.diagnostic(Diagnostic::error(summary, detail))
}

pub fn push_client_error(
    diags: &mut Diagnostics,
    summary: impl Into<String>,
    err: &ClientError,
    scope: &ErrorScope,
) {
    diags.push(client_error_diagnostic(summary, err, scope));
}

/// What a wait was for, for its error message.
#[derive(Debug, Clone, Copy)]
pub struct WaitGoal<'a> {
    /// E.g. "become active or consulting".
    pub target: &'a str,
    /// The deadline the wait ran under (for the timeout message).
    pub deadline: Option<Deadline>,
}

/// An error diagnostic for a wait that did not reach its target: names the
/// last status seen and, on timeouts, the `timeouts` setting to raise.
pub fn wait_error_diagnostic<S: std::fmt::Display>(
    summary: impl Into<String>,
    subject: &str,
    err: &WaitError<S, ClientError>,
    goal: WaitGoal<'_>,
    scope: &ErrorScope,
) -> Diagnostic {
    let last = match err.last_status() {
        Some(s) => format!("last seen status: {s}"),
        None => "no status was read yet".to_owned(),
    };
    let (detail, request_id) = match err {
        WaitError::Failed { status } => (
            format!(
                "{subject} did not {}: it reached status {status}, which it does not leave by itself.",
                goal.target
            ),
            None,
        ),
        WaitError::TimedOut { .. } => {
            let why = match goal.deadline {
                Some(d) => Interrupted::TimedOut {
                    operation: d.operation,
                    timeout: d.timeout,
                }
                .to_string(),
                None => "timed out".to_owned(),
            };
            (
                format!("{subject} did not {} in time ({last}): {why}.", goal.target),
                None,
            )
        }
        WaitError::Cancelled { .. } => (
            format!(
                "{subject} did not {} ({last}): {}.",
                goal.target,
                Interrupted::Cancelled
            ),
            None,
        ),
        WaitError::Poll { error, .. } => (
            format!(
                "{subject} did not {} ({last}): reading its status failed: {error}.",
                goal.target
            ),
            error.request_id(),
        ),
    };
    let detail = scope.finish(detail, request_id);
    scope.diagnostic(Diagnostic::error(summary, detail))
}

/// An error diagnostic for an operation cut short by Stop or its timeout
/// before it could start (or between steps).
pub fn interrupted_diagnostic(
    summary: impl Into<String>,
    why: &Interrupted,
    scope: &ErrorScope,
) -> Diagnostic {
    let detail = scope.finish(format!("{why}."), None);
    scope.diagnostic(Diagnostic::error(summary, detail))
}

// ------------------------------------------------------------------- ids

/// Peering ids look like `peerconn-` followed by lowercase letters and digits.
pub fn is_peer_conn_id(id: &str) -> bool {
    id.strip_prefix("peerconn-").is_some_and(|rest| {
        !rest.is_empty()
            && rest.len() <= 64
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// The id `terraform import` was given, trimmed, when it is a peering id;
/// otherwise an "Invalid import id" error whose detail `explain` writes from
/// the id exactly as given (quoted, so stray whitespace or control characters
/// show), and `None`.
pub fn import_peer_conn_id<'a>(
    raw: &'a str,
    diags: &mut Diagnostics,
    explain: impl FnOnce(&str) -> String,
) -> Option<&'a str> {
    let id = raw.trim();
    if is_peer_conn_id(id) {
        return Some(id);
    }
    diags.error("Invalid import id", explain(&format!("{raw:?}")));
    None
}

/// A context whose client points at a closed port, for unit tests of paths
/// that make no API call.
#[cfg(test)]
pub fn offline_context(type_name: &str) -> Context<crate::provider::ProviderData> {
    use crate::provider::config::{self, ProviderSettings};
    let env = BTreeMap::from([
        ("BAIDUCLOUD_ACCESS_KEY".to_owned(), "AK".to_owned()),
        ("BAIDUCLOUD_SECRET_KEY".to_owned(), "SK".to_owned()),
        (
            "BAIDUCLOUD_ENDPOINT".to_owned(),
            "http://127.0.0.1:9".to_owned(),
        ),
    ]);
    let settings: ProviderSettings =
        config::resolve(&config::schema().empty_value(), &env).expect("settings");
    let client = crate::baidu::BaiduClient::new(settings.client_config()).expect("client");
    Context::new(
        std::sync::Arc::new(crate::provider::ProviderData {
            settings,
            client,
            plans_destroys: false,
        }),
        tokio_util::sync::CancellationToken::new(),
        None,
        type_name,
        "test",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baidu::error::{ApiError, Operation as ApiOperation};
    use crate::baidu::model::{PaymentTiming, Tag};
    use crate::baidu::Role;
    use crate::framework::Operation;
    use std::sync::Arc;
    use tokio_util::sync::CancellationToken;

    fn api_error(code: &str, status: u16) -> ClientError {
        ClientError::Api(ApiError {
            retry_after: None,
            operation: ApiOperation::ResizePeerConn,
            peer_conn_id: Some("peerconn-abc123def456".into()),
            status,
            code: code.into(),
            message: "something is off".into(),
            request_id: Some("req-42".into()),
            service_error: true,
        })
    }

    #[test]
    fn statuses_are_classified() {
        use PeerConnStatus::*;
        assert_eq!(classify_status(&Active), StatusClass::Settled);
        assert_eq!(classify_status(&Consulting), StatusClass::Settled);
        for s in [Creating, Updating, Deleting, Starting, Stopping] {
            assert_eq!(classify_status(&s), StatusClass::Transitional, "{s}");
        }
        for s in [ConsultFailed, Expired, Error, Down, Deleted] {
            assert_eq!(classify_status(&s), StatusClass::NeedsReplacement, "{s}");
        }
        assert_eq!(
            classify_status(&PeerConnStatus::Other("weird".into())),
            StatusClass::Unknown
        );
        assert!(dns_sync_enabled(Some(&DnsStatus::Syncing)));
        assert!(dns_sync_enabled(Some(&DnsStatus::Wait)));
        assert!(!dns_sync_enabled(Some(&DnsStatus::Closing)));
        assert!(!dns_sync_enabled(None));
    }

    #[test]
    fn view_attributes_map_every_field() {
        let pc = PeerConn {
            peer_conn_id: "peerconn-abc123def456".into(),
            role: Some(Role::Initiator),
            status: Some(PeerConnStatus::Active),
            bandwidth_in_mbps: 20,
            description: String::new(),
            local_if_id: "qpif-1".into(),
            local_if_name: "if1".into(),
            local_vpc_id: "vpc-a".into(),
            local_region: "bj".into(),
            peer_vpc_id: "vpc-b".into(),
            peer_region: "gz".into(),
            peer_account_id: "acct".into(),
            payment_timing: Some(PaymentTiming::Postpaid),
            dns_status: Some(DnsStatus::Open),
            created_time: "2025-01-01T00:00:00Z".into(),
            expired_time: String::new(),
            tags: vec![Tag {
                tag_key: "env".into(),
                tag_value: "dev".into(),
            }],
            delete_protect: true,
        };
        let v = view_attributes(&pc);
        assert_eq!(v["bandwidth_in_mbps"], Value::from(20i64));
        assert_eq!(v["description"], Value::Null);
        assert_eq!(v["expired_time"], Value::Null);
        assert_eq!(v["status"], Value::string("active"));
        assert_eq!(v["role"], Value::string("initiator"));
        assert_eq!(v["payment_timing"], Value::string("Postpaid"));
        assert_eq!(v["dns_sync"], Value::bool(true));
        assert_eq!(v["delete_protect"], Value::bool(true));
        assert_eq!(v["tags"], Value::map([("env", Value::string("dev"))]));
        let empty = view_attributes(&PeerConn::default());
        assert_eq!(empty["tags"], Value::map(Vec::<(String, Value)>::new()));
        assert_eq!(empty["status"], Value::Null);
    }

    #[test]
    fn client_errors_name_the_peering_the_request_and_the_attribute() {
        let scope = ErrorScope::peering("peerconn-abc123def456")
            .at(AttributePath::root().attr("bandwidth_in_mbps"));
        let d = client_error_diagnostic("Cannot resize", &api_error("Boom", 400), &scope);
        assert!(d.is_error());
        assert_eq!(d.summary, "Cannot resize");
        assert!(
            d.detail.contains("HTTP 400 Boom: something is off"),
            "{}",
            d.detail
        );
        assert!(
            d.detail.contains("attribute: bandwidth_in_mbps"),
            "{}",
            d.detail
        );
        assert!(d
            .detail
            .contains("peering connection: peerconn-abc123def456"));
        assert!(
            d.detail.contains("Baidu request id: req-42"),
            "{}",
            d.detail
        );
        assert_eq!(d.detail.matches("req-42").count(), 1, "{}", d.detail);
        assert_eq!(
            d.attribute,
            Some(AttributePath::root().attr("bandwidth_in_mbps"))
        );
        let denied = client_error_diagnostic("x", &api_error("AccessDenied", 403), &scope);
        assert!(denied.detail.contains("secret_key"), "{}", denied.detail);
        assert!(!denied.detail.contains("DEMOSK"));
    }

    #[test]
    fn wait_errors_report_the_last_status_and_the_timeout() {
        let deadline = Deadline::starting_now(Operation::Create, Duration::from_secs(2));
        let goal = WaitGoal {
            target: "become active",
            deadline: Some(deadline),
        };
        let scope = ErrorScope::peering("peerconn-abc123def456");
        let timed_out: WaitError<PeerConnStatus, ClientError> = WaitError::TimedOut {
            last: Some(PeerConnStatus::Creating),
            polls: 4,
        };
        let d = wait_error_diagnostic("Create failed", "The peering", &timed_out, goal, &scope);
        assert!(
            d.detail.contains("last seen status: creating"),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("timeouts { create"), "{}", d.detail);
        assert!(d.detail.contains("2s"), "{}", d.detail);
        let failed: WaitError<PeerConnStatus, ClientError> = WaitError::Failed {
            status: PeerConnStatus::Error,
        };
        let d = wait_error_diagnostic("Create failed", "The peering", &failed, goal, &scope);
        assert!(d.detail.contains("reached status error"), "{}", d.detail);
        let poll: WaitError<PeerConnStatus, ClientError> = WaitError::Poll {
            error: api_error("InternalError", 500),
            last: Some(PeerConnStatus::Updating),
        };
        let d = wait_error_diagnostic("x", "The peering", &poll, goal, &scope);
        assert!(d.detail.contains("last seen status: updating"));
        assert!(
            d.detail.contains("Baidu request id: req-42"),
            "{}",
            d.detail
        );
        assert_eq!(d.detail.matches("req-42").count(), 1, "{}", d.detail);
    }

    #[tokio::test]
    async fn limits_follow_the_context() {
        let deadline = Deadline::starting_now(Operation::Update, Duration::from_secs(60));
        let token = CancellationToken::new();
        let ctx = Context::new(Arc::new(()), token.clone(), Some(deadline), "t", "r");
        let opts = call_options_with_token(&ctx, "tok");
        assert_eq!(opts.client_token.as_deref(), Some("tok"));
        assert_eq!(opts.limits.deadline, Some(deadline.at));
        assert!(call_options(&ctx).client_token.is_none());
        token.cancel();
        assert!(wait_config(&ctx).limits.check().is_err());
    }

    #[test]
    fn peer_conn_ids() {
        assert!(is_peer_conn_id("peerconn-9td54fmx143e"));
        for bad in [
            "",
            "peerconn-",
            "vpc-123",
            "peerconn-ABC",
            "peerconn-a/b",
            "x peerconn-1",
        ] {
            assert!(!is_peer_conn_id(bad), "{bad}");
        }
    }

    #[test]
    fn import_ids_are_trimmed_or_refused_with_the_raw_id_quoted() {
        let mut diags = Diagnostics::new();
        let id = import_peer_conn_id(" peerconn-9td54fmx143e\n", &mut diags, |_| unreachable!());
        assert_eq!(id, Some("peerconn-9td54fmx143e"));
        assert!(diags.is_empty());
        let id = import_peer_conn_id("vpc-1\t", &mut diags, |quoted| format!("got {quoted}."));
        assert_eq!(id, None);
        assert_eq!(diags.len(), 1);
        let d = &diags.as_slice()[0];
        assert_eq!(d.summary, "Invalid import id");
        assert_eq!(d.detail, "got \"vpc-1\\t\".");
    }
}
