//! What a peering's status means for Terraform: settled, in transition, or
//! gone for good (the resource is replaced).

use baidu_vpc::{DnsStatus, PeerConnStatus};

/// Statuses from which a peering no longer carries traffic and will not
/// recover by itself: rejected or unanswered (`consult_failed`), `expired`,
/// `error`, `down`, `deleted`. A resource in one of them stays in state (so
/// Terraform never creates a second peering beside it) and its next plan
/// replaces it.
pub const REPLACE_STATUSES: [PeerConnStatus; 5] = [
    PeerConnStatus::ConsultFailed,
    PeerConnStatus::Expired,
    PeerConnStatus::Error,
    PeerConnStatus::Down,
    PeerConnStatus::Deleted,
];

/// Statuses that end a wait for a peering to become usable, unsuccessfully.
pub const FAILED_STATUSES: [PeerConnStatus; 5] = REPLACE_STATUSES;

/// Where a peering settles after create or an update: `active`, or
/// `consulting` while a cross-account request waits for the peer.
pub const SETTLED_STATUSES: [PeerConnStatus; 2] =
    [PeerConnStatus::Active, PeerConnStatus::Consulting];

/// What a status means for a Terraform resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// Usable (`active`) or waiting for the peer (`consulting`).
    Settled,
    /// The service moves out of it by itself (`creating`, `updating`, ...).
    Transitional,
    /// Dead: see [`REPLACE_STATUSES`].
    NeedsReplacement,
    /// A status this provider does not know.
    Unknown,
}

pub fn classify_status(status: &PeerConnStatus) -> StatusClass {
    if SETTLED_STATUSES.contains(status) {
        StatusClass::Settled
    } else if REPLACE_STATUSES.contains(status) {
        StatusClass::NeedsReplacement
    } else if status.is_transitional() {
        StatusClass::Transitional
    } else {
        StatusClass::Unknown
    }
}

/// Whether DNS synchronisation is on (or on its way there) for a side:
/// `open`, `wait` or `syncing`.
pub fn dns_sync_enabled(status: Option<&DnsStatus>) -> bool {
    matches!(
        status,
        Some(DnsStatus::Open | DnsStatus::Wait | DnsStatus::Syncing)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified() {
        use PeerConnStatus::*;
        assert_eq!(classify_status(&Active), StatusClass::Settled);
        assert_eq!(classify_status(&Consulting), StatusClass::Settled);
        for s in [Creating, Updating, Deleting, Starting, Stopping] {
            assert_eq!(classify_status(&s), StatusClass::Transitional, "{s}");
        }
        for s in [ConsultFailed, Expired, Error, Down, Deleted] {
            assert_eq!(classify_status(&s), StatusClass::NeedsReplacement, "{s}");
        }
        assert_eq!(
            classify_status(&PeerConnStatus::Other("weird".into())),
            StatusClass::Unknown
        );
        assert!(dns_sync_enabled(Some(&DnsStatus::Syncing)));
        assert!(dns_sync_enabled(Some(&DnsStatus::Wait)));
        assert!(!dns_sync_enabled(Some(&DnsStatus::Closing)));
        assert!(!dns_sync_enabled(None));
    }
}
