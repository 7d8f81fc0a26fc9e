//! Retry timing and the caller's limits on waiting (cancellation and deadline).
//!
//! Retries are only safe because every mutating call carries one clientToken for
//! all its attempts (see `client.rs`); this module only decides *when*.

use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Capped exponential backoff with jitter.
///
/// The delay before retry `n` (0-based) is drawn uniformly from `[d/2, d]` where
/// `d = min(max_delay, base_delay · 2ⁿ)` ("equal jitter": never hammering, never
/// waiting less than half the nominal delay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

/// Retries after the first attempt of every call, by default.
pub const DEFAULT_MAX_RETRIES: u32 = 8;

impl Default for RetryPolicy {
    /// 8 retries, 300 ms base, 5 s cap: about 25 s of backoff at most, so a
    /// call outlasts a 20 % rate of throttled answers (all nine attempts
    /// refused: 0.2⁹ ≈ 5·10⁻⁷) but an unreachable endpoint fails in seconds,
    /// not minutes. (Baidu's SDKs retry 3 times with a 20 s cap.)
    fn default() -> Self {
        Self {
            max_retries: DEFAULT_MAX_RETRIES,
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    pub fn no_retries() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The un-jittered delay before retry `retry` (0-based).
    pub fn nominal_delay(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// The jittered delay before retry `retry` (0-based), in `[nominal/2, nominal]`.
    pub fn delay(&self, retry: u32) -> Duration {
        let nominal = self.nominal_delay(retry);
        let half = nominal / 2;
        let spread = u64::try_from((nominal - half).as_nanos()).unwrap_or(u64::MAX);
        let jitter = if spread == 0 {
            0
        } else {
            rand::rng().random_range(0..=spread)
        };
        half + Duration::from_nanos(jitter)
    }
}

/// Why waiting stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupted {
    Cancelled,
    DeadlineExceeded,
}

/// The caller's limits on a call or a wait: a cancellation token (Terraform's
/// `StopProvider`) and a deadline (the resource's timeout).
#[derive(Debug, Clone, Default)]
pub struct Limits {
    pub cancel: Option<CancellationToken>,
    pub deadline: Option<Instant>,
}

impl Limits {
    /// Cancelled or past the deadline right now?
    pub fn check(&self) -> Result<(), Interrupted> {
        if self
            .cancel
            .as_ref()
            .is_some_and(CancellationToken::is_cancelled)
        {
            return Err(Interrupted::Cancelled);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Interrupted::DeadlineExceeded);
        }
        Ok(())
    }

    /// Sleeps `delay` unless cancelled first. If the deadline falls before the
    /// sleep would end, returns `DeadlineExceeded` at once: waiting only to fail
    /// later helps nobody.
    pub async fn sleep(&self, delay: Duration) -> Result<(), Interrupted> {
        self.check()?;
        let wake = Instant::now() + delay;
        if self.deadline.is_some_and(|d| d < wake) {
            return Err(Interrupted::DeadlineExceeded);
        }
        self.run(tokio::time::sleep_until(wake)).await
    }

    /// Runs `fut` unless cancellation or the deadline comes first.
    pub async fn run<F: std::future::Future>(&self, fut: F) -> Result<F::Output, Interrupted> {
        let cancelled = async {
            match &self.cancel {
                Some(token) => token.cancelled().await,
                None => std::future::pending().await,
            }
        };
        let deadline = async {
            match self.deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            () = cancelled => Err(Interrupted::Cancelled),
            () = deadline => Err(Interrupted::DeadlineExceeded),
            out = fut => Ok(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nominal_delay_doubles_and_caps() {
        let p = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(2),
        };
        assert_eq!(p.nominal_delay(0), Duration::from_millis(300));
        assert_eq!(p.nominal_delay(1), Duration::from_millis(600));
        assert_eq!(p.nominal_delay(2), Duration::from_millis(1200));
        assert_eq!(p.nominal_delay(3), Duration::from_secs(2));
        assert_eq!(p.nominal_delay(40), Duration::from_secs(2));
        assert_eq!(p.nominal_delay(u32::MAX), Duration::from_secs(2));
    }

    #[test]
    fn jittered_delay_stays_in_band() {
        let p = RetryPolicy::default();
        for retry in 0..8 {
            let nominal = p.nominal_delay(retry);
            for _ in 0..50 {
                let d = p.delay(retry);
                assert!(d >= nominal / 2 && d <= nominal, "{d:?} vs {nominal:?}");
            }
        }
        let zero = RetryPolicy {
            max_retries: 1,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
        };
        assert_eq!(zero.delay(3), Duration::ZERO);
    }

    #[tokio::test]
    async fn cancellation_cuts_a_long_sleep_short() {
        let token = CancellationToken::new();
        let limits = Limits {
            cancel: Some(token.clone()),
            deadline: None,
        };
        let canceller = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            token.cancel();
        });
        let r = limits.sleep(Duration::from_secs(3600)).await;
        assert_eq!(r, Err(Interrupted::Cancelled));
        canceller.await.unwrap();
    }

    #[tokio::test]
    async fn sleep_past_deadline_fails_immediately() {
        let limits = Limits {
            cancel: None,
            deadline: Some(Instant::now() + Duration::from_secs(3600)),
        };
        // Would end after the deadline: refused without sleeping an hour.
        let r = limits.sleep(Duration::from_secs(7200)).await;
        assert_eq!(r, Err(Interrupted::DeadlineExceeded));
        assert_eq!(limits.sleep(Duration::from_millis(1)).await, Ok(()));
        let passed = Limits {
            cancel: None,
            deadline: Some(Instant::now()),
        };
        assert_eq!(passed.check(), Err(Interrupted::DeadlineExceeded));
    }

    #[tokio::test]
    async fn run_returns_output_or_interruption() {
        let limits = Limits::default();
        assert_eq!(limits.run(async { 7 }).await, Ok(7));
        let token = CancellationToken::new();
        token.cancel();
        let limits = Limits {
            cancel: Some(token),
            deadline: None,
        };
        assert_eq!(
            limits.run(std::future::pending::<()>()).await,
            Err(Interrupted::Cancelled)
        );
        let limits = Limits {
            cancel: None,
            deadline: Some(Instant::now() + Duration::from_millis(10)),
        };
        assert_eq!(
            limits.run(std::future::pending::<()>()).await,
            Err(Interrupted::DeadlineExceeded)
        );
    }
}
