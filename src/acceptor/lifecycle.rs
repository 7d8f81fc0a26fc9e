//! What a change to each `baidu_peerconn_acceptor` argument does (see
//! [`crate::lifecycle`]).

use crate::lifecycle::{Behaviour, Drift, Effect};

/// Every argument of `baidu_peerconn_acceptor`.
pub const BEHAVIOURS: &[Behaviour] = &[
    Behaviour {
        argument: "peer_conn_id",
        // The old request is only forgotten (destroying an acceptor never
        // deletes a peering); the new one is answered.
        change: Effect::Replace,
        removal: Effect::Refused("Missing required argument"),
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
    },
    Behaviour {
        argument: "action",
        // Both answers are final in Baidu's API.
        change: Effect::RefusedAtApply("Impossible change of action"),
        // Absent, Terraform itself refuses it; `action = null` is refused by
        // the provider's validation ("Missing answer to the peering request").
        removal: Effect::Refused("Missing required argument"),
        emptied: Some(Effect::Refused("Invalid attribute value")),
        drift: Drift::Impossible,
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
];
