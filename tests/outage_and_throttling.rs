//! Outages and throttling while Terraform works, on real Terraform against
//! the emulator's fault injection: a wait polls through an outage until its
//! timeout instead of giving up and tainting healthy peerings.

mod common;

use std::time::{Duration, Instant};

use common::provider_config::required_providers;
use common::{terraform_clients, Emulator, Terraform, TfWorkdir};
use serde_json::{json, Value};

const PEERINGS: usize = 20;
/// Peerings of the throttling scenario (two VPCs each, from the same pool).
const THROTTLED: usize = 60;

/// One account with a pair of bj VPCs per peering.
fn emulator_config() -> Value {
    let vpcs: Vec<Value> = (0..2 * THROTTLED)
        .map(|n| json!({ "id": format!("vpc-outbj{n:04}"), "region": "bj" }))
        .collect();
    json!({
        "seed": 11,
        "quotas": { "per_vpc": 100, "per_account": 100 },
        "accounts": [{
            "name": "initiator",
            "id": "a0000000000000000000000000000001",
            "access_key": "OUTAK000000000000000000000000001",
            "secret_key": "OUTSK000000000000000000000000001",
            "vpcs": vpcs,
        }],
    })
}

/// The newest Terraform found: these scenarios test the provider's client
/// and waiter, not Terraform, and are too long to run on every version.
fn newest_terraform() -> Terraform {
    terraform_clients()
        .into_iter()
        .max_by(|a, b| a.version.cmp(&b.version))
        .expect("a Terraform client (scripts/install-terraform.sh)")
}

/// The emulator with [`emulator_config`] (written into `dir`) and `timing`.
fn emulator(dir: &std::path::Path, timing: &str) -> Emulator {
    let config_path = dir.join("emulator.json");
    std::fs::write(&config_path, emulator_config().to_string()).expect("config");
    Emulator::start_with(&[
        "--quiet",
        "--config",
        config_path.to_str().expect("utf-8 path"),
        "--timing",
        timing,
    ])
}

fn configuration(endpoint: &str, peerings: usize) -> String {
    let mut hcl = format!(
        "{}provider \"baidu\" {{\n  region     = \"bj\"\n  endpoint   = \"{endpoint}\"\n  access_key = \"OUTAK000000000000000000000000001\"\n  secret_key = \"OUTSK000000000000000000000000001\"\n}}\n",
        required_providers()
    );
    for n in 0..peerings {
        hcl.push_str(&format!(
            "resource \"baidu_peerconn\" \"p{n}\" {{\n  bandwidth_in_mbps = 10\n  local_vpc_id      = \"vpc-outbj{:04}\"\n  peer_vpc_id       = \"vpc-outbj{:04}\"\n  peer_region       = \"bj\"\n  billing {{\n    payment_timing = \"Postpaid\"\n  }}\n}}\n",
            2 * n,
            2 * n + 1
        ));
    }
    hcl
}

fn operations(emu: &Emulator, name: &str) -> usize {
    emu.requests()["requests"].as_array().map_or(0, |all| {
        all.iter().filter(|r| r["operation"] == name).count()
    })
}

/// Every status read is dropped for 30 s in the middle of creating 20
/// peerings that take 20 s: the apply ends with 20 active peerings, none
/// tainted, and the next plan neither recreates nor changes anything. Run
/// on the newest Terraform found (it is the waiter under test, not the
/// client), which keeps the suite lean.
#[test]
fn a_30_second_outage_while_creating_taints_nothing() {
    let tf = newest_terraform();
    let dir = tempfile::tempdir().expect("temp dir");
    let emu = emulator(dir.path(), "creating=20s");
    let wd = TfWorkdir::new(&tf);
    wd.write("main.tf", &configuration(emu.endpoint(), PEERINGS));

    let outage = std::thread::scope(|scope| {
        let apply = scope.spawn(|| wd.apply_with(&["-parallelism=20"]));
        // The outage starts once every create was sent.
        let until = Instant::now() + Duration::from_secs(60);
        while operations(&emu, "CreatePeerConn") < PEERINGS && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100));
        }
        emu.set_faults(&json!({ "rules": [
            { "operation": "GetPeerConnDetail", "dropRate": 1.0 }
        ]}));
        let started = Instant::now();
        std::thread::sleep(Duration::from_secs(30));
        emu.set_faults(&json!({ "rules": [] }));
        let out = apply.join().expect("apply thread");
        (started.elapsed(), out)
    });
    let (lasted, applied) = outage;
    applied.assert_success();
    assert!(lasted >= Duration::from_secs(30));

    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(wd.path().join("terraform.tfstate")).expect("state file"),
    )
    .expect("state is JSON");
    let instances: Vec<&Value> = state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["instances"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(instances.len(), PEERINGS);
    for i in &instances {
        assert_ne!(i["status"], json!("tainted"), "{i}");
        assert_eq!(i["attributes"]["status"], json!("active"), "{i}");
    }
    wd.assert_plan_empty();
    assert_eq!(
        operations(&emu, "CreatePeerConn"),
        PEERINGS,
        "nothing recreated"
    );
    assert!(
        emu.requests()["requests"]
            .as_array()
            .is_some_and(|all| all.iter().any(|r| r["fault"] == json!("drop"))),
        "the outage dropped no request"
    );
    wd.destroy();
}

/// One call in five answered 429 TooManyRequests (seeded, so the run
/// repeats): with every call retried alike (8 retries, honouring
/// Retry-After), a plan and a destroy of 60 peerings at -parallelism=30
/// both succeed. With the former 3 retries this seed fails the run (about
/// one seed in eight does: 4 refusals in a row are 0.2⁴ per call).
#[test]
fn a_plan_and_a_destroy_of_60_peerings_survive_20_percent_throttling() {
    let tf = newest_terraform();
    let dir = tempfile::tempdir().expect("temp dir");
    let emu = emulator(dir.path(), "all=0");
    let wd = TfWorkdir::new(&tf);
    wd.write("main.tf", &configuration(emu.endpoint(), THROTTLED));
    wd.apply_with(&["-parallelism=30"]).assert_success();

    emu.set_faults(&json!({ "seed": 3, "rules": [
        { "errorRate": 0.2, "error": { "status": 429, "code": "TooManyRequests" } }
    ]}));
    wd.run_ok(&["plan", "-input=false", "-no-color", "-parallelism=30"]);
    wd.run_ok(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-parallelism=30",
    ]);
    let throttled = emu.requests()["requests"].as_array().map_or(0, |all| {
        all.iter().filter(|r| r["status"] == json!(429)).count()
    });
    assert!(throttled > 0, "no request was throttled");
    emu.set_faults(&json!({ "rules": [] }));
    let left = emu.state()["peerConns"].as_array().map_or(0, Vec::len);
    assert_eq!(left, 0, "destroy left {left} peerings");
}

/// The create call itself in an outage: every answer to CreatePeerConn is
/// lost after the peering was made, for 8 s, with no client retries
/// (BAIDUCLOUD_MAX_RETRIES=0) so the rounds are what is tested. The create
/// goes on with its clientToken until the create timeout, so the apply ends
/// with the one peering it made in state, none orphaned. It used to stop
/// after 4 rounds (about 3 s) and fail, leaving a billed peering Terraform
/// never heard of.
#[test]
fn an_outage_of_the_create_call_orphans_nothing() {
    let tf = newest_terraform();
    let dir = tempfile::tempdir().expect("temp dir");
    let emu = emulator(dir.path(), "all=0");
    let mut wd = TfWorkdir::new(&tf);
    wd.env("BAIDUCLOUD_MAX_RETRIES", "0");
    wd.write("main.tf", &configuration(emu.endpoint(), 1));

    emu.set_faults(&json!({ "rules": [
        { "operation": "CreatePeerConn", "dropRate": 1.0, "phase": "after" }
    ]}));
    let applied = std::thread::scope(|scope| {
        let apply = scope.spawn(|| wd.apply_with(&[]));
        let until = Instant::now() + Duration::from_secs(60);
        while operations(&emu, "CreatePeerConn") == 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_secs(8));
        emu.set_faults(&json!({ "rules": [] }));
        apply.join().expect("apply thread")
    });
    applied.assert_success();
    assert!(
        operations(&emu, "CreatePeerConn") > 4,
        "the outage did not outlast the former four rounds"
    );
    let made = emu.state()["peerConns"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(made.len(), 1, "one peering, made once: {made:?}");
    let id = wd.state_of("baidu_peerconn.p0").attr("id").clone();
    assert_eq!(
        made[0]["peerConnId"], id,
        "the peering made is the one in state"
    );
    wd.assert_plan_empty();
}
