//! How long each lifecycle transition takes, including "stuck" (never).
//!
//! Transitions are evaluated lazily from timestamps: an operation records
//! "status X until time T, then Y"; every later read settles the record
//! against the clock. No background task is needed and advancing the clock
//! moves everything forward at once.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::clock::Millis;

/// The duration of one transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Completes this many milliseconds after it started.
    After(Millis),
    /// Never completes (to test client timeouts).
    Stuck,
}

impl Delay {
    /// When a transition started at `start` completes (`None`: never).
    pub fn deadline(self, start: Millis) -> Option<Millis> {
        match self {
            Delay::After(ms) => Some(start.saturating_add(ms)),
            Delay::Stuck => None,
        }
    }

    /// Parses `"1s"`, `"500ms"`, `"2m"`, `"1h"`, `"7d"`, `"0"`, `"1.5s"` or `"stuck"`.
    /// A bare number means seconds.
    pub fn parse(s: &str) -> Result<Delay, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("stuck") || t.eq_ignore_ascii_case("never") {
            return Ok(Delay::Stuck);
        }
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let value: f64 = num
            .parse()
            .map_err(|_| format!("invalid duration {s:?} (examples: 500ms, 1s, 2m, 7d, stuck)"))?;
        let factor = match unit.trim() {
            "ms" => 1.0,
            "" | "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            other => {
                return Err(format!(
                    "invalid duration unit {other:?} in {s:?} (use ms, s, m, h, d or stuck)"
                ))
            }
        };
        let ms = value * factor;
        if !ms.is_finite() || !(0.0..=1e15).contains(&ms) {
            return Err(format!("duration {s:?} out of range"));
        }
        // Rounded and range-checked above, so the cast cannot truncate.
        Ok(Delay::After(ms.round() as Millis))
    }
}

impl fmt::Display for Delay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Delay::Stuck => f.write_str("stuck"),
            Delay::After(ms) if ms % 86_400_000 == 0 && *ms != 0 => {
                write!(f, "{}d", ms / 86_400_000)
            }
            Delay::After(ms) if ms % 1000 == 0 => write!(f, "{}s", ms / 1000),
            Delay::After(ms) => write!(f, "{ms}ms"),
        }
    }
}

impl Serialize for Delay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Delay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Seconds(f64),
        }
        match Raw::deserialize(d)? {
            Raw::Text(s) => Delay::parse(&s).map_err(serde::de::Error::custom),
            Raw::Seconds(n) => Delay::parse(&n.to_string()).map_err(serde::de::Error::custom),
        }
    }
}

/// Durations of every timed transition. A configuration file's `[timing]`
/// reads as a [`TimingPatch`] on the defaults, so it takes `all` too, like
/// `--timing all=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "TimingPatch")]
pub struct Timing {
    /// `creating` → `active` (same account) or → `consulting` (cross-account).
    pub creating: Delay,
    /// `updating` → previous status, after update or resize.
    pub updating: Delay,
    /// `deleting` → gone, after delete or refund.
    pub deleting: Delay,
    /// DNS `wait` → `syncing` after open.
    pub dns_wait: Delay,
    /// DNS `syncing` → `open`.
    pub dns_syncing: Delay,
    /// DNS `closing` → `close`.
    pub dns_closing: Delay,
    /// `consulting` → `consult_failed` when the peer never answers (Baidu: 7 days).
    pub consult_timeout: Delay,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            creating: Delay::After(1_000),
            updating: Delay::After(1_000),
            deleting: Delay::After(1_000),
            dns_wait: Delay::After(500),
            dns_syncing: Delay::After(500),
            dns_closing: Delay::After(1_000),
            consult_timeout: Delay::After(7 * 86_400_000),
        }
    }
}

/// A partial update of [`Timing`] (`PUT /__emulator/timing`, `--timing`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimingPatch {
    pub creating: Option<Delay>,
    pub updating: Option<Delay>,
    pub deleting: Option<Delay>,
    #[serde(alias = "dnsWait")]
    pub dns_wait: Option<Delay>,
    #[serde(alias = "dnsSyncing")]
    pub dns_syncing: Option<Delay>,
    #[serde(alias = "dnsClosing")]
    pub dns_closing: Option<Delay>,
    #[serde(alias = "consultTimeout")]
    pub consult_timeout: Option<Delay>,
    /// Sets every transition except `consult_timeout` at once.
    pub all: Option<Delay>,
}

impl From<TimingPatch> for Timing {
    fn from(patch: TimingPatch) -> Self {
        let mut timing = Timing::default();
        timing.apply(&patch);
        timing
    }
}

impl Timing {
    pub fn apply(&mut self, p: &TimingPatch) {
        if let Some(all) = p.all {
            self.creating = all;
            self.updating = all;
            self.deleting = all;
            self.dns_wait = all;
            self.dns_syncing = all;
            self.dns_closing = all;
        }
        let set = |slot: &mut Delay, v: Option<Delay>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        set(&mut self.creating, p.creating);
        set(&mut self.updating, p.updating);
        set(&mut self.deleting, p.deleting);
        set(&mut self.dns_wait, p.dns_wait);
        set(&mut self.dns_syncing, p.dns_syncing);
        set(&mut self.dns_closing, p.dns_closing);
        set(&mut self.consult_timeout, p.consult_timeout);
    }

    /// Applies one `name=duration` assignment (the `--timing` flag).
    pub fn apply_assignment(&mut self, assignment: &str) -> Result<(), String> {
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("expected NAME=DURATION, got {assignment:?}"))?;
        let delay = Delay::parse(value)?;
        let slot = match name.trim().replace('-', "_").as_str() {
            "creating" => &mut self.creating,
            "updating" => &mut self.updating,
            "deleting" => &mut self.deleting,
            "dns_wait" => &mut self.dns_wait,
            "dns_syncing" => &mut self.dns_syncing,
            "dns_closing" => &mut self.dns_closing,
            "consult_timeout" => &mut self.consult_timeout,
            "all" => {
                self.apply(&TimingPatch {
                    all: Some(delay),
                    ..TimingPatch::default()
                });
                return Ok(());
            }
            other => {
                return Err(format!(
                    "unknown transition {other:?} (creating, updating, deleting, dns_wait, \
                     dns_syncing, dns_closing, consult_timeout, all)"
                ))
            }
        };
        *slot = delay;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations() {
        assert_eq!(Delay::parse("1s"), Ok(Delay::After(1000)));
        assert_eq!(Delay::parse("250ms"), Ok(Delay::After(250)));
        assert_eq!(Delay::parse("1.5s"), Ok(Delay::After(1500)));
        assert_eq!(Delay::parse("2"), Ok(Delay::After(2000)));
        assert_eq!(Delay::parse("7d"), Ok(Delay::After(604_800_000)));
        assert_eq!(Delay::parse("STUCK"), Ok(Delay::Stuck));
        assert!(Delay::parse("1y").is_err());
        assert!(Delay::parse("-1s").is_err());
        assert!(Delay::parse("").is_err());
        assert_eq!(Delay::After(604_800_000).to_string(), "7d");
        assert_eq!(Delay::After(1500).to_string(), "1500ms");
    }

    #[test]
    fn patches_and_assignments() {
        let mut t = Timing::default();
        t.apply_assignment("creating=stuck").unwrap();
        t.apply_assignment("dns-wait=0").unwrap();
        assert_eq!(t.creating, Delay::Stuck);
        assert_eq!(t.dns_wait, Delay::After(0));
        assert!(t.apply_assignment("bogus=1s").is_err());
        let p: TimingPatch = serde_json::from_str(r#"{"all": 0, "consultTimeout": "1h"}"#).unwrap();
        t.apply(&p);
        assert_eq!(t.creating, Delay::After(0));
        assert_eq!(t.consult_timeout, Delay::After(3_600_000));
    }

    #[test]
    fn a_configured_timing_takes_all_and_keeps_unnamed_defaults() {
        let t: Timing = serde_json::from_str(r#"{"all": "0", "creating": "2s"}"#).unwrap();
        assert_eq!(t.creating, Delay::After(2_000));
        assert_eq!(t.deleting, Delay::After(0));
        assert_eq!(t.consult_timeout, Timing::default().consult_timeout);
        assert!(serde_json::from_str::<Timing>(r#"{"sometimes": "1s"}"#).is_err());
    }
}
