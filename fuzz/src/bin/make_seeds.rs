//! Writes small starting corpora into `fuzz/corpus/<target>/` (git-ignored):
//! well-formed examples of each input format, so the fuzzers begin from
//! realistic values instead of discovering msgpack and JSON from scratch.
//! Run from `fuzz/`: `cargo run --bin make_seeds`.

use std::fs;
use std::path::Path;

use tfvalue::{encode_json, encode_msgpack, Type, Value};
use tfbaidu_fuzz::checks::cursor::SplitMix64;
use tfbaidu_fuzz::checks::types::{peerconn_schema, provider_config_type};

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("corpus").join(target);
    fs::create_dir_all(&dir).expect("create the corpus directory");
    fs::write(dir.join(name), bytes).expect("write a seed");
}

fn with_prefix(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut v = prefix.to_vec();
    v.extend_from_slice(rest);
    v
}

fn peerconn_value() -> Value {
    let schema = peerconn_schema();
    let mut v = schema.empty_value();
    for (k, val) in [
        ("id", Value::string("peerconn-abcdefghijkl")),
        ("bandwidth_in_mbps", Value::number(10)),
        ("local_vpc_id", Value::string("vpc-demobj000001")),
        ("peer_vpc_id", Value::string("vpc-demobj000002")),
        ("peer_region", Value::string("bj")),
        ("tags", Value::map([("env", Value::string("test"))])),
        ("status", Value::unknown()),
        (
            "billing",
            Value::list([Value::object([
                ("payment_timing", Value::string("Postpaid")),
                ("reservation", Value::list([])),
            ])]),
        ),
    ] {
        v.set_attr(k, val);
    }
    v
}

fn main() {
    let schema_ty = peerconn_schema().value_type();
    let value = peerconn_value();
    // msgpack_value: first byte 0 selects the peerconn type, 2 the provider block.
    let mp = encode_msgpack(&value, &schema_ty).expect("encodes");
    write("msgpack_value", "peerconn", &with_prefix(&[0], &mp));
    let provider = Value::object([
        ("access_key", Value::string("AK")),
        ("secret_key", Value::string("SK")),
        ("session_token", Value::Null),
        ("region", Value::string("bj")),
        ("endpoint", Value::unknown()),
    ]);
    let mp = encode_msgpack(&provider, &provider_config_type()).expect("encodes");
    write("msgpack_value", "provider", &with_prefix(&[2], &mp));
    let dynamic = encode_msgpack(
        &Value::dynamic(Type::list(Type::String), Value::list([Value::string("x")])),
        &Type::Dynamic,
    )
    .expect("encodes");
    write("msgpack_value", "dynamic", &with_prefix(&[3], &dynamic));

    // json_state: first byte 0 = stored-state mode, 1 = typed decode of the schema type.
    let mut known = value.clone();
    known.set_attr("status", Value::string("active"));
    let json = encode_json(&known, &schema_ty).expect("encodes");
    write("json_state", "state", &with_prefix(&[0], &json));
    write("json_state", "typed", &with_prefix(&[1, 0], &json));
    write(
        "json_state",
        "dynamic",
        &with_prefix(&[1, 3], br#"{"value":["a",1,true],"type":["tuple",["string","number","bool"]]}"#),
    );

    // peerconn_response: status index, header choice, operation, body.
    let bodies: [(&str, u8, &[u8]); 5] = [
        ("get", 0, br#"{"peerConnId":"peerconn-k2v8x0c1m3qa","role":"initiator","status":"active","bandwidthInMbps":10,"description":"","localIfId":"qpif-1","localIfName":"","localVpcId":"vpc-demobj000001","localRegion":"bj","peerVpcId":"vpc-peerbj000001","peerRegion":"bj","peerAccountId":"a2","paymentTiming":"Postpaid","dnsStatus":"close","createdTime":"2026-11-25T23:13:19Z","expiredTime":"","deleteProtect":false,"tags":[{"tagKey":"k","tagValue":"v"}]}"#),
        ("list", 0, br#"{"peerConns":[{"peerConnId":"peerconn-1"}],"marker":"peerconn-1","isTruncated":true,"nextMarker":"peerconn-2","maxKeys":1}"#),
        ("error", 7, br#"{"code":"NoSuchObject","message":"gone","requestId":"r-1"}"#),
        ("html", 12, b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
        ("create", 0, br#"{"peerConnId":"peerconn-abcdefghijkl"}"#),
    ];
    for (name, status, body) in bodies {
        write("peerconn_response", name, &with_prefix(&[status, 2, b'r', 0], body));
    }

    // emulator_request: the structure is read byte by byte, so random bytes are fine seeds.
    let mut rng = SplitMix64(8);
    for i in 0..16 {
        write("emulator_request", &format!("random{i}"), &rng.bytes(96));
    }
    println!("seeds written to fuzz/corpus/");
}
