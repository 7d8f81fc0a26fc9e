//! The one signed read made when the provider is configured, so refused
//! credentials fail the plan instead of the apply (a plan of creates alone
//! would otherwise call no API). The AWS provider's STS check is the model;
//! `skip_credentials_validation` turns it off.

use std::time::Duration;

use tokio::time::Instant;

use crate::config::{ACCESS_KEY, SKIP_CREDENTIALS_VALIDATION};
use crate::diagnostics::{client_error_diagnostic, ErrorScope};
use baidu_vpc::model::ListPeerConnsQuery;
use baidu_vpc::{BaiduClient, CallOptions, Limits};
use tfvalue::{AttributePath, Diagnostic, Diagnostics, Severity};

/// How long the check may take, retries included: an unreachable endpoint
/// delays the plan by at most this, then gives a warning.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// Baidu's codes for a request whose credentials it does not accept (a bad
/// signature is HTTP 400 there, not 403).
const AUTH_CODES: [&str; 4] = [
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidHTTPAuthHeader",
];

/// Lists at most one peering with the configured credentials: an answer
/// that refuses them (HTTP 401 or 403, or an authentication code) is an error at `access_key`; any
/// other failure a warning, since the endpoint may come back before the API
/// is really needed.
pub async fn check_credentials(client: &BaiduClient, diags: &mut Diagnostics) {
    let query = ListPeerConnsQuery {
        max_keys: Some(1),
        ..ListPeerConnsQuery::default()
    };
    let opts = CallOptions {
        client_token: None,
        limits: Limits {
            cancel: None,
            deadline: Some(Instant::now() + CHECK_TIMEOUT),
        },
    };
    let Err(error) = client.list_peerconns(&query, &opts).await else {
        return;
    };
    let refused = error.api_error().is_some_and(|api| {
        matches!(api.status, 401 | 403) || AUTH_CODES.contains(&api.code.as_str())
    });
    let scope = ErrorScope::default().at(AttributePath::root().attr(ACCESS_KEY));
    let mut d: Diagnostic = if refused {
        client_error_diagnostic("Baidu refused the provider's credentials", &error, &scope)
    } else {
        let mut d =
            client_error_diagnostic("Cannot check the provider's credentials", &error, &scope);
        d.severity = Severity::Warning;
        d
    };
    d.detail.push_str(&format!(
        "\n\nThe provider makes this one read when it is configured; set \
         {SKIP_CREDENTIALS_VALIDATION} = true to skip it."
    ));
    diags.push(d);
}
