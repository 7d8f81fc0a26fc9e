//! The 13 operations and Baidu's rules, applied to the store.
//!
//! Every operation first validates everything and only then mutates, so an
//! error never leaves a half-applied change behind (which is also why a
//! poisoned state mutex can be recovered, see `server`).

use serde_json::{json, Map, Value};

use super::clock::{add_months, Millis};
use super::config::{Directory, Quotas, VpcInfo};
use super::error::{ApiError, RuleCode};
use super::model::{DnsStatus, PaymentTiming, PeerConnRecord, Role, Side, Status, Step, Tag};
use super::request::{json_object, Fields, Operation, Query, Route};
use super::store::{Store, TokenEntry};
use super::timing::{Delay, Timing};

/// Allowed `reservationLength` values (PY-SDK docstring, TF validator).
pub const RESERVATION_LENGTHS: [i64; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36];
/// Bandwidth bounds (Baidu's are not published; chosen).
pub const MIN_BANDWIDTH: i64 = 1;
pub const MAX_BANDWIDTH: i64 = 10_000;
/// `clientToken` length limit (Baidu docs: at most 64 ASCII characters).
pub const MAX_CLIENT_TOKEN: usize = 64;

/// Everything an operation needs besides the store.
pub struct Ctx<'a> {
    pub dir: &'a Directory,
    /// Account id of the caller.
    pub account: &'a str,
    pub now: Millis,
    pub timing: &'a Timing,
    pub quotas: Quotas,
    pub request_id: &'a str,
    /// The one region this endpoint serves (`None`: every region).
    pub region: Option<&'a str>,
}

impl Ctx<'_> {
    /// Whether `region` is served here.
    fn serves(&self, region: &str) -> bool {
        self.region.is_none_or(|r| r == region)
    }

    /// Whether the caller sees `rec` from this endpoint: it is a party to it,
    /// with its side's VPC in a region served here (a regional endpoint does
    /// not know other regions' peerings).
    fn sees(&self, rec: &PeerConnRecord) -> bool {
        [&rec.initiator, &rec.acceptor]
            .iter()
            .any(|side| side.account_id == self.account && self.serves(&side.region))
    }

    /// " in region R" when this endpoint serves one region, for messages.
    fn region_note(&self) -> String {
        self.region
            .map(|r| format!(" in region {r}"))
            .unwrap_or_default()
    }
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Response body; `None` is an empty 200 (Baidu's mutating calls).
    pub body: Option<Value>,
    pub peer_conn_id: Option<String>,
    /// Whether state changed (so the state file must be written).
    pub mutated: bool,
    /// Answered from a remembered client token.
    pub replayed: bool,
}

impl Outcome {
    fn empty(id: &str) -> Self {
        Self {
            body: None,
            peer_conn_id: Some(id.to_string()),
            mutated: true,
            replayed: false,
        }
    }
}

/// The parsed request an operation works on.
struct Input<'a> {
    id: &'a str,
    query: &'a Query,
    body: Map<String, Value>,
}

/// Runs one API request against the store: settles transitions, applies
/// client-token idempotency, then the operation itself.
pub fn execute(
    store: &mut Store,
    ctx: &Ctx<'_>,
    route: &Route,
    query: &Query,
    body: &[u8],
) -> Result<Outcome, ApiError> {
    store.settle_all(ctx.now);
    let op = route.operation;
    let id = route.peer_conn_id.as_deref().unwrap_or("");
    // Only operations with a documented body parse it; flag actions ignore
    // whatever body a client sends (JAVA-SDK sends its request object).
    let body = match op {
        Operation::Create
        | Operation::Update
        | Operation::Resize
        | Operation::Renew
        | Operation::UpdateDeleteProtect => json_object(body)?,
        Operation::OpenDnsSync | Operation::CloseDnsSync => json_object(body).unwrap_or_default(),
        _ => Map::new(),
    };
    let input = Input { id, query, body };

    let token = if op.is_mutating() {
        query.get("clientToken").filter(|t| !t.is_empty())
    } else {
        None
    };
    let Some(token) = token else {
        return dispatch(store, ctx, op, &input);
    };
    if token.len() > MAX_CLIENT_TOKEN || !token.is_ascii() {
        return Err(ApiError::invalid_value(
            "clientToken",
            format!("must be an ASCII string of at most {MAX_CLIENT_TOKEN} characters"),
        ));
    }
    let fingerprint = fingerprint(op, &input);
    if let Some(prev) = store.token(ctx.account, token, ctx.now) {
        if prev.operation != op.name() || prev.fingerprint != fingerprint {
            return Err(ApiError::idempotent_mismatch());
        }
        let replay = Outcome {
            body: prev.response.clone(),
            peer_conn_id: prev.peer_conn_id.clone(),
            mutated: true,
            replayed: true,
        };
        store.touch_token(ctx.account, token, ctx.now);
        return Ok(replay);
    }
    let outcome = dispatch(store, ctx, op, &input)?;
    store.expire_tokens(ctx.now);
    store.remember_token(
        ctx.account,
        token,
        TokenEntry {
            operation: op.name().to_string(),
            fingerprint,
            response: outcome.body.clone(),
            peer_conn_id: outcome.peer_conn_id.clone(),
            last_seen: ctx.now,
        },
    );
    Ok(outcome)
}

/// What must be equal for a retried token to be "the same request".
fn fingerprint(op: Operation, input: &Input<'_>) -> Value {
    let role = match op {
        Operation::OpenDnsSync | Operation::CloseDnsSync => role_param(input).ok().flatten(),
        _ => None,
    };
    let body = match op {
        Operation::OpenDnsSync | Operation::CloseDnsSync => Value::Null,
        _ => Value::Object(input.body.clone()),
    };
    json!({ "peerConnId": input.id, "role": role.map(Role::as_str), "body": body })
}

fn dispatch(
    store: &mut Store,
    ctx: &Ctx<'_>,
    op: Operation,
    input: &Input<'_>,
) -> Result<Outcome, ApiError> {
    match op {
        Operation::Create => create(store, ctx, input),
        Operation::List => list(store, ctx, input.query),
        Operation::Get => get(store, ctx, input),
        Operation::Update => update(store, ctx, input),
        Operation::Accept => handle_application(store, ctx, input, true),
        Operation::Reject => handle_application(store, ctx, input, false),
        Operation::Delete => delete(store, ctx, input),
        Operation::Resize => resize(store, ctx, input),
        Operation::Renew => renew(store, ctx, input),
        Operation::OpenDnsSync => dns_sync(store, ctx, input, true),
        Operation::CloseDnsSync => dns_sync(store, ctx, input, false),
        Operation::Refund => refund(store, ctx, input),
        Operation::UpdateDeleteProtect => update_delete_protect(store, ctx, input),
        // The server answers it from its issued sessions; it never reaches the store.
        Operation::AssumeRole => Err(ApiError::internal("AssumeRole is not a peering operation")),
    }
}

// ---------------------------------------------------------------- helpers

fn visible<'s>(store: &'s Store, ctx: &Ctx<'_>, id: &str) -> Result<&'s PeerConnRecord, ApiError> {
    store
        .data
        .peer_conns
        .get(id)
        .filter(|r| ctx.sees(r))
        .ok_or_else(|| ApiError::no_such_peerconn(id))
}

fn visible_mut<'s>(
    store: &'s mut Store,
    ctx: &Ctx<'_>,
    id: &str,
) -> Result<&'s mut PeerConnRecord, ApiError> {
    store
        .data
        .peer_conns
        .get_mut(id)
        .filter(|r| ctx.sees(r))
        .ok_or_else(|| ApiError::no_such_peerconn(id))
}

fn invalid_status(rec: &PeerConnRecord, action: &str) -> ApiError {
    ApiError::rule(
        RuleCode::InvalidStatus,
        format!(
            "The peer connection {} cannot be {action} while its status is {}.",
            rec.peer_conn_id,
            rec.status.as_str()
        ),
    )
}

/// Cross-account delete / resize / renew / refund / delete protection are
/// reserved to the initiator.
fn require_initiator(rec: &PeerConnRecord, ctx: &Ctx<'_>, action: &str) -> Result<(), ApiError> {
    if rec.initiator.account_id != ctx.account {
        return Err(ApiError::rule(
            RuleCode::InitiatorOnly,
            format!(
                "Only the initiator account may {action} the cross-account peer connection {}.",
                rec.peer_conn_id
            ),
        ));
    }
    Ok(())
}

fn require_acceptor(rec: &PeerConnRecord, ctx: &Ctx<'_>, action: &str) -> Result<(), ApiError> {
    if rec.acceptor.account_id != ctx.account {
        return Err(ApiError::rule(
            RuleCode::AcceptorOnly,
            format!(
                "Only the acceptor account may {action} the peer connection {}.",
                rec.peer_conn_id
            ),
        ));
    }
    Ok(())
}

fn bandwidth(f: &Fields<'_>, key: &str) -> Result<u32, ApiError> {
    let v = f.req_int(key)?;
    if !(MIN_BANDWIDTH..=MAX_BANDWIDTH).contains(&v) {
        return Err(ApiError::invalid_value(
            key,
            format!("must be between {MIN_BANDWIDTH} and {MAX_BANDWIDTH} Mbps, got {v}"),
        ));
    }
    // In 1..=10000, so it fits.
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}

/// `{"reservationLength": n, "reservationTimeUnit": "month"}` → months.
fn reservation_months(reservation: &Map<String, Value>, prefix: &str) -> Result<u32, ApiError> {
    let f = Fields::nested(reservation, prefix);
    let len = f.req_int("reservationLength")?;
    if !RESERVATION_LENGTHS.contains(&len) {
        return Err(ApiError::invalid_value(
            &format!("{prefix}reservationLength"),
            format!("must be one of 1-9, 12, 24, 36, got {len}"),
        ));
    }
    let unit = f
        .opt_str("reservationTimeUnit")?
        .unwrap_or_else(|| "month".into());
    if !unit.eq_ignore_ascii_case("month") {
        return Err(ApiError::invalid_value(
            &format!("{prefix}reservationTimeUnit"),
            format!("only month is supported, got {unit:?}"),
        ));
    }
    // In RESERVATION_LENGTHS, so positive and small.
    Ok(u32::try_from(len).unwrap_or(1))
}

/// Parses `billing`; returns payment timing and, for prepaid, months.
fn billing(body: &Fields<'_>) -> Result<(PaymentTiming, Option<u32>), ApiError> {
    let Some(b) = body.opt_object("billing")? else {
        return Ok((PaymentTiming::Postpaid, None));
    };
    let f = Fields::nested(b, "billing.");
    let timing = match f.opt_str("paymentTiming")?.as_deref() {
        None | Some("Postpaid") => PaymentTiming::Postpaid,
        Some("Prepaid") => PaymentTiming::Prepaid,
        Some(other) => {
            return Err(ApiError::invalid_value(
                "billing.paymentTiming",
                format!("must be Prepaid or Postpaid, got {other:?}"),
            ))
        }
    };
    match timing {
        // PY-SDK always sends a reservation; it is ignored for postpaid.
        PaymentTiming::Postpaid => Ok((timing, None)),
        PaymentTiming::Prepaid => {
            let r = f
                .opt_object("reservation")?
                .ok_or_else(|| ApiError::missing_parameter("billing.reservation"))?;
            Ok((timing, Some(reservation_months(r, "billing.reservation.")?)))
        }
    }
}

fn tags(body: &Fields<'_>) -> Result<Vec<Tag>, ApiError> {
    let Some(items) = body.opt_array("tags")? else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Object(m) = item else {
                return Err(ApiError::inappropriate_json(format!(
                    "tags[{i}] must be an object"
                )));
            };
            let prefix = format!("tags[{i}].");
            let f = Fields::nested(m, &prefix);
            Ok(Tag {
                tag_key: f.req_str("tagKey")?,
                tag_value: f.opt_str("tagValue")?.unwrap_or_default(),
            })
        })
        .collect()
}

fn role_param(input: &Input<'_>) -> Result<Option<Role>, ApiError> {
    // GO-SDK sends the role in the query and in a body; PY-SDK in the query.
    let raw = match input.query.get("role").filter(|r| !r.is_empty()) {
        Some(r) => Some(r.to_string()),
        None => Fields::new(&input.body).opt_str("role").ok().flatten(),
    };
    match raw {
        None => Ok(None),
        Some(r) => Role::parse(&r).map(Some).ok_or_else(|| {
            ApiError::invalid_value("role", format!("must be initiator or acceptor, got {r:?}"))
        }),
    }
}

/// Schedules `status` now, then `steps` (each after the previous one).
fn schedule(rec: &mut PeerConnRecord, now: Millis, status: Status, then: &[(Status, Delay)]) {
    rec.status = status;
    rec.steps.clear();
    let mut at = Some(now);
    for (s, delay) in then {
        at = at.and_then(|t| delay.deadline(t));
        rec.steps.push(Step { status: *s, at });
    }
    rec.settle(now);
}

// ---------------------------------------------------------------- operations

/// The fields of a create request, parsed and typed.
struct CreateRequest {
    bandwidth_in_mbps: u32,
    local_vpc_id: String,
    peer_vpc_id: String,
    peer_region: String,
    description: String,
    local_if_name: String,
    peer_if_name: Option<String>,
    /// The caller's own account when the request names none.
    peer_account: String,
    payment_timing: PaymentTiming,
    /// The Prepaid term, months.
    months: Option<u32>,
    tags: Vec<Tag>,
    resource_group_id: Option<String>,
    delete_protect: bool,
}

/// The two VPCs a valid create request peers.
struct CreatePair {
    local: VpcInfo,
    peer: VpcInfo,
    cross_account: bool,
}

fn create(store: &mut Store, ctx: &Ctx<'_>, input: &Input<'_>) -> Result<Outcome, ApiError> {
    let req = parse_create(ctx, input)?;
    let pair = check_create(store, ctx, &req)?;
    let id = new_record(store, ctx, input, req, pair);
    Ok(Outcome {
        body: Some(json!({ "peerConnId": id })),
        peer_conn_id: Some(id),
        mutated: true,
        replayed: false,
    })
}

fn parse_create(ctx: &Ctx<'_>, input: &Input<'_>) -> Result<CreateRequest, ApiError> {
    let f = Fields::new(&input.body);
    let bandwidth_in_mbps = bandwidth(&f, "bandwidthInMbps")?;
    let local_vpc_id = f.req_str("localVpcId")?;
    let peer_vpc_id = f.req_str("peerVpcId")?;
    let peer_region = f.req_str("peerRegion")?;
    let description = f.opt_str("description")?.unwrap_or_default();
    let local_if_name = f.opt_str("localIfName")?.unwrap_or_default();
    let peer_if_name = f.opt_str("peerIfName")?.filter(|s| !s.is_empty());
    let peer_account = f
        .opt_str("peerAccountId")?
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| ctx.account.to_string());
    let (payment_timing, months) = billing(&f)?;
    let tags = tags(&f)?;
    let resource_group_id = f.opt_str("resourceGroupId")?;
    let delete_protect = f.opt_bool("deleteProtect")?.unwrap_or(false);

    Ok(CreateRequest {
        bandwidth_in_mbps,
        local_vpc_id,
        peer_vpc_id,
        peer_region,
        description,
        local_if_name,
        peer_if_name,
        peer_account,
        payment_timing,
        months,
        tags,
        resource_group_id,
        delete_protect,
    })
}

/// Baidu's rules for a create; the first one broken is the answer.
fn check_create(store: &Store, ctx: &Ctx<'_>, req: &CreateRequest) -> Result<CreatePair, ApiError> {
    let CreateRequest {
        local_vpc_id,
        peer_vpc_id,
        peer_region,
        peer_if_name,
        peer_account,
        payment_timing,
        ..
    } = req;
    let payment_timing = *payment_timing;
    if local_vpc_id == peer_vpc_id {
        return Err(ApiError::rule(
            RuleCode::SameVpc,
            format!("The local VPC and the peer VPC must differ (both are {local_vpc_id})."),
        ));
    }
    let local: &VpcInfo = ctx
        .dir
        .vpc(local_vpc_id)
        .filter(|v| v.account_id == ctx.account && ctx.serves(&v.region))
        .ok_or_else(|| {
            ApiError::vpc_not_found(
                local_vpc_id,
                format!("{} in your account", ctx.region_note()),
            )
        })?;
    if !ctx.dir.has_account(peer_account) {
        return Err(ApiError::invalid_value(
            "peerAccountId",
            format!("the account {peer_account} does not exist"),
        ));
    }
    let peer: &VpcInfo = ctx
        .dir
        .vpc(peer_vpc_id)
        .filter(|v| v.account_id == *peer_account && v.region == *peer_region)
        .ok_or_else(|| {
            ApiError::vpc_not_found(
                peer_vpc_id,
                format!(" in region {peer_region} of account {peer_account}"),
            )
        })?;
    let cross = peer_account != ctx.account;
    if cross && peer_if_name.is_some() {
        return Err(ApiError::invalid_value(
            "peerIfName",
            "it can only be set when both VPCs belong to the same account",
        ));
    }
    if local.relay && peer.relay {
        return Err(ApiError::rule(
            RuleCode::RelayVpcPeering,
            format!(
                "Both {} and {} are relay VPCs; two relay VPCs cannot be peered.",
                local.id, peer.id
            ),
        ));
    }
    if local.region == peer.region && payment_timing == PaymentTiming::Prepaid {
        return Err(ApiError::rule(
            RuleCode::SameRegionPrepaid,
            format!(
                "A peer connection within one region ({}) supports only Postpaid billing.",
                local.region
            ),
        ));
    }
    let live = || store.data.peer_conns.values();
    if let Some(existing) = live().find(|r| r.involves_vpc(&local.id) && r.involves_vpc(&peer.id)) {
        return Err(ApiError::rule(
            RuleCode::AlreadyExists,
            format!(
                "A peer connection already exists between {} and {}: {}. Only one peer \
                 connection is allowed per pair of VPCs.",
                local.id, peer.id, existing.peer_conn_id
            ),
        ));
    }
    for vpc in [local, peer] {
        let n = live().filter(|r| r.involves_vpc(&vpc.id)).count();
        if n >= ctx.quotas.per_vpc {
            return Err(ApiError::rule(
                RuleCode::VpcQuotaExceeded,
                format!(
                    "The VPC {} already has {n} peer connections (quota {}).",
                    vpc.id, ctx.quotas.per_vpc
                ),
            ));
        }
    }
    let mine = live()
        .filter(|r| r.initiator.account_id == ctx.account)
        .count();
    if mine >= ctx.quotas.per_account {
        return Err(ApiError::rule(
            RuleCode::AccountQuotaExceeded,
            format!(
                "The account already has {mine} peer connections (quota {}).",
                ctx.quotas.per_account
            ),
        ));
    }

    Ok(CreatePair {
        local: local.clone(),
        peer: peer.clone(),
        cross_account: cross,
    })
}

/// Stores the new peering (`creating`, settling as the timing says) and
/// returns its id.
fn new_record(
    store: &mut Store,
    ctx: &Ctx<'_>,
    input: &Input<'_>,
    req: CreateRequest,
    pair: CreatePair,
) -> String {
    let CreatePair {
        local,
        peer,
        cross_account: cross,
    } = pair;
    let id = store.new_peer_conn_id();
    let seq = store.next_seq();
    let side = |store: &mut Store, v: &VpcInfo, name: String, description: String| Side {
        account_id: v.account_id.clone(),
        vpc_id: v.id.clone(),
        region: v.region.clone(),
        if_id: store.new_interface_id(),
        if_name: name,
        description,
        dns_status: DnsStatus::Close,
        dns_steps: Vec::new(),
    };
    let initiator = side(store, &local, req.local_if_name, req.description);
    let acceptor = side(
        store,
        &peer,
        req.peer_if_name.unwrap_or_default(),
        String::new(),
    );
    let settled_status = if cross {
        Status::Consulting
    } else {
        Status::Active
    };
    let consult_deadline = if cross {
        ctx.timing
            .creating
            .deadline(ctx.now)
            .and_then(|t| ctx.timing.consult_timeout.deadline(t))
    } else {
        None
    };
    let mut rec = PeerConnRecord {
        peer_conn_id: id.clone(),
        seq,
        status: Status::Creating,
        steps: Vec::new(),
        consult_deadline,
        initiator,
        acceptor,
        bandwidth_in_mbps: req.bandwidth_in_mbps,
        payment_timing: req.payment_timing,
        created: ctx.now,
        expires: req.months.map(|m| add_months(ctx.now, m)),
        delete_protect: req.delete_protect,
        tags: req.tags,
        resource_group_id: req.resource_group_id,
        create_request: Value::Object(input.body.clone()),
        client_token: input
            .query
            .get("clientToken")
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        create_request_id: ctx.request_id.to_string(),
        deleted: None,
        deleted_by: None,
    };
    schedule(
        &mut rec,
        ctx.now,
        Status::Creating,
        &[(settled_status, ctx.timing.creating)],
    );
    store.data.peer_conns.insert(id.clone(), rec);
    id
}

fn list(store: &mut Store, ctx: &Ctx<'_>, query: &Query) -> Result<Outcome, ApiError> {
    let vpc = query.get("vpcId").filter(|v| !v.is_empty());
    if let Some(v) = vpc {
        ctx.dir
            .vpc(v)
            .filter(|info| info.account_id == ctx.account && ctx.serves(&info.region))
            .ok_or_else(|| {
                ApiError::vpc_not_found(v, format!("{} in your account", ctx.region_note()))
            })?;
    }
    let max_keys = match query.get("maxKeys").filter(|v| !v.is_empty()) {
        None => 1000,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid_value(
                    "maxKeys",
                    format!("must be an integer between 1 and 1000, got {raw:?}"),
                ))
            }
        },
    };
    let mut entries: Vec<(&PeerConnRecord, Role)> = store
        .data
        .peer_conns
        .values()
        .filter(|r| ctx.sees(r))
        .filter_map(|r| match vpc {
            None => Some((r, r.default_role(ctx.account))),
            Some(v) if r.initiator.vpc_id == v => Some((r, Role::Initiator)),
            Some(v) if r.acceptor.vpc_id == v => Some((r, Role::Acceptor)),
            Some(_) => None,
        })
        .collect();
    entries.sort_by_key(|(r, _)| r.seq);

    let marker = query.get("marker").filter(|m| !m.is_empty());
    let start = match marker {
        None => 0,
        Some(m) => {
            // Markers are peerConnIds; one deleted since still positions the page.
            let seq = store
                .data
                .peer_conns
                .get(m)
                .map(|r| r.seq)
                .or_else(|| {
                    store
                        .data
                        .deleted
                        .iter()
                        .find(|d| d.peer_conn_id == m)
                        .map(|d| d.seq)
                })
                .ok_or_else(|| {
                    ApiError::invalid_value("marker", format!("unknown marker {m:?}"))
                })?;
            entries.partition_point(|(r, _)| r.seq < seq)
        }
    };
    let end = (start + max_keys).min(entries.len());
    let page = &entries[start..end];
    let truncated = end < entries.len();
    let mut out = Map::new();
    out.insert(
        "peerConns".into(),
        Value::Array(page.iter().map(|(r, role)| r.view(*role)).collect()),
    );
    let page_marker = marker
        .map(str::to_string)
        .or_else(|| page.first().map(|(r, _)| r.peer_conn_id.clone()));
    if let Some(m) = page_marker {
        out.insert("marker".into(), Value::String(m));
    }
    out.insert("isTruncated".into(), Value::Bool(truncated));
    if truncated {
        if let Some((next, _)) = entries.get(end) {
            out.insert(
                "nextMarker".into(),
                Value::String(next.peer_conn_id.clone()),
            );
        }
    }
    out.insert("maxKeys".into(), json!(max_keys));
    Ok(Outcome {
        body: Some(Value::Object(out)),
        peer_conn_id: None,
        mutated: false,
        replayed: false,
    })
}

fn get(store: &mut Store, ctx: &Ctx<'_>, input: &Input<'_>) -> Result<Outcome, ApiError> {
    let rec = visible(store, ctx, input.id)?;
    let role = role_param(input)?.unwrap_or_else(|| rec.default_role(ctx.account));
    Ok(Outcome {
        body: Some(rec.view(role)),
        peer_conn_id: Some(rec.peer_conn_id.clone()),
        mutated: false,
        replayed: false,
    })
}

fn update(store: &mut Store, ctx: &Ctx<'_>, input: &Input<'_>) -> Result<Outcome, ApiError> {
    let f = Fields::new(&input.body);
    let if_id = f.req_str("localIfId")?;
    let description = f.opt_str("description")?;
    let if_name = f.opt_str("localIfName")?;
    let (now, updating) = (ctx.now, ctx.timing.updating);
    let rec = visible_mut(store, ctx, input.id)?;
    let role = [Role::Initiator, Role::Acceptor]
        .into_iter()
        .find(|r| rec.side(*r).if_id == if_id && rec.side(*r).account_id == ctx.account)
        .ok_or_else(|| {
            ApiError::invalid_value(
                "localIfId",
                format!("{if_id} is not your interface of {}", rec.peer_conn_id),
            )
        })?;
    let prev = rec.status;
    if !matches!(prev, Status::Active | Status::Consulting) {
        return Err(invalid_status(rec, "updated"));
    }
    let side = rec.side_mut(role);
    if let Some(d) = description {
        side.description = d;
    }
    if let Some(n) = if_name {
        side.if_name = n;
    }
    schedule(rec, now, Status::Updating, &[(prev, updating)]);
    Ok(Outcome::empty(input.id))
}

fn handle_application(
    store: &mut Store,
    ctx: &Ctx<'_>,
    input: &Input<'_>,
    accept: bool,
) -> Result<Outcome, ApiError> {
    let action = if accept { "accept" } else { "reject" };
    let rec = visible_mut(store, ctx, input.id)?;
    require_acceptor(rec, ctx, action)?;
    if rec.status != Status::Consulting {
        return Err(invalid_status(
            rec,
            if accept { "accepted" } else { "rejected" },
        ));
    }
    rec.status = if accept {
        Status::Active
    } else {
        Status::ConsultFailed
    };
    rec.consult_deadline = None;
    Ok(Outcome::empty(input.id))
}

fn delete(store: &mut Store, ctx: &Ctx<'_>, input: &Input<'_>) -> Result<Outcome, ApiError> {
    let (now, deleting) = (ctx.now, ctx.timing.deleting);
    let rec = visible_mut(store, ctx, input.id)?;
    require_initiator(rec, ctx, "delete")?;
    if rec.status == Status::Deleting {
        // Already on its way out: a repeated delete is not an error.
        return Ok(Outcome::empty(input.id));
    }
    if rec.is_transitional() {
        return Err(invalid_status(rec, "deleted"));
    }
    if rec.delete_protect {
        return Err(ApiError::rule(
            RuleCode::DeleteProtected,
            format!(
                "The peer connection {} has delete protection enabled; disable it first.",
                rec.peer_conn_id
            ),
        ));
    }
    if rec.payment_timing == PaymentTiming::Prepaid
        && rec.status == Status::Active
        && rec.expires.is_some_and(|e| e > now)
    {
        return Err(ApiError::rule(
            RuleCode::PrepaidNotExpired,
            format!(
                "The prepaid peer connection {} is active and not expired; it cannot be \
                 released before it expires (refund it instead).",
                rec.peer_conn_id
            ),
        ));
    }
    for side in [&mut rec.initiator, &mut rec.acceptor] {
        side.dns_steps.clear();
    }
    schedule(rec, now, Status::Deleting, &[(Status::Deleted, deleting)]);
    store.settle_all(now);
    Ok(Outcome::empty(input.id))
}

fn resize(store: &mut Store, ctx: &Ctx<'_>, input: &Input<'_>) -> Result<Outcome, ApiError> {
    let f = Fields::new(&input.body);
    let new_bw = bandwidth(&f, "newBandwidthInMbps")?;
    let (now, updating) = (ctx.now, ctx.timing.updating);
    let rec = visible_mut(store, ctx, input.id)?;
    require_initiator(rec, ctx, "resize")?;
    if rec.payment_timing == PaymentTiming::Prepaid && new_bw < rec.bandwidth_in_mbps {
        return Err(ApiError::rule(
            RuleCode::PrepaidBandwidthDecrease,
            format!(
                "The bandwidth of a prepaid peer connection can only be increased \
                 (current {} Mbps, requested {new_bw} Mbps).",
                rec.bandwidth_in_mbps
            ),
        ));
    }
    let prev = rec.status;
    if !matches!(prev, Status::Active | Status::Consulting) {
        return Err(invalid_status(rec, "resized"));
    }
    rec.bandwidth_in_mbps = new_bw;
    schedule(rec, now, Status::Updating, &[(prev, updating)]);
    Ok(Outcome::empty(input.id))
}

fn renew(store: &mut Store, ctx: &Ctx<'_>, input: &Input<'_>) -> Result<Outcome, ApiError> {
    let f = Fields::new(&input.body);
    let billing = f.opt_object("billing")?;
    let now = ctx.now;
    let rec = visible_mut(store, ctx, input.id)?;
    require_initiator(rec, ctx, "renew")?;
    if rec.payment_timing == PaymentTiming::Postpaid {
        return Err(ApiError::rule(
            RuleCode::PostpaidRenew,
            format!(
                "The peer connection {} is Postpaid; only Prepaid peer connections can be renewed.",
                rec.peer_conn_id
            ),
        ));
    }
    let billing = billing.ok_or_else(|| ApiError::missing_parameter("billing"))?;
    let reservation = Fields::nested(billing, "billing.")
        .opt_object("reservation")?
        .ok_or_else(|| ApiError::missing_parameter("billing.reservation"))?;
    let months = reservation_months(reservation, "billing.reservation.")?;
    if !matches!(
        rec.status,
        Status::Active | Status::Expired | Status::Updating
    ) {
        return Err(invalid_status(rec, "renewed"));
    }
    let base = rec.expires.map_or(now, |e| e.max(now));
    rec.expires = Some(add_months(base, months));
    if rec.status == Status::Expired {
        rec.status = Status::Active;
    }
    Ok(Outcome::empty(input.id))
}

fn dns_sync(
    store: &mut Store,
    ctx: &Ctx<'_>,
    input: &Input<'_>,
    open: bool,
) -> Result<Outcome, ApiError> {
    let role = role_param(input)?.ok_or_else(|| ApiError::missing_parameter("role"))?;
    let (now, t) = (ctx.now, ctx.timing);
    let action = if open {
        "open DNS sync of"
    } else {
        "close DNS sync of"
    };
    let rec = visible_mut(store, ctx, input.id)?;
    match role {
        Role::Initiator => require_initiator(rec, ctx, action)?,
        Role::Acceptor => require_acceptor(rec, ctx, action)?,
    }
    if rec.status != Status::Active {
        return Err(invalid_status(
            rec,
            if open { "DNS-synced" } else { "DNS-unsynced" },
        ));
    }
    let id = rec.peer_conn_id.clone();
    let side = rec.side_mut(role);
    if side.dns_status.is_transitional() {
        return Err(ApiError::rule(
            RuleCode::InvalidDnsStatus,
            format!(
                "DNS sync of {id} ({}) cannot change while its DNS status is {}.",
                role.as_str(),
                side.dns_status.as_str()
            ),
        ));
    }
    let target = if open {
        DnsStatus::Open
    } else {
        DnsStatus::Close
    };
    if side.dns_status == target {
        // Already there: nothing to do.
        return Ok(Outcome::empty(input.id));
    }
    side.dns_steps.clear();
    if open {
        side.dns_status = DnsStatus::Wait;
        let syncing = t.dns_wait.deadline(now);
        let done = syncing.and_then(|s| t.dns_syncing.deadline(s));
        side.dns_steps.push(Step {
            status: DnsStatus::Syncing,
            at: syncing,
        });
        side.dns_steps.push(Step {
            status: DnsStatus::Open,
            at: done,
        });
    } else {
        side.dns_status = DnsStatus::Closing;
        side.dns_steps.push(Step {
            status: DnsStatus::Close,
            at: t.dns_closing.deadline(now),
        });
    }
    rec.settle(now);
    Ok(Outcome::empty(input.id))
}

fn refund(store: &mut Store, ctx: &Ctx<'_>, input: &Input<'_>) -> Result<Outcome, ApiError> {
    let (now, deleting) = (ctx.now, ctx.timing.deleting);
    let rec = visible_mut(store, ctx, input.id)?;
    require_initiator(rec, ctx, "refund")?;
    if rec.payment_timing == PaymentTiming::Postpaid {
        return Err(ApiError::rule(
            RuleCode::PostpaidRefund,
            format!(
                "The peer connection {} is Postpaid; only Prepaid peer connections can be refunded.",
                rec.peer_conn_id
            ),
        ));
    }
    if rec.is_transitional() {
        return Err(invalid_status(rec, "refunded"));
    }
    if rec.delete_protect {
        return Err(ApiError::rule(
            RuleCode::DeleteProtected,
            format!(
                "The peer connection {} has delete protection enabled; disable it first.",
                rec.peer_conn_id
            ),
        ));
    }
    for side in [&mut rec.initiator, &mut rec.acceptor] {
        side.dns_steps.clear();
    }
    schedule(rec, now, Status::Deleting, &[(Status::Deleted, deleting)]);
    store.settle_all(now);
    Ok(Outcome::empty(input.id))
}

fn update_delete_protect(
    store: &mut Store,
    ctx: &Ctx<'_>,
    input: &Input<'_>,
) -> Result<Outcome, ApiError> {
    let f = Fields::new(&input.body);
    let protect = f
        .opt_bool("deleteProtect")?
        .ok_or_else(|| ApiError::missing_parameter("deleteProtect"))?;
    let rec = visible_mut(store, ctx, input.id)?;
    require_initiator(rec, ctx, "change delete protection of")?;
    if rec.status == Status::Deleting {
        return Err(invalid_status(rec, "changed"));
    }
    rec.delete_protect = protect;
    Ok(Outcome::empty(input.id))
}
