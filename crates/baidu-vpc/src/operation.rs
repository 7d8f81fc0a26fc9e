//! The API operations the client makes, named as Baidu's SDKs name them:
//! what errors and logs say a call was.

use std::fmt;

/// The API operations, named as in the SDKs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    CreatePeerConn,
    ListPeerConns,
    GetPeerConn,
    UpdatePeerConn,
    AcceptPeerConn,
    RejectPeerConn,
    DeletePeerConn,
    ResizePeerConn,
    RenewPeerConn,
    OpenPeerConnDnsSync,
    ClosePeerConnDnsSync,
    RefundPeerConn,
    UpdatePeerConnDeleteProtect,
    /// STS: temporary credentials of another account's role.
    AssumeRole,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::CreatePeerConn => "CreatePeerConn",
            Operation::ListPeerConns => "ListPeerConns",
            Operation::GetPeerConn => "GetPeerConn",
            Operation::UpdatePeerConn => "UpdatePeerConn",
            Operation::AcceptPeerConn => "AcceptPeerConn",
            Operation::RejectPeerConn => "RejectPeerConn",
            Operation::DeletePeerConn => "DeletePeerConn",
            Operation::ResizePeerConn => "ResizePeerConn",
            Operation::RenewPeerConn => "RenewPeerConn",
            Operation::OpenPeerConnDnsSync => "OpenPeerConnDnsSync",
            Operation::ClosePeerConnDnsSync => "ClosePeerConnDnsSync",
            Operation::RefundPeerConn => "RefundPeerConn",
            Operation::UpdatePeerConnDeleteProtect => "UpdatePeerConnDeleteProtect",
            Operation::AssumeRole => "AssumeRole",
        }
    }

    /// Reads change nothing on the server.
    pub fn is_read(self) -> bool {
        matches!(self, Operation::GetPeerConn | Operation::ListPeerConns)
    }

    /// Reads one object by its id: for these, a success answer with an empty
    /// body means the object does not exist.
    pub fn reads_one_object(self) -> bool {
        matches!(self, Operation::GetPeerConn)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
