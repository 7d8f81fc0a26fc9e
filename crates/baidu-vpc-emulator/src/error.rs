//! Errors: the Baidu-style API errors the emulator answers with, and the
//! library errors of setting an emulator up.
//!
//! Every API error is rendered as Baidu does it: a JSON body
//! `{"code","message","requestId"}` plus the `x-bce-request-id` header, with
//! the HTTP status of the code. The codes are listed (with their status and
//! whether Baidu documents them) in `docs/guides/emulator.md`.

use std::path::PathBuf;

use http::StatusCode;

/// An error answered to an API client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} ({status}): {message}")]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// Baidu error code (`code` field of the body).
    pub code: String,
    /// Human-readable message (`message` field).
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    // --- BCE common codes (documented by Baidu, "BCE公共错误码") ---

    pub fn invalid_auth_header(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_HTTP_AUTH_HEADER,
            message,
        )
    }

    pub fn invalid_access_key() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            codes::INVALID_ACCESS_KEY_ID,
            "The Access Key ID you provided does not exist in our records.",
        )
    }

    pub fn signature_mismatch() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::SIGNATURE_DOES_NOT_MATCH,
            "The request signature we calculated does not match the signature you provided. \
             Check your Secret Access Key and signing method.",
        )
    }

    pub fn request_expired(timestamp: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::REQUEST_EXPIRED,
            format!("Request has expired. Timestamp date is {timestamp}."),
        )
    }

    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, codes::ACCESS_DENIED, message)
    }

    pub fn malformed_json(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::MALFORMED_JSON,
            format!("The JSON you provided was not well-formed: {detail}"),
        )
    }

    pub fn inappropriate_json(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::INAPPROPRIATE_JSON,
            format!(
                "The JSON you provided was well-formed and valid, but not appropriate for this \
                 operation: {detail}"
            ),
        )
    }

    pub fn invalid_uri(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::INVALID_URI, message)
    }

    pub fn invalid_http_request(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_HTTP_REQUEST,
            message,
        )
    }

    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            codes::METHOD_NOT_ALLOWED,
            format!("The method {method} is not allowed on {path}."),
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL_ERROR,
            message,
        )
    }

    pub fn idempotent_mismatch() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            codes::IDEMPOTENT_PARAMETER_MISMATCH,
            "The request uses the same client token as a previous, but non-identical request.",
        )
    }

    pub fn no_such_peerconn(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            codes::NO_SUCH_OBJECT,
            format!("The peer connection {id} does not exist."),
        )
    }

    // --- parameter validation (chosen codes) ---

    pub fn missing_parameter(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::MISSING_PARAMETER,
            format!("The required parameter {name} is missing."),
        )
    }

    pub fn invalid_value(name: &str, why: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_PARAMETER_VALUE,
            format!("The value of parameter {name} is invalid: {why}"),
        )
    }

    // --- peer connection rules (chosen codes) ---

    pub fn vpc_not_found(vpc_id: &str, detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            codes::VPC_NOT_FOUND,
            format!("The VPC {vpc_id} does not exist{detail}."),
        )
    }

    /// A broken peering rule: its code and the status that code always has.
    pub fn rule(code: RuleCode, message: impl Into<String>) -> Self {
        Self::new(code.status(), code.as_str(), message)
    }
}

/// The peering rules' error codes (chosen by the emulator: Baidu's
/// VPC-specific table is not public), each with the one HTTP status it is
/// answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleCode {
    SameVpc,
    AlreadyExists,
    RelayVpcPeering,
    SameRegionPrepaid,
    PrepaidBandwidthDecrease,
    PostpaidRenew,
    PostpaidRefund,
    InitiatorOnly,
    AcceptorOnly,
    PrepaidNotExpired,
    DeleteProtected,
    InvalidStatus,
    InvalidDnsStatus,
    VpcQuotaExceeded,
    AccountQuotaExceeded,
}

impl RuleCode {
    /// Every rule code, for tables and tests.
    pub const ALL: [RuleCode; 15] = [
        RuleCode::SameVpc,
        RuleCode::AlreadyExists,
        RuleCode::RelayVpcPeering,
        RuleCode::SameRegionPrepaid,
        RuleCode::PrepaidBandwidthDecrease,
        RuleCode::PostpaidRenew,
        RuleCode::PostpaidRefund,
        RuleCode::InitiatorOnly,
        RuleCode::AcceptorOnly,
        RuleCode::PrepaidNotExpired,
        RuleCode::DeleteProtected,
        RuleCode::InvalidStatus,
        RuleCode::InvalidDnsStatus,
        RuleCode::VpcQuotaExceeded,
        RuleCode::AccountQuotaExceeded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleCode::SameVpc => codes::SAME_VPC,
            RuleCode::AlreadyExists => codes::ALREADY_EXISTS,
            RuleCode::RelayVpcPeering => codes::RELAY_VPC_PEERING,
            RuleCode::SameRegionPrepaid => codes::SAME_REGION_PREPAID,
            RuleCode::PrepaidBandwidthDecrease => codes::PREPAID_BANDWIDTH_DECREASE,
            RuleCode::PostpaidRenew => codes::POSTPAID_RENEW,
            RuleCode::PostpaidRefund => codes::POSTPAID_REFUND,
            RuleCode::InitiatorOnly => codes::INITIATOR_ONLY,
            RuleCode::AcceptorOnly => codes::ACCEPTOR_ONLY,
            RuleCode::PrepaidNotExpired => codes::PREPAID_NOT_EXPIRED,
            RuleCode::DeleteProtected => codes::DELETE_PROTECTED,
            RuleCode::InvalidStatus => codes::INVALID_STATUS,
            RuleCode::InvalidDnsStatus => codes::INVALID_DNS_STATUS,
            RuleCode::VpcQuotaExceeded => codes::VPC_QUOTA_EXCEEDED,
            RuleCode::AccountQuotaExceeded => codes::ACCOUNT_QUOTA_EXCEEDED,
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            RuleCode::SameVpc => StatusCode::BAD_REQUEST,
            RuleCode::AlreadyExists => StatusCode::CONFLICT,
            RuleCode::RelayVpcPeering => StatusCode::BAD_REQUEST,
            RuleCode::SameRegionPrepaid => StatusCode::BAD_REQUEST,
            RuleCode::PrepaidBandwidthDecrease => StatusCode::BAD_REQUEST,
            RuleCode::PostpaidRenew => StatusCode::BAD_REQUEST,
            RuleCode::PostpaidRefund => StatusCode::BAD_REQUEST,
            RuleCode::InitiatorOnly => StatusCode::FORBIDDEN,
            RuleCode::AcceptorOnly => StatusCode::FORBIDDEN,
            RuleCode::PrepaidNotExpired => StatusCode::CONFLICT,
            RuleCode::DeleteProtected => StatusCode::CONFLICT,
            RuleCode::InvalidStatus => StatusCode::CONFLICT,
            RuleCode::InvalidDnsStatus => StatusCode::CONFLICT,
            RuleCode::VpcQuotaExceeded => StatusCode::BAD_REQUEST,
            RuleCode::AccountQuotaExceeded => StatusCode::BAD_REQUEST,
        }
    }
}

/// Every error code the emulator produces (fault injection may add others).
pub mod codes {
    // BCE common error codes (documented by Baidu).
    pub const ACCESS_DENIED: &str = "AccessDenied";
    pub const INAPPROPRIATE_JSON: &str = "InappropriateJSON";
    pub const INTERNAL_ERROR: &str = "InternalError";
    pub const INVALID_ACCESS_KEY_ID: &str = "InvalidAccessKeyId";
    pub const INVALID_HTTP_AUTH_HEADER: &str = "InvalidHTTPAuthHeader";
    pub const INVALID_HTTP_REQUEST: &str = "InvalidHTTPRequest";
    pub const INVALID_URI: &str = "InvalidURI";
    pub const MALFORMED_JSON: &str = "MalformedJSON";
    pub const REQUEST_EXPIRED: &str = "RequestExpired";
    pub const SIGNATURE_DOES_NOT_MATCH: &str = "SignatureDoesNotMatch";
    pub const IDEMPOTENT_PARAMETER_MISMATCH: &str = "IdempotentParameterMismatch";
    pub const NO_SUCH_OBJECT: &str = "NoSuchObject";
    // Chosen by the emulator (Baidu's VPC-specific table is not public).
    pub const METHOD_NOT_ALLOWED: &str = "MethodNotAllowed";
    pub const MISSING_PARAMETER: &str = "MissingParameter";
    pub const INVALID_PARAMETER_VALUE: &str = "InvalidParameterValue";
    pub const VPC_NOT_FOUND: &str = "Vpc.VpcNotFound";
    pub const SAME_VPC: &str = "PeerConn.SameVpc";
    pub const ALREADY_EXISTS: &str = "PeerConn.AlreadyExists";
    pub const RELAY_VPC_PEERING: &str = "PeerConn.RelayVpcPeering";
    pub const SAME_REGION_PREPAID: &str = "PeerConn.SameRegionPrepaidNotSupported";
    pub const PREPAID_BANDWIDTH_DECREASE: &str = "PeerConn.PrepaidBandwidthDecrease";
    pub const POSTPAID_RENEW: &str = "PeerConn.PostpaidRenewNotSupported";
    pub const POSTPAID_REFUND: &str = "PeerConn.PostpaidRefundNotSupported";
    pub const INITIATOR_ONLY: &str = "PeerConn.InitiatorOnly";
    pub const ACCEPTOR_ONLY: &str = "PeerConn.AcceptorOnly";
    pub const PREPAID_NOT_EXPIRED: &str = "PeerConn.PrepaidNotExpired";
    pub const DELETE_PROTECTED: &str = "PeerConn.DeleteProtected";
    pub const INVALID_STATUS: &str = "PeerConn.InvalidStatus";
    pub const INVALID_DNS_STATUS: &str = "PeerConn.InvalidDnsStatus";
    pub const VPC_QUOTA_EXCEEDED: &str = "PeerConn.VpcQuotaExceeded";
    pub const ACCOUNT_QUOTA_EXCEEDED: &str = "PeerConn.AccountQuotaExceeded";
}

/// Errors of building or starting an emulator (not API answers).
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("cannot read config file {path}: {source}")]
    ConfigRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot parse config file {path}: {message}")]
    ConfigParse { path: PathBuf, message: String },
    #[error("invalid configuration: {0}")]
    ConfigInvalid(String),
    #[error("cannot read state file {path}: {source}")]
    StateRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot parse state file {path}: {source}")]
    StateParse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot write state file {path}: {source}")]
    StateWrite {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The emulator guide's table of error codes gives every rule code the
    /// status the emulator answers it with.
    #[test]
    fn the_guide_lists_every_rule_code_with_its_status() {
        let guide =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/guides/emulator.md");
        let text = std::fs::read_to_string(&guide).expect("docs/guides/emulator.md");
        for code in RuleCode::ALL {
            let row = format!("| `{}` | {} |", code.as_str(), code.status().as_u16());
            assert!(
                text.contains(&row),
                "{} lacks the row {row}",
                guide.display()
            );
        }
    }
}
