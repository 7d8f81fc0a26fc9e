//! Access keys and the secret wrapper every secret in this crate lives in.
//!
//! A secret key or session token is only ever held as a [`SecretString`], whose
//! `Debug` and `Display` print `***`, so a stray `{:?}` in a log line or an error
//! message cannot leak it. The raw value is reachable only through
//! [`SecretString::expose_secret`], which makes every use greppable.

use std::fmt;

/// A string that must never be printed: `Debug` and `Display` show `***`.
#[derive(Clone, Default)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call it only where the value is consumed (signing, a header).
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Baidu Cloud (BCE) credentials: an access key pair, optionally with an STS session token.
///
/// With a session token the client sends it as the signed `x-bce-security-token` header.
#[derive(Clone)]
pub struct Credentials {
    /// The access key id (AK); an identifier, not a secret.
    pub access_key: String,
    /// The secret access key (SK).
    pub secret_key: SecretString,
    /// The STS session token of temporary credentials.
    pub session_token: Option<SecretString>,
}

impl Credentials {
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<SecretString>) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            session_token: None,
        }
    }

    /// Adds an STS session token; an empty token means none.
    pub fn with_session_token(mut self, token: impl Into<SecretString>) -> Self {
        let token = token.into();
        self.session_token = (!token.is_empty()).then_some(token);
        self
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key)
            .field("session_token", &self.session_token)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_prints_stars() {
        let s = SecretString::new("hunter2");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(s.expose_secret(), "hunter2");
    }

    #[test]
    fn credentials_debug_hides_secret_and_token() {
        let c = Credentials::new("AKID", "SECRETKEY123").with_session_token("TOKEN456");
        let dbg = format!("{c:?}");
        assert!(dbg.contains("AKID"));
        assert!(!dbg.contains("SECRETKEY123"));
        assert!(!dbg.contains("TOKEN456"));
        let alt = format!("{c:#?}");
        assert!(!alt.contains("SECRETKEY123") && !alt.contains("TOKEN456"));
    }

    #[test]
    fn empty_session_token_is_none() {
        let c = Credentials::new("a", "b").with_session_token("");
        assert!(c.session_token.is_none());
    }
}
