//! The `baidu` provider block through the gRPC dispatch: schema, plan-time
//! validation and Configure with environment fallbacks. Environment values
//! come from an injected map, so these tests never touch the process
//! environment (see `framework_process_env.rs` for the one test that does).

use std::collections::BTreeMap;
use std::sync::Arc;

use tonic::Request;

use tfbaidu::config::{
    ENV_ACCESS_KEY, ENV_ENDPOINT, ENV_REGION, ENV_SECRET_KEY, ENV_SESSION_TOKEN,
};
use tfbaidu::BaiduProvider;
use tfplugin5::proto::tfplugin5 as pb;
use tfplugin5::proto::tfplugin5::provider_server::Provider as _;
use tfplugin5_framework::GrpcProvider;
use tfvalue::{encode_msgpack, Type, Value};

const ATTRS: [&str; 5] = [
    "access_key",
    "secret_key",
    "session_token",
    "region",
    "endpoint",
];

fn provider_type() -> Type {
    Type::object(ATTRS.iter().map(|a| (*a, Type::String)))
}

fn config(pairs: &[(&str, Value)]) -> Option<pb::DynamicValue> {
    let mut attrs: BTreeMap<String, Value> = ATTRS
        .iter()
        .map(|a| ((*a).to_owned(), Value::Null))
        .collect();
    for (k, v) in pairs {
        attrs.insert((*k).to_owned(), v.clone());
    }
    Some(pb::DynamicValue {
        msgpack: encode_msgpack(&Value::Object(attrs), &provider_type()).expect("encodes"),
        json: Vec::new(),
    })
}

fn service(env: &[(&str, &str)]) -> GrpcProvider<BaiduProvider> {
    let env: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    GrpcProvider::new(BaiduProvider::with_env(Arc::new(env))).expect("valid provider")
}

fn s(v: &str) -> Value {
    Value::string(v)
}

fn error_paths(diags: &[pb::Diagnostic]) -> Vec<String> {
    use pb::attribute_path::step::Selector;
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| {
            d.attribute
                .as_ref()
                .map(|p| {
                    p.steps
                        .iter()
                        .map(|s| match &s.selector {
                            Some(Selector::AttributeName(n)) => n.clone(),
                            other => format!("{other:?}"),
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default()
        })
        .collect()
}

async fn prepare(svc: &GrpcProvider<BaiduProvider>, cfg: &[(&str, Value)]) -> Vec<pb::Diagnostic> {
    svc.prepare_provider_config(Request::new(pb::prepare_provider_config::Request {
        config: config(cfg),
    }))
    .await
    .expect("rpc")
    .into_inner()
    .diagnostics
}

async fn configure(
    svc: &GrpcProvider<BaiduProvider>,
    cfg: &[(&str, Value)],
) -> Vec<pb::Diagnostic> {
    svc.configure(Request::new(pb::configure::Request {
        terraform_version: "1.0.3".into(),
        config: config(cfg),
        client_capabilities: None,
    }))
    .await
    .expect("rpc")
    .into_inner()
    .diagnostics
}

#[tokio::test]
async fn schema_has_the_optional_arguments_each_with_its_variable() {
    let svc = tfbaidu::grpc_service().expect("the baidu provider is well-formed");
    let resp = svc
        .get_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .expect("rpc")
        .into_inner();
    assert!(resp.diagnostics.is_empty());
    let block = resp.provider.and_then(|p| p.block).expect("provider block");
    let mut names: Vec<&str> = block.attributes.iter().map(|a| a.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "access_key",
            "endpoint",
            "max_retries",
            "profile",
            "region",
            "secret_key",
            "session_token",
            "shared_credentials_file",
            "skip_credentials_validation",
            "skip_region_validation"
        ]
    );
    for a in &block.attributes {
        let ty: &[u8] = if a.name.starts_with("skip_") {
            br#""bool""#
        } else if a.name == "max_retries" {
            br#""number""#
        } else {
            br#""string""#
        };
        assert_eq!(a.r#type, ty, "{}", a.name);
        assert!(a.optional && !a.required && !a.computed, "{}", a.name);
        assert_eq!(
            a.sensitive,
            a.name == "secret_key" || a.name == "session_token",
            "{}",
            a.name
        );
        let var = format!("BAIDUCLOUD_{}", a.name.to_uppercase());
        assert!(
            a.description.contains(&var),
            "{} description names {var}",
            a.name
        );
    }
    assert!(resp.server_capabilities.is_some_and(|c| c.plan_destroy));
}

#[tokio::test]
async fn plan_time_validation_without_network() {
    let svc = service(&[]);
    assert!(
        prepare(&svc, &[]).await.is_empty(),
        "an empty block is valid (env may supply everything)"
    );
    assert!(prepare(
        &svc,
        &[
            ("region", s("gz")),
            ("endpoint", s("http://127.0.0.1:8080"))
        ]
    )
    .await
    .is_empty());

    // (provider block, attributes the errors must point at)
    type Case<'a> = (&'a [(&'a str, Value)], &'a [&'a str]);
    let cases: &[Case] = &[
        (&[("access_key", s("AK"))], &["secret_key"]),
        (&[("secret_key", s("SK"))], &["access_key"]),
        (&[("session_token", s("T"))], &["session_token"]),
        (&[("region", s("Bei Jing"))], &["region"]),
        (&[("region", s(""))], &["region"]),
        (
            &[("access_key", s("")), ("secret_key", s("SK"))],
            &["access_key"],
        ),
        (&[("endpoint", s("bcc.bj.baidubce.com"))], &["endpoint"]),
        (
            &[("endpoint", s("ftp://bcc.bj.baidubce.com"))],
            &["endpoint"],
        ),
    ];
    for (cfg, expected) in cases {
        let diags = prepare(&svc, cfg).await;
        assert_eq!(error_paths(&diags), *expected, "config {cfg:?}: {diags:?}");
        assert!(
            diags.iter().all(|d| d.detail.contains(expected[0])),
            "the message names the attribute: {diags:?}"
        );
    }

    // Unknown values (from resources not yet created) are tolerated.
    let unknown = prepare(
        &svc,
        &[
            ("access_key", s("AK")),
            ("secret_key", Value::unknown()),
            ("region", Value::unknown()),
        ],
    )
    .await;
    assert!(unknown.is_empty(), "{unknown:?}");

    // The environment completes a pair.
    let with_env = service(&[(ENV_SECRET_KEY, "SK")]);
    assert!(prepare(&with_env, &[("access_key", s("AK"))])
        .await
        .is_empty());
}

#[tokio::test]
async fn configure_resolves_environment_fallbacks() {
    let svc = service(&[
        (ENV_ACCESS_KEY, "DEMOAK00000000000000000000000001"),
        (ENV_SECRET_KEY, "DEMOSK00000000000000000000000001"),
        (ENV_SESSION_TOKEN, "token"),
        (ENV_REGION, "gz"),
        (ENV_ENDPOINT, "http://127.0.0.1:65535"),
        // Nothing listens there: this test is about resolution, not the check.
        ("BAIDUCLOUD_SKIP_CREDENTIALS_VALIDATION", "true"),
    ]);
    let diags = configure(&svc, &[]).await;
    assert!(diags.is_empty(), "{diags:?}");
    let explicit = service(&[("BAIDUCLOUD_SKIP_CREDENTIALS_VALIDATION", "true")]);
    let diags = configure(
        &explicit,
        &[
            ("access_key", s("AK")),
            ("secret_key", s("SK")),
            ("region", s("bj")),
            ("endpoint", s("http://127.0.0.1:8080")),
        ],
    )
    .await;
    assert!(diags.is_empty(), "{diags:?}");
}

#[tokio::test]
async fn configure_explains_missing_and_unknown_settings() {
    let svc = service(&[]);
    let diags = configure(&svc, &[]).await;
    assert_eq!(error_paths(&diags), ["access_key", "secret_key"]);
    assert!(diags[0].detail.contains(ENV_ACCESS_KEY));

    let diags = configure(
        &svc,
        &[("access_key", Value::unknown()), ("secret_key", s("SK"))],
    )
    .await;
    assert_eq!(error_paths(&diags), ["access_key"]);
    assert!(diags[0].detail.contains("only known after apply"));

    let bad_region_env = service(&[
        (ENV_ACCESS_KEY, "AK"),
        (ENV_SECRET_KEY, "SK"),
        (ENV_REGION, "BJ"),
    ]);
    let diags = configure(&bad_region_env, &[]).await;
    assert_eq!(error_paths(&diags), ["region"]);
    assert!(diags[0].detail.contains(ENV_REGION));
}

#[tokio::test]
async fn configure_errors_never_echo_secrets() {
    let svc = service(&[]);
    let diags = configure(
        &svc,
        &[
            ("secret_key", s("TOPSECRETVALUE")),
            ("session_token", s("TOKENVALUE")),
        ],
    )
    .await;
    assert!(!diags.is_empty());
    for d in &diags {
        assert!(
            !d.detail.contains("TOPSECRETVALUE") && !d.detail.contains("TOKENVALUE"),
            "{d:?}"
        );
    }
}
