//! What a change to each `baidu_peerconn` argument does (see
//! [`crate::lifecycle`]): the one declaration the docs table and
//! the lifecycle-matrix test are generated from.

use crate::lifecycle::{Behaviour, Drift, Effect};

const MISSING: Effect = Effect::Refused("Missing required argument");

/// Every argument of `baidu_peerconn`, nested ones included.
pub const BEHAVIOURS: &[Behaviour] = &[
    Behaviour {
        argument: "bandwidth_in_mbps",
        change: Effect::InPlace(&["ResizePeerConn"]),
        removal: MISSING,
        emptied: None,
        drift: Drift::Reverted(Effect::InPlace(&["ResizePeerConn"])),
    },
    Behaviour {
        argument: "local_vpc_id",
        change: Effect::Replace,
        removal: MISSING,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "peer_vpc_id",
        change: Effect::Replace,
        removal: MISSING,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "peer_region",
        change: Effect::Replace,
        removal: MISSING,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "peer_account_id",
        change: Effect::Replace,
        // Optional + computed: the peering stays with the account it has.
        removal: Effect::NoChange,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "description",
        change: Effect::InPlace(&["UpdatePeerConn"]),
        removal: Effect::InPlace(&["UpdatePeerConn"]),
        emptied: Some(Effect::InPlace(&["UpdatePeerConn"])),
        drift: Drift::Reverted(Effect::InPlace(&["UpdatePeerConn"])),
    },
    Behaviour {
        argument: "local_if_name",
        change: Effect::InPlace(&["UpdatePeerConn"]),
        // Optional + computed: the name Baidu has is kept.
        removal: Effect::NoChange,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Reverted(Effect::InPlace(&["UpdatePeerConn"])),
    },
    Behaviour {
        argument: "peer_if_name",
        change: Effect::InPlace(&["UpdatePeerConn"]),
        removal: Effect::InPlace(&["UpdatePeerConn"]),
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Reverted(Effect::InPlace(&["UpdatePeerConn"])),
    },
    Behaviour {
        argument: "tags",
        change: Effect::Replace,
        removal: Effect::Replace,
        emptied: Some(Effect::Replace),
        drift: Drift::Reverted(Effect::Replace),
    },
    Behaviour {
        argument: "resource_group_id",
        change: Effect::Replace,
        removal: Effect::NoChange,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::NotReported,
    },
    Behaviour {
        argument: "delete_protect",
        change: Effect::InPlace(&["UpdatePeerConnDeleteProtect"]),
        removal: Effect::InPlace(&["UpdatePeerConnDeleteProtect"]),
        emptied: None,
        drift: Drift::Reverted(Effect::InPlace(&["UpdatePeerConnDeleteProtect"])),
    },
    Behaviour {
        argument: "dns_sync",
        change: Effect::InPlace(&["OpenPeerConnSyncDNS"]),
        removal: Effect::InPlace(&["ClosePeerConnSyncDNS"]),
        emptied: None,
        // Turned off outside Terraform while configured on.
        drift: Drift::Reverted(Effect::InPlace(&["OpenPeerConnSyncDNS"])),
    },
    Behaviour {
        argument: "billing.payment_timing",
        change: Effect::Replace,
        removal: MISSING,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "billing.renewals",
        // Appending a term; any other change buys nothing (StoredOnly).
        change: Effect::InPlace(&["RenewPeerConn"]),
        removal: Effect::StoredOnly,
        emptied: Some(Effect::StoredOnly),
        drift: Drift::NotReported,
    },
    Behaviour {
        argument: "billing.refund_on_destroy",
        change: Effect::StoredOnly,
        removal: Effect::StoredOnly,
        emptied: None,
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "billing.reservation.reservation_length",
        // The initial term: changing it later buys nothing.
        change: Effect::StoredOnly,
        removal: MISSING,
        emptied: None,
        drift: Drift::NotReported,
    },
    Behaviour {
        argument: "billing.reservation.reservation_time_unit",
        change: Effect::Refused("Invalid attribute value"),
        removal: Effect::NoChange,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "on_rejection",
        change: Effect::StoredOnly,
        removal: Effect::StoredOnly,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "timeouts.create",
        change: Effect::StoredOnly,
        removal: Effect::StoredOnly,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "timeouts.update",
        change: Effect::StoredOnly,
        removal: Effect::StoredOnly,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "timeouts.delete",
        change: Effect::StoredOnly,
        removal: Effect::StoredOnly,
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
];
