//! What the dispatch logs, captured through the transport's hclog layer:
//! every RPC logs at debug with `tf_rpc`, `tf_req_id` and the resource type,
//! and configuring the `baidu` provider never puts a secret in a log line.
//! (Alone in its test binary because it installs the global subscriber.)

mod framework_support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tonic::Request;
use tracing::level_filters::LevelFilter;

use framework_support::{resource_schema, Shared, TestProvider, TYPE};
use tfbaidu::BaiduProvider;
use tfplugin5::logging::{self, LogConfig, LogSink};
use tfplugin5::proto::tfplugin5 as pb;
use tfplugin5::proto::tfplugin5::provider_server::Provider as _;
use tfplugin5_framework::GrpcProvider;
use tfvalue::{encode_msgpack, Type, Value};

#[derive(Default)]
struct Capture(Mutex<Vec<String>>);

impl LogSink for Capture {
    fn write_line(&self, line: &[u8]) {
        self.0
            .lock()
            .expect("capture")
            .push(String::from_utf8_lossy(line).into_owned());
    }
}

impl Capture {
    fn json_lines(&self) -> Vec<serde_json::Value> {
        self.0
            .lock()
            .expect("capture")
            .iter()
            .map(|l| serde_json::from_str(l).expect("hclog lines are JSON"))
            .collect()
    }
}

fn dv(value: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: encode_msgpack(value, ty).expect("encodes"),
        json: Vec::new(),
    })
}

#[tokio::test]
async fn rpcs_log_standard_fields_and_never_secrets() {
    let capture = Arc::new(Capture::default());
    let config = LogConfig {
        level: LevelFilter::TRACE,
        own_crates: tfbaidu::LOG_CRATES
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
    };
    tracing::subscriber::set_global_default(logging::subscriber(&config, capture.clone()))
        .expect("first subscriber in this process");

    // A resource RPC: received + served lines share one request id.
    let svc = GrpcProvider::new(TestProvider {
        shared: Shared::default(),
    })
    .expect("valid provider");
    let ty = resource_schema().value_type();
    let resp = svc
        .validate_resource_type_config(Request::new(pb::validate_resource_type_config::Request {
            type_name: TYPE.into(),
            config: dv(&Value::Null, &ty),
            client_capabilities: None,
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(resp.diagnostics.is_empty());
    let lines = capture.json_lines();
    let rpc_lines: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["tf_rpc"] == "ValidateResourceTypeConfig")
        .collect();
    let messages: Vec<&str> = rpc_lines
        .iter()
        .filter_map(|l| l["@message"].as_str())
        .collect();
    assert_eq!(
        messages,
        ["Received request", "Served request"],
        "{lines:#?}"
    );
    for line in &rpc_lines {
        assert_eq!(line["@level"], "debug");
        assert_eq!(line["tf_resource_type"], TYPE);
    }
    let req_id = rpc_lines[0]["tf_req_id"].as_str().expect("tf_req_id");
    assert_eq!(req_id.len(), 36, "a UUID: {req_id}");
    assert_eq!(rpc_lines[1]["tf_req_id"], req_id);
    assert!(rpc_lines[1].get("tf_req_duration_ms").is_some());

    // Configure the real provider with secrets: they never reach a line.
    let secret = "SK-TOPSECRET-0123456789";
    let token = "STS-TOKEN-9876543210";
    // Nothing listens at the endpoint: skip the credentials check.
    let env: BTreeMap<String, String> = [(
        "BAIDUCLOUD_SKIP_CREDENTIALS_VALIDATION".to_owned(),
        "true".to_owned(),
    )]
    .into();
    let baidu = GrpcProvider::new(BaiduProvider::with_env(Arc::new(env))).expect("valid provider");
    let attrs = [
        "access_key",
        "secret_key",
        "session_token",
        "region",
        "endpoint",
    ];
    let provider_ty = Type::object(attrs.iter().map(|a| (*a, Type::String)));
    let provider_config = Value::object([
        ("access_key", Value::string("AK-PUBLIC")),
        ("secret_key", Value::string(secret)),
        ("session_token", Value::string(token)),
        ("region", Value::string("gz")),
        ("endpoint", Value::string("http://127.0.0.1:65535")),
    ]);
    let resp = baidu
        .configure(Request::new(pb::configure::Request {
            terraform_version: "1.15.5".into(),
            config: dv(&provider_config, &provider_ty),
            client_capabilities: None,
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    // Log the secrets on purpose, as careless code might: they are masked.
    tracing::info!(note = %format!("secret {secret} token {token}"), "careless line");

    let raw = capture.0.lock().expect("capture").clone();
    assert!(
        raw.iter()
            .all(|l| !l.contains(secret) && !l.contains(token)),
        "{raw:#?}"
    );
    let lines = capture.json_lines();
    let configured = lines
        .iter()
        .find(|l| l["@message"] == "provider configured")
        .expect("a line says the provider is configured");
    assert_eq!(configured["region"], "gz");
    assert_eq!(configured["tf_rpc"], "Configure");
    assert!(lines.iter().any(|l| l["@message"] == "careless line"));
}
