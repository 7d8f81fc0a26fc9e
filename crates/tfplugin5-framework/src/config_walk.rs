//! Validate-time checks driven by the schema: per-attribute validators and
//! deprecation warnings, each diagnostic carrying the attribute path (and the
//! path spelled out in its text, so it survives any rendering).

use super::schema::{Block, Nesting};
use tfvalue::Diagnostics;
use tfvalue::{AttributePath, Value};

/// Runs every validator of `block` against `config`. Unknown and null values
/// are skipped (see [`super::validators`]).
pub(crate) fn validate_block(
    block: &Block,
    path: &AttributePath,
    config: &Value,
    diags: &mut Diagnostics,
) {
    if !matches!(config, Value::Object(_)) {
        return;
    }
    for attr in &block.attributes {
        let Some(value) = config.get_attr(&attr.name) else {
            continue;
        };
        let apath = path.clone().attr(&attr.name);
        if matches!(value, Value::Null) {
            continue;
        }
        if let Some(message) = &attr.deprecation {
            diags.attribute_warning(
                apath.clone(),
                "Argument is deprecated",
                if message.is_empty() {
                    format!("{apath} is deprecated.")
                } else {
                    format!("{apath} is deprecated: {message}")
                },
            );
        }
        for validator in &attr.validators {
            if let Err(message) = validator.check(value) {
                diags.attribute_error(
                    apath.clone(),
                    "Invalid attribute value",
                    format!("{apath} {message}."),
                );
            }
        }
    }
    for nested in &block.blocks {
        let Some(value) = config.get_attr(&nested.type_name) else {
            continue;
        };
        let bpath = path.clone().attr(&nested.type_name);
        match (nested.nesting, value) {
            (Nesting::Single | Nesting::Group, v) => {
                validate_block(&nested.block, &bpath, v, diags)
            }
            (Nesting::List, Value::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    validate_block(&nested.block, &bpath.clone().index(i as i64), item, diags);
                }
            }
            (Nesting::Map, Value::Map(entries)) => {
                for (key, item) in entries {
                    validate_block(&nested.block, &bpath.clone().key(key), item, diags);
                }
            }
            (Nesting::Set, Value::Set(items)) => {
                for item in items {
                    validate_block(&nested.block, &bpath, item, diags);
                }
            }
            _ => {}
        }
    }
}
