//! Keeps secrets out of log lines: values of secret-looking field names are
//! replaced by `***`, and every registered secret value is masked wherever
//! it appears (messages, field values, span fields, panic messages).

use std::borrow::Cow;
use std::sync::{PoisonError, RwLock};

/// What a masked value prints as (terraform-plugin-log's replacement).
pub const MASK: &str = "***";

/// Fragments of field names whose values are always masked. Matched on the
/// lower-cased name with `-` and `.` read as `_`, so `x-bce-security-token`,
/// `Authorization` and `secret_key` are all caught.
const SENSITIVE_KEY_FRAGMENTS: &[&str] = &[
    "secret",
    "password",
    "passwd",
    "token",
    "authorization",
    "signature",
    "private_key",
    "credential",
];

static SECRETS: RwLock<Vec<Box<str>>> = RwLock::new(Vec::new());

/// Registers a secret value (e.g. a configured secret key or session token)
/// so it is masked in every later log line. Empty strings are ignored;
/// registering the same value twice is harmless.
pub fn register_secret(secret: &str) {
    if secret.is_empty() {
        return;
    }
    let mut secrets = SECRETS.write().unwrap_or_else(PoisonError::into_inner);
    // Debug formatting escapes quotes and backslashes; mask that spelling too.
    let escaped = secret.escape_debug().to_string();
    for candidate in [secret.to_owned(), escaped] {
        if !secrets.iter().any(|s| **s == *candidate) {
            secrets.push(candidate.into_boxed_str());
        }
    }
    // Longest first, so a secret containing another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// Whether values of a field with this name must never be printed.
pub fn is_sensitive_key(key: &str) -> bool {
    let normalized: String = key
        .chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    SENSITIVE_KEY_FRAGMENTS
        .iter()
        .any(|fragment| normalized.contains(fragment))
}

/// `text` with every registered secret replaced by [`MASK`].
pub fn mask_secrets(text: &str) -> Cow<'_, str> {
    let secrets = SECRETS.read().unwrap_or_else(PoisonError::into_inner);
    let mut out = Cow::Borrowed(text);
    for secret in secrets.iter() {
        if out.contains(&**secret) {
            out = Cow::Owned(out.replace(&**secret, MASK));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_keys() {
        for key in [
            "secret_key",
            "SecretKey",
            "session_token",
            "authorization",
            "Authorization",
            "x-bce-security-token",
            "signature",
            "password",
            "credentials.secret",
        ] {
            assert!(is_sensitive_key(key), "{key} should be sensitive");
        }
        for key in [
            "access_key",
            "tf_rpc",
            "tf_req_id",
            "region",
            "endpoint",
            "message",
        ] {
            assert!(!is_sensitive_key(key), "{key} should not be sensitive");
        }
    }

    #[test]
    fn registered_values_are_masked_anywhere() {
        register_secret("redact-test-SK-0123456789");
        register_secret("");
        let masked = mask_secrets("sk=redact-test-SK-0123456789; again redact-test-SK-0123456789");
        assert_eq!(masked, "sk=***; again ***");
        assert!(matches!(mask_secrets("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn debug_escaped_spelling_is_masked_too() {
        register_secret("redact\"quoted\\secret");
        let debug = format!("{:?}", "redact\"quoted\\secret");
        assert!(!mask_secrets(&debug).contains("quoted"), "{debug}");
    }
}
