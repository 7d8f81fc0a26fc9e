//! The 13 peering operations as typed methods of [`BaiduClient`].
//!
//! Every mutating call sends a clientToken: the caller's (`CallOptions::client_token`)
//! or one generated for this call, the same on every retry. Action selectors are
//! sent as bare flags (`?accept&clientToken=…`), as the Go SDK does.

use std::collections::HashSet;

use reqwest::Method;
use serde::Serialize;

use super::client::{new_client_token, ApiRequest, BaiduClient, CallOptions, MAX_CLIENT_TOKEN_LEN};
use super::error::{ClientError, OpContext, Operation};
use super::model::{
    CreatePeerConnRequest, CreatePeerConnResponse, DnsStatus, ListPeerConnsQuery,
    ListPeerConnsResponse, PeerConn, PeerConnStatus, RenewPeerConnRequest, ResizePeerConnRequest,
    Role, UpdateDeleteProtectRequest, UpdatePeerConnRequest,
};
use super::waiter::{wait_for_status, WaitConfig, WaitError};
use super::wire::{decode, flag, is_empty_body, pair, unexpected};

/// `/v1/peerconn`.
pub const PEERCONN_PATH: &str = "/v1/peerconn";
/// Largest page the list API serves.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// A guard against a service whose markers never end.
const MAX_PAGES: usize = 10_000;

/// Peering ids are `peerconn-` + alphanumerics; anything that could change the
/// request path (`/`, `..`, `?`) is refused before a request is built.
fn is_valid_peer_conn_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn check_peer_conn_id(context: &OpContext, id: &str) -> Result<(), ClientError> {
    if is_valid_peer_conn_id(id) {
        Ok(())
    } else {
        Err(ClientError::InvalidRequest {
            context: context.clone(),
            detail: format!("{id:?} is not a valid peering connection id"),
        })
    }
}

fn client_token(context: &OpContext, opts: &CallOptions) -> Result<String, ClientError> {
    match &opts.client_token {
        None => Ok(new_client_token()),
        Some(t) if !t.is_empty() && t.len() <= MAX_CLIENT_TOKEN_LEN && t.is_ascii() => {
            Ok(t.clone())
        }
        Some(_) => Err(ClientError::InvalidRequest {
            context: context.clone(),
            detail: format!("clientToken must be 1 to {MAX_CLIENT_TOKEN_LEN} ASCII characters"),
        }),
    }
}

fn json_body<T: Serialize>(context: &OpContext, body: &T) -> Result<Vec<u8>, ClientError> {
    serde_json::to_vec(body).map_err(|e| ClientError::InvalidRequest {
        context: context.clone(),
        detail: format!("cannot serialize the request body: {e}"),
    })
}

/// A mutating call on one peering:
/// `PUT|DELETE /v1/peerconn/{id}{path_suffix}?{flags…}&clientToken=…`.
struct Mutation<'a, T: Serialize> {
    operation: Operation,
    method: Method,
    id: &'a str,
    path_suffix: &'a str,
    query: Vec<(String, String)>,
    body: Option<&'a T>,
}

/// The body type of mutations without a body.
type NoBody = ();

impl<'a> Mutation<'a, NoBody> {
    fn put(operation: Operation, id: &'a str, query: Vec<(String, String)>) -> Self {
        Mutation {
            operation,
            method: Method::PUT,
            id,
            path_suffix: "",
            query,
            body: None,
        }
    }
}

impl BaiduClient {
    async fn mutate<T: Serialize>(
        &self,
        m: Mutation<'_, T>,
        opts: &CallOptions,
    ) -> Result<(), ClientError> {
        let context = OpContext::new(m.operation, Some(m.id));
        check_peer_conn_id(&context, m.id)?;
        let body = m.body.map(|b| json_body(&context, b)).transpose()?;
        let mut query = m.query;
        query.push(pair("clientToken", client_token(&context, opts)?));
        let req = ApiRequest {
            context,
            method: m.method,
            path: format!("{PEERCONN_PATH}/{}{}", m.id, m.path_suffix),
            query,
            body,
        };
        self.execute(&req, &opts.limits).await.map(|_| ())
    }

    /// Creates a peering (`POST /v1/peerconn?clientToken=…`) and returns its id.
    /// Retrying with the same token returns the same peering instead of a second one.
    pub async fn create_peerconn(
        &self,
        request: &CreatePeerConnRequest,
        opts: &CallOptions,
    ) -> Result<String, ClientError> {
        let context = OpContext::new(Operation::CreatePeerConn, None);
        let token = client_token(&context, opts)?;
        let req = ApiRequest {
            body: Some(json_body(&context, request)?),
            context: context.clone(),
            method: Method::POST,
            path: PEERCONN_PATH.to_owned(),
            query: vec![pair("clientToken", token)],
        };
        let resp = self.execute(&req, &opts.limits).await?;
        let created: CreatePeerConnResponse = decode(&context, &resp)?;
        if created.peer_conn_id.is_empty() {
            return Err(unexpected(&context, &resp, "the answer has no peerConnId"));
        }
        // The id goes into state and into every later request path.
        if !is_valid_peer_conn_id(&created.peer_conn_id) {
            return Err(unexpected(
                &context,
                &resp,
                "the answer's peerConnId is not a peering connection id",
            ));
        }
        Ok(created.peer_conn_id)
    }

    /// One page of `GET /v1/peerconn?vpcId=…&marker=…&maxKeys=…`.
    pub async fn list_peerconns(
        &self,
        query: &ListPeerConnsQuery,
        opts: &CallOptions,
    ) -> Result<ListPeerConnsResponse, ClientError> {
        let context = OpContext::new(Operation::ListPeerConns, None);
        let mut pairs = Vec::new();
        if let Some(vpc) = query.vpc_id.as_deref().filter(|v| !v.is_empty()) {
            pairs.push(pair("vpcId", vpc));
        }
        if let Some(marker) = query.marker.as_deref().filter(|m| !m.is_empty()) {
            pairs.push(pair("marker", marker));
        }
        if let Some(max) = query.max_keys {
            pairs.push(pair("maxKeys", max.to_string()));
        }
        let req = ApiRequest {
            context: context.clone(),
            method: Method::GET,
            path: PEERCONN_PATH.to_owned(),
            query: pairs,
            body: None,
        };
        let resp = self.execute(&req, &opts.limits).await?;
        if is_empty_body(&resp.body) {
            // Nothing listed: an empty list, not an error.
            return Ok(ListPeerConnsResponse::default());
        }
        let page: ListPeerConnsResponse = decode(&context, &resp)?;
        if page.peer_conns.iter().any(|pc| pc.peer_conn_id.is_empty()) {
            return Err(unexpected(
                &context,
                &resp,
                "a listed peering has no peerConnId",
            ));
        }
        Ok(page)
    }

    /// Every peering (of `vpc_id`, if given), following `nextMarker` to the end.
    pub async fn list_all_peerconns(
        &self,
        vpc_id: Option<&str>,
        opts: &CallOptions,
    ) -> Result<Vec<PeerConn>, ClientError> {
        let mut all = Vec::new();
        let mut seen_markers = HashSet::new();
        let mut query = ListPeerConnsQuery {
            vpc_id: vpc_id.map(str::to_owned),
            marker: None,
            max_keys: Some(MAX_PAGE_SIZE),
        };
        for _ in 0..MAX_PAGES {
            let page = self.list_peerconns(&query, opts).await?;
            all.extend(page.peer_conns);
            if !page.is_truncated {
                return Ok(all);
            }
            let next = page.next_marker.unwrap_or_default();
            if next.is_empty() || !seen_markers.insert(next.clone()) {
                return Err(ClientError::Decode {
                    context: OpContext::new(Operation::ListPeerConns, None),
                    status: 200,
                    request_id: None,
                    detail: format!(
                        "the list is truncated but nextMarker {next:?} does not advance"
                    ),
                });
            }
            query.marker = Some(next);
        }
        Err(ClientError::Decode {
            context: OpContext::new(Operation::ListPeerConns, None),
            status: 200,
            request_id: None,
            detail: format!("the list did not end within {MAX_PAGES} pages"),
        })
    }

    /// `GET /v1/peerconn/{id}?role=…`: one side's view. A missing peering is an
    /// error with `is_not_found()`; see [`Self::find_peerconn`].
    pub async fn get_peerconn(
        &self,
        id: &str,
        role: Role,
        opts: &CallOptions,
    ) -> Result<PeerConn, ClientError> {
        let context = OpContext::new(Operation::GetPeerConn, Some(id));
        check_peer_conn_id(&context, id)?;
        let req = ApiRequest {
            context: context.clone(),
            method: Method::GET,
            path: format!("{PEERCONN_PATH}/{id}"),
            query: vec![pair("role", role.as_str())],
            body: None,
        };
        let resp = self.execute(&req, &opts.limits).await?;
        let mut pc: PeerConn = decode(&context, &resp)?;
        // Tolerant reading must not turn an unrelated JSON answer (a gateway's
        // `{"error": …}`, another object) into a peering with blank fields:
        // every view has a status, and it is the view of the id asked for.
        if pc.status.is_none() {
            return Err(unexpected(
                &context,
                &resp,
                "the answer has no status, so it is not a peering connection",
            ));
        }
        if pc.peer_conn_id.is_empty() {
            pc.peer_conn_id = id.to_owned();
        } else if pc.peer_conn_id != id {
            return Err(unexpected(
                &context,
                &resp,
                &format!("the answer describes {:?} instead", pc.peer_conn_id),
            ));
        }
        Ok(pc)
    }

    /// Like [`Self::get_peerconn`] but a missing peering is `Ok(None)`.
    pub async fn find_peerconn(
        &self,
        id: &str,
        role: Role,
        opts: &CallOptions,
    ) -> Result<Option<PeerConn>, ClientError> {
        match self.get_peerconn(id, role, opts).await {
            Ok(pc) => Ok(Some(pc)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `PUT /v1/peerconn/{id}` with `{localIfId, description?, localIfName?}`.
    pub async fn update_peerconn(
        &self,
        id: &str,
        request: &UpdatePeerConnRequest,
        opts: &CallOptions,
    ) -> Result<(), ClientError> {
        let m = Mutation {
            operation: Operation::UpdatePeerConn,
            method: Method::PUT,
            id,
            path_suffix: "",
            query: vec![],
            body: Some(request),
        };
        self.mutate(m, opts).await
    }

    /// `PUT /v1/peerconn/{id}?accept` (acceptor side).
    pub async fn accept_peerconn(&self, id: &str, opts: &CallOptions) -> Result<(), ClientError> {
        self.mutate(
            Mutation::put(Operation::AcceptPeerConn, id, vec![flag("accept")]),
            opts,
        )
        .await
    }

    /// `PUT /v1/peerconn/{id}?reject` (acceptor side).
    pub async fn reject_peerconn(&self, id: &str, opts: &CallOptions) -> Result<(), ClientError> {
        self.mutate(
            Mutation::put(Operation::RejectPeerConn, id, vec![flag("reject")]),
            opts,
        )
        .await
    }

    /// `DELETE /v1/peerconn/{id}` (initiator side).
    pub async fn delete_peerconn(&self, id: &str, opts: &CallOptions) -> Result<(), ClientError> {
        let m = Mutation {
            method: Method::DELETE,
            ..Mutation::put(Operation::DeletePeerConn, id, vec![])
        };
        self.mutate(m, opts).await
    }

    /// `PUT /v1/peerconn/{id}?resize` with `{newBandwidthInMbps}`.
    pub async fn resize_peerconn(
        &self,
        id: &str,
        new_bandwidth_in_mbps: i64,
        opts: &CallOptions,
    ) -> Result<(), ClientError> {
        let body = ResizePeerConnRequest {
            new_bandwidth_in_mbps,
        };
        let m = Mutation {
            operation: Operation::ResizePeerConn,
            method: Method::PUT,
            id,
            path_suffix: "",
            query: vec![flag("resize")],
            body: Some(&body),
        };
        self.mutate(m, opts).await
    }

    /// `PUT /v1/peerconn/{id}?purchaseReserved` with `{billing:{reservation:{…}}}`.
    pub async fn renew_peerconn(
        &self,
        id: &str,
        request: &RenewPeerConnRequest,
        opts: &CallOptions,
    ) -> Result<(), ClientError> {
        let m = Mutation {
            operation: Operation::RenewPeerConn,
            method: Method::PUT,
            id,
            path_suffix: "",
            query: vec![flag("purchaseReserved")],
            body: Some(request),
        };
        self.mutate(m, opts).await
    }

    /// `PUT /v1/peerconn/{id}?open&role=…`: start DNS synchronisation for one side.
    pub async fn open_peerconn_dns_sync(
        &self,
        id: &str,
        role: Role,
        opts: &CallOptions,
    ) -> Result<(), ClientError> {
        let query = vec![flag("open"), pair("role", role.as_str())];
        self.mutate(
            Mutation::put(Operation::OpenPeerConnDnsSync, id, query),
            opts,
        )
        .await
    }

    /// `PUT /v1/peerconn/{id}?close&role=…`: stop DNS synchronisation for one side.
    pub async fn close_peerconn_dns_sync(
        &self,
        id: &str,
        role: Role,
        opts: &CallOptions,
    ) -> Result<(), ClientError> {
        let query = vec![flag("close"), pair("role", role.as_str())];
        self.mutate(
            Mutation::put(Operation::ClosePeerConnDnsSync, id, query),
            opts,
        )
        .await
    }

    /// `PUT /v1/peerconn/{id}?refund`: unsubscribe a prepaid peering.
    pub async fn refund_peerconn(&self, id: &str, opts: &CallOptions) -> Result<(), ClientError> {
        self.mutate(
            Mutation::put(Operation::RefundPeerConn, id, vec![flag("refund")]),
            opts,
        )
        .await
    }

    /// `PUT /v1/peerconn/{id}/deleteProtect` with `{deleteProtect}`.
    pub async fn update_peerconn_delete_protect(
        &self,
        id: &str,
        delete_protect: bool,
        opts: &CallOptions,
    ) -> Result<(), ClientError> {
        let body = UpdateDeleteProtectRequest { delete_protect };
        let m = Mutation {
            operation: Operation::UpdatePeerConnDeleteProtect,
            method: Method::PUT,
            id,
            path_suffix: "/deleteProtect",
            query: vec![],
            body: Some(&body),
        };
        self.mutate(m, opts).await
    }
}

impl BaiduClient {
    /// Polls one side's status until it is in `target` or `failure`, within the
    /// limits of `wait` (each GET is also cut short by them). A peering that no
    /// longer exists reads as [`PeerConnStatus::Deleted`] (so a delete waits for
    /// `[Deleted]`), one without a status as `Other("")`. A poll failing with a
    /// retryable error (an outage, throttling) is polled past until the wait's deadline.
    pub async fn wait_peerconn_status(
        &self,
        id: &str,
        role: Role,
        target: &[PeerConnStatus],
        failure: &[PeerConnStatus],
        wait: &WaitConfig,
    ) -> Result<PeerConnStatus, WaitError<PeerConnStatus, ClientError>> {
        let opts = CallOptions {
            client_token: None,
            limits: wait.limits.clone(),
        };
        let (opts, role) = (&opts, &role);
        wait_for_status(
            wait,
            target,
            failure,
            || async move {
                let found = self.find_peerconn(id, role.clone(), opts).await?;
                Ok(match found {
                    None => PeerConnStatus::Deleted,
                    Some(pc) => pc.status.unwrap_or(PeerConnStatus::Other(String::new())),
                })
            },
            ClientError::is_retryable,
        )
        .await
    }

    /// Polls one side's `dnsStatus` until it is in `target` or `failure` (e.g.
    /// open: target `[Open]` through `wait`/`syncing`; close: target `[Close]`
    /// through `closing`). A missing status reads as `Other("")`; a vanished
    /// peering ends the wait with a not-found poll error; retryable poll
    /// failures are polled past as in [`Self::wait_peerconn_status`].
    pub async fn wait_peerconn_dns_status(
        &self,
        id: &str,
        role: Role,
        target: &[DnsStatus],
        failure: &[DnsStatus],
        wait: &WaitConfig,
    ) -> Result<DnsStatus, WaitError<DnsStatus, ClientError>> {
        let opts = CallOptions {
            client_token: None,
            limits: wait.limits.clone(),
        };
        let (opts, role) = (&opts, &role);
        wait_for_status(
            wait,
            target,
            failure,
            || async move {
                let pc = self.get_peerconn(id, role.clone(), opts).await?;
                Ok(pc.dns_status.unwrap_or(DnsStatus::Other(String::new())))
            },
            ClientError::is_retryable,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_could_change_the_path_are_refused() {
        let ctx = OpContext::new(Operation::GetPeerConn, None);
        assert!(check_peer_conn_id(&ctx, "peerconn-9td54fmx143e").is_ok());
        for bad in ["", "..", "a/b", "a?b", "a b", "peerconn-é", "x%2F"] {
            assert!(check_peer_conn_id(&ctx, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn client_tokens_are_checked() {
        let ctx = OpContext::new(Operation::CreatePeerConn, None);
        let generated = client_token(&ctx, &CallOptions::new()).unwrap();
        assert_eq!(generated.len(), 36);
        let mine = CallOptions::new().with_client_token("tok-1");
        assert_eq!(client_token(&ctx, &mine).unwrap(), "tok-1");
        for bad in [String::new(), "x".repeat(65), "测试".to_owned()] {
            let opts = CallOptions::new().with_client_token(bad);
            assert!(client_token(&ctx, &opts).is_err());
        }
    }

    #[test]
    fn empty_bodies() {
        for body in [&b""[..], b"  \n", b"null", b"{}", b" { } "] {
            assert!(is_empty_body(body), "{body:?}");
        }
        for body in [&b"[]"[..], b"{\"a\":1}", b"<html>"] {
            assert!(!is_empty_body(body), "{body:?}");
        }
    }
}
