//! What a resource or data source operation gets besides its values: the
//! configured provider data, a cancellation token that `Stop` cancels, and
//! the operation's deadline from the `timeouts` block.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::duration::format_go_duration;
use super::timeouts::Operation;

/// The time limit of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The operation the deadline limits.
    pub operation: Operation,
    /// The configured (or default) timeout the deadline was derived from.
    pub timeout: Duration,
    /// When the operation must have finished.
    pub at: Instant,
}

impl Deadline {
    /// A deadline `timeout` from now.
    pub fn starting_now(operation: Operation, timeout: Duration) -> Self {
        Self {
            operation,
            timeout,
            at: Instant::now() + timeout,
        }
    }
}

/// Why waiting stopped early. Its messages are written for end users; add
/// the last observed state when reporting (e.g. "... last status: creating").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Interrupted {
    /// Terraform asked the provider to stop (Ctrl-C, or the end of a command).
    #[error("the operation was cancelled because Terraform asked the provider to stop")]
    Cancelled,
    /// The operation's deadline passed.
    #[error("timed out after {} waiting for {operation} to complete (set timeouts {{ {operation} = \"...\" }} to wait longer)", format_go_duration(*.timeout))]
    TimedOut {
        /// The operation that timed out.
        operation: Operation,
        /// The timeout it had.
        timeout: Duration,
    },
}

/// Per-request context handed to resource and data-source operations.
pub struct Context<D> {
    provider: Arc<D>,
    cancel: CancellationToken,
    deadline: Option<Deadline>,
    type_name: String,
    request_id: String,
}

impl<D> Clone for Context<D> {
    fn clone(&self) -> Self {
        Self {
            provider: Arc::clone(&self.provider),
            cancel: self.cancel.clone(),
            deadline: self.deadline,
            type_name: self.type_name.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

impl<D> std::fmt::Debug for Context<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Provider data may hold credentials: never print it.
        f.debug_struct("Context")
            .field("type_name", &self.type_name)
            .field("request_id", &self.request_id)
            .field("deadline", &self.deadline)
            .field("cancelled", &self.cancel.is_cancelled())
            .finish_non_exhaustive()
    }
}

impl<D> Context<D> {
    /// Builds a context; the dispatch does this for every call. Public so
    /// resources can be unit-tested without the gRPC layer.
    pub fn new(
        provider: Arc<D>,
        cancel: CancellationToken,
        deadline: Option<Deadline>,
        type_name: impl Into<String>,
        request_id: impl Into<String>,
    ) -> Self {
        Self {
            provider,
            cancel,
            deadline,
            type_name: type_name.into(),
            request_id: request_id.into(),
        }
    }

    /// What the provider's `configure` produced (client, region, ...).
    pub fn provider(&self) -> &D {
        &self.provider
    }

    /// The provider data, as a shared handle to keep beyond this request (e.g. in a spawned
    /// task).
    pub fn provider_arc(&self) -> Arc<D> {
        Arc::clone(&self.provider)
    }

    /// Cancelled when Terraform sends `Stop` (the user interrupted the run).
    pub fn cancellation_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Whether Terraform asked the provider to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// The deadline of the current operation, when it has a timeout.
    pub fn deadline(&self) -> Option<Deadline> {
        self.deadline
    }

    /// Time left before the deadline (zero once passed); `None` without one.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.at.saturating_duration_since(Instant::now()))
    }

    /// The resource or data source type name this call is for.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The `tf_req_id` of the RPC, for log correlation.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Fails now if the operation was cancelled or its deadline passed.
    pub fn check(&self) -> Result<(), Interrupted> {
        if self.cancel.is_cancelled() {
            return Err(Interrupted::Cancelled);
        }
        match self.deadline {
            Some(d) if Instant::now() >= d.at => Err(self.timed_out(d)),
            _ => Ok(()),
        }
    }

    /// Runs `fut` until it completes, the operation is cancelled, or the
    /// deadline passes, whichever comes first. A future cut short is dropped.
    pub async fn run<F: Future>(&self, fut: F) -> Result<F::Output, Interrupted> {
        self.check()?;
        let deadline = self.deadline;
        let expire = async move {
            match deadline {
                Some(d) => tokio::time::sleep_until(d.at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => Err(Interrupted::Cancelled),
            () = expire => match deadline {
                Some(d) => Err(self.timed_out(d)),
                None => Err(Interrupted::Cancelled),
            },
            out = fut => Ok(out),
        }
    }

    /// Sleeps for `duration` (e.g. between polls), waking early with an error
    /// on cancellation or deadline.
    pub async fn sleep(&self, duration: Duration) -> Result<(), Interrupted> {
        self.run(tokio::time::sleep(duration)).await
    }

    fn timed_out(&self, d: Deadline) -> Interrupted {
        Interrupted::TimedOut {
            operation: d.operation,
            timeout: d.timeout,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(deadline: Option<Deadline>) -> Context<()> {
        Context::new(Arc::new(()), CancellationToken::new(), deadline, "t", "r")
    }

    #[tokio::test]
    async fn run_returns_the_output_when_nothing_interrupts() {
        assert_eq!(ctx(None).run(async { 7 }).await, Ok(7));
    }

    #[tokio::test]
    async fn run_stops_on_cancellation() {
        let c = ctx(None);
        let token = c.cancellation_token().clone();
        let waiter = tokio::spawn({
            let c = c.clone();
            async move { c.run(std::future::pending::<()>()).await }
        });
        token.cancel();
        assert_eq!(waiter.await.expect("join"), Err(Interrupted::Cancelled));
        assert_eq!(c.check(), Err(Interrupted::Cancelled));
    }

    #[tokio::test]
    async fn run_stops_at_the_deadline_with_a_useful_message() {
        let c = ctx(Some(Deadline::starting_now(
            Operation::Create,
            Duration::from_millis(5),
        )));
        let err = c
            .run(std::future::pending::<()>())
            .await
            .expect_err("deadline");
        assert_eq!(
            err,
            Interrupted::TimedOut {
                operation: Operation::Create,
                timeout: Duration::from_millis(5)
            }
        );
        assert_eq!(
            err.to_string(),
            "timed out after 0.005s waiting for create to complete (set timeouts { create = \"...\" } to wait longer)"
        );
        assert_eq!(c.remaining(), Some(Duration::ZERO));
    }
}
