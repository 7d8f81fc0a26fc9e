//! Client errors as diagnostics that name the attribute, the peering and
//! Baidu's request id (never a secret: client errors are built without
//! credentials, see `baidu_vpc::error`).

use baidu_vpc::{ClientError, WaitError};
use tfplugin5_framework::{Deadline, Interrupted};
use tfvalue::{AttributePath, Diagnostic, Diagnostics};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{call_options, call_options_with_token, wait_config};
    use baidu_vpc::error::{ApiError, Operation as ApiOperation};

    use baidu_vpc::PeerConnStatus;

    use std::sync::Arc;
    use std::time::Duration;
    use tfplugin5_framework::Context;
    use tfplugin5_framework::Operation;
    use tokio_util::sync::CancellationToken;

    fn api_error(code: &str, status: u16) -> ClientError {
        ClientError::Api(ApiError {
            retry_after: None,
            operation: ApiOperation::ResizePeerConn,
            resource_id: Some("peerconn-abc123def456".into()),
            status,
            code: code.into(),
            message: "something is off".into(),
            request_id: Some("req-42".into()),
            service_error: true,
        })
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
}
