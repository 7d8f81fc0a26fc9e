//! Opening and closing DNS sync of the initiator side, waiting until the DNS
//! status settles. Baidu refuses to change it while it is moving (`wait`,
//! `syncing`, `closing`), so a moving status is waited out first (the step
//! Baidu's own provider gets wrong: it returns early and changes nothing).

use super::schema::{path, DNS_SYNC};
use crate::diagnostics::{client_error_diagnostic, wait_error_diagnostic, ErrorScope, WaitGoal};
use crate::limits::{call_options, wait_config};
use baidu_vpc::{BaiduClient, DnsStatus, Role};
use tfplugin5_framework::Context;
use tfvalue::Diagnostic;

const SETTLED: [DnsStatus; 2] = [DnsStatus::Open, DnsStatus::Close];

pub(super) async fn set_dns_sync<D>(
    ctx: &Context<D>,
    client: &BaiduClient,
    id: &str,
    open: bool,
) -> Result<(), Diagnostic> {
    let scope = ErrorScope::peering(id).at(path(DNS_SYNC));
    let (target, verb) = if open {
        (DnsStatus::Open, "open")
    } else {
        (DnsStatus::Close, "close")
    };
    let summary = format!("Cannot {verb} DNS sync");
    let goal = |target: &'static str| WaitGoal {
        target,
        deadline: ctx.deadline(),
    };
    let current = client
        .get_peerconn(id, Role::Initiator, &call_options(ctx))
        .await
        .map_err(|e| client_error_diagnostic(&summary, &e, &scope))?
        .dns_status;
    let current = match current {
        Some(s) if s.is_transitional() => client
            .wait_peerconn_dns_status(id, Role::Initiator, &SETTLED, &[], &wait_config(ctx))
            .await
            .map_err(|e| {
                wait_error_diagnostic(
                    &summary,
                    &format!("DNS sync of {id}"),
                    &e,
                    goal("settle before it can be changed"),
                    &scope,
                )
            })?,
        Some(s) => s,
        None => DnsStatus::Other(String::new()),
    };
    if current == target {
        return Ok(());
    }
    let opts = call_options(ctx);
    let sent = if open {
        client
            .open_peerconn_dns_sync(id, Role::Initiator, &opts)
            .await
    } else {
        client
            .close_peerconn_dns_sync(id, Role::Initiator, &opts)
            .await
    };
    sent.map_err(|e| client_error_diagnostic(&summary, &e, &scope))?;
    client
        .wait_peerconn_dns_status(
            id,
            Role::Initiator,
            std::slice::from_ref(&target),
            &[],
            &wait_config(ctx),
        )
        .await
        .map_err(|e| {
            wait_error_diagnostic(
                &summary,
                &format!("DNS sync of {id}"),
                &e,
                goal(if open { "become open" } else { "become closed" }),
                &scope,
            )
        })?;
    tracing::info!(peer_conn_id = id, dns_status = %target, "DNS sync settled");
    Ok(())
}
