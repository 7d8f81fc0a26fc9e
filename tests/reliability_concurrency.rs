//! Concurrency: N peerings sharing one hub VPC, created in
//! parallel by one `terraform apply -parallelism=N`, all succeed when the
//! per-VPC quota allows N (the provider adds no conflict of its own), and one
//! more beyond the quota fails with a diagnostic that names the quota, the
//! VPC and the API's code, and that peering only: the others stay untouched.
//!
//! CI: N = 20 (as in the issue). `TFBAIDU_CONCURRENCY_N` changes it.

mod common;
mod reliability_support;

use reliability_support::{
    apply, assert_exact, knob, live_objects, newest_terraform, start_emulator, state_objects, vpc,
    ACCESS_KEY, ACCOUNT_ID, SECRET_KEY,
};

use common::TfWorkdir;

fn hub_config(spokes: usize, per_vpc: usize) -> String {
    let mut s = format!(
        "[quotas]\nper_vpc = {per_vpc}\nper_account = {}\n\n\
         [[accounts]]\nname = \"initiator\"\nid = \"{ACCOUNT_ID}\"\n\
         access_key = \"{ACCESS_KEY}\"\nsecret_key = \"{SECRET_KEY}\"\nvpcs = [\n",
        spokes + 10
    );
    for i in 0..=spokes {
        s.push_str(&format!("  {{ id = \"{}\", region = \"bj\" }},\n", vpc(i)));
    }
    s.push_str("]\n");
    s
}

/// `count` peerings from the hub (VPC 0) to spokes 1..=count.
fn hub_hcl(endpoint: &str, count: usize) -> String {
    format!(
        r#"{}
provider "baidu" {{
  region     = "bj"
  endpoint   = "{endpoint}"
  access_key = "{ACCESS_KEY}"
  secret_key = "{SECRET_KEY}"
}}

resource "baidu_peerconn" "spoke" {{
  count             = {count}
  bandwidth_in_mbps = 10
  local_vpc_id      = "{hub}"
  peer_vpc_id       = format("vpc-rel%09d", count.index + 1)
  peer_region       = "bj"
  billing {{
    payment_timing = "Postpaid"
  }}
}}
"#,
        common::provider_config::required_providers(),
        hub = vpc(0),
    )
}

#[test]
fn parallel_peerings_on_one_vpc_and_a_clear_quota_error() {
    let n = knob("TFBAIDU_CONCURRENCY_N", 20);
    let emulator = start_emulator(
        &hub_config(n + 1, n),
        &["--timing", "creating=500ms", "--timing", "deleting=200ms"],
    );
    let tf = newest_terraform();
    let wd = TfWorkdir::new(&tf);
    wd.write("main.tf", &hub_hcl(emulator.endpoint(), n));

    let out = apply(&wd, n);
    out.assert_success();
    assert_exact("after the parallel apply", &emulator, wd.path());
    assert_eq!(live_objects(&emulator).len(), n);
    let creates = reliability_support::count_requests(&emulator, "CreatePeerConn");
    assert_eq!(creates, n, "one create per peering: no conflict retried");

    // One more than the hub's quota allows.
    wd.write("main.tf", &hub_hcl(emulator.endpoint(), n + 1));
    let out = apply(&wd, n);
    out.assert_failure();
    let text = out.stderr.clone();
    for needle in [
        "PeerConn.VpcQuotaExceeded",
        &format!("quota {n}"),
        &vpc(0),
        &format!("baidu_peerconn.spoke[{n}]"),
    ] {
        assert!(
            text.contains(needle),
            "the quota error names {needle:?}:\n{text}"
        );
    }
    assert!(
        !text.contains("already exists"),
        "a quota error is not reported as a duplicate:\n{text}"
    );
    assert_exact("after the refused extra peering", &emulator, wd.path());
    assert_eq!(
        state_objects(wd.path()).len(),
        n,
        "the others are untouched"
    );

    wd.run_ok(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        &format!("-parallelism={n}"),
    ]);
    assert!(live_objects(&emulator).is_empty());
}
