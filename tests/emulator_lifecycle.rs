//! The lifecycle state machine, driven by the injectable clock (transitions
//! take 60 s of emulated time; tests advance the clock instead of sleeping),
//! views, pagination, the admin API and persistence.

mod emulator_common;

use baidu_vpc_emulator::clock::{add_months, iso8601, parse_iso8601};
use emulator_common::*;
use serde_json::json;

#[tokio::test]
async fn same_account_create_goes_creating_then_active() {
    let e = start(slow_demo()).await;
    let me = initiator();
    let id = e.create_ok(&me, same_account_body()).await;
    assert!(id.starts_with("peerconn-") && id.len() == 21, "{id}");
    assert_eq!(e.status_of(&me, &id).await, "creating");
    e.advance(59).await;
    assert_eq!(e.status_of(&me, &id).await, "creating");
    e.advance(1).await;
    assert_eq!(e.status_of(&me, &id).await, "active");
    // No DNS sync and no expiry for a new postpaid peering.
    let v = e.get(&me, &id, None).await;
    assert_eq!(v.expect_ok()["dnsStatus"], "close");
    assert_eq!(v.expect_ok()["expiredTime"], "");
    assert_eq!(v.expect_ok()["paymentTiming"], "Postpaid");
    let created = v.expect_ok()["createdTime"].as_str().unwrap();
    assert!(parse_iso8601(created).is_some(), "{created}");
}

#[tokio::test]
async fn views_mirror_local_and_peer_fields() {
    let e = start(instant_demo()).await;
    let mut body = same_account_body();
    body["localIfName"] = json!("if-a");
    body["peerIfName"] = json!("if-b");
    body["description"] = json!("desc-a");
    body["tags"] = json!([{"tagKey": "env", "tagValue": "test"}]);
    let id = e.create_ok(&initiator(), body).await;
    let i = e
        .get(&initiator(), &id, Some("initiator"))
        .await
        .expect_ok()
        .clone();
    let a = e
        .get(&initiator(), &id, Some("acceptor"))
        .await
        .expect_ok()
        .clone();
    assert_eq!(i["role"], "initiator");
    assert_eq!(a["role"], "acceptor");
    for (l, p) in [("localVpcId", "peerVpcId"), ("localRegion", "peerRegion")] {
        assert_eq!(i[l], a[p]);
        assert_eq!(i[p], a[l]);
    }
    assert_eq!(i["localIfName"], "if-a");
    assert_eq!(a["localIfName"], "if-b");
    assert_eq!(i["description"], "desc-a");
    assert_eq!(a["description"], "");
    assert_eq!(i["peerAccountId"], INITIATOR_ID);
    assert_ne!(i["localIfId"], a["localIfId"]);
    assert!(a["localIfId"].as_str().unwrap().starts_with("qpif-"));
    assert_eq!(i["tags"], json!([{"tagKey": "env", "tagValue": "test"}]));
    // Without a role the caller's own (initiator) view.
    assert_eq!(
        e.get(&initiator(), &id, None).await.expect_ok()["role"],
        "initiator"
    );
    // Updating the acceptor side by its interface id changes only that side.
    let upd = Call::new("PUT", format!("/v1/peerconn/{id}")).json(json!({
        "localIfId": a["localIfId"], "localIfName": "if-b2", "description": "desc-b"
    }));
    e.send(&initiator(), upd).await.expect_ok();
    let a2 = e
        .get(&initiator(), &id, Some("acceptor"))
        .await
        .expect_ok()
        .clone();
    assert_eq!(
        (a2["localIfName"].as_str(), a2["description"].as_str()),
        (Some("if-b2"), Some("desc-b"))
    );
    assert_eq!(
        e.get(&initiator(), &id, Some("initiator"))
            .await
            .expect_ok()["localIfName"],
        "if-a"
    );
}

#[tokio::test]
async fn cross_account_consulting_then_accept_reject_or_timeout() {
    let e = start(slow_demo()).await;
    let (me, p) = (initiator(), peer());
    // accept
    let id = e.create_ok(&me, cross_account_body()).await;
    assert_eq!(e.status_of(&me, &id).await, "creating");
    e.advance(60).await;
    assert_eq!(e.status_of(&me, &id).await, "consulting");
    let pv = e.get(&p, &id, None).await.expect_ok().clone();
    assert_eq!(pv["role"], "acceptor");
    assert_eq!(pv["status"], "consulting");
    assert_eq!(pv["localVpcId"], "vpc-peergz000001");
    assert_eq!(pv["localRegion"], "gz");
    assert_eq!(pv["peerAccountId"], INITIATOR_ID);
    assert_eq!(pv["localIfName"], "");
    assert_eq!(
        e.get(&me, &id, None).await.expect_ok()["peerAccountId"],
        PEER_ID
    );
    e.action(&p, &id, "accept", None).await.expect_ok();
    assert_eq!(e.status_of(&me, &id).await, "active");
    e.action(&p, &id, "accept", None)
        .await
        .expect_err(409, "PeerConn.InvalidStatus");
    // reject
    let mut body = cross_account_body();
    body["localVpcId"] = json!("vpc-demobj000002");
    let rejected = e.create_ok(&me, body).await;
    e.advance(60).await;
    e.action(&p, &rejected, "reject", None).await.expect_ok();
    assert_eq!(e.status_of(&me, &rejected).await, "consult_failed");
    // timeout: 7 days without an answer
    let mut body = cross_account_body();
    body["localVpcId"] = json!("vpc-demogz000001");
    body["peerVpcId"] = json!("vpc-peerbj000001");
    body["peerRegion"] = json!("bj");
    let ignored = e.create_ok(&me, body).await;
    e.advance(60 + 7 * 86_400 - 1).await;
    assert_eq!(e.status_of(&me, &ignored).await, "consulting");
    e.advance(1).await;
    assert_eq!(e.status_of(&me, &ignored).await, "consult_failed");
    e.action(&p, &ignored, "accept", None)
        .await
        .expect_err(409, "PeerConn.InvalidStatus");
}

#[tokio::test]
async fn update_and_resize_pass_through_updating() {
    let e = start(slow_demo()).await;
    let me = initiator();
    let id = e.create_ok(&me, same_account_body()).await;
    e.advance(60).await;
    let if_id = e.get(&me, &id, None).await.expect_ok()["localIfId"].clone();
    let upd = Call::new("PUT", format!("/v1/peerconn/{id}"))
        .json(json!({"localIfId": if_id, "description": "new"}));
    e.send(&me, upd).await.expect_ok();
    assert_eq!(e.status_of(&me, &id).await, "updating");
    // Busy: resize and delete must wait.
    e.action(&me, &id, "resize", Some(json!({"newBandwidthInMbps": 20})))
        .await
        .expect_err(409, "PeerConn.InvalidStatus");
    e.delete(&me, &id)
        .await
        .expect_err(409, "PeerConn.InvalidStatus");
    e.advance(60).await;
    assert_eq!(e.status_of(&me, &id).await, "active");
    e.action(&me, &id, "resize", Some(json!({"newBandwidthInMbps": 20})))
        .await
        .expect_ok();
    let v = e.get(&me, &id, None).await.expect_ok().clone();
    assert_eq!(
        (v["status"].as_str(), v["bandwidthInMbps"].as_i64()),
        (Some("updating"), Some(20))
    );
    e.advance(60).await;
    assert_eq!(e.status_of(&me, &id).await, "active");
    // A consulting peering returns to consulting after an update.
    let cross = e.create_ok(&me, cross_account_body()).await;
    e.advance(60).await;
    e.action(
        &me,
        &cross,
        "resize",
        Some(json!({"newBandwidthInMbps": 30})),
    )
    .await
    .expect_ok();
    assert_eq!(e.status_of(&me, &cross).await, "updating");
    e.advance(60).await;
    assert_eq!(e.status_of(&me, &cross).await, "consulting");
}

#[tokio::test]
async fn delete_goes_deleting_then_gone_and_not_found() {
    let e = start(slow_demo()).await;
    let me = initiator();
    let id = e.create_ok(&me, same_account_body()).await;
    e.advance(60).await;
    e.delete(&me, &id).await.expect_ok();
    assert_eq!(e.status_of(&me, &id).await, "deleting");
    // A repeated delete while deleting is not an error.
    e.delete(&me, &id).await.expect_ok();
    e.advance(60).await;
    e.get(&me, &id, None).await.expect_err(404, "NoSuchObject");
    assert_eq!(e.list(&me, &[]).await.expect_ok()["peerConns"], json!([]));
    let st = e.state().await;
    assert_eq!(st["peerConns"], json!([]));
    assert_eq!(st["deletedPeerConns"][0]["peerConnId"], id.as_str());
    assert_eq!(st["deletedPeerConns"][0]["deletedBy"], "api");
}

#[tokio::test]
async fn dns_sync_open_and_close_transitions() {
    let e = start(slow_demo()).await;
    let me = initiator();
    let id = e.create_ok(&me, same_account_body()).await;
    e.advance(60).await;
    let dns = |v: serde_json::Value| v["dnsStatus"].as_str().unwrap().to_string();
    e.dns(&me, &id, true, "initiator").await.expect_ok();
    assert_eq!(dns(e.get(&me, &id, None).await.body), "wait");
    e.advance(60).await;
    assert_eq!(dns(e.get(&me, &id, None).await.body), "syncing");
    e.advance(60).await;
    assert_eq!(dns(e.get(&me, &id, None).await.body), "open");
    // The acceptor side is untouched.
    assert_eq!(dns(e.get(&me, &id, Some("acceptor")).await.body), "close");
    // Opening again is a no-op.
    e.dns(&me, &id, true, "initiator").await.expect_ok();
    assert_eq!(dns(e.get(&me, &id, None).await.body), "open");
    e.dns(&me, &id, false, "initiator").await.expect_ok();
    assert_eq!(dns(e.get(&me, &id, None).await.body), "closing");
    e.advance(60).await;
    assert_eq!(dns(e.get(&me, &id, None).await.body), "close");
}

#[tokio::test]
async fn prepaid_expiry_renewal_and_refund() {
    let e = start(instant_demo()).await;
    let me = initiator();
    let id = e.create_ok(&me, prepaid_body(3)).await;
    let v = e.get(&me, &id, None).await.expect_ok().clone();
    assert_eq!(v["paymentTiming"], "Prepaid");
    let created = parse_iso8601(v["createdTime"].as_str().unwrap()).unwrap();
    assert_eq!(
        v["expiredTime"].as_str().unwrap(),
        iso8601(add_months(created, 3))
    );
    // Renew by 12 months from the current expiry.
    let renew = |n: i64| {
        Some(
            json!({"billing": {"reservation": {"reservationLength": n, "reservationTimeUnit": "month"}}}),
        )
    };
    e.action(&me, &id, "purchaseReserved", renew(12))
        .await
        .expect_ok();
    let exp = e.get(&me, &id, None).await.expect_ok()["expiredTime"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(exp, iso8601(add_months(add_months(created, 3), 12)));
    e.action(&me, &id, "purchaseReserved", renew(11))
        .await
        .expect_err(400, "InvalidParameterValue");
    e.action(&me, &id, "purchaseReserved", Some(json!({})))
        .await
        .expect_err(400, "MissingParameter");
    // Past the expiry the status is `expired`; renewing revives it.
    e.advance(16 * 31 * 86_400).await;
    assert_eq!(e.status_of(&me, &id).await, "expired");
    e.dns(&me, &id, true, "initiator")
        .await
        .expect_err(409, "PeerConn.InvalidStatus");
    e.action(&me, &id, "purchaseReserved", renew(1))
        .await
        .expect_ok();
    assert_eq!(e.status_of(&me, &id).await, "active");
    // Refund releases it.
    e.action(&me, &id, "refund", None).await.expect_ok();
    e.get(&me, &id, None).await.expect_err(404, "NoSuchObject");
}

#[tokio::test]
async fn stuck_transitions_never_complete() {
    let e = start(slow_demo()).await;
    let (s, t) = e
        .admin(
            "PUT",
            "/__emulator/timing",
            Some(json!({"creating": "stuck"})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(t["creating"], "stuck");
    assert_eq!(t["updating"], "60s");
    let me = initiator();
    let id = e.create_ok(&me, same_account_body()).await;
    e.advance(365 * 86_400).await;
    assert_eq!(e.status_of(&me, &id).await, "creating");
    // Forcing a status is the way out.
    let (s, v) = e
        .admin(
            "POST",
            &format!("/__emulator/peerconns/{id}/status"),
            Some(json!({"status": "active"})),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("active")));
    assert_eq!(e.status_of(&me, &id).await, "active");
    let (s, _) = e
        .admin("PUT", "/__emulator/timing", Some(json!({"creating": "1y"})))
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn admin_force_status_out_of_band_delete_and_reset() {
    let e = start(instant_demo()).await;
    let me = initiator();
    let id = e.create_ok(&me, same_account_body()).await;
    let path = format!("/__emulator/peerconns/{id}/status");
    let (s, v) = e
        .admin(
            "POST",
            &path,
            Some(json!({"status": "error", "dnsStatus": "syncing", "role": "acceptor"})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(e.status_of(&me, &id).await, "error");
    assert_eq!(
        e.get(&me, &id, Some("acceptor")).await.expect_ok()["dnsStatus"],
        "syncing"
    );
    assert_eq!(
        e.get(&me, &id, Some("initiator")).await.expect_ok()["dnsStatus"],
        "close"
    );
    let (s, _) = e
        .admin("POST", &path, Some(json!({"status": "bogus"})))
        .await;
    assert_eq!(s, 400);
    let (s, _) = e
        .admin(
            "POST",
            "/__emulator/peerconns/peerconn-nope/status",
            Some(json!({"status": "active"})),
        )
        .await;
    assert_eq!(s, 404);
    // Out-of-band delete: gone at once, recorded as deleted by admin.
    let (s, v) = e
        .admin("DELETE", &format!("/__emulator/peerconns/{id}"), None)
        .await;
    assert_eq!((s, v["deleted"].as_str()), (200, Some(id.as_str())));
    e.get(&me, &id, None).await.expect_err(404, "NoSuchObject");
    assert_eq!(e.state().await["deletedPeerConns"][0]["deletedBy"], "admin");
    let (s, _) = e
        .admin("DELETE", &format!("/__emulator/peerconns/{id}"), None)
        .await;
    assert_eq!(s, 404);
    // Reset wipes objects, tokens, the log and the clock offset.
    e.create(&me, same_account_body(), Some("t"))
        .await
        .expect_ok();
    e.advance(1000).await;
    let (s, _) = e.admin("POST", "/__emulator/reset", None).await;
    assert_eq!(s, 200);
    let st = e.state().await;
    assert_eq!(st["peerConns"], json!([]));
    assert_eq!(st["deletedPeerConns"], json!([]));
    assert_eq!(st["clientTokens"], json!([]));
    assert_eq!(st["clockOffsetSeconds"], 0.0);
    let (_, log) = e.admin("GET", "/__emulator/requests", None).await;
    assert_eq!(log["requests"], json!([]));
    let (s, h) = e.admin("GET", "/__emulator/health", None).await;
    assert_eq!((s, h["status"].as_str()), (200, Some("ok")));
}

#[tokio::test]
async fn list_filters_by_vpc_and_pages_with_markers() {
    let e = start(instant_demo()).await;
    let (me, p) = (initiator(), peer());
    let mut ids = Vec::new();
    for (local, peer_vpc, region) in [
        ("vpc-demobj000001", "vpc-demobj000002", "bj"),
        ("vpc-demobj000001", "vpc-demogz000001", "gz"),
        ("vpc-demobj000002", "vpc-demogz000001", "gz"),
    ] {
        ids.push(e.create_ok(&me, json!({"bandwidthInMbps": 1, "localVpcId": local, "peerVpcId": peer_vpc, "peerRegion": region})).await);
    }
    ids.push(e.create_ok(&me, cross_account_body()).await);
    let mut b = cross_account_body();
    b["localVpcId"] = json!("vpc-demogz000001");
    ids.push(e.create_ok(&me, b).await);
    // Page through everything two at a time.
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut q = vec![("maxKeys", "2")];
        if let Some(m) = &marker {
            q.push(("marker", m.as_str()));
        }
        let page = e.list(&me, &q).await.expect_ok().clone();
        pages += 1;
        assert_eq!(page["maxKeys"], 2);
        let items = page["peerConns"].as_array().unwrap();
        assert_eq!(page["marker"], items[0]["peerConnId"]);
        seen.extend(
            items
                .iter()
                .map(|i| i["peerConnId"].as_str().unwrap().to_string()),
        );
        if page["isTruncated"] == false {
            assert!(page.get("nextMarker").is_none());
            break;
        }
        marker = Some(page["nextMarker"].as_str().unwrap().to_string());
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids, "every peering once, in creation order");
    // vpcId filter: the view whose local VPC is that VPC.
    let gz = e
        .list(&me, &[("vpcId", "vpc-demogz000001")])
        .await
        .expect_ok()
        .clone();
    let items = gz["peerConns"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let roles: Vec<_> = items.iter().map(|i| i["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["acceptor", "acceptor", "initiator"]);
    assert!(items.iter().all(|i| i["localVpcId"] == "vpc-demogz000001"));
    // The peer account sees only its cross-account peerings, as acceptor.
    let theirs = e.list(&p, &[]).await.expect_ok().clone();
    let items = theirs["peerConns"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i["role"] == "acceptor"));
    // Empty result: no marker.
    let none = e
        .list(&p, &[("vpcId", "vpc-peerbj000001")])
        .await
        .expect_ok()
        .clone();
    assert_eq!(none["peerConns"], json!([]));
    assert!(none.get("marker").is_none());
    assert_eq!(none["maxKeys"], 1000);
    // A marker whose peering was deleted still positions the next page.
    e.admin("DELETE", &format!("/__emulator/peerconns/{}", ids[2]), None)
        .await;
    let page = e
        .list(&me, &[("maxKeys", "2"), ("marker", ids[2].as_str())])
        .await
        .expect_ok()
        .clone();
    assert_eq!(page["peerConns"][0]["peerConnId"], ids[3].as_str());
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emu-state.json");
    let mut c = slow_demo();
    c.state_file = Some(path.clone());
    let me = initiator();
    let (id, token_id) = {
        let e = start(c.clone()).await;
        let id = e.create_ok(&me, same_account_body()).await;
        e.advance(3600).await;
        let tok = e
            .create(&me, cross_account_body(), Some("persisted-token"))
            .await;
        let token_id = tok.expect_ok()["peerConnId"].as_str().unwrap().to_string();
        e.running.shutdown().await.unwrap();
        (id, token_id)
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(parsed["peerConns"].get(&id).is_some());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");

    let e = start(c).await;
    assert_eq!(e.status_of(&me, &id).await, "active");
    // Emulated time survived too, and so did the client token.
    assert!(e.state().await["clockOffsetSeconds"].as_f64().unwrap() >= 3600.0);
    let again = e
        .create(&me, cross_account_body(), Some("persisted-token"))
        .await;
    assert_eq!(again.expect_ok()["peerConnId"], token_id.as_str());
    // New ids never collide with persisted ones.
    e.delete(&me, &id).await.expect_ok();
    e.advance(60).await;
    let fresh = e.create_ok(&me, same_account_body()).await;
    assert_ne!(fresh, id);
}
