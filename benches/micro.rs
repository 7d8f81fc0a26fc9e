//! Micro benchmarks of the provider's hot paths, each against a floor measured
//! in the same run: msgpack decode/encode of a full `baidu_peerconn` object,
//! request signing, PeerConn JSON parsing, schema building and the GetSchema
//! answer.
//!
//! No benchmark framework: a `harness = false` target timing with
//! `std::time::Instant`. criterion would add minutes of release build on a
//! 2-core machine for features we don't need (we report medians and MADs of
//! interleaved samples and ratios to a floor, which is a few lines here).
//!
//! Subject and floors of one group are sampled round-robin (one sample of
//! each per round), so a burst of load from other processes hits all of them
//! alike; the ratio is reported per group.
//!
//! ```text
//! cargo bench --bench micro                     # timed run, table on stdout
//! cargo bench --bench micro -- --quick          # fewer samples (smoke)
//! cargo bench --bench micro -- --json FILE      # also write the samples' stats as JSON
//! cargo bench --bench micro -- --list           # case names
//! micro --count CASE ITERS                      # run CASE ITERS times, untimed
//! ```
//!
//! `--count` exists for instruction counting: `benches/e2e.py micro` runs it
//! under `valgrind --tool=callgrind` with ITERS and 0 and divides the
//! difference, which is immune to the machine's load.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::io::Write as _;
use std::time::{Duration, Instant};

use baidu_vpc::model::PeerConn;
use baidu_vpc::Credentials;
use bce_auth::signer::{self, RequestToSign, SigningParams};
use hmac::{Hmac, KeyInit, Mac};
use prost::Message as _;
use sha2::Sha256;
use tfbaidu::BaiduProvider;
use tfplugin5::proto::tfplugin5 as pb;
use tfplugin5::proto::tfplugin5::provider_server::Provider as _;
use tfplugin5_framework::{GrpcProvider, Provider as _};
use tfvalue::{decode_msgpack, encode_msgpack, Type, Value};

/// One measured closure.
struct Case {
    name: &'static str,
    /// `true` for the floor(s) the group's subjects are compared with.
    floor: bool,
    run: Box<dyn FnMut()>,
}

struct Group {
    name: &'static str,
    what: &'static str,
    cases: Vec<Case>,
}

fn case(name: &'static str, run: impl FnMut() + 'static) -> Case {
    Case {
        name,
        floor: false,
        run: Box::new(run),
    }
}

fn floor(name: &'static str, run: impl FnMut() + 'static) -> Case {
    Case {
        name,
        floor: true,
        run: Box::new(run),
    }
}

// ---- inputs ----------------------------------------------------------------

/// The `baidu_peerconn` state type: the registered resource's schema when the
/// provider has one, else built by hand from the issue-5 schema (names fixed).
fn peerconn_type() -> (Type, &'static str) {
    for resource in BaiduProvider::new().resources() {
        if resource.type_name() == "baidu_peerconn" {
            return (resource.schema().value_type(), "provider schema");
        }
    }
    (
        peerconn_type_by_hand(),
        "hand-built from the schema's attribute list",
    )
}

fn peerconn_type_by_hand() -> Type {
    let s = || Type::String;
    let object = |attrs: Vec<(&str, Type)>| {
        Type::Object(attrs.into_iter().map(|(k, t)| (k.to_owned(), t)).collect())
    };
    let reservation = object(vec![
        ("reservation_length", Type::Number),
        ("reservation_time_unit", s()),
    ]);
    let billing = object(vec![
        ("payment_timing", s()),
        ("reservation", Type::List(Box::new(reservation))),
    ]);
    let timeouts = object(vec![("create", s()), ("update", s()), ("delete", s())]);
    object(vec![
        ("id", s()),
        ("bandwidth_in_mbps", Type::Number),
        ("local_vpc_id", s()),
        ("peer_vpc_id", s()),
        ("peer_region", s()),
        ("peer_account_id", s()),
        ("description", s()),
        ("local_if_name", s()),
        ("peer_if_name", s()),
        ("billing", Type::List(Box::new(billing))),
        ("tags", Type::Map(Box::new(s()))),
        ("resource_group_id", s()),
        ("delete_protect", Type::Bool),
        ("dns_sync", Type::Bool),
        ("timeouts", timeouts),
        ("role", s()),
        ("status", s()),
        ("dns_status", s()),
        ("local_if_id", s()),
        ("local_region", s()),
        ("created_time", s()),
        ("expired_time", s()),
    ])
}

/// A state value as after a Prepaid cross-region create with tags: every
/// attribute the schema has gets a realistic value (unknown names stay null).
fn sample_value(ty: &Type, name: &str) -> Value {
    let sample_string = |name: &str| -> Option<&'static str> {
        Some(match name {
            "id" => "peerconn-k2v8x0c1m3qa",
            "local_vpc_id" => "vpc-demobj000001",
            "peer_vpc_id" => "vpc-peergz000001",
            "peer_region" => "gz",
            "peer_account_id" => "a0000000000000000000000000000002",
            "description" => "bench: bj to gz, prepaid",
            "local_if_name" => "to-gz",
            "payment_timing" => "Prepaid",
            "reservation_time_unit" => "month",
            "role" => "initiator",
            "status" => "active",
            "dns_status" => "close",
            "local_if_id" => "qpif-m0g4wera37vs",
            "local_region" => "bj",
            "created_time" => "2026-11-25T23:13:19Z",
            "expired_time" => "2027-11-25T23:13:19Z",
            "create" => "15m",
            _ => return None,
        })
    };
    match ty {
        Type::String => sample_string(name).map_or(Value::Null, Value::string),
        Type::Number => match name {
            "bandwidth_in_mbps" => Value::number(100),
            "reservation_length" => Value::number(12),
            _ => Value::Null,
        },
        Type::Bool => Value::bool(name == "delete_protect"),
        Type::Map(_) if name == "tags" => Value::map([
            ("env", Value::string("bench")),
            ("owner", Value::string("network-team")),
            ("cost-center", Value::string("cc-1234")),
        ]),
        Type::List(element) => match element.as_ref() {
            object @ Type::Object(_) => Value::list([sample_value(object, name)]),
            _ => Value::list([]),
        },
        Type::Object(attrs) => Value::Object(
            attrs
                .iter()
                .map(|(k, t)| (k.clone(), sample_value(t, k)))
                .collect::<BTreeMap<_, _>>(),
        ),
        _ => Value::Null,
    }
}

/// A GET answer as the emulator (and the docs' example) writes it.
const PEERCONN_JSON: &str = r#"{"peerConnId":"peerconn-k2v8x0c1m3qa","role":"initiator","status":"active","bandwidthInMbps":100,"description":"bench: bj to gz, prepaid","localIfId":"qpif-m0g4wera37vs","localIfName":"to-gz","localVpcId":"vpc-demobj000001","localRegion":"bj","peerVpcId":"vpc-peergz000001","peerRegion":"gz","peerAccountId":"a0000000000000000000000000000002","paymentTiming":"Prepaid","dnsStatus":"close","createdTime":"2026-11-25T23:13:19Z","expiredTime":"2027-11-25T23:13:19Z","deleteProtect":true,"tags":[{"tagKey":"env","tagValue":"bench"},{"tagKey":"owner","tagValue":"network-team"},{"tagKey":"cost-center","tagValue":"cc-1234"}]}"#;

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}

fn get_schema_response(
    provider: &GrpcProvider<BaiduProvider>,
) -> pb::get_provider_schema::Response {
    block_on(provider.get_schema(tonic::Request::new(pb::get_provider_schema::Request {})))
        .map(tonic::Response::into_inner)
        .unwrap_or_else(|status| panic!("GetSchema failed: {status:?}"))
}

// ---- groups ----------------------------------------------------------------

fn groups() -> Vec<Group> {
    let (ty, _) = peerconn_type();
    let value = sample_value(&ty, "");
    let bytes = encode_msgpack(&value, &ty).expect("the sample value fits its type");
    assert_eq!(decode_msgpack(&bytes, &ty).expect("round trip"), value);
    let generic = rmpv::decode::read_value(&mut bytes.as_slice()).expect("valid msgpack");

    let decode = {
        let (ty, bytes2, bytes3) = (ty.clone(), bytes.clone(), bytes.clone());
        let value2 = value.clone();
        Group {
            name: "msgpack_decode",
            what: "msgpack → cty Value of a full baidu_peerconn state object",
            cases: vec![
                case("tfvalue::decode_msgpack", move || {
                    black_box(decode_msgpack(black_box(&bytes2), &ty).ok());
                }),
                floor("rmpv::read_value (untyped)", move || {
                    black_box(rmpv::decode::read_value(&mut black_box(bytes3.as_slice())).ok());
                }),
                floor("Value::clone", move || {
                    black_box(black_box(&value2).clone());
                }),
            ],
        }
    };

    let encode = {
        let (ty, value2, value3) = (ty.clone(), value.clone(), value.clone());
        Group {
            name: "msgpack_encode",
            what: "cty Value → msgpack of a full baidu_peerconn state object",
            cases: vec![
                case("tfvalue::encode_msgpack", move || {
                    black_box(encode_msgpack(black_box(&value2), &ty).ok());
                }),
                floor("rmpv::write_value (untyped)", move || {
                    let mut out = Vec::new();
                    black_box(rmpv::encode::write_value(&mut out, black_box(&generic)).ok());
                    black_box(out);
                }),
                floor("Value::clone", move || {
                    black_box(black_box(&value3).clone());
                }),
            ],
        }
    };

    let sign = {
        // GET of one peering as the client sends it (the poll of every wait).
        let credentials = Credentials::new(
            "DEMOAK00000000000000000000000001",
            "DEMOSK00000000000000000000000001",
        );
        // 'static borrows so the closures can own a `RequestToSign`; leaked once.
        let query: &'static [(String, String)] =
            Vec::leak(vec![("role".to_owned(), "initiator".to_owned())]);
        let headers: &'static [(String, String)] = Vec::leak(vec![
            ("Host".to_owned(), "bcc.bj.baidubce.com".to_owned()),
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("x-bce-date".to_owned(), "2026-11-25T23:13:19Z".to_owned()),
            (
                "x-bce-request-id".to_owned(),
                "2b1521cb-7a55-4a33-9d7e-0c1c6e0f8c11".to_owned(),
            ),
        ]);
        let request = RequestToSign {
            method: "GET",
            path: "/v1/peerconn/peerconn-k2v8x0c1m3qa",
            query,
            headers,
        };
        let timestamp = signer::parse_timestamp("2026-11-25T23:13:19Z").expect("valid time");
        let params = SigningParams::new(timestamp);
        let canonical = signer::canonical_request(&request, &params.selection).text;
        let key = credentials.secret_key.expose_secret().as_bytes().to_vec();
        Group {
            name: "sign",
            what: "bce-auth-v1 Authorization header of a GET /v1/peerconn/{id}?role=initiator",
            cases: vec![
                case("signer::authorization", move || {
                    black_box(signer::authorization(
                        &credentials,
                        black_box(&request),
                        &params,
                    ));
                }),
                floor("one HMAC-SHA256 of the canonical request", move || {
                    let mut mac =
                        Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
                    mac.update(black_box(canonical.as_bytes()));
                    black_box(mac.finalize().into_bytes());
                }),
            ],
        }
    };

    let json = Group {
        name: "peerconn_json",
        what: "JSON of one PeerConn (GET answer, 3 tags) → typed model",
        cases: vec![
            case("serde_json → baidu::model::PeerConn", || {
                black_box(
                    serde_json::from_slice::<PeerConn>(black_box(PEERCONN_JSON.as_bytes())).ok(),
                );
            }),
            floor("serde_json → IgnoredAny (scan only)", || {
                black_box(
                    serde_json::from_slice::<serde::de::IgnoredAny>(black_box(
                        PEERCONN_JSON.as_bytes(),
                    ))
                    .ok(),
                );
            }),
            floor("serde_json → serde_json::Value", || {
                black_box(
                    serde_json::from_slice::<serde_json::Value>(black_box(
                        PEERCONN_JSON.as_bytes(),
                    ))
                    .ok(),
                );
            }),
        ],
    };

    let schema = {
        let provider = GrpcProvider::new(BaiduProvider::new()).expect("valid provider schemas");
        let response = get_schema_response(&provider);
        let response2 = response.clone();
        Group {
            name: "schema",
            what: "provider + resource schemas: build and check; GetSchema answer encoded",
            cases: vec![
                case("GrpcProvider::new (build + check schemas)", || {
                    black_box(GrpcProvider::new(BaiduProvider::new()).ok());
                }),
                case("GetSchema RPC + protobuf encode", move || {
                    black_box(get_schema_response(&provider).encode_to_vec());
                }),
                floor("protobuf encode of the prebuilt answer", move || {
                    black_box(black_box(&response).encode_to_vec());
                }),
                floor("clone of the prebuilt answer", move || {
                    black_box(black_box(&response2).clone());
                }),
            ],
        }
    };

    vec![decode, encode, sign, json, schema]
}

// ---- measurement -----------------------------------------------------------

struct Settings {
    samples: usize,
    sample_time: Duration,
    warmup: Duration,
}

fn time_iters(run: &mut dyn FnMut(), iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        run();
    }
    start.elapsed()
}

/// Iterations so that one sample takes about `target`, after warming up.
/// Uses the fastest pass seen: a pass that was descheduled by another
/// process would otherwise shrink the sample size.
fn calibrate(run: &mut dyn FnMut(), warmup: Duration, target: Duration) -> u64 {
    let started = Instant::now();
    let mut iters = 1u64;
    let mut best_per_iter = f64::INFINITY;
    let mut passes = 0;
    while started.elapsed() < warmup || passes < 3 {
        let took = time_iters(run, iters);
        best_per_iter = best_per_iter.min(took.as_nanos() as f64 / iters as f64);
        passes += 1;
        if took < target / 2 {
            iters = iters.saturating_mul(2);
        }
    }
    ((target.as_nanos() as f64 / best_per_iter.max(1.0)) as u64).max(1)
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Median and median absolute deviation.
fn median_mad(values: &[f64]) -> (f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let m = median(&sorted);
    let mut deviations: Vec<f64> = sorted.iter().map(|v| (v - m).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    (m, median(&deviations))
}

struct CaseResult {
    name: &'static str,
    floor: bool,
    iters_per_sample: u64,
    ns: Vec<f64>,
}

fn run_group(group: &mut Group, settings: &Settings) -> Vec<CaseResult> {
    let iters: Vec<u64> = group
        .cases
        .iter_mut()
        .map(|c| calibrate(&mut c.run, settings.warmup, settings.sample_time))
        .collect();
    let mut ns: Vec<Vec<f64>> = vec![Vec::with_capacity(settings.samples); group.cases.len()];
    for round in 0..settings.samples {
        // Rotate the order each round so no case always runs right after another.
        let n = group.cases.len();
        for k in 0..n {
            let i = (round + k) % n;
            let took = time_iters(&mut group.cases[i].run, iters[i]);
            ns[i].push(took.as_nanos() as f64 / iters[i] as f64);
        }
    }
    group
        .cases
        .iter()
        .zip(iters)
        .zip(ns)
        .map(|((c, iters_per_sample), ns)| CaseResult {
            name: c.name,
            floor: c.floor,
            iters_per_sample,
            ns,
        })
        .collect()
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn json_escape(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"?\"".to_owned())
}

fn timed(settings: &Settings, json_out: Option<&str>) -> anyhow::Result<()> {
    let (_, type_source) = peerconn_type();
    println!(
        "micro benchmarks: {} samples of ~{:?} per case, subjects and floors interleaved",
        settings.samples, settings.sample_time
    );
    println!("baidu_peerconn type: {type_source}");
    let mut json_groups = Vec::new();
    for mut group in groups() {
        let results = run_group(&mut group, settings);
        println!("\n## {} — {}", group.name, group.what);
        println!(
            "{:<46} {:>12} {:>10} {:>10}  ratio to floor",
            "case", "median", "MAD", "iters"
        );
        let stats: Vec<(f64, f64)> = results.iter().map(|r| median_mad(&r.ns)).collect();
        let first_floor = results.iter().position(|r| r.floor);
        let mut json_cases = Vec::new();
        for (r, (m, mad)) in results.iter().zip(&stats) {
            let ratio = match first_floor {
                Some(f) if !r.floor => format!("{:.2}×", m / stats[f].0),
                _ => "(floor)".to_owned(),
            };
            println!(
                "{:<46} {:>12} {:>10} {:>10}  {ratio}",
                r.name,
                fmt_ns(*m),
                fmt_ns(*mad),
                r.iters_per_sample
            );
            json_cases.push(format!(
                "{{\"name\":{},\"floor\":{},\"median_ns\":{m:.1},\"mad_ns\":{mad:.1},\"samples\":{},\"iters_per_sample\":{}}}",
                json_escape(r.name),
                r.floor,
                r.ns.len(),
                r.iters_per_sample
            ));
        }
        json_groups.push(format!(
            "{{\"group\":{},\"what\":{},\"cases\":[{}]}}",
            json_escape(group.name),
            json_escape(group.what),
            json_cases.join(",")
        ));
    }
    if let Some(path) = json_out {
        let mut file = std::fs::File::create(path)?;
        writeln!(
            file,
            "{{\"type_source\":{},\"groups\":[{}]}}",
            json_escape(type_source),
            json_groups.join(",")
        )?;
    }
    Ok(())
}

/// `group/case` names, as `--count` takes them.
fn case_names(groups: &[Group]) -> Vec<String> {
    groups
        .iter()
        .flat_map(|g| {
            g.cases
                .iter()
                .map(move |c| format!("{}/{}", g.name, c.name))
        })
        .collect()
}

fn count(name: &str, iters: u64) -> anyhow::Result<()> {
    let mut groups = groups();
    for group in &mut groups {
        for case in &mut group.cases {
            if format!("{}/{}", group.name, case.name) == name {
                time_iters(&mut case.run, iters);
                return Ok(());
            }
        }
    }
    anyhow::bail!("no case {name:?}; --list shows them")
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut settings = Settings {
        samples: 51,
        sample_time: Duration::from_millis(4),
        warmup: Duration::from_millis(150),
    };
    let mut json_out = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // What `cargo bench` passes; also the default.
            "--bench" => {}
            "--quick" => {
                settings.samples = 11;
                settings.sample_time = Duration::from_millis(1);
                settings.warmup = Duration::from_millis(20);
            }
            "--samples" => {
                settings.samples = args.next().unwrap_or_default().parse()?;
            }
            "--json" => json_out = args.next(),
            "--list" => {
                for name in case_names(&groups()) {
                    println!("{name}");
                }
                return Ok(());
            }
            "--count" => {
                let name = args.next().unwrap_or_default();
                let iters = args.next().unwrap_or_default().parse()?;
                return count(&name, iters);
            }
            other => {
                anyhow::bail!("unknown argument {other:?} (see the header of benches/micro.rs)")
            }
        }
    }
    timed(&settings, json_out.as_deref())
}
