//! The client's waiters under injected faults (in-process emulator): a poll
//! that fails with a retryable error after the client's own retries is tried
//! again, so a wait of many polls survives the fault rate of the soak; a
//! persistent failure still ends the wait with the error, and a wait never
//! outlives its deadline.

use std::time::{Duration, Instant};

use baidu_vpc::model::CreatePeerConnRequest;
use baidu_vpc::{
    BaiduClient, CallOptions, ClientConfig, Credentials, PeerConnStatus, RetryPolicy, Role,
    WaitConfig, WaitError,
};
use baidu_vpc_emulator::{Emulator, EmulatorConfig, RunningEmulator};
use serde_json::json;

async fn emulator() -> RunningEmulator {
    let mut config = EmulatorConfig::demo();
    config.timing.apply_assignment("all=0").expect("timing");
    Emulator::new(config)
        .expect("demo config")
        .start("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("emulator starts")
}

fn client(endpoint: &str) -> BaiduClient {
    let creds = Credentials::new(
        "DEMOAK00000000000000000000000001",
        "DEMOSK00000000000000000000000001",
    );
    let config = ClientConfig::new(creds, "bj")
        .with_endpoint(endpoint)
        .with_retry(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        });
    BaiduClient::new(config).expect("client")
}

async fn set_faults(endpoint: &str, faults: serde_json::Value) {
    let http = reqwest::Client::new();
    let resp = http
        .put(format!("{endpoint}/__emulator/faults"))
        .body(faults.to_string())
        .send()
        .await
        .expect("admin call");
    assert!(resp.status().is_success(), "{:?}", resp.text().await);
}

fn wait(timeout: Duration) -> WaitConfig {
    WaitConfig {
        first_interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(50),
        ..WaitConfig::default()
    }
    .with_timeout(timeout)
}

#[tokio::test]
async fn a_wait_survives_polls_that_fail_after_the_clients_retries() {
    let emu = emulator().await;
    let endpoint = emu.endpoint();
    let c = client(&endpoint);
    let id = c
        .create_peerconn(
            &CreatePeerConnRequest::new(10, "vpc-demobj000001", "vpc-demobj000002", "bj"),
            &CallOptions::new(),
        )
        .await
        .expect("create");
    // The next 6 reads fail with 503: the first poll's 4 attempts, then 2 more.
    set_faults(
        &endpoint,
        json!({"rules": [{"operation": "GetPeerConnDetail", "fail_next": 6, "error": {"status": 503}}]}),
    )
    .await;
    let status = c
        .wait_peerconn_status(
            &id,
            Role::Initiator,
            &[PeerConnStatus::Active],
            &[],
            &wait(Duration::from_secs(30)),
        )
        .await
        .expect("the wait rides out transient poll failures");
    assert_eq!(status, PeerConnStatus::Active);
    emu.shutdown().await.expect("stops");
}

#[tokio::test]
async fn a_persistent_failure_ends_the_wait_at_its_deadline_with_the_error() {
    let emu = emulator().await;
    let endpoint = emu.endpoint();
    let c = client(&endpoint);
    let id = c
        .create_peerconn(
            &CreatePeerConnRequest::new(10, "vpc-demobj000001", "vpc-demobj000002", "bj"),
            &CallOptions::new(),
        )
        .await
        .expect("create");
    set_faults(
        &endpoint,
        json!({"rules": [{"operation": "GetPeerConnDetail", "error_rate": 1.0, "error": {"status": 500}}]}),
    )
    .await;
    let started = Instant::now();
    let err = c
        .wait_peerconn_status(
            &id,
            Role::Initiator,
            &[PeerConnStatus::Active],
            &[],
            &wait(Duration::from_secs(6)),
        )
        .await
        .expect_err("every poll fails");
    // Transient failures are polled past until the deadline, which then
    // ends the wait with the last error (an outage must not end a wait
    // early and taint a healthy peering).
    match &err {
        WaitError::Poll { error, .. } => assert!(error.is_retryable(), "{error}"),
        other => panic!("expected a poll error, got {other}"),
    }
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "ended before its deadline: {:?}",
        started.elapsed()
    );

    // A deadline shorter than the pauses ends the wait at the deadline.
    let started = Instant::now();
    let err = c
        .wait_peerconn_status(
            &id,
            Role::Initiator,
            &[PeerConnStatus::Active],
            &[],
            &wait(Duration::from_millis(1500)),
        )
        .await
        .expect_err("every poll fails");
    assert!(
        matches!(err, WaitError::Poll { .. } | WaitError::TimedOut { .. }),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    emu.shutdown().await.expect("stops");
}
