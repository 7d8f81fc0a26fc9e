//! Plugin protocol 5 on the wire: the generated gRPC types, go-plugin's
//! handshake, AutoMTLS, the supporting services (health, controller, stdio),
//! debug/reattach mode and hclog-format logging. Knows nothing about Baidu.

pub mod conn;
pub mod handshake;
pub mod listener;
pub mod proto;
pub mod tls;
