//! Errors of the Baidu client: what the service said ([`ApiError`]) and everything
//! else that can go wrong around a call ([`ClientError`]).
//!
//! Every message names the operation, the object's id and the request id when they
//! are known, so a user can quote them to Baidu support. No message ever contains a
//! credential: errors are built only from the operation context, the response
//! status, the response body's `code`/`message`/`requestId` and transport errors
//! (whose text carries the URL, which holds no secret).

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

pub use crate::operation::Operation;

/// Which call an error belongs to: the operation and the object it targeted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpContext {
    pub operation: Operation,
    pub resource_id: Option<String>,
}

impl OpContext {
    pub fn new(operation: Operation, resource_id: Option<&str>) -> Self {
        Self {
            operation,
            resource_id: resource_id.map(str::to_owned),
        }
    }
}

impl fmt::Display for OpContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.resource_id {
            Some(id) => write!(f, "{} {id}", self.operation),
            None => write!(f, "{}", self.operation),
        }
    }
}

/// Renders ` (request id X)` or nothing.
struct RequestIdSuffix<'a>(&'a Option<String>);

impl fmt::Display for RequestIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " (request id {id})"),
            None => Ok(()),
        }
    }
}

/// Codes that mean "no such object": the codes Baidu's official provider
/// (baidubce/terraform-provider-baiducloud, `NotFoundError`) treats as not
/// found; exact match.
pub const NOT_FOUND_CODES: &[&str] = &[
    "NotFound",
    "NoSuchObject",
    "ResourceNotFoundException",
    "ResourceNotfound",
    "ResourceNotFound",
    "ResourceNotExist",
    "InstanceNotFound",
    "InstanceNotExist",
    "NoSuchNat",
    "EipNotFound",
    "BlbNotFound",
    "Cce.warning.ClusterNotExist",
];

/// Codes that mean "slow down". Baidu documents no throttling code for VPC;
/// these are the status-derived code and common BCE spellings.
pub const THROTTLE_CODES: &[&str] = &[
    "TooManyRequests",
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "RateLimitExceeded",
];

/// The signature's date is outside the server's window; a re-signed retry cures it.
pub const REQUEST_EXPIRED_CODE: &str = "RequestExpired";

/// An error answer of the Baidu API (HTTP status ≥ 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub operation: Operation,
    pub resource_id: Option<String>,
    /// HTTP status code.
    pub status: u16,
    /// Baidu error code (`code` of the body, or derived from the status as the Go
    /// SDK does when the body has none).
    pub code: String,
    pub message: String,
    /// `requestId` of the body, else the `x-bce-request-id` response header.
    pub request_id: Option<String>,
    /// The answer is the service's own error: a JSON object with a non-empty
    /// `code`, or an empty body with Baidu's `x-bce-request-id` header (Baidu's
    /// Go SDK reads that as `NotFound` on a 404, and so does the official
    /// provider). False for HTML or other bodies and for empty ones without
    /// the header (a proxy's page, a wrong endpoint path), whose `code` is
    /// only derived from the status.
    pub service_error: bool,
    /// The answer's `Retry-After` (in seconds), when it had one: how long the
    /// service asks a client to wait before trying again.
    pub retry_after: Option<std::time::Duration>,
}

impl ApiError {
    pub fn context(&self) -> OpContext {
        OpContext {
            operation: self.operation,
            resource_id: self.resource_id.clone(),
        }
    }

    /// The service's own error (see [`Self::service_error`]) with status 404 or a
    /// code in [`NOT_FOUND_CODES`]. A 404 without Baidu's JSON error body is not
    /// trusted: callers take "not found" to mean the peering is gone and drop it
    /// from Terraform's state, which a proxy's 404 page must never cause.
    pub fn is_not_found(&self) -> bool {
        self.service_error && (self.status == 404 || NOT_FOUND_CODES.contains(&self.code.as_str()))
    }

    /// 429 or a throttling code.
    pub fn is_throttled(&self) -> bool {
        self.status == 429 || THROTTLE_CODES.contains(&self.code.as_str())
    }

    /// Worth retrying with the same clientToken: 500/502/503/504, throttling,
    /// `RequestExpired` (cured by re-signing) and `InternalError`.
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 500 | 502 | 503 | 504)
            || self.is_throttled()
            || self.code == REQUEST_EXPIRED_CODE
            || self.code == "InternalError"
    }

    /// Builds the error from an HTTP error response. Never fails: an empty, HTML or
    /// otherwise non-JSON body yields a code derived from the status (and is not
    /// a [`Self::service_error`], except an empty body with Baidu's header).
    /// `header_request_id` is the server's `x-bce-request-id` header, never the
    /// id we sent. The body is never quoted beyond the JSON error's own `message`.
    pub fn from_response(
        context: &OpContext,
        status: u16,
        header_request_id: Option<&str>,
        body: &[u8],
    ) -> Self {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct ErrorBody {
            code: Option<String>,
            message: Option<String>,
            #[serde(rename = "requestId")]
            request_id: Option<String>,
        }
        // Only a JSON object is Baidu's shape (serde would read a struct from an array too).
        let parsed: Option<ErrorBody> =
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body)
                .ok()
                .and_then(|object| serde_json::from_value(object.into()).ok());
        let empty = body.iter().all(u8::is_ascii_whitespace);
        let non_json = parsed.is_none() && !empty;
        let is_json = parsed.is_some();
        let parsed = parsed.unwrap_or_default();
        let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let code = nonempty(parsed.code);
        let baidu_header = header_request_id.is_some_and(|id| !id.trim().is_empty());
        let service_error = code.is_some() || (empty && baidu_header);
        let reason = http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Unknown Status");
        let message = if status == 404 && !service_error {
            // Says why this 404 is an error rather than "not found".
            let what = if empty {
                "an empty body and no x-bce-request-id header".to_owned()
            } else if is_json {
                format!("a JSON body of {} bytes without an error code", body.len())
            } else {
                format!("a non-JSON body of {} bytes", body.len())
            };
            format!(
                "the endpoint answered 404 with {what}, not a Baidu API error, so it is not \
                 taken as \"not found\"; check the provider's endpoint"
            )
        } else {
            nonempty(parsed.message).unwrap_or_else(|| {
                if non_json {
                    format!("{reason} (non-JSON error body of {} bytes)", body.len())
                } else {
                    reason.to_owned()
                }
            })
        };
        Self {
            operation: context.operation,
            resource_id: context.resource_id.clone(),
            status,
            code: code.unwrap_or_else(|| code_from_status(status)),
            service_error,
            message,
            request_id: nonempty(parsed.request_id).or_else(|| {
                header_request_id
                    .map(str::to_owned)
                    .filter(|s| !s.is_empty())
            }),
            retry_after: None,
        }
    }
}

/// The Go SDK's code for an error answer without a body: fixed names for a few
/// statuses, else the reason phrase without spaces (`404 Not Found` → `NotFound`).
pub fn code_from_status(status: u16) -> String {
    match status {
        400 => "InvalidHTTPRequest".to_owned(),
        403 => "AccessDenied".to_owned(),
        412 => "PreconditionFailed".to_owned(),
        500 => "InternalError".to_owned(),
        _ => http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map(|r| r.split_whitespace().collect::<String>())
            .unwrap_or_else(|| format!("Http{status}")),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed: HTTP {} {}: {}{}",
            self.context(),
            self.status,
            self.code,
            self.message,
            RequestIdSuffix(&self.request_id)
        )
    }
}

impl std::error::Error for ApiError {}

/// Any failure of a client call.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The service answered with an error status.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Connecting, sending or receiving failed. The message includes the whole
    /// cause chain (e.g. "connection refused"), which is where the useful part is.
    #[error("{context} failed: cannot reach the Baidu API: {}", Chain(error))]
    Transport {
        context: OpContext,
        error: reqwest::Error,
    },
    /// No answer within the per-request timeout.
    #[error("{context} failed: no answer from the Baidu API within {timeout:?}")]
    Timeout {
        context: OpContext,
        timeout: Duration,
    },
    /// The caller cancelled (Terraform's Stop); `last_error` is the failure being
    /// retried when the cancellation came, if any.
    #[error("{context} cancelled{}", LastError(last_error))]
    Cancelled {
        context: OpContext,
        last_error: Option<Box<ClientError>>,
    },
    /// The caller's deadline passed before the call could succeed.
    #[error(
        "{context} did not complete before its deadline{}",
        LastError(last_error)
    )]
    DeadlineExceeded {
        context: OpContext,
        last_error: Option<Box<ClientError>>,
    },
    /// A success answer whose body is not what the operation returns.
    #[error(
        "{context} failed: unexpected answer from the Baidu API (HTTP {status}): {detail}{}",
        RequestIdSuffix(request_id)
    )]
    Decode {
        context: OpContext,
        status: u16,
        request_id: Option<String>,
        detail: String,
    },
    /// A success answer with an empty body where a body was expected. On a GET
    /// this is how the API has reported a missing peering (bce-sdk-go's tests
    /// and Baidu's official provider treat the resulting `EOF` as not found).
    #[error(
        "{context} failed: the Baidu API answered HTTP {status} with an empty body{}",
        RequestIdSuffix(request_id)
    )]
    EmptyBody {
        context: OpContext,
        status: u16,
        request_id: Option<String>,
    },
    /// The request could not be built (e.g. an argument that cannot be serialized).
    #[error("{context} failed: invalid request: {detail}")]
    InvalidRequest { context: OpContext, detail: String },
    /// The assumed role's credentials were about to expire and STS did not
    /// renew them (after its own retries, so this one is final).
    #[error("cannot renew the assumed role's credentials: {0}")]
    CredentialRenewal(Box<ClientError>),
}

/// An error and its sources, joined by ": ".
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(e) = source {
            write!(f, ": {e}")?;
            source = e.source();
        }
        Ok(())
    }
}

struct LastError<'a>(&'a Option<Box<ClientError>>);

impl fmt::Display for LastError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(e) => write!(f, " (last error: {e})"),
            None => Ok(()),
        }
    }
}

impl ClientError {
    pub fn context(&self) -> OpContext {
        match self {
            ClientError::Api(e) => e.context(),
            ClientError::Transport { context, .. }
            | ClientError::Timeout { context, .. }
            | ClientError::Cancelled { context, .. }
            | ClientError::DeadlineExceeded { context, .. }
            | ClientError::Decode { context, .. }
            | ClientError::EmptyBody { context, .. }
            | ClientError::InvalidRequest { context, .. } => context.clone(),
            ClientError::CredentialRenewal(e) => e.context(),
        }
    }

    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            ClientError::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The peering does not exist: an API not-found error, or an empty 200 on GET.
    pub fn is_not_found(&self) -> bool {
        match self {
            ClientError::Api(e) => e.is_not_found(),
            ClientError::EmptyBody {
                context, status, ..
            } => context.operation.reads_one_object() && (200..300).contains(status),
            _ => false,
        }
    }

    pub fn is_throttled(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_throttled)
    }

    /// A retry with the same clientToken may succeed: connection errors, timeouts
    /// and retryable API errors. Cancellation and deadlines are final.
    pub fn is_retryable(&self) -> bool {
        match self {
            ClientError::Api(e) => e.is_retryable(),
            ClientError::Transport { .. } | ClientError::Timeout { .. } => true,
            _ => false,
        }
    }

    /// The request id of the failed call, when known.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ClientError::Api(e) => e.request_id.as_deref(),
            ClientError::Decode { request_id, .. } | ClientError::EmptyBody { request_id, .. } => {
                request_id.as_deref()
            }
            ClientError::Cancelled { last_error, .. }
            | ClientError::DeadlineExceeded { last_error, .. } => {
                last_error.as_deref().and_then(ClientError::request_id)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(op: Operation) -> OpContext {
        OpContext::new(op, Some("peerconn-abc123def456"))
    }

    #[test]
    fn parses_json_error_body() {
        let body = br#"{"code":"NoSuchObject","message":"account not exist","requestId":"c4ab-1"}"#;
        let e = ApiError::from_response(&ctx(Operation::GetPeerConn), 404, Some("hdr-id"), body);
        assert_eq!(e.code, "NoSuchObject");
        assert_eq!(e.message, "account not exist");
        assert_eq!(e.request_id.as_deref(), Some("c4ab-1"));
        assert!(e.service_error);
        assert!(e.is_not_found() && !e.is_retryable() && !e.is_throttled());
        assert_eq!(
            e.to_string(),
            "GetPeerConn peerconn-abc123def456 failed: HTTP 404 NoSuchObject: account not exist (request id c4ab-1)"
        );
    }

    #[test]
    fn empty_and_html_bodies_derive_code_from_status() {
        // Empty, with Baidu's request-id header: the service's own 404.
        let e = ApiError::from_response(&ctx(Operation::DeletePeerConn), 404, Some("rid"), b"");
        assert_eq!(e.code, "NotFound");
        assert_eq!(e.message, "Not Found");
        assert_eq!(e.request_id.as_deref(), Some("rid"));
        assert!(e.service_error && e.is_not_found());
        // Empty without it: anyone's 404.
        let e = ApiError::from_response(&ctx(Operation::DeletePeerConn), 404, None, b"");
        assert!(!e.service_error);
        assert!(
            !e.is_not_found(),
            "an anonymous empty 404 is not Baidu's answer"
        );
        let e = ApiError::from_response(&ctx(Operation::DeletePeerConn), 404, Some(" "), b"");
        assert!(!e.is_not_found(), "a blank request id is no request id");

        let html = b"<html><body><h1>502 Bad Gateway</h1></body></html>";
        let e = ApiError::from_response(&ctx(Operation::CreatePeerConn), 502, None, html);
        assert_eq!(e.code, "BadGateway");
        assert!(e.message.contains("non-JSON"));
        assert!(e.is_retryable());
        assert!(e.request_id.is_none());

        let e = ApiError::from_response(
            &ctx(Operation::CreatePeerConn),
            429,
            None,
            b"\xff\xfe garbage",
        );
        assert_eq!(e.code, "TooManyRequests");
        assert!(e.is_throttled() && e.is_retryable());

        let e = ApiError::from_response(&ctx(Operation::CreatePeerConn), 500, None, b"   ");
        assert_eq!(e.code, "InternalError");
        assert_eq!(e.message, "Internal Server Error");
    }

    #[test]
    fn a_404_without_baidus_json_error_is_not_not_found() {
        let html = b"<html><body><h1>404 Not Found</h1><p>nginx</p></body></html>";
        let e = ApiError::from_response(&ctx(Operation::GetPeerConn), 404, None, html);
        assert!(!e.service_error && !e.is_not_found() && !e.is_retryable());
        assert_eq!(
            e.to_string(),
            format!(
                "GetPeerConn peerconn-abc123def456 failed: HTTP 404 NotFound: the endpoint \
                 answered 404 with a non-JSON body of {} bytes, not a Baidu API error, so it is \
                 not taken as \"not found\"; check the provider's endpoint",
                html.len()
            )
        );
        assert!(!e.to_string().contains("nginx"), "the page is never quoted");
        let delete = ClientError::Api(ApiError::from_response(
            &ctx(Operation::DeletePeerConn),
            404,
            None,
            html,
        ));
        assert!(!delete.is_not_found());

        // JSON, but not Baidu's error object: no code, an empty code, an array.
        for body in [
            &br#"{"message":"no Route matched with those values"}"#[..],
            br#"{"code":"  ","message":"m"}"#,
            br#"["NoSuchObject"]"#,
        ] {
            let e = ApiError::from_response(&ctx(Operation::GetPeerConn), 404, None, body);
            assert!(!e.service_error && !e.is_not_found(), "{e}");
            assert_eq!(e.code, "NotFound");
            assert!(e.message.contains("not a Baidu API error"), "{e}");
        }
        let e = ApiError::from_response(&ctx(Operation::GetPeerConn), 404, None, b"{}");
        assert!(e
            .message
            .contains("a JSON body of 2 bytes without an error code"));
        let e = ApiError::from_response(&ctx(Operation::GetPeerConn), 404, None, b" ");
        assert!(
            e.message
                .contains("with an empty body and no x-bce-request-id header"),
            "{e}"
        );

        // The same 404 with Baidu's JSON error is the service saying it is gone.
        let e = ApiError::from_response(
            &ctx(Operation::GetPeerConn),
            404,
            None,
            b"{\"code\":\"NoSuchObject\"}",
        );
        assert!(e.service_error && e.is_not_found());
    }

    #[test]
    fn partial_json_body_fills_gaps() {
        let e = ApiError::from_response(
            &ctx(Operation::ResizePeerConn),
            400,
            Some("hdr"),
            br#"{"code":"RequestExpired","requestId":""}"#,
        );
        assert_eq!(e.code, "RequestExpired");
        assert_eq!(e.message, "Bad Request");
        assert_eq!(e.request_id.as_deref(), Some("hdr"));
        assert!(e.is_retryable());
        let e = ApiError::from_response(&ctx(Operation::ResizePeerConn), 400, None, b"[1,2]");
        assert_eq!(e.code, "InvalidHTTPRequest");
        assert!(!e.is_retryable());
    }

    #[test]
    fn code_from_status_matches_go_sdk() {
        assert_eq!(code_from_status(400), "InvalidHTTPRequest");
        assert_eq!(code_from_status(403), "AccessDenied");
        assert_eq!(code_from_status(404), "NotFound");
        assert_eq!(code_from_status(409), "Conflict");
        assert_eq!(code_from_status(412), "PreconditionFailed");
        assert_eq!(code_from_status(429), "TooManyRequests");
        assert_eq!(code_from_status(503), "ServiceUnavailable");
        assert_eq!(code_from_status(599), "Http599");
    }

    #[test]
    fn retryable_statuses() {
        for (status, retry) in [
            (500, true),
            (502, true),
            (503, true),
            (504, true),
            (429, true),
            (501, false),
            (400, false),
            (403, false),
            (404, false),
            (409, false),
        ] {
            let e = ApiError::from_response(&ctx(Operation::CreatePeerConn), status, None, b"");
            assert_eq!(e.is_retryable(), retry, "status {status}");
        }
    }

    #[test]
    fn not_found_detection() {
        for code in [
            "NoSuchObject",
            "ResourceNotFound",
            "NotFound",
            "InstanceNotExist",
        ] {
            let body = format!(r#"{{"code":"{code}","message":"m","requestId":"r"}}"#);
            let e =
                ApiError::from_response(&ctx(Operation::GetPeerConn), 400, None, body.as_bytes());
            assert!(e.is_not_found(), "{code}");
        }
        let e = ApiError::from_response(
            &ctx(Operation::GetPeerConn),
            400,
            None,
            br#"{"code":"InvalidParameter","message":"m","requestId":"r"}"#,
        );
        assert!(!e.is_not_found());

        let empty_get = ClientError::EmptyBody {
            context: ctx(Operation::GetPeerConn),
            status: 200,
            request_id: Some("r".into()),
        };
        assert!(empty_get.is_not_found());
        assert_eq!(empty_get.request_id(), Some("r"));
        let empty_create = ClientError::EmptyBody {
            context: ctx(Operation::CreatePeerConn),
            status: 200,
            request_id: None,
        };
        assert!(!empty_create.is_not_found());
        let decode = ClientError::Decode {
            context: ctx(Operation::GetPeerConn),
            status: 200,
            request_id: None,
            detail: "x".into(),
        };
        assert!(!decode.is_not_found() && !decode.is_retryable());
    }

    #[test]
    fn wrapped_errors_name_operation_and_request() {
        let inner = ClientError::Api(ApiError::from_response(
            &ctx(Operation::AcceptPeerConn),
            503,
            Some("rid-9"),
            b"",
        ));
        let e = ClientError::DeadlineExceeded {
            context: ctx(Operation::AcceptPeerConn),
            last_error: Some(Box::new(inner)),
        };
        let text = e.to_string();
        assert!(text.starts_with("AcceptPeerConn peerconn-abc123def456 did not complete"));
        assert!(text.contains("HTTP 503 ServiceUnavailable"));
        assert!(text.contains("rid-9"));
        assert_eq!(e.request_id(), Some("rid-9"));
        assert!(!e.is_retryable());
        let c = ClientError::Cancelled {
            context: OpContext::new(Operation::ListPeerConns, None),
            last_error: None,
        };
        assert_eq!(c.to_string(), "ListPeerConns cancelled");
    }
}
