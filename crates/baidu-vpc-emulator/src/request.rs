//! Turning an HTTP request into one of the 13 peering operations: path and
//! flag routing, query parsing, typed access to JSON bodies.

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::error::ApiError;
use bce_auth::uri::decode_query;

/// The 13 operations of the peering API (names as GO-SDK calls them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Create,
    List,
    Get,
    Update,
    Accept,
    Reject,
    Delete,
    Resize,
    Renew,
    OpenDnsSync,
    CloseDnsSync,
    Refund,
    UpdateDeleteProtect,
    /// STS, not the peering API: temporary credentials of another account's role.
    AssumeRole,
}

impl Operation {
    pub const ALL: [Operation; 14] = [
        Operation::Create,
        Operation::List,
        Operation::Get,
        Operation::Update,
        Operation::Accept,
        Operation::Reject,
        Operation::Delete,
        Operation::Resize,
        Operation::Renew,
        Operation::OpenDnsSync,
        Operation::CloseDnsSync,
        Operation::Refund,
        Operation::UpdateDeleteProtect,
        Operation::AssumeRole,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::Create => "CreatePeerConn",
            Operation::List => "ListPeerConn",
            Operation::Get => "GetPeerConnDetail",
            Operation::Update => "UpdatePeerConn",
            Operation::Accept => "AcceptPeerConnApply",
            Operation::Reject => "RejectPeerConnApply",
            Operation::Delete => "DeletePeerConn",
            Operation::Resize => "ResizePeerConn",
            Operation::Renew => "RenewPeerConn",
            Operation::OpenDnsSync => "OpenPeerConnSyncDNS",
            Operation::CloseDnsSync => "ClosePeerConnSyncDNS",
            Operation::Refund => "RefundPeerConn",
            Operation::UpdateDeleteProtect => "UpdatePeerConnDeleteProtect",
            Operation::AssumeRole => "AssumeRole",
        }
    }

    /// Case-insensitive lookup by [`Operation::name`].
    pub fn from_name(s: &str) -> Option<Operation> {
        Operation::ALL
            .into_iter()
            .find(|op| op.name().eq_ignore_ascii_case(s))
    }

    /// Whether the operation changes state (and honours `clientToken`).
    pub fn is_mutating(self) -> bool {
        !matches!(self, Operation::List | Operation::Get)
    }
}

/// Query parameters, percent-decoded, in order of appearance.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses a raw query string. A key without `=` (`?accept`) gets the empty
    /// value, like `?accept=`. `+` is kept literally (BCE encodes space as `%20`).
    pub fn parse(raw: Option<&str>) -> Query {
        Query {
            pairs: decode_query(raw.unwrap_or("")),
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn has(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }
}

/// Flag parameters that select a PUT action on `/v1/peerconn/{id}`.
const PUT_FLAGS: [(&str, Operation); 7] = [
    ("accept", Operation::Accept),
    ("reject", Operation::Reject),
    ("resize", Operation::Resize),
    ("purchaseReserved", Operation::Renew),
    ("open", Operation::OpenDnsSync),
    ("close", Operation::CloseDnsSync),
    ("refund", Operation::Refund),
];

/// A routed API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub operation: Operation,
    pub peer_conn_id: Option<String>,
}

/// STS's path for `AssumeRole` (selected by the `assumeRole` flag).
pub const STS_CREDENTIAL_PATH: &str = "/v1/credential";

/// Whether the path belongs to the peering API (or STS) at all.
pub fn is_api_path(path: &str) -> bool {
    path == "/v1/peerconn" || path.starts_with("/v1/peerconn/") || path == STS_CREDENTIAL_PATH
}

/// Routes method + path + flags to an operation.
pub fn route(method: &str, path: &str, query: &Query) -> Result<Route, ApiError> {
    if path == STS_CREDENTIAL_PATH {
        return match method {
            "POST" if query.has("assumeRole") => Ok(Route {
                operation: Operation::AssumeRole,
                peer_conn_id: None,
            }),
            "POST" => Err(ApiError::invalid_http_request(
                "POST /v1/credential needs the assumeRole parameter.",
            )),
            _ => Err(ApiError::method_not_allowed(method, path)),
        };
    }
    let rest = path.strip_prefix("/v1/peerconn").unwrap_or("");
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    match (method, segments.as_slice()) {
        ("POST", []) => Ok(Route {
            operation: Operation::Create,
            peer_conn_id: None,
        }),
        ("GET", []) => Ok(Route {
            operation: Operation::List,
            peer_conn_id: None,
        }),
        (_, []) => Err(ApiError::method_not_allowed(method, path)),
        ("GET", [id]) => Ok(Route {
            operation: Operation::Get,
            peer_conn_id: Some(decode(id)),
        }),
        ("DELETE", [id]) => Ok(Route {
            operation: Operation::Delete,
            peer_conn_id: Some(decode(id)),
        }),
        ("PUT", [id]) => {
            let flags: Vec<Operation> = PUT_FLAGS
                .iter()
                .filter(|(flag, _)| query.has(flag))
                .map(|(_, op)| *op)
                .collect();
            let operation = match flags.as_slice() {
                [] => Operation::Update,
                [op] => *op,
                _ => {
                    return Err(ApiError::invalid_http_request(
                        "Only one action parameter (accept, reject, resize, purchaseReserved, \
                         open, close, refund) may be given.",
                    ))
                }
            };
            Ok(Route {
                operation,
                peer_conn_id: Some(decode(id)),
            })
        }
        (_, [_]) => Err(ApiError::method_not_allowed(method, path)),
        ("PUT", [id, "deleteProtect"]) => Ok(Route {
            operation: Operation::UpdateDeleteProtect,
            peer_conn_id: Some(decode(id)),
        }),
        (_, [_, "deleteProtect"]) => Err(ApiError::method_not_allowed(method, path)),
        _ => Err(ApiError::invalid_uri(format!(
            "Could not parse the specified URI {path}."
        ))),
    }
}

/// Parses a request body that must be a JSON object. An empty body is `{}`.
pub fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let v: Value = serde_json::from_slice(body).map_err(ApiError::malformed_json)?;
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::inappropriate_json(
            "the body must be a JSON object",
        )),
    }
}

/// Typed, Baidu-error-producing access to a JSON object's fields.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: &'a str,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Self { map, prefix: "" }
    }

    pub fn nested(map: &'a Map<String, Value>, prefix: &'a str) -> Self {
        Self { map, prefix }
    }

    fn name(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// A present, non-null field.
    pub fn value(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<String>, ApiError> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::inappropriate_json(format!(
                "{} must be a string",
                self.name(key)
            ))),
        }
    }

    pub fn req_str(&self, key: &str) -> Result<String, ApiError> {
        match self.opt_str(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::missing_parameter(&self.name(key))),
        }
    }

    pub fn opt_int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
                ApiError::inappropriate_json(format!("{} must be an integer", self.name(key)))
            }),
            Some(_) => Err(ApiError::inappropriate_json(format!(
                "{} must be an integer",
                self.name(key)
            ))),
        }
    }

    pub fn req_int(&self, key: &str) -> Result<i64, ApiError> {
        self.opt_int(key)?
            .ok_or_else(|| ApiError::missing_parameter(&self.name(key)))
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::inappropriate_json(format!(
                "{} must be a boolean",
                self.name(key)
            ))),
        }
    }

    pub fn opt_object(&self, key: &str) -> Result<Option<&'a Map<String, Value>>, ApiError> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(ApiError::inappropriate_json(format!(
                "{} must be an object",
                self.name(key)
            ))),
        }
    }

    pub fn opt_array(&self, key: &str) -> Result<Option<&'a Vec<Value>>, ApiError> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(ApiError::inappropriate_json(format!(
                "{} must be an array",
                self.name(key)
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(method: &str, path: &str, q: &str) -> Result<Route, ApiError> {
        route(method, path, &Query::parse(Some(q)))
    }

    #[test]
    fn routes_every_operation() {
        let id = Some("peerconn-x".to_string());
        assert_eq!(
            r("POST", "/v1/peerconn", "clientToken=t")
                .unwrap()
                .operation,
            Operation::Create
        );
        assert_eq!(
            r("GET", "/v1/peerconn", "vpcId=v").unwrap().operation,
            Operation::List
        );
        assert_eq!(
            r("GET", "/v1/peerconn/peerconn-x", "")
                .unwrap()
                .peer_conn_id,
            id
        );
        assert_eq!(
            r("PUT", "/v1/peerconn/peerconn-x", "clientToken=t")
                .unwrap()
                .operation,
            Operation::Update
        );
        for (q, op) in [
            ("accept", Operation::Accept),
            ("accept=", Operation::Accept),
            ("reject&clientToken=x", Operation::Reject),
            ("clientToken=x&resize", Operation::Resize),
            ("purchaseReserved=", Operation::Renew),
            ("open&role=initiator", Operation::OpenDnsSync),
            ("close=&role=acceptor", Operation::CloseDnsSync),
            ("refund", Operation::Refund),
        ] {
            assert_eq!(
                r("PUT", "/v1/peerconn/peerconn-x", q).unwrap().operation,
                op,
                "{q}"
            );
        }
        assert_eq!(
            r("DELETE", "/v1/peerconn/peerconn-x", "")
                .unwrap()
                .operation,
            Operation::Delete
        );
        assert_eq!(
            r("PUT", "/v1/peerconn/peerconn-x/deleteProtect", "")
                .unwrap()
                .operation,
            Operation::UpdateDeleteProtect
        );
        assert_eq!(
            r("PUT", "/v1/peerconn/x", "accept&reject")
                .unwrap_err()
                .code,
            "InvalidHTTPRequest"
        );
        assert_eq!(
            r("PATCH", "/v1/peerconn/x", "").unwrap_err().code,
            "MethodNotAllowed"
        );
        assert_eq!(
            r("GET", "/v1/peerconn/x/y", "").unwrap_err().code,
            "InvalidURI"
        );
    }

    #[test]
    fn parses_queries() {
        let q = Query::parse(Some("accept&clientToken=a%2Fb&x=1+2"));
        assert_eq!(q.get("accept"), Some(""));
        assert_eq!(q.get("clientToken"), Some("a/b"));
        assert_eq!(q.get("x"), Some("1+2"));
        assert!(!q.has("reject"));
        for name in Operation::ALL.map(Operation::name) {
            assert_eq!(
                Operation::from_name(&name.to_lowercase()).unwrap().name(),
                name
            );
        }
    }

    #[test]
    fn typed_fields() {
        assert!(json_object(b"").unwrap().is_empty());
        assert_eq!(json_object(b"{").unwrap_err().code, "MalformedJSON");
        assert_eq!(json_object(b"[1]").unwrap_err().code, "InappropriateJSON");
        let m = json_object(br#"{"a": "x", "n": 3, "f": 1.5, "b": true, "z": null}"#).unwrap();
        let f = Fields::new(&m);
        assert_eq!(f.req_str("a").unwrap(), "x");
        assert_eq!(f.req_int("n").unwrap(), 3);
        assert_eq!(f.req_int("f").unwrap_err().code, "InappropriateJSON");
        assert_eq!(f.req_str("z").unwrap_err().code, "MissingParameter");
        assert_eq!(f.req_str("n").unwrap_err().code, "InappropriateJSON");
        assert_eq!(f.opt_bool("b").unwrap(), Some(true));
    }
}
