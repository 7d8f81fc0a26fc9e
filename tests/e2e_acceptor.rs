//! End to end: a cross-account peering through two provider
//! configurations (default = initiator account, `baidu.peer` = peer account)
//! on real Terraform (1.0.3, 1.11.4 where present, 1.15.5) against the
//! emulator: `baidu_peerconn` requests, `baidu_peerconn_acceptor` answers.

mod common;

use common::provider_config::{emulator_providers, provider_block, required_providers};
use common::{each_terraform, Emulator, TfWorkdir, INITIATOR, PEER};
use serde_json::{json, Value};

const INITIATOR_ADDR: &str = "baidu_peerconn.pc";
const ACCEPTOR_ADDR: &str = "baidu_peerconn_acceptor.acc";

/// Fast transitions, so waits are short but still observable.
fn emulator() -> Emulator {
    Emulator::start_with(&["--timing", "all=300ms", "--quiet"])
}

fn initiator_block(local_vpc: &str, peer_vpc: &str, region: &str) -> String {
    format!(
        r#"resource "baidu_peerconn" "pc" {{
  bandwidth_in_mbps = 10
  local_vpc_id      = "{local_vpc}"
  peer_vpc_id       = "{peer_vpc}"
  peer_region       = "{region}"
  peer_account_id   = "{account}"
  description       = "cross-account e2e"

  billing {{
    payment_timing = "Postpaid"
  }}
}}
"#,
        account = PEER.account_id,
    )
}

fn acceptor_block(peer_conn_id: &str, extra: &str) -> String {
    format!(
        r#"resource "baidu_peerconn_acceptor" "acc" {{
  provider     = baidu.peer
  peer_conn_id = {peer_conn_id}
{extra}}}
"#
    )
}

fn bj_initiator() -> String {
    initiator_block(INITIATOR.vpc("bj", 0), PEER.vpc("bj", 0), "bj")
}

fn config(endpoint: &str, blocks: &[&str]) -> String {
    let mut hcl = emulator_providers(endpoint);
    for b in blocks {
        hcl.push('\n');
        hcl.push_str(b);
    }
    hcl
}

/// The emulator's record of one peering (`None` once it is gone).
fn emulator_peering(emulator: &Emulator, id: &str) -> Option<Value> {
    emulator.state()["peerConns"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["peerConnId"] == id).cloned())
}

#[track_caller]
fn emulator_status(emulator: &Emulator, id: &str) -> String {
    match emulator_peering(emulator, id) {
        Some(p) => p["status"].as_str().unwrap_or("?").to_owned(),
        None => panic!("the emulator has no peering {id}"),
    }
}

fn live_peerings(emulator: &Emulator) -> usize {
    emulator.state()["peerConns"].as_array().map_or(0, Vec::len)
}

#[test]
fn accept_dns_refusals_import_and_destroy_that_only_forgets() {
    each_terraform(|tf| {
        let emulator = emulator();
        let endpoint = emulator.endpoint();
        let mut wd = TfWorkdir::new(tf);
        wd.log("debug");

        // The initiator's request waits in consulting.
        wd.write("main.tf", &config(endpoint, &[&bj_initiator()]));
        wd.apply();
        let id = wd.state_of(INITIATOR_ADDR).str("id").to_owned();
        assert_eq!(
            wd.state_of(INITIATOR_ADDR).str("status").to_owned(),
            "consulting"
        );
        assert_eq!(emulator_status(&emulator, &id), "consulting");

        // An acceptor without an action is a configuration error, never a rejection.
        wd.write(
            "main.tf",
            &config(
                endpoint,
                &[&bj_initiator(), &acceptor_block("baidu_peerconn.pc.id", "")],
            ),
        );
        let out = wd.run(&["plan", "-input=false", "-no-color"]);
        out.assert_failure();
        out.assert_contains("\"action\" is required");
        assert_eq!(emulator_status(&emulator, &id), "consulting");

        // Accept: both sides become active. The first answer to the accept is
        // lost (the emulator accepts, then fails the response): the retry
        // carries the same clientToken, so Baidu does not act twice.
        emulator.set_faults(&json!({"rules": [{
            "operation": "AcceptPeerConnApply", "fail_next": 1, "phase": "after",
            "error": {"status": 500}
        }]}));
        let accept = acceptor_block("baidu_peerconn.pc.id", "  action       = \"accept\"\n");
        wd.write("main.tf", &config(endpoint, &[&bj_initiator(), &accept]));
        wd.apply();
        let accepts: Vec<Value> = emulator.requests()["requests"]
            .as_array()
            .expect("requests")
            .iter()
            .filter(|r| r["operation"] == "AcceptPeerConnApply")
            .cloned()
            .collect();
        assert_eq!(accepts.len(), 2, "one lost answer, one retry: {accepts:#?}");
        assert!(accepts[0]["clientToken"].is_string(), "{accepts:#?}");
        assert_eq!(accepts[0]["clientToken"], accepts[1]["clientToken"]);
        assert_eq!(accepts[1]["replayed"], Value::Bool(true), "{accepts:#?}");
        assert_eq!(accepts[0]["accountId"], PEER.account_id);
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("status").to_owned(),
            "active"
        );
        assert_eq!(wd.state_of(ACCEPTOR_ADDR).str("id").to_owned(), id);
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("role").to_owned(),
            "acceptor"
        );
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("local_vpc_id").to_owned(),
            PEER.vpc("bj", 0)
        );
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("peer_account_id").to_owned(),
            INITIATOR.account_id
        );
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).attr("dns_sync").clone(),
            Value::Bool(false)
        );
        assert_eq!(emulator_status(&emulator, &id), "active");
        // Clean right away (the initiator's status is only computed)...
        wd.plan_detailed_exitcode(&[]).assert_no_changes();
        // ...and after the initiator's state caught up with the acceptance.
        wd.apply_with(&["-refresh-only"]).assert_success();
        assert_eq!(
            wd.state_of(INITIATOR_ADDR).str("status").to_owned(),
            "active"
        );
        wd.assert_plan_empty();

        // DNS sync for the acceptor's side, in place, waiting until it is open.
        let accept_dns = acceptor_block(
            "baidu_peerconn.pc.id",
            "  action       = \"accept\"\n  dns_sync     = true\n",
        );
        wd.write(
            "main.tf",
            &config(endpoint, &[&bj_initiator(), &accept_dns]),
        );
        let plan = wd.plan_json(&[]);
        assert_eq!(plan.actions(ACCEPTOR_ADDR), ["update"]);
        wd.apply_with(&["tfplan"]).assert_success();
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("dns_status").to_owned(),
            "open"
        );
        let record = emulator_peering(&emulator, &id).expect("peering");
        assert_eq!(record["acceptor"]["dnsStatus"], "open");
        assert_eq!(record["initiator"]["dnsStatus"], "close");
        wd.assert_plan_empty();

        // An accepted peering cannot be un-accepted: the plan warns (an error
        // there would block `terraform destroy`) and the apply refuses it.
        let reject_now = acceptor_block(
            "baidu_peerconn.pc.id",
            "  action       = \"reject\"\n  dns_sync     = true\n",
        );
        wd.write(
            "main.tf",
            &config(endpoint, &[&bj_initiator(), &reject_now]),
        );
        let out = wd.run(&["plan", "-input=false", "-no-color"]);
        out.assert_failure();
        // dns_sync with reject is refused by validation, before any plan.
        out.assert_contains("DNS synchronisation needs an accepted peering");
        let reject_plain = acceptor_block("baidu_peerconn.pc.id", "  action       = \"reject\"\n");
        wd.write(
            "main.tf",
            &config(endpoint, &[&bj_initiator(), &reject_plain]),
        );
        let plan = wd.run_ok(&["plan", "-input=false", "-no-color"]);
        plan.assert_contains("Impossible change of action");
        plan.assert_says("The apply will refuse this change");
        let out = wd.apply_with(&[]);
        out.assert_failure();
        out.assert_contains("Impossible change of action");
        out.assert_contains("un-accepted");
        out.assert_contains("set action = \"accept\"");
        out.assert_contains(&id);
        assert_eq!(emulator_status(&emulator, &id), "active");

        // Import into an empty slot: action and dns_sync are read back, plan is empty.
        wd.write(
            "main.tf",
            &config(endpoint, &[&bj_initiator(), &accept_dns]),
        );
        wd.state_rm(ACCEPTOR_ADDR);
        wd.import(ACCEPTOR_ADDR, &id);
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("action").to_owned(),
            "accept"
        );
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).attr("dns_sync").clone(),
            Value::Bool(true)
        );
        wd.assert_plan_empty();

        // Destroying the acceptor only forgets it: the peering stays active.
        wd.write("main.tf", &config(endpoint, &[&bj_initiator()]));
        let plan = wd.plan_json(&[]);
        assert_eq!(plan.actions(ACCEPTOR_ADDR), ["delete"]);
        if tf.at_least(1, 3, 0) {
            // Terraform ≥ 1.3 asks the provider to plan destroys: warned in the plan.
            plan.plan
                .assert_contains("The peering connection is not deleted");
        }
        let applied = wd.apply_with(&["tfplan"]);
        applied.assert_success();
        // Said once: in the plan where Terraform plans destroys, else at apply.
        let told = if tf.at_least(1, 3, 0) {
            &plan.plan
        } else {
            &applied
        };
        told.assert_contains("The peering connection is not deleted");
        told.assert_says("only removes it from the Terraform state");
        assert_eq!(emulator_status(&emulator, &id), "active");
        wd.assert_plan_empty();

        // The rest destroys cleanly and the emulator ends empty.
        wd.destroy();
        assert_eq!(live_peerings(&emulator), 0, "{}", emulator.state());
    });
}

#[test]
fn reject_ends_in_consult_failed_and_the_initiator_is_replaced_not_duplicated() {
    each_terraform(|tf| {
        let emulator = emulator();
        let endpoint = emulator.endpoint();
        let mut wd = TfWorkdir::new(tf);
        wd.log("debug");
        let gz_initiator = initiator_block(INITIATOR.vpc("gz", 0), PEER.vpc("gz", 0), "gz");
        let reject = acceptor_block("baidu_peerconn.pc.id", "  action       = \"reject\"\n");

        // Request and rejection in one apply (the acceptor waits for the id),
        // both accounts through their gz endpoints: the VPCs are in gz.
        let gz_config = |blocks: &[&str]| {
            let mut hcl = format!(
                "{}\n{}\n{}",
                required_providers(),
                provider_block(&INITIATOR, "gz", endpoint, None),
                provider_block(&PEER, "gz", endpoint, Some("peer"))
            );
            for b in blocks {
                hcl.push('\n');
                hcl.push_str(b);
            }
            hcl
        };
        wd.write("main.tf", &gz_config(&[&gz_initiator, &reject]));
        wd.apply();
        let id = wd.state_of(INITIATOR_ADDR).str("id").to_owned();
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("status").to_owned(),
            "consult_failed"
        );
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("action").to_owned(),
            "reject"
        );
        assert_eq!(emulator_status(&emulator, &id), "consult_failed");

        // The initiator's state shows the rejection after a refresh...
        wd.apply_with(&["-refresh-only"]).assert_success();
        assert_eq!(
            wd.state_of(INITIATOR_ADDR).str("status").to_owned(),
            "consult_failed"
        );

        // ...and its next plan replaces the peering instead of adding a second one.
        let plan = wd.plan_json(&[]);
        let actions = plan.actions(INITIATOR_ADDR);
        assert!(
            actions == ["delete", "create"] || actions == ["create", "delete"],
            "expected a replacement of {INITIATOR_ADDR}, got {actions:?}\n{}",
            plan.plan
        );
        assert_eq!(live_peerings(&emulator), 1);

        // Carrying it out: the old request is deleted, the new one rejected again.
        wd.apply_with(&["tfplan"]).assert_success();
        let new_id = wd.state_of(INITIATOR_ADDR).str("id").to_owned();
        assert_ne!(new_id, id);
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("peer_conn_id").to_owned(),
            new_id
        );
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("status").to_owned(),
            "consult_failed"
        );
        assert!(
            emulator_peering(&emulator, &id).is_none(),
            "old one deleted"
        );
        assert_eq!(live_peerings(&emulator), 1);

        wd.destroy();
        assert_eq!(live_peerings(&emulator), 0, "{}", emulator.state());
    });
}

#[test]
fn importing_a_pending_request_lets_the_configuration_answer_it() {
    each_terraform(|tf| {
        let emulator = emulator();
        let endpoint = emulator.endpoint();
        let mut wd = TfWorkdir::new(tf);
        wd.log("debug");
        wd.write("main.tf", &config(endpoint, &[&bj_initiator()]));
        wd.apply();
        let id = wd.state_of(INITIATOR_ADDR).str("id").to_owned();

        // Import while still consulting: no action is derived.
        let accept = acceptor_block("baidu_peerconn.pc.id", "  action       = \"accept\"\n");
        wd.write("main.tf", &config(endpoint, &[&bj_initiator(), &accept]));
        wd.import(ACCEPTOR_ADDR, &id);
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).attr("action").clone(),
            Value::Null
        );
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("status").to_owned(),
            "consulting"
        );

        // The configuration's action applies in place.
        let plan = wd.plan_json(&[]);
        assert_eq!(plan.actions(ACCEPTOR_ADDR), ["update"]);
        wd.apply_with(&["tfplan"]).assert_success();
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("status").to_owned(),
            "active"
        );
        assert_eq!(emulator_status(&emulator, &id), "active");
        wd.apply_with(&["-refresh-only"]).assert_success();
        wd.assert_plan_empty();

        // A bad import id is refused with the expected format.
        wd.state_rm(ACCEPTOR_ADDR);
        let out = wd.run(&[
            "import",
            "-input=false",
            "-no-color",
            ACCEPTOR_ADDR,
            "pcx-1",
        ]);
        out.assert_failure();
        out.assert_contains("peerconn-9td54fmx143e");
        // So is an id the peer account cannot see.
        let out = wd.run(&[
            "import",
            "-input=false",
            "-no-color",
            ACCEPTOR_ADDR,
            "peerconn-000000000000",
        ]);
        out.assert_failure();
        out.assert_contains("peerconn-000000000000");

        // Deleted behind Terraform's back: the refresh drops it with a warning.
        wd.import(ACCEPTOR_ADDR, &id);
        emulator.delete_out_of_band(&id);
        let refreshed = wd.apply_with(&["-refresh-only"]);
        refreshed.assert_success();
        refreshed.assert_contains("Peering connection no longer exists");
        let listed = wd.run_ok(&["state", "list", "-no-color"]);
        assert!(
            !listed.stdout.contains(ACCEPTOR_ADDR),
            "the acceptor is still in the state:\n{listed}"
        );

        wd.destroy();
        assert_eq!(live_peerings(&emulator), 0, "{}", emulator.state());
    });
}

/// Terraform ≥ 1.5: an `import {}` block (through the peer's provider) with
/// `-generate-config-out`; the generated configuration plans clean.
#[test]
fn import_block_generates_an_acceptor_config_that_plans_clean() {
    each_terraform(|tf| {
        if !tf.at_least(1, 5, 0) {
            eprintln!("{tf}: no import blocks before 1.5, skipped");
            return;
        }
        let emulator = emulator();
        let endpoint = emulator.endpoint();
        let mut wd = TfWorkdir::new(tf);
        wd.log("debug");
        let accept = acceptor_block(
            "baidu_peerconn.pc.id",
            "  action       = \"accept\"\n  dns_sync     = true\n",
        );
        wd.write("main.tf", &config(endpoint, &[&bj_initiator(), &accept]));
        wd.apply();
        let id = wd.state_of(INITIATOR_ADDR).str("id").to_owned();
        wd.state_rm(ACCEPTOR_ADDR);

        let import = format!(
            "import {{\n  provider = baidu.peer\n  to       = {ACCEPTOR_ADDR}\n  id       = \"{id}\"\n}}\n"
        );
        wd.write("main.tf", &config(endpoint, &[&bj_initiator(), &import]));
        wd.run_ok(&[
            "plan",
            "-input=false",
            "-no-color",
            "-generate-config-out=generated.tf",
        ]);
        let generated = std::fs::read_to_string(wd.path().join("generated.tf"))
            .unwrap_or_else(|e| panic!("no generated.tf: {e}"));
        assert!(generated.contains("action"), "{generated}");
        assert!(generated.contains("\"accept\""), "{generated}");
        assert!(generated.contains("baidu.peer"), "{generated}");
        wd.apply();
        assert_eq!(
            wd.state_of(ACCEPTOR_ADDR).str("action").to_owned(),
            "accept"
        );
        wd.assert_plan_empty();

        wd.destroy();
        assert_eq!(live_peerings(&emulator), 0, "{}", emulator.state());
    });
}
