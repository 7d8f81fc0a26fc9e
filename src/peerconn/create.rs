//! Create: one clientToken for the whole create (the client reuses it on
//! every retry, so a lost answer never makes a second peering), then wait
//! until the peering is `active` (same account) or `consulting` (waiting
//! for the peer account), open DNS sync if asked, and read it back.
//! Once Baidu returned an id, every failure still records the peering (the
//! id and whatever could be read) so Terraform taints it instead of
//! orphaning it.

use std::time::Duration;

use super::dns;
use super::mapping::{create_request, with_id};
use super::read::{fetch_views, salvage_state, state_of};
use super::schema::PeerConnModel;
use super::schema::*;
use crate::diagnostics::{
    client_error_diagnostic, error_diagnostic, push_client_error, wait_error_diagnostic,
    ErrorScope, WaitGoal,
};
use crate::limits::{call_options, call_options_with_token, wait_config};
use crate::status::{FAILED_STATUSES, SETTLED_STATUSES};
use baidu_vpc::client::new_client_token;
use baidu_vpc::model::CreatePeerConnRequest;
use baidu_vpc::{BaiduClient, ClientError, PeerConnStatus, Role};
use tfplugin5_framework::{Context, CreateRequest};
use tfplugin5_framework::{Model, Slot};
use tfvalue::{AttributePath, Diagnostic, Diagnostics, Value};

pub(super) async fn create<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    req: CreateRequest<'_>,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let spec = PeerConnModel::decode(req.planned);
    let body = match create_request(&spec) {
        Ok(body) => body,
        Err(e) => {
            diags.error(
                "Cannot build the create request",
                format!("{e} at apply time, which Terraform does not allow. This is a bug in the provider."),
            );
            return None;
        }
    };
    let token = new_client_token();
    tracing::info!(
        local_vpc_id = %body.local_vpc_id,
        peer_vpc_id = %body.peer_vpc_id,
        peer_region = %body.peer_region,
        // Not a secret (it is in the URL too); a field named "..._token" would be masked.
        idempotency_key = %token,
        "creating peering connection"
    );
    let id = match create_with_one_token(ctx, client, &body, &token).await {
        Ok(id) => id,
        Err(error) => {
            diags.push(create_failure(ctx, client, &body, &error).await);
            return None;
        }
    };
    tracing::info!(peer_conn_id = %id, "peering connection created");
    let scope = ErrorScope::peering(&id);

    let wait = client
        .wait_peerconn_status(
            &id,
            Role::Initiator,
            &SETTLED_STATUSES,
            &FAILED_STATUSES,
            &wait_config(ctx),
        )
        .await;
    let status = match wait {
        Ok(status) => status,
        Err(error) => {
            diags.push(wait_error_diagnostic(
                "Peering connection did not become ready",
                &format!("The new peering connection {id}"),
                &error,
                WaitGoal {
                    target: "become active (or consulting, for a cross-account peering)",
                    deadline: ctx.deadline(),
                },
                &scope,
            ));
            return Some(salvage_state(ctx, client, req.planned, &id).await);
        }
    };

    if spec.dns_sync == Slot::Known(true) {
        let opened = if status == PeerConnStatus::Active {
            dns::set_dns_sync(ctx, client, &id, true).await
        } else {
            Err(Diagnostic::error(
                "Cannot open DNS sync",
                format!(
                    "The peering connection {id} is {status}, and DNS sync can only be opened on an active peering. Set {DNS_SYNC} = true again once the peer account accepted it."
                ),
            )
            .at(path(DNS_SYNC)))
        };
        if let Err(d) = opened {
            diags.push(d);
            return Some(salvage_state(ctx, client, req.planned, &id).await);
        }
    }

    let base = with_id(req.planned, &id);
    match fetch_views(client, &id, &call_options(ctx)).await {
        Ok(Some(views)) => {
            let state = state_of(&base, &views);
            check_local_region(&id, req.planned, &state, diags);
            Some(state)
        }
        Ok(None) => {
            diags.push(Diagnostic::error(
                "Peering connection vanished",
                format!("The peering connection {id} was created and became {status}, but then no longer existed when read back."),
            ));
            None
        }
        Err(error) => {
            push_client_error(
                diags,
                "Cannot read the new peering connection",
                &error,
                &scope,
            );
            Some(salvage_state(ctx, client, req.planned, &id).await)
        }
    }
}

/// The plan says the local VPC is in the provider's region, as it must be
/// on Baidu (one endpoint per region). An endpoint serving every region (the
/// emulator's default) can create a peering elsewhere: say so plainly
/// instead of leaving Terraform to report an inconsistent result. The
/// peering is still recorded (tainted), so nothing is orphaned.
fn check_local_region(id: &str, planned: &Value, state: &Value, diags: &mut Diagnostics) {
    let region = |v: &Value| PeerConnModel::decode(v).local_region.into_known();
    if let (Some(provider_region), Some(actual)) = (region(planned), region(state)) {
        if provider_region != actual {
            diags.push(
                Diagnostic::error(
                    "The local VPC is in another region",
                    format!(
                        "Peering connection {id} was created, but its local VPC is in region \
                         {actual:?} while this provider is configured for {provider_region:?}. \
                         Baidu's endpoints are regional, so on Baidu this create would fail: \
                         use a provider (alias) with region = {actual:?} for this resource. \
                         The peering is kept in the state and will be replaced."
                    ),
                )
                .at(path(LOCAL_VPC_ID)),
            );
        }
    }
}

/// Rounds of the create call when the operation has no deadline (it always
/// has one in Terraform: the create timeout).
const CREATE_ROUNDS_WITHOUT_DEADLINE: u32 = 4;
/// Pause between rounds, on top of the client's own backoff.
const CREATE_ROUND_PAUSE: Duration = Duration::from_secs(1);

/// The create call, repeated with the same clientToken while it fails with a
/// retryable error, until the create timeout (the same bound as a wait for a
/// status): each round is one call with the client's retries. The create may
/// have run with only its answer lost, and giving up then would orphan a
/// billed peering Terraform never hears of; with the same clientToken
/// another round returns that peering's id instead of making a second one.
async fn create_with_one_token<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    body: &CreatePeerConnRequest,
    token: &str,
) -> Result<String, ClientError> {
    let opts = call_options_with_token(ctx, token);
    let bounded_by_deadline = opts.limits.deadline.is_some();
    let mut round = 1;
    loop {
        match client.create_peerconn(body, &opts).await {
            Err(error)
                if error.is_retryable()
                    && (bounded_by_deadline || round < CREATE_ROUNDS_WITHOUT_DEADLINE) =>
            {
                tracing::warn!(%error, round, idempotency_key = %token, "create failed transiently, trying again with the same clientToken until the create timeout");
                if opts.limits.sleep(CREATE_ROUND_PAUSE).await.is_err() {
                    return Err(error);
                }
                round += 1;
            }
            other => return other,
        }
    }
}

/// The diagnostic for a create Baidu refused. When the pair of VPCs already
/// has a peering (Baidu allows one), it names that peering and how to import
/// it instead.
async fn create_failure<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    body: &CreatePeerConnRequest,
    error: &ClientError,
) -> Diagnostic {
    let refused = error
        .api_error()
        .is_some_and(|e| (400..500).contains(&e.status) && !matches!(e.status, 401 | 403));
    if refused {
        if let Some((id, status)) = existing_peering(ctx, client, body).await {
            return duplicate_pair(body, &id, &status, error);
        }
    }
    let mut scope = ErrorScope::default();
    if let Some(api) = error.api_error() {
        scope.attribute = attribute_of_error(body, &api.code, &api.message);
    }
    let mut diagnostic =
        client_error_diagnostic("Cannot create the peering connection", error, &scope);
    let peer_vpc_not_found = error
        .api_error()
        .is_some_and(|e| e.code.contains("VpcNotFound") && e.message.contains(&body.peer_vpc_id));
    if peer_vpc_not_found && body.peer_account_id.is_none() {
        diagnostic.detail.push_str(&format!(
            "\n\nWithout {PEER_ACCOUNT_ID} the peer VPC is looked up in the provider's own \
             account. If {} belongs to another account, set {PEER_ACCOUNT_ID} to that account's \
             id.",
            body.peer_vpc_id
        ));
    }
    diagnostic
}

/// The peering already connecting the two VPCs, if any: `(id, status)`.
async fn existing_peering<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    body: &CreatePeerConnRequest,
) -> Option<(String, String)> {
    let all = client
        .list_all_peerconns(Some(&body.local_vpc_id), &call_options(ctx))
        .await
        .map_err(|error| tracing::debug!(%error, "cannot list the local VPC's peerings"))
        .ok()?;
    all.into_iter()
        .find(|pc| {
            let ends = [pc.local_vpc_id.as_str(), pc.peer_vpc_id.as_str()];
            ends.contains(&body.local_vpc_id.as_str()) && ends.contains(&body.peer_vpc_id.as_str())
        })
        .map(|pc| {
            let status = pc.status.map(|s| s.to_string()).unwrap_or_default();
            (pc.peer_conn_id, status)
        })
}

fn duplicate_pair(
    body: &CreatePeerConnRequest,
    existing: &str,
    status: &str,
    error: &ClientError,
) -> Diagnostic {
    let status = if status.is_empty() {
        String::new()
    } else {
        format!(" (status {status})")
    };
    let detail = format!(
        "Baidu allows one peering connection per pair of VPCs, and {local} and {peer} are already \
         connected by {existing}{status}. To manage that peering with Terraform, import it instead \
         of creating a new one (NAME is this resource's name):\n\n  terraform import \
         baidu_peerconn.NAME {existing}\n\nor, on Terraform 1.5 and later, with an import block:\n\n  \
         import {{\n    to = baidu_peerconn.NAME\n    id = \"{existing}\"\n  }}\n\nIf this resource \
         is being replaced under lifecycle {{ create_before_destroy = true }}, {existing} may be \
         its own current peering: the new one cannot exist beside it, so remove \
         create_before_destroy from this resource.\n\nBaidu answered: {error}.",
        local = body.local_vpc_id,
        peer = body.peer_vpc_id,
    );
    error_diagnostic(
        "A peering connection already exists between these VPCs",
        detail,
        &ErrorScope::peering(existing).at(path(PEER_VPC_ID)),
        error.request_id(),
    )
}

/// Which argument an API refusal is about, when its code or message says.
fn attribute_of_error(
    body: &CreatePeerConnRequest,
    code: &str,
    message: &str,
) -> Option<AttributePath> {
    if message.contains(&body.peer_vpc_id) {
        return Some(path(PEER_VPC_ID));
    }
    if message.contains(&body.local_vpc_id) {
        return Some(path(LOCAL_VPC_ID));
    }
    let text = format!("{code} {message}");
    [
        ("bandwidth", BANDWIDTH),
        ("peerAccountId", PEER_ACCOUNT_ID),
        ("peerIfName", PEER_IF_NAME),
        ("localIfName", LOCAL_IF_NAME),
        ("peerRegion", PEER_REGION),
        ("peerVpcId", PEER_VPC_ID),
        ("localVpcId", LOCAL_VPC_ID),
        ("paymentTiming", PAYMENT_TIMING),
        ("Prepaid", PAYMENT_TIMING),
        ("reservation", RESERVATION),
    ]
    .into_iter()
    .find(|(needle, _)| text.contains(needle))
    .map(|(_, attr)| match attr {
        PAYMENT_TIMING | RESERVATION => billing_path(attr),
        _ => path(attr),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use baidu_vpc::error::{ApiError, Operation};

    fn body() -> CreatePeerConnRequest {
        CreatePeerConnRequest::new(10, "vpc-demobj000001", "vpc-demogz000001", "gz")
    }

    #[test]
    fn refusals_point_at_the_argument_they_are_about() {
        let b = body();
        let at = |code: &str, message: &str| {
            attribute_of_error(&b, code, message).map(|p| p.to_string())
        };
        assert_eq!(
            at(
                "Vpc.VpcNotFound",
                "The VPC vpc-demogz000001 does not exist in region gz."
            ),
            Some("peer_vpc_id".into())
        );
        assert_eq!(
            at(
                "Vpc.VpcNotFound",
                "The VPC vpc-demobj000001 does not exist in your account."
            ),
            Some("local_vpc_id".into())
        );
        assert_eq!(
            at(
                "InvalidParameterValue",
                "The value of parameter bandwidthInMbps is invalid"
            ),
            Some("bandwidth_in_mbps".into())
        );
        assert_eq!(
            at(
                "PeerConn.SameRegionPrepaidNotSupported",
                "supports only Postpaid billing"
            ),
            Some("billing[0].payment_timing".into())
        );
        assert_eq!(at("QuotaExceeded", "too many"), None);
    }

    #[test]
    fn a_duplicate_pair_names_the_existing_peering_and_the_import_command() {
        let error = ClientError::Api(ApiError {
            retry_after: None,
            operation: Operation::CreatePeerConn,
            resource_id: None,
            status: 409,
            code: "PeerConn.AlreadyExists".into(),
            message: "exists".into(),
            request_id: Some("req-7".into()),
            service_error: true,
        });
        let d = duplicate_pair(&body(), "peerconn-abc123def456", "active", &error);
        assert!(d.is_error());
        assert!(d
            .detail
            .contains("terraform import baidu_peerconn.NAME peerconn-abc123def456"));
        assert!(d.detail.contains("id = \"peerconn-abc123def456\""));
        assert!(d.detail.contains("(status active)"));
        assert!(d.detail.contains("Baidu request id: req-7"));
        assert_eq!(d.attribute, Some(path(PEER_VPC_ID)));
    }
}
