//! JSON value codec tests; expected text follows go-cty's marshal.go.

use super::{decode_json, decode_json_with, encode_json, JsonDecodeOptions};
use crate::{DecodeErrorKind, EncodeErrorKind, Number, Type, Value};

fn enc(v: &Value, ty: &Type) -> String {
    String::from_utf8(encode_json(v, ty).expect("encodes")).expect("utf-8")
}

fn dec(text: &str, ty: &Type) -> Value {
    decode_json(text.as_bytes(), ty).expect("decodes")
}

fn state_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("bandwidth", Type::Number),
        ("enabled", Type::Bool),
        ("tags", Type::map(Type::String)),
        ("ids", Type::set(Type::String)),
        (
            "billing",
            Type::list(Type::object([
                ("payment_timing", Type::String),
                ("reservation_length", Type::Number),
            ])),
        ),
        ("pair", Type::tuple([Type::String, Type::Number])),
        ("extra", Type::Dynamic),
    ])
}

#[test]
fn encodes_like_cty() {
    let v = Value::object([
        ("id", Value::from("peerconn-abc <&>")),
        (
            "bandwidth",
            Value::Number(Number::parse("12345678901234567890.5").expect("n")),
        ),
        ("enabled", Value::from(true)),
        (
            "tags",
            Value::map([("z", Value::from("1")), ("a", Value::from("2"))]),
        ),
        ("ids", Value::set([Value::from("b"), Value::from("a")])),
        (
            "billing",
            Value::list([Value::object([
                ("payment_timing", Value::from("Prepaid")),
                ("reservation_length", Value::from(3)),
            ])]),
        ),
        (
            "pair",
            Value::tuple([
                Value::from("x"),
                Value::Number(Number::parse("1e3").expect("n")),
            ]),
        ),
        (
            "extra",
            Value::dynamic(Type::list(Type::Bool), Value::list([Value::from(false)])),
        ),
    ]);
    assert_eq!(
        enc(&v, &state_type()),
        concat!(
            r#"{"bandwidth":12345678901234567890.5,"#,
            r#""billing":[{"payment_timing":"Prepaid","reservation_length":3}],"#,
            r#""enabled":true,"extra":{"value":[false],"type":["list","bool"]},"#,
            r#""id":"peerconn-abc \u003c\u0026\u003e","ids":["a","b"],"#,
            r#""pair":["x",1000],"tags":{"a":"2","z":"1"}}"#
        )
    );
    // Round trip.
    assert_eq!(dec(&enc(&v, &state_type()), &state_type()), v);
}

#[test]
fn nulls_missing_attributes_and_dynamic_null() {
    let ty = Type::object([("a", Type::String), ("d", Type::Dynamic)]);
    assert_eq!(enc(&Value::Null, &ty), "null");
    assert_eq!(enc(&Value::empty_object(), &ty), r#"{"a":null,"d":null}"#);
    assert_eq!(
        enc(
            &Value::object([("d", Value::dynamic(Type::String, Value::Null))]),
            &ty
        ),
        r#"{"a":null,"d":{"value":null,"type":"string"}}"#
    );
    assert_eq!(
        dec("{}", &ty),
        Value::object([("a", Value::Null), ("d", Value::Null)])
    );
    assert_eq!(
        dec(r#"{"d":{"type":"number","value":5}}"#, &ty),
        Value::object([
            ("a", Value::Null),
            ("d", Value::dynamic(Type::Number, Value::from(5)))
        ])
    );
}

#[test]
fn decodes_big_numbers_and_conversions_like_cty() {
    let big = "123456789012345678901234567890.000000000000000000001";
    assert_eq!(
        dec(big, &Type::Number).as_number().map(ToString::to_string),
        Some(big.to_owned())
    );
    assert_eq!(
        dec("1e400", &Type::Number)
            .as_number()
            .map(|n| n.is_integer()),
        Some(true)
    );
    assert_eq!(
        dec(r#""42.50""#, &Type::Number)
            .as_number()
            .map(ToString::to_string),
        Some("42.5".to_owned())
    );
    assert_eq!(dec("1.50", &Type::String), Value::from("1.50"));
    assert_eq!(dec("true", &Type::String), Value::from("true"));
    assert_eq!(dec(r#""1""#, &Type::Bool), Value::from(true));
    assert_eq!(dec(r#""false""#, &Type::Bool), Value::from(false));
    assert_eq!(
        dec(r#"["b","a","b"]"#, &Type::set(Type::String)),
        Value::Set(vec![Value::from("a"), Value::from("b")])
    );
}

#[test]
fn unknown_attributes_fail_or_are_ignored() {
    let ty = Type::object([
        ("id", Type::String),
        ("nested", Type::list(Type::object([("a", Type::Number)]))),
    ]);
    let old_state = r#"{"id":"x","removed":"gone","nested":[{"a":1,"old":true}]}"#;
    let err = decode_json(old_state.as_bytes(), &ty).expect_err("strict");
    assert_eq!(err.to_string(), r#"unsupported attribute "removed""#);
    let lenient = decode_json_with(
        old_state.as_bytes(),
        &ty,
        JsonDecodeOptions {
            ignore_unknown_attributes: true,
        },
    )
    .expect("lenient");
    assert_eq!(
        lenient,
        Value::object([
            ("id", Value::from("x")),
            (
                "nested",
                Value::list([Value::object([("a", Value::from(1))])])
            ),
        ])
    );
    let err = decode_json(br#"{"nested":[{"a":1,"old":true}]}"#, &ty).expect_err("strict");
    assert_eq!(err.to_string(), r#"nested[0]: unsupported attribute "old""#);
}

#[test]
fn decode_errors_carry_paths() {
    let cases: &[(&str, &str)] = &[
        (r#"{"tags":{"k":[1]}}"#, r#"tags["k"]: string is required"#),
        (
            r#"{"billing":[{"reservation_length":"x"}]}"#,
            "billing[0].reservation_length: a number is required",
        ),
        (r#"{"enabled":"yes"}"#, "enabled: a bool is required"),
        (r#"{"enabled":1}"#, "enabled: bool is required"),
        (
            r#"{"pair":["x"]}"#,
            "pair: a tuple of length 2 is required (1 given)",
        ),
        (
            r#"{"extra":{"value":1}}"#,
            "extra: missing type in dynamically-typed value",
        ),
        (
            r#"{"extra":{"type":"number"}}"#,
            "extra: missing value in dynamically-typed value",
        ),
        (
            r#"{"extra":{"type":"number","value":1,"x":2}}"#,
            r#"extra: invalid key "x" in dynamically-typed value"#,
        ),
        (
            r#"{"extra":{"type":"nope","value":1}}"#,
            r#"extra: invalid type of dynamic value: invalid primitive type name "nope""#,
        ),
        (r#"[]"#, "an object is required"),
        (r#"{"ids":{}}"#, "ids: a set is required"),
    ];
    for (text, want) in cases {
        let err = decode_json(text.as_bytes(), &state_type()).expect_err(want);
        assert_eq!(err.to_string(), *want, "{text}");
    }
    assert!(matches!(
        decode_json(b"{", &state_type()).expect_err("syntax").kind,
        DecodeErrorKind::Syntax(_)
    ));
}

#[test]
fn encode_errors() {
    let err = encode_json(&Value::object([("id", Value::unknown())]), &state_type())
        .expect_err("unknown");
    assert_eq!(err.to_string(), "id: value is not known");
    let err = encode_json(&Value::Number(Number::PosInfinity), &Type::Number).expect_err("inf");
    assert_eq!(err.kind, EncodeErrorKind::Infinity);
    let err =
        encode_json(&Value::object([("nope", Value::Null)]), &state_type()).expect_err("extra");
    assert_eq!(err.to_string(), r#"unsupported attribute "nope""#);
}
