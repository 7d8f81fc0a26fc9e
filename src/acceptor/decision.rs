//! What the acceptor does, decided from the acceptor-side status alone: no
//! I/O here, so every rule is unit-tested.
//!
//! The API's acceptance model: a cross-account request waits in `consulting`
//! until the peer account accepts (→ `active`) or rejects (→ `consult_failed`,
//! which is also where an unanswered request ends after 7 days). Both answers
//! are final: an accepted peering cannot be un-accepted (only the initiator
//! can delete it) and a rejected one cannot be accepted later.

use std::fmt;

use baidu_vpc::PeerConnStatus;

/// The user's explicit answer to a peering request. There is deliberately no
/// default: omitting `action` is a configuration error, never a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Accept,
    Reject,
}

impl Action {
    pub const ALL: [&'static str; 2] = ["accept", "reject"];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "accept" => Some(Self::Accept),
            "reject" => Some(Self::Reject),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
        }
    }

    /// Past participle for messages ("accepted").
    pub fn done(self) -> &'static str {
        match self {
            Self::Accept => "accepted",
            Self::Reject => "rejected",
        }
    }

    /// The status the action leads to.
    pub fn target(self) -> PeerConnStatus {
        match self {
            Self::Accept => PeerConnStatus::Active,
            Self::Reject => PeerConnStatus::ConsultFailed,
        }
    }

    /// Statuses that end the wait after the action with a failure.
    pub fn failure_statuses(self) -> Vec<PeerConnStatus> {
        let mut failed = vec![
            PeerConnStatus::Deleting,
            PeerConnStatus::Deleted,
            PeerConnStatus::Error,
            PeerConnStatus::Expired,
        ];
        failed.push(match self {
            Self::Accept => PeerConnStatus::ConsultFailed,
            Self::Reject => PeerConnStatus::Active,
        });
        failed
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The peering was accepted at some point: it is active, or in a status only
/// an accepted peering reaches (resizing, link down, Prepaid expiry...).
pub fn is_accepted(status: &PeerConnStatus) -> bool {
    matches!(
        status,
        PeerConnStatus::Active
            | PeerConnStatus::Updating
            | PeerConnStatus::Down
            | PeerConnStatus::Starting
            | PeerConnStatus::Stopping
            | PeerConnStatus::Expired
    )
}

/// `action` as it follows from the status, for imports: accepted ⇒ accept,
/// `consult_failed` ⇒ reject, anything else (notably a request still in
/// `consulting`) ⇒ none, so the configuration's action applies as an update.
pub fn derive_action(status: &PeerConnStatus) -> Option<Action> {
    if is_accepted(status) {
        Some(Action::Accept)
    } else if *status == PeerConnStatus::ConsultFailed {
        Some(Action::Reject)
    } else {
        None
    }
}

/// Every status the service does not leave by itself, for "wait until the
/// status settles".
pub fn settled_statuses() -> Vec<PeerConnStatus> {
    [
        PeerConnStatus::Consulting,
        PeerConnStatus::ConsultFailed,
        PeerConnStatus::Active,
        PeerConnStatus::Down,
        PeerConnStatus::Expired,
        PeerConnStatus::Error,
        PeerConnStatus::Deleted,
    ]
    .into()
}

/// What to do about a peering in `status` to carry out `action`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Call accept / reject, then wait for the action's target status.
    Act,
    /// Already where the action leads: take it over as it is. `note` is a
    /// warning worth showing (e.g. adopted, but the link is down).
    Adopt { note: Option<String> },
    /// A transition is under way: wait for the status to settle, then decide again.
    WaitToSettle,
    /// The action is impossible; the message says why and what to do.
    Refuse(String),
}

/// Decides the next step for `action` on peering `id` in `status`.
pub fn next_step(id: &str, action: Action, status: &PeerConnStatus) -> Step {
    use PeerConnStatus as S;
    match (action, status) {
        (_, S::Consulting) => Step::Act,
        (Action::Accept, S::Active) | (Action::Reject, S::ConsultFailed) => {
            Step::Adopt { note: None }
        }
        (Action::Accept, S::Down | S::Expired) => Step::Adopt {
            note: Some(format!(
                "Peering {id} was accepted before; its status is now {status}, which the \
                 acceptor cannot change (the initiator can, e.g. by renewing an expired \
                 Prepaid peering)."
            )),
        },
        (_, s) if s.is_transitional() && *s != S::Deleting => Step::WaitToSettle,
        (Action::Accept, S::ConsultFailed) => Step::Refuse(cannot_accept_rejected(id)),
        (Action::Reject, s) if is_accepted(s) => Step::Refuse(cannot_reject_accepted(id, s)),
        (_, s) => Step::Refuse(format!(
            "Peering {id} cannot be {} while its status is {s}: only a request in status \
             consulting can be answered.",
            action.done()
        )),
    }
}

/// Explains why a rejected (or timed out) request cannot be accepted.
pub fn cannot_accept_rejected(id: &str) -> String {
    format!(
        "Peering {id} cannot be accepted: its status is consult_failed (the request was \
         rejected, or not accepted within 7 days), and that is final. The initiator must \
         request a new peering (for example by replacing its baidu_peerconn); then point \
         peer_conn_id at the new id."
    )
}

/// Explains why an accepted peering cannot be rejected, and what to do instead.
pub fn cannot_reject_accepted(id: &str, status: &PeerConnStatus) -> String {
    format!(
        "Peering {id} was already accepted (status {status}); an accepted peering cannot be \
         un-accepted. To end it, the initiator account must delete it (destroy its \
         baidu_peerconn). To stop managing it here without changing it, remove this \
         resource from the configuration: destroying a baidu_peerconn_acceptor only forgets \
         it. To keep it, set action = \"accept\"."
    )
}

/// Plan-time check of a new `action` against the peering's recorded status.
/// `prior_action` is what the state holds (`None` after importing a request
/// still in `consulting`). Only a *change* of action is checked, so an
/// unrelated plan never fails because of the status.
pub fn check_action_change(
    id: &str,
    prior_action: Option<Action>,
    planned: Action,
    status: &PeerConnStatus,
) -> Result<(), String> {
    if prior_action == Some(planned) {
        return Ok(());
    }
    match planned {
        Action::Reject if is_accepted(status) => Err(cannot_reject_accepted(id, status)),
        Action::Accept if *status == PeerConnStatus::ConsultFailed => {
            Err(cannot_accept_rejected(id))
        }
        _ => Ok(()),
    }
}

/// Plan-time check of turning DNS sync on or off: Baidu only allows it on an
/// accepted, active peering. `will_accept` is true when this same apply
/// accepts a request still in `consulting` (the DNS change then follows the
/// acceptance).
pub fn check_dns_change(
    id: &str,
    status: &PeerConnStatus,
    will_accept: bool,
) -> Result<(), String> {
    let ok = is_accepted(status) || (will_accept && *status == PeerConnStatus::Consulting);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "DNS synchronisation of peering {id} can only change once it is accepted and \
             active; its status is {status}."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PeerConnStatus as S;

    const ID: &str = "peerconn-abcdef123456";

    #[test]
    fn action_parsing_and_targets() {
        assert_eq!(Action::parse("accept"), Some(Action::Accept));
        assert_eq!(Action::parse("reject"), Some(Action::Reject));
        for bad in ["", "Accept", "auto", "true"] {
            assert_eq!(Action::parse(bad), None, "{bad}");
        }
        assert_eq!(Action::Accept.target(), S::Active);
        assert_eq!(Action::Reject.target(), S::ConsultFailed);
        assert!(Action::Accept
            .failure_statuses()
            .contains(&S::ConsultFailed));
        assert!(Action::Reject.failure_statuses().contains(&S::Active));
        for a in [Action::Accept, Action::Reject] {
            assert!(!a.failure_statuses().contains(&a.target()));
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn action_is_derived_from_the_status() {
        for s in [S::Active, S::Updating, S::Down, S::Expired] {
            assert_eq!(derive_action(&s), Some(Action::Accept), "{s}");
        }
        assert_eq!(derive_action(&S::ConsultFailed), Some(Action::Reject));
        for s in [
            S::Consulting,
            S::Creating,
            S::Error,
            S::Deleted,
            S::Other("x".into()),
        ] {
            assert_eq!(derive_action(&s), None, "{s}");
        }
    }

    #[test]
    fn consulting_requests_are_answered() {
        assert_eq!(next_step(ID, Action::Accept, &S::Consulting), Step::Act);
        assert_eq!(next_step(ID, Action::Reject, &S::Consulting), Step::Act);
    }

    #[test]
    fn a_peering_already_in_the_target_state_is_adopted() {
        assert_eq!(
            next_step(ID, Action::Accept, &S::Active),
            Step::Adopt { note: None }
        );
        assert_eq!(
            next_step(ID, Action::Reject, &S::ConsultFailed),
            Step::Adopt { note: None }
        );
        let Step::Adopt { note: Some(note) } = next_step(ID, Action::Accept, &S::Expired) else {
            panic!("expired peerings were accepted once")
        };
        assert!(note.contains("expired") && note.contains(ID), "{note}");
    }

    #[test]
    fn transitions_are_waited_out() {
        for s in [S::Creating, S::Updating, S::Starting, S::Stopping] {
            assert_eq!(next_step(ID, Action::Accept, &s), Step::WaitToSettle, "{s}");
        }
        assert!(settled_statuses().iter().all(|s| !s.is_transitional()));
        assert!(settled_statuses().contains(&S::Consulting));
    }

    #[test]
    fn impossible_actions_are_refused_with_the_status_and_a_way_out() {
        let Step::Refuse(msg) = next_step(ID, Action::Accept, &S::ConsultFailed) else {
            panic!("a rejected request cannot be accepted")
        };
        assert!(msg.contains("consult_failed") && msg.contains(ID), "{msg}");
        assert!(msg.contains("new peering"), "{msg}");
        let Step::Refuse(msg) = next_step(ID, Action::Reject, &S::Active) else {
            panic!("an accepted peering cannot be rejected")
        };
        assert!(
            msg.contains("un-accepted") && msg.contains("status active"),
            "{msg}"
        );
        assert!(
            msg.contains("initiator") && msg.contains("only forgets"),
            "{msg}"
        );
        for s in [S::Error, S::Deleting, S::Deleted, S::Other("weird".into())] {
            let Step::Refuse(msg) = next_step(ID, Action::Accept, &s) else {
                panic!("{s} cannot be accepted")
            };
            assert!(msg.contains(&format!("status is {s}")), "{msg}");
        }
    }

    #[test]
    fn only_a_change_of_action_is_checked_at_plan_time() {
        // accept → reject on an accepted peering: refused.
        let err = check_action_change(ID, Some(Action::Accept), Action::Reject, &S::Active)
            .expect_err("can't un-accept");
        assert!(err.contains("un-accepted"), "{err}");
        // reject → accept on a rejected one: refused.
        assert!(
            check_action_change(ID, Some(Action::Reject), Action::Accept, &S::ConsultFailed)
                .is_err()
        );
        // Unchanged: never an error, whatever the status.
        assert!(check_action_change(ID, Some(Action::Accept), Action::Accept, &S::Error).is_ok());
        // Imported while consulting (no action yet): either answer is fine.
        for a in [Action::Accept, Action::Reject] {
            assert!(check_action_change(ID, None, a, &S::Consulting).is_ok());
        }
        // Imported active with no recorded action, config says reject: refused.
        assert!(check_action_change(ID, None, Action::Reject, &S::Active).is_err());
    }

    #[test]
    fn dns_changes_need_an_accepted_peering() {
        assert!(check_dns_change(ID, &S::Active, false).is_ok());
        assert!(check_dns_change(ID, &S::Consulting, true).is_ok());
        let err = check_dns_change(ID, &S::Consulting, false).expect_err("not accepted");
        assert!(err.contains("status is consulting"), "{err}");
        assert!(check_dns_change(ID, &S::ConsultFailed, false).is_err());
    }
}
