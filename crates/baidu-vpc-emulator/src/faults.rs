//! Fault injection: per-operation (and optionally per-account) error rates,
//! dropped connections, fail-next-N and added latency, reproducible with a seed.
//!
//! Every matching rule adds its latency; the first matching rule that decides
//! to fail determines the failure. Random draws happen only for rules with a
//! non-zero rate or a latency range, so a fixed seed and a fixed request
//! sequence give the same faults every run.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::error::ApiError;
use super::request::Operation;

/// `PUT /__emulator/faults` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultConfig {
    /// Seed of the random draws (random when absent; the chosen one is reported).
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

/// One rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Operation name (`CreatePeerConn`, …, case-insensitive); absent or `*`: all.
    #[serde(default)]
    pub operation: Option<String>,
    /// Account id or name; absent: every account.
    #[serde(default)]
    pub account: Option<String>,
    /// Probability (0..1) of answering with `error`.
    #[serde(default, alias = "errorRate")]
    pub error_rate: f64,
    /// Probability (0..1) of closing the connection without a response.
    #[serde(default, alias = "dropRate")]
    pub drop_rate: f64,
    /// The next N matching requests fail for sure (before any rate applies).
    #[serde(default, alias = "failNext")]
    pub fail_next: u32,
    /// How fail-next fails: `error` (default) or `drop`.
    #[serde(default, alias = "failNextMode")]
    pub fail_next_mode: FailMode,
    /// The error to answer; default 500 `InternalError`.
    #[serde(default)]
    pub error: Option<FaultError>,
    /// Added latency: a number of milliseconds or `[min, max]`.
    #[serde(default, alias = "latencyMs")]
    pub latency_ms: Option<Latency>,
    /// `before` (default): fail instead of running the operation.
    /// `after`: run it, then lose the response (tests retries + idempotency).
    #[serde(default)]
    pub phase: Phase,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailMode {
    #[default]
    Error,
    Drop,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    #[default]
    Before,
    After,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultError {
    pub status: u16,
    /// Default derived from the status (`InternalError`, `ServiceUnavailable`, `TooManyRequests`, …).
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Latency {
    Fixed(u64),
    Range([u64; 2]),
}

/// What to do to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAction {
    Fail(ApiError),
    Drop,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FaultDecision {
    pub latency_ms: u64,
    pub action: Option<(FaultAction, Phase)>,
}

#[derive(Debug, Clone, Default)]
struct RuleStats {
    remaining_fail_next: u32,
    matched: u64,
    errors: u64,
    drops: u64,
}

/// The installed rules, their counters and the random generator.
#[derive(Debug)]
pub struct FaultState {
    config: FaultConfig,
    seed: u64,
    rng: StdRng,
    stats: Vec<RuleStats>,
}

impl Default for FaultState {
    fn default() -> Self {
        Self::new(FaultConfig::default(), None)
    }
}

fn default_code(status: u16) -> &'static str {
    match status {
        429 => "TooManyRequests",
        500 => "InternalError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        400 => "InvalidHTTPRequest",
        403 => "AccessDenied",
        404 => "NoSuchObject",
        409 => "Conflict",
        _ => "InjectedFault",
    }
}

impl FaultConfig {
    /// Checks rates, statuses, names before installing.
    pub fn validate(&self) -> Result<(), String> {
        for (i, r) in self.rules.iter().enumerate() {
            for (name, v) in [("error_rate", r.error_rate), ("drop_rate", r.drop_rate)] {
                if !(0.0..=1.0).contains(&v) {
                    return Err(format!("rules[{i}].{name} must be between 0 and 1"));
                }
            }
            if r.error_rate + r.drop_rate > 1.0 + f64::EPSILON {
                return Err(format!(
                    "rules[{i}]: error_rate + drop_rate must not exceed 1"
                ));
            }
            if let Some(op) = r.operation.as_deref().filter(|o| *o != "*") {
                if Operation::from_name(op).is_none() {
                    let names: Vec<&str> = Operation::ALL.iter().map(|o| o.name()).collect();
                    return Err(format!(
                        "rules[{i}].operation {op:?} is not one of {}",
                        names.join(", ")
                    ));
                }
            }
            if let Some(e) = &r.error {
                if !(400..=599).contains(&e.status) {
                    return Err(format!("rules[{i}].error.status must be 4xx or 5xx"));
                }
            }
            if let Some(Latency::Range([lo, hi])) = r.latency_ms {
                if lo > hi {
                    return Err(format!("rules[{i}].latency_ms range is reversed"));
                }
            }
        }
        Ok(())
    }
}

impl FaultRule {
    fn matches(&self, op: Operation, account_id: &str, account_name: Option<&str>) -> bool {
        let op_ok = match self.operation.as_deref() {
            None | Some("*") => true,
            Some(name) => op.name().eq_ignore_ascii_case(name),
        };
        let acct_ok = match self.account.as_deref() {
            None | Some("*") => true,
            Some(a) => a == account_id || Some(a) == account_name,
        };
        op_ok && acct_ok
    }

    fn api_error(&self) -> ApiError {
        let status = self.error.as_ref().map_or(500, |e| e.status);
        let code = self
            .error
            .as_ref()
            .and_then(|e| e.code.clone())
            .unwrap_or_else(|| default_code(status).to_string());
        let message = self
            .error
            .as_ref()
            .and_then(|e| e.message.clone())
            .unwrap_or_else(|| match status {
                500 => "We encountered an internal error. Please try again.".to_string(),
                503 => "Service is temporarily unavailable. Please try again.".to_string(),
                429 => "Request rate exceeded. Please slow down.".to_string(),
                _ => format!("Injected fault ({status})."),
            });
        ApiError::new(
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            code,
            message,
        )
    }
}

impl FaultState {
    /// Installs `config` (already validated); counters restart.
    pub fn new(config: FaultConfig, default_seed: Option<u64>) -> Self {
        let seed = config
            .seed
            .or(default_seed)
            .unwrap_or_else(|| rand::rng().random());
        let stats = config
            .rules
            .iter()
            .map(|r| RuleStats {
                remaining_fail_next: r.fail_next,
                ..RuleStats::default()
            })
            .collect();
        Self {
            config,
            seed,
            rng: StdRng::seed_from_u64(seed),
            stats,
        }
    }

    /// Decides the fate of one request.
    pub fn decide(
        &mut self,
        op: Operation,
        account_id: &str,
        account_name: Option<&str>,
    ) -> FaultDecision {
        let mut decision = FaultDecision::default();
        for (rule, stats) in self.config.rules.iter().zip(self.stats.iter_mut()) {
            if !rule.matches(op, account_id, account_name) {
                continue;
            }
            stats.matched += 1;
            decision.latency_ms += match rule.latency_ms {
                None => 0,
                Some(Latency::Fixed(ms)) => ms,
                Some(Latency::Range([lo, hi])) => self.rng.random_range(lo..=hi),
            };
            if decision.action.is_some() {
                continue;
            }
            let action = if stats.remaining_fail_next > 0 {
                stats.remaining_fail_next -= 1;
                Some(match rule.fail_next_mode {
                    FailMode::Error => FaultAction::Fail(rule.api_error()),
                    FailMode::Drop => FaultAction::Drop,
                })
            } else if rule.error_rate > 0.0 || rule.drop_rate > 0.0 {
                let roll: f64 = self.rng.random();
                if roll < rule.drop_rate {
                    Some(FaultAction::Drop)
                } else if roll < rule.drop_rate + rule.error_rate {
                    Some(FaultAction::Fail(rule.api_error()))
                } else {
                    None
                }
            } else {
                None
            };
            if let Some(a) = action {
                match a {
                    FaultAction::Drop => stats.drops += 1,
                    FaultAction::Fail(_) => stats.errors += 1,
                }
                decision.action = Some((a, rule.phase));
            }
        }
        decision
    }

    /// `GET /__emulator/faults`: the rules with their counters.
    pub fn describe(&self) -> Value {
        let rules: Vec<Value> = self
            .config
            .rules
            .iter()
            .zip(&self.stats)
            .map(|(r, s)| {
                let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
                if let Value::Object(m) = &mut v {
                    m.insert("remaining_fail_next".into(), json!(s.remaining_fail_next));
                    m.insert("matched".into(), json!(s.matched));
                    m.insert("injected_errors".into(), json!(s.errors));
                    m.insert("injected_drops".into(), json!(s.drops));
                }
                v
            })
            .collect();
        json!({ "seed": self.seed, "rules": rules })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(json: &str) -> FaultState {
        let cfg: FaultConfig = serde_json::from_str(json).unwrap();
        cfg.validate().unwrap();
        FaultState::new(cfg, None)
    }

    #[test]
    fn fail_next_is_exact_and_scoped() {
        let mut s = state(
            r#"{"seed": 1, "rules": [{"operation": "createpeerconn", "account": "peer",
                "fail_next": 2, "error": {"status": 503}}]}"#,
        );
        let create =
            |s: &mut FaultState, acct: &str| s.decide(Operation::Create, "id", Some(acct)).action;
        assert!(s
            .decide(Operation::Get, "id", Some("peer"))
            .action
            .is_none());
        assert!(create(&mut s, "initiator").is_none());
        let Some((FaultAction::Fail(e), Phase::Before)) = create(&mut s, "peer") else {
            panic!("expected a failure")
        };
        assert_eq!(
            (e.status.as_u16(), e.code.as_str()),
            (503, "ServiceUnavailable")
        );
        assert!(create(&mut s, "peer").is_some());
        assert!(create(&mut s, "peer").is_none());
    }

    #[test]
    fn rates_are_reproducible_with_a_seed() {
        let cfg = r#"{"seed": 42, "rules": [{"error_rate": 0.3, "drop_rate": 0.1}]}"#;
        let run = || {
            let mut s = state(cfg);
            (0..1000)
                .map(|_| match s.decide(Operation::List, "a", None).action {
                    None => 0,
                    Some((FaultAction::Fail(_), _)) => 1,
                    Some((FaultAction::Drop, _)) => 2,
                })
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let errors = a.iter().filter(|x| **x == 1).count();
        let drops = a.iter().filter(|x| **x == 2).count();
        assert!((250..=350).contains(&errors), "{errors}");
        assert!((60..=140).contains(&drops), "{drops}");
    }

    #[test]
    fn latency_adds_up_and_validation_catches_mistakes() {
        let mut s = state(r#"{"rules": [{"latency_ms": 5}, {"latencyMs": [10, 10]}]}"#);
        assert_eq!(s.decide(Operation::Get, "a", None).latency_ms, 15);
        for bad in [
            r#"{"rules": [{"error_rate": 1.5}]}"#,
            r#"{"rules": [{"operation": "Nope"}]}"#,
            r#"{"rules": [{"error": {"status": 200}}]}"#,
            r#"{"rules": [{"latency_ms": [5, 1]}]}"#,
        ] {
            let cfg: FaultConfig = serde_json::from_str(bad).unwrap();
            assert!(cfg.validate().is_err(), "{bad}");
        }
    }
}
