//! Hostile and broken input, end to end through the layers that meet it:
//!
//! - **From Terraform** (or anything speaking gRPC to the plugin): malformed
//!   msgpack and JSON `DynamicValue`s, schema-violating values, huge strings,
//!   invalid UTF-8, absurd declared lengths, deep nesting, garbage raw state
//!   and import ids, sent through the framework's `tfplugin5` dispatch for the
//!   provider block and for every resource and data source type the provider
//!   registers (so `baidu_peerconn` and friends are covered once they exist).
//!   Expected: an answer with error diagnostics, in bounded time, never a panic
//!   (the dispatch turns panics into a "Provider panicked" diagnostic; that
//!   counts as a failure here) and never a hung RPC.
//! - **From the API** (a tiny loopback server speaking raw HTTP): missing
//!   fields, wrong types, HTML error pages, empty bodies, 200 with garbage,
//!   truncated and endless bodies, a server that never answers. Expected: a
//!   typed `ClientError`, classified correctly (retryable or not, not-found or
//!   not), within the configured timeouts.
//!
//! The table of input classes and observed results: `docs/guides/hostile-input.md`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tonic::Request;

use tfbaidu::BaiduProvider;
use tfplugin5::proto::tfplugin5 as pb;
use tfplugin5::proto::tfplugin5::provider_server::Provider as _;
use tfplugin5_framework::GrpcProvider;
use tfvalue::{encode_msgpack, Type, Value};

/// No RPC may take longer than this for a hostile input (they are all
/// rejected before any network call).
const RPC_LIMIT: Duration = Duration::from_secs(10);
/// Diagnostics are shown to people: a hostile value must not blow them up.
const MAX_DIAGNOSTIC_BYTES: usize = 16 * 1024;

// ---------------------------------------------------------------------------
// Part 1: hostile values from Terraform, through the gRPC dispatch
// ---------------------------------------------------------------------------

const PROVIDER_ATTRS: [&str; 5] = [
    "access_key",
    "secret_key",
    "session_token",
    "region",
    "endpoint",
];

fn provider_type() -> Type {
    Type::object(PROVIDER_ATTRS.iter().map(|a| (*a, Type::String)))
}

fn service() -> GrpcProvider<BaiduProvider> {
    // No environment fallbacks: what the test sends is all there is.
    GrpcProvider::new(BaiduProvider::with_env(Arc::new(
        BTreeMap::<String, String>::new(),
    )))
    .expect("the baidu provider is well-formed")
}

fn msgpack(bytes: Vec<u8>) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: bytes,
        json: Vec::new(),
    })
}

fn json(bytes: Vec<u8>) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: Vec::new(),
        json: bytes,
    })
}

/// msgpack str header for `len` bytes.
fn str_header(len: usize) -> Vec<u8> {
    match len {
        0..=31 => vec![0xa0 | len as u8],
        32..=255 => vec![0xd9, len as u8],
        256..=65535 => {
            let mut v = vec![0xda];
            v.extend_from_slice(&(len as u16).to_be_bytes());
            v
        }
        _ => {
            let mut v = vec![0xdb];
            v.extend_from_slice(&(len as u32).to_be_bytes());
            v
        }
    }
}

fn msgpack_str(bytes: &[u8]) -> Vec<u8> {
    let mut v = str_header(bytes.len());
    v.extend_from_slice(bytes);
    v
}

/// A provider-block map with one attribute's encoded value replaced by `raw`.
fn provider_map_with(attr: &str, raw: &[u8]) -> Vec<u8> {
    let mut v = vec![0x80 | PROVIDER_ATTRS.len() as u8];
    for name in PROVIDER_ATTRS {
        v.extend(msgpack_str(name.as_bytes()));
        if name == attr {
            v.extend_from_slice(raw);
        } else {
            v.push(0xc0);
        }
    }
    v
}

fn valid_provider_config() -> Vec<u8> {
    let value = Value::object([
        ("access_key", Value::string("AK")),
        ("secret_key", Value::string("SK")),
        ("session_token", Value::Null),
        ("region", Value::string("bj")),
        ("endpoint", Value::string("http://127.0.0.1:1")),
    ]);
    encode_msgpack(&value, &provider_type()).expect("encodes")
}

/// A named hostile `DynamicValue`, and whether it must produce an error
/// (some classes are legal: e.g. trailing bytes are ignored like cty does).
struct Case {
    name: String,
    value: Option<pb::DynamicValue>,
    must_error: bool,
}

fn case(name: impl Into<String>, value: Option<pb::DynamicValue>) -> Case {
    Case {
        name: name.into(),
        value,
        must_error: true,
    }
}

/// Hostile encodings of an object-typed value (the provider block, or any
/// resource's configuration).
fn hostile_object_values(valid: &[u8], attrs: &[&str]) -> Vec<Case> {
    let first = attrs.first().copied().unwrap_or("id");
    let with = |raw: &[u8]| {
        let mut v = vec![0x81];
        v.extend(msgpack_str(first.as_bytes()));
        v.extend_from_slice(raw);
        v
    };
    let mut cases = vec![
        case("garbage bytes", msgpack(b"\xc1\xc1\xc1garbage".to_vec())),
        case("reserved byte 0xc1", msgpack(vec![0xc1])),
        case("top level is an array", msgpack(vec![0x92, 0x01, 0x02])),
        case("top level is a string", msgpack(msgpack_str(b"hello"))),
        case("top level is an integer", msgpack(vec![0x2a])),
        case("top level is a bool", msgpack(vec![0xc3])),
        case(
            "extra attribute",
            msgpack({
                let mut v = vec![0x81];
                v.extend(msgpack_str(b"no_such_attribute"));
                v.push(0xc0);
                v
            }),
        ),
        case(
            "attribute of the wrong type (array)",
            msgpack(with(&[0x91, 0x01])),
        ),
        case("attribute of the wrong type (map)", msgpack(with(&[0x80]))),
        case(
            "invalid UTF-8 in a string",
            msgpack(with(&msgpack_str(b"\xff\xfe\xfd\x80"))),
        ),
        case(
            "invalid UTF-8 in an attribute name",
            msgpack({
                let mut v = vec![0x81];
                v.extend(msgpack_str(b"\xc3\x28"));
                v.push(0xc0);
                v
            }),
        ),
        case("non-string map key", msgpack(vec![0x81, 0x01, 0xc0])),
        case(
            "string declaring 4 GiB with 3 bytes present",
            msgpack(with(&[0xdb, 0xff, 0xff, 0xff, 0xff, b'a', b'b', b'c'])),
        ),
        case(
            "map declaring 4 billion entries",
            msgpack(vec![0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, b'a', 0xc0]),
        ),
        case(
            "array declaring 4 billion elements",
            msgpack(with(&[0xdd, 0xff, 0xff, 0xff, 0xff, 0x01])),
        ),
        case(
            "100 000 nested arrays",
            msgpack({
                let mut v = vec![0x91; 100_000];
                v.push(0x01);
                with(&v)
            }),
        ),
        case(
            "refined-unknown extension with a garbage payload",
            msgpack(with(&[0xd5, 0x0c, 0xff, 0xff])),
        ),
        case(
            "extension 12 with a truncated refinement map",
            msgpack(with(&[0xc7, 0x03, 0x0c, 0x82, 0x01])),
        ),
        case("JSON: not JSON", json(b"{not json".to_vec())),
        case(
            "JSON: invalid UTF-8",
            json(b"{\"a\": \"\xff\xfe\"}".to_vec()),
        ),
        case("JSON: array at top level", json(b"[1,2,3]".to_vec())),
        case(
            "JSON: 10 000 nested arrays",
            json({
                let mut v = vec![b'['; 10_000];
                v.extend(vec![b']'; 10_000]);
                v
            }),
        ),
    ];
    // A string attribute accepts a JSON number as its text (cty's rule), so
    // only "no panic, no hang" is required here.
    cases.push(Case {
        name: "JSON: number with a 100 000-digit exponent".into(),
        value: json(format!("{{\"{first}\": 1e{}}}", "9".repeat(100_000)).into_bytes()),
        must_error: false,
    });
    for cut in [
        1,
        valid.len() / 3,
        valid.len() / 2,
        valid.len().saturating_sub(1),
    ] {
        if cut > 0 && cut < valid.len() {
            cases.push(case(
                format!("valid encoding truncated at {cut}/{}", valid.len()),
                msgpack(valid[..cut].to_vec()),
            ));
        }
    }
    let mut trailing = valid.to_vec();
    trailing.extend_from_slice(b"\xc1 trailing garbage");
    cases.push(Case {
        name: "valid encoding followed by garbage (ignored, as cty does)".into(),
        value: msgpack(trailing),
        must_error: false,
    });
    cases
}

/// Seeded random byte strings, some starting like a map.
fn random_values(seed: u64, count: usize) -> Vec<Case> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    (0..count)
        .map(|i| {
            let len = (next() % 64) as usize;
            let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if i % 2 == 0 {
                bytes.insert(0, 0x85);
            }
            Case {
                name: format!("random bytes #{i}"),
                value: msgpack(bytes),
                // Random bytes may happen to decode (e.g. `nil`); only "no panic,
                // no hang" is required of them.
                must_error: false,
            }
        })
        .collect()
}

/// With `HOSTILE_INPUT_REPORT=1`, prints one line per input and RPC with the
/// first diagnostic: the raw material of the table in docs/guides/hostile-input.md.
fn report(context: &str, diags: &[pb::Diagnostic]) {
    if std::env::var_os("HOSTILE_INPUT_REPORT").is_none() {
        return;
    }
    let first = diags.first().map_or_else(
        || "(no diagnostic)".to_owned(),
        |d| {
            let detail: String = d.detail.chars().take(140).collect();
            format!("{}: {detail}", d.summary)
        },
    );
    eprintln!("REPORT | {context} | {} | {first}", diags.len());
}

/// What the hostile-input checks demand of every answer.
fn check_diagnostics(context: &str, diags: &[pb::Diagnostic], must_error: bool) {
    report(context, diags);
    for d in diags {
        assert!(
            !d.summary.contains("panicked"),
            "{context}: the provider panicked: {}: {}",
            d.summary,
            d.detail
        );
        let size = d.summary.len() + d.detail.len();
        assert!(
            size <= MAX_DIAGNOSTIC_BYTES,
            "{context}: a diagnostic of {size} bytes (summary {:?})",
            d.summary
        );
    }
    if must_error {
        assert!(
            diags
                .iter()
                .any(|d| d.severity == pb::diagnostic::Severity::Error as i32),
            "{context}: no error diagnostic: {diags:?}"
        );
    }
}

async fn bounded<T>(context: &str, fut: impl std::future::Future<Output = T>) -> T {
    let started = Instant::now();
    let out = tokio::time::timeout(RPC_LIMIT, fut)
        .await
        .unwrap_or_else(|_| panic!("{context}: no answer within {RPC_LIMIT:?} (hung RPC)"));
    assert!(started.elapsed() <= RPC_LIMIT);
    out
}

#[tokio::test]
async fn hostile_provider_configuration_gets_diagnostics() {
    let svc = service();
    let valid = valid_provider_config();
    let mut cases = hostile_object_values(&valid, &PROVIDER_ATTRS);
    cases.extend(random_values(0x0008_0001, 200));
    // Huge strings in every argument, once each.
    for attr in PROVIDER_ATTRS {
        let huge = vec![b'A'; 8 << 20];
        cases.push(case(
            format!("8 MiB string in {attr}"),
            msgpack(provider_map_with(attr, &msgpack_str(&huge))),
        ));
    }
    // Unknown values where Configure needs known ones.
    for attr in ["access_key", "region", "endpoint"] {
        cases.push(case(
            format!("unknown {attr} at Configure"),
            msgpack(provider_map_with(attr, &[0xd4, 0x00, 0x00])),
        ));
    }
    // The provider refuses its own valid config only for the unreachable
    // endpoint? No: Configure does no network call, so this one succeeds.
    cases.push(Case {
        name: "valid configuration (control)".into(),
        value: msgpack(valid.clone()),
        must_error: false,
    });

    for c in &cases {
        let name = &c.name;
        let prepared = bounded(
            name,
            svc.prepare_provider_config(Request::new(pb::prepare_provider_config::Request {
                config: c.value.clone(),
            })),
        )
        .await
        .unwrap_or_else(|s| panic!("{name}: PrepareProviderConfig failed with {s}"))
        .into_inner();
        // PrepareProviderConfig tolerates what only Configure can judge
        // (unknowns, huge but well-formed strings); decoding failures must error.
        let decode_case = !name.starts_with("8 MiB") && !name.starts_with("unknown ");
        check_diagnostics(
            &format!("PrepareProviderConfig: {name}"),
            &prepared.diagnostics,
            c.must_error && decode_case,
        );
        let configured = bounded(
            name,
            svc.configure(Request::new(pb::configure::Request {
                terraform_version: "1.15.5".into(),
                config: c.value.clone(),
                client_capabilities: None,
            })),
        )
        .await
        .unwrap_or_else(|s| panic!("{name}: Configure failed with {s}"))
        .into_inner();
        check_diagnostics(
            &format!("Configure: {name}"),
            &configured.diagnostics,
            c.must_error,
        );
    }
}

/// The value type of a schema block as Terraform sees it on the wire.
fn block_type(block: &pb::schema::Block) -> Type {
    use pb::schema::nested_block::NestingMode;
    let mut attrs: BTreeMap<String, Type> = block
        .attributes
        .iter()
        .map(|a| {
            let ty = Type::from_json(&a.r#type)
                .unwrap_or_else(|e| panic!("attribute {} has an invalid type: {e}", a.name));
            (a.name.clone(), ty)
        })
        .collect();
    for nested in &block.block_types {
        let inner = nested
            .block
            .as_ref()
            .map(block_type)
            .unwrap_or(Type::empty_object());
        let ty = match NestingMode::try_from(nested.nesting).unwrap_or(NestingMode::Invalid) {
            NestingMode::Single | NestingMode::Group => inner,
            NestingMode::List => Type::list(inner),
            NestingMode::Set => Type::set(inner),
            NestingMode::Map => Type::map(inner),
            NestingMode::Invalid => panic!("block {} has no nesting mode", nested.type_name),
        };
        attrs.insert(nested.type_name.clone(), ty);
    }
    Type::Object(attrs)
}

/// A schema-conforming value of `ty` with every string `s`, every number
/// `n`, every collection holding one element: valid shape, hostile content.
fn filled(ty: &Type, s: &Value, n: &Value) -> Value {
    match ty {
        Type::String => s.clone(),
        Type::Number => n.clone(),
        Type::Bool => Value::bool(true),
        Type::Dynamic => s.clone(),
        Type::List(e) => Value::list([filled(e, s, n)]),
        Type::Set(e) => Value::set([filled(e, s, n)]),
        Type::Map(e) => Value::map([("k", filled(e, s, n))]),
        Type::Object(attrs) => Value::object(
            attrs
                .iter()
                .map(|(k, t)| (k.clone(), filled(t, s, n)))
                .collect::<Vec<_>>(),
        ),
        Type::Tuple(items) => {
            Value::tuple(items.iter().map(|t| filled(t, s, n)).collect::<Vec<_>>())
        }
    }
}

/// Schema-valid shapes with hostile content, for a resource or data source type.
fn hostile_typed_values(ty: &Type) -> Vec<Case> {
    let attrs: Vec<String> = ty
        .attribute_types()
        .map(|a| a.keys().cloned().collect())
        .unwrap_or_default();
    let attr_refs: Vec<&str> = attrs.iter().map(String::as_str).collect();
    let plain = filled(ty, &Value::string("x"), &Value::number(1));
    let plain_bytes = encode_msgpack(&plain, ty).expect("a filled value encodes");
    let mut cases = hostile_object_values(&plain_bytes, &attr_refs);
    let shaped: [(&str, Value, Value); 5] = [
        (
            "1 MiB strings everywhere",
            Value::string("A".repeat(1 << 20)),
            Value::number(1),
        ),
        (
            "control characters and NUL in strings",
            Value::string("a\u{0}b\u{1b}[31mc\r\n"),
            Value::number(1),
        ),
        (
            "right-to-left and combining characters",
            Value::string("\u{202e}e\u{301}\u{fe0f}"),
            Value::number(1),
        ),
        (
            "huge and negative numbers",
            Value::string("x"),
            tfvalue::Number::parse("-1e99999")
                .map(Value::Number)
                .expect("a number"),
        ),
        (
            "fractional numbers",
            Value::string("x"),
            tfvalue::Number::parse("0.000000000000000000001")
                .map(Value::Number)
                .expect("a number"),
        ),
    ];
    for (name, s, n) in shaped {
        let v = filled(ty, &s, &n);
        cases.push(Case {
            name: name.to_owned(),
            value: msgpack(encode_msgpack(&v, ty).expect("a filled value encodes")),
            must_error: false,
        });
    }
    cases
}

async fn configured_service(endpoint: &str) -> GrpcProvider<BaiduProvider> {
    let svc = service();
    let config = Value::object([
        (
            "access_key",
            Value::string("DEMOAK00000000000000000000000001"),
        ),
        (
            "secret_key",
            Value::string("DEMOSK00000000000000000000000001"),
        ),
        ("session_token", Value::Null),
        ("region", Value::string("bj")),
        ("endpoint", Value::string(endpoint)),
    ]);
    let resp = svc
        .configure(Request::new(pb::configure::Request {
            terraform_version: "1.15.5".into(),
            config: msgpack(encode_msgpack(&config, &provider_type()).expect("encodes")),
            client_capabilities: None,
        }))
        .await
        .expect("Configure answers")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    svc
}

#[tokio::test]
async fn hostile_values_for_every_resource_and_data_source_type() {
    let emulator = baidu_vpc_emulator::Emulator::new(baidu_vpc_emulator::EmulatorConfig::demo())
        .expect("demo config");
    let running = emulator
        .start("127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("emulator starts");
    let svc = configured_service(&running.endpoint()).await;
    let schema = svc
        .get_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .expect("GetProviderSchema answers")
        .into_inner();

    // Unknown type names, for every RPC that takes one.
    for name in ["", "baidu_nope", "x".repeat(100_000).as_str()] {
        let short: String = name.chars().take(20).collect();
        let diags = svc
            .validate_resource_type_config(Request::new(
                pb::validate_resource_type_config::Request {
                    type_name: name.to_owned(),
                    ..Default::default()
                },
            ))
            .await
            .expect("answers")
            .into_inner()
            .diagnostics;
        check_diagnostics(&format!("unknown resource type {short:?}"), &diags, true);
        let diags = svc
            .read_data_source(Request::new(pb::read_data_source::Request {
                type_name: name.to_owned(),
                ..Default::default()
            }))
            .await
            .expect("answers")
            .into_inner()
            .diagnostics;
        check_diagnostics(&format!("unknown data source type {short:?}"), &diags, true);
    }

    let mut exercised = 0usize;
    for (type_name, s) in &schema.resource_schemas {
        let ty = block_type(s.block.as_ref().expect("a resource schema has a block"));
        for c in hostile_typed_values(&ty) {
            let context = format!("{type_name}: {}", c.name);
            exercise_resource(&svc, type_name, &c, &context).await;
            exercised += 1;
        }
        for id in [
            "",
            "peerconn-zzzzzzzzzzzz",
            "../../etc/passwd",
            "peerconn-\u{0}x",
            &"9".repeat(1 << 20),
        ] {
            let context = format!("{type_name}: import id of {} bytes", id.len());
            let resp = bounded(
                &context,
                svc.import_resource_state(Request::new(pb::import_resource_state::Request {
                    type_name: type_name.clone(),
                    id: id.to_owned(),
                    ..Default::default()
                })),
            )
            .await
            .expect("answers")
            .into_inner();
            check_diagnostics(&context, &resp.diagnostics, false);
        }
        for (what, raw) in [
            ("garbage JSON", b"{\"id\": ".to_vec()),
            ("JSON array", b"[]".to_vec()),
            (
                "wrong attribute types",
                b"{\"id\": {\"nested\": true}, \"tags\": 5}".to_vec(),
            ),
            ("invalid UTF-8", b"{\"id\": \"\xff\"}".to_vec()),
        ] {
            let context = format!("{type_name}: UpgradeResourceState with {what}");
            let resp = bounded(
                &context,
                svc.upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
                    type_name: type_name.clone(),
                    version: 0,
                    raw_state: Some(pb::RawState {
                        json: raw,
                        flatmap: Default::default(),
                    }),
                })),
            )
            .await
            .expect("answers")
            .into_inner();
            check_diagnostics(&context, &resp.diagnostics, true);
        }
        let context = format!("{type_name}: UpgradeResourceState from a future version");
        let resp = bounded(
            &context,
            svc.upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
                type_name: type_name.clone(),
                version: i64::MAX,
                raw_state: Some(pb::RawState {
                    json: b"{}".to_vec(),
                    flatmap: Default::default(),
                }),
            })),
        )
        .await
        .expect("answers")
        .into_inner();
        check_diagnostics(&context, &resp.diagnostics, false);
    }
    for (type_name, s) in &schema.data_source_schemas {
        let ty = block_type(s.block.as_ref().expect("a data source schema has a block"));
        for c in hostile_typed_values(&ty) {
            let context = format!("data {type_name}: {}", c.name);
            let diags = bounded(
                &context,
                svc.validate_data_source_config(Request::new(
                    pb::validate_data_source_config::Request {
                        type_name: type_name.clone(),
                        config: c.value.clone(),
                    },
                )),
            )
            .await
            .expect("answers")
            .into_inner()
            .diagnostics;
            check_diagnostics(&format!("Validate {context}"), &diags, c.must_error);
            let diags = bounded(
                &context,
                svc.read_data_source(Request::new(pb::read_data_source::Request {
                    type_name: type_name.clone(),
                    config: c.value.clone(),
                    ..Default::default()
                })),
            )
            .await
            .expect("answers")
            .into_inner()
            .diagnostics;
            check_diagnostics(&format!("Read {context}"), &diags, c.must_error);
            exercised += 1;
        }
    }
    eprintln!(
        "hostile values: {} resource types, {} data source types, {exercised} (type, input) pairs",
        schema.resource_schemas.len(),
        schema.data_source_schemas.len()
    );
    // Nothing the hostile inputs did may have created anything.
    let objects = running.emulator().peer_conn_ids();
    assert!(
        objects.is_empty(),
        "hostile inputs created peerings: {objects:?}"
    );
    running.shutdown().await.expect("emulator stops");
}

async fn exercise_resource(
    svc: &GrpcProvider<BaiduProvider>,
    type_name: &str,
    c: &Case,
    context: &str,
) {
    let diags = bounded(
        context,
        svc.validate_resource_type_config(Request::new(
            pb::validate_resource_type_config::Request {
                type_name: type_name.to_owned(),
                config: c.value.clone(),
                ..Default::default()
            },
        )),
    )
    .await
    .expect("answers")
    .into_inner()
    .diagnostics;
    check_diagnostics(&format!("Validate {context}"), &diags, c.must_error);
    let plan = bounded(
        context,
        svc.plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: type_name.to_owned(),
            prior_state: None,
            proposed_new_state: c.value.clone(),
            config: c.value.clone(),
            ..Default::default()
        })),
    )
    .await
    .expect("answers")
    .into_inner();
    check_diagnostics(&format!("Plan {context}"), &plan.diagnostics, c.must_error);
    let read = bounded(
        context,
        svc.read_resource(Request::new(pb::read_resource::Request {
            type_name: type_name.to_owned(),
            current_state: c.value.clone(),
            ..Default::default()
        })),
    )
    .await
    .expect("answers")
    .into_inner();
    check_diagnostics(&format!("Read {context}"), &read.diagnostics, c.must_error);
    // Apply a destroy (planned null) of a hostile prior state: the only apply
    // that cannot create anything.
    let apply = bounded(
        context,
        svc.apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: type_name.to_owned(),
            prior_state: c.value.clone(),
            planned_state: None,
            config: None,
            ..Default::default()
        })),
    )
    .await
    .expect("answers")
    .into_inner();
    check_diagnostics(
        &format!("Apply(destroy) {context}"),
        &apply.diagnostics,
        c.must_error,
    );
}

// ---------------------------------------------------------------------------
// Part 2: hostile answers from the API, through the real client
// ---------------------------------------------------------------------------

mod api {
    use std::net::SocketAddr;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use baidu_vpc::model::{CreatePeerConnRequest, ListPeerConnsQuery};
    use baidu_vpc::{
        BaiduClient, CallOptions, ClientConfig, ClientError, Credentials, RetryPolicy, Role,
    };
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    pub const ID: &str = "peerconn-abcdefghijkl";
    /// Per-attempt timeout of the client under test.
    pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);

    /// What the server does with each request.
    #[derive(Clone)]
    pub enum Answer {
        /// These bytes, verbatim, then close.
        Raw(Vec<u8>),
        /// Close the connection without a byte.
        Close,
        /// Read the request, never answer (until the client gives up).
        Silent,
        /// A 200 head, then body bytes as fast as the socket takes them, forever.
        Endless,
    }

    pub fn http(status: u16, extra_headers: &str, body: &[u8]) -> Answer {
        let mut raw = format!(
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nx-bce-request-id: rid-hostile\r\nConnection: close\r\n{extra_headers}\r\n",
            body.len()
        )
        .into_bytes();
        raw.extend_from_slice(body);
        Answer::Raw(raw)
    }

    pub struct Server {
        pub addr: SocketAddr,
        pub requests: Arc<AtomicUsize>,
    }

    /// A loopback server giving `answer` to every request.
    pub async fn serve(answer: Answer) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let answer = answer.clone();
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    let _ = handle(socket, answer, counter).await;
                });
            }
        });
        Server { addr, requests }
    }

    async fn handle(
        mut socket: TcpStream,
        answer: Answer,
        counter: Arc<AtomicUsize>,
    ) -> std::io::Result<()> {
        // Read the head and the declared body so the client is done sending.
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        counter.fetch_add(1, Ordering::SeqCst);
        match answer {
            Answer::Raw(bytes) => {
                socket.write_all(&bytes).await?;
                socket.shutdown().await?;
            }
            Answer::Close => {}
            Answer::Silent => {
                tokio::time::sleep(Duration::from_secs(120)).await;
            }
            Answer::Endless => {
                socket
                    .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .await?;
                let block = vec![b'['; 64 * 1024];
                let mut framed = format!("{:x}\r\n", block.len()).into_bytes();
                framed.extend_from_slice(&block);
                framed.extend_from_slice(b"\r\n");
                loop {
                    socket.write_all(&framed).await?;
                }
            }
        }
        Ok(())
    }

    pub fn client(addr: SocketAddr, retries: u32) -> BaiduClient {
        let mut config = ClientConfig::new(Credentials::new("AK-hostile", "SK-hostile"), "bj")
            .with_endpoint(format!("http://{addr}"))
            .with_request_timeout(ATTEMPT_TIMEOUT)
            .with_retry(RetryPolicy {
                max_retries: retries,
                base_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(20),
            });
        config.connect_timeout = Duration::from_secs(1);
        BaiduClient::new(config).expect("client builds")
    }

    /// Which call a case makes.
    #[derive(Clone, Copy, Debug)]
    pub enum Call {
        Get,
        Create,
        List,
        Delete,
    }

    pub async fn call(client: &BaiduClient, which: Call) -> Result<String, ClientError> {
        let opts = CallOptions::new().with_client_token("hostile-token");
        match which {
            Call::Get => client
                .get_peerconn(ID, Role::Initiator, &opts)
                .await
                .map(|pc| format!("{pc:?}")),
            Call::Create => {
                client
                    .create_peerconn(
                        &CreatePeerConnRequest::new(10, "vpc-a", "vpc-b", "bj"),
                        &opts,
                    )
                    .await
            }
            Call::List => client
                .list_peerconns(&ListPeerConnsQuery::default(), &opts)
                .await
                .map(|page| format!("{page:?}")),
            Call::Delete => client
                .delete_peerconn(ID, &opts)
                .await
                .map(|()| "deleted".into()),
        }
    }

    /// What a case must produce.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Expect {
        /// `ClientError::Decode` (the body is not what the operation returns).
        Decode,
        /// `ClientError::EmptyBody`.
        Empty,
        /// An API error with this code.
        Api(&'static str),
        /// A transport failure (connection closed, malformed HTTP).
        Transport,
        /// The per-attempt timeout.
        Timeout,
        /// Success (the input is odd but acceptable).
        Ok,
    }

    pub fn classify(result: &Result<String, ClientError>) -> Expect {
        match result {
            Ok(_) => Expect::Ok,
            Err(ClientError::Decode { .. }) => Expect::Decode,
            Err(ClientError::EmptyBody { .. }) => Expect::Empty,
            Err(ClientError::Api(e)) => Expect::Api(match e.code.as_str() {
                "BadGateway" => "BadGateway",
                "NotFound" => "NotFound",
                "TooManyRequests" => "TooManyRequests",
                "InternalError" => "InternalError",
                "MovedPermanently" => "MovedPermanently",
                "NoSuchObject" => "NoSuchObject",
                _ => "other",
            }),
            Err(ClientError::Transport { .. }) => Expect::Transport,
            Err(ClientError::Timeout { .. }) => Expect::Timeout,
            Err(_) => Expect::Ok,
        }
    }

    pub fn elapsed_ok(started: Instant, retries: u32) -> bool {
        started.elapsed() <= ATTEMPT_TIMEOUT * (retries + 1) + Duration::from_secs(3)
    }
}

use api::{Answer, Call, Expect};

/// One bad answer of the API and what the client must make of it; also a
/// row of the API table in `docs/guides/hostile-input.md`, which is
/// generated from these (`UPDATE_DOCS=1` rewrites it).
struct ApiCase {
    name: &'static str,
    /// What the guide adds to the result's class (empty: nothing).
    says: &'static str,
    /// A part of the error's message the guide quotes (and the test checks).
    quote: Option<&'static str>,
    call: Call,
    answer: Answer,
    /// The class of the client's result.
    expect: Expect,
    /// The client retries it (two requests seen with one retry allowed).
    retryable: bool,
    /// `is_not_found()`: a resource would drop the object from state.
    not_found: bool,
}

/// One row per bad-answer class.
fn api_cases() -> Vec<ApiCase> {
    use api::http;
    let html = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>";
    vec![
        ApiCase {
            name: "GET 200, empty body",
            says: "how the API has reported a missing peering",
            quote: None,
            call: Call::Get,
            answer: http(200, "", b""),
            expect: Expect::Empty,
            retryable: false,
            not_found: true,
        },
        ApiCase {
            name: "GET 200, {}",
            says: "how the API has reported a missing peering",
            quote: None,
            call: Call::Get,
            answer: http(200, "", b"{}"),
            expect: Expect::Empty,
            retryable: false,
            not_found: true,
        },
        ApiCase {
            name: "GET 200, null",
            says: "how the API has reported a missing peering",
            quote: None,
            call: Call::Get,
            answer: http(200, "", b"null"),
            expect: Expect::Empty,
            retryable: false,
            not_found: true,
        },
        ApiCase {
            name: "GET 200, JSON without any peering field",
            says: "**bug found and fixed**: was `Ok` with blank fields",
            quote: Some("the answer has no status, so it is not a peering connection"),
            call: Call::Get,
            answer: http(200, "", br#"{"unexpected":{"a":1}}"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, peering without status",
            says: "**fixed**",
            quote: Some("the answer has no status, so it is not a peering connection"),
            call: Call::Get,
            answer: http(
                200,
                "",
                br#"{"peerConnId":"peerconn-abcdefghijkl","bandwidthInMbps":10}"#,
            ),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, another peering's id",
            says: "**fixed**: was accepted",
            quote: Some("the answer describes \"peerconn-zzzzzzzzzzzz\" instead"),
            call: Call::Get,
            answer: http(
                200,
                "",
                br#"{"peerConnId":"peerconn-zzzzzzzzzzzz","status":"active"}"#,
            ),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, peerConnId is a number",
            says: "",
            quote: Some("the body is not the expected JSON"),
            call: Call::Get,
            answer: http(200, "", br#"{"peerConnId":5,"status":"active"}"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, bandwidth is a string",
            says: "",
            quote: Some("the body is not the expected JSON"),
            call: Call::Get,
            answer: http(200, "", br#"{"status":"active","bandwidthInMbps":"ten"}"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, bandwidth is fractional",
            says: "",
            quote: Some("the body is not the expected JSON"),
            call: Call::Get,
            answer: http(200, "", br#"{"status":"active","bandwidthInMbps":1.5}"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, status is a number",
            says: "",
            quote: Some("the body is not the expected JSON"),
            call: Call::Get,
            answer: http(200, "", br#"{"status":7}"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, tags is an object",
            says: "",
            quote: Some("the body is not the expected JSON"),
            call: Call::Get,
            answer: http(200, "", br#"{"status":"active","tags":{"k":"v"}}"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, unknown status value (kept)",
            says: "kept verbatim as `Other`; the resource treats it as not settled",
            quote: None,
            call: Call::Get,
            answer: http(200, "", br#"{"status":"hibernating"}"#),
            expect: Expect::Ok,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, HTML page",
            says: "serde's message: position only, never the body",
            quote: None,
            call: Call::Get,
            answer: http(200, "Content-Type: text/html\r\n", html),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, binary garbage",
            says: "serde's message: position only, never the body",
            quote: None,
            call: Call::Get,
            answer: http(200, "", b"\x00\xff\xfe\x89PNG\r\n\x1a\n"),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, truncated JSON",
            says: "serde's message: position only, never the body",
            quote: None,
            call: Call::Get,
            answer: http(200, "", br#"{"status":"act"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, JSON nested 100 000 deep",
            says: "serde's message: position only, never the body",
            quote: None,
            call: Call::Get,
            answer: http(200, "", &[b'['; 100_000]),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, 40 MiB body",
            says: "**bug found and fixed**: was read into memory until the 60 s timeout",
            quote: Some("the answer is larger than 16777216 bytes"),
            call: Call::Get,
            answer: http(200, "", &vec![b' '; 40 << 20]),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, endless chunked body",
            says: "**bug found and fixed**: was read into memory until the 60 s timeout",
            quote: Some("the answer is larger than 16777216 bytes"),
            call: Call::Get,
            answer: Answer::Endless,
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 200, body shorter than Content-Length",
            says: "",
            quote: None,
            call: Call::Get,
            answer: Answer::Raw(
                b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"status\"".to_vec(),
            ),
            expect: Expect::Transport,
            retryable: true,
            not_found: false,
        },
        ApiCase {
            name: "GET, connection closed without an answer",
            says: "",
            quote: None,
            call: Call::Get,
            answer: Answer::Close,
            expect: Expect::Transport,
            retryable: true,
            not_found: false,
        },
        ApiCase {
            name: "GET, malformed status line",
            says: "",
            quote: None,
            call: Call::Get,
            answer: Answer::Raw(b"HTTP/1.1 banana\r\n\r\n".to_vec()),
            expect: Expect::Transport,
            retryable: true,
            not_found: false,
        },
        ApiCase {
            name: "GET, not HTTP at all",
            says: "`SSH-2.0-…`",
            quote: None,
            call: Call::Get,
            answer: Answer::Raw(b"SSH-2.0-OpenSSH_9.2\r\n".to_vec()),
            expect: Expect::Transport,
            retryable: true,
            not_found: false,
        },
        ApiCase {
            name: "GET 200 {}, with a 100 KiB header line",
            says: "the header is accepted and the body `{}` reads as empty",
            quote: None,
            call: Call::Get,
            answer: http(
                200,
                &format!("X-Big: {}\r\n", "a".repeat(100 * 1024)),
                b"{}",
            ),
            expect: Expect::Empty,
            retryable: false,
            not_found: true,
        },
        ApiCase {
            name: "GET, server never answers",
            says: "after the per-attempt timeout",
            quote: None,
            call: Call::Get,
            answer: Answer::Silent,
            expect: Expect::Timeout,
            retryable: true,
            not_found: false,
        },
        ApiCase {
            name: "GET 404, Baidu JSON NoSuchObject",
            says: "",
            quote: None,
            call: Call::Get,
            answer: http(
                404,
                "",
                br#"{"code":"NoSuchObject","message":"gone","requestId":"r1"}"#,
            ),
            expect: Expect::Api("NoSuchObject"),
            retryable: false,
            not_found: true,
        },
        ApiCase {
            name: "GET 404, empty body with x-bce-request-id",
            says: "as Baidu's Go SDK reads it",
            quote: None,
            call: Call::Get,
            answer: http(404, "", b""),
            expect: Expect::Api("NotFound"),
            retryable: false,
            not_found: true,
        },
        ApiCase {
            name: "GET 404, HTML page (a proxy's or a wrong endpoint's)",
            says: "the HTML is never quoted; **fixed**: counted as \"not found\", so a refresh could drop peerings from state",
            quote: Some("the endpoint answered 404 with a non-JSON body of 35 bytes, not a Baidu API error"),
            call: Call::Get,
            answer: http(
                404,
                "Content-Type: text/html\r\n",
                b"<html><body>Not Found</body></html>",
            ),
            expect: Expect::Api("NotFound"),
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "GET 502, HTML page",
            says: "the HTML is never quoted",
            quote: Some("non-JSON error body of 77 bytes"),
            call: Call::Get,
            answer: http(502, "Content-Type: text/html\r\n", html),
            expect: Expect::Api("BadGateway"),
            retryable: true,
            not_found: false,
        },
        ApiCase {
            name: "GET 500, 1 MiB JSON message",
            says: "the message is kept; Terraform shows at most 8 KiB of it",
            quote: None,
            call: Call::Get,
            answer: http(
                500,
                "",
                format!(
                    r#"{{"code":"InternalError","message":"{}","requestId":"r"}}"#,
                    "m".repeat(1 << 20)
                )
                .as_bytes(),
            ),
            expect: Expect::Api("InternalError"),
            retryable: true,
            not_found: false,
        },
        ApiCase {
            name: "GET 429, empty body",
            says: "",
            quote: None,
            call: Call::Get,
            answer: http(429, "", b""),
            expect: Expect::Api("TooManyRequests"),
            retryable: true,
            not_found: false,
        },
        ApiCase {
            name: "GET 301 redirect (not followed)",
            says: "a signed request is never re-sent elsewhere",
            quote: None,
            call: Call::Get,
            answer: http(301, "Location: http://127.0.0.1:9/elsewhere\r\n", b""),
            expect: Expect::Api("MovedPermanently"),
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "POST 200, empty body",
            says: "",
            quote: None,
            call: Call::Create,
            answer: http(200, "", b""),
            expect: Expect::Empty,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "POST 200, no peerConnId",
            says: "",
            quote: Some("the answer has no peerConnId"),
            call: Call::Create,
            answer: http(200, "", br#"{"id":"peerconn-abcdefghijkl"}"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "POST 200, empty peerConnId",
            says: "",
            quote: Some("the answer has no peerConnId"),
            call: Call::Create,
            answer: http(200, "", br#"{"peerConnId":""}"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "POST 200, peerConnId with a path in it",
            says: "`../../v1/peerconn`; **fixed**: was returned and later used in request paths",
            quote: Some("the answer's peerConnId is not a peering connection id"),
            call: Call::Create,
            answer: http(200, "", br#"{"peerConnId":"../../v1/peerconn"}"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "POST 200, HTML page",
            says: "",
            quote: None,
            call: Call::Create,
            answer: http(200, "", html),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "LIST 200, empty body (an empty list)",
            says: "",
            quote: None,
            call: Call::List,
            answer: http(200, "", b""),
            expect: Expect::Ok,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "LIST 200, peerConns is a string",
            says: "",
            quote: None,
            call: Call::List,
            answer: http(200, "", br#"{"peerConns":"none"}"#),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "LIST 200, item without peerConnId",
            says: "**fixed**: was kept",
            quote: Some("a listed peering has no peerConnId"),
            call: Call::List,
            answer: http(
                200,
                "",
                br#"{"peerConns":[{"status":"active"}],"isTruncated":false}"#,
            ),
            expect: Expect::Decode,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "DELETE 200, garbage body (ignored: no body expected)",
            says: "",
            quote: None,
            call: Call::Delete,
            answer: http(200, "", b"<html>ok</html>"),
            expect: Expect::Ok,
            retryable: false,
            not_found: false,
        },
        ApiCase {
            name: "DELETE 500, HTML page",
            says: "the HTML is never quoted",
            quote: Some("non-JSON error body of"),
            call: Call::Delete,
            answer: http(500, "", html),
            expect: Expect::Api("InternalError"),
            retryable: true,
            not_found: false,
        },
    ]
}

#[tokio::test]
async fn hostile_api_answers_become_typed_client_errors() {
    let mut problems = Vec::new();
    for ApiCase {
        name,
        call: which,
        answer,
        expect: expected,
        retryable,
        not_found,
        quote,
        ..
    } in api_cases()
    {
        let server = api::serve(answer).await;
        // One retry: retryable failures must be retried (two requests seen),
        // others not (one request).
        let client = api::client(server.addr, 1);
        let started = Instant::now();
        let result = api::call(&client, which).await;
        let got = api::classify(&result);
        let requests = server.requests.load(std::sync::atomic::Ordering::SeqCst);
        let err_text = result
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        if std::env::var_os("HOSTILE_INPUT_REPORT").is_some() {
            let shown: String = err_text.chars().take(160).collect();
            eprintln!("REPORT | API {name} | {got:?} | {shown}");
        }
        if got != expected {
            problems.push(format!(
                "{name}: expected {expected:?}, got {got:?}: {result:?}"
            ));
            continue;
        }
        if let Some(quoted) = quote {
            if !err_text.contains(quoted) {
                problems.push(format!(
                    "{name}: the guide quotes {quoted:?}, the error says {err_text:?}"
                ));
            }
        }
        if let Err(e) = &result {
            if e.is_retryable() != retryable {
                problems.push(format!(
                    "{name}: retryable is {} (expected {retryable}): {e}",
                    e.is_retryable()
                ));
            }
            if e.is_not_found() != not_found {
                problems.push(format!(
                    "{name}: not-found is {} (expected {not_found}): {e}",
                    e.is_not_found()
                ));
            }
            let expected_requests = if retryable { 2 } else { 1 };
            if requests != expected_requests {
                problems.push(format!(
                    "{name}: {requests} requests, expected {expected_requests}"
                ));
            }
            if err_text.len() > 2 * 1024 * 1024 {
                problems.push(format!("{name}: a {} byte error message", err_text.len()));
            }
            if err_text.contains("<html") || err_text.contains("<!DOCTYPE") {
                problems.push(format!(
                    "{name}: the HTML page is in the message: {err_text}"
                ));
            }
        }
        if !api::elapsed_ok(started, 1) {
            problems.push(format!("{name}: took {:?}", started.elapsed()));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The guide's API table: one row per [`ApiCase`].
fn api_table() -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let mut out = String::from("| answer | result | retried | not found |\n|---|---|---|---|\n");
    for case in api_cases() {
        let class = match case.expect {
            Expect::Decode => "`Decode`".to_owned(),
            Expect::Empty => "`EmptyBody`".to_owned(),
            Expect::Api(code) => format!("`Api` {code}"),
            Expect::Transport => "`Transport`".to_owned(),
            Expect::Timeout => "`Timeout`".to_owned(),
            Expect::Ok => "accepted".to_owned(),
        };
        let mut result = match case.quote {
            Some(quote) => format!("{class}: \"{quote}…\""),
            None => class,
        };
        if !case.says.is_empty() {
            result = format!("{result} ({})", case.says);
        }
        let (retried, not_found) = match case.expect {
            Expect::Ok => ("–", "–"),
            _ => (yes_no(case.retryable), yes_no(case.not_found)),
        };
        out.push_str(&format!(
            "| {} | {result} | {retried} | {not_found} |\n",
            case.name
        ));
    }
    out
}

const GUIDE: &str = "docs/guides/hostile-input.md";
const TABLE_START: &str = "<!-- generated from tests/hostile_input.rs api_cases(): start -->\n";
const TABLE_END: &str = "<!-- generated: end -->\n";

/// The guide's API table is the test's table, row for row.
#[test]
fn the_guide_lists_every_api_case_as_tested() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GUIDE);
    let guide = std::fs::read_to_string(&path).expect("read the guide");
    let (Some(start), Some(end)) = (guide.find(TABLE_START), guide.find(TABLE_END)) else {
        panic!("{GUIDE} has no generated API table between {TABLE_START:?} and {TABLE_END:?}");
    };
    let current = &guide[start + TABLE_START.len()..end];
    let table = api_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{TABLE_START}{table}{}", &guide[..start], &guide[end..]);
        std::fs::write(&path, updated).expect("write the guide");
        return;
    }
    assert_eq!(
        current, table,
        "{GUIDE} is out of date: run `UPDATE_DOCS=1 cargo test --test hostile_input`"
    );
}
