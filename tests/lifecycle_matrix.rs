//! The lifecycle matrix: every argument of `baidu_peerconn` driven through its
//! life on real Terraform against the emulator, and checked against the one
//! declaration of what a change does (the `=> Lifecycle` of each field of `tfbaidu::peerconn::schema::PeerConnModel`).
//!
//! One resource per argument (each on its own pair of VPCs), all in one
//! configuration, so every step is one plan and one apply for the whole table:
//!
//! 1. create with value A;
//! 2. change to value B; the changes the declaration refuses are then planned
//!    together and must fail, each error at its own resource;
//! 3. remove the argument (or the refused removals, which must fail likewise);
//! 4. back to B; changed outside Terraform (through the emulator's admin API)
//!    where Baidu allows it, which the next plan must undo as declared; then
//!    empty it (`""`, `{}`) where it is a string or a map;
//! 5. destroy (after the Prepaid terms ended, as Baidu keeps them until then).
//!
//! Each accepted step checks the plan's action per resource, applies that plan,
//! checks that the next plans (with and without refresh) are empty, that the
//! emulator holds exactly the peerings in the state, and that each peering
//! received exactly the declared mutating API calls (none for a no-op).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use common::provider_config::required_providers;
use common::{each_terraform, Emulator, Terraform, TfOutput, TfWorkdir};
use serde_json::{json, Value};
use tfplugin5_framework::behaviour::{Behaviour, Drift, Effect};

static BEHAVIOURS: LazyLock<Vec<Behaviour>> = LazyLock::new(tfbaidu::peerconn::schema::behaviours);
static ACCEPTOR_BEHAVIOURS: LazyLock<Vec<Behaviour>> =
    LazyLock::new(tfbaidu::acceptor::schema::behaviours);

const INITIATOR_ID: &str = "a0000000000000000000000000000001";
const PEER_ID: &str = "a0000000000000000000000000000002";
const THIRD_ID: &str = "a0000000000000000000000000000003";

fn account(n: u32, vpcs: Vec<Value>) -> Value {
    json!({
        "name": format!("account{n}"),
        "id": format!("a{:031}", n),
        "access_key": format!("MXAK{:028}", n),
        "secret_key": format!("MXSK{:028}", n),
        "vpcs": vpcs,
    })
}

fn vpc(prefix: &str, region: &str, n: usize) -> String {
    format!("vpc-{prefix}{region}{n:04}")
}

fn vpcs(prefix: &str, region: &str, count: usize) -> Vec<Value> {
    (0..count)
        .map(|n| json!({ "id": vpc(prefix, region, n), "region": region }))
        .collect()
}

/// Three accounts with enough VPCs for one pair (and spares) per argument.
fn emulator_config() -> Value {
    let mut first = vpcs("mx", "bj", 80);
    first.extend(vpcs("mx", "gz", 40));
    json!({
        "seed": 7,
        "quotas": { "per_vpc": 1000, "per_account": 1000 },
        "accounts": [
            account(1, first),
            account(2, vpcs("pa", "bj", 10)),
            account(3, vpcs("pb", "bj", 10)),
        ],
    })
}

/// Hands out fresh VPC ids of one account and region.
#[derive(Default)]
struct Pools {
    next: BTreeMap<String, usize>,
}

impl Pools {
    fn take(&mut self, prefix: &str, region: &str) -> String {
        let n = self.next.entry(format!("{prefix}{region}")).or_default();
        *n += 1;
        vpc(prefix, region, *n - 1)
    }
}

/// One resource's arguments as `path → HCL expression`; absent means unset.
type Settings = BTreeMap<&'static str, String>;

fn q(s: &str) -> String {
    format!("\"{s}\"")
}

/// Which resource type a row exercises.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Peerconn,
    Acceptor,
}

impl Kind {
    fn type_name(self) -> &'static str {
        match self {
            Kind::Peerconn => "baidu_peerconn",
            Kind::Acceptor => "baidu_peerconn_acceptor",
        }
    }

    /// What a replacement calls: a new peering and the old one deleted, or
    /// (an acceptor only forgets on destroy) the answer to the new request.
    fn replace_calls(self) -> &'static [&'static str] {
        match self {
            Kind::Peerconn => &["CreatePeerConn", "DeletePeerConn"],
            Kind::Acceptor => &["AcceptPeerConnApply"],
        }
    }
}

/// One row of the matrix: an argument and the configurations of its steps.
struct Row {
    kind: Kind,
    behaviour: &'static Behaviour,
    name: String,
    a: Settings,
    b: Settings,
    /// B with the argument removed.
    removed: Settings,
    /// B with the argument emptied, for strings and maps.
    emptied: Option<Settings>,
}

impl Row {
    /// The row of `behaviour` with samples `a` and `b` (and `empty`, the
    /// empty value for strings and maps); removal and emptying start from
    /// where the change step left the row: B, or A when the change is refused.
    fn new(
        kind: Kind,
        behaviour: &'static Behaviour,
        name: String,
        a: Settings,
        b: Settings,
        empty: Option<String>,
    ) -> Self {
        let arg = behaviour.argument.as_str();
        assert_eq!(
            empty.is_some(),
            behaviour.emptied.is_some(),
            "{arg}: the declaration and the samples disagree on whether it can be emptied"
        );
        let start = if accepted(behaviour.change).is_some() {
            &b
        } else {
            &a
        };
        let mut removed = start.clone();
        removed.remove(arg);
        let emptied = empty.map(|e| {
            let mut s = start.clone();
            s.insert(arg, e);
            s
        });
        Row {
            kind,
            behaviour,
            name,
            a,
            b,
            removed,
            emptied,
        }
    }

    fn address(&self) -> String {
        format!("{}.{}", self.kind.type_name(), self.name)
    }
}

/// Values A and B (and the empty value) of each argument, with whatever else
/// the row needs for them to be valid. A declared argument without a sample
/// fails the test, so a new argument cannot go untested.
fn row(behaviour: &'static Behaviour, pools: &mut Pools) -> Row {
    let arg = behaviour.argument.as_str();
    let prepaid = arg.starts_with("billing.");
    let peer_region = if prepaid { "gz" } else { "bj" };
    let mut base = Settings::new();
    base.insert("bandwidth_in_mbps", "10".into());
    base.insert("local_vpc_id", q(&pools.take("mx", "bj")));
    base.insert("peer_vpc_id", q(&pools.take("mx", peer_region)));
    base.insert("peer_region", q(peer_region));
    if prepaid && arg != "billing.payment_timing" {
        base.insert("billing.payment_timing", q("Prepaid"));
        base.insert("billing.reservation.reservation_length", "1".into());
    } else {
        base.insert("billing.payment_timing", q("Postpaid"));
    }
    let mut a = base.clone();
    let mut b = base.clone();
    let mut empty = None;
    let set = |s: &mut Settings, pairs: &[(&'static str, String)]| {
        for (k, v) in pairs {
            s.insert(k, v.clone());
        }
    };
    match arg {
        "bandwidth_in_mbps" => set(&mut b, &[(arg, "20".into())]),
        "local_vpc_id" | "peer_vpc_id" => {
            set(&mut b, &[(arg, q(&pools.take("mx", "bj")))]);
            empty = Some(q(""));
        }
        "peer_region" => {
            set(
                &mut b,
                &[(arg, q("gz")), ("peer_vpc_id", q(&pools.take("mx", "gz")))],
            );
            empty = Some(q(""));
        }
        "peer_account_id" => {
            set(
                &mut a,
                &[
                    (arg, q(PEER_ID)),
                    ("peer_vpc_id", q(&pools.take("pa", "bj"))),
                ],
            );
            set(
                &mut b,
                &[
                    (arg, q(THIRD_ID)),
                    ("peer_vpc_id", q(&pools.take("pb", "bj"))),
                ],
            );
            empty = Some(q(""));
        }
        "description" => {
            set(&mut a, &[(arg, q("first"))]);
            set(&mut b, &[(arg, q("second"))]);
            empty = Some(q(""));
        }
        "local_if_name" | "peer_if_name" => {
            set(&mut a, &[(arg, q("if-a"))]);
            set(&mut b, &[(arg, q("if-b"))]);
            empty = Some(q(""));
        }
        "tags" => {
            set(&mut a, &[(arg, "{ tier = \"data\" }".into())]);
            set(&mut b, &[(arg, "{ tier = \"data-v2\" }".into())]);
            empty = Some("{}".into());
        }
        "resource_group_id" => {
            set(&mut a, &[(arg, q("rg-a"))]);
            set(&mut b, &[(arg, q("rg-b"))]);
            empty = Some(q(""));
        }
        "on_rejection" => {
            set(&mut a, &[(arg, q("request_again"))]);
            set(&mut b, &[(arg, q("fail"))]);
            empty = Some(q(""));
        }
        "delete_protect" | "dns_sync" => {
            set(&mut a, &[(arg, "false".into())]);
            set(&mut b, &[(arg, "true".into())]);
        }
        "billing.payment_timing" => {
            set(
                &mut b,
                &[
                    (arg, q("Prepaid")),
                    ("billing.reservation.reservation_length", "1".into()),
                ],
            );
            empty = Some(q(""));
        }
        "billing.renewals" => {
            set(&mut a, &[(arg, "[]".into())]);
            set(&mut b, &[(arg, "[1]".into())]);
            empty = Some("[]".into());
        }
        "billing.refund_on_destroy" => {
            set(&mut a, &[(arg, "false".into())]);
            set(&mut b, &[(arg, "true".into())]);
        }
        "billing.reservation.reservation_length" => {
            // Keeps the reservation block when the length is removed.
            let unit = [("billing.reservation.reservation_time_unit", q("month"))];
            set(&mut a, &unit);
            set(&mut b, &unit);
            set(&mut b, &[(arg, "2".into())]);
        }
        "billing.reservation.reservation_time_unit" => {
            set(&mut a, &[(arg, q("month"))]);
            set(&mut b, &[(arg, q("year"))]);
            empty = Some(q(""));
        }
        "timeouts.create" | "timeouts.update" | "timeouts.delete" => {
            set(&mut a, &[(arg, q("10m"))]);
            set(&mut b, &[(arg, q("11m"))]);
            empty = Some(q(""));
        }
        other => panic!("the lifecycle matrix has no sample values for {other}: add them"),
    }
    Row::new(
        Kind::Peerconn,
        behaviour,
        arg.replace('.', "_"),
        a,
        b,
        empty,
    )
}

/// The resource block of one row's settings.
fn resource_hcl(kind: Kind, name: &str, s: &Settings) -> String {
    match kind {
        Kind::Peerconn => peerconn_hcl(name, s),
        Kind::Acceptor => acceptor_hcl(name, s),
    }
}

/// `resource "baidu_peerconn_acceptor" NAME { … }`, answering through the
/// peer account's provider.
fn acceptor_hcl(name: &str, s: &Settings) -> String {
    let mut top = String::new();
    let mut timeouts = String::new();
    for (k, v) in s {
        match k.split_once('.') {
            None => top.push_str(&format!("  {k} = {v}\n")),
            Some(("timeouts", attr)) => timeouts.push_str(&format!("    {attr} = {v}\n")),
            _ => panic!("unexpected argument path {k}"),
        }
    }
    let mut out = format!(
        "resource \"baidu_peerconn_acceptor\" \"{name}\" {{\n  provider = baidu.peer\n{top}"
    );
    if !timeouts.is_empty() {
        out.push_str(&format!("  timeouts {{\n{timeouts}  }}\n"));
    }
    out.push_str("}\n");
    out
}

/// `resource "baidu_peerconn" NAME { … }` for one row's settings.
fn peerconn_hcl(name: &str, s: &Settings) -> String {
    let mut top = String::new();
    let mut billing = String::new();
    let mut reservation = String::new();
    let mut timeouts = String::new();
    for (k, v) in s {
        match k.split('.').collect::<Vec<_>>().as_slice() {
            [attr] => top.push_str(&format!("  {attr} = {v}\n")),
            ["billing", "reservation", attr] => {
                reservation.push_str(&format!("      {attr} = {v}\n"))
            }
            ["billing", attr] => billing.push_str(&format!("    {attr} = {v}\n")),
            ["timeouts", attr] => timeouts.push_str(&format!("    {attr} = {v}\n")),
            _ => panic!("unexpected argument path {k}"),
        }
    }
    let mut out = format!("resource \"baidu_peerconn\" \"{name}\" {{\n{top}");
    out.push_str(&format!("  billing {{\n{billing}"));
    if !reservation.is_empty() {
        out.push_str(&format!("    reservation {{\n{reservation}    }}\n"));
    }
    out.push_str("  }\n");
    if !timeouts.is_empty() {
        out.push_str(&format!("  timeouts {{\n{timeouts}  }}\n"));
    }
    out.push_str("}\n");
    out
}

/// The whole configuration: the initiator's provider (account 1) and the
/// peer's (`baidu.peer`, account 2), fixed resources, then every row.
fn configuration(
    endpoint: &str,
    fixed: &str,
    rows: &[Row],
    pick: impl Fn(&Row) -> &Settings,
) -> String {
    let mut out = required_providers();
    for (n, alias) in [(1, ""), (2, "  alias      = \"peer\"\n")] {
        out.push_str(&format!(
            "provider \"baidu\" {{\n{alias}  region     = \"bj\"\n  endpoint   = \"{endpoint}\"\n  access_key = \"MXAK{n:028}\"\n  secret_key = \"MXSK{n:028}\"\n}}\n"
        ));
    }
    out.push_str(fixed);
    for row in rows {
        out.push_str(&resource_hcl(row.kind, &row.name, pick(row)));
    }
    out
}

// ------------------------------------------------------------- checks

/// The ids of the peerings the emulator holds (not deleted).
fn live_peerings(emu: &Emulator) -> BTreeSet<String> {
    emu.state()
        .get("peerConns")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|pc| pc.get("status").and_then(Value::as_str) != Some("deleted"))
        .filter_map(|pc| {
            pc.get("peerConnId")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect()
}

/// `address → id` of every `baidu_peerconn` in the state.
fn state_ids(wd: &TfWorkdir) -> BTreeMap<String, String> {
    wd.state_instances()
        .into_iter()
        .filter_map(|r| Some((r.address.clone(), r.attr("id").as_str()?.to_owned())))
        .collect()
}

/// The highest request sequence number the emulator logged so far.
fn last_seq(emu: &Emulator) -> u64 {
    requests(emu)
        .iter()
        .filter_map(|r| r.get("seq").and_then(Value::as_u64))
        .max()
        .unwrap_or(0)
}

fn requests(emu: &Emulator) -> Vec<Value> {
    emu.requests()
        .get("requests")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Mutating API operations after `since`, by peering id (answered ones only:
/// a retried call is one operation).
fn mutations_since(emu: &Emulator, since: u64) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for r in requests(emu) {
        let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let seq = r.get("seq").and_then(Value::as_u64).unwrap_or(0);
        if seq <= since || !s("path").starts_with("/v1/") || s("method") == "GET" {
            continue;
        }
        let status = r.get("status").and_then(Value::as_u64).unwrap_or(0);
        if !(200..300).contains(&status) {
            continue;
        }
        // Retries of one call share its client token.
        if !seen.insert((s("operation"), s("clientToken"), s("peerConnId"))) {
            continue;
        }
        out.entry(s("peerConnId")).or_default().push(s("operation"));
    }
    out
}

/// The mutating operations a row's effect should have caused on its peering
/// (the id before the step and the id after).
fn expected_calls(kind: Kind, effect: Effect) -> Vec<&'static str> {
    match effect {
        Effect::NoChange | Effect::StoredOnly | Effect::Refused(_) | Effect::RefusedAtApply(_) => {
            vec![]
        }
        Effect::InPlace(ops) => ops.to_vec(),
        Effect::Replace => kind.replace_calls().to_vec(),
    }
}

/// What a step should do to one row: its plan actions and API calls.
struct Expected {
    actions: Vec<String>,
    calls: Vec<String>,
}

impl Expected {
    fn of(row: &Row, effect: Effect) -> Self {
        let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
        Expected {
            actions: strings(effect.plan_actions().unwrap_or_default()),
            calls: strings(&expected_calls(row.kind, effect)),
        }
    }

    /// A row's resource created: the peering's create (an acceptor's
    /// request is created by the initiator in the same apply) and the answer.
    fn created(row: &Row) -> Self {
        let mut calls = vec!["CreatePeerConn".to_owned()];
        if row.kind == Kind::Acceptor {
            calls.push("AcceptPeerConnApply".to_owned());
        }
        Expected {
            actions: vec!["create".into()],
            calls,
        }
    }
}

/// One accepted step: plan, check each row's action, apply the saved plan,
/// then the plan must be empty and the emulator must match the state.
#[track_caller]
fn accepted_step(
    step: &str,
    wd: &TfWorkdir,
    emu: &Emulator,
    rows: &[Row],
    expect: impl Fn(&Row) -> Option<Expected>,
) {
    let before = state_ids(wd);
    let since = last_seq(emu);
    let plan = wd.plan_json(&[]);
    let actions: BTreeMap<String, Vec<String>> = plan.resource_actions().into_iter().collect();
    let mut wrong = Vec::new();
    for row in rows {
        let Some(expected) = expect(row) else {
            continue;
        };
        let expected = expected.actions;
        let got = actions
            .get(&row.address())
            .cloned()
            .unwrap_or_else(|| vec!["no-op".into()]);
        if got != expected {
            wrong.push(format!(
                "{}: planned {got:?}, declared {expected:?}",
                row.address()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "step {step} on {}: plan actions differ from the declaration:\n  {}\n{}",
        wd.terraform(),
        wrong.join("\n  "),
        plan.plan
    );
    wd.apply_with(&["tfplan"]).assert_success();
    wd.assert_plan_empty();

    let after = state_ids(wd);
    let held: BTreeSet<String> = after.values().cloned().collect();
    assert_eq!(
        live_peerings(emu),
        held,
        "step {step} on {}: the emulator's peerings are not the state's",
        wd.terraform()
    );
    let calls = mutations_since(emu, since);
    let mut wrong = Vec::new();
    for row in rows {
        let Some(expected) = expect(row) else {
            continue;
        };
        let address = row.address();
        let ids: BTreeSet<&String> = before
            .get(&address)
            .into_iter()
            .chain(after.get(&address))
            .collect();
        let mut got: Vec<String> = ids
            .iter()
            .flat_map(|id| calls.get(*id).cloned().unwrap_or_default())
            .collect();
        got.sort();
        let mut expected = expected.calls;
        expected.sort();
        if got != expected {
            wrong.push(format!(
                "{address}: API calls {got:?}, declared {expected:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "step {step} on {}: API calls differ from the declaration:\n  {}",
        wd.terraform(),
        wrong.join("\n  ")
    );
}

/// The diagnostics of `severity` ("Error" or "Warning") in a run's output,
/// as `(summary, text)` blocks.
fn diagnostic_blocks(out: &TfOutput, severity: &str) -> Vec<(String, String)> {
    let text = format!("{}\n{}", out.stdout, out.stderr).replace('│', " ");
    let mut blocks = Vec::new();
    for part in text.split(&format!("{severity}: ")).skip(1) {
        let end = ["Error: ", "Warning: "]
            .iter()
            .filter_map(|next| part.find(next))
            .min()
            .unwrap_or(part.len());
        let block = &part[..end];
        let summary = block.lines().next().unwrap_or("").trim().to_owned();
        blocks.push((summary, block.to_owned()));
    }
    blocks
}

/// The rows lacking a `severity` diagnostic of their summary that names
/// their resource.
fn unnamed(
    out: &TfOutput,
    severity: &str,
    rows: &[&Row],
    summary: &impl Fn(&Row) -> &'static str,
) -> Vec<String> {
    let blocks = diagnostic_blocks(out, severity);
    let mut missing = Vec::new();
    for row in rows {
        let wanted = summary(row);
        let named = |b: &str| {
            b.contains(&format!("with {},", row.address()))
                || b.contains(&format!("with {}.", row.address()))
                || b.contains(&format!(
                    "in resource \"{}\" \"{}\"",
                    row.kind.type_name(),
                    row.name
                ))
        };
        if !blocks.iter().any(|(s, b)| s == wanted && named(b)) {
            missing.push(format!(
                "{}: no {severity} {wanted:?} naming it",
                row.address()
            ));
        }
    }
    missing
}

/// A refused step: the plan must fail, and each row must have an error of
/// the declared summary that names its resource.
#[track_caller]
fn refused_step(step: &str, wd: &TfWorkdir, rows: &[&Row], summary: impl Fn(&Row) -> &'static str) {
    if rows.is_empty() {
        return;
    }
    let out = wd.run(&["plan", "-input=false", "-no-color"]);
    out.assert_failure();
    let missing = unnamed(&out, "Error", rows, &summary);
    assert!(
        missing.is_empty(),
        "step {step} on {}:\n  {}\n{out}",
        wd.terraform(),
        missing.join("\n  ")
    );
}

/// A change refused at apply: the plan succeeds with a warning of the
/// declared summary per row, the apply fails with the error, no row's
/// peering gets a mutating call, and the state keeps what it had.
#[track_caller]
fn refused_at_apply_step(
    step: &str,
    wd: &TfWorkdir,
    emu: &Emulator,
    rows: &[&Row],
    summary: impl Fn(&Row) -> &'static str,
) {
    if rows.is_empty() {
        return;
    }
    let before = state_ids(wd);
    let since = last_seq(emu);
    let plan = wd.run_ok(&["plan", "-input=false", "-no-color"]);
    let mut missing = unnamed(&plan, "Warning", rows, &summary);
    let apply = wd.apply_with(&[]);
    apply.assert_failure();
    missing.extend(unnamed(&apply, "Error", rows, &summary));
    let calls = mutations_since(emu, since);
    for row in rows {
        if let Some(ops) = before.get(&row.address()).and_then(|id| calls.get(id)) {
            missing.push(format!(
                "{}: API calls {ops:?} for a refused change",
                row.address()
            ));
        }
    }
    assert_eq!(
        before,
        state_ids(wd),
        "step {step}: a refused change altered the state"
    );
    assert!(
        missing.is_empty(),
        "step {step} on {}:\n  {}\n{plan}\n{apply}",
        wd.terraform(),
        missing.join("\n  ")
    );
}

fn refused(effect: Effect) -> Option<&'static str> {
    match effect {
        Effect::Refused(summary) => Some(summary),
        _ => None,
    }
}

fn refused_at_apply(effect: Effect) -> Option<&'static str> {
    match effect {
        Effect::RefusedAtApply(summary) => Some(summary),
        _ => None,
    }
}

fn accepted(effect: Effect) -> Option<Effect> {
    (refused(effect).is_none() && refused_at_apply(effect).is_none()).then_some(effect)
}

/// How a row's argument is changed outside Terraform.
enum OutOfBand {
    /// Through the emulator's attributes endpoint.
    Attributes(Value),
    /// DNS synchronisation closed on this side.
    DnsClosed(&'static str),
}

/// The out-of-band change of each argument declared to drift (from B). A
/// declared drift without a sample fails the test.
fn drift_sample(row: &Row) -> OutOfBand {
    match (row.kind, row.behaviour.argument.as_str()) {
        (Kind::Peerconn, "bandwidth_in_mbps") => {
            OutOfBand::Attributes(json!({ "bandwidthInMbps": 30 }))
        }
        (Kind::Peerconn, "description") => {
            OutOfBand::Attributes(json!({ "description": "console" }))
        }
        (Kind::Peerconn, "local_if_name") => {
            OutOfBand::Attributes(json!({ "localIfName": "console" }))
        }
        (Kind::Peerconn, "peer_if_name") => {
            OutOfBand::Attributes(json!({ "peerIfName": "console" }))
        }
        (Kind::Peerconn, "tags") => {
            OutOfBand::Attributes(json!({ "tags": [{ "tagKey": "tier", "tagValue": "console" }] }))
        }
        (Kind::Peerconn, "delete_protect") => {
            OutOfBand::Attributes(json!({ "deleteProtect": false }))
        }
        (Kind::Peerconn, "dns_sync") => OutOfBand::DnsClosed("initiator"),
        (Kind::Acceptor, "dns_sync") => OutOfBand::DnsClosed("acceptor"),
        (_, other) => panic!("the lifecycle matrix has no drift sample for {other}: add one"),
    }
}

// ------------------------------------------------------------- the matrix

/// Whether the row's change to B was accepted (else it stays at A).
fn at_b(r: &Row) -> bool {
    accepted(r.behaviour.change).is_some()
}

/// The row's settings after the change step.
fn b_or_a(r: &Row) -> &Settings {
    if at_b(r) {
        &r.b
    } else {
        &r.a
    }
}

/// Drives `rows` (plus the `fixed` resources they refer to) through every
/// step on `tf`.
fn run_matrix(tf: &Terraform, emu: &Emulator, fixed: &str, rows: &[Row]) {
    let wd = TfWorkdir::new(tf);
    let write = |pick: &dyn Fn(&Row) -> &Settings| {
        wd.write("main.tf", &configuration(emu.endpoint(), fixed, rows, pick));
    };

    // 1. Create with A.
    write(&|r| &r.a);
    accepted_step("create", &wd, emu, rows, |r| Some(Expected::created(r)));

    // 2. Change to B: the accepted changes, then the refused ones.
    write(&|r| {
        if accepted(r.behaviour.change).is_some() {
            &r.b
        } else {
            &r.a
        }
    });
    accepted_step("change", &wd, emu, rows, |r| {
        accepted(r.behaviour.change).map(|e| Expected::of(r, e))
    });
    let refused_rows: Vec<&Row> = rows
        .iter()
        .filter(|r| refused_at_apply(r.behaviour.change).is_some())
        .collect();
    write(&|r| {
        if refused(r.behaviour.change).is_some() {
            &r.a
        } else {
            &r.b
        }
    });
    refused_at_apply_step("change (refused at apply)", &wd, emu, &refused_rows, |r| {
        refused_at_apply(r.behaviour.change).unwrap_or_default()
    });
    write(&|r| &r.b);
    let refused_rows: Vec<&Row> = rows
        .iter()
        .filter(|r| refused(r.behaviour.change).is_some())
        .collect();
    refused_step("change (refused)", &wd, &refused_rows, |r| {
        refused(r.behaviour.change).unwrap_or_default()
    });

    // 3. Remove: the accepted removals, then the refused ones.
    write(&|r| {
        if accepted(r.behaviour.removal).is_some() {
            &r.removed
        } else {
            b_or_a(r)
        }
    });
    accepted_step("removal", &wd, emu, rows, |r| {
        accepted(r.behaviour.removal).map(|e| Expected::of(r, e))
    });
    let refused_rows: Vec<&Row> = rows
        .iter()
        .filter(|r| refused(r.behaviour.removal).is_some())
        .collect();
    write(&|r| &r.removed);
    refused_step("removal (refused)", &wd, &refused_rows, |r| {
        refused(r.behaviour.removal).unwrap_or_default()
    });

    // 4. Back to B; changed outside Terraform where Baidu allows it; then
    // empty strings and maps.
    write(&b_or_a);
    wd.apply();
    wd.assert_plan_empty();
    let ids = state_ids(&wd);
    let drifting: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.behaviour.drift, Drift::Reverted(_)))
        .collect();
    for row in &drifting {
        let id = &ids[&row.address()];
        match drift_sample(row) {
            OutOfBand::Attributes(attributes) => emu.change_out_of_band(id, &attributes),
            OutOfBand::DnsClosed(role) => {
                emu.admin(
                    "POST",
                    &format!("/__emulator/peerconns/{id}/status"),
                    Some(&json!({ "dnsStatus": "close", "role": role })),
                );
            }
        }
    }
    accepted_step("drift", &wd, emu, rows, |r| match r.behaviour.drift {
        Drift::Reverted(effect) => Some(Expected::of(r, effect)),
        _ => None,
    });
    let emptied = |r: &Row| r.emptied.is_some();
    write(&|r| match (&r.emptied, r.behaviour.emptied) {
        (Some(e), Some(effect)) if accepted(effect).is_some() => e,
        _ => b_or_a(r),
    });
    accepted_step("emptied", &wd, emu, rows, |r| {
        emptied(r)
            .then(|| r.behaviour.emptied.and_then(accepted))
            .flatten()
            .map(|e| Expected::of(r, e))
    });
    let refused_rows: Vec<&Row> = rows
        .iter()
        .filter(|r| emptied(r) && r.behaviour.emptied.and_then(refused).is_some())
        .collect();
    write(&|r| r.emptied.as_ref().unwrap_or_else(|| b_or_a(r)));
    refused_step("emptied (refused)", &wd, &refused_rows, |r| {
        r.behaviour.emptied.and_then(refused).unwrap_or_default()
    });

    // 5. Destroy everything: protection off first, and after the Prepaid
    // terms ended (Baidu releases a Prepaid peering only then).
    write(&|r| {
        if r.behaviour.argument == "delete_protect" {
            &r.a
        } else {
            b_or_a(r)
        }
    });
    wd.apply();
    emu.advance_clock(400 * 24 * 3600);
    wd.destroy();
    assert_eq!(
        live_peerings(emu),
        BTreeSet::new(),
        "destroy on {} left peerings behind",
        tf
    );
}

/// The emulator with three accounts' VPCs and quick transitions.
fn matrix_emulator(dir: &std::path::Path) -> Emulator {
    let config_path = dir.join("emulator.json");
    std::fs::write(&config_path, emulator_config().to_string()).expect("write config");
    let config_arg = config_path.to_string_lossy().into_owned();
    Emulator::start_with(&["--quiet", "--config", &config_arg, "--timing", "all=200ms"])
}

#[test]
fn every_peerconn_argument_behaves_as_declared() {
    let dir = tempfile::tempdir().expect("temp dir");
    let emu = matrix_emulator(dir.path());
    assert_eq!(INITIATOR_ID, format!("a{:031}", 1));
    each_terraform(|tf| {
        emu.reset();
        emu.set_timing(&json!({ "all": "200ms" }));
        let mut pools = Pools::default();
        let rows: Vec<Row> = BEHAVIOURS.iter().map(|b| row(b, &mut pools)).collect();
        run_matrix(tf, &emu, "", &rows);
    });
}

/// One cross-account request per acceptor row (two for `peer_conn_id`,
/// whose change answers another request), and the rows answering them.
fn acceptor_rows(pools: &mut Pools) -> (String, Vec<Row>) {
    let mut fixed = String::new();
    let mut request = |name: &str, pools: &mut Pools| -> String {
        fixed.push_str(&format!(
            "resource \"baidu_peerconn\" \"{name}\" {{\n  bandwidth_in_mbps = 10\n  local_vpc_id      = \"{}\"\n  peer_vpc_id       = \"{}\"\n  peer_region       = \"bj\"\n  peer_account_id   = \"{PEER_ID}\"\n  billing {{\n    payment_timing = \"Postpaid\"\n  }}\n}}\n",
            pools.take("mx", "bj"),
            pools.take("pa", "bj"),
        ));
        format!("baidu_peerconn.{name}.id")
    };
    let mut rows = Vec::new();
    for behaviour in ACCEPTOR_BEHAVIOURS.iter() {
        let arg = behaviour.argument.as_str();
        let name = format!("acc_{}", arg.replace('.', "_"));
        let mut a = Settings::new();
        a.insert("peer_conn_id", request(&format!("req_{name}"), pools));
        a.insert("action", q("accept"));
        let mut b = a.clone();
        let mut empty = Some(q(""));
        match arg {
            "peer_conn_id" => {
                b.insert(arg, request(&format!("req_{name}_b"), pools));
            }
            "action" => {
                b.insert(arg, q("reject"));
            }
            "dns_sync" => {
                a.insert(arg, "false".into());
                b.insert(arg, "true".into());
                empty = None;
            }
            "timeouts.create" | "timeouts.update" => {
                a.insert(arg, q("10m"));
                b.insert(arg, q("11m"));
            }
            other => panic!("the lifecycle matrix has no sample values for {other}: add them"),
        }
        rows.push(Row::new(Kind::Acceptor, behaviour, name, a, b, empty));
    }
    (fixed, rows)
}

#[test]
fn every_acceptor_argument_behaves_as_declared() {
    let dir = tempfile::tempdir().expect("temp dir");
    let emu = matrix_emulator(dir.path());
    each_terraform(|tf| {
        emu.reset();
        emu.set_timing(&json!({ "all": "200ms" }));
        let (fixed, rows) = acceptor_rows(&mut Pools::default());
        run_matrix(tf, &emu, &fixed, &rows);
    });
}
