//! Conversions between the framework's types and the protocol-5 wire types:
//! schemas, diagnostics, attribute paths and `DynamicValue`s.

use std::borrow::Cow;

use crate::schema::{Attribute, Block, Description, DescriptionKind, NestedBlock, Nesting, Schema};
use tfplugin5::logging::mask_secrets;
use tfplugin5::proto::tfplugin5 as pb;
use tfvalue::{
    decode_json, decode_msgpack, encode_msgpack, AttributePath, Diagnostic, Diagnostics, PathStep,
    Severity, Type, Value,
};

pub(crate) fn schema_to_proto(schema: &Schema) -> pb::Schema {
    pb::Schema {
        version: schema.version,
        block: Some(block_to_proto(&schema.block, schema.version)),
    }
}

fn string_kind(d: &Description) -> i32 {
    match d.kind {
        DescriptionKind::Plain => pb::StringKind::Plain as i32,
        DescriptionKind::Markdown => pb::StringKind::Markdown as i32,
    }
}

fn block_to_proto(block: &Block, version: i64) -> pb::schema::Block {
    pb::schema::Block {
        version,
        attributes: block.attributes.iter().map(attribute_to_proto).collect(),
        block_types: block.blocks.iter().map(nested_to_proto).collect(),
        description: block.description.text.clone(),
        description_kind: string_kind(&block.description),
        deprecated: block.deprecation.is_some(),
        deprecation_message: block.deprecation.clone().unwrap_or_default(),
    }
}

fn attribute_to_proto(a: &Attribute) -> pb::schema::Attribute {
    pb::schema::Attribute {
        name: a.name.clone(),
        r#type: a.ty.to_json(),
        description: a.description.text.clone(),
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
        description_kind: string_kind(&a.description),
        deprecated: a.deprecation.is_some(),
        write_only: false,
        deprecation_message: a.deprecation.clone().unwrap_or_default(),
    }
}

fn nested_to_proto(b: &NestedBlock) -> pb::schema::NestedBlock {
    use pb::schema::nested_block::NestingMode;
    let nesting = match b.nesting {
        Nesting::Single => NestingMode::Single,
        Nesting::List => NestingMode::List,
        Nesting::Set => NestingMode::Set,
        Nesting::Map => NestingMode::Map,
        Nesting::Group => NestingMode::Group,
    };
    pb::schema::NestedBlock {
        type_name: b.type_name.clone(),
        // Nested blocks carry no version of their own (Terraform ignores it).
        block: Some(block_to_proto(&b.block, 0)),
        nesting: nesting as i32,
        min_items: i64::from(b.min_items),
        max_items: i64::from(b.max_items),
    }
}

pub(crate) fn path_to_proto(path: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: path
            .steps()
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attribute(n) => Selector::AttributeName(n.clone()),
                    PathStep::ElementKeyString(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::ElementKeyInt(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

/// [`encode_dynamic`], or — when the value cannot be encoded — its
/// diagnostics appended to `diags` and `fallback` sent instead (what
/// Terraform already had, so a provider bug never makes an object vanish).
pub(crate) fn encode_or(
    value: &Value,
    ty: &Type,
    what: &str,
    fallback: Option<pb::DynamicValue>,
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    match encode_dynamic(value, ty, what) {
        Ok(dv) => Some(dv),
        Err(mut e) => {
            diags.append(&mut e);
            fallback
        }
    }
}

#[cfg(test)]
pub(crate) fn path_from_proto(path: &pb::AttributePath) -> AttributePath {
    use pb::attribute_path::step::Selector;
    path.steps
        .iter()
        .filter_map(|s| match s.selector.as_ref()? {
            Selector::AttributeName(n) => Some(PathStep::Attribute(n.clone())),
            Selector::ElementKeyString(k) => Some(PathStep::ElementKeyString(k.clone())),
            Selector::ElementKeyInt(i) => Some(PathStep::ElementKeyInt(*i)),
        })
        .collect()
}

/// Longest summary or detail sent to Terraform. Messages may quote values
/// (a validator's "got \"…\"", an API error message), and a hostile or broken
/// input (an 8 MiB string, a gateway's error page) must not become a
/// diagnostic that floods the terminal, the log and the plan file.
pub(crate) const MAX_DIAGNOSTIC_TEXT: usize = 8 * 1024;

/// `text` with registered secrets masked (a panic message or an error from
/// below may quote one; Terraform shows diagnostics and writes them to its
/// log), cut to [`MAX_DIAGNOSTIC_TEXT`] bytes on a character boundary,
/// saying how much was left out.
fn bounded_text(text: String) -> String {
    let mut text = match mask_secrets(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(masked) => masked,
    };
    if text.len() <= MAX_DIAGNOSTIC_TEXT {
        return text;
    }
    let mut cut = MAX_DIAGNOSTIC_TEXT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let omitted = text.len() - cut;
    text.truncate(cut);
    text.push_str(&format!("… ({omitted} more bytes omitted)"));
    text
}

pub(crate) fn diagnostic_to_proto(d: Diagnostic) -> pb::Diagnostic {
    let severity = match d.severity {
        Severity::Error => pb::diagnostic::Severity::Error,
        Severity::Warning => pb::diagnostic::Severity::Warning,
    };
    pb::Diagnostic {
        severity: severity as i32,
        summary: bounded_text(d.summary),
        detail: bounded_text(d.detail),
        attribute: d
            .attribute
            .filter(|p| !p.is_empty())
            .map(|p| path_to_proto(&p)),
    }
}

pub(crate) fn diagnostics_to_proto(d: Diagnostics) -> Vec<pb::Diagnostic> {
    d.into_iter().map(diagnostic_to_proto).collect()
}

/// Decodes a request value as Terraform's client would: absent → null,
/// msgpack when present, JSON as a fallback.
pub(crate) fn decode_dynamic(
    value: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Diagnostics> {
    let Some(dv) = value else {
        return Ok(Value::Null);
    };
    let decoded = if !dv.msgpack.is_empty() {
        decode_msgpack(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        decode_json(&dv.json, ty)
    } else {
        return Ok(Value::Null);
    };
    decoded.map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "Invalid value from Terraform",
            format!("The provider could not decode {what}: {e}."),
        ))
    })
}

/// Encodes a response value as msgpack (what Terraform reliably accepts).
pub(crate) fn encode_dynamic(
    value: &Value,
    ty: &Type,
    what: &str,
) -> Result<pb::DynamicValue, Diagnostics> {
    encode_msgpack(value, ty)
        .map(|msgpack| pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Provider produced an invalid value",
                format!(
                    "The provider could not encode {what}: {e}. This is a bug in the provider."
                ),
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_that_cannot_be_encoded_sends_the_fallback_and_says_why() {
        let fallback = pb::DynamicValue {
            msgpack: vec![0xc0],
            json: Vec::new(),
        };
        let mut diags = Diagnostics::new();
        let sent = encode_or(
            &Value::string("not a number"),
            &Type::Number,
            "the new state",
            Some(fallback.clone()),
            &mut diags,
        );
        assert_eq!(sent, Some(fallback));
        let reported: Vec<&Diagnostic> = diags.iter().collect();
        assert_eq!(reported.len(), 1);
        assert!(reported[0]
            .detail
            .contains("could not encode the new state"));

        let mut diags = Diagnostics::new();
        let sent = encode_or(&Value::bool(true), &Type::Bool, "x", None, &mut diags);
        assert!(sent.is_some() && diags.is_empty());
    }

    #[test]
    fn registered_secrets_are_masked_in_diagnostics() {
        tfplugin5::logging::register_secret("CONVERT-TEST-SECRET-4711");
        let d = diagnostic_to_proto(Diagnostic::error(
            "panic: key CONVERT-TEST-SECRET-4711",
            "signed with \"CONVERT-TEST-SECRET-4711\"",
        ));
        assert!(!d.summary.contains("4711") && !d.detail.contains("4711"));
        assert_eq!(d.summary, "panic: key ***");
    }

    #[test]
    fn huge_diagnostic_text_is_cut_on_a_char_boundary() {
        let short = Diagnostic::error("s", "d");
        assert_eq!(diagnostic_to_proto(short).detail, "d");
        let huge = format!("got {:?}", "é".repeat(MAX_DIAGNOSTIC_TEXT));
        let d = diagnostic_to_proto(Diagnostic::error(huge.clone(), huge.clone()));
        for text in [&d.summary, &d.detail] {
            assert!(text.len() < MAX_DIAGNOSTIC_TEXT + 64, "{}", text.len());
            assert!(text.starts_with("got \"éé"));
            assert!(
                text.ends_with("more bytes omitted)"),
                "{}",
                &text[text.len() - 40..]
            );
        }
    }
    use crate::schema::{Attribute, NestedBlock};

    #[test]
    fn schema_converts_with_json_types_and_flags() {
        let schema = Schema::new()
            .version(2)
            .markdown_description("The **thing**.")
            .attribute(
                Attribute::string("secret")
                    .optional()
                    .sensitive()
                    .description("shh")
                    .deprecated("use other"),
            )
            .attribute(Attribute::map("tags", Type::String).optional())
            .block(
                NestedBlock::list(
                    "billing",
                    Block::new()
                        .description("billing")
                        .attribute(Attribute::string("payment_timing").required()),
                )
                .min_items(1)
                .max_items(1),
            )
            .block(NestedBlock::single("s", Block::new()))
            .block(NestedBlock::set("st", Block::new()))
            .block(NestedBlock::map("m", Block::new()))
            .block(NestedBlock::group("g", Block::new()));
        let p = schema_to_proto(&schema);
        assert_eq!(p.version, 2);
        let block = p.block.expect("block");
        assert_eq!(block.description, "The **thing**.");
        assert_eq!(block.description_kind, pb::StringKind::Markdown as i32);
        let secret = &block.attributes[0];
        assert_eq!(secret.r#type, br#""string""#.to_vec());
        assert!(secret.optional && secret.sensitive && !secret.required && !secret.computed);
        assert!(secret.deprecated);
        assert_eq!(secret.deprecation_message, "use other");
        assert_eq!(secret.description_kind, pb::StringKind::Plain as i32);
        assert_eq!(block.attributes[1].r#type, br#"["map","string"]"#.to_vec());
        let billing = &block.block_types[0];
        assert_eq!(
            billing.nesting,
            pb::schema::nested_block::NestingMode::List as i32
        );
        assert_eq!((billing.min_items, billing.max_items), (1, 1));
        let inner = billing
            .block
            .as_ref()
            .expect("nested blocks always carry a block");
        assert_eq!(inner.attributes[0].name, "payment_timing");
        assert!(inner.attributes[0].required);
        let modes: Vec<i32> = block.block_types.iter().map(|b| b.nesting).collect();
        assert_eq!(modes, [2, 1, 3, 4, 5]);
        assert!(block.block_types.iter().all(|b| b.block.is_some()));
    }

    #[test]
    fn paths_and_diagnostics_round_trip() {
        let path = AttributePath::root()
            .attr("billing")
            .index(0)
            .attr("x")
            .key("k");
        assert_eq!(path_from_proto(&path_to_proto(&path)), path);
        let d = diagnostic_to_proto(Diagnostic::warning("s", "d").at(path.clone()));
        assert_eq!(d.severity, pb::diagnostic::Severity::Warning as i32);
        assert_eq!(d.attribute.map(|a| path_from_proto(&a)), Some(path));
        let root = diagnostic_to_proto(Diagnostic::error("s", "d").at(AttributePath::root()));
        assert!(root.attribute.is_none());
    }

    #[test]
    fn dynamic_values_decode_msgpack_then_json_then_null() {
        let ty = Type::object([("a", Type::String)]);
        let v = Value::object([("a", Value::string("x"))]);
        let dv = encode_dynamic(&v, &ty, "v").expect("encode");
        assert_eq!(decode_dynamic(Some(&dv), &ty, "v").expect("decode"), v);
        let json = pb::DynamicValue {
            msgpack: Vec::new(),
            json: br#"{"a":"x"}"#.to_vec(),
        };
        assert_eq!(decode_dynamic(Some(&json), &ty, "v").expect("json"), v);
        assert_eq!(decode_dynamic(None, &ty, "v").expect("none"), Value::Null);
        let bad = pb::DynamicValue {
            msgpack: vec![0xc1],
            json: Vec::new(),
        };
        let err = decode_dynamic(Some(&bad), &ty, "config").expect_err("bad");
        assert!(err
            .iter()
            .next()
            .is_some_and(|d| d.detail.contains("config")));
    }
}
