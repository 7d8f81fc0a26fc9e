//! Security properties, each tested where it can break:
//!
//! - secrets (`secret_key`, `session_token`) are `sensitive` in the schema as
//!   Terraform reads it, and absent from everything real Terraform writes with
//!   `TF_LOG=trace` (its own log and the provider's stderr it forwards), from
//!   stdout/stderr, the state file and the emulator's log, on success and on
//!   an authentication failure;
//! - HTTPS certificates are verified (a self-signed server is refused before
//!   a request leaves), and plain http to a non-loopback host is refused
//!   unless `BAIDUCLOUD_ALLOW_INSECURE_HTTP` permits it;
//! - the emulator binds loopback unless told otherwise.
//!
//! The mTLS tests (foreign client certificate, plaintext refused) live in
//! `tests/plugin_transport.rs`.

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value as Json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic::Request;

use baidu_vpc::{BaiduClient, CallOptions, ClientConfig, ClientError, Credentials, Role};
use common::{terraform_clients, Emulator, TfWorkdir};
use tfbaidu::config::ENV_ALLOW_INSECURE_HTTP;
use tfbaidu::BaiduProvider;
use tfplugin5::proto::tfplugin5 as pb;
use tfplugin5::proto::tfplugin5::provider_server::Provider as _;
use tfplugin5_framework::GrpcProvider;
use tfvalue::{encode_msgpack, Type, Value};

// ---------------------------------------------------------------------------
// Secrets in logs
// ---------------------------------------------------------------------------

/// Recognisable secrets: if any of these appears anywhere, it leaked.
const MAIN_SECRET: &str = "RELIABILITY-SK-MAIN-7f3a9c2e5b1d4086";
const STS_SECRET: &str = "RELIABILITY-SK-STS-93b1e07c4d2a5f68";
const STS_TOKEN: &str = "RELIABILITY-TOKEN-5d8e2c71a9f04b36";
const WRONG_SECRET: &str = "RELIABILITY-SK-WRONG-0c4f7a1e2d9b8365";
const STS_ACCESS_KEY: &str = "RELSTSAK00000000000000000000000001";

fn emulator_config() -> String {
    format!(
        r#"
[[accounts]]
name = "initiator"
id = "a0000000000000000000000000000001"
access_key = "DEMOAK00000000000000000000000001"
secret_key = "{MAIN_SECRET}"
vpcs = [
  {{ id = "vpc-demobj000001", region = "bj" }},
  {{ id = "vpc-demobj000002", region = "bj" }},
  {{ id = "vpc-demogz000001", region = "gz" }},
]

  [[accounts.session_credentials]]
  access_key = "{STS_ACCESS_KEY}"
  secret_key = "{STS_SECRET}"
  session_token = "{STS_TOKEN}"

[[accounts]]
name = "peer"
id = "a0000000000000000000000000000002"
access_key = "DEMOAK00000000000000000000000002"
secret_key = "DEMOSK00000000000000000000000002"
vpcs = [ {{ id = "vpc-peerbj000001", region = "bj" }} ]
"#
    )
}

/// Three provider configurations: secret in HCL; STS key with the token from
/// a sensitive variable (TF_VAR_…); and a wrong secret (authentication fails).
fn providers_hcl(endpoint: &str) -> String {
    format!(
        r#"{}
variable "session_token" {{
  type      = string
  sensitive = true
}}

provider "baidu" {{
  alias      = "main"
  endpoint   = "{endpoint}"
  access_key = "DEMOAK00000000000000000000000001"
  secret_key = "{MAIN_SECRET}"
}}

provider "baidu" {{
  alias         = "sts"
  endpoint      = "{endpoint}"
  access_key    = "{STS_ACCESS_KEY}"
  secret_key    = "{STS_SECRET}"
  session_token = var.session_token
}}

provider "baidu" {{
  alias      = "wrong"
  endpoint   = "{endpoint}"
  access_key = "DEMOAK00000000000000000000000001"
  secret_key = "{WRONG_SECRET}"
}}
"#,
        common::provider_config::required_providers()
    )
}

fn peering(name: &str, provider: &str, local: &str, peer: &str, region: &str) -> String {
    format!(
        r#"
resource "baidu_peerconn" "{name}" {{
  provider          = baidu.{provider}
  bandwidth_in_mbps = 10
  local_vpc_id      = "{local}"
  peer_vpc_id       = "{peer}"
  peer_region       = "{region}"
  billing {{
    payment_timing = "Postpaid"
  }}
}}
"#
    )
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [MAIN_SECRET, STS_SECRET, STS_TOKEN, WRONG_SECRET] {
        if let Some(at) = text.find(secret) {
            let start = text[..at]
                .char_indices()
                .rev()
                .nth(200)
                .map_or(0, |(i, _)| i);
            let context: String = text[start..].chars().take(400 + secret.len()).collect();
            panic!("{what} contains the secret {secret}:\n…{context}…");
        }
    }
    // The signed Authorization header (it carries a signature) is never logged.
    assert!(
        !text.contains("bce-auth-v1/"),
        "{what} contains an Authorization header value"
    );
}

fn provider_schema_sensitivity(wd: &TfWorkdir) {
    let schema = wd.provider_schema();
    let attrs = &schema["provider"]["block"]["attributes"];
    for name in ["secret_key", "session_token"] {
        assert_eq!(
            attrs[name]["sensitive"],
            Json::Bool(true),
            "{name} must be sensitive: {}",
            attrs[name]
        );
    }
    for name in ["access_key", "region", "endpoint"] {
        assert_ne!(attrs[name]["sensitive"], Json::Bool(true), "{name}");
    }
}

#[test]
fn tf_log_trace_never_contains_a_secret() {
    let config_dir = tempfile::tempdir().expect("temp dir");
    let config_path = config_dir.path().join("emulator.toml");
    std::fs::write(&config_path, emulator_config()).expect("write emulator config");
    let emulator = Emulator::start_with(&[
        "--config",
        config_path.to_str().expect("utf-8 path"),
        "--timing",
        "all=0",
    ]);
    // The newest client (the others behave the same for logging; this keeps CI short).
    let tf = terraform_clients()
        .into_iter()
        .last()
        .expect("a Terraform client");
    let mut wd = TfWorkdir::new(&tf);
    wd.log("trace").env("TF_VAR_session_token", STS_TOKEN);
    let providers = providers_hcl(emulator.endpoint());
    wd.write("providers.tf", &providers);

    provider_schema_sensitivity(&wd);
    let has_resource = wd.providers_schema_json()["provider_schemas"]
        .as_object()
        .and_then(|p| p.values().next())
        .and_then(|p| p["resource_schemas"].get("baidu_peerconn"))
        .is_some();

    assert!(has_resource, "baidu_peerconn must be registered");
    let mut outputs = Vec::new();
    wd.write(
        "main.tf",
        &format!(
            "{}{}",
            peering("main", "main", "vpc-demobj000001", "vpc-demobj000002", "bj"),
            peering("sts", "sts", "vpc-demobj000001", "vpc-demogz000001", "gz"),
        ),
    );
    outputs.push(wd.run_ok(&["apply", "-auto-approve", "-input=false", "-no-color"]));
    outputs.push(wd.run_ok(&["plan", "-input=false", "-no-color"]));
    // An authentication failure: the error path must not quote the key either.
    wd.write(
        "wrong.tf",
        &peering(
            "wrong",
            "wrong",
            "vpc-demobj000002",
            "vpc-demogz000001",
            "gz",
        ),
    );
    let failed = wd.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    failed.assert_failure();
    assert!(
        failed.stderr.contains("SignatureDoesNotMatch"),
        "the failure names the API error: {}",
        failed.stderr
    );
    outputs.push(failed);
    wd.remove("wrong.tf");
    outputs.push(wd.run_ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]));
    assert!(emulator.state()["peerConns"]
        .as_array()
        .is_some_and(Vec::is_empty));

    let log = wd.log_text();
    assert!(
        log.lines().count() > 100,
        "TF_LOG=trace wrote a log ({} lines)",
        log.lines().count()
    );
    // The provider's own lines are in it (it really ran at trace level).
    assert!(
        log.contains("provider configured"),
        "provider log lines are forwarded"
    );
    assert_no_secret("the TF_LOG=trace log", &log);
    for out in &outputs {
        assert_no_secret(&format!("stdout of {}", out.command_line()), &out.stdout);
        assert_no_secret(&format!("stderr of {}", out.command_line()), &out.stderr);
    }
    if let Ok(state) = std::fs::read_to_string(wd.path().join("terraform.tfstate")) {
        assert_no_secret("terraform.tfstate", &state);
    }
    assert_no_secret("the emulator's log", &emulator.stderr_text());
    assert_no_secret(
        "the emulator's request log",
        &emulator.requests().to_string(),
    );
}

// ---------------------------------------------------------------------------
// Transport security
// ---------------------------------------------------------------------------

/// A loopback HTTPS server with a self-signed certificate for localhost and
/// 127.0.0.1; counts the HTTP requests that got through the handshake.
async fn self_signed_https_server() -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    tfplugin5::tls::install_default_crypto_provider();
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("self-signed certificate");
    let cert = certified.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                if tls.read(&mut buf).await.unwrap_or(0) > 0 {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let _ = tls
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                        .await;
                }
            });
        }
    });
    (addr, requests)
}

#[tokio::test]
async fn https_certificates_are_verified_even_on_loopback() {
    let (addr, requests) = self_signed_https_server().await;
    for endpoint in [
        format!("https://127.0.0.1:{}", addr.port()),
        format!("https://localhost:{}", addr.port()),
    ] {
        let mut config = ClientConfig::new(Credentials::new("AK", "SK-https-test"), "bj")
            .with_endpoint(endpoint.clone())
            .with_retry(baidu_vpc::RetryPolicy::no_retries())
            .with_request_timeout(Duration::from_secs(5));
        config.connect_timeout = Duration::from_secs(2);
        let client = BaiduClient::new(config).expect("client builds");
        let err = client
            .get_peerconn(
                "peerconn-abcdefghijkl",
                Role::Initiator,
                &CallOptions::new(),
            )
            .await
            .expect_err("a self-signed certificate must be refused");
        eprintln!("{endpoint}: {err}");
        assert!(
            matches!(err, ClientError::Transport { .. }),
            "{endpoint}: {err}"
        );
        assert!(
            err.to_string().to_ascii_lowercase().contains("certificate"),
            "{endpoint}: the error says why: {err}"
        );
    }
    assert_eq!(
        requests.load(Ordering::SeqCst),
        0,
        "no request may get through an unverified handshake"
    );
}

fn provider_type() -> Type {
    Type::object(
        [
            "access_key",
            "secret_key",
            "session_token",
            "region",
            "endpoint",
        ]
        .into_iter()
        .map(|a| (a, Type::String)),
    )
}

async fn configure_with_endpoint(env: &[(&str, &str)], endpoint: &str) -> Vec<pb::Diagnostic> {
    // Nothing listens at these endpoints: this is about the scheme rule.
    let env: BTreeMap<String, String> = env
        .iter()
        .chain(&[("BAIDUCLOUD_SKIP_CREDENTIALS_VALIDATION", "true")])
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let svc = GrpcProvider::new(BaiduProvider::with_env(Arc::new(env))).expect("provider");
    let config = Value::object([
        ("access_key", Value::string("AK")),
        ("secret_key", Value::string("SK-insecure-test")),
        ("session_token", Value::Null),
        ("region", Value::Null),
        ("endpoint", Value::string(endpoint)),
    ]);
    let dv = Some(pb::DynamicValue {
        msgpack: encode_msgpack(&config, &provider_type()).expect("encodes"),
        json: Vec::new(),
    });
    let mut diags = svc
        .prepare_provider_config(Request::new(pb::prepare_provider_config::Request {
            config: dv.clone(),
        }))
        .await
        .expect("answers")
        .into_inner()
        .diagnostics;
    diags.extend(
        svc.configure(Request::new(pb::configure::Request {
            terraform_version: "1.15.5".into(),
            config: dv,
            client_capabilities: None,
        }))
        .await
        .expect("answers")
        .into_inner()
        .diagnostics,
    );
    diags
}

fn errors(diags: &[pb::Diagnostic]) -> Vec<&pb::Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .collect()
}

#[tokio::test]
async fn plain_http_is_refused_off_loopback_unless_explicitly_allowed() {
    for endpoint in ["http://vpc.example.com", "http://10.1.2.3:8080"] {
        let diags = configure_with_endpoint(&[], endpoint).await;
        let errs = errors(&diags);
        assert!(!errs.is_empty(), "{endpoint} must be refused");
        assert!(
            errs.iter()
                .all(|d| d.detail.contains(ENV_ALLOW_INSECURE_HTTP)),
            "the message says how to allow it: {errs:?}"
        );
        let diags = configure_with_endpoint(&[(ENV_ALLOW_INSECURE_HTTP, "true")], endpoint).await;
        assert!(errors(&diags).is_empty(), "{endpoint} allowed: {diags:?}");
        assert!(
            diags.iter().any(|d| d.summary == "Unencrypted endpoint"),
            "allowed, but still warned: {diags:?}"
        );
    }
    for endpoint in [
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "http://[::1]:8080",
        "https://vpc.example.com",
    ] {
        let diags = configure_with_endpoint(&[], endpoint).await;
        assert!(diags.is_empty(), "{endpoint}: {diags:?}");
    }
    // From the environment (BAIDUCLOUD_ENDPOINT), which plan-time validation never sees.
    let env_endpoint = configure_with_endpoint(
        &[(tfbaidu::config::ENV_ENDPOINT, "http://vpc.example.com")],
        "",
    )
    .await;
    assert!(!errors(&env_endpoint).is_empty(), "{env_endpoint:?}");
}

// ---------------------------------------------------------------------------
// The emulator binds loopback
// ---------------------------------------------------------------------------

#[test]
fn emulator_binds_loopback_by_default_and_refuses_other_addresses() {
    let bin = common::binaries::emulator();
    // No --listen at all: the default must be loopback.
    let mut child = Command::new(bin)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the emulator");
    let mut first = String::new();
    {
        use std::io::BufRead;
        let stdout = child.stdout.take().expect("stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut first)
            .expect("first line");
    }
    let _ = child.kill();
    let _ = child.wait();
    let addr = common::emulator::parse_listening_line(&first)
        .unwrap_or_else(|e| panic!("default bind: {e}"));
    assert!(addr.ip().is_loopback(), "{addr}");
    assert_eq!(addr.ip().to_string(), "127.0.0.1");

    for listen in ["0.0.0.0:0", "[::]:0", "10.0.0.1:0"] {
        let out = Command::new(bin)
            .args(["--listen", listen])
            .stdin(Stdio::null())
            .output()
            .expect("run the emulator");
        assert!(!out.status.success(), "--listen {listen} must be refused");
        assert!(out.stdout.is_empty(), "--listen {listen}: nothing served");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--allow-non-loopback"),
            "--listen {listen}: the message names the override"
        );
    }
}
