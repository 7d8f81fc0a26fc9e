//! clientToken idempotency: the same request replays the first answer, a
//! different one is `IdempotentParameterMismatch` (403).

mod emulator_common;

use emulator_common::*;
use serde_json::json;

#[tokio::test]
async fn repeated_create_returns_the_same_peering_once() {
    let e = start(slow_demo()).await;
    let me = initiator();
    let first = e.create(&me, same_account_body(), Some("tok-1")).await;
    let id = first.expect_ok()["peerConnId"]
        .as_str()
        .unwrap()
        .to_string();
    // Same body with keys in another order is the same request.
    let reordered = json!({
        "billing": {"paymentTiming": "Postpaid"}, "peerRegion": "bj",
        "peerVpcId": "vpc-demobj000002", "localVpcId": "vpc-demobj000001", "bandwidthInMbps": 10
    });
    for _ in 0..3 {
        let again = e.create(&me, reordered.clone(), Some("tok-1")).await;
        assert_eq!(again.expect_ok()["peerConnId"], id.as_str());
    }
    let state = e.state().await;
    assert_eq!(state["peerConns"].as_array().unwrap().len(), 1);
    assert_eq!(state["peerConns"][0]["clientToken"], "tok-1");
    assert_eq!(
        state["peerConns"][0]["createRequest"]["localVpcId"],
        "vpc-demobj000001"
    );
    // The request log shows the replays.
    let (_, log) = e.admin("GET", "/__emulator/requests", None).await;
    let replays = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["replayed"] == true)
        .count();
    assert_eq!(replays, 3);
}

#[tokio::test]
async fn a_different_request_with_the_same_token_is_a_mismatch() {
    let e = start(slow_demo()).await;
    let me = initiator();
    e.create(&me, same_account_body(), Some("tok-2"))
        .await
        .expect_ok();
    let mut other = same_account_body();
    other["bandwidthInMbps"] = json!(11);
    e.create(&me, other, Some("tok-2"))
        .await
        .expect_err(403, "IdempotentParameterMismatch");
    // The same token on another operation is also a mismatch.
    let id = e.running.emulator().peer_conn_ids()[0].clone();
    let c = Call::new("DELETE", format!("/v1/peerconn/{id}")).q("clientToken", "tok-2");
    e.send(&me, c)
        .await
        .expect_err(403, "IdempotentParameterMismatch");
    // Tokens are per account: the peer account's tok-2 is unrelated.
    let body = json!({"bandwidthInMbps": 1, "localVpcId": "vpc-peerbj000001",
                      "peerVpcId": "vpc-peergz000001", "peerRegion": "gz"});
    e.create(&peer(), body, Some("tok-2")).await.expect_ok();
    assert_eq!(e.state().await["peerConns"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_failed_request_does_not_consume_its_token() {
    let e = start(slow_demo()).await;
    let me = initiator();
    let mut bad = same_account_body();
    bad["localVpcId"] = json!("vpc-nope");
    e.create(&me, bad, Some("tok-3"))
        .await
        .expect_err(404, "Vpc.VpcNotFound");
    e.create(&me, same_account_body(), Some("tok-3"))
        .await
        .expect_ok();
}

#[tokio::test]
async fn mutating_actions_replay_without_running_twice() {
    let e = start(slow_demo()).await;
    let me = initiator();
    let id = e.create_ok(&me, same_account_body()).await;
    e.advance(60).await;
    let resize = |bw: i64| {
        Call::new("PUT", format!("/v1/peerconn/{id}"))
            .q("resize", "")
            .q("clientToken", "rz-1")
            .json(json!({"newBandwidthInMbps": bw}))
    };
    e.send(&me, resize(20)).await.expect_ok();
    assert_eq!(e.status_of(&me, &id).await, "updating");
    e.advance(60).await;
    assert_eq!(e.status_of(&me, &id).await, "active");
    // The retry is answered from the token: no second `updating` phase.
    e.send(&me, resize(20)).await.expect_ok();
    assert_eq!(e.status_of(&me, &id).await, "active");
    e.send(&me, resize(30))
        .await
        .expect_err(403, "IdempotentParameterMismatch");
    // DNS open with the same token but another role is a different request.
    let open = |role: &str| {
        Call::new("PUT", format!("/v1/peerconn/{id}"))
            .q("open", "")
            .q("role", role)
            .q("clientToken", "dns-1")
    };
    e.send(&me, open("initiator")).await.expect_ok();
    e.send(&me, open("initiator")).await.expect_ok();
    e.send(&me, open("acceptor"))
        .await
        .expect_err(403, "IdempotentParameterMismatch");
    // Delete retried with its token after the peering is gone still succeeds.
    let del = Call::new("DELETE", format!("/v1/peerconn/{id}")).q("clientToken", "del-1");
    e.advance(120).await;
    e.send(&me, del).await.expect_ok();
    e.advance(60).await;
    e.get(&me, &id, None).await.expect_err(404, "NoSuchObject");
    let del = Call::new("DELETE", format!("/v1/peerconn/{id}")).q("clientToken", "del-1");
    e.send(&me, del).await.expect_ok();
    let del = Call::new("DELETE", format!("/v1/peerconn/{id}")).q("clientToken", "del-2");
    e.send(&me, del).await.expect_err(404, "NoSuchObject");
}

#[tokio::test]
async fn tokens_expire_after_a_day_unused() {
    let e = start(instant_demo()).await;
    let me = initiator();
    let id = e
        .create(&me, same_account_body(), Some("tok-day"))
        .await
        .expect_ok()["peerConnId"]
        .as_str()
        .unwrap()
        .to_string();
    e.delete(&me, &id).await.expect_ok();
    e.advance(25 * 3600).await;
    let again = e.create(&me, same_account_body(), Some("tok-day")).await;
    assert_ne!(again.expect_ok()["peerConnId"], id.as_str());
}
