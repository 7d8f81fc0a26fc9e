//! Update: only the endpoints of what changed, each call with its own
//! clientToken (the client generates one per call and reuses it on that
//! call's retries), waiting through `updating` after each.
//!
//! | change | call |
//! |---|---|
//! | `description`, `local_if_name` | `PUT /v1/peerconn/{id}` on the local interface |
//! | `peer_if_name` (same account) | `PUT /v1/peerconn/{id}` on the acceptor's interface |
//! | `bandwidth_in_mbps` | `?resize` |
//! | terms appended to `billing.renewals` (Prepaid) | `?purchaseReserved`, one per term |
//! | `delete_protect` | `/deleteProtect` |
//! | `dns_sync` | `?open` / `?close`, waiting for the DNS status to settle |
//!
//! `reservation` (the initial term), other changes of `renewals`,
//! `refund_on_destroy`, `on_rejection`, `resource_group_id` after an import
//! and `timeouts` need no call: they are only stored.

use super::dns;
use super::read::{fetch_views, salvage_state, state_of};
use super::schema::PeerConnModel;
use super::schema::*;
use super::term::{renewal_change, RenewalChange};
use crate::diagnostics::{client_error_diagnostic, wait_error_diagnostic, ErrorScope, WaitGoal};
use crate::limits::{call_options, wait_config};
use crate::status::{FAILED_STATUSES, SETTLED_STATUSES};
use baidu_vpc::model::{RenewPeerConnRequest, UpdatePeerConnRequest};
use baidu_vpc::{BaiduClient, PeerConnStatus, Role};
use tfplugin5_framework::{Context, UpdateRequest};
use tfplugin5_framework::{Model, Slot};
use tfvalue::{AttributePath, Diagnostic, Diagnostics, Value};

/// What an update has to do, from prior and planned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Changes {
    /// New description (`""` clears it) and/or local interface name.
    pub local_interface: Option<(Option<String>, Option<String>)>,
    pub peer_if_name: Option<String>,
    pub bandwidth: Option<i64>,
    /// Terms to buy, in months, one renew call each.
    pub renew: Vec<i64>,
    pub delete_protect: Option<bool>,
    pub dns_sync: Option<bool>,
}

fn changed<T: PartialEq + Clone>(prior: &Slot<T>, planned: &Slot<T>) -> Option<Slot<T>> {
    (prior != planned).then(|| planned.clone())
}

impl Changes {
    pub fn between(prior: &PeerConnModel, planned: &PeerConnModel) -> Self {
        let description = changed(&prior.description, &planned.description)
            .map(|s| s.known().cloned().unwrap_or_default());
        // local_if_name is optional + computed: a null plan keeps the name.
        let local_if_name =
            changed(&prior.local_if_name, &planned.local_if_name).and_then(|s| s.known().cloned());
        let local_interface = (description.is_some() || local_if_name.is_some())
            .then_some((description, local_if_name));
        // Only terms appended to `renewals` are bought; the reservation is
        // the initial term and changing it buys nothing.
        let renew = match renewal_change(prior, planned) {
            RenewalChange::Buy(terms) => terms,
            RenewalChange::None | RenewalChange::RecordOnly => Vec::new(),
        };
        Self {
            local_interface,
            peer_if_name: changed(&prior.peer_if_name, &planned.peer_if_name)
                .map(|s| s.known().cloned().unwrap_or_default()),
            bandwidth: changed(&prior.bandwidth_in_mbps, &planned.bandwidth_in_mbps)
                .and_then(|s| s.known().copied()),
            renew,
            delete_protect: changed(&prior.delete_protect, &planned.delete_protect)
                .and_then(|s| s.known().copied()),
            dns_sync: changed(&prior.dns_sync, &planned.dns_sync).and_then(|s| s.known().copied()),
        }
    }
}

pub(super) async fn update<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    req: UpdateRequest<'_>,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let (prior, planned) = (
        PeerConnModel::decode(req.prior),
        PeerConnModel::decode(req.planned),
    );
    let Some(id) = prior.id.as_deref() else {
        diags.error(
            "Peering connection without an id",
            "The stored baidu_peerconn has no id.",
        );
        return None;
    };
    // The plan only warned about these (see `provider::refusal`).
    let status = prior.status.as_deref().map(PeerConnStatus::from);
    let mut refusals = Diagnostics::new();
    let fail_on_rejection = planned.on_rejection.as_deref() == Some(FAIL);
    if status == Some(PeerConnStatus::ConsultFailed) && fail_on_rejection {
        refusals.push(
            Diagnostic::error(
                "Peering request rejected",
                super::plan::rejection_advice(id),
            )
            .at(path(STATUS)),
        );
    }
    super::rules::check_change(&planned, &prior, status.as_ref(), &mut refusals);
    if refusals.has_errors() {
        diags.append(&mut refusals);
        return Some(req.prior.clone());
    }
    let changes = Changes::between(&prior, &planned);
    tracing::info!(peer_conn_id = id, ?changes, "updating peering connection");
    let local_if_id = prior.local_if_id.as_deref().unwrap_or_default();
    // What has been done so far, to record if a later step fails.
    let mut done = req.prior.clone();
    if let Err(d) = apply_changes(
        ctx,
        client,
        id,
        local_if_id,
        &changes,
        req.planned,
        &mut done,
    )
    .await
    {
        diags.push(d);
        return Some(salvage_state(ctx, client, &done, id).await);
    }
    match fetch_views(client, id, &call_options(ctx)).await {
        Ok(Some(views)) => Some(state_of(req.planned, &views)),
        Ok(None) => {
            diags.push(Diagnostic::error(
                "Peering connection vanished",
                format!("The peering connection {id} no longer exists after the update."),
            ));
            None
        }
        Err(e) => {
            diags.push(client_error_diagnostic(
                "Cannot read the updated peering connection",
                &e,
                &ErrorScope::peering(id),
            ));
            Some(salvage_state(ctx, client, req.planned, id).await)
        }
    }
}

/// Appends a bought term to `state`'s `billing[0].renewals`.
fn record_renewal(state: &mut Value, months: i64) {
    let renewals = billing_path(RENEWALS);
    let mut bought: Vec<Value> = renewals
        .apply_to(state)
        .and_then(Value::as_list)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    bought.push(Value::from(months));
    if let Some(slot) = renewals.apply_to_mut(state) {
        *slot = Value::list(bought);
    }
}

/// Runs the calls in a fixed order; `done` gets each stored-only value once
/// its call succeeded.
async fn apply_changes<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    id: &str,
    local_if_id: &str,
    changes: &Changes,
    planned: &Value,
    done: &mut Value,
) -> Result<(), Diagnostic> {
    let scope = |attr: AttributePath| ErrorScope::peering(id).at(attr);
    if let Some((description, local_if_name)) = &changes.local_interface {
        let attr = path(if description.is_some() {
            DESCRIPTION
        } else {
            LOCAL_IF_NAME
        });
        let body = UpdatePeerConnRequest {
            local_if_id: local_if_id.to_owned(),
            description: description.clone(),
            local_if_name: local_if_name.clone(),
        };
        client
            .update_peerconn(id, &body, &call_options(ctx))
            .await
            .map_err(|e| {
                client_error_diagnostic(
                    "Cannot update the peering connection",
                    &e,
                    &scope(attr.clone()),
                )
            })?;
        settle(ctx, client, id, &scope(attr)).await?;
    }
    if let Some(name) = &changes.peer_if_name {
        let attr = path(PEER_IF_NAME);
        let summary = "Cannot rename the peer interface";
        let acceptor = client
            .get_peerconn(id, Role::Acceptor, &call_options(ctx))
            .await
            .map_err(|e| client_error_diagnostic(summary, &e, &scope(attr.clone())))?;
        let body = UpdatePeerConnRequest {
            local_if_id: acceptor.local_if_id,
            description: None,
            local_if_name: Some(name.clone()),
        };
        client
            .update_peerconn(id, &body, &call_options(ctx))
            .await
            .map_err(|e| client_error_diagnostic(summary, &e, &scope(attr.clone())))?;
        settle(ctx, client, id, &scope(attr)).await?;
    }
    if let Some(bandwidth) = changes.bandwidth {
        let attr = path(BANDWIDTH);
        client
            .resize_peerconn(id, bandwidth, &call_options(ctx))
            .await
            .map_err(|e| {
                client_error_diagnostic(
                    "Cannot resize the peering connection",
                    &e,
                    &scope(attr.clone()),
                )
            })?;
        settle(ctx, client, id, &scope(attr)).await?;
    }
    for months in &changes.renew {
        let attr = billing_path(RENEWALS);
        client
            .renew_peerconn(
                id,
                &RenewPeerConnRequest::new(*months, MONTH),
                &call_options(ctx),
            )
            .await
            .map_err(|e| {
                client_error_diagnostic(
                    "Cannot renew the peering connection",
                    &e,
                    &scope(attr.clone()),
                )
            })?;
        // Recorded term by term: a later failure must not make the next
        // plan buy this one again.
        record_renewal(done, *months);
    }
    if let Some(protect) = changes.delete_protect {
        client
            .update_peerconn_delete_protect(id, protect, &call_options(ctx))
            .await
            .map_err(|e| {
                client_error_diagnostic(
                    "Cannot change deletion protection",
                    &e,
                    &scope(path(DELETE_PROTECT)),
                )
            })?;
    }
    if let Some(open) = changes.dns_sync {
        dns::set_dns_sync(ctx, client, id, open).await?;
    }
    for name in [RESOURCE_GROUP_ID, TIMEOUTS, BILLING] {
        if let Some(v) = planned.get_attr(name) {
            done.set_attr(name, v.clone());
        }
    }
    Ok(())
}

/// Waits through `updating` until the peering is `active` or `consulting` again.
async fn settle<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    id: &str,
    scope: &ErrorScope,
) -> Result<PeerConnStatus, Diagnostic> {
    client
        .wait_peerconn_status(
            id,
            Role::Initiator,
            &SETTLED_STATUSES,
            &FAILED_STATUSES,
            &wait_config(ctx),
        )
        .await
        .map_err(|e| {
            wait_error_diagnostic(
                "Peering connection did not finish updating",
                &format!("The peering connection {id}"),
                &e,
                WaitGoal {
                    target: "finish updating",
                    deadline: ctx.deadline(),
                },
                scope,
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peerconn::schema::tests::{billing, config_with};

    fn spec(pairs: &[(&str, Value)]) -> PeerConnModel {
        let mut all = vec![
            (BANDWIDTH, Value::from(100i64)),
            (DESCRIPTION, Value::string("d")),
            (LOCAL_IF_NAME, Value::string("l")),
            (BILLING, billing(PREPAID, Some((1, MONTH)))),
            (DNS_SYNC, Value::bool(false)),
            (DELETE_PROTECT, Value::bool(false)),
        ];
        all.extend(pairs.iter().cloned());
        PeerConnModel::decode(&config_with(&all))
    }

    #[test]
    fn nothing_changed_means_no_calls() {
        assert_eq!(Changes::between(&spec(&[]), &spec(&[])), Changes::default());
    }

    #[test]
    fn each_change_maps_to_its_call() {
        let prior = spec(&[]);
        let planned = spec(&[
            (BANDWIDTH, Value::from(200i64)),
            (DESCRIPTION, Value::Null),
            (PEER_IF_NAME, Value::string("p")),
            (BILLING, billing(PREPAID, Some((12, MONTH)))),
            (DNS_SYNC, Value::bool(true)),
            (DELETE_PROTECT, Value::bool(true)),
        ]);
        let c = Changes::between(&prior, &planned);
        assert_eq!(c.bandwidth, Some(200));
        // A removed description is cleared; the unchanged name is not sent.
        assert_eq!(c.local_interface, Some((Some(String::new()), None)));
        assert_eq!(c.peer_if_name, Some("p".into()));
        // The reservation is the initial term: changing it buys nothing.
        assert!(c.renew.is_empty(), "{:?}", c.renew);
        assert_eq!(c.dns_sync, Some(true));
        assert_eq!(c.delete_protect, Some(true));
    }

    #[test]
    fn appended_renewals_are_bought_one_call_each() {
        let with = |renewals: &[i64]| {
            let b = Value::list([Value::object([
                (PAYMENT_TIMING, Value::string(PREPAID)),
                (
                    RESERVATION,
                    Value::list([Value::object([
                        (RESERVATION_LENGTH, Value::from(1i64)),
                        (RESERVATION_TIME_UNIT, Value::string(MONTH)),
                    ])]),
                ),
                (
                    RENEWALS,
                    Value::list(renewals.iter().map(|m| Value::from(*m)).collect::<Vec<_>>()),
                ),
            ])]);
            spec(&[(BILLING, b)])
        };
        assert_eq!(
            Changes::between(&with(&[6]), &with(&[6, 12, 1])).renew,
            [12, 1]
        );
        assert!(Changes::between(&with(&[6]), &with(&[3])).renew.is_empty());
    }

    #[test]
    fn postpaid_reservations_and_kept_names_need_no_call() {
        let prior = spec(&[(BILLING, billing(POSTPAID, None))]);
        let planned = spec(&[
            (BILLING, billing(POSTPAID, Some((3, MONTH)))),
            (LOCAL_IF_NAME, Value::Null),
        ]);
        assert_eq!(Changes::between(&prior, &planned), Changes::default());
    }
}
