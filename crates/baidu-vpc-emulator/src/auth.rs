//! Authenticating API requests like Baidu: `bce-auth-v1` signatures verified
//! with the client's signer (`bce_auth::signer`), STS session tokens
//! (configured ones, and those `AssumeRole` issued).
//!
//! Freshness is checked against the real wall clock, not the emulated one:
//! SDKs sign with the wall clock, and a test that advances emulated time by
//! days must still be able to call the API.

use http::HeaderMap;

use super::clock::{iso8601, Millis};
use super::config::{AuthMode, Directory};
use super::error::ApiError;
use super::sts::{IssuedSessions, SessionLookup};
use bce_auth::signer::{self, RequestToSign};
use bce_auth::uri::decode_path;

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: String,
    pub access_key: String,
}

/// The parts of a request authentication looks at.
pub struct Incoming<'a> {
    pub method: &'a str,
    /// The path as received (percent-encoded).
    pub raw_path: &'a str,
    /// Decoded query pairs.
    pub query: &'a [(String, String)],
    pub headers: &'a HeaderMap,
}

/// Policy knobs.
#[derive(Debug, Clone, Copy)]
pub struct AuthPolicy {
    pub mode: AuthMode,
    /// How far in the future a signature timestamp may be, seconds.
    pub max_clock_skew_secs: i64,
}

/// Checks the `Authorization` header and returns who is calling.
pub fn authenticate(
    dir: &Directory,
    sessions: &IssuedSessions,
    policy: AuthPolicy,
    req: &Incoming<'_>,
    real_now: Millis,
) -> Result<Principal, ApiError> {
    let header = match req.headers.get(http::header::AUTHORIZATION) {
        Some(v) => Some(v.to_str().map_err(|_| {
            ApiError::invalid_auth_header("The Authorization header is not valid ASCII.")
        })?),
        None => None,
    };
    if policy.mode == AuthMode::Off {
        return trust_without_verifying(dir, sessions, header, real_now);
    }
    let header = header
        .ok_or_else(|| ApiError::invalid_auth_header("The request has no Authorization header."))?;
    let parsed = signer::parse_authorization(header).map_err(|e| {
        ApiError::invalid_auth_header(format!("The HTTP authorization header is invalid: {e}."))
    })?;
    let cred = credential(dir, sessions, &parsed.access_key, real_now)?;

    let signed_at = parsed.timestamp.unix_timestamp().saturating_mul(1000);
    let expires_at = parsed.expires_at().unix_timestamp().saturating_mul(1000);
    let skew = policy.max_clock_skew_secs.saturating_mul(1000);
    if real_now > expires_at || signed_at > real_now.saturating_add(skew) {
        return Err(ApiError::request_expired(&iso8601(signed_at)));
    }

    if let Some(expected) = &cred.session_token {
        let presented = req
            .headers
            .get(signer::SECURITY_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .or_else(|| {
                req.query
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(signer::SECURITY_TOKEN_HEADER))
                    .map(|(_, v)| v.as_str())
            });
        if presented != Some(expected.expose_secret()) {
            return Err(ApiError::access_denied(
                "The security token is missing or does not belong to this access key.",
            ));
        }
    }

    // Header values that are not visible ASCII cannot have been signed by an
    // SDK; they are left out, so a signature covering them will not match.
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let path = decode_path(req.raw_path);
    let to_verify = RequestToSign {
        method: req.method,
        path: &path,
        query: req.query,
        headers: &headers,
    };
    parsed
        .verify(&cred.secret_key, &to_verify)
        .map_err(|_| ApiError::signature_mismatch())?;
    Ok(Principal {
        account_id: cred.account_id.clone(),
        access_key: parsed.access_key,
    })
}

/// `auth = "off"`: the access key is taken from a `bce-auth-v1` header or a
/// bare `Authorization: <access key>`; without a header the first account
/// is used. Unknown keys are still rejected.
fn trust_without_verifying(
    dir: &Directory,
    sessions: &IssuedSessions,
    header: Option<&str>,
    real_now: Millis,
) -> Result<Principal, ApiError> {
    let access_key = match header {
        None => {
            let first = dir
                .accounts()
                .first()
                .ok_or_else(ApiError::invalid_access_key)?;
            return Ok(Principal {
                account_id: first.id.clone(),
                access_key: first.access_key.clone(),
            });
        }
        Some(h) => match signer::parse_authorization(h) {
            Ok(p) => p.access_key,
            Err(_) => h.trim().to_string(),
        },
    };
    let cred = credential(dir, sessions, &access_key, real_now)?;
    Ok(Principal {
        account_id: cred.account_id,
        access_key,
    })
}

/// A configured key, else one `AssumeRole` issued and not yet expired.
fn credential(
    dir: &Directory,
    sessions: &IssuedSessions,
    access_key: &str,
    real_now: Millis,
) -> Result<super::config::Credential, ApiError> {
    if let Some(cred) = dir.credential(access_key) {
        return Ok(cred.clone());
    }
    match sessions.lookup(access_key, real_now) {
        SessionLookup::Valid(cred) => Ok(cred),
        SessionLookup::Expired => Err(ApiError::access_denied(
            "The temporary credentials have expired; assume the role again.",
        )),
        SessionLookup::Unknown => Err(ApiError::invalid_access_key()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EmulatorConfig;
    use bce_auth::signer::{authorization, HeaderSelection, SigningParams};
    use bce_auth::Credentials;
    use http::HeaderValue;
    use time::OffsetDateTime;

    const AK: &str = "DEMOAK00000000000000000000000001";
    const SK: &str = "DEMOSK00000000000000000000000001";

    fn dir() -> Directory {
        Directory::new(&EmulatorConfig::demo().accounts)
    }

    fn policy() -> AuthPolicy {
        AuthPolicy {
            mode: AuthMode::Verify,
            max_clock_skew_secs: 900,
        }
    }

    /// Signs GET /v1/peerconn?vpcId=… at `ts` and returns the headers.
    fn signed(sk: &str, ts: OffsetDateTime, selection: HeaderSelection) -> HeaderMap {
        let host = "127.0.0.1:8080";
        let date = signer::format_timestamp(ts);
        let pairs = vec![
            ("host".to_string(), host.to_string()),
            ("x-bce-date".to_string(), date.clone()),
        ];
        let q = vec![("vpcId".to_string(), "vpc-demobj000001".to_string())];
        let auth = authorization(
            &Credentials::new(AK, sk),
            &RequestToSign {
                method: "GET",
                path: "/v1/peerconn",
                query: &q,
                headers: &pairs,
            },
            &SigningParams {
                timestamp: ts,
                expiration_secs: 1800,
                selection,
            },
        );
        let mut h = HeaderMap::new();
        h.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
        h.insert("x-bce-date", HeaderValue::from_str(&date).unwrap());
        h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        h
    }

    fn check(h: &HeaderMap, query: &str, now: Millis) -> Result<Principal, ApiError> {
        let q = bce_auth::uri::decode_query(query);
        authenticate(
            &dir(),
            &IssuedSessions::default(),
            policy(),
            &Incoming {
                method: "GET",
                raw_path: "/v1/peerconn",
                query: &q,
                headers: h,
            },
            now,
        )
    }

    #[test]
    fn verifies_default_and_listed_selections() {
        let now = OffsetDateTime::now_utc();
        let now_ms = now.unix_timestamp() * 1000;
        for sel in [HeaderSelection::Default, HeaderSelection::Listed] {
            let h = signed(SK, now, sel);
            let p = check(&h, "vpcId=vpc-demobj000001", now_ms).unwrap();
            assert_eq!(p.account_id, "a0000000000000000000000000000001");
        }
    }

    #[test]
    fn rejects_bad_requests_with_baidu_codes() {
        let now = OffsetDateTime::now_utc();
        let now_ms = now.unix_timestamp() * 1000;
        let h = signed("wrong-secret", now, HeaderSelection::Listed);
        assert_eq!(
            check(&h, "vpcId=vpc-demobj000001", now_ms)
                .unwrap_err()
                .code,
            "SignatureDoesNotMatch"
        );
        let h = signed(SK, now, HeaderSelection::Listed);
        assert_eq!(
            check(&h, "vpcId=vpc-demobj000002", now_ms)
                .unwrap_err()
                .code,
            "SignatureDoesNotMatch"
        );
        assert_eq!(
            check(&h, "vpcId=vpc-demobj000001", now_ms + 1801 * 1000)
                .unwrap_err()
                .code,
            "RequestExpired"
        );
        assert_eq!(
            check(&h, "vpcId=vpc-demobj000001", now_ms - 3600 * 1000)
                .unwrap_err()
                .code,
            "RequestExpired"
        );
        let mut h2 = h.clone();
        h2.insert("authorization", HeaderValue::from_static("Bearer x"));
        assert_eq!(
            check(&h2, "", now_ms).unwrap_err().code,
            "InvalidHTTPAuthHeader"
        );
        h2.remove("authorization");
        assert_eq!(
            check(&h2, "", now_ms).unwrap_err().code,
            "InvalidHTTPAuthHeader"
        );
        let auth = h
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap()
            .replace(AK, "NOPE");
        h2.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        assert_eq!(
            check(&h2, "", now_ms).unwrap_err().code,
            "InvalidAccessKeyId"
        );
    }

    #[test]
    fn off_mode_trusts_the_key() {
        let d = dir();
        let off = AuthPolicy {
            mode: AuthMode::Off,
            max_clock_skew_secs: 0,
        };
        let mut h = HeaderMap::new();
        let req = |h: &HeaderMap| {
            authenticate(
                &d,
                &IssuedSessions::default(),
                off,
                &Incoming {
                    method: "GET",
                    raw_path: "/",
                    query: &[],
                    headers: h,
                },
                0,
            )
        };
        assert_eq!(req(&h).unwrap().access_key, AK);
        h.insert(
            "authorization",
            HeaderValue::from_static("DEMOAK00000000000000000000000002"),
        );
        assert_eq!(
            req(&h).unwrap().account_id,
            "a0000000000000000000000000000002"
        );
        h.insert("authorization", HeaderValue::from_static("nobody"));
        assert_eq!(req(&h).unwrap_err().code, "InvalidAccessKeyId");
    }
}
