//! STS `AssumeRole` end to end between the client and the emulator: the
//! role's temporary credentials act as the role's account, they are renewed
//! before they expire, and the emulator refuses them once they have.

mod emulator_common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use baidu_vpc::client::Clock;
use baidu_vpc::{
    AssumeRoleRequest, BaiduClient, CallOptions, ClientConfig, ClientError, Credentials,
    RetryPolicy, RoleSession,
};
use baidu_vpc_emulator::config::DEMO_ROLE;
use emulator_common::*;

fn config(e: &TestEmu, who: &Caller) -> ClientConfig {
    ClientConfig::new(
        Credentials::new(who.access_key.clone(), who.secret_key.clone()),
        "bj",
    )
    .with_endpoint(format!("http://{}", e.host()))
    .with_retry(RetryPolicy {
        max_retries: 0,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    })
}

fn request(duration_secs: u32) -> AssumeRoleRequest {
    AssumeRoleRequest {
        account_id: PEER_ID.to_owned(),
        role_name: DEMO_ROLE.to_owned(),
        user_id: None,
        acl: None,
        duration_secs,
    }
}

/// (operation, account, access key) of every logged request.
async fn calls(e: &TestEmu) -> Vec<(String, String, String)> {
    let (_, log) = e.admin("GET", "/__emulator/requests", None).await;
    log["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (field("operation"), field("accountId"), field("accessKey"))
        })
        .collect()
}

#[tokio::test]
async fn an_assumed_role_acts_as_its_account_and_is_renewed_before_it_expires() {
    let e = start(instant_demo()).await;
    let sts = BaiduClient::new(config(&e, &initiator())).expect("sts client");
    let session = Arc::new(
        RoleSession::start(sts, request(60), &CallOptions::new())
            .await
            .expect("assume role"),
    );
    let first = session.current().await;
    assert!(first.credentials.session_token.is_some());

    // The client's clock decides when to renew; move it, not the test.
    let offset_secs = Arc::new(AtomicI64::new(0));
    let clock_offset = Arc::clone(&offset_secs);
    let mut api = config(&e, &initiator()).with_role_session(Arc::clone(&session));
    api.clock = Clock::from_fn(move || {
        time::OffsetDateTime::now_utc()
            + time::Duration::seconds(clock_offset.load(Ordering::SeqCst))
    });
    let client = BaiduClient::new(api).expect("client");

    // The peer's VPC is only listable by the peer account.
    let peer_vpc = "vpc-peerbj000001";
    client
        .list_all_peerconns(Some(peer_vpc), &CallOptions::new())
        .await
        .expect("list as the role's account");
    // 60 s sessions are renewed 30 s ahead: at +31 s the next call renews.
    offset_secs.store(31, Ordering::SeqCst);
    client
        .list_all_peerconns(Some(peer_vpc), &CallOptions::new())
        .await
        .expect("list after renewal");
    let renewed = session.current().await;
    assert_ne!(
        renewed.credentials.access_key, first.credentials.access_key,
        "renewed"
    );

    let log = calls(&e).await;
    let ops: Vec<&str> = log.iter().map(|(op, _, _)| op.as_str()).collect();
    assert_eq!(
        ops,
        ["AssumeRole", "ListPeerConn", "AssumeRole", "ListPeerConn"]
    );
    assert_eq!(log[0].1, INITIATOR_ID, "the caller's keys sign AssumeRole");
    assert_eq!(
        (log[1].1.as_str(), log[1].2.as_str()),
        (PEER_ID, first.credentials.access_key.as_str())
    );
    assert_eq!(
        (log[3].1.as_str(), log[3].2.as_str()),
        (PEER_ID, renewed.credentials.access_key.as_str())
    );
}

#[tokio::test]
async fn expired_and_untrusted_credentials_are_refused() {
    let e = start(instant_demo()).await;
    // The demo role trusts the initiator only.
    let as_peer = BaiduClient::new(config(&e, &peer())).expect("client");
    let err = as_peer
        .assume_role(&request(60), &CallOptions::new())
        .await
        .unwrap_err();
    match &err {
        ClientError::Api(api) => assert_eq!(api.code, "AccessDenied", "{err}"),
        other => panic!("expected AccessDenied, got {other}"),
    }

    let sts = BaiduClient::new(config(&e, &initiator())).expect("sts client");
    let short = sts
        .assume_role(&request(1), &CallOptions::new())
        .await
        .expect("assume role");
    let expired = Caller {
        access_key: short.credentials.access_key.clone(),
        secret_key: short.credentials.secret_key.expose_secret().to_owned(),
        session_token: short
            .credentials
            .session_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned()),
    };
    let list = || Call::new("GET", "/v1/peerconn").q("vpcId", "vpc-peerbj000001");
    e.send(&expired, list()).await.expect_ok();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refused = e.send(&expired, list()).await;
    assert!(
        refused.expect_err(403, "AccessDenied").contains("expired"),
        "{refused:?}"
    );
    // Without its token the key is refused even while it is valid.
    let fresh = sts
        .assume_role(&request(60), &CallOptions::new())
        .await
        .expect("assume role");
    let tokenless = Caller {
        access_key: fresh.credentials.access_key.clone(),
        secret_key: fresh.credentials.secret_key.expose_secret().to_owned(),
        session_token: None,
    };
    e.send(&tokenless, list())
        .await
        .expect_err(403, "AccessDenied");
}
