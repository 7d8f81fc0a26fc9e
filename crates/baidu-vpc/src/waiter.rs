//! Polling until a status settles: generic over what is polled, so the same waiter
//! serves peering statuses, DNS statuses and anything else with a status.
//!
//! The first poll goes out at once (a mutation often completes within its own
//! round trip, in the emulator always) and the second soon after; from then
//! on polls are at least a second apart (so many peerings waiting at once do
//! not become a storm of reads against a rate-limited API) and back off up to
//! a cap. No sleep is longer than a twelfth of the time waited so far (or
//! that floor), so a long wait ends less than 10 % after the service is done.
//! Waiting ends at a target status, at a failure status, on a poll error that
//! is not transient, on cancellation or at the deadline: a transient poll
//! error (a connection failure, throttling, a 5xx) only means polling on, so
//! a short outage never ends a wait before its timeout. The last status seen
//! is reported in every case.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::retry::{Interrupted, Limits};

/// How often to poll, and the caller's limits.
#[derive(Debug, Clone)]
pub struct WaitConfig {
    /// Delay between the first poll (which is immediate) and the second.
    pub first_interval: Duration,
    /// Intervals grow by `growth_factor` up to this cap.
    pub max_interval: Duration,
    pub growth_factor: u32,
    /// How many polls may come quicker than `floor_interval` (the first, at
    /// once, and those after `first_interval`).
    pub quick_polls: u32,
    /// The shortest pause after the quick polls.
    pub floor_interval: Duration,
    /// Cancellation (Terraform's Stop) and deadline (the resource timeout). No poll
    /// starts after the deadline.
    pub limits: Limits,
}

impl Default for WaitConfig {
    fn default() -> Self {
        Self {
            first_interval: Duration::from_millis(200),
            max_interval: Duration::from_secs(5),
            growth_factor: 2,
            quick_polls: 2,
            floor_interval: Duration::from_secs(1),
            limits: Limits::default(),
        }
    }
}

impl WaitConfig {
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.limits.deadline = Some(Instant::now() + timeout);
        self
    }

    fn next_interval(&self, current: Duration) -> Duration {
        current
            .saturating_mul(self.growth_factor.max(1))
            .min(self.max_interval)
    }

    /// The longest sleep after `waited` in total: a twelfth of it, so the
    /// wait overshoots the service's own time by under 10 % even counting the
    /// poll's round trip, but never below the second interval (polling faster
    /// than that early on buys little).
    fn sleep_cap(&self, waited: Duration) -> Duration {
        (waited / 12).max(self.next_interval(self.first_interval))
    }

    /// The pause after `polls` polls, `interval` being the backoff's current
    /// step and `waited` the time since the wait began.
    fn pause(&self, polls: u32, interval: Duration, waited: Duration) -> Duration {
        let pause = interval.min(self.sleep_cap(waited));
        if polls < self.quick_polls {
            pause
        } else {
            pause.max(self.floor_interval)
        }
    }
}

/// Why a wait did not reach a target status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitError<S, E> {
    /// A failure status was reached.
    Failed {
        status: S,
    },
    /// The deadline passed; `last` is the last status seen, if any poll succeeded.
    TimedOut {
        last: Option<S>,
        polls: u32,
    },
    Cancelled {
        last: Option<S>,
    },
    /// Polling itself failed.
    Poll {
        error: E,
        last: Option<S>,
    },
}

impl<S, E> WaitError<S, E> {
    /// The last status seen before the wait ended.
    pub fn last_status(&self) -> Option<&S> {
        match self {
            WaitError::Failed { status } => Some(status),
            WaitError::TimedOut { last, .. }
            | WaitError::Cancelled { last }
            | WaitError::Poll { last, .. } => last.as_ref(),
        }
    }
}

struct Last<'a, S>(&'a Option<S>);

impl<S: fmt::Display> fmt::Display for Last<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(s) => write!(f, "last status {s}"),
            None => f.write_str("no status seen yet"),
        }
    }
}

impl<S: fmt::Display, E: fmt::Display> fmt::Display for WaitError<S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed { status } => write!(f, "reached failure status {status}"),
            WaitError::TimedOut { last, polls } => {
                write!(f, "timed out after {polls} polls ({})", Last(last))
            }
            WaitError::Cancelled { last } => write!(f, "cancelled ({})", Last(last)),
            WaitError::Poll { error, last } => write!(f, "{error} ({})", Last(last)),
        }
    }
}

impl<S, E> std::error::Error for WaitError<S, E>
where
    S: fmt::Display + fmt::Debug,
    E: std::error::Error + 'static,
{
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Poll { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// What a polled value means for the wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Done,
    Failed,
    Pending,
}

/// Polls until `classify` says `Done` (returns the value) or `Failed`. A
/// poll error for which `transient` holds is polled past (the deadline ends
/// the wait with that error if it is the last thing seen); any other ends it.
pub async fn wait_until<S, E, P, Fut, C, T>(
    config: &WaitConfig,
    mut poll: P,
    mut classify: C,
    transient: T,
) -> Result<S, WaitError<S, E>>
where
    P: FnMut() -> Fut,
    Fut: Future<Output = Result<S, E>>,
    C: FnMut(&S) -> Verdict,
    T: Fn(&E) -> bool,
{
    let limits = &config.limits;
    let started = Instant::now();
    let mut interval = config.first_interval;
    // The first poll goes out at once.
    let mut next_sleep = Duration::ZERO;
    let mut last: Option<S> = None;
    let mut last_error: Option<E> = None;
    let mut polls: u32 = 0;
    loop {
        let sleep = match limits.deadline {
            Some(d) => next_sleep.min(d.saturating_duration_since(Instant::now())),
            None => next_sleep,
        };
        let outcome = match limits.sleep(sleep).await.and_then(|()| limits.check()) {
            Err(why) => Err(why),
            Ok(()) => limits.run(poll()).await,
        };
        let value = match outcome {
            Err(Interrupted::Cancelled) => return Err(WaitError::Cancelled { last }),
            Err(Interrupted::DeadlineExceeded) => {
                return Err(match last_error {
                    Some(error) => WaitError::Poll { error, last },
                    None => WaitError::TimedOut { last, polls },
                })
            }
            Ok(Err(error)) if transient(&error) => {
                polls = polls.saturating_add(1);
                last_error = Some(error);
                None
            }
            Ok(Err(error)) => return Err(WaitError::Poll { error, last }),
            Ok(Ok(value)) => Some(value),
        };
        if let Some(value) = value {
            polls = polls.saturating_add(1);
            last_error = None;
            match classify(&value) {
                Verdict::Done => return Ok(value),
                Verdict::Failed => return Err(WaitError::Failed { status: value }),
                Verdict::Pending => last = Some(value),
            }
        }
        next_sleep = config.pause(polls, interval, started.elapsed());
        interval = config.next_interval(interval);
    }
}

/// Polls until the status is in `target` (success) or in `failure`; any other
/// status is pending.
pub async fn wait_for_status<S, E, P, Fut, T>(
    config: &WaitConfig,
    target: &[S],
    failure: &[S],
    poll: P,
    transient: T,
) -> Result<S, WaitError<S, E>>
where
    S: PartialEq,
    P: FnMut() -> Fut,
    Fut: Future<Output = Result<S, E>>,
    T: Fn(&E) -> bool,
{
    wait_until(
        config,
        poll,
        |s| {
            if target.contains(s) {
                Verdict::Done
            } else if failure.contains(s) {
                Verdict::Failed
            } else {
                Verdict::Pending
            }
        },
        transient,
    )
    .await
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use tokio_util::sync::CancellationToken;

    use super::super::model::{DnsStatus, PeerConnStatus};
    use super::*;

    /// No poll error is transient.
    fn never(_: &String) -> bool {
        false
    }

    fn always(_: &String) -> bool {
        true
    }

    fn fast() -> WaitConfig {
        WaitConfig {
            first_interval: Duration::from_millis(1),
            max_interval: Duration::from_millis(4),
            growth_factor: 2,
            quick_polls: 2,
            floor_interval: Duration::ZERO,
            limits: Limits::default(),
        }
    }

    /// A poll closure answering from a script, then repeating its last entry.
    fn scripted<S: Clone>(
        script: Vec<Result<S, String>>,
    ) -> (
        impl FnMut() -> std::future::Ready<Result<S, String>>,
        Arc<Mutex<u32>>,
    ) {
        let queue = Arc::new(Mutex::new(VecDeque::from(script)));
        let count = Arc::new(Mutex::new(0));
        let counter = count.clone();
        let poll = move || {
            *counter.lock().unwrap() += 1;
            let mut q = queue.lock().unwrap();
            let next = if q.len() > 1 {
                q.pop_front().unwrap()
            } else {
                q.front().cloned().unwrap()
            };
            std::future::ready(next)
        };
        (poll, count)
    }

    #[tokio::test]
    async fn reaches_target_through_pending_statuses() {
        use PeerConnStatus::*;
        let (poll, count) = scripted(vec![Ok(Creating), Ok(Creating), Ok(Starting), Ok(Active)]);
        let got = wait_for_status(
            &fast(),
            &[Active, Consulting],
            &[Error, ConsultFailed],
            poll,
            never,
        )
        .await
        .unwrap();
        assert_eq!(got, Active);
        assert_eq!(*count.lock().unwrap(), 4);
    }

    #[tokio::test]
    async fn stops_at_failure_status() {
        use PeerConnStatus::*;
        let (poll, _) = scripted(vec![Ok(Creating), Ok(Error)]);
        let err = wait_for_status(&fast(), &[Active], &[Error], poll, never)
            .await
            .unwrap_err();
        assert_eq!(err, WaitError::Failed { status: Error });
        assert_eq!(err.to_string(), "reached failure status error");
    }

    #[tokio::test]
    async fn poll_error_ends_wait_with_last_status() {
        let (poll, _) = scripted(vec![Ok(DnsStatus::Wait), Err("boom".to_owned())]);
        let err = wait_for_status(&fast(), &[DnsStatus::Open], &[], poll, never)
            .await
            .unwrap_err();
        assert_eq!(err.last_status(), Some(&DnsStatus::Wait));
        assert_eq!(err.to_string(), "boom (last status wait)");
    }

    #[tokio::test]
    async fn transient_poll_errors_are_polled_past() {
        use PeerConnStatus::*;
        let down = || Err("connection refused".to_owned());
        let (poll, count) = scripted(vec![
            Ok(Creating),
            down(),
            down(),
            down(),
            down(),
            Ok(Active),
        ]);
        let got = wait_for_status(&fast(), &[Active], &[Error], poll, always).await;
        assert_eq!(got, Ok(Active));
        assert_eq!(*count.lock().unwrap(), 6);
    }

    #[tokio::test]
    async fn an_outage_until_the_deadline_reports_its_error_and_the_last_status() {
        let config = WaitConfig {
            limits: Limits {
                cancel: None,
                deadline: Some(Instant::now() + Duration::from_millis(50)),
            },
            ..fast()
        };
        let (poll, _) = scripted(vec![
            Ok(PeerConnStatus::Creating),
            Err("connection refused".to_owned()),
        ]);
        let err = wait_for_status(&config, &[PeerConnStatus::Active], &[], poll, always)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            WaitError::Poll {
                error: "connection refused".to_owned(),
                last: Some(PeerConnStatus::Creating)
            }
        );
    }

    #[test]
    fn after_the_quick_polls_pauses_are_at_least_the_floor() {
        let c = WaitConfig::default();
        let ms = Duration::from_millis;
        // The first poll is immediate; the second follows the first interval.
        assert_eq!(c.pause(1, ms(200), ms(5)), ms(200));
        // Then at least a second apart, however short the backoff step...
        assert_eq!(c.pause(2, ms(400), ms(210)), Duration::from_secs(1));
        assert_eq!(c.pause(3, ms(800), ms(1300)), Duration::from_secs(1));
        // ...and growing with the time waited, up to the cap.
        assert_eq!(
            c.pause(9, Duration::from_secs(5), Duration::from_secs(30)),
            ms(2500)
        );
        assert_eq!(
            c.pause(20, Duration::from_secs(5), Duration::from_secs(600)),
            Duration::from_secs(5)
        );
    }

    #[tokio::test]
    async fn deadline_reports_last_status() {
        let config = WaitConfig {
            limits: Limits {
                cancel: None,
                deadline: Some(Instant::now() + Duration::from_millis(50)),
            },
            ..fast()
        };
        let (poll, count) = scripted(vec![Ok(DnsStatus::Syncing)]);
        let err = wait_for_status(
            &config,
            &[DnsStatus::Open],
            &[DnsStatus::Close],
            poll,
            never,
        )
        .await
        .unwrap_err();
        match &err {
            WaitError::TimedOut { last, polls } => {
                assert_eq!(last, &Some(DnsStatus::Syncing));
                assert_eq!(*polls, *count.lock().unwrap());
                assert!(*polls >= 1);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("last status syncing"));
    }

    #[tokio::test]
    async fn cancellation_cuts_a_long_interval_short() {
        let token = CancellationToken::new();
        let config = WaitConfig {
            first_interval: Duration::from_millis(1),
            max_interval: Duration::from_secs(3600),
            growth_factor: 3600,
            quick_polls: 2,
            floor_interval: Duration::ZERO,
            limits: Limits {
                cancel: Some(token.clone()),
                deadline: None,
            },
        };
        let (poll, count) = scripted(vec![Ok(PeerConnStatus::Deleting)]);
        let waiter = tokio::spawn(async move {
            wait_for_status(&config, &[PeerConnStatus::Deleted], &[], poll, never).await
        });
        // Wait until the first poll happened; the next one is an hour away.
        while *count.lock().unwrap() == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        token.cancel();
        let err = waiter.await.unwrap().unwrap_err();
        assert_eq!(
            err,
            WaitError::Cancelled {
                last: Some(PeerConnStatus::Deleting)
            }
        );
    }

    #[tokio::test]
    async fn custom_classifier_over_any_value() {
        let (poll, _) = scripted(vec![Ok(1u32), Ok(5), Ok(12)]);
        let got = wait_until(
            &fast(),
            poll,
            |n: &u32| {
                if *n >= 10 {
                    Verdict::Done
                } else {
                    Verdict::Pending
                }
            },
            never,
        )
        .await;
        assert_eq!(got, Ok::<u32, WaitError<u32, String>>(12));
    }

    #[tokio::test]
    async fn first_poll_is_immediate() {
        let config = WaitConfig {
            first_interval: Duration::from_secs(3600),
            ..WaitConfig::default()
        };
        let (poll, count) = scripted(vec![Ok(PeerConnStatus::Active)]);
        let got = tokio::time::timeout(
            Duration::from_secs(60),
            wait_for_status(&config, &[PeerConnStatus::Active], &[], poll, never),
        )
        .await
        .expect("no sleep before the first poll");
        assert_eq!(got, Ok(PeerConnStatus::Active));
        assert_eq!(*count.lock().unwrap(), 1);
    }

    #[test]
    fn sleeps_stay_within_a_twelfth_of_the_time_waited() {
        let c = WaitConfig::default();
        // Early on, the second interval (2 × 200 ms) is the floor.
        assert_eq!(c.sleep_cap(Duration::ZERO), Duration::from_millis(400));
        assert_eq!(
            c.sleep_cap(Duration::from_secs(2)),
            Duration::from_millis(400)
        );
        assert_eq!(c.sleep_cap(Duration::from_secs(12)), Duration::from_secs(1));
        assert_eq!(c.sleep_cap(Duration::from_secs(60)), Duration::from_secs(5));
    }

    #[test]
    fn intervals_grow_and_cap() {
        let c = WaitConfig::default();
        assert_eq!(
            c.next_interval(Duration::from_millis(200)),
            Duration::from_millis(400)
        );
        assert_eq!(
            c.next_interval(Duration::from_secs(4)),
            Duration::from_secs(5)
        );
        let flat = WaitConfig {
            growth_factor: 0,
            ..WaitConfig::default()
        };
        assert_eq!(
            flat.next_interval(Duration::from_millis(200)),
            Duration::from_millis(200)
        );
    }
}
