//! Go-style duration strings (`"10m"`, `"2s"`, `"1h30m"`, `"1.5h"`), the
//! format Terraform users know from every provider's `timeouts` block.

use std::time::Duration;

/// Why a string is not a Go duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// The string is empty.
    #[error("empty duration")]
    Empty,
    /// The duration is negative.
    #[error("negative durations are not allowed")]
    Negative,
    /// Not numbers with units.
    #[error("invalid duration {0:?}: expected a sequence of numbers with units, like \"10m\", \"1h30m\" or \"45s\" (units: h, m, s, ms, us, ns)")]
    Invalid(String),
    /// A unit Go does not have.
    #[error("unknown unit {unit:?} in duration {input:?} (units: h, m, s, ms, us, ns)")]
    UnknownUnit {
        /// The unit.
        unit: String,
        /// The whole string.
        input: String,
    },
    /// Larger than a `Duration` holds.
    #[error("duration {0:?} is too large")]
    Overflow(String),
}

/// Parses a Go `time.ParseDuration` string. Negative durations are rejected
/// because nothing in a provider can wait for a negative time.
pub fn parse_go_duration(input: &str) -> Result<Duration, DurationError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(DurationError::Empty);
    }
    let s = match s.strip_prefix('-') {
        Some("0") => return Ok(Duration::ZERO),
        Some(_) => return Err(DurationError::Negative),
        None => s.strip_prefix('+').unwrap_or(s),
    };
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let invalid = || DurationError::Invalid(input.to_owned());
    let mut total_nanos: u128 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after_int) = rest.split_at(int_len);
        let (frac_part, after_num) = match after_int.strip_prefix('.') {
            Some(r) => {
                let frac_len = r.bytes().take_while(u8::is_ascii_digit).count();
                r.split_at(frac_len)
            }
            None => ("", after_int),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = after_num
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(after_num.len(), |(i, _)| i);
        let (unit, after_unit) = after_num.split_at(unit_len);
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60 * 1_000_000_000,
            "h" => 3_600 * 1_000_000_000,
            "" => return Err(invalid()),
            other => {
                return Err(DurationError::UnknownUnit {
                    unit: other.to_owned(),
                    input: input.to_owned(),
                })
            }
        };
        let overflow = || DurationError::Overflow(input.to_owned());
        let whole: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| overflow())?
        };
        let mut nanos = whole.checked_mul(unit_nanos).ok_or_else(overflow)?;
        // Fractional digits beyond nanosecond precision are dropped, as Go does.
        let mut scale = unit_nanos;
        for digit in frac_part.bytes().take(30) {
            scale /= 10;
            if scale == 0 {
                break;
            }
            nanos += u128::from(digit - b'0') * scale;
        }
        total_nanos = total_nanos.checked_add(nanos).ok_or_else(overflow)?;
        rest = after_unit;
    }
    let secs = u64::try_from(total_nanos / 1_000_000_000)
        .map_err(|_| DurationError::Overflow(input.to_owned()))?;
    // The remainder is < 1e9 and so always fits in u32.
    let sub = u32::try_from(total_nanos % 1_000_000_000).unwrap_or(0);
    Ok(Duration::new(secs, sub))
}

/// Formats a duration the way Go prints it (`1h30m0s`, `10m0s`, `2s`), for
/// messages such as "timed out after 10m0s".
pub fn format_go_duration(d: Duration) -> String {
    let total = d.as_secs();
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    let frac = d.subsec_nanos();
    let secs = if frac == 0 {
        format!("{s}s")
    } else {
        let digits = format!("{frac:09}");
        format!("{s}.{}s", digits.trim_end_matches('0'))
    };
    if h > 0 {
        format!("{h}h{m}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else {
        secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_forms() {
        assert_eq!(parse_go_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_go_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_go_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_go_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_go_duration(".5s"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_go_duration("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(
            parse_go_duration("1h2m3s4ms5us6ns"),
            Ok(Duration::new(3723, 4_005_006))
        );
        assert_eq!(parse_go_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_go_duration("+5m"), Ok(Duration::from_secs(300)));
    }

    #[test]
    fn rejects_bad_forms() {
        assert_eq!(parse_go_duration(""), Err(DurationError::Empty));
        assert_eq!(parse_go_duration("-1m"), Err(DurationError::Negative));
        assert!(matches!(
            parse_go_duration("10"),
            Err(DurationError::Invalid(_))
        ));
        assert!(matches!(
            parse_go_duration("m"),
            Err(DurationError::Invalid(_))
        ));
        assert!(matches!(
            parse_go_duration("ten minutes"),
            Err(DurationError::Invalid(_))
        ));
        assert!(matches!(
            parse_go_duration("10d"),
            Err(DurationError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_go_duration("99999999999999999999999h"),
            Err(DurationError::Overflow(_))
        ));
    }

    #[test]
    fn formats_like_go() {
        assert_eq!(format_go_duration(Duration::from_secs(600)), "10m0s");
        assert_eq!(format_go_duration(Duration::from_secs(5400)), "1h30m0s");
        assert_eq!(format_go_duration(Duration::from_secs(2)), "2s");
        assert_eq!(format_go_duration(Duration::from_millis(1500)), "1.5s");
    }
}
