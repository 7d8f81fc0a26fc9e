//! The client's reading of arbitrary API answers: `ApiError::from_response`
//! for error statuses (what every failed call goes through) and the response
//! models (`PeerConn`, `ListPeerConnsResponse`, `CreatePeerConnResponse`)
//! for success bodies, as `peerconn.rs` decodes them with serde_json.
//! Input: a status choice, a request-id header choice, then the body.
//!
//! Checked: never panics; error messages render and never copy a non-JSON
//! body into the message; a parsed model serialises and parses back to
//! itself; classification is consistent (throttled implies retryable).

use baidu_vpc::error::{ApiError, OpContext, Operation};
use baidu_vpc::model::{CreatePeerConnResponse, ListPeerConnsResponse};
use baidu_vpc::PeerConn;

use super::cursor::Cursor;

const STATUSES: [u16; 16] = [
    200, 201, 204, 301, 400, 401, 403, 404, 409, 429, 500, 501, 502, 503, 504, 599,
];

const OPERATIONS: [Operation; 4] = [
    Operation::GetPeerConn,
    Operation::CreatePeerConn,
    Operation::ListPeerConns,
    Operation::DeletePeerConn,
];

pub fn check(data: &[u8]) {
    let mut c = Cursor::new(data);
    let status = match c.byte() {
        b if usize::from(b) < STATUSES.len() * 8 => STATUSES[usize::from(b) % STATUSES.len()],
        _ => c.u16(),
    };
    let header_id = match c.byte() % 3 {
        0 => None,
        1 => Some(String::new()),
        _ => Some(c.string(40)),
    };
    let operation = c.pick(&OPERATIONS);
    let body = c.rest();

    let context = OpContext::new(operation, Some("peerconn-abcdefghijkl"));
    let error = ApiError::from_response(&context, status, header_id.as_deref(), body);
    let text = error.to_string();
    assert!(!error.code.is_empty(), "an error always has a code");
    if error.is_throttled() {
        assert!(error.is_retryable(), "throttling is retryable: {text}");
    }
    let is_json = serde_json::from_slice::<serde_json::Value>(body).is_ok();
    if !is_json && body.len() >= 16 {
        // A gateway's HTML page or a binary blob must not end up in the
        // diagnostic verbatim (it can be huge, or carry whatever the proxy saw).
        // Checked without the request-id header, which is quoted on purpose
        // and may happen to contain the same bytes.
        let without_header = ApiError::from_response(&context, status, None, body).to_string();
        let lossy = String::from_utf8_lossy(body);
        assert!(
            !without_header.contains(lossy.as_ref()),
            "non-JSON body copied into the message"
        );
    }

    roundtrip::<PeerConn>(body);
    roundtrip::<ListPeerConnsResponse>(body);
    roundtrip::<CreatePeerConnResponse>(body);
}

fn roundtrip<T>(body: &[u8])
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let Ok(parsed) = serde_json::from_slice::<T>(body) else {
        return;
    };
    let json = serde_json::to_vec(&parsed).expect("a parsed model serialises");
    let again: T = serde_json::from_slice(&json).unwrap_or_else(|e| {
        panic!(
            "serialised model does not parse back: {e}\n{}",
            String::from_utf8_lossy(&json)
        )
    });
    assert_eq!(again, parsed, "model round trip changed the value");
}
