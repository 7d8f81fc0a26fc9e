//! The team's typed client (`baidu_vpc::BaiduClient`) against the
//! emulator: all 13 operations, not-found mapping, and the client's retries
//! recovering from injected faults without duplicating anything.

mod emulator_common;

use std::time::Duration;

use baidu_vpc::model::{
    Billing, CreatePeerConnRequest, ListPeerConnsQuery, RenewPeerConnRequest, UpdatePeerConnRequest,
};
use baidu_vpc::{
    BaiduClient, CallOptions, ClientConfig, Credentials, DnsStatus, PeerConnStatus, RetryPolicy,
    Role,
};
use emulator_common::*;
use serde_json::json;

fn client(e: &TestEmu, who: &Caller, retries: u32) -> BaiduClient {
    let creds = Credentials::new(who.access_key.clone(), who.secret_key.clone());
    let cfg = ClientConfig::new(creds, "bj")
        .with_endpoint(format!("http://{}", e.host()))
        .with_retry(RetryPolicy {
            max_retries: retries,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        });
    BaiduClient::new(cfg).expect("client")
}

fn opts() -> CallOptions {
    CallOptions::new()
}

#[tokio::test]
async fn all_13_operations_through_the_typed_client() {
    let e = start(instant_demo()).await;
    let a = client(&e, &initiator(), 0);
    let b = client(&e, &peer(), 0);

    // create + get (both views) + list
    let mut req = CreatePeerConnRequest::new(10, "vpc-demobj000001", "vpc-demobj000002", "bj");
    req.local_if_name = Some("if-a".into());
    req.peer_if_name = Some("if-b".into());
    let id = a.create_peerconn(&req, &opts()).await.unwrap();
    let ini = a.get_peerconn(&id, Role::Initiator, &opts()).await.unwrap();
    let acc = a.get_peerconn(&id, Role::Acceptor, &opts()).await.unwrap();
    assert_eq!(ini.status, Some(PeerConnStatus::Active));
    assert_eq!(
        (ini.local_vpc_id.as_str(), acc.local_vpc_id.as_str()),
        ("vpc-demobj000001", "vpc-demobj000002")
    );
    assert_eq!(acc.local_if_name, "if-b");
    let all = a
        .list_all_peerconns(Some("vpc-demobj000001"), &opts())
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let page = a
        .list_peerconns(
            &ListPeerConnsQuery {
                vpc_id: None,
                marker: None,
                max_keys: Some(1),
            },
            &opts(),
        )
        .await
        .unwrap();
    assert_eq!((page.peer_conns.len(), page.is_truncated), (1, false));

    // update, resize, DNS open/close, delete protection
    let upd = UpdatePeerConnRequest {
        local_if_id: ini.local_if_id.clone(),
        description: Some("typed".into()),
        local_if_name: None,
    };
    a.update_peerconn(&id, &upd, &opts()).await.unwrap();
    a.resize_peerconn(&id, 30, &opts()).await.unwrap();
    a.open_peerconn_dns_sync(&id, Role::Initiator, &opts())
        .await
        .unwrap();
    let v = a.get_peerconn(&id, Role::Initiator, &opts()).await.unwrap();
    assert_eq!((v.description.as_str(), v.bandwidth_in_mbps), ("typed", 30));
    assert_eq!(v.dns_status, Some(DnsStatus::Open));
    a.close_peerconn_dns_sync(&id, Role::Initiator, &opts())
        .await
        .unwrap();
    a.update_peerconn_delete_protect(&id, true, &opts())
        .await
        .unwrap();
    let err = a.delete_peerconn(&id, &opts()).await.unwrap_err();
    assert_eq!(
        err.api_error().map(|e| e.code.as_str()),
        Some("PeerConn.DeleteProtected")
    );
    a.update_peerconn_delete_protect(&id, false, &opts())
        .await
        .unwrap();

    // prepaid renew + refund
    let mut pre = CreatePeerConnRequest::new(50, "vpc-demobj000002", "vpc-demogz000001", "gz");
    pre.billing = Billing::prepaid(1, "month");
    let pre_id = a.create_peerconn(&pre, &opts()).await.unwrap();
    let before = a
        .get_peerconn(&pre_id, Role::Initiator, &opts())
        .await
        .unwrap()
        .expired_time;
    a.renew_peerconn(&pre_id, &RenewPeerConnRequest::new(2, "Month"), &opts())
        .await
        .unwrap();
    let after = a
        .get_peerconn(&pre_id, Role::Initiator, &opts())
        .await
        .unwrap()
        .expired_time;
    assert!(after > before, "{before} -> {after}");
    a.refund_peerconn(&pre_id, &opts()).await.unwrap();

    // cross-account accept and reject
    let mut cross = CreatePeerConnRequest::new(20, "vpc-demobj000001", "vpc-peergz000001", "gz");
    cross.peer_account_id = Some(PEER_ID.into());
    let cross_id = a.create_peerconn(&cross, &opts()).await.unwrap();
    b.accept_peerconn(&cross_id, &opts()).await.unwrap();
    assert_eq!(
        b.get_peerconn(&cross_id, Role::Acceptor, &opts())
            .await
            .unwrap()
            .status,
        Some(PeerConnStatus::Active)
    );
    let mut other = CreatePeerConnRequest::new(5, "vpc-demobj000002", "vpc-peerbj000001", "bj");
    other.peer_account_id = Some(PEER_ID.into());
    let other_id = a.create_peerconn(&other, &opts()).await.unwrap();
    b.reject_peerconn(&other_id, &opts()).await.unwrap();
    assert_eq!(
        a.get_peerconn(&other_id, Role::Initiator, &opts())
            .await
            .unwrap()
            .status,
        Some(PeerConnStatus::ConsultFailed)
    );

    // delete, then not found
    a.delete_peerconn(&id, &opts()).await.unwrap();
    let gone = a
        .get_peerconn(&id, Role::Initiator, &opts())
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    assert!(a
        .find_peerconn(&id, Role::Initiator, &opts())
        .await
        .unwrap()
        .is_none());
    let logged: std::collections::HashSet<String> =
        e.admin("GET", "/__emulator/requests", None).await.1["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["operation"].as_str().map(str::to_string))
            .collect();
    assert_eq!(logged.len(), 13, "{logged:?}");
}

#[tokio::test]
async fn client_retries_recover_from_injected_faults_without_duplicates() {
    let e = start(instant_demo()).await;
    let a = client(&e, &initiator(), 3);
    let (s, _) = e
        .admin(
            "PUT",
            "/__emulator/faults",
            Some(json!({"rules": [
                {"operation": "CreatePeerConn", "fail_next": 1, "error": {"status": 503}},
                {"operation": "CreatePeerConn", "fail_next": 1, "phase": "after"},
                {"operation": "GetPeerConnDetail", "fail_next": 1, "fail_next_mode": "drop"}
            ]})),
        )
        .await;
    assert_eq!(s, 200);
    let req = CreatePeerConnRequest::new(10, "vpc-demobj000001", "vpc-demobj000002", "bj");
    // 503 before, then 500 after the create ran, then the replay: one peering.
    let id = a.create_peerconn(&req, &opts()).await.unwrap();
    let st = e.state().await;
    assert_eq!(st["peerConns"].as_array().unwrap().len(), 1);
    assert_eq!(st["peerConns"][0]["peerConnId"], id.as_str());
    // The dropped GET is retried too.
    a.get_peerconn(&id, Role::Initiator, &opts()).await.unwrap();
    let (_, log) = e.admin("GET", "/__emulator/requests", None).await;
    let creates: Vec<_> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["operation"] == "CreatePeerConn")
        .collect();
    assert_eq!(creates.len(), 3);
    assert!(creates
        .iter()
        .all(|r| r["clientToken"] == creates[0]["clientToken"]));
    assert_eq!(creates[2]["replayed"], true);
}
