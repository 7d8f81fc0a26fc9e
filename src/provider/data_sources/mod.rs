//! The data sources: `baidu_peerconn` (one peering, one side's view) and
//! `baidu_peerconns` (a filtered list), sharing one view mapping.

pub mod peerconn;
pub mod peerconns;
pub mod view;

pub use peerconn::PeerConnDataSource;
pub use peerconns::PeerConnsDataSource;

use crate::baidu::{CallOptions, ClientError};
use crate::framework::Context;
use crate::tfvalue::Diagnostics;

/// Call options carrying the operation's cancellation (Terraform's Stop)
/// and deadline.
fn call_options<D>(ctx: &Context<D>) -> CallOptions {
    let mut opts = CallOptions::new().with_cancel(ctx.cancellation_token().clone());
    if let Some(deadline) = ctx.deadline() {
        opts = opts.with_deadline(deadline.at);
    }
    opts
}

/// An API failure as an error diagnostic. The client's message already names
/// the operation, the peering id and Baidu's request id.
fn api_error(diags: &mut Diagnostics, summary: &str, error: &ClientError) {
    diags.error(summary, format!("{error}."));
}
