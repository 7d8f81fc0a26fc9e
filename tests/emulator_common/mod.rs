//! Shared helpers of the emulator integration tests: start an emulator on
//! 127.0.0.1:0 in-process and call it with requests signed by the team's signer.
#![allow(dead_code)]

use baidu_vpc::Credentials;
use baidu_vpc_emulator::{Emulator, EmulatorConfig, RunningEmulator};
use bce_auth::signer::{self, HeaderSelection, RequestToSign, SigningParams};
use bce_auth::uri::encode_query;
use serde_json::Value;
use time::OffsetDateTime;

pub const INITIATOR_ID: &str = "a0000000000000000000000000000001";
pub const PEER_ID: &str = "a0000000000000000000000000000002";

/// Credentials a test calls with.
#[derive(Clone, Debug)]
pub struct Caller {
    pub access_key: String,
    pub secret_key: String,
    pub session_token: Option<String>,
}

pub fn initiator() -> Caller {
    Caller {
        access_key: "DEMOAK00000000000000000000000001".into(),
        secret_key: "DEMOSK00000000000000000000000001".into(),
        session_token: None,
    }
}

pub fn peer() -> Caller {
    Caller {
        access_key: "DEMOAK00000000000000000000000002".into(),
        secret_key: "DEMOSK00000000000000000000000002".into(),
        session_token: None,
    }
}

/// The demo configuration with transitions long enough that nothing moves
/// unless a test advances the clock (no sleeping, no races).
pub fn slow_demo() -> EmulatorConfig {
    let mut c = EmulatorConfig::demo();
    c.timing.apply_assignment("all=60s").unwrap();
    c.seed = Some(7);
    c
}

/// The demo configuration with instant transitions.
pub fn instant_demo() -> EmulatorConfig {
    let mut c = EmulatorConfig::demo();
    c.timing.apply_assignment("all=0").unwrap();
    c.seed = Some(7);
    c
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub raw: String,
    pub request_id: Option<String>,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    #[track_caller]
    pub fn expect_ok(&self) -> &Value {
        assert_eq!(self.status, 200, "expected success, got {}", self.raw);
        &self.body
    }

    /// Asserts a Baidu error: status, code, and the error JSON shape.
    #[track_caller]
    pub fn expect_err(&self, status: u16, code: &str) -> &str {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "unexpected answer: {}",
            self.raw
        );
        assert_eq!(
            self.body["requestId"].as_str(),
            self.request_id.as_deref(),
            "requestId must equal the x-bce-request-id header"
        );
        self.body["message"].as_str().expect("message")
    }
}

pub struct TestEmu {
    pub running: RunningEmulator,
    pub http: reqwest::Client,
}

/// A request to send; everything is optional except method and path.
pub struct Call<'a> {
    pub method: &'a str,
    pub path: String,
    /// Query pairs as put on the wire (`("accept", "")` goes out as a bare `accept`).
    pub query: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// Sign this query instead of the one sent (tampering).
    pub signed_query: Option<Vec<(String, String)>>,
    pub timestamp: Option<OffsetDateTime>,
    pub selection: HeaderSelection,
    /// Raw query string to send instead of encoding `query` (e.g. `accept=`).
    pub raw_query: Option<String>,
}

impl<'a> Call<'a> {
    pub fn new(method: &'a str, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            signed_query: None,
            timestamp: None,
            selection: HeaderSelection::Listed,
            raw_query: None,
        }
    }

    pub fn q(mut self, k: &str, v: &str) -> Self {
        self.query.push((k.into(), v.into()));
        self
    }

    pub fn json(mut self, v: Value) -> Self {
        self.body = Some(v.to_string().into_bytes());
        self
    }

    pub fn raw_body(mut self, b: &[u8]) -> Self {
        self.body = Some(b.to_vec());
        self
    }
}

pub fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub async fn start(config: EmulatorConfig) -> TestEmu {
    let emu = Emulator::new(config).expect("valid config");
    let running = emu
        .start("127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind loopback");
    TestEmu {
        running,
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    }
}

impl TestEmu {
    pub fn host(&self) -> String {
        self.running.addr().to_string()
    }

    pub async fn send(&self, who: &Caller, call: Call<'_>) -> Resp {
        self.try_send(who, call).await.expect("HTTP exchange")
    }

    pub async fn try_send(&self, who: &Caller, call: Call<'_>) -> Result<Resp, reqwest::Error> {
        let ts = call.timestamp.unwrap_or_else(OffsetDateTime::now_utc);
        let date = signer::format_timestamp(ts);
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), self.host()),
            (
                "content-type".into(),
                "application/json;charset=utf-8".into(),
            ),
            ("x-bce-date".into(), date),
        ];
        if let Some(b) = &call.body {
            headers.push(("content-length".into(), b.len().to_string()));
        }
        let mut creds = Credentials::new(who.access_key.clone(), who.secret_key.clone());
        if let Some(t) = &who.session_token {
            headers.push(("x-bce-security-token".into(), t.clone()));
            creds = creds.with_session_token(t.clone());
        }
        let signed_query = call.signed_query.as_ref().unwrap_or(&call.query);
        let auth = signer::authorization(
            &creds,
            &RequestToSign {
                method: call.method,
                path: &call.path,
                query: signed_query,
                headers: &headers,
            },
            &SigningParams {
                timestamp: ts,
                expiration_secs: 1800,
                selection: call.selection.clone(),
            },
        );
        let qs = call
            .raw_query
            .clone()
            .unwrap_or_else(|| encode_query(&call.query));
        let url = if qs.is_empty() {
            format!("http://{}{}", self.host(), call.path)
        } else {
            format!("http://{}{}?{}", self.host(), call.path, qs)
        };
        let method = reqwest::Method::from_bytes(call.method.as_bytes()).unwrap();
        let mut rb = self.http.request(method, url).header("authorization", auth);
        for (k, v) in &headers {
            if k != "host" && k != "content-length" {
                rb = rb.header(k.as_str(), v.as_str());
            }
        }
        if let Some(b) = call.body {
            rb = rb.body(b);
        }
        let resp = rb.send().await?;
        let status = resp.status().as_u16();
        let request_id = resp
            .headers()
            .get("x-bce-request-id")
            .map(|v| v.to_str().unwrap().to_string());
        let raw = resp.text().await?;
        let body = if raw.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&raw).unwrap_or(Value::Null)
        };
        Ok(Resp {
            status,
            body,
            raw,
            request_id,
        })
    }

    /// An admin call; returns status and JSON.
    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("http://{}{}", self.host(), path);
        let mut rb = self
            .http
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
        if let Some(b) = body {
            rb = rb.body(b.to_string());
        }
        let resp = rb.send().await.expect("admin call");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn advance(&self, seconds: u64) {
        let (s, _) = self
            .admin(
                "POST",
                "/__emulator/clock/advance",
                Some(serde_json::json!({ "seconds": seconds })),
            )
            .await;
        assert_eq!(s, 200);
    }

    pub async fn state(&self) -> Value {
        self.admin("GET", "/__emulator/state", None).await.1
    }

    // ---- typed shortcuts for the 13 operations ----

    pub async fn create(&self, who: &Caller, body: Value, token: Option<&str>) -> Resp {
        let mut c = Call::new("POST", "/v1/peerconn").json(body);
        if let Some(t) = token {
            c = c.q("clientToken", t);
        }
        self.send(who, c).await
    }

    /// Creates and returns the id, asserting success.
    pub async fn create_ok(&self, who: &Caller, body: Value) -> String {
        let r = self.create(who, body, None).await;
        r.expect_ok()["peerConnId"].as_str().unwrap().to_string()
    }

    pub async fn get(&self, who: &Caller, id: &str, role: Option<&str>) -> Resp {
        let mut c = Call::new("GET", format!("/v1/peerconn/{id}"));
        if let Some(r) = role {
            c = c.q("role", r);
        }
        self.send(who, c).await
    }

    pub async fn status_of(&self, who: &Caller, id: &str) -> String {
        let r = self.get(who, id, None).await;
        r.expect_ok()["status"].as_str().unwrap().to_string()
    }

    pub async fn action(&self, who: &Caller, id: &str, flag: &str, body: Option<Value>) -> Resp {
        let mut c = Call::new("PUT", format!("/v1/peerconn/{id}")).q(flag, "");
        if let Some(b) = body {
            c = c.json(b);
        }
        self.send(who, c).await
    }

    pub async fn dns(&self, who: &Caller, id: &str, open: bool, role: &str) -> Resp {
        let c = Call::new("PUT", format!("/v1/peerconn/{id}"))
            .q(if open { "open" } else { "close" }, "")
            .q("role", role);
        self.send(who, c).await
    }

    pub async fn delete(&self, who: &Caller, id: &str) -> Resp {
        self.send(who, Call::new("DELETE", format!("/v1/peerconn/{id}")))
            .await
    }

    pub async fn list(&self, who: &Caller, query: &[(&str, &str)]) -> Resp {
        let mut c = Call::new("GET", "/v1/peerconn");
        c.query = pairs(query);
        self.send(who, c).await
    }
}

/// A same-account postpaid create body between two bj VPCs.
pub fn same_account_body() -> Value {
    serde_json::json!({
        "bandwidthInMbps": 10,
        "localVpcId": "vpc-demobj000001",
        "peerVpcId": "vpc-demobj000002",
        "peerRegion": "bj",
        "billing": {"paymentTiming": "Postpaid"}
    })
}

/// A cross-account, cross-region create body (initiator bj → peer gz).
pub fn cross_account_body() -> Value {
    serde_json::json!({
        "bandwidthInMbps": 20,
        "localVpcId": "vpc-demobj000001",
        "peerVpcId": "vpc-peergz000001",
        "peerRegion": "gz",
        "peerAccountId": PEER_ID,
        "localIfName": "to-peer",
        "description": "cross",
        "billing": {"paymentTiming": "Postpaid"}
    })
}

/// A prepaid cross-region same-account body (bj → gz), `months` long.
pub fn prepaid_body(months: i64) -> Value {
    serde_json::json!({
        "bandwidthInMbps": 50,
        "localVpcId": "vpc-demobj000002",
        "peerVpcId": "vpc-demogz000001",
        "peerRegion": "gz",
        "billing": {"paymentTiming": "Prepaid",
                    "reservation": {"reservationLength": months, "reservationTimeUnit": "Month"}}
    })
}
