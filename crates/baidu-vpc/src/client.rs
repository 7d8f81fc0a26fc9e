//! The HTTP transport: one shared `reqwest` client, request signing, the retry
//! loop and per-call logging. The typed operations live in `peerconn.rs`.
//!
//! Retries never duplicate work: a call's query (including its clientToken) and
//! body are fixed before the first attempt and reused verbatim by every retry;
//! only the date, the request id and therefore the signature are fresh each time.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use reqwest::{Method, Url};
use time::OffsetDateTime;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::error::{ApiError, ClientError, OpContext, Operation};
use super::retry::{Interrupted, Limits, RetryPolicy};
use super::sts::RoleSession;
use bce_auth::credentials::Credentials;
use bce_auth::signer::{
    self, format_timestamp, HeaderSelection, RequestToSign, SigningParams, DATE_HEADER,
    DEFAULT_EXPIRATION_SECS, REQUEST_ID_HEADER, SECURITY_TOKEN_HEADER,
};
use bce_auth::uri::{encode_query, uri_encode_path};

/// Region used when none is configured.
pub const DEFAULT_REGION: &str = "bj";
/// `User-Agent` of every request unless the caller names itself
/// ([`ClientConfig::user_agent`]).
pub const USER_AGENT: &str = concat!("baidu-vpc/", env!("CARGO_PKG_VERSION"));
/// `Content-Type` of every request (the documented common header).
pub const CONTENT_TYPE_JSON: &str = "application/json; charset=utf-8";
/// Longest clientToken the API accepts (ASCII characters).
pub const MAX_CLIENT_TOKEN_LEN: usize = 64;
/// Largest response body read. A full list page (1000 peerings) is well under
/// 1 MiB; a broken or hostile endpoint streaming without end must not make
/// the provider allocate until the per-request timeout.
pub const MAX_RESPONSE_BYTES: usize = 16 << 20;

/// The real VPC endpoint of a region (VPC shares BCC's host).
pub fn default_endpoint(region: &str) -> String {
    format!("https://bcc.{region}.baidubce.com")
}

/// A fresh idempotency token (UUID v4), made once per logical operation.
pub fn new_client_token() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Where the signing time comes from: the system clock, or a substitute for tests
/// and clock-skew experiments (e.g. against the emulator's `RequestExpired` check).
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> OffsetDateTime + Send + Sync>);

impl Clock {
    pub fn system() -> Self {
        Self(Arc::new(OffsetDateTime::now_utc))
    }

    pub fn from_fn(now: impl Fn() -> OffsetDateTime + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    pub fn now(&self) -> OffsetDateTime {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// Everything needed to build a [`BaiduClient`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub credentials: Credentials,
    pub region: String,
    /// Overrides `https://bcc.{region}.baidubce.com`, e.g. `http://127.0.0.1:PORT`
    /// for the emulator. Without a scheme, `https://` is assumed.
    pub endpoint: Option<String>,
    /// Limit for one attempt (connect, send, receive the whole body).
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    pub user_agent: String,
    /// Validity written into each signature.
    pub signature_expiration_secs: u32,
    /// Time source for `x-bce-date` and the signature timestamp.
    pub clock: Clock,
    /// Permits a plain `http://` endpoint on a non-loopback host. Off by
    /// default: signed requests (and the session token header) would travel
    /// unencrypted. Loopback endpoints (the emulator) never need it.
    pub allow_insecure_http: bool,
    /// An assumed role whose (renewed) credentials sign requests instead of
    /// [`Self::credentials`].
    pub role_session: Option<Arc<RoleSession>>,
}

impl ClientConfig {
    pub fn new(credentials: Credentials, region: impl Into<String>) -> Self {
        Self {
            credentials,
            region: region.into(),
            endpoint: None,
            request_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent: USER_AGENT.to_owned(),
            signature_expiration_secs: DEFAULT_EXPIRATION_SECS,
            clock: Clock::system(),
            allow_insecure_http: false,
            role_session: None,
        }
    }

    /// Signs with `session`'s credentials, renewed as they near expiry.
    pub fn with_role_session(mut self, session: Arc<RoleSession>) -> Self {
        self.role_session = Some(session);
        self
    }

    /// Sets an explicit endpoint; an empty string means the region default.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        let endpoint = endpoint.into();
        self.endpoint = (!endpoint.trim().is_empty()).then_some(endpoint);
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }
}

/// Why a client could not be built. Messages never echo credentials.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("the access key is empty")]
    EmptyAccessKey,
    #[error("the secret key is empty")]
    EmptySecretKey,
    #[error("invalid region {0:?}: expected lowercase letters, digits and '-'")]
    InvalidRegion(String),
    #[error("invalid endpoint: {0}")]
    InvalidEndpoint(String),
    #[error(
        "endpoint {0} uses plain http to a host that is not loopback: requests would travel \
         unencrypted; use https (plain http is only allowed for loopback or when explicitly permitted)"
    )]
    InsecureEndpoint(String),
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

/// Per-call options: the idempotency token and the caller's limits.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// clientToken for a mutating call; generated once per call when absent. Pass
    /// your own to keep one token across your own retries of the same operation.
    pub client_token: Option<String>,
    /// Cancellation and deadline; both cut requests and backoff waits short.
    pub limits: Limits,
}

impl CallOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_client_token(mut self, token: impl Into<String>) -> Self {
        self.client_token = Some(token.into());
        self
    }

    pub fn with_cancel(mut self, token: CancellationToken) -> Self {
        self.limits.cancel = Some(token);
        self
    }

    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.limits.deadline = Some(deadline);
        self
    }

    /// Deadline `timeout` from now.
    pub fn with_timeout(self, timeout: Duration) -> Self {
        self.with_deadline(Instant::now() + timeout)
    }
}

/// One logical API call, fixed before the first attempt.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    pub context: OpContext,
    pub method: Method,
    /// Decoded path below the endpoint, e.g. `/v1/peerconn/peerconn-abc`.
    pub path: String,
    /// Decoded query pairs in wire order; flags have an empty value.
    pub query: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// A success answer.
#[derive(Debug, Clone)]
pub(crate) struct ApiResponse {
    pub status: u16,
    pub request_id: Option<String>,
    pub body: Vec<u8>,
}

enum AttemptError {
    Interrupted(Interrupted),
    Failed(ClientError),
}

/// The Baidu VPC API client. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct BaiduClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// scheme://host[:port] plus an optional base path, without trailing `/`.
    base: Url,
    base_path: String,
    /// The `Host` header as sent and signed (port only when not the default).
    host: String,
    config: ClientConfig,
}

impl fmt::Debug for BaiduClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.inner.config;
        f.debug_struct("BaiduClient")
            .field("endpoint", &self.inner.base.as_str())
            .field("region", &c.region)
            .field("credentials", &c.credentials)
            .field("request_timeout", &c.request_timeout)
            .field("retry", &c.retry)
            .finish()
    }
}

fn parse_endpoint(config: &ClientConfig) -> Result<Url, ConfigError> {
    let raw = match &config.endpoint {
        Some(e) => e.trim().to_owned(),
        None => default_endpoint(&config.region),
    };
    let with_scheme = if raw.contains("://") {
        raw
    } else {
        format!("https://{raw}")
    };
    let url = Url::parse(&with_scheme)
        .map_err(|e| ConfigError::InvalidEndpoint(format!("cannot parse it as a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::InvalidEndpoint(format!(
            "scheme {:?} is not http or https",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::InvalidEndpoint(
            "it must not contain user information".to_owned(),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ConfigError::InvalidEndpoint("it has no host".to_owned()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::InvalidEndpoint(
            "it must not have a query or fragment".to_owned(),
        ));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl BaiduClient {
    pub fn new(config: ClientConfig) -> Result<Self, ConfigError> {
        if config.credentials.access_key.trim().is_empty() {
            return Err(ConfigError::EmptyAccessKey);
        }
        if config.credentials.secret_key.is_empty() {
            return Err(ConfigError::EmptySecretKey);
        }
        let region_ok = !config.region.is_empty()
            && config
                .region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if config.endpoint.is_none() && !region_ok {
            return Err(ConfigError::InvalidRegion(config.region.clone()));
        }
        let base = parse_endpoint(&config)?;
        if base.scheme() == "http" && !is_loopback(&base) && !config.allow_insecure_http {
            return Err(ConfigError::InsecureEndpoint(base.to_string()));
        }
        let host = match (base.host_str(), base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(ConfigError::InvalidEndpoint("it has no host".to_owned())),
        };
        let base_path = base.path().trim_end_matches('/').to_owned();
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            // A redirect would re-send a signed request elsewhere; surface it instead.
            .redirect(reqwest::redirect::Policy::none());
        if is_loopback(&base) {
            // The emulator is local: never route it through an environment proxy.
            builder = builder.no_proxy();
        }
        if base.scheme() == "http" {
            // No TLS is ever spoken (redirects are refused), so skip loading
            // the system's CA certificates: reading and parsing them costs
            // several ms in every provider process Terraform starts
            // (BENCHMARKS.md), and with an empty root store any TLS at all
            // would fail rather than be trusted.
            builder = builder.tls_certs_only(std::iter::empty());
        }
        let http = builder.build().map_err(ConfigError::HttpClient)?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                base_path,
                host,
                config,
            }),
        })
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Url {
        &self.inner.base
    }

    pub fn region(&self) -> &str {
        &self.inner.config.region
    }

    /// Sends `req`, retrying retryable failures within the caller's limits.
    pub(crate) async fn execute(
        &self,
        req: &ApiRequest,
        limits: &Limits,
    ) -> Result<ApiResponse, ClientError> {
        let policy = &self.inner.config.retry;
        let mut attempt: u32 = 0;
        let mut last_error: Option<ClientError> = None;
        loop {
            attempt = attempt.saturating_add(1);
            if let Err(why) = limits.check() {
                return Err(interrupted(why, &req.context, last_error));
            }
            let error = match self.attempt(req, attempt, limits).await {
                Ok(resp) => return Ok(resp),
                Err(AttemptError::Interrupted(why)) => {
                    return Err(interrupted(why, &req.context, last_error))
                }
                Err(AttemptError::Failed(e)) => e,
            };
            if !error.is_retryable() || attempt > policy.max_retries {
                return Err(error);
            }
            // The service's own Retry-After wins over the backoff, within the
            // policy's longest pause, so a throttled call waits as asked.
            let asked = error.api_error().and_then(|e| e.retry_after);
            let delay = match asked {
                Some(asked) => asked.min(policy.max_delay),
                None => policy.delay(attempt - 1),
            };
            let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            let attempts = policy.max_retries.saturating_add(1);
            tracing::debug!(
                operation = %req.context.operation,
                resource_id = req.context.resource_id.as_deref().unwrap_or(""),
                attempt,
                attempts,
                delay_ms,
                retry_after = asked.is_some(),
                code = error.api_error().map_or("", |e| e.code.as_str()),
                error = %error,
                "baidu api call failed (attempt {attempt} of {attempts}), retrying in {delay_ms} ms"
            );
            if let Err(why) = limits.sleep(delay).await {
                return Err(interrupted(why, &req.context, Some(error)));
            }
            last_error = Some(error);
        }
    }

    /// One signed attempt.
    async fn attempt(
        &self,
        req: &ApiRequest,
        attempt: u32,
        limits: &Limits,
    ) -> Result<ApiResponse, AttemptError> {
        let inner = &*self.inner;
        let fail = AttemptError::Failed;
        let now = inner.config.clock.now();
        let renewed;
        let credentials = match &inner.config.role_session {
            Some(session) => {
                renewed = session.credentials_at(now, limits).await.map_err(fail)?;
                &renewed
            }
            None => &inner.config.credentials,
        };
        let request_id = uuid::Uuid::new_v4().to_string();
        let full_path = format!("{}{}", inner.base_path, req.path);

        let mut headers: Vec<(String, String)> = vec![
            ("host".to_owned(), inner.host.clone()),
            ("content-type".to_owned(), CONTENT_TYPE_JSON.to_owned()),
            (DATE_HEADER.to_owned(), format_timestamp(now)),
            (REQUEST_ID_HEADER.to_owned(), request_id.clone()),
        ];
        if let Some(body) = &req.body {
            headers.push(("content-length".to_owned(), body.len().to_string()));
        }
        if let Some(token) = &credentials.session_token {
            headers.push((
                SECURITY_TOKEN_HEADER.to_owned(),
                token.expose_secret().to_owned(),
            ));
        }
        let authorization = signer::authorization(
            credentials,
            &RequestToSign {
                method: req.method.as_str(),
                path: &full_path,
                query: &req.query,
                headers: &headers,
            },
            &SigningParams {
                timestamp: now,
                expiration_secs: inner.config.signature_expiration_secs,
                selection: HeaderSelection::Listed,
            },
        );

        let mut url = inner.base.clone();
        url.set_path(&uri_encode_path(&full_path));
        let query = encode_query(&req.query);
        // Servers refuse such URLs by closing the connection, which would
        // look transient and be retried for nothing: refuse it here, once.
        if query.len() + full_path.len() > MAX_URL_BYTES {
            return Err(fail(invalid(
                &req.context,
                &format!(
                    "the request URL would be {} bytes, more than the {MAX_URL_BYTES} an API \
                     server accepts (a query value is far too long)",
                    query.len() + full_path.len()
                ),
            )));
        }
        url.set_query((!query.is_empty()).then_some(query.as_str()));

        let mut header_map = HeaderMap::new();
        for (name, value) in &headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| fail(invalid(&req.context, "a header name is not valid HTTP")))?;
            // The message names the header but never its value (it may be a token).
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                fail(invalid(
                    &req.context,
                    &format!("the {name} header value is not valid HTTP"),
                ))
            })?;
            value.set_sensitive(name.as_str() == SECURITY_TOKEN_HEADER);
            header_map.append(name, value);
        }
        let mut auth_value = HeaderValue::from_str(&authorization)
            .map_err(|_| fail(invalid(&req.context, "the access key is not valid HTTP")))?;
        auth_value.set_sensitive(true);
        header_map.insert(AUTHORIZATION, auth_value);

        let mut builder = inner
            .http
            .request(req.method.clone(), url)
            .headers(header_map);
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }

        let started = std::time::Instant::now();
        let exchange = async {
            let resp = builder.send().await?;
            let status = resp.status().as_u16();
            let server_request_id = resp
                .headers()
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            let body = read_body_capped(resp, MAX_RESPONSE_BYTES).await?;
            Ok::<_, reqwest::Error>((status, server_request_id, retry_after, body))
        };
        let outcome = limits.run(exchange).await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let resource_id = req.context.resource_id.as_deref().unwrap_or("");
        let operation = req.context.operation;
        match outcome {
            Err(why) => {
                tracing::debug!(%operation, resource_id, method = %req.method, path = %full_path,
                    attempt, duration_ms, interrupted = ?why, "baidu api call interrupted");
                Err(AttemptError::Interrupted(why))
            }
            Ok(Err(e)) => {
                let error = if e.is_timeout() {
                    ClientError::Timeout {
                        context: req.context.clone(),
                        timeout: inner.config.request_timeout,
                    }
                } else {
                    ClientError::Transport {
                        context: req.context.clone(),
                        error: e,
                    }
                };
                tracing::debug!(%operation, resource_id, method = %req.method, path = %full_path,
                    attempt, duration_ms, request_id = %request_id, error = %error,
                    "baidu api call failed in transport");
                Err(fail(error))
            }
            Ok(Ok((status, server_request_id, _, None))) => {
                let response_request_id = server_request_id.unwrap_or(request_id);
                tracing::debug!(%operation, resource_id, method = %req.method, path = %full_path,
                    status, request_id = %response_request_id, attempt, duration_ms,
                    "baidu api answer too large");
                Err(fail(ClientError::Decode {
                    context: req.context.clone(),
                    status,
                    request_id: Some(response_request_id),
                    detail: format!("the answer is larger than {MAX_RESPONSE_BYTES} bytes"),
                }))
            }
            Ok(Ok((status, server_request_id, retry_after, Some(body)))) => {
                let response_request_id = server_request_id.clone().unwrap_or(request_id);
                tracing::debug!(%operation, resource_id, method = %req.method, path = %full_path,
                    status, request_id = %response_request_id, attempt, duration_ms,
                    "baidu api call");
                // Peering bodies hold no secret (credentials travel only in
                // headers, which are never logged); STS answers are credentials.
                let response_body = if operation == Operation::AssumeRole {
                    "(temporary credentials, not logged)".into()
                } else {
                    body_text(Some(&body))
                };
                tracing::trace!(%operation, resource_id, request_id = %response_request_id,
                    request_body = %body_text(req.body.as_deref()),
                    %response_body,
                    "baidu api call bodies");
                if (200..300).contains(&status) {
                    Ok(ApiResponse {
                        status,
                        request_id: Some(response_request_id),
                        body,
                    })
                } else {
                    // Only the server's own header counts as Baidu's mark on
                    // the answer; our request's id is just the fallback for
                    // quoting to support.
                    let mut error = ApiError::from_response(
                        &req.context,
                        status,
                        server_request_id.as_deref(),
                        &body,
                    );
                    error.request_id.get_or_insert(response_request_id);
                    error.retry_after = retry_after;
                    tracing::debug!(%operation, resource_id, status, code = %error.code,
                        request_id = error.request_id.as_deref().unwrap_or(""),
                        "baidu api call refused");
                    Err(fail(ClientError::Api(error)))
                }
            }
        }
    }
}

/// Longest path and query sent (HTTP servers commonly refuse beyond 8 KiB).
const MAX_URL_BYTES: usize = 8 * 1024;

/// Longest body a trace line quotes.
const TRACED_BODY_BYTES: usize = 4096;

/// A body for a trace line: UTF-8 (lossy), cut at [`TRACED_BODY_BYTES`].
fn body_text(body: Option<&[u8]>) -> String {
    match body {
        None => String::new(),
        Some(b) if b.len() > TRACED_BODY_BYTES => format!(
            "{}… ({} bytes)",
            String::from_utf8_lossy(&b[..TRACED_BODY_BYTES]),
            b.len()
        ),
        Some(b) => String::from_utf8_lossy(b).into_owned(),
    }
}

/// A `Retry-After` of delay-seconds (RFC 9110 §10.2.3); an HTTP-date, which
/// Baidu does not send, is ignored and the backoff applies.
fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The body, or `None` when it is longer than `limit` (read no further).
async fn read_body_capped(
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if resp
        .content_length()
        .is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
    {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

fn invalid(context: &OpContext, detail: &str) -> ClientError {
    ClientError::InvalidRequest {
        context: context.clone(),
        detail: detail.to_owned(),
    }
}

fn interrupted(why: Interrupted, context: &OpContext, last: Option<ClientError>) -> ClientError {
    let context = context.clone();
    let last_error = last.map(Box::new);
    match why {
        Interrupted::Cancelled => ClientError::Cancelled {
            context,
            last_error,
        },
        Interrupted::DeadlineExceeded => ClientError::DeadlineExceeded {
            context,
            last_error,
        },
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn retry_after_is_read_in_seconds_and_a_date_is_ignored() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    use super::*;

    fn config(endpoint: Option<&str>) -> ClientConfig {
        let mut c = ClientConfig::new(Credentials::new("ak", "SUPERSECRET"), "bj");
        c.endpoint = endpoint.map(str::to_owned);
        c
    }

    #[test]
    fn endpoints_resolve() {
        let c = BaiduClient::new(config(None)).unwrap();
        assert_eq!(c.endpoint().as_str(), "https://bcc.bj.baidubce.com/");
        assert_eq!(c.inner.host, "bcc.bj.baidubce.com");
        let c = BaiduClient::new(config(Some("http://127.0.0.1:8080"))).unwrap();
        assert_eq!(c.inner.host, "127.0.0.1:8080");
        assert_eq!(c.inner.base_path, "");
        let c = BaiduClient::new(config(Some("bcc.gz.baidubce.com"))).unwrap();
        assert_eq!(c.endpoint().scheme(), "https");
        let c = BaiduClient::new(config(Some("https://bcc.gz.baidubce.com:443/"))).unwrap();
        assert_eq!(c.inner.host, "bcc.gz.baidubce.com");
        let c = BaiduClient::new(config(Some("http://[::1]:9000/prefix/"))).unwrap();
        assert_eq!(c.inner.host, "[::1]:9000");
        assert_eq!(c.inner.base_path, "/prefix");
    }

    #[test]
    fn bad_configs_are_rejected_without_echoing_secrets() {
        for bad in [
            "ftp://x",
            "http://user:SUPERSECRET@host",
            "http://h/?q=1",
            "http://",
        ] {
            let err = BaiduClient::new(config(Some(bad))).unwrap_err();
            assert!(
                matches!(err, ConfigError::InvalidEndpoint(_)),
                "{bad}: {err}"
            );
            assert!(!err.to_string().contains("SUPERSECRET"));
        }
        let mut c = config(None);
        c.region = "BJ/../x".into();
        assert!(matches!(
            BaiduClient::new(c),
            Err(ConfigError::InvalidRegion(_))
        ));
        let c = ClientConfig::new(Credentials::new("", "sk"), "bj");
        assert!(matches!(
            BaiduClient::new(c),
            Err(ConfigError::EmptyAccessKey)
        ));
        let c = ClientConfig::new(Credentials::new("ak", ""), "bj");
        assert!(matches!(
            BaiduClient::new(c),
            Err(ConfigError::EmptySecretKey)
        ));
    }

    #[test]
    fn plain_http_only_for_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "https://vpc.example.com",
            "vpc.example.com",
        ] {
            assert!(BaiduClient::new(config(Some(ok))).is_ok(), "{ok}");
        }
        for refused in [
            "http://vpc.example.com",
            "http://10.0.0.1:80",
            "http://127.0.0.1.nip.io",
        ] {
            let err = BaiduClient::new(config(Some(refused))).unwrap_err();
            assert!(
                matches!(err, ConfigError::InsecureEndpoint(_)),
                "{refused}: {err}"
            );
            let mut allowed = config(Some(refused));
            allowed.allow_insecure_http = true;
            assert!(BaiduClient::new(allowed).is_ok(), "{refused} when allowed");
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let creds = Credentials::new("ak", "SUPERSECRET").with_session_token("STSTOKEN");
        let c = BaiduClient::new(ClientConfig::new(creds, "bj")).unwrap();
        let text = format!("{c:?} {c:#?}");
        assert!(!text.contains("SUPERSECRET") && !text.contains("STSTOKEN"));
        assert!(text.contains("bcc.bj.baidubce.com"));
    }

    #[test]
    fn user_agent_names_the_client_and_tokens_are_fresh() {
        assert!(USER_AGENT.starts_with("baidu-vpc/"));
        assert!(new_client_token().len() <= MAX_CLIENT_TOKEN_LEN);
        assert_ne!(new_client_token(), new_client_token());
    }
}
