//! Baidu's peering rules: each one rejected with the documented (or chosen)
//! code, plus request validation and visibility between accounts.

mod emulator_common;

use baidu_vpc_emulator::EmulatorConfig;
use emulator_common::*;
use serde_json::json;

fn with(mut body: serde_json::Value, key: &str, v: serde_json::Value) -> serde_json::Value {
    body[key] = v;
    body
}

#[tokio::test]
async fn local_and_peer_vpc_must_differ() {
    let e = start(slow_demo()).await;
    let b = with(same_account_body(), "peerVpcId", json!("vpc-demobj000001"));
    let m = e
        .create(&initiator(), b, None)
        .await
        .expect_err(400, "PeerConn.SameVpc")
        .to_string();
    assert!(m.contains("vpc-demobj000001"), "{m}");
}

#[tokio::test]
async fn unknown_or_foreign_vpcs_are_not_found() {
    let e = start(slow_demo()).await;
    let me = initiator();
    // Unknown local VPC.
    let b = with(same_account_body(), "localVpcId", json!("vpc-nope"));
    e.create(&me, b, None)
        .await
        .expect_err(404, "Vpc.VpcNotFound");
    // Local VPC of another account.
    let b = with(same_account_body(), "localVpcId", json!("vpc-peerbj000001"));
    e.create(&me, b, None)
        .await
        .expect_err(404, "Vpc.VpcNotFound");
    // Peer VPC exists but not in the stated region.
    let b = with(same_account_body(), "peerRegion", json!("gz"));
    e.create(&me, b, None)
        .await
        .expect_err(404, "Vpc.VpcNotFound");
    // Peer VPC of another account without peerAccountId.
    let b = with(same_account_body(), "peerVpcId", json!("vpc-peerbj000001"));
    let m = e
        .create(&me, b, None)
        .await
        .expect_err(404, "Vpc.VpcNotFound")
        .to_string();
    assert!(
        m.contains("vpc-peerbj000001") && m.contains(INITIATOR_ID),
        "{m}"
    );
    // Unknown peer account.
    let b = with(cross_account_body(), "peerAccountId", json!("a-nobody"));
    e.create(&me, b, None)
        .await
        .expect_err(400, "InvalidParameterValue");
    // List filtered by a VPC of someone else.
    e.list(&me, &[("vpcId", "vpc-peerbj000001")])
        .await
        .expect_err(404, "Vpc.VpcNotFound");
}

#[tokio::test]
async fn one_peering_per_vpc_pair_and_the_error_names_it() {
    let e = start(slow_demo()).await;
    let id = e.create_ok(&initiator(), same_account_body()).await;
    let r = e.create(&initiator(), same_account_body(), None).await;
    let m = r.expect_err(409, "PeerConn.AlreadyExists");
    assert!(
        m.contains(&id),
        "the message must name the existing id: {m}"
    );
    // The reverse direction is the same pair.
    let reverse = json!({
        "bandwidthInMbps": 10, "localVpcId": "vpc-demobj000002",
        "peerVpcId": "vpc-demobj000001", "peerRegion": "bj"
    });
    let m = e
        .create(&initiator(), reverse, None)
        .await
        .expect_err(409, "PeerConn.AlreadyExists")
        .to_string();
    assert!(m.contains(&id));
    // Once it is gone the pair is free again (not while it is still deleting).
    e.advance(60).await;
    e.delete(&initiator(), &id).await.expect_ok();
    e.create(&initiator(), same_account_body(), None)
        .await
        .expect_err(409, "PeerConn.AlreadyExists");
    e.advance(60).await;
    e.create_ok(&initiator(), same_account_body()).await;
}

#[tokio::test]
async fn two_relay_vpcs_cannot_peer() {
    let mut c = slow_demo();
    c.set_relay("vpc-demobj000001").unwrap();
    let e = start(c.clone()).await;
    // One relay VPC is fine.
    let id = e.create_ok(&initiator(), same_account_body()).await;
    assert!(e.running.emulator().peer_conn_ids().contains(&id));
    c.set_relay("vpc-demobj000002").unwrap();
    let e2 = start(c).await;
    e2.create(&initiator(), same_account_body(), None)
        .await
        .expect_err(400, "PeerConn.RelayVpcPeering");
}

#[tokio::test]
async fn same_region_is_postpaid_only() {
    let e = start(slow_demo()).await;
    let b = with(
        same_account_body(),
        "billing",
        json!({"paymentTiming": "Prepaid", "reservation": {"reservationLength": 1, "reservationTimeUnit": "month"}}),
    );
    e.create(&initiator(), b, None)
        .await
        .expect_err(400, "PeerConn.SameRegionPrepaidNotSupported");
    // Cross-region prepaid works.
    e.create_ok(&initiator(), prepaid_body(1)).await;
}

#[tokio::test]
async fn prepaid_bandwidth_only_grows_postpaid_both_ways() {
    let e = start(instant_demo()).await;
    let pre = e.create_ok(&initiator(), prepaid_body(1)).await;
    let resize = |bw: i64| Some(json!({"newBandwidthInMbps": bw}));
    e.action(&initiator(), &pre, "resize", resize(40))
        .await
        .expect_err(400, "PeerConn.PrepaidBandwidthDecrease");
    e.action(&initiator(), &pre, "resize", resize(80))
        .await
        .expect_ok();
    let post = e.create_ok(&initiator(), same_account_body()).await;
    e.action(&initiator(), &post, "resize", resize(5))
        .await
        .expect_ok();
    assert_eq!(
        e.get(&initiator(), &post, None).await.expect_ok()["bandwidthInMbps"],
        5
    );
    e.action(&initiator(), &post, "resize", resize(0))
        .await
        .expect_err(400, "InvalidParameterValue");
    e.action(&initiator(), &post, "resize", None)
        .await
        .expect_err(400, "MissingParameter");
}

#[tokio::test]
async fn postpaid_cannot_be_renewed_or_refunded() {
    let e = start(instant_demo()).await;
    let id = e.create_ok(&initiator(), same_account_body()).await;
    let renew = json!({"billing": {"reservation": {"reservationLength": 1, "reservationTimeUnit": "Month"}}});
    e.action(&initiator(), &id, "purchaseReserved", Some(renew))
        .await
        .expect_err(400, "PeerConn.PostpaidRenewNotSupported");
    e.action(&initiator(), &id, "refund", None)
        .await
        .expect_err(400, "PeerConn.PostpaidRefundNotSupported");
}

#[tokio::test]
async fn cross_account_changes_are_initiator_only_and_accept_is_acceptor_only() {
    let e = start(instant_demo()).await;
    let mut body = cross_account_body();
    body["billing"] = json!({"paymentTiming": "Prepaid",
        "reservation": {"reservationLength": 1, "reservationTimeUnit": "MONTH"}});
    let id = e.create_ok(&initiator(), body).await;
    let p = peer();
    // The initiator cannot answer its own application.
    e.action(&initiator(), &id, "accept", None)
        .await
        .expect_err(403, "PeerConn.AcceptorOnly");
    e.action(&p, &id, "accept", None).await.expect_ok();
    assert_eq!(e.status_of(&p, &id).await, "active");
    e.delete(&p, &id)
        .await
        .expect_err(403, "PeerConn.InitiatorOnly");
    e.action(&p, &id, "resize", Some(json!({"newBandwidthInMbps": 100})))
        .await
        .expect_err(403, "PeerConn.InitiatorOnly");
    let renew = json!({"billing": {"reservation": {"reservationLength": 2}}});
    e.action(&p, &id, "purchaseReserved", Some(renew))
        .await
        .expect_err(403, "PeerConn.InitiatorOnly");
    e.action(&p, &id, "refund", None)
        .await
        .expect_err(403, "PeerConn.InitiatorOnly");
    let dp = Call::new("PUT", format!("/v1/peerconn/{id}/deleteProtect"))
        .json(json!({"deleteProtect": true}));
    e.send(&p, dp)
        .await
        .expect_err(403, "PeerConn.InitiatorOnly");
    // DNS sync is per side: each account only for its own side.
    e.dns(&p, &id, true, "initiator")
        .await
        .expect_err(403, "PeerConn.InitiatorOnly");
    e.dns(&initiator(), &id, true, "acceptor")
        .await
        .expect_err(403, "PeerConn.AcceptorOnly");
    e.dns(&p, &id, true, "acceptor").await.expect_ok();
    // The initiator may do all of it.
    e.action(
        &initiator(),
        &id,
        "resize",
        Some(json!({"newBandwidthInMbps": 100})),
    )
    .await
    .expect_ok();
}

#[tokio::test]
async fn active_unexpired_prepaid_cannot_be_deleted() {
    let e = start(instant_demo()).await;
    let id = e.create_ok(&initiator(), prepaid_body(1)).await;
    e.delete(&initiator(), &id)
        .await
        .expect_err(409, "PeerConn.PrepaidNotExpired");
    // After expiry it can.
    e.advance(32 * 86_400).await;
    assert_eq!(e.status_of(&initiator(), &id).await, "expired");
    e.delete(&initiator(), &id).await.expect_ok();
}

#[tokio::test]
async fn prepaid_consult_failed_can_be_deleted() {
    let e = start(instant_demo()).await;
    let mut body = cross_account_body();
    body["billing"] = json!({"paymentTiming": "Prepaid", "reservation": {"reservationLength": 3}});
    let id = e.create_ok(&initiator(), body).await;
    e.action(&peer(), &id, "reject", None).await.expect_ok();
    assert_eq!(e.status_of(&initiator(), &id).await, "consult_failed");
    e.delete(&initiator(), &id).await.expect_ok();
}

#[tokio::test]
async fn delete_protection_blocks_delete_and_refund() {
    let e = start(instant_demo()).await;
    let body = with(same_account_body(), "deleteProtect", json!(true));
    let id = e.create_ok(&initiator(), body).await;
    assert_eq!(
        e.get(&initiator(), &id, None).await.expect_ok()["deleteProtect"],
        true
    );
    e.delete(&initiator(), &id)
        .await
        .expect_err(409, "PeerConn.DeleteProtected");
    let pre = e.create_ok(&initiator(), prepaid_body(1)).await;
    let dp = |v: bool| {
        Call::new("PUT", format!("/v1/peerconn/{pre}/deleteProtect"))
            .json(json!({"deleteProtect": v}))
    };
    e.send(&initiator(), dp(true)).await.expect_ok();
    e.action(&initiator(), &pre, "refund", None)
        .await
        .expect_err(409, "PeerConn.DeleteProtected");
    e.send(&initiator(), dp(false)).await.expect_ok();
    e.action(&initiator(), &pre, "refund", None)
        .await
        .expect_ok();
    // deleteProtect must be a boolean and present.
    let bad = Call::new("PUT", format!("/v1/peerconn/{id}/deleteProtect"))
        .json(json!({"deleteProtect": "yes"}));
    e.send(&initiator(), bad)
        .await
        .expect_err(400, "InappropriateJSON");
    let missing = Call::new("PUT", format!("/v1/peerconn/{id}/deleteProtect")).json(json!({}));
    e.send(&initiator(), missing)
        .await
        .expect_err(400, "MissingParameter");
    // Turning it off allows the delete.
    let off = Call::new("PUT", format!("/v1/peerconn/{id}/deleteProtect"))
        .json(json!({"deleteProtect": false}));
    e.send(&initiator(), off).await.expect_ok();
    e.delete(&initiator(), &id).await.expect_ok();
}

#[tokio::test]
async fn dns_sync_only_when_active_and_not_mid_transition() {
    let e = start(slow_demo()).await;
    let id = e.create_ok(&initiator(), same_account_body()).await;
    // creating
    e.dns(&initiator(), &id, true, "initiator")
        .await
        .expect_err(409, "PeerConn.InvalidStatus");
    e.advance(60).await;
    e.dns(&initiator(), &id, true, "initiator")
        .await
        .expect_ok();
    // wait / syncing: neither open nor close
    e.dns(&initiator(), &id, true, "initiator")
        .await
        .expect_err(409, "PeerConn.InvalidDnsStatus");
    e.dns(&initiator(), &id, false, "initiator")
        .await
        .expect_err(409, "PeerConn.InvalidDnsStatus");
    // The other side is independent.
    e.dns(&initiator(), &id, true, "acceptor").await.expect_ok();
    e.advance(120).await;
    e.dns(&initiator(), &id, false, "initiator")
        .await
        .expect_ok();
    e.dns(&initiator(), &id, true, "initiator")
        .await
        .expect_err(409, "PeerConn.InvalidDnsStatus");
    // Role is required and must be valid.
    let c = Call::new("PUT", format!("/v1/peerconn/{id}")).q("open", "");
    e.send(&initiator(), c)
        .await
        .expect_err(400, "MissingParameter");
    e.dns(&initiator(), &id, true, "boss")
        .await
        .expect_err(400, "InvalidParameterValue");
}

#[tokio::test]
async fn quotas_per_vpc_and_per_account() {
    let mut c = instant_demo();
    c.quotas.per_vpc = 2;
    let e = start(c).await;
    let body = |local: &str, peer: &str, region: &str| json!({"bandwidthInMbps": 1, "localVpcId": local, "peerVpcId": peer, "peerRegion": region});
    e.create_ok(
        &initiator(),
        body("vpc-demobj000001", "vpc-demobj000002", "bj"),
    )
    .await;
    e.create_ok(
        &initiator(),
        body("vpc-demobj000001", "vpc-demogz000001", "gz"),
    )
    .await;
    let m = e
        .create(
            &initiator(),
            body("vpc-demobj000002", "vpc-demobj000001", "bj"),
            None,
        )
        .await
        .expect_err(409, "PeerConn.AlreadyExists")
        .to_string();
    assert!(!m.is_empty());
    let mut b = body("vpc-demobj000001", "vpc-peerbj000001", "bj");
    b["peerAccountId"] = json!(PEER_ID);
    e.create(&initiator(), b, None)
        .await
        .expect_err(400, "PeerConn.VpcQuotaExceeded");

    let mut c = instant_demo();
    c.quotas.per_account = 1;
    let e = start(c).await;
    e.create_ok(
        &initiator(),
        body("vpc-demobj000001", "vpc-demobj000002", "bj"),
    )
    .await;
    e.create(
        &initiator(),
        body("vpc-demobj000002", "vpc-demogz000001", "gz"),
        None,
    )
    .await
    .expect_err(400, "PeerConn.AccountQuotaExceeded");
    // The quota is per account: the peer account may still initiate.
    e.create_ok(&peer(), body("vpc-peerbj000001", "vpc-peergz000001", "gz"))
        .await;
}

#[tokio::test]
async fn bad_values_missing_fields_and_malformed_json() {
    let e = start(slow_demo()).await;
    let me = initiator();
    for field in ["bandwidthInMbps", "localVpcId", "peerVpcId", "peerRegion"] {
        let mut b = same_account_body();
        b.as_object_mut().unwrap().remove(field);
        let m = e
            .create(&me, b, None)
            .await
            .expect_err(400, "MissingParameter")
            .to_string();
        assert!(m.contains(field), "{m}");
    }
    let cases = [
        (json!({"paymentTiming": "Monthly"}), "InvalidParameterValue"),
        (json!({"paymentTiming": "Prepaid"}), "MissingParameter"),
        (
            json!({"paymentTiming": "Prepaid", "reservation": {"reservationLength": 10}}),
            "InvalidParameterValue",
        ),
        (
            json!({"paymentTiming": "Prepaid", "reservation": {"reservationLength": 1, "reservationTimeUnit": "year"}}),
            "InvalidParameterValue",
        ),
        (json!("Postpaid"), "InappropriateJSON"),
    ];
    for (billing, code) in cases {
        let b = with(prepaid_body(1), "billing", billing.clone());
        let r = e.create(&me, b, None).await;
        assert_eq!(r.code(), code, "billing {billing}: {}", r.raw);
    }
    // Time unit is case-insensitive; every allowed length works.
    for (i, unit) in ["month", "Month", "MONTH"].iter().enumerate() {
        let mut c = instant_demo();
        c.seed = Some(i as u64);
        let e2 = start(c).await;
        for len in [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36] {
            let b = with(
                prepaid_body(1),
                "billing",
                json!({"paymentTiming": "Prepaid", "reservation": {"reservationLength": len, "reservationTimeUnit": unit}}),
            );
            let id = e2.create_ok(&me, b).await;
            e2.action(&me, &id, "refund", None).await.expect_ok();
        }
    }
    e.create(
        &me,
        with(same_account_body(), "bandwidthInMbps", json!("10")),
        None,
    )
    .await
    .expect_err(400, "InappropriateJSON");
    e.create(
        &me,
        with(same_account_body(), "bandwidthInMbps", json!(0)),
        None,
    )
    .await
    .expect_err(400, "InvalidParameterValue");
    let malformed = Call::new("POST", "/v1/peerconn").raw_body(b"{\"bandwidthInMbps\": 10,");
    e.send(&me, malformed)
        .await
        .expect_err(400, "MalformedJSON");
    let array = Call::new("POST", "/v1/peerconn").raw_body(b"[]");
    e.send(&me, array)
        .await
        .expect_err(400, "InappropriateJSON");
    // peerIfName only for same-account peerings.
    let b = with(cross_account_body(), "peerIfName", json!("theirs"));
    e.create(&me, b, None)
        .await
        .expect_err(400, "InvalidParameterValue");
    // Extra fields and PY-SDK's postpaid reservation are tolerated.
    let b = with(
        with(same_account_body(), "somethingNew", json!({"x": 1})),
        "billing",
        json!({"paymentTiming": "Postpaid", "reservation": {"reservationLength": 1, "reservationTimeUnit": "Month"}}),
    );
    e.create_ok(&me, b).await;
    // Bad get role, bad maxKeys, unknown marker.
    let id = e.running.emulator().peer_conn_ids()[0].clone();
    e.get(&me, &id, Some("owner"))
        .await
        .expect_err(400, "InvalidParameterValue");
    e.list(&me, &[("maxKeys", "0")])
        .await
        .expect_err(400, "InvalidParameterValue");
    e.list(&me, &[("maxKeys", "1001")])
        .await
        .expect_err(400, "InvalidParameterValue");
    e.list(&me, &[("marker", "peerconn-unknown0000")])
        .await
        .expect_err(400, "InvalidParameterValue");
    // clientToken longer than 64 characters.
    let long = "x".repeat(65);
    e.create(&me, same_account_body(), Some(&long))
        .await
        .expect_err(400, "InvalidParameterValue");
}

#[tokio::test]
async fn visibility_routing_and_not_found() {
    let e = start(instant_demo()).await;
    let id = e.create_ok(&initiator(), same_account_body()).await;
    // The peer account is no party: it sees nothing.
    e.get(&peer(), &id, None)
        .await
        .expect_err(404, "NoSuchObject");
    e.delete(&peer(), &id).await.expect_err(404, "NoSuchObject");
    assert_eq!(
        e.list(&peer(), &[]).await.expect_ok()["peerConns"],
        json!([])
    );
    e.get(&initiator(), "peerconn-000000000000", None)
        .await
        .expect_err(404, "NoSuchObject");
    // Unknown paths and methods.
    e.send(&initiator(), Call::new("GET", "/v2/peerconn"))
        .await
        .expect_err(400, "InvalidURI");
    e.send(
        &initiator(),
        Call::new("PATCH", format!("/v1/peerconn/{id}")),
    )
    .await
    .expect_err(405, "MethodNotAllowed");
    e.send(
        &initiator(),
        Call::new("PUT", format!("/v1/peerconn/{id}"))
            .q("accept", "")
            .q("reject", ""),
    )
    .await
    .expect_err(400, "InvalidHTTPRequest");
    // Update needs the caller's own interface id.
    let upd = Call::new("PUT", format!("/v1/peerconn/{id}"))
        .json(json!({"localIfId": "qpif-notmine00000"}));
    e.send(&initiator(), upd)
        .await
        .expect_err(400, "InvalidParameterValue");
    let upd = Call::new("PUT", format!("/v1/peerconn/{id}")).json(json!({"description": "x"}));
    e.send(&initiator(), upd)
        .await
        .expect_err(400, "MissingParameter");
}

#[tokio::test]
async fn custom_config_accounts_regions_and_quotas() {
    // A custom config: one account, VPCs in two regions, quotas from the file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emu.toml");
    std::fs::write(
        &path,
        r#"
seed = 3
[quotas]
per_vpc = 1
[[accounts]]
name = "solo"
id = "acct-solo"
access_key = "SOLOAK"
secret_key = "SOLOSK"
[[accounts.vpcs]]
id = "vpc-a"
region = "su"
[[accounts.vpcs]]
id = "vpc-b"
region = "hkg"
[[accounts.vpcs]]
id = "vpc-c"
region = "hkg"
"#,
    )
    .unwrap();
    let e = start(EmulatorConfig::from_file(&path).unwrap()).await;
    let solo = Caller {
        access_key: "SOLOAK".into(),
        secret_key: "SOLOSK".into(),
        session_token: None,
    };
    let id = e
        .create_ok(
            &solo,
            json!({"bandwidthInMbps": 5, "localVpcId": "vpc-a", "peerVpcId": "vpc-b", "peerRegion": "hkg"}),
        )
        .await;
    let v = e.get(&solo, &id, Some("acceptor")).await;
    assert_eq!(v.expect_ok()["localRegion"], "hkg");
    assert_eq!(v.expect_ok()["peerRegion"], "su");
    e.create(
        &solo,
        json!({"bandwidthInMbps": 5, "localVpcId": "vpc-c", "peerVpcId": "vpc-b", "peerRegion": "hkg"}),
        None,
    )
    .await
    .expect_err(400, "PeerConn.VpcQuotaExceeded");
    // The demo keys do not exist here.
    e.list(&initiator(), &[])
        .await
        .expect_err(403, "InvalidAccessKeyId");
}
