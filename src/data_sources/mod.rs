//! The data sources: `baidu_peerconn` (one peering, one side's view) and
//! `baidu_peerconns` (a filtered list), sharing one view mapping.

pub mod peerconn;
pub mod peerconns;
pub mod view;

pub use peerconn::PeerConnDataSource;
pub use peerconns::PeerConnsDataSource;
