//! Byte-level tests against go-cty's encoding (sequences worked out from
//! go-cty's marshal.go / unknown.go and vmihailenco/msgpack's encoder).

use super::{decode_msgpack, encode_msgpack};
use crate::{DecodeErrorKind, EncodeErrorKind, Mismatch, Number, Refinements, Type, Value};

fn num(s: &str) -> Value {
    Value::Number(Number::parse(s).expect("number"))
}

fn enc(v: &Value, ty: &Type) -> Vec<u8> {
    encode_msgpack(v, ty).expect("encodes")
}

fn dec(bytes: &[u8], ty: &Type) -> Value {
    decode_msgpack(bytes, ty).expect("decodes")
}

/// Encodes to exactly `bytes` and decodes back to `v`.
fn both_ways(v: Value, ty: Type, bytes: &[u8]) {
    assert_eq!(enc(&v, &ty), bytes, "encoding {v:?}");
    assert_eq!(dec(bytes, &ty), v, "decoding {bytes:02x?}");
}

#[test]
fn primitives() {
    both_ways(Value::from("hello"), Type::String, b"\xa5hello");
    both_ways(Value::from(""), Type::String, b"\xa0");
    both_ways(Value::Null, Type::String, b"\xc0");
    both_ways(Value::unknown(), Type::String, b"\xd4\x00\x00");
    both_ways(Value::from(true), Type::Bool, b"\xc3");
    both_ways(Value::from(false), Type::Bool, b"\xc2");
}

#[test]
fn numbers_use_ctys_int_float_string_rule() {
    both_ways(Value::from(1), Type::Number, b"\x01");
    both_ways(Value::from(-1), Type::Number, b"\xff");
    both_ways(Value::from(-200), Type::Number, b"\xd1\xff\x38");
    both_ways(Value::from(200), Type::Number, b"\xcc\xc8");
    both_ways(num("1.5"), Type::Number, b"\xcb\x3f\xf8\0\0\0\0\0\0");
    // 0.8 has no exact float64, so cty sends the decimal text.
    both_ways(num("0.8"), Type::Number, b"\xa30.8");
    both_ways(
        num("9223372036854775807"),
        Type::Number,
        b"\xcf\x7f\xff\xff\xff\xff\xff\xff\xff",
    );
    both_ways(
        num("9223372036854775808"),
        Type::Number,
        b"\xb39223372036854775808",
    );
    let big = "9".repeat(100);
    let mut big_bytes = vec![0xd9, 100];
    big_bytes.extend_from_slice(big.as_bytes());
    both_ways(num(&big), Type::Number, &big_bytes);
    // An integer beyond int64 is text even though float64 holds it exactly.
    both_ways(num("1e20"), Type::Number, b"\xb5100000000000000000000");
    both_ways(
        Value::Number(Number::PosInfinity),
        Type::Number,
        b"\xcb\x7f\xf0\0\0\0\0\0\0",
    );
    both_ways(
        Value::Number(Number::NegInfinity),
        Type::Number,
        b"\xcb\xff\xf0\0\0\0\0\0\0",
    );
}

#[test]
fn numbers_decode_from_every_wire_form() {
    let cases: &[(&[u8], &str)] = &[
        (b"\x7f", "127"),
        (b"\xe0", "-32"),
        (b"\xcc\xff", "255"),
        (b"\xcd\x01\x00", "256"),
        (b"\xce\xff\xff\xff\xff", "4294967295"),
        (
            b"\xcf\xff\xff\xff\xff\xff\xff\xff\xff",
            "18446744073709551615",
        ),
        (b"\xd0\x80", "-128"),
        (b"\xd1\x80\x00", "-32768"),
        (b"\xd2\x80\x00\x00\x00", "-2147483648"),
        (b"\xd3\x80\0\0\0\0\0\0\0", "-9223372036854775808"),
        (b"\xca\x3f\xc0\x00\x00", "1.5"),
        (b"\xcb\xbf\xe0\0\0\0\0\0\0", "-0.5"),
        (b"\xa31e3", "1000"),
        (b"\xc4\x0312.", "12"),
        (b"\xa4-Inf", "-Inf"),
    ];
    for (bytes, want) in cases {
        assert_eq!(
            dec(bytes, &Type::Number)
                .as_number()
                .map(ToString::to_string),
            Some((*want).to_owned()),
            "{bytes:02x?}"
        );
    }
    let err = decode_msgpack(b"\xa3abc", &Type::Number).expect_err("not a number");
    assert_eq!(err.to_string(), "a number is required");
    let err = decode_msgpack(b"\xcb\x7f\xf8\0\0\0\0\0\x01", &Type::Number).expect_err("NaN");
    assert_eq!(err.to_string(), "NaN is not a number");
    let err = decode_msgpack(b"\xc3", &Type::Number).expect_err("bool");
    assert_eq!(err.to_string(), "number is required");
}

#[test]
fn object_with_null_and_unknown_attributes() {
    let ty = Type::object([
        ("name", Type::String),
        ("id", Type::String),
        ("count", Type::Number),
    ]);
    let v = Value::object([
        ("count", Value::Null),
        ("id", Value::unknown()),
        ("name", Value::from("x")),
    ]);
    both_ways(v, ty, b"\x83\xa5count\xc0\xa2id\xd4\x00\x00\xa4name\xa1x");
}

#[test]
fn collections_tuples_and_dynamic() {
    both_ways(
        Value::list([Value::from("a"), Value::from("b")]),
        Type::list(Type::String),
        b"\x92\xa1a\xa1b",
    );
    both_ways(Value::list([]), Type::list(Type::String), b"\x90");
    both_ways(
        Value::map([("k", Value::from(1))]),
        Type::map(Type::Number),
        b"\x81\xa1k\x01",
    );
    both_ways(
        Value::tuple([Value::from(true), Value::from("x")]),
        Type::tuple([Type::Bool, Type::String]),
        b"\x92\xc3\xa1x",
    );
    both_ways(
        Value::dynamic(Type::String, Value::from("hi")),
        Type::Dynamic,
        b"\x92\xc4\x08\"string\"\xa2hi",
    );
    both_ways(
        Value::dynamic(Type::String, Value::Null),
        Type::Dynamic,
        b"\x92\xc4\x08\"string\"\xc0",
    );
    both_ways(
        Value::dynamic(Type::list(Type::Bool), Value::unknown()),
        Type::Dynamic,
        b"\x92\xc4\x0f[\"list\",\"bool\"]\xd4\x00\x00",
    );
    both_ways(Value::Null, Type::Dynamic, b"\xc0");
    both_ways(Value::unknown(), Type::Dynamic, b"\xd4\x00\x00");
}

#[test]
fn sets_decode_canonical_and_deduplicated() {
    let v = dec(b"\x94\xa1b\xa1a\xa1b\xd4\x00\x00", &Type::set(Type::String));
    assert_eq!(
        v,
        Value::Set(vec![Value::from("a"), Value::from("b"), Value::unknown()])
    );
    assert_eq!(
        enc(&v, &Type::set(Type::String)),
        b"\x93\xa1a\xa1b\xd4\x00\x00"
    );
}

#[test]
fn refined_unknowns_round_trip_as_ext_12() {
    let s = Refinements::default().not_null().with_string_prefix("foo-");
    both_ways(
        Value::Unknown(s),
        Type::String,
        b"\xc7\x09\x0c\x82\x01\xc2\x02\xa4foo-",
    );
    let n = Refinements::default()
        .not_null()
        .with_number_lower(Number::from(0), true)
        .with_number_upper(Number::from(10), false);
    both_ways(
        Value::Unknown(n),
        Type::Number,
        b"\xc7\x0b\x0c\x83\x01\xc2\x03\x92\x00\xc3\x04\x92\x0a\xc2",
    );
    let l = Refinements::default()
        .with_length_lower(1)
        .with_length_upper(5);
    both_ways(
        Value::Unknown(l),
        Type::list(Type::String),
        b"\xc7\x05\x0c\x82\x05\x01\x06\x05",
    );
    both_ways(
        Value::unknown_not_null(),
        Type::Bool,
        b"\xc7\x03\x0c\x81\x01\xc2",
    );
    // A four-byte payload takes the fixext4 form.
    both_ways(
        Value::Unknown(Refinements::default().with_string_prefix("a")),
        Type::String,
        b"\xd6\x0c\x81\x02\xa1a",
    );
    // A big decimal bound travels as text, as cty's number rule says.
    both_ways(
        Value::Unknown(
            Refinements::default().with_number_lower(Number::parse("0.1").expect("number"), false),
        ),
        Type::Number,
        // An eight-byte payload takes the fixext8 form.
        b"\xd7\x0c\x81\x03\x92\xa30.1\xc2",
    );
}

#[test]
fn refinements_that_cannot_apply_are_not_written() {
    let everything = Refinements::default()
        .with_string_prefix("x")
        .with_length_lower(0)
        .with_number_upper(Number::PosInfinity, true);
    assert_eq!(
        enc(&Value::Unknown(everything.clone()), &Type::Number),
        b"\xd4\x00\x00"
    );
    assert_eq!(
        enc(&Value::Unknown(everything), &Type::list(Type::Bool)),
        b"\xd4\x00\x00"
    );
    assert_eq!(
        enc(&Value::unknown_not_null(), &Type::Dynamic),
        b"\xd4\x00\x00"
    );
    let null = Refinements {
        nullness: Some(true),
        ..Refinements::default()
    };
    assert_eq!(enc(&Value::Unknown(null), &Type::String), b"\xc0");
    let long = "é".repeat(200);
    let bytes = enc(
        &Value::Unknown(Refinements::default().with_string_prefix(long)),
        &Type::String,
    );
    // 255 bytes cut to a char boundary (254), then the trailing letter dropped.
    let Value::Unknown(r) = dec(&bytes, &Type::String) else {
        panic!("not unknown")
    };
    assert_eq!(r.string_prefix, Some("é".repeat(126)));
}

#[test]
fn any_extension_is_unknown_and_refinements_decode_like_cty() {
    // Payload of at most one byte: plain unknown whatever the code.
    assert_eq!(dec(b"\xd4\x05\x00", &Type::String), Value::unknown());
    assert_eq!(dec(b"\xc7\x00\x07", &Type::Number), Value::unknown());
    // Unknown keys are skipped, including composite values.
    assert_eq!(
        dec(b"\xc7\x07\x0c\x82\x09\x92\x01\x02\x01\xc2", &Type::String),
        Value::unknown_not_null()
    );
    // Dynamic unknowns are never refined.
    assert_eq!(
        dec(b"\xc7\x03\x0c\x81\x01\xc2", &Type::Dynamic),
        Value::unknown()
    );
    // Explicitly infinite bounds and a zero lower length say nothing.
    assert_eq!(
        dec(
            b"\xc7\x0d\x0c\x81\x03\x92\xcb\xff\xf0\0\0\0\0\0\0\xc3",
            &Type::Number
        ),
        Value::unknown()
    );
    assert_eq!(
        dec(b"\xc7\x03\x0c\x81\x05\x00", &Type::set(Type::Bool)),
        Value::unknown()
    );

    let err = |bytes: &[u8], ty: &Type| decode_msgpack(bytes, ty).expect_err("error").kind;
    assert_eq!(
        err(b"\xd5\x05\x01\x02", &Type::String),
        DecodeErrorKind::UnsupportedExtension { code: 5, len: 2 }
    );
    let mut oversize = vec![0xc8, 0x04, 0x01, 0x0c];
    oversize.extend(std::iter::repeat_n(0u8, 1025));
    assert_eq!(
        err(&oversize, &Type::String),
        DecodeErrorKind::OversizeRefinement
    );
    assert!(matches!(
        err(b"\xd6\x0c\x81\x02\xa1a", &Type::Number),
        DecodeErrorKind::InvalidRefinement(_)
    ));
    assert!(matches!(
        err(b"\xc7\x03\x0c\x81\x05\x01", &Type::String),
        DecodeErrorKind::InvalidRefinement(_)
    ));
    assert!(matches!(
        err(b"\xc7\x03\x0c\x81\x01\x01", &Type::String),
        DecodeErrorKind::InvalidRefinement(_)
    ));
    assert!(matches!(
        err(b"\xd5\x0c\x01\x02", &Type::String),
        DecodeErrorKind::InvalidRefinement(_)
    ));
    // Lower bound above the upper bound.
    assert!(matches!(
        err(b"\xc7\x05\x0c\x82\x05\x03\x06\x02", &Type::list(Type::Bool)),
        DecodeErrorKind::InvalidRefinement(_)
    ));
}

#[test]
fn refinements_that_pin_the_value_collapse_like_cty() {
    // Definitely null is null.
    assert_eq!(dec(b"\xc7\x03\x0c\x81\x01\xc3", &Type::String), Value::Null);
    // Not null with equal inclusive bounds is that number.
    assert_eq!(
        dec(
            b"\xc7\x0b\x0c\x83\x01\xc2\x03\x92\x07\xc3\x04\x92\x07\xc3",
            &Type::Number
        ),
        Value::from(7)
    );
    // Not null with length exactly 0, 2 (list) or 1 (set).
    let len = |n: u8| vec![0xc7, 0x07, 0x0c, 0x83, 0x01, 0xc2, 0x05, n, 0x06, n];
    assert_eq!(dec(&len(0), &Type::map(Type::Bool)), Value::map::<&str>([]));
    assert_eq!(
        dec(&len(2), &Type::list(Type::Bool)),
        Value::list([Value::unknown(), Value::unknown()])
    );
    assert_eq!(
        dec(&len(1), &Type::set(Type::Bool)),
        Value::Set(vec![Value::unknown()])
    );
    // A two-element set might still collapse, so it stays unknown.
    assert!(dec(&len(2), &Type::set(Type::Bool)).is_unknown());
}

#[test]
fn decode_is_lenient_where_documented() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
    assert_eq!(
        dec(b"\x81\xa1a\xa1x", &ty),
        Value::object([("a", Value::from("x")), ("b", Value::Null)])
    );
    assert_eq!(
        dec(b"\x80", &ty),
        Value::object([("a", Value::Null), ("b", Value::Null)])
    );
    // Trailing bytes are ignored, as go-cty's stream decoder does.
    assert_eq!(dec(b"\xa1x\xff\xff", &Type::String), Value::from("x"));
    // A str where Go wants bytes (and vice versa) is accepted.
    assert_eq!(dec(b"\xc4\x01x", &Type::String), Value::from("x"));
    assert_eq!(
        dec(b"\x92\xa8\"string\"\xa1x", &Type::Dynamic),
        Value::dynamic(Type::String, Value::from("x"))
    );
    // A value whose type is "dynamic" needs no wrapper.
    assert_eq!(
        dec(b"\x92\xc4\x09\"dynamic\"\xc0", &Type::Dynamic),
        Value::Null
    );
}

#[test]
fn decode_errors_carry_paths() {
    let ty = Type::object([
        ("tags", Type::map(Type::String)),
        ("blocks", Type::list(Type::object([("n", Type::Number)]))),
        ("pair", Type::tuple([Type::Bool, Type::Bool])),
        ("any", Type::Dynamic),
    ]);
    let cases: &[(&[u8], &str)] = &[
        (
            b"\x81\xa4tags\x81\xa1a\x01",
            r#"tags["a"]: string is required"#,
        ),
        (
            b"\x81\xa6blocks\x92\x81\xa1n\x01\x81\xa1n\xa1x",
            "blocks[1].n: a number is required",
        ),
        (
            b"\x81\xa4pair\x91\xc3",
            "pair: a tuple of length 2 is required (1 given)",
        ),
        (b"\x81\xa5extra\xc0", r#"unsupported attribute "extra""#),
        (b"\x81\x01\xc0", "all keys must be strings"),
        (
            b"\x81\xa3any\x91\xc0",
            "any: dynamic value array must have exactly two elements",
        ),
        (
            b"\x81\xa3any\x92\xc4\x03\"x\"\xc0",
            r#"any: invalid type of dynamic value: invalid primitive type name "x""#,
        ),
        (b"\x81\xa4tags", "tags: unexpected end of input"),
        (b"", "unexpected end of input"),
        (b"\x92", "an object is required"),
        (
            b"\x81\xa4tags\x81\xa1a\xa2\xff\xfe",
            r#"tags["a"]: string is not valid UTF-8"#,
        ),
    ];
    for (bytes, want) in cases {
        let err = decode_msgpack(bytes, &ty).expect_err(want);
        assert_eq!(err.to_string(), *want, "{bytes:02x?}");
    }
}

#[test]
fn hostile_nesting_is_refused() {
    let mut bytes = Vec::new();
    for _ in 0..10_000 {
        bytes.extend_from_slice(b"\x92\xc4\x09\"dynamic\"");
    }
    bytes.push(0xc0);
    let err = decode_msgpack(&bytes, &Type::Dynamic).expect_err("too deep");
    assert!(matches!(err.kind, DecodeErrorKind::TooDeep(_)));
}

#[test]
fn encode_errors_and_leniency() {
    let ty = Type::object([("a", Type::String), ("b", Type::list(Type::Number))]);
    // A missing attribute is written as null.
    assert_eq!(
        enc(&Value::object([("a", Value::from("x"))]), &ty),
        b"\x82\xa1a\xa1x\xa1b\xc0"
    );
    let err = |v: Value| encode_msgpack(&v, &ty).expect_err("error");
    assert_eq!(
        err(Value::object([("c", Value::Null)])).kind,
        EncodeErrorKind::Mismatch(Mismatch::UnsupportedAttribute("c".into()))
    );
    assert_eq!(
        err(Value::object([("b", Value::list([Value::from("x")]))])).to_string(),
        "b[0]: number required, found string"
    );
    assert_eq!(
        encode_msgpack(&Value::from(1), &Type::tuple([Type::Number]))
            .expect_err("kind")
            .to_string(),
        "tuple required, found number"
    );
    // A bare value in a dynamic position is written with its implied type.
    assert_eq!(
        enc(&Value::from("hi"), &Type::Dynamic),
        b"\x92\xc4\x08\"string\"\xa2hi"
    );
    assert_eq!(
        encode_msgpack(
            &Value::list([Value::from(1), Value::from("x")]),
            &Type::Dynamic
        )
        .expect_err("uninferable")
        .kind,
        EncodeErrorKind::Mismatch(Mismatch::UninferableDynamic)
    );
}
