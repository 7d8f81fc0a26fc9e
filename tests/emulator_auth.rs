//! Authentication like Baidu: signature failures answered with Baidu's codes,
//! statuses and error JSON; flag-query forms; STS session tokens.

mod emulator_common;

use baidu_vpc_emulator::{AuthMode, SessionCredential};
use bce_auth::signer::HeaderSelection;
use emulator_common::*;
use serde_json::json;
use time::{Duration, OffsetDateTime};

fn list_call() -> Call<'static> {
    Call::new("GET", "/v1/peerconn").q("vpcId", "vpc-demobj000001")
}

#[tokio::test]
async fn good_signatures_pass_with_default_and_listed_header_sets() {
    let e = start(slow_demo()).await;
    for selection in [HeaderSelection::Default, HeaderSelection::Listed] {
        let mut c = list_call();
        c.selection = selection;
        e.send(&initiator(), c).await.expect_ok();
    }
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let e = start(slow_demo()).await;
    let mut who = initiator();
    who.secret_key = "DEMOSK00000000000000000000000002".into();
    let r = e.send(&who, list_call()).await;
    r.expect_err(400, "SignatureDoesNotMatch");
    assert!(r.request_id.is_some());
}

#[tokio::test]
async fn tampered_query_or_body_headers_do_not_verify() {
    let e = start(slow_demo()).await;
    let mut c = list_call();
    c.signed_query = Some(pairs(&[("vpcId", "vpc-demobj000002")]));
    e.send(&initiator(), c)
        .await
        .expect_err(400, "SignatureDoesNotMatch");
    // A flag added after signing.
    let id = e.create_ok(&initiator(), same_account_body()).await;
    let mut c = Call::new("PUT", format!("/v1/peerconn/{id}")).q("refund", "");
    c.signed_query = Some(Vec::new());
    e.send(&initiator(), c)
        .await
        .expect_err(400, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn expired_and_future_timestamps_are_request_expired() {
    let e = start(slow_demo()).await;
    let mut c = list_call();
    c.timestamp = Some(OffsetDateTime::now_utc() - Duration::hours(1));
    let m = e
        .send(&initiator(), c)
        .await
        .expect_err(400, "RequestExpired")
        .to_string();
    assert!(m.contains("Timestamp date is"), "{m}");
    let mut c = list_call();
    c.timestamp = Some(OffsetDateTime::now_utc() + Duration::hours(1));
    e.send(&initiator(), c)
        .await
        .expect_err(400, "RequestExpired");
    // Within the expiration window is fine.
    let mut c = list_call();
    c.timestamp = Some(OffsetDateTime::now_utc() - Duration::minutes(20));
    e.send(&initiator(), c).await.expect_ok();
}

#[tokio::test]
async fn signatures_use_the_wall_clock_not_the_emulated_one() {
    let e = start(slow_demo()).await;
    e.advance(30 * 86_400).await;
    e.send(&initiator(), list_call()).await.expect_ok();
}

#[tokio::test]
async fn unknown_key_and_bad_headers() {
    let e = start(slow_demo()).await;
    let mut who = initiator();
    who.access_key = "NOSUCHKEY".into();
    e.send(&who, list_call())
        .await
        .expect_err(403, "InvalidAccessKeyId");
    let url = format!("http://{}/v1/peerconn", e.host());
    for auth in [
        None,
        Some("Bearer abc"),
        Some("bce-auth-v1/ak/2020-01-01T00:00:00Z/1800//xyz"),
    ] {
        let mut rb = e.http.get(&url);
        if let Some(a) = auth {
            rb = rb.header("authorization", a);
        }
        let resp = rb.send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 400);
        let rid = resp.headers()["x-bce-request-id"]
            .to_str()
            .unwrap()
            .to_string();
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "InvalidHTTPAuthHeader");
        assert_eq!(body["requestId"], rid.as_str());
    }
}

#[tokio::test]
async fn both_flag_forms_are_accepted_and_signed() {
    let e = start(instant_demo()).await;
    let id = e.create_ok(&initiator(), cross_account_body()).await;
    // `?reject=` (Python SDK form) on the wire and in the signature.
    let mut c = Call::new("PUT", format!("/v1/peerconn/{id}"))
        .q("reject", "")
        .q("clientToken", "t1");
    c.raw_query = Some("reject=&clientToken=t1".into());
    e.send(&peer(), c).await.expect_ok();
    assert_eq!(e.status_of(&initiator(), &id).await, "consult_failed");
    e.delete(&initiator(), &id).await.expect_ok();
    // Bare `?accept` (Go SDK form), with the Go SDK's `{"role":…}`-style body tolerated.
    let id = e.create_ok(&initiator(), cross_account_body()).await;
    let mut c = Call::new("PUT", format!("/v1/peerconn/{id}"))
        .q("accept", "")
        .json(json!({"role": "acceptor", "whatever": [1, 2]}));
    c.raw_query = Some("accept".into());
    e.send(&peer(), c).await.expect_ok();
    assert_eq!(e.status_of(&peer(), &id).await, "active");
}

#[tokio::test]
async fn sts_session_tokens() {
    let mut c = slow_demo();
    c.accounts[1].session_credentials.push(SessionCredential {
        access_key: "STSAK0001".into(),
        secret_key: "STSSK0001".into(),
        session_token: "session-token+/=".into(),
    });
    let e = start(c).await;
    let sts = Caller {
        access_key: "STSAK0001".into(),
        secret_key: "STSSK0001".into(),
        session_token: Some("session-token+/=".into()),
    };
    // The STS key acts as the peer account.
    let body = json!({"bandwidthInMbps": 1, "localVpcId": "vpc-peerbj000001",
                      "peerVpcId": "vpc-peergz000001", "peerRegion": "gz"});
    let id = e.create_ok(&sts, body).await;
    assert_eq!(
        e.get(&peer(), &id, None).await.expect_ok()["localVpcId"],
        "vpc-peerbj000001"
    );
    let mut wrong = sts.clone();
    wrong.session_token = Some("other".into());
    e.send(&wrong, list_call_peer())
        .await
        .expect_err(403, "AccessDenied");
    let mut missing = sts.clone();
    missing.session_token = None;
    e.send(&missing, list_call_peer())
        .await
        .expect_err(403, "AccessDenied");
}

fn list_call_peer() -> Call<'static> {
    Call::new("GET", "/v1/peerconn").q("vpcId", "vpc-peerbj000001")
}

#[tokio::test]
async fn auth_off_trusts_the_access_key() {
    let mut c = slow_demo();
    c.auth = AuthMode::Off;
    let e = start(c).await;
    let url = format!("http://{}/v1/peerconn", e.host());
    let r = e
        .http
        .get(&url)
        .header("authorization", "DEMOAK00000000000000000000000002")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let mut who = initiator();
    who.secret_key = "anything".into();
    e.send(&who, list_call()).await.expect_ok();
    let r = e
        .http
        .get(&url)
        .header("authorization", "NOPE")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}
