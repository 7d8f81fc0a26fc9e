//! Property tests for the cty value codecs: arbitrary (type, conforming
//! value) pairs — unknowns, refinements, big numbers, nested sets of
//! objects, maps, tuples, dynamic values — survive msgpack and JSON round
//! trips, and the decoders never panic on garbage.

use proptest::prelude::*;
use tfvalue::{
    decode_json, decode_json_with, decode_msgpack, encode_json, encode_msgpack, JsonDecodeOptions,
    Number, Refinements, Type, Value,
};

/// Attribute and map-key names: short, overlapping, some needing escapes.
fn arb_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["id", "name", "tags", "billing", "a", "b", "<&>", "é"])
            .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

fn arb_type() -> impl Strategy<Value = Type> {
    let leaf = prop_oneof![
        3 => Just(Type::String),
        3 => Just(Type::Number),
        2 => Just(Type::Bool),
        1 => Just(Type::Dynamic),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map(arb_name(), inner.clone(), 0..4).prop_map(Type::Object),
            prop::collection::vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
}

/// A type for the concrete side of a dynamic value (anything but `dynamic`
/// itself, which would carry no information).
fn arb_concrete_type() -> impl Strategy<Value = Type> {
    arb_type().prop_filter("concrete", |t| *t != Type::Dynamic)
}

fn arb_finite_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from_i64),
        any::<u64>().prop_map(Number::from_u64),
        // Decimals with up to 30 fractional digits (mostly not float64-exact).
        (any::<i64>(), 0u32..30).prop_map(|(m, s)| {
            Number::parse(&format!("{m}e-{s}")).unwrap_or_else(|_| Number::zero())
        }),
        // Big integers and big fractions, well past 64 bits.
        ("-?[1-9][0-9]{19,60}(\\.[0-9]{1,40})?")
            .prop_map(|s| Number::parse(&s).unwrap_or_else(|_| Number::zero())),
        // Exponent forms.
        (-400i32..400, 1u32..1000).prop_map(|(e, m)| {
            Number::parse(&format!("{m}E{e}")).unwrap_or_else(|_| Number::zero())
        }),
        // Every finite float64 (exact binary values).
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Number::from_f64(f).unwrap_or_else(|_| Number::zero())),
    ]
}

fn arb_number(json: bool) -> BoxedStrategy<Number> {
    if json {
        arb_finite_number().boxed()
    } else {
        prop_oneof![
            10 => arb_finite_number(),
            1 => Just(Number::PosInfinity),
            1 => Just(Number::NegInfinity),
        ]
        .boxed()
    }
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "\\PC{0,12}",
        1 => "[\\x00-\\x1f\"\\\\<>&\u{2028}\u{2029}]{0,6}",
        // Long enough for str8 / str16 headers.
        1 => "[a-zé]{30,300}",
    ]
}

/// Refinements in cty's normal form for `ty` that cty would not collapse
/// into a known value (so they must survive a round trip unchanged).
fn arb_refinements(ty: &Type) -> BoxedStrategy<Refinements> {
    let nullness = prop::option::of(Just(false));
    match ty {
        Type::Dynamic => Just(Refinements::default()).boxed(),
        Type::String => (nullness, prop::option::of("\\PC{1,10}"))
            .prop_map(|(nullness, string_prefix)| Refinements {
                nullness,
                string_prefix,
                ..Refinements::default()
            })
            .boxed(),
        Type::Number => (
            nullness,
            arb_finite_number(),
            arb_finite_number(),
            any::<(bool, bool)>(),
            0u8..4,
        )
            .prop_filter("distinct bounds", |(_, a, b, _, _)| a != b)
            .prop_map(|(nullness, a, b, (lo_inc, hi_inc), which)| {
                let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                Refinements {
                    nullness,
                    number_lower: (which & 1 == 1).then_some((lo, lo_inc)),
                    number_upper: (which & 2 == 2).then_some((hi, hi_inc)),
                    ..Refinements::default()
                }
            })
            .boxed(),
        Type::List(_) | Type::Set(_) | Type::Map(_) => (
            nullness,
            prop::option::of(1u64..20),
            prop::option::of(1u64..1000),
        )
            .prop_map(|(nullness, lower, extra)| {
                // upper > lower strictly, so nothing collapses.
                let upper = extra.map(|e| lower.unwrap_or(0) + e);
                Refinements {
                    nullness,
                    length_lower: lower,
                    length_upper: upper,
                    ..Refinements::default()
                }
            })
            .boxed(),
        Type::Bool | Type::Object(_) | Type::Tuple(_) => nullness
            .prop_map(|nullness| Refinements {
                nullness,
                ..Refinements::default()
            })
            .boxed(),
    }
}

/// A value conforming to `ty`. With `json`, wholly known and finite.
fn arb_value(ty: &Type, json: bool) -> BoxedStrategy<Value> {
    let known = arb_known_value(ty, json);
    if json {
        return prop_oneof![1 => Just(Value::Null), 8 => known].boxed();
    }
    prop_oneof![
        1 => Just(Value::Null),
        1 => arb_refinements(ty).prop_map(Value::Unknown),
        8 => known,
    ]
    .boxed()
}

fn arb_known_value(ty: &Type, json: bool) -> BoxedStrategy<Value> {
    match ty {
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => arb_number(json).prop_map(Value::Number).boxed(),
        Type::String => arb_string().prop_map(Value::String).boxed(),
        Type::List(elem) => prop::collection::vec(arb_value(elem, json), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(elem) => prop::collection::vec(arb_value(elem, json), 0..5)
            .prop_map(Value::set)
            .boxed(),
        Type::Map(elem) => prop::collection::btree_map(arb_name(), arb_value(elem, json), 0..4)
            .prop_map(Value::Map)
            .boxed(),
        Type::Object(attrs) => {
            let parts: Vec<BoxedStrategy<(String, Value)>> = attrs
                .iter()
                .map(|(name, attr_ty)| {
                    let name = name.clone();
                    arb_value(attr_ty, json)
                        .prop_map(move |v| (name.clone(), v))
                        .boxed()
                })
                .collect();
            parts.prop_map(Value::object).boxed()
        }
        Type::Tuple(elems) => {
            let parts: Vec<BoxedStrategy<Value>> =
                elems.iter().map(|t| arb_value(t, json)).collect();
            parts.prop_map(Value::Tuple).boxed()
        }
        Type::Dynamic => arb_concrete_type()
            .prop_flat_map(move |t| {
                arb_value(&t, json).prop_map(move |v| Value::dynamic(t.clone(), v))
            })
            .boxed(),
    }
}

fn arb_msgpack_case() -> impl Strategy<Value = (Type, Value)> {
    arb_type().prop_flat_map(|ty| {
        let values = arb_value(&ty, false);
        (Just(ty), values)
    })
}

fn arb_json_case() -> impl Strategy<Value = (Type, Value)> {
    arb_type().prop_flat_map(|ty| {
        let values = arb_value(&ty, true);
        (Just(ty), values)
    })
}

/// The object type of a resource with nested sets of objects, as the
/// framework builds from block schemas.
fn resource_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("bandwidth", Type::Number),
        ("tags", Type::map(Type::String)),
        (
            "rules",
            Type::set(Type::object([
                ("cidr", Type::String),
                ("ports", Type::set(Type::Number)),
                ("meta", Type::map(Type::list(Type::Bool))),
            ])),
        ),
        ("pair", Type::tuple([Type::String, Type::Dynamic])),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn msgpack_round_trips((ty, value) in arb_msgpack_case()) {
        prop_assert!(value.conforms_to(&ty), "{:?}", value.check_conformance(&ty));
        let bytes = encode_msgpack(&value, &ty).expect("encodes");
        // Well-formed msgpack, exactly one value.
        let mut rest = &bytes[..];
        rmpv::decode::read_value(&mut rest).expect("valid msgpack");
        prop_assert!(rest.is_empty());
        let back = decode_msgpack(&bytes, &ty).expect("decodes");
        prop_assert_eq!(&back, &value);
        // Canonical: encoding again gives the same bytes.
        prop_assert_eq!(encode_msgpack(&back, &ty).expect("re-encodes"), bytes);
    }

    #[test]
    fn json_round_trips((ty, value) in arb_json_case()) {
        prop_assert!(value.is_wholly_known());
        let text = encode_json(&value, &ty).expect("encodes");
        serde_json::from_slice::<serde_json::Value>(&text).expect("valid JSON");
        let back = decode_json(&text, &ty).expect("decodes");
        prop_assert_eq!(&back, &value);
        let lenient = decode_json_with(
            &text,
            &ty,
            JsonDecodeOptions { ignore_unknown_attributes: true },
        )
        .expect("decodes");
        prop_assert_eq!(&lenient, &value);
        prop_assert_eq!(encode_json(&back, &ty).expect("re-encodes"), text);
    }

    #[test]
    fn json_and_msgpack_agree_on_known_values((ty, value) in arb_json_case()) {
        let via_msgpack = decode_msgpack(&encode_msgpack(&value, &ty).expect("encodes"), &ty)
            .expect("decodes");
        let via_json = decode_json(&encode_json(&value, &ty).expect("encodes"), &ty)
            .expect("decodes");
        prop_assert_eq!(via_msgpack, via_json);
    }

    #[test]
    fn resource_objects_with_nested_sets_round_trip(
        value in arb_value(&resource_type(), false),
    ) {
        let ty = resource_type();
        let bytes = encode_msgpack(&value, &ty).expect("encodes");
        prop_assert_eq!(decode_msgpack(&bytes, &ty).expect("decodes"), value);
    }

    #[test]
    fn type_json_round_trips(ty in arb_type()) {
        let text = ty.to_json();
        prop_assert_eq!(Type::from_json(&text).expect("parses"), ty);
    }

    #[test]
    fn number_text_round_trips(n in arb_number(false)) {
        prop_assert_eq!(Number::parse(&n.to_string()).expect("parses"), n.clone());
        if let Some(f) = n.to_f64_exact() {
            prop_assert_eq!(Number::from_f64(f).expect("finite or infinite"), n);
        }
    }

    #[test]
    fn decoders_never_panic_on_garbage(
        ty in arb_type(),
        bytes in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let _ = decode_msgpack(&bytes, &ty);
        let _ = decode_json(&bytes, &ty);
    }

    #[test]
    fn decoders_never_panic_on_mutated_encodings(
        (ty, value) in arb_msgpack_case(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = encode_msgpack(&value, &ty).expect("encodes");
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let _ = decode_msgpack(&bytes, &ty);
    }
}
