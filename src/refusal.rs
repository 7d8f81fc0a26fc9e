//! Refusals of a change to an existing object, which the plan shows as
//! warnings and the apply enforces.
//!
//! `terraform destroy` first refreshes with a normal plan of the
//! configuration (Terraform's `Context.destroyPlan`, `PreDestroyRefresh`),
//! and an error from that plan aborts the destroy. A rule that depends on the
//! object as it is now (a Prepaid bandwidth may only grow, an answer to a
//! request is final) would then make the object impossible to destroy until
//! the configuration is changed back. Such rules are therefore warnings at
//! plan time, and the apply refuses the change before calling Baidu's API.
//! Rules on the configuration alone stay errors.

use tfvalue::{Diagnostics, Severity};

/// What the warning adds to the rule's own text.
const AT_APPLY: &str = "The apply will refuse this change before calling Baidu's API. (It is a \
warning while planning so that `terraform destroy`, whose refresh plans the configuration, is \
not blocked by it.)";

/// Moves `refusals` into `diags`, errors as warnings that say the apply
/// will refuse the change.
pub fn warn_at_plan(refusals: Diagnostics, diags: &mut Diagnostics) {
    for mut d in refusals {
        if d.severity == Severity::Error {
            d.severity = Severity::Warning;
            d.detail = format!("{}\n\n{AT_APPLY}", d.detail);
        }
        diags.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfvalue::{AttributePath, Diagnostic};

    #[test]
    fn errors_become_warnings_that_name_the_apply_and_keep_their_place() {
        let mut refusals = Diagnostics::new();
        refusals.push(
            Diagnostic::error("Prepaid bandwidth can only grow", "it is 20 Mbps")
                .at(AttributePath::root().attr("bandwidth_in_mbps")),
        );
        refusals.push(Diagnostic::warning("Something else", "as it was"));
        let mut diags = Diagnostics::new();
        warn_at_plan(refusals, &mut diags);
        assert!(!diags.has_errors());
        let all: Vec<_> = diags.iter().collect();
        assert_eq!(all[0].summary, "Prepaid bandwidth can only grow");
        assert!(all[0].detail.starts_with("it is 20 Mbps\n\n"));
        assert!(all[0].detail.contains("The apply will refuse this change"));
        assert_eq!(
            all[0].attribute,
            Some(AttributePath::root().attr("bandwidth_in_mbps"))
        );
        assert_eq!(all[1].detail, "as it was");
    }
}
