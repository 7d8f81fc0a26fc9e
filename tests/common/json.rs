//! Navigating Terraform's JSON output with failure messages that show where it went wrong.

use serde_json::Value;

/// `value[keys[0]][keys[1]]...`; keys that look like indices also index arrays.
/// Unlike a JSON pointer, keys are taken verbatim (provider addresses contain `/`).
#[track_caller]
pub fn json_path<'a>(value: &'a Value, keys: &[&str]) -> &'a Value {
    let mut current = value;
    for (depth, key) in keys.iter().enumerate() {
        let next = match current {
            Value::Object(map) => map.get(*key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        current = match next {
            Some(v) => v,
            None => panic!(
                "JSON has no {:?} at {:?}; there: {}\nwhole document:\n{}",
                key,
                &keys[..depth],
                describe(current),
                pretty(value)
            ),
        };
    }
    current
}

/// Asserts a `terraform validate -json` result says valid, listing the diagnostics if not.
#[track_caller]
pub fn assert_valid(validate: &Value) {
    if validate.get("valid") != Some(&Value::Bool(true)) {
        panic!(
            "configuration is not valid:\n{}",
            diagnostics_text(validate)
        );
    }
}

/// The `diagnostics` of a `-json` result as readable lines.
pub fn diagnostics_text(result: &Value) -> String {
    let Some(diags) = result.get("diagnostics").and_then(Value::as_array) else {
        return pretty(result);
    };
    diags
        .iter()
        .map(|d| {
            format!(
                "{}: {}\n    {}",
                d.get("severity").and_then(Value::as_str).unwrap_or("?"),
                d.get("summary").and_then(Value::as_str).unwrap_or("?"),
                d.get("detail")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .replace('\n', "\n    ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Summaries of the diagnostics with the given severity (`error` / `warning`).
pub fn diagnostic_summaries(result: &Value, severity: &str) -> Vec<String> {
    result
        .get("diagnostics")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|d| d.get("severity").and_then(Value::as_str) == Some(severity))
        .filter_map(|d| d.get("summary").and_then(Value::as_str).map(str::to_string))
        .collect()
}

pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn describe(value: &Value) -> String {
    match value {
        Value::Object(map) => format!("an object with keys {:?}", map.keys().collect::<Vec<_>>()),
        Value::Array(items) => format!("an array of {} items", items.len()),
        other => format!("the value {other}"),
    }
}
