//! Delete: refused while deletion protection is on (also checked at plan
//! time on Terraform ≥ 1.3), waits out a transition Baidu would refuse to
//! interrupt, then deletes and waits until the peering is gone.

use super::rules::{self, deletion_protected};
use super::schema::PeerConnModel;
use crate::diagnostics::{client_error_diagnostic, wait_error_diagnostic, ErrorScope, WaitGoal};
use crate::limits::{call_options, wait_config};
use baidu_vpc::{BaiduClient, PeerConnStatus, Role};
use tfplugin5_framework::Model;
use tfplugin5_framework::{Context, DeleteRequest};
use tfvalue::Diagnostics;

/// Every status a peering can rest in; a wait for one of them waits out
/// `creating`, `updating` and the like.
const RESTING: [PeerConnStatus; 8] = [
    PeerConnStatus::Active,
    PeerConnStatus::Consulting,
    PeerConnStatus::ConsultFailed,
    PeerConnStatus::Expired,
    PeerConnStatus::Error,
    PeerConnStatus::Down,
    PeerConnStatus::Deleted,
    PeerConnStatus::Deleting,
];

pub(super) async fn delete<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    req: DeleteRequest<'_>,
    diags: &mut Diagnostics,
) {
    let prior = PeerConnModel::decode(req.prior);
    if prior.delete_protect.known() == Some(&true) {
        diags.push(deletion_protected());
        return;
    }
    let Some(id) = prior.id.as_deref() else {
        // Nothing was ever created under this object.
        return;
    };
    let scope = ErrorScope::peering(id);
    let summary = "Cannot delete the peering connection";
    let goal = |target| WaitGoal {
        target,
        deadline: ctx.deadline(),
    };

    let current = match client
        .find_peerconn(id, Role::Initiator, &call_options(ctx))
        .await
    {
        Ok(None) => return,
        Ok(Some(pc)) => pc.status,
        Err(e) => {
            diags.push(client_error_diagnostic(summary, &e, &scope));
            return;
        }
    };
    if current
        .as_ref()
        .is_some_and(PeerConnStatus::is_transitional)
        && current != Some(PeerConnStatus::Deleting)
    {
        let settled = client
            .wait_peerconn_status(id, Role::Initiator, &RESTING, &[], &wait_config(ctx))
            .await;
        if let Err(e) = settled {
            diags.push(wait_error_diagnostic(
                summary,
                &format!("The peering connection {id}"),
                &e,
                goal("finish its current change before deletion"),
                &scope,
            ));
            return;
        }
    }

    let unexpired = rules::unexpired_prepaid(&prior);
    let deleted = match (&unexpired, rules::refunds_on_destroy(&prior)) {
        (Some(expiry), false) => {
            diags.push(rules::unexpired_prepaid_refused(expiry));
            return;
        }
        (Some(_), true) => {
            tracing::info!(peer_conn_id = id, "refunding the unexpired Prepaid peering");
            client.refund_peerconn(id, &call_options(ctx)).await
        }
        (None, _) => {
            tracing::info!(peer_conn_id = id, "deleting peering connection");
            client.delete_peerconn(id, &call_options(ctx)).await
        }
    };
    match deleted {
        Ok(()) => {}
        Err(e) if e.is_not_found() => return,
        // The delete may have run with only its answer lost (a 5xx or a
        // dropped connection outlasting the retries): if the peering is
        // already going, wait for it as after a success, rather than keep
        // a peering in state that is about to vanish.
        Err(e) if e.is_retryable() && already_going(ctx, client, id).await => {}
        Err(e) => {
            diags.push(client_error_diagnostic(summary, &e, &scope));
            return;
        }
    }
    let gone = client
        .wait_peerconn_status(
            id,
            Role::Initiator,
            &[PeerConnStatus::Deleted],
            &[],
            &wait_config(ctx),
        )
        .await;
    if let Err(e) = gone {
        diags.push(wait_error_diagnostic(
            "Peering connection was not deleted",
            &format!("The peering connection {id}"),
            &e,
            goal("disappear"),
            &scope,
        ));
    }
}

/// Whether the peering is gone or deleting (a failed read says no).
async fn already_going<D>(ctx: &Context<D>, client: &BaiduClient, id: &str) -> bool {
    match client
        .find_peerconn(id, Role::Initiator, &call_options(ctx))
        .await
    {
        Ok(None) => true,
        Ok(Some(pc)) => pc.status == Some(PeerConnStatus::Deleting),
        Err(_) => false,
    }
}
