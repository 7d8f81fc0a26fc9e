//! Baidu STS `AssumeRole`: temporary credentials of a role in another
//! account, asked for with `POST /v1/credential?assumeRole&accountId=…&
//! roleName=…&durationSeconds=…` as bce-sdk-go's `services/sts` sends it.
//!
//! A role is configured on the account that owns it, with the accounts it
//! trusts. The issued key pair and token authenticate as the role's account
//! until they expire. Expiry is checked against the real wall clock, like
//! signatures (see `auth`), so a test that advances emulated time by days
//! does not expire them.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::auth::Principal;
use super::clock::{iso8601, Millis};
use super::config::{Credential, Directory};
use super::error::ApiError;
use super::request::Query;
use bce_auth::SecretString;

/// `durationSeconds` when the request has none: bce-sdk-go's default.
pub const DEFAULT_DURATION_SECS: i64 = 7200;
/// The longest session the emulator issues, 36 hours.
pub const MAX_DURATION_SECS: i64 = 129_600;

/// Credentials issued by `AssumeRole`, by access key.
#[derive(Debug, Default)]
pub struct IssuedSessions {
    by_access_key: HashMap<String, Issued>,
}

#[derive(Debug)]
struct Issued {
    credential: Credential,
    expires_at: Millis,
}

/// Why an issued credential was not accepted.
pub enum SessionLookup {
    Valid(Credential),
    Expired,
    Unknown,
}

impl IssuedSessions {
    pub fn lookup(&self, access_key: &str, real_now: Millis) -> SessionLookup {
        match self.by_access_key.get(access_key) {
            None => SessionLookup::Unknown,
            Some(issued) if issued.expires_at <= real_now => SessionLookup::Expired,
            Some(issued) => SessionLookup::Valid(issued.credential.clone()),
        }
    }

    pub fn clear(&mut self) {
        self.by_access_key.clear();
    }

    /// Answers `AssumeRole` for `caller`: checks that the role exists and
    /// trusts the caller's account, issues a key pair and token, and returns
    /// the body Baidu answers with.
    pub fn assume_role(
        &mut self,
        dir: &Directory,
        caller: &Principal,
        query: &Query,
        real_now: Millis,
    ) -> Result<(String, Value), ApiError> {
        let account_id = required(query, "accountId")?;
        let role_name = required(query, "roleName")?;
        let duration = match query.get("durationSeconds") {
            None => DEFAULT_DURATION_SECS,
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=MAX_DURATION_SECS).contains(d))
                .ok_or_else(|| {
                    ApiError::invalid_value(
                        "durationSeconds",
                        format!("must be a whole number of seconds from 1 to {MAX_DURATION_SECS}"),
                    )
                })?,
        };
        // One answer for a missing role and an untrusted caller, so that
        // nobody can find out which roles another account has.
        let trusted = dir
            .role(account_id, role_name)
            .is_some_and(|role| role.trusted_accounts.contains(&caller.account_id));
        if !trusted {
            return Err(ApiError::access_denied(format!(
                "Account {} is not allowed to assume role {role_name:?} of account {account_id}.",
                caller.account_id
            )));
        }
        let access_key = format!("ASTS{}", uuid::Uuid::new_v4().simple());
        let secret_key = uuid::Uuid::new_v4().simple().to_string();
        let session_token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let expires_at = real_now.saturating_add(duration.saturating_mul(1000));
        let body = json!({
            "accessKeyId": access_key,
            "secretAccessKey": secret_key,
            "sessionToken": session_token,
            "createTime": iso8601(real_now),
            "expiration": iso8601(expires_at),
            "userId": account_id,
        });
        self.by_access_key.insert(
            access_key.clone(),
            Issued {
                credential: Credential {
                    account_id: account_id.to_owned(),
                    secret_key: SecretString::new(secret_key),
                    session_token: Some(SecretString::new(session_token)),
                },
                expires_at,
            },
        );
        Ok((access_key, body))
    }
}

fn required<'q>(query: &'q Query, name: &str) -> Result<&'q str, ApiError> {
    query
        .get(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing_parameter(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EmulatorConfig;

    const INITIATOR: &str = "a0000000000000000000000000000001";
    const PEER: &str = "a0000000000000000000000000000002";

    fn caller(account_id: &str) -> Principal {
        Principal {
            account_id: account_id.to_owned(),
            access_key: "ak".to_owned(),
        }
    }

    fn query(pairs: &[(&str, &str)]) -> Query {
        Query {
            pairs: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn issues_credentials_of_the_role_account_until_they_expire() {
        let dir = Directory::new(&EmulatorConfig::demo().accounts);
        let mut sessions = IssuedSessions::default();
        let q = query(&[
            ("assumeRole", ""),
            ("accountId", PEER),
            ("roleName", "PeeringOperator"),
            ("durationSeconds", "60"),
        ]);
        let (ak, body) = sessions
            .assume_role(&dir, &caller(INITIATOR), &q, 1_000)
            .unwrap();
        assert_eq!(body["accessKeyId"], ak.as_str());
        assert_eq!(body["userId"], PEER);
        match sessions.lookup(&ak, 60_999) {
            SessionLookup::Valid(c) => {
                assert_eq!(c.account_id, PEER);
                assert_eq!(
                    c.session_token.unwrap().expose_secret(),
                    body["sessionToken"].as_str().unwrap()
                );
            }
            _ => panic!("a fresh credential is valid"),
        }
        assert!(matches!(
            sessions.lookup(&ak, 61_000),
            SessionLookup::Expired
        ));
        assert!(matches!(sessions.lookup("nope", 0), SessionLookup::Unknown));
    }

    #[test]
    fn refuses_untrusted_callers_unknown_roles_and_bad_input() {
        let dir = Directory::new(&EmulatorConfig::demo().accounts);
        let mut sessions = IssuedSessions::default();
        let code = |sessions: &mut IssuedSessions, who: &str, pairs: &[(&str, &str)]| {
            sessions
                .assume_role(&dir, &caller(who), &query(pairs), 0)
                .unwrap_err()
                .code
        };
        // The peer account's role trusts the initiator, not the peer itself.
        let role = [("accountId", PEER), ("roleName", "PeeringOperator")];
        assert_eq!(code(&mut sessions, PEER, &role), "AccessDenied");
        let missing_role = [("accountId", PEER), ("roleName", "Nope")];
        assert_eq!(
            code(&mut sessions, INITIATOR, &missing_role),
            "AccessDenied"
        );
        assert_eq!(
            code(&mut sessions, INITIATOR, &[("accountId", PEER)]),
            "MissingParameter"
        );
        for bad in ["0", "-5", "abc", "129601"] {
            let q = [
                ("accountId", PEER),
                ("roleName", "PeeringOperator"),
                ("durationSeconds", bad),
            ];
            assert_eq!(
                code(&mut sessions, INITIATOR, &q),
                "InvalidParameterValue",
                "{bad}"
            );
        }
    }
}
