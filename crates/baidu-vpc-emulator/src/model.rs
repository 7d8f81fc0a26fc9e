//! The stored peer connection and the two views (initiator / acceptor) the
//! API shows of it.
//!
//! One record holds both sides. The initiator view shows the initiator side as
//! `local*` and the acceptor side as `peer*`; the acceptor view mirrors that.
//! Each side has its own interface (`qpif-…`), name, description and DNS sync
//! status; status, bandwidth and billing are shared.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::clock::{iso8601, Millis};

/// Peer connection status (GO-SDK constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Creating,
    Consulting,
    ConsultFailed,
    Active,
    Down,
    Starting,
    Stopping,
    Deleting,
    Deleted,
    Expired,
    Error,
    Updating,
}

impl Status {
    pub const ALL: [Status; 12] = [
        Status::Creating,
        Status::Consulting,
        Status::ConsultFailed,
        Status::Active,
        Status::Down,
        Status::Starting,
        Status::Stopping,
        Status::Deleting,
        Status::Deleted,
        Status::Expired,
        Status::Error,
        Status::Updating,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Creating => "creating",
            Status::Consulting => "consulting",
            Status::ConsultFailed => "consult_failed",
            Status::Active => "active",
            Status::Down => "down",
            Status::Starting => "starting",
            Status::Stopping => "stopping",
            Status::Deleting => "deleting",
            Status::Deleted => "deleted",
            Status::Expired => "expired",
            Status::Error => "error",
            Status::Updating => "updating",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// DNS synchronisation status of one side (GO-SDK constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DnsStatus {
    Close,
    Wait,
    Syncing,
    Open,
    Closing,
}

impl DnsStatus {
    pub const ALL: [DnsStatus; 5] = [
        DnsStatus::Close,
        DnsStatus::Wait,
        DnsStatus::Syncing,
        DnsStatus::Open,
        DnsStatus::Closing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DnsStatus::Close => "close",
            DnsStatus::Wait => "wait",
            DnsStatus::Syncing => "syncing",
            DnsStatus::Open => "open",
            DnsStatus::Closing => "closing",
        }
    }

    pub fn parse(s: &str) -> Option<DnsStatus> {
        DnsStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn is_transitional(self) -> bool {
        matches!(
            self,
            DnsStatus::Wait | DnsStatus::Syncing | DnsStatus::Closing
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentTiming {
    Prepaid,
    Postpaid,
}

impl PaymentTiming {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentTiming::Prepaid => "Prepaid",
            PaymentTiming::Postpaid => "Postpaid",
        }
    }
}

/// Which view of a peering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Initiator,
    Acceptor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Initiator => "initiator",
            Role::Acceptor => "acceptor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "initiator" => Some(Role::Initiator),
            "acceptor" => Some(Role::Acceptor),
            _ => None,
        }
    }
}

/// A scheduled change: becomes `status` at `at` (`None`: never, i.e. stuck).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step<S> {
    pub status: S,
    pub at: Option<Millis>,
}

/// One side of a peering.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Side {
    pub account_id: String,
    pub vpc_id: String,
    pub region: String,
    pub if_id: String,
    pub if_name: String,
    pub description: String,
    pub dns_status: DnsStatus,
    /// Pending DNS transitions, applied in order.
    #[serde(default)]
    pub dns_steps: Vec<Step<DnsStatus>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    pub tag_key: String,
    #[serde(default)]
    pub tag_value: String,
}

/// The stored peer connection.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerConnRecord {
    pub peer_conn_id: String,
    /// Creation order; list pages follow it.
    pub seq: u64,
    pub status: Status,
    /// Pending status transitions, applied in order.
    #[serde(default)]
    pub steps: Vec<Step<Status>>,
    /// When an unanswered cross-account request becomes `consult_failed`.
    pub consult_deadline: Option<Millis>,
    pub initiator: Side,
    pub acceptor: Side,
    pub bandwidth_in_mbps: u32,
    pub payment_timing: PaymentTiming,
    pub created: Millis,
    /// Prepaid only: end of the paid period.
    pub expires: Option<Millis>,
    pub delete_protect: bool,
    #[serde(default)]
    pub tags: Vec<Tag>,
    pub resource_group_id: Option<String>,
    /// The create request body this peering was made from.
    pub create_request: Value,
    pub client_token: Option<String>,
    pub create_request_id: String,
    /// Set once the peering is gone (deleted, refunded, or removed by admin).
    pub deleted: Option<Millis>,
    pub deleted_by: Option<String>,
}

/// What settling found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Present,
    /// Deletion finished; the record should move to the tombstones.
    Gone,
}

impl PeerConnRecord {
    pub fn is_cross_account(&self) -> bool {
        self.initiator.account_id != self.acceptor.account_id
    }

    pub fn side(&self, role: Role) -> &Side {
        match role {
            Role::Initiator => &self.initiator,
            Role::Acceptor => &self.acceptor,
        }
    }

    pub fn side_mut(&mut self, role: Role) -> &mut Side {
        match role {
            Role::Initiator => &mut self.initiator,
            Role::Acceptor => &mut self.acceptor,
        }
    }

    /// Whether `account` is a party of this peering.
    pub fn involves(&self, account: &str) -> bool {
        self.initiator.account_id == account || self.acceptor.account_id == account
    }

    pub fn involves_vpc(&self, vpc: &str) -> bool {
        self.initiator.vpc_id == vpc || self.acceptor.vpc_id == vpc
    }

    /// The role `account` plays by default: initiator if it initiated.
    pub fn default_role(&self, account: &str) -> Role {
        if self.initiator.account_id == account {
            Role::Initiator
        } else {
            Role::Acceptor
        }
    }

    pub fn is_transitional(&self) -> bool {
        matches!(
            self.status,
            Status::Creating
                | Status::Updating
                | Status::Deleting
                | Status::Starting
                | Status::Stopping
        )
    }

    /// Applies every transition due at `now`.
    pub fn settle(&mut self, now: Millis) -> Settled {
        if self.status == Status::Deleted {
            return Settled::Gone;
        }
        while let Some(step) = self.steps.first() {
            match step.at {
                Some(at) if at <= now => {
                    let status = step.status;
                    self.steps.remove(0);
                    self.status = status;
                    if status == Status::Deleted {
                        self.deleted = Some(at);
                        self.steps.clear();
                        return Settled::Gone;
                    }
                }
                _ => break,
            }
        }
        if self.steps.is_empty() {
            if self.status == Status::Consulting && self.consult_deadline.is_some_and(|d| d <= now)
            {
                self.status = Status::ConsultFailed;
                self.consult_deadline = None;
            }
            if self.status == Status::Active && self.expires.is_some_and(|e| e <= now) {
                self.status = Status::Expired;
            }
        }
        for side in [&mut self.initiator, &mut self.acceptor] {
            while let Some(step) = side.dns_steps.first() {
                match step.at {
                    Some(at) if at <= now => {
                        side.dns_status = step.status;
                        side.dns_steps.remove(0);
                    }
                    _ => break,
                }
            }
        }
        Settled::Present
    }

    /// The API's peering object as `role` sees it.
    pub fn view(&self, role: Role) -> Value {
        let (local, peer) = match role {
            Role::Initiator => (&self.initiator, &self.acceptor),
            Role::Acceptor => (&self.acceptor, &self.initiator),
        };
        json!({
            "peerConnId": self.peer_conn_id,
            "role": role.as_str(),
            "status": self.status.as_str(),
            "bandwidthInMbps": self.bandwidth_in_mbps,
            "description": local.description,
            "localIfId": local.if_id,
            "localIfName": local.if_name,
            "localVpcId": local.vpc_id,
            "localRegion": local.region,
            "peerVpcId": peer.vpc_id,
            "peerRegion": peer.region,
            "peerAccountId": peer.account_id,
            "paymentTiming": self.payment_timing.as_str(),
            "dnsStatus": local.dns_status.as_str(),
            "createdTime": iso8601(self.created),
            "expiredTime": self.expires.map(iso8601).unwrap_or_default(),
            "deleteProtect": self.delete_protect,
            "tags": if role == Role::Initiator { json!(self.tags) } else { json!([]) },
        })
    }

    /// The full record for `GET /__emulator/state` (no secrets in it).
    pub fn admin_view(&self) -> Value {
        let side = |s: &Side| {
            json!({
                "accountId": s.account_id,
                "vpcId": s.vpc_id,
                "region": s.region,
                "ifId": s.if_id,
                "ifName": s.if_name,
                "description": s.description,
                "dnsStatus": s.dns_status.as_str(),
                "pendingDns": s.dns_steps.iter().map(|st| json!({
                    "dnsStatus": st.status.as_str(),
                    "at": st.at.map(iso8601),
                })).collect::<Vec<_>>(),
            })
        };
        json!({
            "peerConnId": self.peer_conn_id,
            "status": self.status.as_str(),
            "pending": self.steps.iter().map(|st| json!({
                "status": st.status.as_str(),
                "at": st.at.map(iso8601),
            })).collect::<Vec<_>>(),
            "crossAccount": self.is_cross_account(),
            "initiator": side(&self.initiator),
            "acceptor": side(&self.acceptor),
            "bandwidthInMbps": self.bandwidth_in_mbps,
            "paymentTiming": self.payment_timing.as_str(),
            "createdTime": iso8601(self.created),
            "expiredTime": self.expires.map(iso8601),
            "consultDeadline": self.consult_deadline.map(iso8601),
            "deleteProtect": self.delete_protect,
            "tags": self.tags,
            "resourceGroupId": self.resource_group_id,
            "createRequest": self.create_request,
            "clientToken": self.client_token,
            "createRequestId": self.create_request_id,
            "deletedTime": self.deleted.map(iso8601),
            "deletedBy": self.deleted_by,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(acct: &str, vpc: &str, region: &str, ifid: &str, name: &str) -> Side {
        Side {
            account_id: acct.into(),
            vpc_id: vpc.into(),
            region: region.into(),
            if_id: ifid.into(),
            if_name: name.into(),
            description: String::new(),
            dns_status: DnsStatus::Close,
            dns_steps: vec![],
        }
    }

    fn record() -> PeerConnRecord {
        PeerConnRecord {
            peer_conn_id: "peerconn-abcdefabcdef".into(),
            seq: 1,
            status: Status::Creating,
            steps: vec![Step {
                status: Status::Active,
                at: Some(1000),
            }],
            consult_deadline: None,
            initiator: side("A", "vpc-a", "bj", "qpif-aaaaaaaaaaaa", "ia"),
            acceptor: side("B", "vpc-b", "gz", "qpif-bbbbbbbbbbbb", "ib"),
            bandwidth_in_mbps: 10,
            payment_timing: PaymentTiming::Postpaid,
            created: 0,
            expires: None,
            delete_protect: false,
            tags: vec![],
            resource_group_id: None,
            create_request: json!({}),
            client_token: None,
            create_request_id: "r".into(),
            deleted: None,
            deleted_by: None,
        }
    }

    #[test]
    fn views_are_mirrored() {
        let r = record();
        let i = r.view(Role::Initiator);
        let a = r.view(Role::Acceptor);
        assert_eq!(i["localVpcId"], a["peerVpcId"]);
        assert_eq!(i["peerVpcId"], a["localVpcId"]);
        assert_eq!(i["localRegion"], "bj");
        assert_eq!(a["localRegion"], "gz");
        assert_eq!(a["localIfName"], "ib");
        assert_eq!(a["localIfId"], "qpif-bbbbbbbbbbbb");
        assert_eq!(i["peerAccountId"], "B");
        assert_eq!(a["peerAccountId"], "A");
        assert_eq!(a["role"], "acceptor");
        assert_eq!(i["expiredTime"], "");
    }

    #[test]
    fn settles_steps_in_order_and_stops_at_stuck() {
        let mut r = record();
        assert_eq!(r.settle(999), Settled::Present);
        assert_eq!(r.status, Status::Creating);
        r.settle(1000);
        assert_eq!(r.status, Status::Active);
        r.status = Status::Deleting;
        r.steps = vec![
            Step {
                status: Status::Updating,
                at: None,
            },
            Step {
                status: Status::Deleted,
                at: Some(0),
            },
        ];
        assert_eq!(r.settle(i64::MAX), Settled::Present);
        r.steps.remove(0);
        assert_eq!(r.settle(5), Settled::Gone);
        assert_eq!(r.deleted, Some(0));
    }

    #[test]
    fn consult_timeout_and_expiry() {
        let mut r = record();
        r.steps.clear();
        r.status = Status::Consulting;
        r.consult_deadline = Some(100);
        r.settle(99);
        assert_eq!(r.status, Status::Consulting);
        r.settle(100);
        assert_eq!(r.status, Status::ConsultFailed);
        r.status = Status::Active;
        r.expires = Some(500);
        r.settle(499);
        assert_eq!(r.status, Status::Active);
        r.settle(500);
        assert_eq!(r.status, Status::Expired);
    }

    #[test]
    fn status_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.as_str()));
        }
        for s in DnsStatus::ALL {
            assert_eq!(DnsStatus::parse(s.as_str()), Some(s));
        }
    }
}
