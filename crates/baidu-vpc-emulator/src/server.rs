//! The HTTP layer: shared state, the Baidu API entry point (auth → route →
//! faults → operation → response), Baidu-style responses, the request log,
//! and a listener whose connections can be dropped on purpose.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::serve::{IncomingStream, Listener};
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::auth::{authenticate, AuthPolicy, Incoming};
use super::clock::{iso8601, real_now_ms, Clock};
use super::config::{Directory, EmulatorConfig, Quotas};
use super::error::ApiError;
use super::faults::{FaultAction, FaultState, Phase};
use super::ops::{self, Ctx, Outcome};
use super::persist::StateFile;
use super::reqlog::{RequestLog, RequestRecord};
use super::request::{is_api_path, route, Operation, Query};
use super::store::Store;
use super::sts::IssuedSessions;
use super::timing::Timing;

/// Largest request body accepted.
const MAX_BODY_BYTES: usize = 1 << 20;

/// Locks a mutex, recovering from poisoning. Safe here because every
/// critical section validates before it mutates (see `ops`) and none can
/// panic halfway through a change under normal operation; a panic would at
/// worst lose that one request's change, never corrupt invariants.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Everything the handlers share.
pub(crate) struct Shared {
    pub dir: Directory,
    /// The configuration the emulator started with (what reset returns to).
    pub startup: EmulatorConfig,
    pub policy: AuthPolicy,
    pub quotas: Quotas,
    pub clock: Clock,
    pub store: Mutex<Store>,
    pub timing: Mutex<Timing>,
    pub faults: Mutex<FaultState>,
    pub reqlog: Mutex<RequestLog>,
    /// Credentials STS `AssumeRole` issued (not persisted: they are temporary).
    pub sessions: Mutex<IssuedSessions>,
    pub state_file: Option<StateFile>,
}

impl Shared {
    /// Writes the state file, if any. A failure is logged, not answered: the
    /// in-memory state is still right and the next mutation retries.
    pub fn persist(&self, store: &mut Store) {
        if let Some(f) = &self.state_file {
            store.data.clock_offset_ms = self.clock.offset_ms();
            if let Err(e) = f.save(&store.data) {
                tracing::error!(error = %e, "cannot write the state file");
            }
        }
    }
}

/// Why a request got no normal answer.
enum Failure {
    Api(ApiError),
    Drop,
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

fn bce_headers(
    builder: axum::http::response::Builder,
    request_id: &str,
) -> axum::http::response::Builder {
    builder
        .header("x-bce-request-id", request_id)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .header(header::SERVER, "BWS")
}

/// Baidu's error answer: `{"code","message","requestId"}` + `x-bce-request-id`.
pub(crate) fn error_response(e: &ApiError, request_id: &str) -> Response<Body> {
    let body = json!({ "code": e.code, "message": e.message, "requestId": request_id });
    bce_headers(Response::builder().status(e.status), request_id)
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

fn success_response(o: &Outcome, request_id: &str) -> Response<Body> {
    let body = match &o.body {
        Some(v) => Body::from(v.to_string()),
        None => Body::empty(),
    };
    bce_headers(Response::builder().status(StatusCode::OK), request_id)
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// A response whose body fails at once: the best "drop" possible when the
/// router runs without [`DroppableListener`] (hyper then aborts the connection).
fn broken_body_response() -> Response<Body> {
    let failing = futures::stream::once(async {
        Err::<Bytes, io::Error>(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "connection dropped by fault injection",
        ))
    });
    Response::new(Body::from_stream(failing))
}

/// Entry point of every non-admin request.
pub(crate) async fn api_entry(State(shared): State<Arc<Shared>>, req: Request) -> Response<Body> {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let conn = req
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|c| c.0.clone());
    let (parts, body) = req.into_parts();
    let raw_query = parts.uri.query().unwrap_or("").to_string();
    let query = Query::parse(Some(&raw_query));
    let mut rec = RequestRecord {
        seq: 0,
        time: iso8601(shared.clock.now_ms()),
        request_id: request_id.clone(),
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: redact_query(&raw_query),
        operation: None,
        account_id: None,
        access_key: None,
        client_token: query.get("clientToken").map(str::to_string),
        peer_conn_id: None,
        status: 200,
        code: None,
        replayed: false,
        fault: None,
        latency_ms: 0,
    };

    let result = handle(&shared, &parts, body, &query, &request_id, &mut rec).await;
    let response = match result {
        Ok(outcome) => {
            rec.replayed = outcome.replayed;
            if rec.peer_conn_id.is_none() {
                rec.peer_conn_id = outcome.peer_conn_id.clone();
            }
            success_response(&outcome, &request_id)
        }
        Err(Failure::Api(e)) => {
            rec.status = e.status.as_u16();
            rec.code = Some(e.code.clone());
            error_response(&e, &request_id)
        }
        Err(Failure::Drop) => {
            rec.status = 0;
            rec.fault = Some("drop".into());
            match &conn {
                Some(c) => {
                    c.drop_connection();
                    Response::new(Body::empty())
                }
                None => broken_body_response(),
            }
        }
    };
    rec.latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    tracing::info!(
        target: "baidu_vpc_emulator::request",
        method = %rec.method,
        path = %rec.path,
        operation = rec.operation.as_deref().unwrap_or("-"),
        account = rec.account_id.as_deref().unwrap_or("-"),
        status = rec.status,
        code = rec.code.as_deref().unwrap_or("-"),
        request_id = %rec.request_id,
        latency_ms = rec.latency_ms,
        fault = rec.fault.as_deref().unwrap_or("-"),
        replayed = rec.replayed,
        "request"
    );
    lock(&shared.reqlog).push(rec);
    response
}

async fn handle(
    shared: &Shared,
    parts: &axum::http::request::Parts,
    body: Body,
    query: &Query,
    request_id: &str,
    rec: &mut RequestRecord,
) -> Result<Outcome, Failure> {
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::invalid_http_request("The request body is too large or could not be read.")
        })?;
    let path = parts.uri.path();
    if !is_api_path(path) {
        return Err(
            ApiError::invalid_uri(format!("Could not parse the specified URI {path}.")).into(),
        );
    }
    let principal = authenticate(
        &shared.dir,
        &lock(&shared.sessions),
        shared.policy,
        &Incoming {
            method: parts.method.as_str(),
            raw_path: path,
            query: &query.pairs,
            headers: &parts.headers,
        },
        real_now_ms(),
    )?;
    rec.account_id = Some(principal.account_id.clone());
    rec.access_key = Some(principal.access_key.clone());
    let route = route(parts.method.as_str(), path, query)?;
    rec.operation = Some(route.operation.name().to_string());
    rec.peer_conn_id = route.peer_conn_id.clone();

    let decision = lock(&shared.faults).decide(
        route.operation,
        &principal.account_id,
        shared.dir.account_name(&principal.account_id),
    );
    if decision.latency_ms > 0 {
        rec.fault = Some("latency".into());
        tokio::time::sleep(Duration::from_millis(decision.latency_ms)).await;
    }
    let (after, before): (Option<FaultAction>, Option<FaultAction>) = match decision.action {
        Some((a, Phase::After)) => (Some(a), None),
        Some((a, Phase::Before)) => (None, Some(a)),
        None => (None, None),
    };
    if let Some(a) = before {
        return Err(injected(a, rec));
    }

    if route.operation == Operation::AssumeRole {
        let (access_key, body) =
            lock(&shared.sessions).assume_role(&shared.dir, &principal, query, real_now_ms())?;
        tracing::info!(
            caller = %principal.account_id,
            issued_access_key = %access_key,
            "issued temporary credentials"
        );
        let outcome = Outcome {
            body: Some(body),
            peer_conn_id: None,
            mutated: false,
            replayed: false,
        };
        if let Some(a) = after {
            return Err(injected(a, rec));
        }
        return Ok(outcome);
    }

    let timing = lock(&shared.timing).clone();
    let outcome = {
        let mut store = lock(&shared.store);
        let ctx = Ctx {
            dir: &shared.dir,
            account: &principal.account_id,
            now: shared.clock.now_ms(),
            timing: &timing,
            quotas: shared.quotas,
            request_id,
            region: shared.startup.region.as_deref(),
        };
        let out = ops::execute(&mut store, &ctx, &route, query, &body)?;
        if out.mutated {
            shared.persist(&mut store);
        }
        out
    };
    if let Some(a) = after {
        rec.peer_conn_id = rec.peer_conn_id.take().or(outcome.peer_conn_id);
        return Err(injected(a, rec));
    }
    Ok(outcome)
}

fn injected(a: FaultAction, rec: &mut RequestRecord) -> Failure {
    match a {
        FaultAction::Drop => Failure::Drop,
        FaultAction::Fail(e) => {
            rec.fault = Some("error".into());
            Failure::Api(e)
        }
    }
}

/// The raw query without an `authorization` parameter (it would carry a signature).
fn redact_query(raw: &str) -> String {
    raw.split('&')
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("");
            !key.eq_ignore_ascii_case("authorization")
                && !key.eq_ignore_ascii_case("x-bce-security-token")
        })
        .collect::<Vec<_>>()
        .join("&")
}

// ------------------------------------------------------------------ listener

/// A TCP listener whose connections a handler can drop without answering.
pub struct DroppableListener {
    inner: TcpListener,
}

impl DroppableListener {
    pub fn new(inner: TcpListener) -> Self {
        Self { inner }
    }
}

/// A connection that stops reading and fails every write once dropped, so
/// hyper closes it without sending a byte of the response.
pub struct DroppableStream {
    inner: TcpStream,
    dropped: Arc<AtomicBool>,
}

/// Per-connection handle given to handlers (as `ConnectInfo`).
#[derive(Clone, Debug)]
pub struct ConnHandle {
    dropped: Arc<AtomicBool>,
    pub remote: SocketAddr,
}

impl ConnHandle {
    pub fn drop_connection(&self) {
        self.dropped.store(true, Ordering::SeqCst);
    }
}

impl Listener for DroppableListener {
    type Io = DroppableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((inner, addr)) => {
                    let _ = inner.set_nodelay(true);
                    return (
                        DroppableStream {
                            inner,
                            dropped: Arc::new(AtomicBool::new(false)),
                        },
                        addr,
                    );
                }
                Err(e) => {
                    // Typically EMFILE; back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

impl Connected<IncomingStream<'_, DroppableListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, DroppableListener>) -> Self {
        ConnHandle {
            dropped: stream.io().dropped.clone(),
            remote: *stream.remote_addr(),
        }
    }
}

fn dropped_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection dropped by fault injection",
    )
}

impl AsyncRead for DroppableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.dropped.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for DroppableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.dropped.load(Ordering::SeqCst) {
            return Poll::Ready(Err(dropped_error()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.dropped.load(Ordering::SeqCst) {
            return Poll::Ready(Err(dropped_error()));
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Header value helper for admin responses.
pub(crate) fn json_content_type() -> HeaderValue {
    HeaderValue::from_static("application/json; charset=utf-8")
}
