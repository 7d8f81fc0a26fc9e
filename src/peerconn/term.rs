//! A `Prepaid` peering's paid term: what a plan buys, and how an imported
//! peering's term is written down. Only appending to `billing.renewals`
//! buys; nothing derived from Baidu's answers ever does.

use super::schema::PeerConnModel;
use super::schema::RESERVATION_LENGTHS;
use tfplugin5_framework::Slot;

/// What a change of `renewals` means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewalChange {
    /// Nothing changes.
    None,
    /// These terms (months) are appended: each one a purchase.
    Buy(Vec<i64>),
    /// The list is adopted or edited without a purchase: the prior one was
    /// unknown to Terraform (an import, a state from before `renewals`), or
    /// terms already bought were removed or changed.
    RecordOnly,
}

/// What going from `prior` to `planned` does to the renewals. Only a
/// `Prepaid` peering whose prior list is known and is a prefix of the
/// planned one buys, and then only the appended terms.
pub fn renewal_change(prior: &PeerConnModel, planned: &PeerConnModel) -> RenewalChange {
    let renewals = |s: &PeerConnModel| -> Slot<Vec<i64>> {
        s.billing
            .known()
            .map(|b| b.renewals.clone())
            .unwrap_or_default()
    };
    let (old, new) = (renewals(prior), renewals(planned));
    if old == new {
        return RenewalChange::None;
    }
    let as_list = |s: &Slot<Vec<i64>>| s.known().cloned().unwrap_or_default();
    match (&old, &new) {
        // The prior list was never seen (import, older state): adopt it.
        (Slot::Null, _) => RenewalChange::RecordOnly,
        (Slot::Known(o), Slot::Known(n)) if planned.prepaid() == Some(true) => {
            if n.len() > o.len() && n.starts_with(o) {
                RenewalChange::Buy(n[o.len()..].to_vec())
            } else {
                RenewalChange::RecordOnly
            }
        }
        _ if as_list(&old) == as_list(&new) => RenewalChange::None,
        _ => RenewalChange::RecordOnly,
    }
}

/// `months` written as allowed terms, largest first, for an imported
/// peering: the first is its reservation, the rest its renewals. (Baidu
/// does not tell how the term was bought; any split plans no purchase.)
pub fn split_into_terms(months: i64) -> Vec<i64> {
    let mut left = months;
    let mut terms = Vec::new();
    while left > 0 {
        let Some(term) = RESERVATION_LENGTHS.iter().rev().find(|t| **t <= left) else {
            break;
        };
        terms.push(*term);
        left -= term;
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peerconn::schema::tests::config_with;
    use crate::peerconn::schema::*;
    use tfplugin5_framework::Model;
    use tfvalue::Value;

    fn prepaid(renewals: Option<&[i64]>) -> PeerConnModel {
        let renewals = renewals.map_or(Value::Null, |r| {
            Value::list(r.iter().map(|m| Value::from(*m)).collect::<Vec<_>>())
        });
        PeerConnModel::decode(&config_with(&[(
            BILLING,
            Value::list([Value::object([
                (PAYMENT_TIMING, Value::string(PREPAID)),
                (
                    RESERVATION,
                    Value::list([Value::object([
                        (RESERVATION_LENGTH, Value::from(12i64)),
                        (RESERVATION_TIME_UNIT, Value::string(MONTH)),
                    ])]),
                ),
                (RENEWALS, renewals),
                (REFUND_ON_DESTROY, Value::Bool(false)),
            ])]),
        )]))
    }

    #[test]
    fn only_appended_terms_are_bought() {
        let change =
            |a: Option<&[i64]>, b: Option<&[i64]>| renewal_change(&prepaid(a), &prepaid(b));
        assert_eq!(change(Some(&[]), Some(&[12])), RenewalChange::Buy(vec![12]));
        assert_eq!(
            change(Some(&[6]), Some(&[6, 3, 1])),
            RenewalChange::Buy(vec![3, 1])
        );
        assert_eq!(change(Some(&[6]), Some(&[6])), RenewalChange::None);
        // Editing or removing what was bought buys (and refunds) nothing.
        assert_eq!(change(Some(&[6]), Some(&[4])), RenewalChange::RecordOnly);
        assert_eq!(change(Some(&[6, 3]), Some(&[6])), RenewalChange::RecordOnly);
        assert_eq!(change(Some(&[6]), None), RenewalChange::RecordOnly);
        // A list Terraform never saw (import, older state) is adopted.
        assert_eq!(change(None, Some(&[12, 12])), RenewalChange::RecordOnly);
        assert_eq!(change(None, Some(&[])), RenewalChange::RecordOnly);
    }

    #[test]
    fn imported_terms_are_allowed_lengths() {
        assert_eq!(split_into_terms(1), [1]);
        assert_eq!(split_into_terms(10), [9, 1]);
        assert_eq!(split_into_terms(16), [12, 4]);
        assert_eq!(split_into_terms(37), [36, 1]);
        assert_eq!(split_into_terms(0), Vec::<i64>::new());
        for months in 1..=120 {
            let terms = split_into_terms(months);
            assert_eq!(terms.iter().sum::<i64>(), months);
            assert!(terms.iter().all(|t| RESERVATION_LENGTHS.contains(t)));
        }
    }
}
