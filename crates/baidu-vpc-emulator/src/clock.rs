//! The emulator's clock: real time plus an offset that tests advance through
//! the admin API, and the ISO-8601 time format Baidu uses.
//!
//! Resource time (creation, expiry, transitions) follows this clock. Request
//! signatures are checked against real time instead (see `auth`), so that a
//! test which advances the clock by days can still talk to the emulator with
//! an SDK that signs with the wall clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// Real time plus an adjustable offset.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn new(offset_ms: Millis) -> Self {
        Self {
            offset_ms: AtomicI64::new(offset_ms),
        }
    }

    /// Emulated "now".
    pub fn now_ms(&self) -> Millis {
        real_now_ms().saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    pub fn offset_ms(&self) -> Millis {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Moves emulated time forward.
    pub fn advance_ms(&self, ms: Millis) {
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn set_offset_ms(&self, ms: Millis) {
        self.offset_ms.store(ms, Ordering::SeqCst);
    }
}

/// Wall-clock time in milliseconds since the epoch.
pub fn real_now_ms() -> Millis {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        // A clock before 1970 is a broken host; treat it as the epoch.
        Err(_) => 0,
    }
}

fn to_datetime(ms: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Formats as Baidu's `YYYY-MM-DDThh:mm:ssZ` (UTC, whole seconds).
pub fn iso8601(ms: Millis) -> String {
    let dt = to_datetime(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// Parses `YYYY-MM-DDThh:mm:ssZ` into epoch milliseconds.
pub fn parse_iso8601(s: &str) -> Option<Millis> {
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let day = u8::try_from(num(8..10)?).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms(
        u8::try_from(num(11..13)?).ok()?,
        u8::try_from(num(14..16)?).ok()?,
        u8::try_from(num(17..19)?).ok()?,
    )
    .ok()?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp()
            * 1000,
    )
}

/// Adds calendar months, clamping the day to the target month's length
/// (Jan 31 + 1 month = Feb 28/29), as billing periods do.
pub fn add_months(ms: Millis, months: u32) -> Millis {
    let dt = to_datetime(ms);
    let total = i64::from(dt.year()) * 12 + i64::from(u8::from(dt.month()) - 1) + i64::from(months);
    let Ok(year) = i32::try_from(total.div_euclid(12)) else {
        return ms;
    };
    // `rem_euclid(12) + 1` is in 1..=12, so both conversions succeed.
    let month_no = u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1);
    let month = Month::try_from(month_no).unwrap_or(Month::January);
    let day = dt.day().min(month.length(year));
    let Ok(date) = Date::from_calendar_date(year, month, day) else {
        return ms;
    };
    let shifted = PrimitiveDateTime::new(date, dt.time()).assume_utc();
    shifted.unix_timestamp() * 1000 + ms.rem_euclid(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_iso8601() {
        let ms = parse_iso8601("2024-02-29T23:59:58Z").unwrap();
        assert_eq!(iso8601(ms), "2024-02-29T23:59:58Z");
        assert_eq!(iso8601(ms + 999), "2024-02-29T23:59:58Z");
        assert!(parse_iso8601("2024-02-30T00:00:00Z").is_none());
        assert!(parse_iso8601("2024-02-29 00:00:00Z").is_none());
        assert!(parse_iso8601("2024-02-29T00:00:00").is_none());
    }

    #[test]
    fn adds_months_with_clamping() {
        let jan31 = parse_iso8601("2023-01-31T10:00:00Z").unwrap();
        assert_eq!(iso8601(add_months(jan31, 1)), "2023-02-28T10:00:00Z");
        assert_eq!(iso8601(add_months(jan31, 13)), "2024-02-29T10:00:00Z");
        assert_eq!(iso8601(add_months(jan31, 36)), "2026-01-31T10:00:00Z");
        let dec = parse_iso8601("2023-12-15T00:00:00Z").unwrap();
        assert_eq!(iso8601(add_months(dec, 1)), "2024-01-15T00:00:00Z");
    }

    #[test]
    fn clock_offsets() {
        let c = Clock::new(0);
        let before = c.now_ms();
        c.advance_ms(86_400_000);
        assert!(c.now_ms() >= before + 86_400_000);
        assert_eq!(c.offset_ms(), 86_400_000);
    }
}
