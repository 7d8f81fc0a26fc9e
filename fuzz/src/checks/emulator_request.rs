//! The emulator's request handling, in process: a sequence of requests (Baidu
//! API calls, mostly correctly signed so they get past authentication, plus
//! raw garbage and admin calls) through `Emulator::router()` with arbitrary
//! methods, paths, queries, headers and bodies. The emulator is reset at the
//! start of every input, so each input is one deterministic session.
//!
//! Checked after every request: an answer comes (no hang, no panic); no 5xx
//! unless this input installed faults; every API error is Baidu's JSON
//! (`code`, `message`, `requestId` = the `x-bce-request-id` header). After the
//! sequence: the state dump is JSON, live ids are unique, no VPC pair has two
//! live peerings and no VPC is over its quota.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use baidu_vpc_emulator::{Emulator, EmulatorConfig};
use bce_auth::signer::{self, RequestToSign, SigningParams};
use bce_auth::uri::{decode_path, decode_query};
use bce_auth::Credentials;
use http::{HeaderName, HeaderValue, Method, Request};
use serde_json::{json, Value};
use tower::ServiceExt;

use super::cursor::Cursor;

const HOST: &str = "127.0.0.1:8080";
/// Longest sequence per input.
const MAX_REQUESTS: usize = 8;
/// Generous: a request is in-process and the harness caps injected latency.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Injected latency the harness lets through (latency is an operator feature,
/// not a bug, and would only make the fuzzer slow).
const MAX_LATENCY_MS: u64 = 5;

struct Harness {
    runtime: tokio::runtime::Runtime,
    router: Router,
    per_vpc_quota: usize,
}

thread_local! {
    static HARNESS: RefCell<Option<Harness>> = const { RefCell::new(None) };
}

fn with_harness(f: impl FnOnce(&Harness)) {
    HARNESS.with(|cell| {
        let mut slot = cell.borrow_mut();
        let harness = slot.get_or_insert_with(|| {
            let config = EmulatorConfig::demo();
            let per_vpc_quota = config.quotas.per_vpc;
            let emulator = Emulator::new(config).expect("the demo configuration is valid");
            Harness {
                runtime: tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a current-thread runtime builds"),
                router: emulator.router(),
                per_vpc_quota,
            }
        });
        f(harness);
    });
}

/// (access key, secret key) of the demo accounts, and a wrong pair.
const KEYS: [(&str, &str); 3] = [
    (
        "DEMOAK00000000000000000000000001",
        "DEMOSK00000000000000000000000001",
    ),
    (
        "DEMOAK00000000000000000000000002",
        "DEMOSK00000000000000000000000002",
    ),
    ("DEMOAK00000000000000000000000001", "wrong-secret"),
];

const VPCS: [&str; 8] = [
    "vpc-demobj000001",
    "vpc-demobj000002",
    "vpc-demogz000001",
    "vpc-peerbj000001",
    "vpc-peergz000001",
    "vpc-unknown00001",
    "",
    "vpc-demobj000001/../x",
];

const REGIONS: [&str; 5] = ["bj", "gz", "su", "", "BJ"];

const STATUSES: [&str; 16] = [
    "creating",
    "consulting",
    "consult_failed",
    "active",
    "down",
    "starting",
    "stopping",
    "deleting",
    "deleted",
    "expired",
    "error",
    "updating",
    "open",
    "close",
    "",
    "ACTIVE",
];

/// Numbers that sit on rule boundaries or break naive arithmetic.
fn interesting_number(c: &mut Cursor<'_>) -> Value {
    match c.below(16) {
        0 => json!(0),
        1 => json!(1),
        2 => json!(10),
        3 => json!(10_000),
        4 => json!(10_001),
        5 => json!(-1),
        6 => json!(i64::MAX),
        7 => json!(i64::MIN),
        8 => json!(u64::MAX),
        9 => json!(1.5),
        10 => json!("10"),
        11 => Value::Null,
        12 => json!(1e300),
        13 => json!(true),
        14 => serde_json::from_str("123456789012345678901234567890").unwrap_or(Value::Null),
        _ => json!(c.u32()),
    }
}

fn interesting_string(c: &mut Cursor<'_>, pool: &[&str]) -> Value {
    match c.below(8) {
        0 => Value::Null,
        1 => json!(c.string(24)),
        2 => json!(12),
        3 => json!("x".repeat(300)),
        _ => json!(c.pick(pool)),
    }
}

fn billing(c: &mut Cursor<'_>) -> Value {
    let timing = interesting_string(c, &["Postpaid", "Prepaid", "prepaid", "Free"]);
    match c.below(4) {
        0 => json!({ "paymentTiming": timing }),
        1 => json!({
            "paymentTiming": timing,
            "reservation": {
                "reservationLength": interesting_number(c),
                "reservationTimeUnit": interesting_string(c, &["month", "Month", "year"]),
            }
        }),
        2 => Value::Null,
        _ => json!("Postpaid"),
    }
}

fn create_body(c: &mut Cursor<'_>) -> Value {
    let mut body = json!({
        "bandwidthInMbps": interesting_number(c),
        "localVpcId": interesting_string(c, &VPCS),
        "peerVpcId": interesting_string(c, &VPCS),
        "peerRegion": interesting_string(c, &REGIONS),
    });
    let extras = c.byte();
    if extras & 1 != 0 {
        body["billing"] = billing(c);
    }
    if extras & 2 != 0 {
        body["peerAccountId"] = interesting_string(
            c,
            &[
                "a0000000000000000000000000000002",
                "a0000000000000000000000000000001",
                "a0000000000000000000000000000009",
            ],
        );
    }
    if extras & 4 != 0 {
        body["tags"] = match c.below(3) {
            0 => json!([{ "tagKey": c.string(8), "tagValue": c.string(8) }]),
            1 => json!([1, null, "x"]),
            _ => json!({ "k": "v" }),
        };
    }
    if extras & 8 != 0 {
        body["localIfName"] = interesting_string(c, &["if-a", ""]);
        body["peerIfName"] = interesting_string(c, &["if-b", ""]);
    }
    if extras & 16 != 0 {
        body["deleteProtect"] = match c.below(3) {
            0 => json!(true),
            1 => json!(false),
            _ => json!("yes"),
        };
    }
    if extras & 32 != 0 {
        body["description"] = interesting_string(c, &["d", ""]);
    }
    if extras & 64 != 0 {
        body["resourceGroupId"] = interesting_string(c, &["rg-1"]);
    }
    body
}

/// An API call built from the 13 operations' shapes, with chosen ids, flags and bodies.
fn api_call(
    c: &mut Cursor<'_>,
    ids: &[String],
) -> (Method, String, Vec<(String, String)>, Vec<u8>) {
    let id = if !ids.is_empty() && c.below(4) != 0 {
        ids[c.below(ids.len())].clone()
    } else {
        match c.below(4) {
            0 => "peerconn-000000000000".to_owned(),
            1 => c.string(20),
            2 => "peerconn-abc/../../x".to_owned(),
            _ => String::new(),
        }
    };
    let mut query: Vec<(String, String)> = Vec::new();
    let token = |c: &mut Cursor<'_>| match c.below(5) {
        0 => "t1".to_owned(),
        1 => "t2".to_owned(),
        2 => "x".repeat(65),
        _ => c.string(16),
    };
    if c.below(2) == 0 {
        query.push(("clientToken".into(), token(c)));
    }
    let role = |c: &mut Cursor<'_>| interesting_string(c, &["initiator", "acceptor", "both"]);
    let path = format!("/v1/peerconn/{id}");
    let (method, path, body) = match c.below(13) {
        0 => (Method::POST, "/v1/peerconn".to_owned(), create_body(c)),
        1 => {
            if c.bool() {
                query.push(("vpcId".into(), c.pick(&VPCS).to_owned()));
            }
            if c.bool() {
                let marker = if ids.is_empty() {
                    c.string(12)
                } else {
                    ids[c.below(ids.len())].clone()
                };
                query.push(("marker".into(), marker));
            }
            if c.bool() {
                query.push(("maxKeys".into(), interesting_number(c).to_string()));
            }
            (Method::GET, "/v1/peerconn".to_owned(), Value::Null)
        }
        2 => {
            if c.bool() {
                query.push(("role".into(), role(c).as_str().unwrap_or("x").to_owned()));
            }
            (Method::GET, path, Value::Null)
        }
        3 => (
            Method::PUT,
            path,
            json!({
                "localIfId": interesting_string(c, &["qpif-000000000000"]),
                "localIfName": interesting_string(c, &["n"]),
                "description": interesting_string(c, &["d"]),
            }),
        ),
        4 => {
            query.push(("accept".into(), String::new()));
            (Method::PUT, path, Value::Null)
        }
        5 => {
            query.push(("reject".into(), String::new()));
            (Method::PUT, path, Value::Null)
        }
        6 => (Method::DELETE, path, Value::Null),
        7 => {
            query.push(("resize".into(), String::new()));
            (
                Method::PUT,
                path,
                json!({ "newBandwidthInMbps": interesting_number(c) }),
            )
        }
        8 => {
            query.push(("purchaseReserved".into(), String::new()));
            (Method::PUT, path, json!({ "billing": billing(c) }))
        }
        9 | 10 => {
            let flag = if c.bool() { "open" } else { "close" };
            query.push((flag.into(), String::new()));
            if c.bool() {
                query.push(("role".into(), role(c).as_str().unwrap_or("").to_owned()));
            }
            (Method::PUT, path, Value::Null)
        }
        11 => {
            query.push(("refund".into(), String::new()));
            (Method::PUT, path, Value::Null)
        }
        _ => (
            Method::PUT,
            format!("{path}/deleteProtect"),
            json!({ "deleteProtect": interesting_number(c) }),
        ),
    };
    // Sometimes a second action flag, or a wrong method.
    let method = match c.below(16) {
        0 => Method::PATCH,
        1 => Method::HEAD,
        _ => method,
    };
    if c.below(16) == 0 {
        query.push(("accept".into(), String::new()));
    }
    let body = if body.is_null() {
        Vec::new()
    } else {
        serde_json::to_vec(&body).unwrap_or_default()
    };
    (method, path, query, body)
}

/// Anything at all: method, path, query and body straight from the input.
fn raw_call(c: &mut Cursor<'_>) -> (Method, String, Vec<(String, String)>, Vec<u8>) {
    let method = match c.below(8) {
        0 => Method::GET,
        1 => Method::POST,
        2 => Method::PUT,
        3 => Method::DELETE,
        4 => Method::OPTIONS,
        _ => Method::from_bytes(c.bytes(8)).unwrap_or(Method::GET),
    };
    let path = match c.below(4) {
        0 => format!("/v1/peerconn{}", c.string(32)),
        1 => format!("/__emulator/{}", c.string(32)),
        _ => c.string(48),
    };
    let query = decode_query(&c.string(48));
    let body = c.bytes(256).to_vec();
    (method, path, query, body)
}

fn cap_latency(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "latency_ms" || key == "latencyMs" {
                    *v = json!(MAX_LATENCY_MS);
                } else {
                    cap_latency(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(cap_latency),
        _ => {}
    }
}

/// An admin call; returns whether it may install faults.
fn admin_call(c: &mut Cursor<'_>, ids: &[String]) -> (Method, String, Vec<u8>, bool) {
    let id = if ids.is_empty() || c.below(4) == 0 {
        c.string(16)
    } else {
        ids[c.below(ids.len())].clone()
    };
    let body = |v: Value| serde_json::to_vec(&v).unwrap_or_default();
    match c.below(10) {
        0 => (Method::GET, "/__emulator/state".into(), Vec::new(), false),
        1 => (
            Method::POST,
            "/__emulator/clock/advance".into(),
            body(json!({ "seconds": interesting_number(c) })),
            false,
        ),
        2 => {
            let keys = [
                "creating",
                "updating",
                "deleting",
                "dns_wait",
                "all",
                "consult_timeout",
            ];
            let key = c.pick(&keys);
            let value = match c.below(6) {
                0 => json!("stuck"),
                1 => json!("0"),
                2 => json!("99999999999999d"),
                3 => interesting_number(c),
                _ => json!(c.string(8)),
            };
            (
                Method::PUT,
                "/__emulator/timing".into(),
                body(json!({ key: value })),
                false,
            )
        }
        3 => (
            Method::POST,
            format!("/__emulator/peerconns/{id}/status"),
            body(json!({
                "status": interesting_string(c, &STATUSES),
                "dnsStatus": interesting_string(c, &STATUSES),
                "role": interesting_string(c, &["initiator", "acceptor"]),
            })),
            false,
        ),
        4 => (
            Method::DELETE,
            format!("/__emulator/peerconns/{id}"),
            Vec::new(),
            false,
        ),
        5 => (
            Method::GET,
            format!("/__emulator/requests?since={}", interesting_number(c)),
            Vec::new(),
            false,
        ),
        6 => {
            let rule = json!({
                "operation": interesting_string(c, &["CreatePeerConn", "*", "GetPeerConnDetail"]),
                "error_rate": interesting_number(c),
                "drop_rate": interesting_number(c),
                "fail_next": interesting_number(c),
                "phase": interesting_string(c, &["before", "after"]),
                "error": { "status": interesting_number(c) },
            });
            (
                Method::PUT,
                "/__emulator/faults".into(),
                body(json!({ "seed": interesting_number(c), "rules": [rule] })),
                true,
            )
        }
        7 => {
            // Arbitrary bytes as the faults document (latency capped if it parses).
            let raw = c.bytes(128);
            let bytes = match serde_json::from_slice::<Value>(raw) {
                Ok(mut v) => {
                    cap_latency(&mut v);
                    body(v)
                }
                Err(_) => raw.to_vec(),
            };
            (Method::PUT, "/__emulator/faults".into(), bytes, true)
        }
        8 => (
            Method::PUT,
            "/__emulator/timing".into(),
            c.bytes(64).to_vec(),
            false,
        ),
        _ => (
            Method::POST,
            "/__emulator/clock/advance".into(),
            c.bytes(64).to_vec(),
            false,
        ),
    }
}

fn build_request(
    c: &mut Cursor<'_>,
    method: Method,
    raw_path: &str,
    query: &[(String, String)],
    body: Vec<u8>,
    sign: bool,
) -> Option<Request<Body>> {
    let encoded_query = bce_auth::uri::encode_query(query);
    let uri = if encoded_query.is_empty() {
        raw_path.to_owned()
    } else {
        format!("{raw_path}?{encoded_query}")
    };
    // Paths that are not valid URIs never reach a server.
    let uri: http::Uri = uri.parse().ok()?;
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), HOST.into()),
        (
            "content-type".into(),
            "application/json; charset=utf-8".into(),
        ),
        (
            signer::DATE_HEADER.into(),
            signer::format_timestamp(time::OffsetDateTime::now_utc()),
        ),
    ];
    if c.below(8) == 0 {
        headers.push((c.string(12), c.string(24)));
    }
    if sign {
        let (ak, sk) = c.pick(&KEYS);
        let path = decode_path(uri.path());
        let wire_query = decode_query(uri.query().unwrap_or(""));
        let authorization = match c.below(16) {
            0 => c.string(64),
            1 => {
                "bce-auth-v1/DEMOAK00000000000000000000000001/2020-01-01T00:00:00Z/1800//00".into()
            }
            _ => signer::authorization(
                &Credentials::new(ak, sk),
                &RequestToSign {
                    method: method.as_str(),
                    path: &path,
                    query: &wire_query,
                    headers: &headers,
                },
                &SigningParams::new(time::OffsetDateTime::now_utc()),
            ),
        };
        headers.push(("authorization".into(), authorization));
    }
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in &headers {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) else {
            continue;
        };
        builder = builder.header(name, value);
    }
    builder.body(Body::from(body)).ok()
}

struct Answer {
    status: u16,
    request_id_header: Option<String>,
    /// `None` when the body could not be read (an injected drop).
    body: Option<Vec<u8>>,
}

async fn send(router: &Router, req: Request<Body>) -> Answer {
    let what = format!("{} {}", req.method(), req.uri());
    let response = tokio::time::timeout(REQUEST_TIMEOUT, router.clone().oneshot(req))
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer within {REQUEST_TIMEOUT:?}"))
        .unwrap_or_else(|never| match never {});
    let status = response.status().as_u16();
    let request_id_header = response
        .headers()
        .get("x-bce-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = tokio::time::timeout(
        REQUEST_TIMEOUT,
        axum::body::to_bytes(response.into_body(), 64 << 20),
    )
    .await
    .unwrap_or_else(|_| panic!("{what}: body not finished within {REQUEST_TIMEOUT:?}"))
    .ok()
    .map(|b| b.to_vec());
    Answer {
        status,
        request_id_header,
        body,
    }
}

fn check_api_answer(what: &str, answer: &Answer, faults: bool) {
    assert!(
        answer.status < 500 || faults,
        "{what}: HTTP {} without an injected fault: {}",
        answer.status,
        answer
            .body
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default()
    );
    let Some(body) = &answer.body else {
        assert!(faults, "{what}: unreadable body without an injected drop");
        return;
    };
    // HEAD answers carry no body (HTTP), whatever the status.
    if answer.status < 400 || what.starts_with("HEAD ") {
        return;
    }
    let json: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "{what}: error answer is not JSON ({e}): {}",
            String::from_utf8_lossy(body)
        )
    });
    for key in ["code", "message", "requestId"] {
        assert!(
            json.get(key).is_some_and(Value::is_string),
            "{what}: error answer lacks a string {key}: {json}"
        );
    }
    assert_eq!(
        json.get("requestId").and_then(Value::as_str),
        answer.request_id_header.as_deref(),
        "{what}: requestId differs from the x-bce-request-id header"
    );
}

fn check_state(state: &Value, per_vpc_quota: usize) {
    let live = state
        .get("peerConns")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("state dump has no peerConns list: {state}"));
    let mut ids = BTreeSet::new();
    let mut pairs = BTreeSet::new();
    let mut per_vpc: BTreeMap<String, usize> = BTreeMap::new();
    for p in live {
        let id = p.get("peerConnId").and_then(Value::as_str).unwrap_or("");
        assert!(ids.insert(id.to_owned()), "peering id {id} appears twice");
        let side = |s: &str| {
            p.get(s)
                .and_then(|v| v.get("vpcId"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let (a, b) = (side("initiator"), side("acceptor"));
        assert_ne!(a, b, "{id} peers a VPC with itself");
        let pair = if a < b {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        };
        assert!(pairs.insert(pair), "two live peerings between {a} and {b}");
        for vpc in [a, b] {
            let n = per_vpc.entry(vpc.clone()).or_default();
            *n += 1;
            assert!(
                *n <= per_vpc_quota,
                "VPC {vpc} has more than {per_vpc_quota} peerings"
            );
        }
    }
}

pub fn check(data: &[u8]) {
    with_harness(|h| {
        h.runtime.block_on(run(h, data));
    });
}

async fn run(h: &Harness, data: &[u8]) {
    let mut c = Cursor::new(data);
    let reset = Request::builder()
        .method(Method::POST)
        .uri("/__emulator/reset")
        .body(Body::empty())
        .expect("a static request builds");
    let answer = send(&h.router, reset).await;
    assert_eq!(answer.status, 200, "reset failed");

    let mut ids: Vec<String> = Vec::new();
    let mut faults = false;
    let count = 1 + c.below(MAX_REQUESTS);
    for _ in 0..count {
        if c.is_empty() && !ids.is_empty() {
            break;
        }
        let kind = c.below(16);
        if kind >= 12 {
            let (method, path, body, may_fault) = admin_call(&mut c, &ids);
            faults |= may_fault;
            let Some(req) = build_request(&mut c, method, &path, &[], body, false) else {
                continue;
            };
            let what = format!("{} {}", req.method(), req.uri());
            let answer = send(&h.router, req).await;
            assert!(
                answer.status < 500,
                "{what}: admin answered HTTP {}",
                answer.status
            );
            continue;
        }
        let (method, path, query, body) = if kind == 11 {
            raw_call(&mut c)
        } else {
            api_call(&mut c, &ids)
        };
        let sign = kind != 11 || c.bool();
        let Some(req) = build_request(&mut c, method, &path, &query, body, sign) else {
            continue;
        };
        let what = format!("{} {}", req.method(), req.uri());
        let is_admin = req.uri().path().starts_with("/__emulator/");
        let answer = send(&h.router, req).await;
        if is_admin {
            // Raw calls may hit admin routes with any body: a 4xx at worst.
            assert!(
                answer.status < 500,
                "{what}: admin answered HTTP {}",
                answer.status
            );
            faults |= what.contains("/__emulator/faults");
            continue;
        }
        check_api_answer(&what, &answer, faults);
        if answer.status == 200 {
            if let Some(id) = answer
                .body
                .as_deref()
                .and_then(|b| serde_json::from_slice::<Value>(b).ok())
                .and_then(|v| {
                    v.get("peerConnId")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
            {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }

    let state_req = Request::builder()
        .uri("/__emulator/state")
        .body(Body::empty())
        .expect("a static request builds");
    let answer = send(&h.router, state_req).await;
    assert_eq!(answer.status, 200, "state dump failed");
    let state: Value = answer
        .body
        .as_deref()
        .and_then(|b| serde_json::from_slice(b).ok())
        .expect("the state dump is JSON");
    check_state(&state, h.per_vpc_quota);
}
