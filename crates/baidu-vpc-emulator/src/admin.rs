//! The admin API under `/__emulator/` (unauthenticated JSON; no Baidu API
//! lives under that prefix). Shapes are documented in `docs/guides/emulator.md`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query as AxumQuery, State};
use axum::http::{header, Response, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

use super::clock::iso8601;
use super::faults::{FaultConfig, FaultState};
use super::model::{DnsStatus, Role, Status, Tag};
use super::server::{json_content_type, lock, Shared};
use super::store::{Store, StoreData};
use super::timing::TimingPatch;

type Shared_ = State<Arc<Shared>>;

fn reply(status: StatusCode, v: Value) -> Response<Body> {
    let mut r = Response::new(Body::from(v.to_string()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, json_content_type());
    r
}

fn ok(v: Value) -> Response<Body> {
    reply(StatusCode::OK, v)
}

fn bad(status: StatusCode, msg: impl std::fmt::Display) -> Response<Body> {
    reply(status, json!({ "error": msg.to_string() }))
}

fn parse<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, String> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(text).map_err(|e| format!("invalid JSON body: {e}"))
}

fn clock_view(shared: &Shared) -> Value {
    let offset = shared.clock.offset_ms();
    json!({
        "now": iso8601(shared.clock.now_ms()),
        "offsetSeconds": offset as f64 / 1000.0,
    })
}

pub(crate) async fn health(State(shared): Shared_) -> Response<Body> {
    ok(json!({
        "status": "ok",
        "service": "baidu-vpc-emulator",
        "version": env!("CARGO_PKG_VERSION"),
        "now": iso8601(shared.clock.now_ms()),
    }))
}

/// Every object, with the create request it was made from.
pub(crate) async fn state(State(shared): Shared_) -> Response<Body> {
    let now = shared.clock.now_ms();
    let timing = lock(&shared.timing).clone();
    let mut store = lock(&shared.store);
    if store.settle_all(now) {
        shared.persist(&mut store);
    }
    let accounts: Vec<Value> = shared
        .dir
        .accounts()
        .iter()
        .map(|a| {
            json!({
                "name": a.name,
                "id": a.id,
                "accessKey": a.access_key,
                "sessionAccessKeys": a.session_credentials.iter().map(|s| &s.access_key).collect::<Vec<_>>(),
                "vpcs": a.vpcs.iter().map(|v| json!({"id": v.id, "region": v.region, "relay": v.relay})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let tokens: Vec<Value> = store
        .data
        .tokens
        .iter()
        .flat_map(|(acct, m)| {
            m.iter().map(move |(tok, e)| {
                json!({
                    "accountId": acct,
                    "clientToken": tok,
                    "operation": e.operation,
                    "peerConnId": e.peer_conn_id,
                    "lastSeen": iso8601(e.last_seen),
                })
            })
        })
        .collect();
    let mut live: Vec<_> = store.data.peer_conns.values().collect();
    live.sort_by_key(|r| r.seq);
    ok(json!({
        "now": iso8601(now),
        "clockOffsetSeconds": shared.clock.offset_ms() as f64 / 1000.0,
        "accounts": accounts,
        "quotas": { "per_vpc": shared.quotas.per_vpc, "per_account": shared.quotas.per_account },
        "timing": timing,
        "peerConns": live.iter().map(|r| r.admin_view()).collect::<Vec<_>>(),
        "deletedPeerConns": store.data.deleted.iter().map(|r| r.admin_view()).collect::<Vec<_>>(),
        "clientTokens": tokens,
    }))
}

/// Back to the startup state: no peerings, tokens, faults or logged requests,
/// clock offset 0, startup timing; same accounts.
pub(crate) async fn reset(State(shared): Shared_) -> Response<Body> {
    shared.clock.set_offset_ms(0);
    *lock(&shared.timing) = shared.startup.timing.clone();
    *lock(&shared.faults) = FaultState::new(FaultConfig::default(), shared.startup.seed);
    lock(&shared.reqlog).clear();
    lock(&shared.sessions).clear();
    let mut store = lock(&shared.store);
    *store = Store::new(StoreData::default(), shared.startup.seed);
    shared.persist(&mut store);
    ok(json!({ "reset": true, "now": iso8601(shared.clock.now_ms()) }))
}

pub(crate) async fn clock(State(shared): Shared_) -> Response<Body> {
    ok(clock_view(&shared))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: f64,
}

pub(crate) async fn clock_advance(State(shared): Shared_, body: Bytes) -> Response<Body> {
    let adv: Advance = match parse(&body) {
        Ok(a) => a,
        Err(e) => return bad(StatusCode::BAD_REQUEST, e),
    };
    if !adv.seconds.is_finite() || adv.seconds < 0.0 || adv.seconds > 1e11 {
        return bad(
            StatusCode::BAD_REQUEST,
            "seconds must be a non-negative number",
        );
    }
    // Range-checked above, so the conversion cannot overflow.
    shared
        .clock
        .advance_ms((adv.seconds * 1000.0).round() as i64);
    let mut store = lock(&shared.store);
    store.settle_all(shared.clock.now_ms());
    shared.persist(&mut store);
    ok(clock_view(&shared))
}

pub(crate) async fn faults_get(State(shared): Shared_) -> Response<Body> {
    ok(lock(&shared.faults).describe())
}

pub(crate) async fn faults_put(State(shared): Shared_, body: Bytes) -> Response<Body> {
    let cfg: FaultConfig = match parse(&body) {
        Ok(c) => c,
        Err(e) => return bad(StatusCode::BAD_REQUEST, e),
    };
    if let Err(e) = cfg.validate() {
        return bad(StatusCode::BAD_REQUEST, e);
    }
    let mut faults = lock(&shared.faults);
    *faults = FaultState::new(cfg, shared.startup.seed);
    ok(faults.describe())
}

pub(crate) async fn faults_delete(State(shared): Shared_) -> Response<Body> {
    let mut faults = lock(&shared.faults);
    *faults = FaultState::new(FaultConfig::default(), shared.startup.seed);
    ok(faults.describe())
}

pub(crate) async fn timing_get(State(shared): Shared_) -> Response<Body> {
    ok(json!(*lock(&shared.timing)))
}

/// Partial update; applies to transitions started afterwards.
pub(crate) async fn timing_put(State(shared): Shared_, body: Bytes) -> Response<Body> {
    let patch: TimingPatch = match parse(&body) {
        Ok(p) => p,
        Err(e) => return bad(StatusCode::BAD_REQUEST, e),
    };
    let mut t = lock(&shared.timing);
    t.apply(&patch);
    ok(json!(*t))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForceStatus {
    #[serde(default)]
    status: Option<String>,
    #[serde(default, alias = "dns_status")]
    #[serde(rename = "dnsStatus")]
    dns_status: Option<String>,
    /// Side whose DNS status to force (default: both).
    #[serde(default)]
    role: Option<String>,
}

/// Forces a status (and/or a DNS status), cancelling pending transitions.
pub(crate) async fn force_status(
    State(shared): Shared_,
    Path(id): Path<String>,
    body: Bytes,
) -> Response<Body> {
    let req: ForceStatus = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(StatusCode::BAD_REQUEST, e),
    };
    let status = match req.status.as_deref().map(|s| (s, Status::parse(s))) {
        None => None,
        Some((_, Some(s))) => Some(s),
        Some((s, None)) => {
            return bad(StatusCode::BAD_REQUEST, format!("unknown status {s:?}"));
        }
    };
    let dns = match req.dns_status.as_deref().map(|s| (s, DnsStatus::parse(s))) {
        None => None,
        Some((_, Some(s))) => Some(s),
        Some((s, None)) => {
            return bad(StatusCode::BAD_REQUEST, format!("unknown dnsStatus {s:?}"));
        }
    };
    let roles = match req.role.as_deref() {
        None => vec![Role::Initiator, Role::Acceptor],
        Some(r) => match Role::parse(r) {
            Some(role) => vec![role],
            None => return bad(StatusCode::BAD_REQUEST, format!("unknown role {r:?}")),
        },
    };
    if status.is_none() && dns.is_none() {
        return bad(StatusCode::BAD_REQUEST, "give status and/or dnsStatus");
    }
    let now = shared.clock.now_ms();
    let consult_timeout = lock(&shared.timing).consult_timeout;
    let mut store = lock(&shared.store);
    store.settle_all(now);
    if status == Some(Status::Deleted) {
        let Some(rec) = store.remove_now(&id, now, "admin") else {
            return bad(StatusCode::NOT_FOUND, format!("no peer connection {id}"));
        };
        shared.persist(&mut store);
        return ok(rec.admin_view());
    }
    let Some(rec) = store.data.peer_conns.get_mut(&id) else {
        return bad(StatusCode::NOT_FOUND, format!("no peer connection {id}"));
    };
    if let Some(s) = status {
        rec.status = s;
        rec.steps.clear();
        rec.consult_deadline = match s {
            Status::Consulting => consult_timeout.deadline(now),
            _ => None,
        };
    }
    if let Some(d) = dns {
        for role in roles {
            let side = rec.side_mut(role);
            side.dns_status = d;
            side.dns_steps.clear();
        }
    }
    let view = rec.admin_view();
    shared.persist(&mut store);
    ok(view)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Attributes {
    #[serde(default)]
    bandwidth_in_mbps: Option<u32>,
    /// The initiator side's description and interface name.
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    local_if_name: Option<String>,
    /// The acceptor side's interface name.
    #[serde(default)]
    peer_if_name: Option<String>,
    #[serde(default)]
    delete_protect: Option<bool>,
    #[serde(default)]
    tags: Option<Vec<Tag>>,
}

/// Changes a peering's attributes behind the client's back, as the console
/// (or Baidu's tag service) would: drift for tests to detect.
pub(crate) async fn set_attributes(
    State(shared): Shared_,
    Path(id): Path<String>,
    body: Bytes,
) -> Response<Body> {
    let req: Attributes = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(StatusCode::BAD_REQUEST, e),
    };
    let now = shared.clock.now_ms();
    let mut store = lock(&shared.store);
    store.settle_all(now);
    let Some(rec) = store.data.peer_conns.get_mut(&id) else {
        return bad(StatusCode::NOT_FOUND, format!("no peer connection {id}"));
    };
    if let Some(b) = req.bandwidth_in_mbps {
        rec.bandwidth_in_mbps = b;
    }
    if let Some(d) = req.description {
        rec.initiator.description = d;
    }
    if let Some(n) = req.local_if_name {
        rec.initiator.if_name = n;
    }
    if let Some(n) = req.peer_if_name {
        rec.acceptor.if_name = n;
    }
    if let Some(p) = req.delete_protect {
        rec.delete_protect = p;
    }
    if let Some(t) = req.tags {
        rec.tags = t;
    }
    let view = rec.admin_view();
    shared.persist(&mut store);
    ok(view)
}

/// Out-of-band delete: the peering disappears at once, as if removed in the console.
pub(crate) async fn delete_peerconn(
    State(shared): Shared_,
    Path(id): Path<String>,
) -> Response<Body> {
    let now = shared.clock.now_ms();
    let mut store = lock(&shared.store);
    store.settle_all(now);
    match store.remove_now(&id, now, "admin") {
        Some(_) => {
            shared.persist(&mut store);
            ok(json!({ "deleted": id }))
        }
        None => bad(StatusCode::NOT_FOUND, format!("no peer connection {id}")),
    }
}

pub(crate) async fn requests_get(
    State(shared): Shared_,
    AxumQuery(q): AxumQuery<HashMap<String, String>>,
) -> Response<Body> {
    let since = match q.get("since").map(|s| s.parse::<u64>()) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return bad(StatusCode::BAD_REQUEST, "since must be an integer"),
    };
    ok(json!({ "requests": lock(&shared.reqlog).since(since) }))
}

pub(crate) async fn requests_delete(State(shared): Shared_) -> Response<Body> {
    lock(&shared.reqlog).clear();
    ok(json!({ "cleared": true }))
}
