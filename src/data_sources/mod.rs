//! The data sources: `baidu_peerconn` (one peering, one side's view) and
//! `baidu_peerconns` (a filtered list), sharing the view models of `crate::peering_view`.

pub mod peerconn;
pub mod peerconns;

pub use peerconn::PeerConnDataSource;
pub use peerconns::PeerConnsDataSource;
