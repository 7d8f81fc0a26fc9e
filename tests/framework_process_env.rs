//! The one test that reads fallbacks from the real process environment. It
//! is alone in its own test binary (its own process), so setting variables
//! cannot race with other tests.

use tonic::Request;

use tfplugin5::proto::tfplugin5 as pb;
use tfplugin5::proto::tfplugin5::provider_server::Provider as _;
use tfvalue::{encode_msgpack, Type, Value};

#[tokio::test]
async fn grpc_service_reads_baiducloud_variables_from_the_process() {
    let attrs = [
        "access_key",
        "secret_key",
        "session_token",
        "region",
        "endpoint",
    ];
    let ty = Type::object(attrs.iter().map(|a| (*a, Type::String)));
    let empty = Value::object(attrs.iter().map(|a| (*a, Value::Null)));
    let config = Some(pb::DynamicValue {
        msgpack: encode_msgpack(&empty, &ty).expect("encodes"),
        json: Vec::new(),
    });
    let request = || {
        Request::new(pb::configure::Request {
            terraform_version: "1.11.4".into(),
            config: config.clone(),
            client_capabilities: None,
        })
    };

    for var in [
        "BAIDUCLOUD_ACCESS_KEY",
        "BAIDUCLOUD_SECRET_KEY",
        "BAIDUCLOUD_SESSION_TOKEN",
        "BAIDUCLOUD_REGION",
        "BAIDUCLOUD_ENDPOINT",
    ] {
        std::env::remove_var(var);
    }
    let svc = tfbaidu::grpc_service().expect("valid provider");
    let missing = svc
        .configure(request())
        .await
        .expect("rpc")
        .into_inner()
        .diagnostics;
    assert_eq!(missing.len(), 2, "{missing:?}");

    std::env::set_var("BAIDUCLOUD_ACCESS_KEY", "DEMOAK00000000000000000000000001");
    std::env::set_var("BAIDUCLOUD_SECRET_KEY", "DEMOSK00000000000000000000000001");
    std::env::set_var("BAIDUCLOUD_ENDPOINT", "http://127.0.0.1:65535");
    // Nothing listens there: this test is about the variables, not the check.
    std::env::set_var("BAIDUCLOUD_SKIP_CREDENTIALS_VALIDATION", "true");
    let svc = tfbaidu::grpc_service().expect("valid provider");
    let diags = svc
        .configure(request())
        .await
        .expect("rpc")
        .into_inner()
        .diagnostics;
    assert!(diags.is_empty(), "{diags:?}");

    std::env::set_var("BAIDUCLOUD_REGION", "Not A Region");
    let diags = svc
        .configure(request())
        .await
        .expect("rpc")
        .into_inner()
        .diagnostics;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].detail.contains("BAIDUCLOUD_REGION"));
}
