//! The acceptor's state built from the acceptor-side view of the peering.

use super::decision::derive_action;
use super::schema::{AcceptorMirror, AcceptorModel};
use crate::status::dns_sync_enabled;
use baidu_vpc::PeerConn;
use tfplugin5_framework::{Model, Slot};
use tfvalue::Value;

/// `base` (the planned or prior state: it carries `action` and `timeouts`)
/// with everything the view tells: ids, the mirrored fields and `dns_sync`.
pub fn with_view(base: &Value, pc: &PeerConn) -> Value {
    let mut state = AcceptorModel::decode(base);
    seen(&mut state, pc);
    state.encode_over(base)
}

fn seen(state: &mut AcceptorModel, pc: &PeerConn) {
    state.id = Slot::Known(pc.peer_conn_id.clone());
    state.peer_conn_id = Slot::Known(pc.peer_conn_id.clone());
    state.mirror = AcceptorMirror::of(pc);
    state.dns_sync = Slot::Known(dns_sync_enabled(pc.dns_status.as_ref()));
}

/// The state a refresh stores: the view, and the prior `action` — or, when
/// there is none (just imported), the action that follows from the status.
pub fn refreshed(prior: &Value, pc: &PeerConn) -> Value {
    let mut state = AcceptorModel::decode(prior);
    seen(&mut state, pc);
    if state.answer().is_none() {
        state.action = Slot::from_option(
            pc.status
                .as_ref()
                .and_then(derive_action)
                .map(|a| a.as_str().to_owned()),
        );
    }
    state.encode_over(prior)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acceptor::decision::Action;
    use crate::acceptor::schema::{schema, ACTION, DNS_SYNC, ID, PEER_CONN_ID};
    use baidu_vpc::model::PaymentTiming;
    use baidu_vpc::{DnsStatus, PeerConnStatus, Role};

    fn view_of(status: PeerConnStatus, dns: DnsStatus) -> PeerConn {
        PeerConn {
            peer_conn_id: "peerconn-abcdef123456".into(),
            role: Some(Role::Acceptor),
            status: Some(status),
            bandwidth_in_mbps: 10,
            local_if_id: "qpif-bbbbbbbbbbbb".into(),
            local_vpc_id: "vpc-peerbj000001".into(),
            local_region: "bj".into(),
            peer_vpc_id: "vpc-demobj000001".into(),
            peer_region: "bj".into(),
            peer_account_id: "a0000000000000000000000000000001".into(),
            payment_timing: Some(PaymentTiming::Postpaid),
            dns_status: Some(dns),
            created_time: "2025-01-02T03:04:05Z".into(),
            ..PeerConn::default()
        }
    }

    fn imported() -> Value {
        let mut v = schema().empty_value();
        v.set_attr(ID, Value::string("peerconn-abcdef123456"));
        v
    }

    #[test]
    fn the_view_fills_every_attribute_but_action_and_timeouts() {
        let s = schema();
        let mut base = s.empty_value();
        base.set_attr(ACTION, Value::string("accept"));
        let state = with_view(&base, &view_of(PeerConnStatus::Active, DnsStatus::Open));
        assert!(state.conforms_to(&s.value_type()), "{state:?}");
        assert_eq!(state.get_attr(ID), state.get_attr(PEER_CONN_ID));
        assert_eq!(state.get_attr(ACTION), Some(&Value::string("accept")));
        assert_eq!(state.get_attr(DNS_SYNC), Some(&Value::Bool(true)));
        assert_eq!(state.get_attr("status"), Some(&Value::string("active")));
        assert_eq!(state.get_attr("role"), Some(&Value::string("acceptor")));
        assert_eq!(
            state.get_attr("local_vpc_id"),
            Some(&Value::string("vpc-peerbj000001"))
        );
        assert_eq!(state.get_attr("timeouts"), Some(&Value::Null));
        // No view field outside the schema sneaks in.
        assert!(state.get_attr("tags").is_none());
        assert!(state.is_wholly_known());
    }

    #[test]
    fn import_derives_the_action_from_the_status() {
        let cases = [
            (PeerConnStatus::Active, Value::string("accept")),
            (PeerConnStatus::ConsultFailed, Value::string("reject")),
            (PeerConnStatus::Consulting, Value::Null),
        ];
        for (status, action) in cases {
            let state = refreshed(&imported(), &view_of(status.clone(), DnsStatus::Close));
            assert_eq!(state.get_attr(ACTION), Some(&action), "{status}");
            assert_eq!(state.get_attr(DNS_SYNC), Some(&Value::Bool(false)));
        }
    }

    #[test]
    fn refresh_keeps_a_recorded_action() {
        let mut prior = imported();
        prior.set_attr(ACTION, Value::string("accept"));
        // Even if the status no longer says "accepted" (e.g. an error).
        let state = refreshed(&prior, &view_of(PeerConnStatus::Error, DnsStatus::Close));
        assert_eq!(AcceptorModel::decode(&state).answer(), Some(Action::Accept));
        assert_eq!(state.get_attr("status"), Some(&Value::string("error")));
    }
}
