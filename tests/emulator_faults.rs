//! Fault injection through `PUT /__emulator/faults`: error rates honoured
//! within tolerance and reproducible with a seed, exact fail-next-N, dropped
//! connections, failures after the operation ran (lost responses), latency.

mod emulator_common;

use emulator_common::*;
use serde_json::{json, Value};

async fn put_faults(e: &TestEmu, cfg: Value) -> Value {
    let (s, v) = e.admin("PUT", "/__emulator/faults", Some(cfg)).await;
    assert_eq!(s, 200, "{v}");
    v
}

/// Lists `n` times and returns the status of each answer.
async fn list_statuses(e: &TestEmu, n: usize) -> Vec<u16> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(e.list(&initiator(), &[]).await.status);
    }
    out
}

#[tokio::test]
async fn error_rate_is_honoured_and_reproducible() {
    let e = start(instant_demo()).await;
    let cfg = json!({"seed": 1234, "rules": [
        {"operation": "ListPeerConn", "error_rate": 0.25, "error": {"status": 503}}
    ]});
    put_faults(&e, cfg.clone()).await;
    let first = list_statuses(&e, 400).await;
    let failures = first.iter().filter(|s| **s == 503).count();
    // 400 draws at p = 0.25: mean 100, sd ~8.7; the seed makes it exact anyway.
    assert!((70..=130).contains(&failures), "{failures} failures");
    assert!(first.iter().all(|s| *s == 200 || *s == 503));
    // Re-installing the same seed replays the same sequence.
    put_faults(&e, cfg).await;
    assert_eq!(list_statuses(&e, 400).await, first);
    // Counters are reported.
    let (_, v) = e.admin("GET", "/__emulator/faults", None).await;
    assert_eq!(v["seed"], 1234);
    assert_eq!(v["rules"][0]["matched"], 400);
    assert_eq!(v["rules"][0]["injected_errors"], failures as u64);
    // Other operations are untouched.
    e.create_ok(&initiator(), same_account_body()).await;
}

#[tokio::test]
async fn injected_errors_look_like_baidu_errors() {
    let e = start(instant_demo()).await;
    put_faults(
        &e,
        json!({"rules": [{"fail_next": 1, "error": {"status": 429}},
                                     {"fail_next": 1}]}),
    )
    .await;
    e.list(&initiator(), &[])
        .await
        .expect_err(429, "TooManyRequests");
    e.list(&initiator(), &[])
        .await
        .expect_err(500, "InternalError");
    e.list(&initiator(), &[]).await.expect_ok();
    put_faults(&e, json!({"rules": [{"fail_next": 1, "error": {"status": 503, "code": "ServiceBusy", "message": "try later"}}]})).await;
    let r = e.list(&initiator(), &[]).await;
    assert_eq!(r.expect_err(503, "ServiceBusy"), "try later");
}

#[tokio::test]
async fn fail_next_n_is_exact_and_scoped_by_operation_and_account() {
    let e = start(instant_demo()).await;
    put_faults(
        &e,
        json!({"rules": [{"operation": "CreatePeerConn", "account": "initiator", "fail_next": 3,
                          "error": {"status": 500}}]}),
    )
    .await;
    // Other operations and the other account pass.
    e.list(&initiator(), &[]).await.expect_ok();
    let theirs = json!({"bandwidthInMbps": 1, "localVpcId": "vpc-peerbj000001",
                        "peerVpcId": "vpc-peergz000001", "peerRegion": "gz"});
    e.create_ok(&peer(), theirs).await;
    for _ in 0..3 {
        e.create(&initiator(), same_account_body(), Some("retry-me"))
            .await
            .expect_err(500, "InternalError");
    }
    let id = e
        .create(&initiator(), same_account_body(), Some("retry-me"))
        .await;
    let id = id.expect_ok()["peerConnId"].as_str().unwrap().to_string();
    // Nothing was created by the failed attempts.
    let st = e.state().await;
    let mine: Vec<_> = st["peerConns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["initiator"]["accountId"] == INITIATOR_ID)
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["peerConnId"], id.as_str());
    let (_, v) = e.admin("GET", "/__emulator/faults", None).await;
    assert_eq!(v["rules"][0]["remaining_fail_next"], 0);
    assert_eq!(v["rules"][0]["injected_errors"], 3);
}

#[tokio::test]
async fn dropped_connections_close_without_a_response() {
    let e = start(instant_demo()).await;
    put_faults(
        &e,
        json!({"rules": [{"operation": "GetPeerConnDetail", "fail_next": 1, "fail_next_mode": "drop"}]}),
    )
    .await;
    let id = e.create_ok(&initiator(), same_account_body()).await;
    let c = Call::new("GET", format!("/v1/peerconn/{id}"));
    let err = e
        .try_send(&initiator(), c)
        .await
        .expect_err("the connection must be dropped");
    assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    // The next request is fine, and the log records the drop.
    e.get(&initiator(), &id, None).await.expect_ok();
    let (_, log) = e.admin("GET", "/__emulator/requests", None).await;
    let drops: Vec<&Value> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["fault"] == "drop")
        .collect();
    assert_eq!(drops.len(), 1);
    assert_eq!(drops[0]["operation"], "GetPeerConnDetail");
}

#[tokio::test]
async fn drop_rate_with_a_seed() {
    let e = start(instant_demo()).await;
    put_faults(
        &e,
        json!({"seed": 99, "rules": [{"operation": "ListPeerConn", "drop_rate": 0.2}]}),
    )
    .await;
    let mut dropped = 0;
    for _ in 0..100 {
        let c = Call::new("GET", "/v1/peerconn");
        if e.try_send(&initiator(), c).await.is_err() {
            dropped += 1;
        }
    }
    assert!((8..=35).contains(&dropped), "{dropped} drops");
    let (_, v) = e.admin("GET", "/__emulator/faults", None).await;
    assert_eq!(v["rules"][0]["injected_drops"], dropped);
}

#[tokio::test]
async fn a_lost_response_after_create_is_recovered_by_the_client_token() {
    let e = start(instant_demo()).await;
    put_faults(
        &e,
        json!({"rules": [{"operation": "CreatePeerConn", "fail_next": 1, "phase": "after",
                          "error": {"status": 500}}]}),
    )
    .await;
    // The create ran but the client saw a 500.
    e.create(&initiator(), same_account_body(), Some("tf-uuid"))
        .await
        .expect_err(500, "InternalError");
    assert_eq!(e.state().await["peerConns"].as_array().unwrap().len(), 1);
    // Terraform-style retry with the same token: same peering, nothing duplicated.
    let r = e
        .create(&initiator(), same_account_body(), Some("tf-uuid"))
        .await;
    let id = r.expect_ok()["peerConnId"].as_str().unwrap().to_string();
    let st = e.state().await;
    assert_eq!(st["peerConns"].as_array().unwrap().len(), 1);
    assert_eq!(st["peerConns"][0]["peerConnId"], id.as_str());
}

#[tokio::test]
async fn latency_is_recorded_and_bad_configs_rejected() {
    let e = start(instant_demo()).await;
    put_faults(
        &e,
        json!({"rules": [{"operation": "ListPeerConn", "latency_ms": [1, 3]}]}),
    )
    .await;
    e.list(&initiator(), &[]).await.expect_ok();
    let (_, log) = e.admin("GET", "/__emulator/requests", None).await;
    assert_eq!(log["requests"][0]["fault"], "latency");
    for bad in [
        json!({"rules": [{"error_rate": 2}]}),
        json!({"rules": [{"operation": "Frobnicate"}]}),
        json!({"rules": [{"unknown_field": 1}]}),
        json!({"rules": [{"error": {"status": 302}}]}),
    ] {
        let (s, v) = e.admin("PUT", "/__emulator/faults", Some(bad)).await;
        assert_eq!(s, 400, "{v}");
        assert!(v["error"].is_string());
    }
    // DELETE clears every rule.
    put_faults(&e, json!({"rules": [{"error_rate": 1.0}]})).await;
    e.list(&initiator(), &[])
        .await
        .expect_err(500, "InternalError");
    let (s, v) = e.admin("DELETE", "/__emulator/faults", None).await;
    assert_eq!((s, v["rules"].clone()), (200, json!([])));
    e.list(&initiator(), &[]).await.expect_ok();
}
