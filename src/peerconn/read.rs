//! Read (refresh and the read after an import): the initiator view, plus the
//! acceptor view when this account can see it (same-account peerings),
//! mapped onto the prior state.

use std::time::Duration;

use tokio::time::Instant;

use super::mapping::{state_from_views, with_id};
use super::schema::PeerConnModel;
use crate::diagnostics::{push_client_error, ErrorScope};
use crate::limits::call_options;
use baidu_vpc::{BaiduClient, CallOptions, ClientError, Limits, PeerConn, Role};
use tfplugin5_framework::Model;
use tfplugin5_framework::{Context, ReadRequest};
use tfvalue::{Diagnostic, Diagnostics, Value};

/// How long the read that records a half-finished create may take once the
/// operation's own deadline has passed.
const SALVAGE_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The views of one peering: `None` when it does not exist.
pub(super) struct Views {
    pub initiator: PeerConn,
    /// `None` when the acceptor side is not visible to this account.
    pub acceptor: Option<PeerConn>,
}

/// GET `role=initiator` (always passing the role: for a same-region peering
/// Baidu otherwise returns either side at random), then `role=acceptor`
/// best-effort.
pub(super) async fn fetch_views(
    client: &BaiduClient,
    id: &str,
    opts: &CallOptions,
) -> Result<Option<Views>, ClientError> {
    let Some(initiator) = client.find_peerconn(id, Role::Initiator, opts).await? else {
        return Ok(None);
    };
    let acceptor = match client.get_peerconn(id, Role::Acceptor, opts).await {
        Ok(view) => Some(view),
        // Cross-account: the peer's side may be hidden from us (the API
        // refuses or does not find it). The attributes it feeds then keep
        // their prior values. Any other failure (a 5xx or throttling that
        // outlasted the retries, a broken answer) is not "hidden": reading
        // it as such would flip a same-account peering to cross-account.
        Err(error) if is_hidden(&error) => {
            tracing::debug!(peer_conn_id = id, %error, "acceptor view not readable");
            None
        }
        Err(error) => return Err(error),
    };
    Ok(Some(Views {
        initiator,
        acceptor,
    }))
}

/// The API's way of saying "not yours to see": access denied or not found.
/// A 404 counts only as Baidu's own not-found (`is_not_found`): a proxy's or
/// wrong path's 404 page is a failure, not a hidden side.
fn is_hidden(error: &ClientError) -> bool {
    error.is_not_found()
        || error
            .api_error()
            .is_some_and(|e| matches!(e.status, 401 | 403))
}

/// The state after a mutation: `base` (the plan) with everything Baidu reports.
pub(super) fn state_of(base: &Value, views: &Views) -> Value {
    state_from_views(base, &views.initiator, views.acceptor.as_ref())
}

/// The best state to record when an operation failed after the peering
/// existed: read again (with a short time of its own, as the operation's
/// deadline may be what ended it), else `base` with the id.
pub(super) async fn salvage_state<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    base: &Value,
    id: &str,
) -> Value {
    let opts = CallOptions {
        client_token: None,
        limits: Limits {
            cancel: Some(ctx.cancellation_token().clone()),
            deadline: Some(Instant::now() + SALVAGE_READ_TIMEOUT),
        },
    };
    let base = with_id(base, id);
    match fetch_views(client, id, &opts).await {
        Ok(Some(views)) => state_of(&base, &views),
        Ok(None) => base,
        Err(error) => {
            tracing::warn!(peer_conn_id = id, %error, "cannot read the peering after a failure");
            base
        }
    }
}

pub(super) async fn read<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    req: ReadRequest<'_>,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let stored = PeerConnModel::decode(req.state);
    let Some(id) = stored.id.as_deref() else {
        diags.error(
            "Peering connection without an id",
            "The stored baidu_peerconn has no id, so it cannot be read. Remove it with `terraform state rm` and import the peering by its id.",
        );
        return None;
    };
    match fetch_views(client, id, &call_options(ctx)).await {
        Ok(Some(views)) => Some(state_of(req.state, &views)),
        Ok(None) if req.imported => {
            diags.push(Diagnostic::error(
                "Cannot import a peering connection that does not exist",
                format!(
                    "There is no peering connection {id} visible to the provider's account. Check the id, and that the provider's credentials belong to the account that initiated the peering."
                ),
            ));
            None
        }
        Ok(None) => {
            diags.push(Diagnostic::warning(
                "Peering connection no longer exists",
                format!(
                    "The peering connection {id} no longer exists: it was deleted outside Terraform, or by a destroy that was interrupted after Baidu had accepted the deletion. It is removed from the state and will be re-created by the next apply if the configuration still has it."
                ),
            ));
            None
        }
        Err(error) => {
            push_client_error(
                diags,
                "Cannot read the peering connection",
                &error,
                &ErrorScope::peering(id),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baidu_vpc::error::{ApiError, OpContext, Operation};

    fn get_error(status: u16, body: &[u8]) -> ClientError {
        let context = OpContext::new(Operation::GetPeerConn, Some("peerconn-abc123def456"));
        ClientError::Api(ApiError::from_response(&context, status, None, body))
    }

    #[test]
    fn only_baidus_refusal_or_not_found_hides_the_acceptor_view() {
        let baidu_404 = br#"{"code":"NoSuchObject","message":"gone","requestId":"r"}"#;
        assert!(is_hidden(&get_error(404, baidu_404)));
        assert!(is_hidden(&get_error(403, b"")));
        assert!(is_hidden(&get_error(401, b"")));
        assert!(!is_hidden(&get_error(404, b"<html>Not Found</html>")));
        assert!(!is_hidden(&get_error(404, b"")));
        assert!(!is_hidden(&get_error(500, b"")));
    }
}
