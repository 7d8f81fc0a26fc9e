//! The acceptor's API work: answering a request (accept / reject, then
//! waiting for the outcome) and switching the acceptor side's DNS sync,
//! within the operation's timeout and Terraform's Stop. Limits, polling and
//! error diagnostics come from [`crate::shared`].

use crate::diagnostics::{
    client_error_diagnostic, error_diagnostic, wait_error_diagnostic, ErrorScope, WaitGoal,
};
use crate::limits::{call_options, call_options_with_token, wait_config};
use baidu_vpc::{BaiduClient, ClientError, DnsStatus, PeerConn, PeerConnStatus, Role};
use tfplugin5_framework::Context;
use tfvalue::{AttributePath, Diagnostic, Diagnostics};

use super::decision::{next_step, settled_statuses, Action, Step};
use super::schema::{ACTION, DNS_SYNC, PEER_CONN_ID};

/// How many times a status is re-examined after waiting out a transition
/// (each wait is bounded by the timeout; this only stops a status that keeps
/// flipping between transitions).
const MAX_DECISIONS: usize = 5;

/// Why answering or a DNS change failed. `changed` is true when the API
/// accepted a mutation before the failure, so the object did change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub diagnostic: Diagnostic,
    pub changed: bool,
}

impl Failure {
    fn unchanged(diagnostic: Diagnostic) -> Self {
        Self {
            diagnostic,
            changed: false,
        }
    }

    fn changed(diagnostic: Diagnostic) -> Self {
        Self {
            diagnostic,
            changed: true,
        }
    }

    pub fn report(self, diags: &mut Diagnostics) {
        diags.push(self.diagnostic);
    }
}

fn scope(id: &str, attribute: &str) -> ErrorScope {
    ErrorScope::peering(id).at(AttributePath::root().attr(attribute))
}

fn status_of(pc: &PeerConn) -> PeerConnStatus {
    pc.status
        .clone()
        .unwrap_or(PeerConnStatus::Other(String::new()))
}

pub fn not_visible(id: &str) -> String {
    format!(
        "No peering connection {id} is visible to this account. Check the id, and that this \
         resource uses a provider configuration with the peer (acceptor) account's \
         credentials, e.g. `provider = baidu.peer`."
    )
}

/// The acceptor's view; a peering this account cannot see is a failure
/// pointing at `peer_conn_id`.
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
        Ok(_) => Err(Failure::unchanged(error_diagnostic(
            "Peering connection not found",
            not_visible(id),
            &scope(id, PEER_CONN_ID),
            None,
        ))),
        Err(e) => Err(Failure::unchanged(client_error_diagnostic(
            "Cannot read the peering connection",
            &e,
            &ErrorScope::peering(id),
        ))),
    }
}

/// A refused accept/reject/DNS call. A 403 usually means the wrong account
/// answers (Baidu lets only the acceptor), which deserves its own hint.
fn refused(summary: &str, error: &ClientError, scope: &ErrorScope) -> Diagnostic {
    match error.api_error() {
        Some(api) if api.status == 403 && api.code != "AccessDenied" => error_diagnostic(
            summary,
            format!(
                "{error}. Only the peer (acceptor) account can answer a request or change the \
                 acceptor side: check that this resource uses a provider configuration with \
                 the peer account's credentials, e.g. `provider = baidu.peer`."
            ),
            scope,
            error.request_id(),
        ),
        _ => client_error_diagnostic(summary, error, scope),
    }
}

async fn act(
    ctx: &Context<impl Send + Sync>,
    client: &BaiduClient,
    action: Action,
    id: &str,
    client_token: &str,
) -> Result<(), ClientError> {
    let opts = call_options_with_token(ctx, client_token);
    match action {
        Action::Accept => client.accept_peerconn(id, &opts).await,
        Action::Reject => client.reject_peerconn(id, &opts).await,
    }
}

/// Carries out `action` on peering `id` and returns the acceptor's view once
/// the peering is where the action leads. A peering already there is
/// adopted; a transition under way is waited out first. `client_token` is
/// sent with the accept/reject call, so a retried call is not answered twice.
pub async fn answer<D: Send + Sync>(
    ctx: &Context<D>,
    client: &BaiduClient,
    id: &str,
    action: Action,
    client_token: &str,
    diags: &mut Diagnostics,
) -> Result<PeerConn, Failure> {
    let summary = format!("Cannot {action} peering connection {id}");
    let at_action = scope(id, ACTION);
    for _ in 0..MAX_DECISIONS {
        let pc = acceptor_view(ctx, client, id).await?;
        let status = status_of(&pc);
        match next_step(id, action, &status) {
            Step::Adopt { note } => {
                tracing::info!(peer_conn_id = id, %status, %action, "adopting the peering as it is");
                if let Some(note) = note {
                    diags.attribute_warning(
                        AttributePath::root().attr(ACTION),
                        format!("Peering connection {id} adopted"),
                        note,
                    );
                }
                return Ok(pc);
            }
            Step::Refuse(why) => {
                return Err(Failure::unchanged(error_diagnostic(
                    summary, why, &at_action, None,
                )))
            }
            Step::WaitToSettle => {
                tracing::info!(peer_conn_id = id, %status, "waiting for the status to settle");
                let target = format!("leave status {status}");
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
                        let goal = WaitGoal {
                            target: &target,
                            deadline: ctx.deadline(),
                        };
                        let subject = format!("Peering connection {id}");
                        Failure::unchanged(wait_error_diagnostic(
                            summary.as_str(),
                            &subject,
                            &e,
                            goal,
                            &at_action,
                        ))
                    })?;
            }
            Step::Act => {
                tracing::info!(peer_conn_id = id, %action, "answering the peering request");
                if let Err(e) = act(ctx, client, action, id, client_token).await {
                    // Someone may have answered meanwhile: decide from a fresh view.
                    if let Ok(again) = acceptor_view(ctx, client, id).await {
                        let now = status_of(&again);
                        if matches!(next_step(id, action, &now), Step::Adopt { .. }) {
                            return Ok(again);
                        }
                    }
                    return Err(Failure::unchanged(refused(&summary, &e, &at_action)));
                }
                return wait_for_outcome(ctx, client, id, action).await;
            }
        }
    }
    Err(Failure::unchanged(error_diagnostic(
        summary,
        format!("The status of peering {id} kept changing; try again later."),
        &at_action,
        None,
    )))
}

/// After a successful accept/reject call: waits for the action's target status.
async fn wait_for_outcome<D: Send + Sync>(
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
    match waited {
        Ok(_) => acceptor_view(ctx, client, id)
            .await
            .map_err(|f| Failure::changed(f.diagnostic)),
        Err(e) => {
            let goal_text = format!("become {target}");
            let goal = WaitGoal {
                target: &goal_text,
                deadline: ctx.deadline(),
            };
            let subject = format!("Peering connection {id} was {} but", action.done());
            Err(Failure::changed(wait_error_diagnostic(
                format!("Peering connection {id} did not settle"),
                &subject,
                &e,
                goal,
                &scope(id, ACTION),
            )))
        }
    }
}

/// Turns DNS synchronisation of the acceptor's side on or off and waits until
/// the DNS status settles. A transition already under way is waited out first
/// (Baidu refuses changes while DNS is `wait`, `syncing` or `closing`).
pub async fn set_dns_sync<D: Send + Sync>(
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
    let at_dns = scope(id, DNS_SYNC);
    let subject = format!("The acceptor side's DNS status of peering connection {id}");
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
            let goal = WaitGoal {
                target: "settle",
                deadline: ctx.deadline(),
            };
            Failure::unchanged(wait_error_diagnostic(
                summary.as_str(),
                &subject,
                &e,
                goal,
                &at_dns,
            ))
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
    called.map_err(|e| Failure::unchanged(refused(&summary, &e, &at_dns)))?;
    let goal_text = format!("become {target}");
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
            let goal = WaitGoal {
                target: &goal_text,
                deadline: ctx.deadline(),
            };
            Failure::changed(wait_error_diagnostic(
                summary.as_str(),
                &subject,
                &e,
                goal,
                &at_dns,
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use baidu_vpc::error::{ApiError, Operation};

    fn api(status: u16, code: &str) -> ClientError {
        ClientError::Api(ApiError {
            retry_after: None,
            operation: Operation::AcceptPeerConn,
            resource_id: Some("peerconn-abcdef123456".into()),
            status,
            code: code.into(),
            message: "nope".into(),
            request_id: Some("req-7".into()),
            service_error: true,
        })
    }

    #[test]
    fn refusals_name_the_attribute_peering_and_request_and_hint_at_the_account() {
        let s = scope("peerconn-abcdef123456", ACTION);
        let d = refused("Cannot accept", &api(403, "PeerConn.AcceptorOnly"), &s);
        assert_eq!(d.attribute, Some(AttributePath::root().attr(ACTION)));
        assert!(d.detail.contains("peer (acceptor) account"), "{}", d.detail);
        assert!(d.detail.contains("Baidu request id: req-7"), "{}", d.detail);
        assert!(
            d.detail
                .contains("peering connection: peerconn-abcdef123456"),
            "{}",
            d.detail
        );
        // Other errors get shared's wording (here: the credentials hint).
        let d = refused("Cannot accept", &api(403, "AccessDenied"), &s);
        assert!(d.detail.contains("secret_key"), "{}", d.detail);
        let d = refused("Cannot accept", &api(409, "PeerConn.InvalidStatus"), &s);
        assert!(!d.detail.contains("acceptor) account"), "{}", d.detail);
    }

    #[test]
    fn not_visible_points_at_the_provider_alias() {
        let msg = not_visible("peerconn-x");
        assert!(msg.contains("peerconn-x") && msg.contains("provider = baidu.peer"));
    }
}
