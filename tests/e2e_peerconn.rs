//! End to end: `resource "baidu_peerconn"` driven by every real Terraform
//! client (1.0.3, 1.11.4 where present, 1.15.5) against the emulator. One test
//! function per scenario, each running all clients in turn on one emulator (reset
//! between clients) with short transition times.
//!
//! Scenarios (the numbers label the tests below): 1 same-account lifecycle, 3 Prepaid cross-region,
//! 4 out-of-band delete, 5 deletion protection, 6 failure after create, 7 bad inputs
//! at plan time, 8 `import {}` + `-generate-config-out` (Terraform >= 1.5),
//! 9 create timeout. Item 2 (cross-account acceptance) belongs to the acceptor's
//! tests; `cross_account_request_waits_and_a_rejection_is_replaced` covers the
//! initiator's side of it.

mod common;

use std::time::{Duration, Instant};

use common::json::pretty;
use common::provider_config::{provider_block, required_providers};
use common::{each_terraform, Emulator, Terraform, TfOutput, TfWorkdir, INITIATOR, PEER};
use serde_json::{json, Value};

const ADDR: &str = "baidu_peerconn.test";
const BJ1: &str = "vpc-demobj000001";
const BJ2: &str = "vpc-demobj000002";
const GZ1: &str = "vpc-demogz000001";

// ------------------------------------------------------------------ helpers

/// The emulator with quick transitions (the provider polls from 200 ms on).
fn emulator() -> Emulator {
    Emulator::start_with(&["--quiet", "--timing", "all=200ms"])
}

/// Back to an empty emulator with quick transitions, for the next client.
fn fresh(emu: &Emulator) {
    emu.reset();
    emu.set_timing(&json!({ "all": "200ms" }));
}

fn workdir(tf: &Terraform) -> TfWorkdir {
    TfWorkdir::new(tf)
}

/// `terraform {}` + the initiator's provider in `bj` + `body`.
fn config(emu: &Emulator, body: &str) -> String {
    format!(
        "{}\n{}\n{body}",
        required_providers(),
        provider_block(&INITIATOR, "bj", emu.endpoint(), None)
    )
}

/// A `baidu_peerconn "test"` with the given attribute lines and billing block.
fn resource(lines: &[&str], billing: &str) -> String {
    let mut out = String::from("resource \"baidu_peerconn\" \"test\" {\n");
    for line in lines {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(billing);
    out.push_str("}\n");
    out
}

const POSTPAID: &str = "  billing {\n    payment_timing = \"Postpaid\"\n  }\n";

fn prepaid(months: u32) -> String {
    format!(
        "  billing {{\n    payment_timing = \"Prepaid\"\n    reservation {{\n      reservation_length = {months}\n    }}\n  }}\n"
    )
}

/// The live peerings the emulator holds.
fn peerings(emu: &Emulator) -> Vec<Value> {
    emu.state()
        .get("peerConns")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The only live peering; fails if there are none or several.
#[track_caller]
fn only_peering(emu: &Emulator) -> Value {
    let all = peerings(emu);
    assert_eq!(
        all.len(),
        1,
        "expected exactly one peering in the emulator:\n{}",
        pretty(&Value::Array(all.clone()))
    );
    all[0].clone()
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// API requests that change something (anything but GET on `/v1/`).
fn mutating_requests(emu: &Emulator) -> Vec<Value> {
    emu.requests()
        .get("requests")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| str_at(r, "/path").starts_with("/v1/") && str_at(r, "/method") != "GET")
        .cloned()
        .collect()
}

fn operations(requests: &[Value]) -> Vec<String> {
    requests
        .iter()
        .map(|r| str_at(r, "/operation").to_owned())
        .collect()
}

/// Plans with `-out`, checks the one resource change has `actions`, applies that plan.
#[track_caller]
fn plan_expect_and_apply(wd: &TfWorkdir, actions: &[&str]) -> TfOutput {
    let plan = wd.plan_json(&[]);
    assert_eq!(
        plan.actions(ADDR),
        actions,
        "unexpected plan on {}:\n{}",
        wd.terraform(),
        plan.plan
    );
    wd.apply_with(&["tfplan"]).assert_success().clone()
}

/// Both flavours of `plan -detailed-exitcode` must find nothing to do.
#[track_caller]
fn assert_plan_empty(wd: &TfWorkdir) {
    wd.assert_plan_empty();
}

/// Asserts the output contains `needle`, ignoring how Terraform wrapped the lines.
#[track_caller]
fn assert_says(out: &TfOutput, needle: &str) {
    out.assert_says(needle);
}

/// Waits (a bounded while) until `check` holds on the emulator's state.
#[track_caller]
fn wait_for_emulator(emu: &Emulator, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let state = emu.state();
        if check(&state) {
            return state;
        }
        assert!(
            Instant::now() < until,
            "emulator never reached: {what}\n{}",
            pretty(&state)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ------------------------------------------------------------- scenario 1

/// Scenario 1: same-account Postpaid with tags, through its whole life.
#[test]
fn same_account_postpaid_lifecycle() {
    let emu = emulator();
    each_terraform(|tf| {
        fresh(&emu);
        // The first create answer is lost after the peering was made: the provider
        // retries with the same clientToken and must get the same peering back.
        emu.set_faults(&json!({ "rules": [
            { "operation": "CreatePeerConn", "failNext": 1, "phase": "after" }
        ]}));
        let wd = workdir(tf);
        let base = [
            "local_vpc_id      = \"vpc-demobj000001\"",
            "peer_vpc_id       = \"vpc-demobj000002\"",
            "peer_region       = \"bj\"",
            "tags              = { team = \"net\", env = \"dev\" }",
        ];
        let write = |extra: &[&str]| {
            let lines: Vec<&str> = base.iter().chain(extra).copied().collect();
            wd.write("main.tf", &config(&emu, &resource(&lines, POSTPAID)));
        };
        write(&["bandwidth_in_mbps = 10", "description = \"first\""]);
        plan_expect_and_apply(&wd, &["create"]);

        let values = wd.state_of(ADDR).values;
        let id = values["id"].as_str().expect("id in state").to_owned();
        let pc = only_peering(&emu);
        assert_eq!(pc["peerConnId"], json!(id));
        let body = &pc["createRequest"];
        assert_eq!(
            body["billing"],
            json!({ "paymentTiming": "Postpaid" }),
            "{body}"
        );
        assert_eq!(
            body["tags"],
            json!([
                { "tagKey": "env", "tagValue": "dev" },
                { "tagKey": "team", "tagValue": "net" }
            ]),
            "{body}"
        );
        assert_eq!(body["bandwidthInMbps"], json!(10));
        assert_eq!(body["description"], json!("first"));
        assert!(body.get("peerAccountId").is_none(), "{body}");
        let creates: Vec<Value> = mutating_requests(&emu)
            .into_iter()
            .filter(|r| str_at(r, "/operation") == "CreatePeerConn")
            .collect();
        assert!(
            creates.len() >= 2,
            "the lost answer was not retried: {creates:?}"
        );
        let token = str_at(&creates[0], "/clientToken");
        assert!(!token.is_empty());
        assert!(
            creates.iter().all(|r| str_at(r, "/clientToken") == token),
            "retries must reuse the clientToken: {creates:?}"
        );
        assert_eq!(values["status"], json!("active"));
        assert_eq!(values["role"], json!("initiator"));
        assert_eq!(values["peer_account_id"], Value::Null);
        assert_eq!(values["tags"], json!({ "env": "dev", "team": "net" }));
        assert_plan_empty(&wd);

        // Each argument that Baidu can change in place: an update, never a replacement.
        let steps: [(&[&str], &str); 5] = [
            (
                &["bandwidth_in_mbps = 20", "description = \"first\""],
                "ResizePeerConn",
            ),
            (
                &["bandwidth_in_mbps = 20", "description = \"second\""],
                "UpdatePeerConn",
            ),
            (
                &[
                    "bandwidth_in_mbps = 20",
                    "description = \"second\"",
                    "local_if_name = \"lif-1\"",
                ],
                "UpdatePeerConn",
            ),
            (
                &[
                    "bandwidth_in_mbps = 20",
                    "description = \"second\"",
                    "local_if_name = \"lif-1\"",
                    "delete_protect = true",
                ],
                "UpdatePeerConnDeleteProtect",
            ),
            (
                &[
                    "bandwidth_in_mbps = 20",
                    "description = \"second\"",
                    "local_if_name = \"lif-1\"",
                    "delete_protect = true",
                    "dns_sync = true",
                ],
                "OpenPeerConnSyncDNS",
            ),
        ];
        for (lines, operation) in steps {
            let before = mutating_requests(&emu).len();
            write(lines);
            plan_expect_and_apply(&wd, &["update"]);
            let calls = operations(&mutating_requests(&emu)[before..]);
            assert_eq!(
                calls,
                [operation],
                "only the changed field's endpoint is called"
            );
            wd.plan_detailed_exitcode(&[]).assert_no_changes();
        }
        let pc = only_peering(&emu);
        assert_eq!(pc["peerConnId"], json!(id), "updated in place");
        assert_eq!(pc["bandwidthInMbps"], json!(20));
        assert_eq!(pc["deleteProtect"], json!(true));
        assert_eq!(str_at(&pc, "/initiator/description"), "second");
        assert_eq!(str_at(&pc, "/initiator/ifName"), "lif-1");
        assert_eq!(str_at(&pc, "/initiator/dnsStatus"), "open");
        let values = wd.state_of(ADDR).values;
        assert_eq!(values["dns_sync"], json!(true));
        assert_eq!(values["dns_status"], json!("open"));
        assert_plan_empty(&wd);

        // Import into an empty state: everything is read back.
        wd.state_rm(ADDR);
        wd.import(ADDR, &id);
        assert_plan_empty(&wd);

        // Protection off, then destroy: the emulator is empty.
        write(&[
            "bandwidth_in_mbps = 20",
            "description = \"second\"",
            "local_if_name = \"lif-1\"",
            "delete_protect = false",
            "dns_sync = true",
        ]);
        plan_expect_and_apply(&wd, &["update"]);
        wd.destroy();
        assert!(peerings(&emu).is_empty(), "{}", pretty(&emu.state()));
    });
}

// ------------------------------------------------------------- scenario 3

/// Prepaid across regions with a reservation: the bandwidth can only grow;
/// the initial term changed buys nothing; a term appended to `renewals` is a
/// purchase the plan names; an expired peering is renewed in place, not
/// replaced; an unexpired one is destroyed only by a refund the
/// configuration asks for.
#[test]
fn prepaid_cross_region_with_reservation() {
    let emu = emulator();
    each_terraform(|tf| {
        fresh(&emu);
        let wd = workdir(tf);
        let write_billing = |bandwidth: u32, billing: &str| {
            let bw = format!("bandwidth_in_mbps = {bandwidth}");
            let lines = [
                bw.as_str(),
                "local_vpc_id = \"vpc-demobj000001\"",
                "peer_vpc_id  = \"vpc-demogz000001\"",
                "peer_region  = \"gz\"",
            ];
            wd.write("main.tf", &config(&emu, &resource(&lines, billing)));
        };
        let write = |bandwidth: u32, months: u32| write_billing(bandwidth, &prepaid(months));
        let with = |months: u32, extra: &str| {
            prepaid(months).replace(
                "    payment_timing = \"Prepaid\"\n",
                &format!("    payment_timing = \"Prepaid\"\n{extra}"),
            )
        };
        write(50, 1);
        plan_expect_and_apply(&wd, &["create"]);
        let pc = only_peering(&emu);
        assert_eq!(
            pc["createRequest"]["billing"],
            json!({
                "paymentTiming": "Prepaid",
                "reservation": { "reservationLength": 1, "reservationTimeUnit": "month" }
            })
        );
        assert_eq!(pc["createRequest"]["peerRegion"], json!("gz"));
        let values = wd.state_of(ADDR).values;
        let id = values["id"].as_str().expect("id").to_owned();
        assert_eq!(values["local_region"], json!("bj"));
        assert!(values["expired_time"]
            .as_str()
            .is_some_and(|s| !s.is_empty()));
        assert_plan_empty(&wd);

        // Import derives the one-month term from creation and expiry.
        wd.state_rm(ADDR);
        wd.import(ADDR, &id);
        assert_plan_empty(&wd);

        // A decrease: the plan warns (an error there would block `terraform
        // destroy`), the apply refuses it, naming the attribute; nothing is sent.
        let before = mutating_requests(&emu).len();
        write(40, 1);
        let plan = wd.run_ok(&["plan", "-input=false", "-no-color"]);
        assert_says(&plan, "Prepaid bandwidth can only grow");
        assert_says(&plan, "The apply will refuse this change");
        let out = wd.apply_with(&[]);
        out.assert_failure();
        out.assert_contains("bandwidth_in_mbps");
        assert_says(&out, "Prepaid bandwidth can only grow");
        assert_eq!(mutating_requests(&emu).len(), before);
        assert_eq!(wd.state_of(ADDR).values["bandwidth_in_mbps"], json!(50));

        // A longer initial term buys nothing (it used to renew silently).
        let expired_before = values["expired_time"].clone();
        write(60, 3);
        let plan = wd.plan_json(&[]);
        assert_eq!(plan.actions(ADDR), ["update"]);
        assert_says(&plan.plan, "The initial term changes, nothing is bought");
        wd.apply_with(&["tfplan"]).assert_success();
        let calls = operations(&mutating_requests(&emu)[before..]);
        assert_eq!(calls, ["ResizePeerConn"]);
        assert_eq!(wd.state_of(ADDR).values["expired_time"], expired_before);
        assert_eq!(only_peering(&emu)["bandwidthInMbps"], json!(60));
        assert_plan_empty(&wd);

        // A term appended to renewals is a purchase the plan names.
        write_billing(60, &with(3, "    renewals       = []\n"));
        wd.apply();
        let before = mutating_requests(&emu).len();
        write_billing(60, &with(3, "    renewals       = [2]\n"));
        let plan = wd.plan_json(&[]);
        assert_eq!(plan.actions(ADDR), ["update"]);
        assert_says(&plan.plan, "This plan buys a Prepaid renewal");
        assert_says(&plan.plan, "renewed for 2 month(s)");
        wd.apply_with(&["tfplan"]).assert_success();
        assert_eq!(
            operations(&mutating_requests(&emu)[before..]),
            ["RenewPeerConn"]
        );
        assert_ne!(wd.state_of(ADDR).values["expired_time"], expired_before);
        assert_plan_empty(&wd);

        // Past its term the peering is expired: kept, with what to do.
        emu.advance_clock(200 * 86_400);
        let plan = wd.plan_json(&[]);
        assert_eq!(plan.actions(ADDR), ["no-op"], "{}", plan.plan);
        assert_says(&plan.plan, "Prepaid peering expired");
        plan.plan.assert_contains(&id);
        // ...and renewed in place by one more term: same id, active again.
        let before = mutating_requests(&emu).len();
        write_billing(60, &with(3, "    renewals       = [2, 1]\n"));
        plan_expect_and_apply(&wd, &["update"]);
        assert_eq!(
            operations(&mutating_requests(&emu)[before..]),
            ["RenewPeerConn"]
        );
        let values = wd.state_of(ADDR).values;
        assert_eq!(values["id"], json!(id));
        assert_eq!(values["status"], json!("active"));

        // Unexpired, it is not destroyed without a refund the configuration asks for.
        let refused = wd.run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
        refused.assert_failure();
        assert_says(&refused, "Prepaid term still running");
        assert_eq!(peerings(&emu).len(), 1);
        write_billing(
            60,
            &with(
                3,
                "    renewals          = [2, 1]\n    refund_on_destroy = true\n",
            ),
        );
        let before = mutating_requests(&emu).len();
        wd.apply();
        wd.destroy();
        let calls = operations(&mutating_requests(&emu)[before..]);
        assert_eq!(calls, ["RefundPeerConn"], "{calls:?}");
        assert!(peerings(&emu).is_empty(), "{}", pretty(&emu.state()));
    });
}

// ------------------------------------------------------------- scenario 4

/// Scenario 4: deleted behind Terraform's back → refresh warns and drops it;
/// apply creates it again.
#[test]
fn out_of_band_delete_is_dropped_and_recreated() {
    let emu = emulator();
    each_terraform(|tf| {
        fresh(&emu);
        let wd = workdir(tf);
        let lines = [
            "bandwidth_in_mbps = 10",
            "local_vpc_id = \"vpc-demobj000001\"",
            "peer_vpc_id  = \"vpc-demobj000002\"",
            "peer_region  = \"bj\"",
        ];
        wd.write("main.tf", &config(&emu, &resource(&lines, POSTPAID)));
        wd.apply();
        let old = wd.state_of(ADDR).values["id"]
            .as_str()
            .expect("id")
            .to_owned();
        emu.delete_out_of_band(&old);

        let refresh = wd.apply_with(&["-refresh-only"]);
        refresh.assert_success();
        assert_says(&refresh, "deleted outside Terraform");
        refresh.assert_contains(&old);
        let state = wd.show_json();
        assert!(
            state
                .pointer("/values/root_module/resources")
                .is_none_or(|r| r.as_array().is_some_and(Vec::is_empty)),
            "the peering must be gone from state:\n{}",
            pretty(&state)
        );

        plan_expect_and_apply(&wd, &["create"]);
        let new = wd.state_of(ADDR).values["id"]
            .as_str()
            .expect("id")
            .to_owned();
        assert_ne!(new, old);
        assert_eq!(only_peering(&emu)["peerConnId"], json!(new));
        assert_plan_empty(&wd);
        wd.destroy();
    });
}

// ------------------------------------------------------------- scenario 5

/// Scenario 5: deletion protection blocks destroy with a clear message
/// (at plan time on Terraform >= 1.3, in the delete itself before); turning it
/// off lets destroy finish.
#[test]
fn delete_protect_blocks_destroy_until_turned_off() {
    let emu = emulator();
    each_terraform(|tf| {
        fresh(&emu);
        let wd = workdir(tf);
        let write = |protect: bool| {
            let p = format!("delete_protect = {protect}");
            let lines = [
                "bandwidth_in_mbps = 10",
                "local_vpc_id = \"vpc-demobj000001\"",
                "peer_vpc_id  = \"vpc-demobj000002\"",
                "peer_region  = \"bj\"",
                p.as_str(),
            ];
            wd.write("main.tf", &config(&emu, &resource(&lines, POSTPAID)));
        };
        write(true);
        wd.apply();
        assert_eq!(
            only_peering(&emu)["createRequest"]["deleteProtect"],
            json!(true)
        );
        let before = mutating_requests(&emu).len();

        let out = wd.run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
        out.assert_failure();
        assert_says(&out, "Deletion protection is on");
        assert_says(&out, "delete_protect = false");
        assert_eq!(
            mutating_requests(&emu).len(),
            before,
            "no delete may be sent while protected"
        );
        only_peering(&emu);
        assert_plan_empty(&wd);

        write(false);
        plan_expect_and_apply(&wd, &["update"]);
        wd.destroy();
        assert!(peerings(&emu).is_empty(), "{}", pretty(&emu.state()));
    });
}

// ------------------------------------------------------------- scenario 6

/// Scenario 6: the peering fails after create (the emulator drives it to
/// `error`): the apply fails, the state keeps the id, tainted; the next apply
/// replaces it.
#[test]
fn failure_after_create_keeps_the_id_tainted_and_is_replaced() {
    let emu = emulator();
    each_terraform(|tf| {
        fresh(&emu);
        emu.set_timing(&json!({ "creating": "stuck" }));
        let wd = workdir(tf);
        let lines = [
            "bandwidth_in_mbps = 10",
            "local_vpc_id = \"vpc-demobj000001\"",
            "peer_vpc_id  = \"vpc-demobj000002\"",
            "peer_region  = \"bj\"",
        ];
        wd.write("main.tf", &config(&emu, &resource(&lines, POSTPAID)));

        let (out, failed_id) = std::thread::scope(|s| {
            let apply = s.spawn(|| wd.apply_with(&[]));
            let state = wait_for_emulator(&emu, "a peering being created", |st| {
                st["peerConns"].as_array().is_some_and(|a| !a.is_empty())
            });
            let id = str_at(&state, "/peerConns/0/peerConnId").to_owned();
            emu.force_status(&id, "error");
            (apply.join().expect("apply thread"), id)
        });
        out.assert_failure();
        assert_says(&out, "did not become ready");
        assert_says(&out, "reached status error");
        out.assert_contains(&failed_id);

        let instance = wd.state_file_instance("baidu_peerconn");
        assert_eq!(
            instance["status"],
            json!("tainted"),
            "{}",
            pretty(&instance)
        );
        assert_eq!(instance["attributes"]["id"], json!(failed_id));
        assert_eq!(instance["attributes"]["status"], json!("error"));

        emu.set_timing(&json!({ "creating": "200ms" }));
        plan_expect_and_apply(&wd, &["delete", "create"]);
        let new = wd.state_of(ADDR).values["id"]
            .as_str()
            .expect("id")
            .to_owned();
        assert_ne!(new, failed_id);
        assert_eq!(only_peering(&emu)["peerConnId"], json!(new));
        assert_plan_empty(&wd);
        wd.destroy();
    });
}

// ------------------------------------------------------------- scenario 7

/// One configuration that must fail at plan time.
struct BadInput {
    name: &'static str,
    lines: Vec<&'static str>,
    billing: String,
    /// Text that must appear in an error diagnostic (the attribute path).
    path: &'static str,
}

fn bad(
    name: &'static str,
    changes: &[&'static str],
    billing: &str,
    path: &'static str,
) -> BadInput {
    // A valid same-account peering; `changes` replace lines by attribute name.
    let mut lines = vec![
        "bandwidth_in_mbps = 10",
        "local_vpc_id      = \"vpc-demobj000001\"",
        "peer_vpc_id       = \"vpc-demobj000002\"",
        "peer_region       = \"bj\"",
    ];
    for change in changes {
        let key = change.split('=').next().unwrap_or("").trim();
        lines.retain(|l| l.split('=').next().unwrap_or("").trim() != key);
        lines.push(change);
    }
    BadInput {
        name,
        lines,
        billing: billing.to_owned(),
        path,
    }
}

fn bad_inputs() -> Vec<BadInput> {
    let long_name = Box::leak(format!("local_if_name = \"{}\"", "n".repeat(66)).into_boxed_str());
    let long_peer = Box::leak(format!("peer_if_name = \"{}\"", "p".repeat(66)).into_boxed_str());
    let long_desc = Box::leak(format!("description = \"{}\"", "d".repeat(201)).into_boxed_str());
    let cross = "peer_account_id = \"a0000000000000000000000000000002\"";
    let pay = |timing: &str, reservation: &str| {
        format!("  billing {{\n    payment_timing = \"{timing}\"\n{reservation}  }}\n")
    };
    vec![
        bad("same VPC", &["peer_vpc_id = \"vpc-demobj000001\""], POSTPAID, "peer_vpc_id"),
        bad("bad local VPC id", &["local_vpc_id = \"vpc_demobj000001\""], POSTPAID, "local_vpc_id"),
        bad("bad peer VPC id", &["peer_vpc_id = \"subnet-123\""], POSTPAID, "peer_vpc_id"),
        bad("unknown region", &["peer_region = \"mars\""], POSTPAID, "peer_region"),
        bad("zero bandwidth", &["bandwidth_in_mbps = 0"], POSTPAID, "bandwidth_in_mbps"),
        bad("negative bandwidth", &["bandwidth_in_mbps = -5"], POSTPAID, "bandwidth_in_mbps"),
        bad("huge bandwidth", &["bandwidth_in_mbps = 20000"], POSTPAID, "bandwidth_in_mbps"),
        bad("fractional bandwidth", &["bandwidth_in_mbps = 1.5"], POSTPAID, "bandwidth_in_mbps"),
        bad("payment timing", &[], &pay("Monthly", ""), "billing[0].payment_timing"),
        bad(
            "reservation length",
            &["peer_vpc_id = \"vpc-demogz000001\"", "peer_region = \"gz\""],
            &pay("Prepaid", "    reservation {\n      reservation_length = 10\n    }\n"),
            "billing[0].reservation[0].reservation_length",
        ),
        bad(
            "reservation unit",
            &["peer_vpc_id = \"vpc-demogz000001\"", "peer_region = \"gz\""],
            &pay(
                "Prepaid",
                "    reservation {\n      reservation_length = 1\n      reservation_time_unit = \"year\"\n    }\n",
            ),
            "billing[0].reservation[0].reservation_time_unit",
        ),
        bad(
            "prepaid without reservation",
            &["peer_vpc_id = \"vpc-demogz000001\"", "peer_region = \"gz\""],
            &pay("Prepaid", ""),
            "billing[0].reservation",
        ),
        bad("prepaid in one region", &[], &prepaid(1), "billing[0].payment_timing"),
        bad(
            "peer_if_name cross-account",
            &[cross, "peer_vpc_id = \"vpc-peerbj000001\"", "peer_if_name = \"x\""],
            POSTPAID,
            "peer_if_name",
        ),
        bad("peer account id format", &["peer_account_id = \"12345\""], POSTPAID, "peer_account_id"),
        bad("description length", &[long_desc], POSTPAID, "description"),
        bad("local interface name length", &[long_name], POSTPAID, "local_if_name"),
        bad("peer interface name length", &[long_peer], POSTPAID, "peer_if_name"),
        bad("empty tag key", &["tags = { \"\" = \"x\" }"], POSTPAID, "tags"),
        bad(
            "timeouts duration",
            &["timeouts {\n    create = \"soon\"\n  }"],
            POSTPAID,
            "timeouts.create",
        ),
        bad("missing billing", &[], "", "billing"),
        bad("two billing blocks", &[], &format!("{POSTPAID}{POSTPAID}"), "billing"),
        bad(
            "dns_sync at cross-account create",
            &[cross, "peer_vpc_id = \"vpc-peerbj000001\"", "dns_sync = true"],
            POSTPAID,
            "dns_sync",
        ),
    ]
}

/// The error diagnostics of a `plan -json` run, as `summary: detail` texts.
fn error_texts(out: &TfOutput) -> Vec<String> {
    out.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.pointer("/diagnostic/severity") == Some(&json!("error")))
        .map(|v| {
            format!(
                "{}: {}",
                str_at(&v, "/diagnostic/summary"),
                str_at(&v, "/diagnostic/detail")
            )
        })
        .collect()
}

/// Scenario 7: every bad input fails at plan time, with the attribute path
/// in the diagnostic, and nothing reaches the API.
#[test]
fn bad_inputs_fail_at_plan_time() {
    let emu = emulator();
    let cases = bad_inputs();
    assert!(cases.len() >= 15);
    each_terraform(|tf| {
        fresh(&emu);
        let wd = workdir(tf);
        let mut problems = Vec::new();
        for case in &cases {
            let lines: Vec<&str> = case.lines.clone();
            wd.write("main.tf", &config(&emu, &resource(&lines, &case.billing)));
            let out = wd.run(&["plan", "-json", "-input=false", "-no-color"]);
            let errors = error_texts(&out);
            if out.success() || errors.is_empty() {
                problems.push(format!("{}: plan did not fail:\n{out}", case.name));
            } else if !errors.iter().any(|e| e.contains(case.path)) {
                problems.push(format!(
                    "{}: no error names {:?}: {errors:#?}",
                    case.name, case.path
                ));
            }
        }
        assert!(problems.is_empty(), "on {tf}:\n{}", problems.join("\n\n"));
        let sent = mutating_requests(&emu);
        assert!(sent.is_empty(), "plans sent mutating requests: {sent:#?}");
        assert!(peerings(&emu).is_empty());
    });
}

// ------------------------------------------------------------- scenario 8

/// Creates peerings straight through the API, as if made in the console.
fn create_outside_terraform(emu: &Emulator) -> (String, String) {
    use baidu_vpc::model::{Billing, CreatePeerConnRequest, Tag};
    use baidu_vpc::{BaiduClient, CallOptions, ClientConfig, Credentials};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = BaiduClient::new(
            ClientConfig::new(
                Credentials::new(INITIATOR.access_key, INITIATOR.secret_key),
                "bj",
            )
            .with_endpoint(emu.endpoint()),
        )
        .expect("client");
        let same = CreatePeerConnRequest {
            description: Some("made in the console".into()),
            local_if_name: Some("lif".into()),
            peer_if_name: Some("pif".into()),
            tags: Some(vec![Tag {
                tag_key: "env".into(),
                tag_value: "prod".into(),
            }]),
            ..CreatePeerConnRequest::new(30, BJ1, BJ2, "bj")
        };
        let prepaid = CreatePeerConnRequest {
            billing: Billing::prepaid(2, "month"),
            ..CreatePeerConnRequest::new(70, BJ1, GZ1, "gz")
        };
        let opts = CallOptions::new();
        let a = client.create_peerconn(&same, &opts).await.expect("create");
        let b = client
            .create_peerconn(&prepaid, &opts)
            .await
            .expect("create");
        (a, b)
    })
}

/// Scenario 8 (Terraform >= 1.5): `import {}` blocks with
/// `-generate-config-out`: the generated configuration plans clean.
#[test]
fn import_blocks_generate_config_that_plans_clean() {
    let emu = emulator();
    each_terraform(|tf| {
        if !tf.at_least(1, 5, 0) {
            eprintln!("{tf}: no import blocks before 1.5, skipped");
            return;
        }
        fresh(&emu);
        let (same, prepaid) = create_outside_terraform(&emu);
        wait_for_emulator(&emu, "both peerings active", |st| {
            st["peerConns"]
                .as_array()
                .is_some_and(|a| a.len() == 2 && a.iter().all(|p| p["status"] == json!("active")))
        });
        let wd = workdir(tf);
        let imports = format!(
            "import {{\n  to = baidu_peerconn.same\n  id = \"{same}\"\n}}\n\
             import {{\n  to = baidu_peerconn.prepaid\n  id = \"{prepaid}\"\n}}\n"
        );
        wd.write("main.tf", &config(&emu, &imports));
        wd.run_ok(&[
            "plan",
            "-input=false",
            "-no-color",
            "-generate-config-out=generated.tf",
        ]);
        let generated =
            std::fs::read_to_string(wd.path().join("generated.tf")).expect("generated.tf");
        for needle in [
            "bandwidth_in_mbps = 30",
            "\"made in the console\"",
            "peer_if_name",
            "reservation_length",
        ] {
            assert!(
                generated.contains(needle),
                "{needle:?} missing in:\n{generated}"
            );
        }

        // The generated configuration plans nothing but the two imports.
        let plan = wd.plan_json(&[]);
        for address in ["baidu_peerconn.same", "baidu_peerconn.prepaid"] {
            assert_eq!(plan.actions(address), ["no-op"], "{}", plan.plan);
            assert!(
                plan.resource_change(address)
                    .pointer("/change/importing")
                    .is_some(),
                "{address} is not being imported:\n{}",
                plan.plan
            );
        }
        wd.apply_with(&["tfplan"]).assert_success();
        assert_plan_empty(&wd);
        let sent = operations(&mutating_requests(&emu));
        assert_eq!(
            sent,
            ["CreatePeerConn", "CreatePeerConn"],
            "import changed something"
        );
    });
}

// ------------------------------------------------------------- scenario 9

/// Scenario 9: a create that does not finish within `timeouts.create`
/// fails with the last status seen; the peering is kept (tainted).
#[test]
fn create_timeout_reports_the_last_status() {
    let emu = emulator();
    each_terraform(|tf| {
        fresh(&emu);
        emu.set_timing(&json!({ "creating": "stuck" }));
        let wd = workdir(tf);
        let lines = [
            "bandwidth_in_mbps = 10",
            "local_vpc_id = \"vpc-demobj000001\"",
            "peer_vpc_id  = \"vpc-demobj000002\"",
            "peer_region  = \"bj\"",
            "timeouts {\n    create = \"2s\"\n  }",
        ];
        wd.write("main.tf", &config(&emu, &resource(&lines, POSTPAID)));
        let out = wd.apply_expect_error();
        assert_says(&out, "last seen status: creating");
        out.assert_contains("timeouts");
        let id = str_at(&only_peering(&emu), "/peerConnId").to_owned();
        out.assert_contains(&id);
        let instance = wd.state_file_instance("baidu_peerconn");
        assert_eq!(instance["status"], json!("tainted"));
        assert_eq!(instance["attributes"]["id"], json!(id));
    });
}

// ----------------------------------------------------- cross-account side

/// The initiator's side of a cross-account peering: it settles in
/// `consulting`; an acceptance shows as `active` on refresh without a diff; a
/// rejected request stays visible as `consult_failed` and is replaced.
#[test]
fn cross_account_request_waits_and_a_rejection_is_replaced() {
    let emu = emulator();
    each_terraform(|tf| {
        fresh(&emu);
        let wd = workdir(tf);
        let lines = [
            "bandwidth_in_mbps = 10",
            "local_vpc_id    = \"vpc-demobj000001\"",
            "peer_vpc_id     = \"vpc-peerbj000001\"",
            "peer_region     = \"bj\"",
            "peer_account_id = \"a0000000000000000000000000000002\"",
        ];
        wd.write("main.tf", &config(&emu, &resource(&lines, POSTPAID)));
        plan_expect_and_apply(&wd, &["create"]);
        let values = wd.state_of(ADDR).values;
        let id = values["id"].as_str().expect("id").to_owned();
        assert_eq!(values["status"], json!("consulting"));
        assert_eq!(values["peer_account_id"], json!(PEER.account_id));
        assert_plan_empty(&wd);

        // The peer rejects: the request stays visible, and the plan replaces it.
        emu.force_status(&id, "consult_failed");
        let plan = wd.plan_json(&[]);
        assert_eq!(plan.actions(ADDR), ["delete", "create"], "{}", plan.plan);
        plan.plan.assert_contains("consult_failed");
        let before = mutating_requests(&emu).len();
        wd.apply_with(&["tfplan"]).assert_success();
        let calls = operations(&mutating_requests(&emu)[before..]);
        assert_eq!(calls, ["DeletePeerConn", "CreatePeerConn"]);
        let new = only_peering(&emu);
        assert_ne!(new["peerConnId"], json!(id));
        assert_eq!(new["status"], json!("consulting"));
        wd.destroy();
    });
}

/// A second peering for a connected pair of VPCs is refused by Baidu; the error
/// names the existing peering and the import command, and nothing is recorded.
#[test]
fn duplicate_pair_names_the_existing_peering() {
    let emu = emulator();
    each_terraform(|tf| {
        fresh(&emu);
        let (existing, _) = create_outside_terraform(&emu);
        let wd = workdir(tf);
        let lines = [
            "bandwidth_in_mbps = 10",
            "local_vpc_id = \"vpc-demobj000001\"",
            "peer_vpc_id  = \"vpc-demobj000002\"",
            "peer_region  = \"bj\"",
        ];
        wd.write("main.tf", &config(&emu, &resource(&lines, POSTPAID)));
        let out = wd.apply_expect_error();
        assert_says(
            &out,
            "A peering connection already exists between these VPCs",
        );
        assert_says(
            &out,
            &format!("terraform import baidu_peerconn.NAME {existing}"),
        );
        assert_says(&out, "peer_vpc_id");
        assert_says(&out, "Baidu request id:");
        assert_eq!(peerings(&emu).len(), 2, "no new peering");
        let state = wd.show_json();
        assert!(
            state.pointer("/values/root_module/resources").is_none(),
            "nothing may be recorded:\n{}",
            pretty(&state)
        );
    });
}
