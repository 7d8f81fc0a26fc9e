//! The `bce-auth-v1` request signature, for signing (client) and verifying (emulator).
//!
//! ```text
//! authorization    = bce-auth-v1/{ak}/{timestamp}/{expiration}/{signedHeaders}/{signature}
//! signingKey       = hex(HMAC-SHA256(sk, "bce-auth-v1/{ak}/{timestamp}/{expiration}"))
//! canonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders
//! signature        = hex(HMAC-SHA256(ascii(signingKey), canonicalRequest))
//! ```
//!
//! Everything here is a pure function of its inputs (no clock, no I/O), so a server
//! can recompute the signature of a request it received: parse the header with
//! [`parse_authorization`], then call [`ParsedAuthorization::verify`] with the
//! decoded path, the decoded query pairs and the received headers.
//!
//! A server-side check, in outline:
//!
//! ```text
//! let parsed  = signer::parse_authorization(authorization_header)?;      // -> InvalidHTTPAuthHeader
//! let secret  = secret_key_of(&parsed.access_key)?;                      // -> InvalidAccessKeyId
//! let path    = uri::decode_path(request_uri.path());
//! let query   = uri::decode_query(request_uri.query().unwrap_or(""));   // `?accept` == `?accept=`
//! let headers = every received header as (name, value) strings, Host included;
//! parsed.verify(&secret, &RequestToSign { method, path: &path, query: &query, headers: &headers })?;
//! // -> SignatureDoesNotMatch; freshness is policy: compare parsed.timestamp /
//! //    parsed.expires_at() with the server clock (-> RequestExpired)
//! ```
//!
//! An empty signedHeaders field means the default set (Python SDK); a non-empty
//! one means exactly the listed headers (Go SDK, this client).

use std::collections::BTreeSet;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::credentials::{Credentials, SecretString};
use crate::uri::{uri_encode, uri_encode_path};

/// The auth scheme name, first field of the header.
pub const AUTH_VERSION: &str = "bce-auth-v1";
/// Validity of a signature when the caller doesn't choose one (BCE default).
pub const DEFAULT_EXPIRATION_SECS: u32 = 1800;
/// Headers signed besides every `x-bce-*` one, when no explicit list is given.
pub const DEFAULT_HEADERS_TO_SIGN: [&str; 4] =
    ["host", "content-length", "content-type", "content-md5"];
/// Prefix of BCE's own headers, all of which are signed by default.
pub const BCE_HEADER_PREFIX: &str = "x-bce-";
pub const DATE_HEADER: &str = "x-bce-date";
pub const REQUEST_ID_HEADER: &str = "x-bce-request-id";
pub const SECURITY_TOKEN_HEADER: &str = "x-bce-security-token";

type HmacSha256 = Hmac<Sha256>;

/// The parts of an HTTP request that enter the signature.
///
/// `path` and the query pairs are **decoded** (the signer encodes them itself); a
/// verifier gets them from the wire with [`crate::uri::decode_path`] and
/// [`crate::uri::decode_query`]. A flag parameter such as `?accept` is `("accept", "")`.
/// Header names may be in any case.
#[derive(Debug, Clone, Copy)]
pub struct RequestToSign<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub headers: &'a [(String, String)],
}

/// Which headers enter the canonical headers, and what the signedHeaders field says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderSelection {
    /// `host`, `content-length`, `content-type`, `content-md5` and every `x-bce-*`
    /// header; the signedHeaders field is left **empty** (what the Python SDK and the
    /// doc example do, and what a server assumes when the field is empty).
    Default,
    /// The same set minus `x-bce-request-id`, with the names actually signed written
    /// into the field, sorted (what the Go SDK does; this client's choice, so a
    /// verifier knows exactly what was signed and a request id may be rewritten by a
    /// proxy without breaking the signature).
    Listed,
    /// Exactly these headers (compared lowercase), written into the field as given.
    /// A verifier uses this for a non-empty signedHeaders field.
    Explicit(Vec<String>),
}

/// When and for how long a signature is valid, and what it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningParams {
    pub timestamp: OffsetDateTime,
    pub expiration_secs: u32,
    pub selection: HeaderSelection,
}

impl SigningParams {
    /// Default expiry and the [`HeaderSelection::Listed`] selection this client uses.
    pub fn new(timestamp: OffsetDateTime) -> Self {
        Self {
            timestamp,
            expiration_secs: DEFAULT_EXPIRATION_SECS,
            selection: HeaderSelection::Listed,
        }
    }
}

/// The string that is signed, and the names for the signedHeaders field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    pub text: String,
    /// Names for the signedHeaders field; empty for [`HeaderSelection::Default`].
    pub signed_headers_field: Vec<String>,
}

/// Formats a time as BCE's `YYYY-MM-DDThh:mm:ssZ` (UTC, seconds precision).
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses exactly the `YYYY-MM-DDThh:mm:ssZ` form (as in `x-bce-date` and the header).
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let t = PrimitiveDateTime::parse(s, format).ok()?.assume_utc();
    // Strictness: only the canonical spelling, so re-formatting reproduces the input
    // byte for byte (the prefix is signed as text).
    (format_timestamp(t) == s).then_some(t)
}

/// `bce-auth-v1/{ak}/{timestamp}/{expiration}`.
pub fn auth_string_prefix(
    access_key: &str,
    timestamp: OffsetDateTime,
    expiration_secs: u32,
) -> String {
    format!(
        "{AUTH_VERSION}/{access_key}/{}/{expiration_secs}",
        format_timestamp(timestamp)
    )
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length: `new_from_slice` cannot fail for Hmac<Sha256>.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac
}

fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    hex::encode(hmac_sha256(key, message).finalize().into_bytes())
}

/// `hex(HMAC-SHA256(secret_key, auth_string_prefix))`.
pub fn signing_key(secret_key: &SecretString, auth_string_prefix: &str) -> String {
    hmac_sha256_hex(
        secret_key.expose_secret().as_bytes(),
        auth_string_prefix.as_bytes(),
    )
}

/// Canonical URI: the path encoded with `/` kept; an empty path is `/`.
pub fn canonical_uri(path: &str) -> String {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    format!("/{}", uri_encode_path(trimmed))
}

/// Canonical query string: every pair except `authorization` as `enc(k)=enc(v)`,
/// the whole `k=v` strings sorted byte-wise, joined with `&`.
pub fn canonical_query_string(query: &[(String, String)]) -> String {
    let mut parts: Vec<String> = query
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("authorization"))
        .map(|(k, v)| format!("{}={}", uri_encode(k), uri_encode(v)))
        .collect();
    parts.sort_unstable();
    parts.join("&")
}

fn is_default_signed(name: &str) -> bool {
    DEFAULT_HEADERS_TO_SIGN.contains(&name) || name.starts_with(BCE_HEADER_PREFIX)
}

/// Canonical headers (`enc(name):enc(trimmed value)` lines, sorted, joined by `\n`)
/// and the names for the signedHeaders field. Empty values are never signed, nor is
/// `authorization`.
pub fn canonical_headers(
    headers: &[(String, String)],
    selection: &HeaderSelection,
) -> (String, Vec<String>) {
    let explicit: Option<BTreeSet<String>> = match selection {
        HeaderSelection::Explicit(names) => Some(
            names
                .iter()
                .map(|n| n.trim().to_ascii_lowercase())
                .collect(),
        ),
        _ => None,
    };
    let mut lines = Vec::new();
    let mut names = BTreeSet::new();
    for (name, value) in headers {
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
        if value.is_empty() || name == "authorization" {
            continue;
        }
        let selected = match (selection, &explicit) {
            (HeaderSelection::Default, _) => is_default_signed(&name),
            (HeaderSelection::Listed, _) => is_default_signed(&name) && name != REQUEST_ID_HEADER,
            (HeaderSelection::Explicit(_), Some(set)) => set.contains(&name),
            (HeaderSelection::Explicit(_), None) => false,
        };
        if selected {
            lines.push(format!("{}:{}", uri_encode(&name), uri_encode(value)));
            names.insert(name);
        }
    }
    lines.sort_unstable();
    let field = match selection {
        HeaderSelection::Default => Vec::new(),
        HeaderSelection::Listed => names.into_iter().collect(),
        HeaderSelection::Explicit(given) => given.clone(),
    };
    (lines.join("\n"), field)
}

/// `METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders`.
pub fn canonical_request(req: &RequestToSign<'_>, selection: &HeaderSelection) -> CanonicalRequest {
    let (headers, signed_headers_field) = canonical_headers(req.headers, selection);
    let text = format!(
        "{}\n{}\n{}\n{}",
        req.method.to_ascii_uppercase(),
        canonical_uri(req.path),
        canonical_query_string(req.query),
        headers
    );
    CanonicalRequest {
        text,
        signed_headers_field,
    }
}

/// The full `Authorization` header value for a request.
pub fn authorization(
    credentials: &Credentials,
    req: &RequestToSign<'_>,
    params: &SigningParams,
) -> String {
    let prefix = auth_string_prefix(
        &credentials.access_key,
        params.timestamp,
        params.expiration_secs,
    );
    let key = signing_key(&credentials.secret_key, &prefix);
    let canonical = canonical_request(req, &params.selection);
    let signature = hmac_sha256_hex(key.as_bytes(), canonical.text.as_bytes());
    format!(
        "{prefix}/{}/{signature}",
        canonical.signed_headers_field.join(";")
    )
}

/// An incoming `Authorization` header, split into its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    pub access_key: String,
    pub timestamp: OffsetDateTime,
    pub expiration_secs: u32,
    /// The signedHeaders field split on `;`; empty means the default set.
    pub signed_headers: Vec<String>,
    /// 64 lowercase hex characters.
    pub signature: String,
}

/// Why an `Authorization` header could not be parsed (maps to `InvalidHTTPAuthHeader`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationParseError {
    #[error("authorization header is not bce-auth-v1")]
    UnsupportedVersion,
    #[error("authorization header must have 6 '/'-separated fields, found {0}")]
    FieldCount(usize),
    #[error("authorization header has an empty access key")]
    EmptyAccessKey,
    #[error("authorization header timestamp is not YYYY-MM-DDThh:mm:ssZ")]
    Timestamp,
    #[error("authorization header expiration is not a positive integer")]
    Expiration,
    #[error("authorization header signature is not 64 hex characters")]
    Signature,
}

/// The recomputed signature differs from the one presented (`SignatureDoesNotMatch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the request signature does not match")]
pub struct SignatureMismatch;

/// Parses `bce-auth-v1/{ak}/{timestamp}/{expiration}/{signedHeaders}/{signature}`.
pub fn parse_authorization(header: &str) -> Result<ParsedAuthorization, AuthorizationParseError> {
    let fields: Vec<&str> = header.trim().split('/').collect();
    if fields.first().copied() != Some(AUTH_VERSION) {
        return Err(AuthorizationParseError::UnsupportedVersion);
    }
    let [_, access_key, timestamp, expiration, signed_headers, signature] = fields[..] else {
        return Err(AuthorizationParseError::FieldCount(fields.len()));
    };
    if access_key.is_empty() {
        return Err(AuthorizationParseError::EmptyAccessKey);
    }
    let timestamp = parse_timestamp(timestamp).ok_or(AuthorizationParseError::Timestamp)?;
    let expiration_secs = expiration
        .parse::<u32>()
        .ok()
        .filter(|e| *e > 0 && expiration.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(AuthorizationParseError::Expiration)?;
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AuthorizationParseError::Signature);
    }
    let signed_headers = signed_headers
        .split(';')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    Ok(ParsedAuthorization {
        access_key: access_key.to_owned(),
        timestamp,
        expiration_secs,
        signed_headers,
        signature: signature.to_ascii_lowercase(),
    })
}

impl ParsedAuthorization {
    /// The header selection this authorization claims to have signed.
    pub fn selection(&self) -> HeaderSelection {
        if self.signed_headers.is_empty() {
            HeaderSelection::Default
        } else {
            HeaderSelection::Explicit(self.signed_headers.clone())
        }
    }

    /// The instant after which the signature is no longer valid.
    pub fn expires_at(&self) -> OffsetDateTime {
        self.timestamp + Duration::seconds(i64::from(self.expiration_secs))
    }

    /// The canonical request a signer should have produced for `req` (for diagnostics;
    /// it may contain header values such as a session token, so don't log it blindly).
    pub fn canonical_request(&self, req: &RequestToSign<'_>) -> CanonicalRequest {
        canonical_request(req, &self.selection())
    }

    /// Recomputes the signature of `req` with `secret_key` and compares it in
    /// constant time. Freshness (timestamp vs. server clock) is the caller's policy.
    pub fn verify(
        &self,
        secret_key: &SecretString,
        req: &RequestToSign<'_>,
    ) -> Result<(), SignatureMismatch> {
        let prefix = auth_string_prefix(&self.access_key, self.timestamp, self.expiration_secs);
        let key = signing_key(secret_key, &prefix);
        let canonical = self.canonical_request(req);
        let presented = hex::decode(&self.signature).map_err(|_| SignatureMismatch)?;
        hmac_sha256(key.as_bytes(), canonical.text.as_bytes())
            .verify_slice(&presented)
            .map_err(|_| SignatureMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn timestamp_roundtrip_and_strictness() {
        let t = datetime!(2015-04-27 08:23:49 UTC);
        assert_eq!(format_timestamp(t), "2015-04-27T08:23:49Z");
        assert_eq!(parse_timestamp("2015-04-27T08:23:49Z"), Some(t));
        assert_eq!(parse_timestamp("2015-04-27T08:23:49"), None);
        assert_eq!(parse_timestamp("2015-4-27T08:23:49Z"), None);
        assert_eq!(parse_timestamp("2015-04-27 08:23:49Z"), None);
        let shifted = datetime!(2015-04-27 16:23:49 +8);
        assert_eq!(format_timestamp(shifted), "2015-04-27T08:23:49Z");
    }

    #[test]
    fn doc_query_example_sorts_whole_strings() {
        let q = pairs(&[("text", ""), ("text1", "测试"), ("text10", "test")]);
        assert_eq!(
            canonical_query_string(&q),
            "text10=test&text1=%E6%B5%8B%E8%AF%95&text="
        );
        let q = pairs(&[("A", "A"), ("B", ""), ("C", "")]);
        assert_eq!(canonical_query_string(&q), "A=A&B=&C=");
        let q = pairs(&[("authorization", "x"), ("Authorization", "y"), ("a", "/")]);
        assert_eq!(canonical_query_string(&q), "a=%2F");
    }

    #[test]
    fn canonical_uri_rules() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(
            canonical_uri("/example/测试"),
            "/example/%E6%B5%8B%E8%AF%95"
        );
        assert_eq!(
            canonical_uri("/v1/peerconn/peerconn-9td54fmx143e"),
            "/v1/peerconn/peerconn-9td54fmx143e"
        );
    }

    #[test]
    fn header_canonicalization_js_cases() {
        let h = pairs(&[("Host", "localhost"), ("x-bce-a", "a/b:c"), ("C", "")]);
        let (text, field) = canonical_headers(&h, &HeaderSelection::Listed);
        assert_eq!(text, "host:localhost\nx-bce-a:a%2Fb%3Ac");
        assert_eq!(field, vec!["host", "x-bce-a"]);
        let h = pairs(&[
            ("Host", "localhost"),
            ("x-bce-a", "a/b:c"),
            ("C", ""),
            ("Content-MD5", "MD5"),
        ]);
        let (text, _) = canonical_headers(&h, &HeaderSelection::Default);
        assert_eq!(text, "content-md5:MD5\nhost:localhost\nx-bce-a:a%2Fb%3Ac");
    }

    #[test]
    fn selections_differ_only_where_intended() {
        let h = pairs(&[
            ("Host", "h"),
            ("x-bce-request-id", "r"),
            ("x-bce-date", "d"),
            ("User-Agent", "ua"),
        ]);
        let (default, f) = canonical_headers(&h, &HeaderSelection::Default);
        assert_eq!(default, "host:h\nx-bce-date:d\nx-bce-request-id:r");
        assert!(f.is_empty());
        let (listed, f) = canonical_headers(&h, &HeaderSelection::Listed);
        assert_eq!(listed, "host:h\nx-bce-date:d");
        assert_eq!(f, vec!["host", "x-bce-date"]);
        let explicit = HeaderSelection::Explicit(vec!["User-Agent".into(), "host".into()]);
        let (text, f) = canonical_headers(&h, &explicit);
        assert_eq!(text, "host:h\nuser-agent:ua");
        assert_eq!(f, vec!["User-Agent", "host"]);
    }

    #[test]
    fn parse_rejects_malformed_headers() {
        use AuthorizationParseError as E;
        let sig = "a".repeat(64);
        let ok = format!("bce-auth-v1/ak/2015-04-27T08:23:49Z/1800//{sig}");
        let parsed = parse_authorization(&ok).unwrap();
        assert_eq!(parsed.access_key, "ak");
        assert_eq!(parsed.expiration_secs, 1800);
        assert!(parsed.signed_headers.is_empty());
        assert_eq!(parsed.selection(), HeaderSelection::Default);
        assert_eq!(parsed.expires_at(), datetime!(2015-04-27 08:53:49 UTC));
        assert_eq!(
            parse_authorization(&format!("bce-auth-v2/ak/2015-04-27T08:23:49Z/1800//{sig}")),
            Err(E::UnsupportedVersion)
        );
        assert_eq!(parse_authorization("bce-auth-v1/ak"), Err(E::FieldCount(2)));
        assert_eq!(
            parse_authorization(&format!("bce-auth-v1//2015-04-27T08:23:49Z/1800//{sig}")),
            Err(E::EmptyAccessKey)
        );
        assert_eq!(
            parse_authorization(&format!("bce-auth-v1/ak/yesterday/1800//{sig}")),
            Err(E::Timestamp)
        );
        assert_eq!(
            parse_authorization(&format!("bce-auth-v1/ak/2015-04-27T08:23:49Z/+5//{sig}")),
            Err(E::Expiration)
        );
        assert_eq!(
            parse_authorization(&format!("bce-auth-v1/ak/2015-04-27T08:23:49Z/0//{sig}")),
            Err(E::Expiration)
        );
        assert_eq!(
            parse_authorization("bce-auth-v1/ak/2015-04-27T08:23:49Z/1800//xyz"),
            Err(E::Signature)
        );
        assert_eq!(parse_authorization(""), Err(E::UnsupportedVersion));
    }

    #[test]
    fn sign_then_verify_and_tamper() {
        let creds = Credentials::new("ak", "sk");
        let query = pairs(&[("accept", ""), ("clientToken", "t")]);
        let headers = pairs(&[
            ("Host", "127.0.0.1:8080"),
            ("Content-Type", "application/json;charset=utf-8"),
            ("x-bce-date", "2018-07-06T11:29:59Z"),
            ("x-bce-request-id", "r-1"),
        ]);
        let req = RequestToSign {
            method: "PUT",
            path: "/v1/peerconn/peerconn-abc",
            query: &query,
            headers: &headers,
        };
        let params = SigningParams::new(datetime!(2018-07-06 11:29:59 UTC));
        let auth = authorization(&creds, &req, &params);
        assert!(auth.contains("/1800/content-type;host;x-bce-date/"));
        let parsed = parse_authorization(&auth).unwrap();
        assert_eq!(parsed.verify(&creds.secret_key, &req), Ok(()));
        assert_eq!(
            parsed.verify(&SecretString::new("other"), &req),
            Err(SignatureMismatch)
        );
        // the unsigned request id may change; anything signed may not
        let mut other_headers = headers.clone();
        other_headers[3].1 = "r-2".into();
        let req2 = RequestToSign {
            headers: &other_headers,
            ..req
        };
        assert_eq!(parsed.verify(&creds.secret_key, &req2), Ok(()));
        other_headers[0].1 = "127.0.0.1:8081".into();
        let req3 = RequestToSign {
            headers: &other_headers,
            ..req
        };
        assert_eq!(
            parsed.verify(&creds.secret_key, &req3),
            Err(SignatureMismatch)
        );
        let req4 = RequestToSign {
            path: "/v1/peerconn/peerconn-abd",
            ..req
        };
        assert_eq!(
            parsed.verify(&creds.secret_key, &req4),
            Err(SignatureMismatch)
        );
    }
}
