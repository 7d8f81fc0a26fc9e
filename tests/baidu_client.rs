//! The Baidu client against local test HTTP servers on 127.0.0.1: request
//! construction for every operation, signatures as a server verifies them,
//! retries, cancellation, deadlines, not-found detection, the waiter and redaction.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use baidu_vpc::client::{Clock, CONTENT_TYPE_JSON};
use baidu_vpc::model::{
    CreatePeerConnRequest, ListPeerConnsQuery, RenewPeerConnRequest, UpdatePeerConnRequest,
};
use baidu_vpc::{
    BaiduClient, CallOptions, ClientConfig, ClientError, Credentials, DnsStatus, Operation,
    PeerConnStatus, RetryPolicy, Role, SecretString, WaitConfig, WaitError,
};
use bce_auth::signer::{format_timestamp, parse_authorization, RequestToSign};
use bce_auth::uri::{decode_path, decode_query};
use tokio_util::sync::CancellationToken;

const AK: &str = "DEMOAK00000000000000000000000001";
const SK: &str = "DEMOSK00000000000000000000000001";
const STS: &str = "STS-TOKEN-zzz+/=";
const ID: &str = "peerconn-9td54fmx143e";
const TOKEN: &str = "5d3c1c58-0f27-4d4e-9a61-4c7b1d0e2f10";

// ---- a capturing test server ------------------------------------------------------

#[derive(Debug, Clone)]
struct Captured {
    method: String,
    raw_path: String,
    raw_query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Captured {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn query_value(&self, key: &str) -> Option<String> {
        decode_query(&self.raw_query)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Verifies the request the way a server does: parse the header, decode the
    /// path and query from the wire and recompute with the received headers.
    fn assert_signed_by(&self, secret: &str) {
        let auth = self.header("authorization").expect("authorization header");
        let parsed = parse_authorization(auth).expect("authorization parses");
        assert_eq!(parsed.access_key, AK);
        assert_eq!(parsed.expiration_secs, 1800);
        assert_eq!(
            self.header("x-bce-date"),
            Some(format_timestamp(parsed.timestamp).as_str()),
            "x-bce-date is the signing time"
        );
        for must in ["host", "content-type", "x-bce-date"] {
            assert!(
                parsed.signed_headers.iter().any(|h| h == must),
                "{must} not signed"
            );
        }
        assert!(!parsed
            .signed_headers
            .iter()
            .any(|h| h == "x-bce-request-id"));
        let path = decode_path(&self.raw_path);
        let query = decode_query(&self.raw_query);
        let req = RequestToSign {
            method: &self.method,
            path: &path,
            query: &query,
            headers: &self.headers,
        };
        parsed
            .verify(&SecretString::new(secret), &req)
            .unwrap_or_else(|_| panic!("signature does not verify for {self:?}"));
    }
}

#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    body: Vec<u8>,
    request_id: Option<String>,
    delay: Option<Duration>,
    /// A `Retry-After` header, in seconds.
    retry_after: Option<u64>,
}

impl Reply {
    fn ok(body: &str) -> Self {
        Self {
            status: 200,
            body: body.as_bytes().to_vec(),
            request_id: Some("srv-req-ok".to_owned()),
            delay: None,
            retry_after: None,
        }
    }

    fn empty() -> Self {
        Self::ok("")
    }

    fn error(status: u16, code: &str, request_id: &str) -> Self {
        Self {
            status,
            body: format!(r#"{{"code":"{code}","message":"m-{code}","requestId":"{request_id}"}}"#)
                .into_bytes(),
            request_id: Some(request_id.to_owned()),
            delay: None,
            retry_after: None,
        }
    }
}

type Responder = Arc<dyn Fn(&Captured, usize) -> Reply + Send + Sync>;

struct Server {
    captured: Arc<Mutex<Vec<Captured>>>,
    responder: Responder,
}

struct Mock {
    addr: SocketAddr,
    captured: Arc<Mutex<Vec<Captured>>>,
}

impl Mock {
    fn requests(&self) -> Vec<Captured> {
        self.captured.lock().unwrap().clone()
    }

    fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn handle(State(server): State<Arc<Server>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let captured = Captured {
        method: parts.method.to_string(),
        raw_path: parts.uri.path().to_owned(),
        raw_query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let index = {
        let mut all = server.captured.lock().unwrap();
        all.push(captured.clone());
        all.len() - 1
    };
    let reply = (server.responder)(&captured, index);
    if let Some(d) = reply.delay {
        tokio::time::sleep(d).await;
    }
    let mut builder = Response::builder()
        .status(reply.status)
        .header("content-type", "application/json;charset=UTF-8");
    if let Some(id) = &reply.request_id {
        builder = builder.header("x-bce-request-id", id);
    }
    if let Some(secs) = reply.retry_after {
        builder = builder.header("retry-after", secs.to_string());
    }
    builder.body(Body::from(reply.body)).unwrap()
}

/// Starts a server on 127.0.0.1 in its own thread and runtime, so its tasks and
/// logs stay apart from the test's (and a hanging handler blocks nothing).
fn start(responder: impl Fn(&Captured, usize) -> Reply + Send + Sync + 'static) -> Mock {
    let captured = Arc::new(Mutex::new(Vec::new()));
    let server = Arc::new(Server {
        captured: captured.clone(),
        responder: Arc::new(responder),
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let app = axum::Router::new().fallback(handle).with_state(server);
            axum::serve(listener, app).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    Mock { addr, captured }
}

fn fast_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    }
}

fn credentials() -> Credentials {
    Credentials::new(AK, SK)
}

fn client_for(endpoint: &str, credentials: Credentials, retry: RetryPolicy) -> BaiduClient {
    install_log_capture();
    let config = ClientConfig::new(credentials, "bj")
        .with_endpoint(endpoint)
        .with_retry(retry);
    BaiduClient::new(config).unwrap()
}

fn client(mock: &Mock, retry: RetryPolicy) -> BaiduClient {
    client_for(&mock.endpoint(), credentials(), retry)
}

fn token() -> CallOptions {
    CallOptions::new().with_client_token(TOKEN)
}

const PEERCONN_JSON: &str = r#"{"peerConnId":"peerconn-9td54fmx143e","role":"acceptor","status":"active",
 "bandwidthInMbps":10,"description":"","localIfId":"qpif-ken2yc9j8x56","localIfName":"if",
 "localVpcId":"vpc-peerbj000001","localRegion":"bj","peerVpcId":"vpc-demobj000001","peerRegion":"bj",
 "peerAccountId":"a0000000000000000000000000000001","paymentTiming":"Postpaid","dnsStatus":"close",
 "createdTime":"2024-01-01T00:00:00Z","expiredTime":"","tags":[],"deleteProtect":false,"newField":1}"#;

fn routing_responder(c: &Captured, _: usize) -> Reply {
    match (c.method.as_str(), c.raw_path.as_str()) {
        ("POST", "/v1/peerconn") => Reply::ok(r#"{"peerConnId":"peerconn-new000000001"}"#),
        ("GET", "/v1/peerconn") => Reply::ok(&format!(
            r#"{{"peerConns":[{PEERCONN_JSON}],"marker":"peerconn-abc","isTruncated":false,"maxKeys":2}}"#
        )),
        ("GET", _) => Reply::ok(PEERCONN_JSON),
        _ => Reply::empty(),
    }
}

// ---- request construction -----------------------------------------------------------

/// What Baidu's API documentation says each operation puts on the wire.
struct Expect<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    body: Option<&'a str>,
}

fn check(c: &Captured, e: &Expect<'_>, mock: &Mock) {
    assert_eq!(c.method, e.method, "method of {}", e.path);
    assert_eq!(c.raw_path, e.path);
    assert_eq!(c.raw_query, e.query, "query of {} {}", e.method, e.path);
    match e.body {
        Some(body) => {
            assert_eq!(String::from_utf8_lossy(&c.body), body);
            assert_eq!(
                c.header("content-length"),
                Some(body.len().to_string().as_str())
            );
        }
        None => assert!(c.body.is_empty(), "unexpected body on {}", e.path),
    }
    assert_eq!(c.header("content-type"), Some(CONTENT_TYPE_JSON));
    assert_eq!(c.header("host"), Some(mock.addr.to_string().as_str()));
    assert!(c
        .header("user-agent")
        .is_some_and(|ua| ua == baidu_vpc::client::USER_AGENT));
    let rid = c.header("x-bce-request-id").expect("request id");
    assert!(uuid::Uuid::parse_str(rid).is_ok(), "request id {rid}");
    c.assert_signed_by(SK);
}

#[tokio::test]
async fn every_operation_builds_the_documented_request() {
    let mock = start(routing_responder);
    let c = client(&mock, fast_retry(0));
    let t = token();

    let create = CreatePeerConnRequest::new(10, "vpc-y4p102r3mz6m", "vpc-4njbqurm0uag", "bj");
    let id = c.create_peerconn(&create, &t).await.unwrap();
    assert_eq!(id, "peerconn-new000000001");

    let page = c
        .list_peerconns(
            &ListPeerConnsQuery {
                vpc_id: Some("vpc-demobj000001".into()),
                marker: Some("peerconn-abc".into()),
                max_keys: Some(2),
            },
            &t,
        )
        .await
        .unwrap();
    assert_eq!(page.peer_conns.len(), 1);
    assert_eq!(page.marker, "peerconn-abc");

    let pc = c.get_peerconn(ID, Role::Acceptor, &t).await.unwrap();
    assert_eq!(pc.role, Some(Role::Acceptor));
    assert_eq!(pc.status, Some(PeerConnStatus::Active));
    assert_eq!(pc.local_if_id, "qpif-ken2yc9j8x56");

    let update = UpdatePeerConnRequest {
        local_if_id: "qpif-ken2yc9j8x56".into(),
        description: Some("new".into()),
        local_if_name: Some("if-1".into()),
    };
    c.update_peerconn(ID, &update, &t).await.unwrap();
    c.accept_peerconn(ID, &t).await.unwrap();
    c.reject_peerconn(ID, &t).await.unwrap();
    c.delete_peerconn(ID, &t).await.unwrap();
    c.resize_peerconn(ID, 20, &t).await.unwrap();
    c.renew_peerconn(ID, &RenewPeerConnRequest::new(3, "month"), &t)
        .await
        .unwrap();
    c.open_peerconn_dns_sync(ID, Role::Initiator, &t)
        .await
        .unwrap();
    c.close_peerconn_dns_sync(ID, Role::Acceptor, &t)
        .await
        .unwrap();
    c.refund_peerconn(ID, &t).await.unwrap();
    c.update_peerconn_delete_protect(ID, true, &t)
        .await
        .unwrap();

    let pc_path = format!("/v1/peerconn/{ID}");
    let tok = format!("clientToken={TOKEN}");
    let q = |flag: &str| format!("{flag}&{tok}");
    let expectations = [
        Expect {
            method: "POST",
            path: "/v1/peerconn",
            query: &tok,
            body: Some(
                r#"{"bandwidthInMbps":10,"localVpcId":"vpc-y4p102r3mz6m","peerVpcId":"vpc-4njbqurm0uag","peerRegion":"bj","billing":{"paymentTiming":"Postpaid"}}"#,
            ),
        },
        Expect {
            method: "GET",
            path: "/v1/peerconn",
            query: "vpcId=vpc-demobj000001&marker=peerconn-abc&maxKeys=2",
            body: None,
        },
        Expect {
            method: "GET",
            path: &pc_path,
            query: "role=acceptor",
            body: None,
        },
        Expect {
            method: "PUT",
            path: &pc_path,
            query: &tok,
            body: Some(
                r#"{"localIfId":"qpif-ken2yc9j8x56","description":"new","localIfName":"if-1"}"#,
            ),
        },
        Expect {
            method: "PUT",
            path: &pc_path,
            query: &q("accept"),
            body: None,
        },
        Expect {
            method: "PUT",
            path: &pc_path,
            query: &q("reject"),
            body: None,
        },
        Expect {
            method: "DELETE",
            path: &pc_path,
            query: &tok,
            body: None,
        },
        Expect {
            method: "PUT",
            path: &pc_path,
            query: &q("resize"),
            body: Some(r#"{"newBandwidthInMbps":20}"#),
        },
        Expect {
            method: "PUT",
            path: &pc_path,
            query: &q("purchaseReserved"),
            body: Some(
                r#"{"billing":{"reservation":{"reservationLength":3,"reservationTimeUnit":"month"}}}"#,
            ),
        },
        Expect {
            method: "PUT",
            path: &pc_path,
            query: &q("open&role=initiator"),
            body: None,
        },
        Expect {
            method: "PUT",
            path: &pc_path,
            query: &q("close&role=acceptor"),
            body: None,
        },
        Expect {
            method: "PUT",
            path: &pc_path,
            query: &q("refund"),
            body: None,
        },
        Expect {
            method: "PUT",
            path: &format!("{pc_path}/deleteProtect"),
            query: &tok,
            body: Some(r#"{"deleteProtect":true}"#),
        },
    ];
    let requests = mock.requests();
    assert_eq!(requests.len(), expectations.len());
    for (captured, expect) in requests.iter().zip(&expectations) {
        check(captured, expect, &mock);
    }
}

#[tokio::test]
async fn generated_client_tokens_are_uuids_and_differ_per_operation() {
    let mock = start(routing_responder);
    let c = client(&mock, fast_retry(0));
    c.accept_peerconn(ID, &CallOptions::new()).await.unwrap();
    c.accept_peerconn(ID, &CallOptions::new()).await.unwrap();
    let create = CreatePeerConnRequest::new(10, "a", "b", "bj");
    c.create_peerconn(&create, &CallOptions::new())
        .await
        .unwrap();
    let tokens: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| r.query_value("clientToken").expect("clientToken sent"))
        .collect();
    for t in &tokens {
        assert!(uuid::Uuid::parse_str(t).is_ok(), "{t}");
    }
    assert_ne!(tokens[0], tokens[1]);
    assert_ne!(tokens[1], tokens[2]);
}

#[tokio::test]
async fn sts_token_is_sent_as_signed_header() {
    let mock = start(routing_responder);
    let creds = credentials().with_session_token(STS);
    let c = client_for(&mock.endpoint(), creds, fast_retry(0));
    c.get_peerconn(ID, Role::Initiator, &token()).await.unwrap();
    let r = &mock.requests()[0];
    assert_eq!(r.header("x-bce-security-token"), Some(STS));
    let parsed = parse_authorization(r.header("authorization").unwrap()).unwrap();
    assert!(parsed
        .signed_headers
        .iter()
        .any(|h| h == "x-bce-security-token"));
    r.assert_signed_by(SK);
}

#[tokio::test]
async fn invalid_ids_and_tokens_never_reach_the_server() {
    let mock = start(routing_responder);
    let c = client(&mock, fast_retry(0));
    let err = c.delete_peerconn("../x", &token()).await.unwrap_err();
    assert!(matches!(err, ClientError::InvalidRequest { .. }), "{err}");
    let long = CallOptions::new().with_client_token("x".repeat(65));
    let err = c.accept_peerconn(ID, &long).await.unwrap_err();
    assert!(matches!(err, ClientError::InvalidRequest { .. }), "{err}");
    assert!(mock.requests().is_empty());
}

// ---- list pagination ----------------------------------------------------------------

fn page(ids: &[&str], next: Option<&str>) -> Reply {
    let items: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"peerConnId":"{id}","status":"active"}}"#))
        .collect();
    let tail = match next {
        Some(m) => format!(r#","isTruncated":true,"nextMarker":"{m}""#),
        None => r#","isTruncated":false"#.to_owned(),
    };
    Reply::ok(&format!(
        r#"{{"peerConns":[{}],"maxKeys":1000{tail}}}"#,
        items.join(",")
    ))
}

#[tokio::test]
async fn list_all_follows_next_marker_to_the_end() {
    let mock = start(|c, _| match c.query_value("marker").as_deref() {
        None => page(&["peerconn-a", "peerconn-b"], Some("peerconn-c")),
        Some("peerconn-c") => page(&["peerconn-c"], Some("peerconn-d/+=")),
        Some("peerconn-d/+=") => page(&["peerconn-d"], None),
        Some(other) => Reply::error(400, "InvalidMarker", other),
    });
    let c = client(&mock, fast_retry(0));
    let all = c
        .list_all_peerconns(Some("vpc-demobj000001"), &CallOptions::new())
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|p| p.peer_conn_id.as_str()).collect();
    assert_eq!(
        ids,
        ["peerconn-a", "peerconn-b", "peerconn-c", "peerconn-d"]
    );
    let queries: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| r.raw_query.clone())
        .collect();
    assert_eq!(
        queries,
        [
            "vpcId=vpc-demobj000001&maxKeys=1000",
            "vpcId=vpc-demobj000001&marker=peerconn-c&maxKeys=1000",
            "vpcId=vpc-demobj000001&marker=peerconn-d%2F%2B%3D&maxKeys=1000",
        ]
    );
    for r in mock.requests() {
        r.assert_signed_by(SK);
    }
}

#[tokio::test]
async fn list_all_refuses_a_marker_that_does_not_advance() {
    let mock = start(|_, _| page(&["peerconn-a"], Some("same")));
    let c = client(&mock, fast_retry(0));
    let err = c
        .list_all_peerconns(None, &CallOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Decode { .. }), "{err}");
    assert_eq!(mock.requests().len(), 2);
    assert_eq!(mock.requests()[0].raw_query, "maxKeys=1000");
}

// ---- retries ------------------------------------------------------------------------

/// A clock that moves 7 s per reading, so every attempt is signed at a new time.
fn ticking_clock() -> Clock {
    let t = Arc::new(AtomicI64::new(1_700_000_000));
    Clock::from_fn(move || {
        let secs = t.fetch_add(7, Ordering::SeqCst);
        time::OffsetDateTime::from_unix_timestamp(secs).unwrap()
    })
}

#[tokio::test]
async fn retries_reuse_the_client_token_and_re_sign_each_attempt() {
    let mock = start(|_, n| match n {
        0 => Reply::error(503, "ServiceUnavailable", "r1"),
        1 => Reply {
            status: 502,
            body: b"<html>bad gateway</html>".to_vec(),
            request_id: None,
            delay: None,
            retry_after: None,
        },
        2 => Reply::error(400, "RequestExpired", "r3"),
        3 => Reply::error(429, "TooManyRequests", "r4"),
        _ => Reply::ok(r#"{"peerConnId":"peerconn-new000000001"}"#),
    });
    let mut config = ClientConfig::new(credentials(), "bj")
        .with_endpoint(mock.endpoint())
        .with_retry(fast_retry(5));
    config.clock = ticking_clock();
    let c = BaiduClient::new(config).unwrap();
    let create = CreatePeerConnRequest::new(10, "vpc-a", "vpc-b", "bj");
    // No token given: the client makes one for the operation and keeps it.
    let id = c
        .create_peerconn(&create, &CallOptions::new())
        .await
        .unwrap();
    assert_eq!(id, "peerconn-new000000001");

    let requests = mock.requests();
    assert_eq!(requests.len(), 5);
    let token = requests[0].query_value("clientToken").unwrap();
    let mut dates = Vec::new();
    let mut signatures = Vec::new();
    let mut request_ids = Vec::new();
    for r in &requests {
        assert_eq!(
            r.query_value("clientToken").as_deref(),
            Some(token.as_str())
        );
        assert_eq!(r.body, requests[0].body, "body identical on every attempt");
        r.assert_signed_by(SK);
        dates.push(r.header("x-bce-date").unwrap().to_owned());
        signatures.push(r.header("authorization").unwrap().to_owned());
        request_ids.push(r.header("x-bce-request-id").unwrap().to_owned());
    }
    for list in [&dates, &signatures, &request_ids] {
        let mut unique = list.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), list.len(), "not fresh per attempt: {list:?}");
    }
}

#[tokio::test]
async fn a_throttled_answer_carries_baidus_retry_after() {
    let mock = start(|_, _| Reply {
        retry_after: Some(7),
        ..Reply::error(429, "TooManyRequests", "r-429")
    });
    let c = client(&mock, RetryPolicy::no_retries());
    let err = c.accept_peerconn(ID, &token()).await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert!(api.is_throttled());
    assert_eq!(api.retry_after, Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_error() {
    let mock = start(|_, n| Reply::error(500, "InternalError", &format!("rid-{}", n + 1)));
    let c = client(&mock, fast_retry(2));
    let err = c.accept_peerconn(ID, &token()).await.unwrap_err();
    assert_eq!(mock.requests().len(), 3);
    let api = err.api_error().expect("api error");
    assert_eq!(api.status, 500);
    assert_eq!(api.request_id.as_deref(), Some("rid-3"));
    assert_eq!(api.operation, Operation::AcceptPeerConn);
    let text = err.to_string();
    assert!(text.contains("AcceptPeerConn") && text.contains(ID) && text.contains("rid-3"));
    assert!(!text.contains(SK));
    for r in mock.requests() {
        assert_eq!(r.query_value("clientToken").as_deref(), Some(TOKEN));
    }
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for (status, code) in [
        (400, "InvalidParameter"),
        (404, "NoSuchObject"),
        (403, "AccessDenied"),
        (409, "Conflict"),
        (400, "SignatureDoesNotMatch"),
    ] {
        let mock = start(move |_, _| Reply::error(status, code, "rid"));
        let c = client(&mock, fast_retry(3));
        let err = c.resize_peerconn(ID, 5, &token()).await.unwrap_err();
        assert_eq!(mock.requests().len(), 1, "{status} {code} was retried");
        assert_eq!(err.api_error().unwrap().code, code);
    }
}

#[tokio::test]
async fn per_attempt_timeout_is_retried() {
    let mock = start(|_, n| Reply {
        delay: (n == 0).then_some(Duration::from_secs(30)),
        retry_after: None,
        ..Reply::ok(PEERCONN_JSON)
    });
    let config = ClientConfig::new(credentials(), "bj")
        .with_endpoint(mock.endpoint())
        .with_retry(fast_retry(2))
        .with_request_timeout(Duration::from_millis(800));
    let c = BaiduClient::new(config).unwrap();
    let pc = c.get_peerconn(ID, Role::Initiator, &token()).await.unwrap();
    assert_eq!(pc.peer_conn_id, ID);
    assert_eq!(mock.requests().len(), 2);

    let no_retry = ClientConfig::new(credentials(), "bj")
        .with_endpoint(mock.endpoint())
        .with_retry(fast_retry(0))
        .with_request_timeout(Duration::from_millis(800));
    let mock2 = start(|_, _| Reply {
        delay: Some(Duration::from_secs(30)),
        retry_after: None,
        ..Reply::ok(PEERCONN_JSON)
    });
    let c = BaiduClient::new(ClientConfig {
        endpoint: Some(mock2.endpoint()),
        ..no_retry
    })
    .unwrap();
    let err = c
        .get_peerconn(ID, Role::Initiator, &token())
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Timeout { .. }), "{err}");
    assert!(err.is_retryable());
}

/// A raw TCP server: drops the first `drops` connections after reading the
/// request head, then answers 200 with `body`. Records each request head.
fn start_dropping(drops: usize, body: &'static str) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut content_length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    content_length = v.trim().parse().unwrap_or(0);
                }
                let end = line == "\r\n";
                head.push_str(&line);
                if end {
                    break;
                }
            }
            let mut request_body = vec![0; content_length];
            let _ = reader.read_exact(&mut request_body);
            seen.lock().unwrap().push(head);
            if n < drops {
                drop(stream);
                continue;
            }
            let resp = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(resp.as_bytes());
        }
    });
    (addr, heads)
}

#[tokio::test]
async fn connection_errors_are_retried_with_the_same_token() {
    let (addr, heads) = start_dropping(2, r#"{"peerConnId":"peerconn-new000000001"}"#);
    let c = client_for(&format!("http://{addr}"), credentials(), fast_retry(3));
    let create = CreatePeerConnRequest::new(10, "vpc-a", "vpc-b", "bj");
    let id = c.create_peerconn(&create, &token()).await.unwrap();
    assert_eq!(id, "peerconn-new000000001");
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 3);
    for head in &heads {
        assert!(
            head.starts_with(&format!("POST /v1/peerconn?clientToken={TOKEN} HTTP/1.1")),
            "{head}"
        );
    }
}

#[tokio::test]
async fn unreachable_endpoint_is_a_transport_error() {
    // Bind then close a port so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = client_for(
        &format!("http://127.0.0.1:{port}"),
        credentials(),
        fast_retry(1),
    );
    let err = c
        .get_peerconn(ID, Role::Initiator, &token())
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Transport { .. }), "{err}");
    assert!(err.is_retryable() && !err.is_not_found());
    assert!(err
        .to_string()
        .starts_with(&format!("GetPeerConn {ID} failed")));
}

// ---- cancellation and deadlines -----------------------------------------------------

fn slow_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 5,
        base_delay: Duration::from_secs(3600),
        max_delay: Duration::from_secs(3600),
    }
}

#[tokio::test]
async fn cancellation_cuts_a_backoff_short() {
    let mock = start(|_, _| Reply::error(503, "ServiceUnavailable", "rid-503"));
    let c = client(&mock, slow_retry());
    let cancel = CancellationToken::new();
    let opts = token().with_cancel(cancel.clone());
    let call = tokio::spawn(async move { c.delete_peerconn(ID, &opts).await });
    // Cancel once the first attempt failed and the client logged that it backs
    // off (for an hour).
    while !log_lines()
        .iter()
        .any(|l| l.contains("retrying") && l.contains("DeletePeerConn") && l.contains("rid-503"))
    {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    cancel.cancel();
    let err = call.await.unwrap().unwrap_err();
    match &err {
        ClientError::Cancelled {
            context,
            last_error,
        } => {
            assert_eq!(context.operation, Operation::DeletePeerConn);
            let last = last_error.as_deref().expect("last error kept");
            assert_eq!(last.api_error().unwrap().status, 503);
        }
        other => panic!("unexpected {other}"),
    }
    assert_eq!(err.request_id(), Some("rid-503"));
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn cancellation_cuts_an_in_flight_request_short() {
    let mock = start(|_, _| Reply {
        delay: Some(Duration::from_secs(3600)),
        retry_after: None,
        ..Reply::empty()
    });
    let c = client(&mock, fast_retry(0));
    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = c
        .accept_peerconn(ID, &token().with_cancel(cancel))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Cancelled { .. }), "{err}");

    let cancel = CancellationToken::new();
    let opts = token().with_cancel(cancel.clone());
    let c2 = client(&mock, fast_retry(0));
    let call = tokio::spawn(async move { c2.accept_peerconn(ID, &opts).await });
    while mock.requests().is_empty() {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    cancel.cancel();
    let err = call.await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Cancelled {
                last_error: None,
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_deadline_stops_retrying_with_the_last_error() {
    let mock = start(|_, _| Reply::error(503, "ServiceUnavailable", "rid-d"));
    let c = client(&mock, slow_retry());
    let opts = token().with_timeout(Duration::from_secs(600));
    let err = c.refund_peerconn(ID, &opts).await.unwrap_err();
    // The hour-long backoff would pass the deadline: stop now, not in ten minutes.
    match &err {
        ClientError::DeadlineExceeded { last_error, .. } => {
            assert_eq!(
                last_error.as_deref().unwrap().api_error().unwrap().status,
                503
            );
        }
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains("rid-d"));
    assert_eq!(mock.requests().len(), 1);
}

// ---- not found and bad bodies -------------------------------------------------------

#[tokio::test]
async fn not_found_detection() {
    let cases: Vec<(Reply, bool)> = vec![
        (Reply::empty(), true),
        (Reply::ok("null"), true),
        (Reply::ok("{}"), true),
        (Reply::error(404, "NoSuchObject", "r"), true),
        // Empty, but with Baidu's x-bce-request-id header: Baidu's own 404.
        (
            Reply {
                status: 404,
                body: vec![],
                request_id: Some("r".into()),
                delay: None,
                retry_after: None,
            },
            true,
        ),
        // Empty and anonymous: not trusted as "gone" (see the HTML test below).
        (
            Reply {
                status: 404,
                body: Vec::new(),
                request_id: None,
                delay: None,
                retry_after: None,
            },
            false,
        ),
        (Reply::error(400, "ResourceNotFound", "r"), true),
        (Reply::error(400, "InvalidParameter", "r"), false),
        (Reply::error(403, "AccessDenied", "r"), false),
    ];
    for (reply, not_found) in cases {
        let r = reply.clone();
        let mock = start(move |_, _| r.clone());
        let c = client(&mock, fast_retry(0));
        let got = c.get_peerconn(ID, Role::Initiator, &token()).await;
        let err = got.unwrap_err();
        assert_eq!(err.is_not_found(), not_found, "{reply:?}: {err}");
        let found = c.find_peerconn(ID, Role::Initiator, &token()).await;
        if not_found {
            assert_eq!(found.unwrap(), None);
        } else {
            assert!(found.is_err());
        }
    }
}

/// A proxy's or a wrong endpoint path's 404 page must not read as "the peering is
/// gone" (Terraform would drop it from state); Baidu's own 404 error still does.
#[tokio::test]
async fn a_404_is_not_found_only_with_baidus_json_error() {
    let page = b"<html><head><title>404 Not Found</title></head><body>nginx</body></html>";
    let html = Reply {
        status: 404,
        body: page.to_vec(),
        request_id: None,
        delay: None,
        retry_after: None,
    };
    let mock = start(move |_, _| html.clone());
    let c = client(&mock, fast_retry(2));
    let err = c
        .get_peerconn(ID, Role::Initiator, &token())
        .await
        .unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, 404);
    assert!(!api.service_error);
    assert!(!err.is_not_found() && !err.is_retryable(), "{err}");
    let text = err.to_string();
    assert!(text.contains("HTTP 404"), "{text}");
    assert!(
        text.contains(&format!(
            "the endpoint answered 404 with a non-JSON body of {} bytes, not a Baidu API error",
            page.len()
        )),
        "{text}"
    );
    assert!(!text.contains("nginx") && !text.contains("<html"), "{text}");
    let found = c.find_peerconn(ID, Role::Initiator, &token()).await;
    assert!(found.is_err(), "{found:?}");
    let deleted = c.delete_peerconn(ID, &token()).await.unwrap_err();
    assert!(!deleted.is_not_found(), "{deleted}");
    // Not retried: one request per call.
    assert_eq!(mock.requests().len(), 3);

    let mock = start(|_, _| Reply::error(404, "NoSuchObject", "rid-404"));
    let c = client(&mock, fast_retry(2));
    let err = c
        .get_peerconn(ID, Role::Initiator, &token())
        .await
        .unwrap_err();
    assert!(err.api_error().is_some_and(|e| e.service_error));
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.request_id(), Some("rid-404"));
    let found = c.find_peerconn(ID, Role::Initiator, &token()).await;
    assert_eq!(found.unwrap(), None);
    let deleted = c.delete_peerconn(ID, &token()).await.unwrap_err();
    assert!(deleted.is_not_found(), "{deleted}");
}

#[tokio::test]
async fn garbage_and_html_bodies_become_errors() {
    for body in [
        &b"<html><body>oops</body></html>"[..],
        b"\xff\xfe\x00",
        b"[1,2",
        b"42",
    ] {
        let reply = Reply {
            status: 200,
            body: body.to_vec(),
            request_id: Some("rid-g".into()),
            delay: None,
            retry_after: None,
        };
        let mock = start(move |_, _| reply.clone());
        let c = client(&mock, fast_retry(0));
        let err = c
            .get_peerconn(ID, Role::Initiator, &token())
            .await
            .unwrap_err();
        assert!(matches!(err, ClientError::Decode { .. }), "{err}");
        assert!(!err.is_not_found());
        assert_eq!(err.request_id(), Some("rid-g"));
        let create = CreatePeerConnRequest::new(1, "a", "b", "bj");
        let err = c.create_peerconn(&create, &token()).await.unwrap_err();
        assert!(matches!(err, ClientError::Decode { .. }), "{err}");
    }
    // An empty success answer to create is an error, and not "not found".
    let mock = start(|_, _| Reply::empty());
    let c = client(&mock, fast_retry(0));
    let create = CreatePeerConnRequest::new(1, "a", "b", "bj");
    let err = c.create_peerconn(&create, &token()).await.unwrap_err();
    assert!(matches!(err, ClientError::EmptyBody { .. }) && !err.is_not_found());
    // An empty list answer is an empty list.
    let page = c
        .list_peerconns(&ListPeerConnsQuery::default(), &token())
        .await
        .unwrap();
    assert!(page.peer_conns.is_empty() && !page.is_truncated);
}

// ---- the waiter against the server --------------------------------------------------

#[tokio::test]
async fn waiter_polls_get_until_target() {
    let mock = start(|_, n| {
        let status = ["creating", "creating", "starting", "active"][n.min(3)];
        Reply::ok(&format!(r#"{{"peerConnId":"{ID}","status":"{status}"}}"#))
    });
    let c = client(&mock, fast_retry(0));
    let wait = WaitConfig {
        first_interval: Duration::from_millis(1),
        max_interval: Duration::from_millis(5),
        ..WaitConfig::default()
    };
    use PeerConnStatus::*;
    let got = c
        .wait_peerconn_status(ID, Role::Initiator, &[Active, Consulting], &[Error], &wait)
        .await
        .unwrap();
    assert_eq!(got, Active);
    let requests = mock.requests();
    assert_eq!(requests.len(), 4);
    assert!(requests.iter().all(|r| r.raw_query == "role=initiator"));
}

#[tokio::test]
async fn waiter_reads_a_vanished_peering_as_deleted_and_reports_failures() {
    let mock = start(|_, n| match n {
        0 => Reply::ok(&format!(r#"{{"peerConnId":"{ID}","status":"deleting"}}"#)),
        _ => Reply::error(404, "NoSuchObject", "r"),
    });
    let c = client(&mock, fast_retry(0));
    let wait = WaitConfig {
        first_interval: Duration::from_millis(1),
        ..WaitConfig::default()
    };
    let got = c
        .wait_peerconn_status(ID, Role::Initiator, &[PeerConnStatus::Deleted], &[], &wait)
        .await
        .unwrap();
    assert_eq!(got, PeerConnStatus::Deleted);

    let mock = start(|_, _| {
        Reply::ok(&format!(
            r#"{{"peerConnId":"{ID}","status":"consult_failed"}}"#
        ))
    });
    let c = client(&mock, fast_retry(0));
    let err = c
        .wait_peerconn_status(
            ID,
            Role::Initiator,
            &[PeerConnStatus::Active],
            &[PeerConnStatus::ConsultFailed],
            &wait,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            WaitError::Failed {
                status: PeerConnStatus::ConsultFailed
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn dns_waiter_polls_the_requested_side_until_open() {
    let mock = start(|_, n| {
        let dns = ["close", "wait", "syncing", "open"][n.min(3)];
        Reply::ok(&format!(
            r#"{{"peerConnId":"{ID}","status":"active","dnsStatus":"{dns}"}}"#
        ))
    });
    let c = client(&mock, fast_retry(0));
    let wait = WaitConfig {
        first_interval: Duration::from_millis(1),
        ..WaitConfig::default()
    };
    let got = c
        .wait_peerconn_dns_status(ID, Role::Acceptor, &[DnsStatus::Open], &[], &wait)
        .await
        .unwrap();
    assert_eq!(got, DnsStatus::Open);
    let requests = mock.requests();
    assert_eq!(requests.len(), 4);
    assert!(requests.iter().all(|r| r.raw_query == "role=acceptor"));

    // A peering that vanishes mid-wait ends it with a not-found error.
    let mock = start(|_, _| Reply::error(404, "NoSuchObject", "r"));
    let c = client(&mock, fast_retry(0));
    let err = c
        .wait_peerconn_dns_status(ID, Role::Initiator, &[DnsStatus::Open], &[], &wait)
        .await
        .unwrap_err();
    match err {
        WaitError::Poll { error, last: None } => assert!(error.is_not_found()),
        other => panic!("unexpected {other}"),
    }
}

#[tokio::test]
async fn waiter_times_out_with_last_status() {
    let mock = start(|_, _| Reply::ok(&format!(r#"{{"peerConnId":"{ID}","status":"updating"}}"#)));
    let c = client(&mock, fast_retry(0));
    let wait = WaitConfig {
        first_interval: Duration::from_millis(1),
        max_interval: Duration::from_millis(10),
        ..WaitConfig::default()
    }
    .with_timeout(Duration::from_millis(600));
    let err = c
        .wait_peerconn_status(ID, Role::Initiator, &[PeerConnStatus::Active], &[], &wait)
        .await
        .unwrap_err();
    assert!(matches!(err, WaitError::TimedOut { .. }), "{err}");
    assert_eq!(err.last_status(), Some(&PeerConnStatus::Updating));
}

// ---- log capture and redaction ------------------------------------------------------
//
// One global subscriber for the whole test binary, installed before the first
// client is built: tracing caches per-callsite interest process-wide, so a
// thread-local subscriber would miss events whose callsites other tests (on
// other threads) registered first.

static LOGS: std::sync::OnceLock<Arc<Mutex<String>>> = std::sync::OnceLock::new();

fn install_log_capture() {
    LOGS.get_or_init(|| {
        use tracing_subscriber::layer::SubscriberExt;
        let capture = CaptureLayer::default();
        let subscriber = tracing_subscriber::registry().with(capture.clone());
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
        capture.0
    });
}

fn log_lines() -> Vec<String> {
    LOGS.get()
        .map(|l| l.lock().unwrap().lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Records every event and span field as text.
#[derive(Clone, Default)]
struct CaptureLayer(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, "{}={} ", field.name(), value);
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CaptureLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut out = self.0.lock().unwrap();
        let _ = write!(
            out,
            "[{} {}] ",
            event.metadata().level(),
            event.metadata().target()
        );
        event.record(&mut Fields(&mut out));
        out.push('\n');
    }

    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut out = self.0.lock().unwrap();
        let _ = write!(out, "[span {}] ", attrs.metadata().name());
        attrs.record(&mut Fields(&mut out));
        out.push('\n');
    }
}

#[tokio::test]
async fn logs_and_debug_output_never_contain_secrets() {
    let mock = start(|c, n| match (c.method.as_str(), n) {
        (_, 0) => Reply::error(503, "ServiceUnavailable", "rid-redact-1"),
        ("POST", _) => Reply {
            request_id: Some("rid-redact-2".into()),
            ..Reply::ok(r#"{"peerConnId":"peerconn-new000000001"}"#)
        },
        ("GET", _) => Reply::error(404, "NoSuchObject", "rid-redact-3"),
        _ => Reply::empty(),
    });
    let creds = credentials().with_session_token(STS);
    let c = client_for(&mock.endpoint(), creds, fast_retry(2));
    let create = CreatePeerConnRequest::new(10, "vpc-a", "vpc-b", "bj");
    c.create_peerconn(&create, &token()).await.unwrap();
    let err = c
        .get_peerconn(ID, Role::Initiator, &token())
        .await
        .unwrap_err();

    let lines = log_lines();
    let has = |needles: &[&str]| lines.iter().any(|l| needles.iter().all(|n| l.contains(n)));
    // Our per-attempt call log is there, with the fields that matter.
    for needles in [
        &[
            "baidu api call",
            "operation=CreatePeerConn",
            "method=POST",
            "path=/v1/peerconn",
            "status=503",
            "request_id=rid-redact-1",
            "attempt=1",
            "duration_ms=",
        ][..],
        &["retrying", "operation=CreatePeerConn", "rid-redact-1"],
        &[
            "baidu api call",
            "status=200",
            "request_id=rid-redact-2",
            "attempt=2",
        ],
        &[
            "baidu api call",
            "operation=GetPeerConn",
            "resource_id=peerconn-9td54fmx143e",
            "status=404",
            "request_id=rid-redact-3",
        ],
    ] {
        assert!(
            has(needles),
            "no log line with {needles:?}:\n{}",
            lines.join("\n")
        );
    }
    // Nothing any test of this binary logged contains a secret or a signature.
    let all = lines.join("\n");
    let debug = format!("{c:?} {c:#?} {err:?} {err}");
    for secret in [SK, STS, "bce-auth-v1/"] {
        assert!(!all.contains(secret), "logs leak {secret}:\n{all}");
        assert!(!debug.contains(secret), "debug leaks {secret}: {debug}");
    }
    // The server did get them: redaction is in what we print, not what we send.
    let sent = mock.requests();
    assert!(sent.iter().all(|r| r
        .header("authorization")
        .is_some_and(|a| a.starts_with("bce-auth-v1/"))));
    assert_eq!(sent[0].header("x-bce-security-token"), Some(STS));
}
