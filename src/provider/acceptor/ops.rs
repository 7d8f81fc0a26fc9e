//! The acceptor's API work: answering a request (accept / reject, then
//! waiting for the outcome) and switching the acceptor side's DNS sync,
//! within the operation's timeout and Terraform's Stop.

use crate::baidu::{
    BaiduClient, CallOptions, ClientError, DnsStatus, Limits, PeerConn, PeerConnStatus, Role,
    WaitConfig, WaitError,
};
use crate::framework::duration::format_go_duration;
use crate::framework::Context;
use crate::tfvalue::Diagnostics;

use super::decision::{next_step, settled_statuses, Action, Step};

/// How many times a status is re-examined after waiting out a transition
/// (each wait is bounded by the timeout; this only stops a status that keeps
/// flipping between transitions).
const MAX_DECISIONS: usize = 5;

/// Why answering or a DNS change failed. `changed` is true when the API
/// accepted a mutation before the failure, so the object did change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub summary: String,
    pub detail: String,
    pub changed: bool,
}

impl Failure {
    fn unchanged(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            summary: summary.into(),
            detail: detail.into(),
            changed: false,
        }
    }

    fn changed(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            summary: summary.into(),
            detail: detail.into(),
            changed: true,
        }
    }

    pub fn report(&self, diags: &mut Diagnostics) {
        diags.error(&self.summary, &self.detail);
    }
}

/// The operation's limits (Stop and the `timeouts` deadline) for the client.
pub fn limits<D>(ctx: &Context<D>) -> Limits {
    Limits {
        cancel: Some(ctx.cancellation_token().clone()),
        deadline: ctx.deadline().map(|d| d.at),
    }
}

pub fn call_options<D>(ctx: &Context<D>) -> CallOptions {
    CallOptions {
        client_token: None,
        limits: limits(ctx),
    }
}

fn wait_config<D>(ctx: &Context<D>) -> WaitConfig {
    WaitConfig::default().with_limits(limits(ctx))
}

/// Describes a failed wait for users: the last status seen, and how to wait
/// longer when the timeout was the cause.
pub fn describe_wait<D, S: std::fmt::Display>(
    ctx: &Context<D>,
    what: &str,
    error: &WaitError<S, ClientError>,
) -> String {
    let last = match error.last_status() {
        Some(s) => format!("last status {s}"),
        None => "no status seen".to_owned(),
    };
    match error {
        WaitError::Failed { status } => format!("{what}: it reached status {status} instead"),
        WaitError::TimedOut { .. } => match ctx.deadline() {
            Some(d) => format!(
                "{what}: timed out after {} ({last}); set timeouts {{ {} = \"...\" }} to wait \
                 longer",
                format_go_duration(d.timeout),
                d.operation
            ),
            None => format!("{what}: timed out ({last})"),
        },
        WaitError::Cancelled { .. } => {
            format!("{what}: cancelled because Terraform asked the provider to stop ({last})")
        }
        WaitError::Poll { error, .. } => format!("{what}: {error} ({last})"),
    }
}

/// The acceptor's view, or a failure naming the account problem when the
/// peering is not visible.
pub async fn acceptor_view<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    id: &str,
) -> Result<PeerConn, Failure> {
    match client
        .find_peerconn(id, Role::Acceptor, &call_options(ctx))
        .await
    {
        Ok(Some(pc)) if pc.status != Some(PeerConnStatus::Deleted) => Ok(pc),
        Ok(_) => Err(Failure::unchanged(
            "Peering connection not found",
            not_visible(id),
        )),
        Err(e) => Err(Failure::unchanged(
            "Cannot read the peering connection",
            format!("{e}."),
        )),
    }
}

pub fn not_visible(id: &str) -> String {
    format!(
        "No peering connection {id} is visible to this account. Check the id, and that this \
         resource uses a provider configuration with the peer (acceptor) account's \
         credentials, e.g. `provider = baidu.peer`."
    )
}

async fn act(
    client: &BaiduClient,
    action: Action,
    id: &str,
    opts: &CallOptions,
) -> Result<(), ClientError> {
    match action {
        Action::Accept => client.accept_peerconn(id, opts).await,
        Action::Reject => client.reject_peerconn(id, opts).await,
    }
}

/// Hint for API refusals that usually mean the wrong account answers.
fn account_hint(error: &ClientError) -> &'static str {
    match error.api_error() {
        Some(e) if e.status == 403 => {
            " Only the peer (acceptor) account can answer a request: check that this \
             resource uses a provider configuration with the peer account's credentials."
        }
        _ => "",
    }
}

/// Carries out `action` on peering `id` and returns the acceptor's view once
/// the peering is where the action leads. A peering already there is
/// adopted; a transition under way is waited out first. `client_token` is
/// sent with the accept/reject call, so a retried call is not answered twice.
pub async fn answer<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    id: &str,
    action: Action,
    client_token: &str,
    diags: &mut Diagnostics,
) -> Result<PeerConn, Failure> {
    let summary = format!("Cannot {action} peering connection {id}");
    for _ in 0..MAX_DECISIONS {
        let pc = acceptor_view(ctx, client, id).await?;
        let status = pc
            .status
            .clone()
            .unwrap_or(PeerConnStatus::Other(String::new()));
        match next_step(id, action, &status) {
            Step::Adopt { note } => {
                tracing::info!(peer_conn_id = id, %status, %action, "adopting the peering as it is");
                if let Some(note) = note {
                    diags.warning(format!("Peering connection {id} adopted"), note);
                }
                return Ok(pc);
            }
            Step::Refuse(why) => return Err(Failure::unchanged(summary, why)),
            Step::WaitToSettle => {
                tracing::info!(peer_conn_id = id, %status, "waiting for the status to settle");
                client
                    .wait_peerconn_status(
                        id,
                        Role::Acceptor,
                        &settled_statuses(),
                        &[],
                        &wait_config(ctx),
                    )
                    .await
                    .map_err(|e| {
                        let what = format!("waiting for peering {id} to leave status {status}");
                        Failure::unchanged(summary.clone(), describe_wait(ctx, &what, &e))
                    })?;
            }
            Step::Act => {
                let opts = call_options(ctx).with_client_token(client_token);
                tracing::info!(peer_conn_id = id, %action, "answering the peering request");
                if let Err(e) = act(client, action, id, &opts).await {
                    // Someone may have answered meanwhile: decide from a fresh view.
                    if let Ok(again) = acceptor_view(ctx, client, id).await {
                        let s = again
                            .status
                            .clone()
                            .unwrap_or(PeerConnStatus::Other(String::new()));
                        if matches!(next_step(id, action, &s), Step::Adopt { .. }) {
                            return Ok(again);
                        }
                    }
                    return Err(Failure::unchanged(
                        summary,
                        format!("{e}.{}", account_hint(&e)),
                    ));
                }
                return wait_for_outcome(ctx, client, id, action).await;
            }
        }
    }
    Err(Failure::unchanged(
        summary,
        format!("The status of peering {id} kept changing; try again later."),
    ))
}

/// After a successful accept/reject call: waits for the action's target status.
async fn wait_for_outcome<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    id: &str,
    action: Action,
) -> Result<PeerConn, Failure> {
    let target = action.target();
    let waited = client
        .wait_peerconn_status(
            id,
            Role::Acceptor,
            std::slice::from_ref(&target),
            &action.failure_statuses(),
            &wait_config(ctx),
        )
        .await;
    let summary = format!(
        "Peering connection {id} was {} but did not settle",
        action.done()
    );
    match waited {
        Ok(_) => acceptor_view(ctx, client, id)
            .await
            .map_err(|f| Failure { changed: true, ..f }),
        Err(e) => {
            let what = format!("waiting for peering {id} to become {target}");
            Err(Failure::changed(summary, describe_wait(ctx, &what, &e)))
        }
    }
}

/// Turns DNS synchronisation of the acceptor's side on or off and waits until
/// the DNS status settles. A transition already under way is waited out first
/// (Baidu refuses changes while DNS is `wait`, `syncing` or `closing`).
pub async fn set_dns_sync<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    id: &str,
    on: bool,
) -> Result<(), Failure> {
    let (target, verb) = if on {
        (DnsStatus::Open, "open")
    } else {
        (DnsStatus::Close, "close")
    };
    let summary = format!("Cannot {verb} DNS synchronisation of peering connection {id}");
    let settled = client
        .wait_peerconn_dns_status(
            id,
            Role::Acceptor,
            &[DnsStatus::Open, DnsStatus::Close],
            &[],
            &wait_config(ctx),
        )
        .await
        .map_err(|e| {
            let what = format!("waiting for the DNS status of peering {id} to settle");
            Failure::unchanged(summary.clone(), describe_wait(ctx, &what, &e))
        })?;
    if settled == target {
        return Ok(());
    }
    tracing::info!(
        peer_conn_id = id,
        on,
        "changing DNS synchronisation (acceptor side)"
    );
    // Each call gets its own clientToken, reused by the client's retries.
    let opts = call_options(ctx);
    let called = if on {
        client
            .open_peerconn_dns_sync(id, Role::Acceptor, &opts)
            .await
    } else {
        client
            .close_peerconn_dns_sync(id, Role::Acceptor, &opts)
            .await
    };
    called.map_err(|e| Failure::unchanged(summary.clone(), format!("{e}.{}", account_hint(&e))))?;
    client
        .wait_peerconn_dns_status(
            id,
            Role::Acceptor,
            std::slice::from_ref(&target),
            &[],
            &wait_config(ctx),
        )
        .await
        .map(|_| ())
        .map_err(|e| {
            let what = format!("waiting for the DNS status of peering {id} to become {target}");
            Failure::changed(summary, describe_wait(ctx, &what, &e))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{Deadline, Operation};
    use std::sync::Arc;
    use std::time::Duration;
    use tokio_util::sync::CancellationToken;

    fn ctx() -> Context<()> {
        Context::new(
            Arc::new(()),
            CancellationToken::new(),
            Some(Deadline::starting_now(
                Operation::Create,
                Duration::from_secs(120),
            )),
            "baidu_peerconn_acceptor",
            "req",
        )
    }

    #[test]
    fn wait_failures_name_the_last_status_and_the_timeout_to_raise() {
        let e: WaitError<PeerConnStatus, ClientError> = WaitError::TimedOut {
            last: Some(PeerConnStatus::Consulting),
            polls: 7,
        };
        let msg = describe_wait(&ctx(), "waiting for peering p to become active", &e);
        assert_eq!(
            msg,
            "waiting for peering p to become active: timed out after 2m0s (last status \
             consulting); set timeouts { create = \"...\" } to wait longer"
        );
        let e: WaitError<PeerConnStatus, ClientError> = WaitError::Failed {
            status: PeerConnStatus::ConsultFailed,
        };
        let msg = describe_wait(&ctx(), "waiting", &e);
        assert!(
            msg.ends_with("reached status consult_failed instead"),
            "{msg}"
        );
        let e: WaitError<PeerConnStatus, ClientError> = WaitError::Cancelled { last: None };
        assert!(describe_wait(&ctx(), "w", &e).contains("asked the provider to stop"));
    }

    #[test]
    fn limits_carry_the_deadline_and_stop() {
        let c = ctx();
        let l = limits(&c);
        assert_eq!(l.deadline, c.deadline().map(|d| d.at));
        c.cancellation_token().cancel();
        assert!(l.check().is_err());
    }
}
