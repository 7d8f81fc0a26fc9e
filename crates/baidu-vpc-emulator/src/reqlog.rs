//! The request log behind `GET /__emulator/requests`: the last N API
//! requests, so tests can prove retry counts, client-token reuse and that no
//! call went out when none should have.

use std::collections::VecDeque;

use serde::Serialize;

/// One API request as the emulator saw it (no secrets: no Authorization, no token values).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    pub seq: u64,
    /// Emulated time of arrival.
    pub time: String,
    pub request_id: String,
    pub method: String,
    pub path: String,
    /// Raw query string.
    pub query: String,
    pub operation: Option<String>,
    pub account_id: Option<String>,
    pub access_key: Option<String>,
    pub client_token: Option<String>,
    pub peer_conn_id: Option<String>,
    pub status: u16,
    pub code: Option<String>,
    /// Answered from a remembered client token.
    pub replayed: bool,
    /// `error`, `drop` or `latency` when fault injection touched the request.
    pub fault: Option<String>,
    pub latency_ms: u64,
}

/// A bounded log.
#[derive(Debug)]
pub struct RequestLog {
    capacity: usize,
    next_seq: u64,
    entries: VecDeque<RequestRecord>,
}

impl RequestLog {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            next_seq: 1,
            entries: VecDeque::new(),
        }
    }

    /// Appends (assigning `seq`), evicting the oldest beyond capacity.
    pub fn push(&mut self, mut rec: RequestRecord) {
        rec.seq = self.next_seq;
        self.next_seq += 1;
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(rec);
    }

    /// Entries with `seq > since`.
    pub fn since(&self, since: u64) -> Vec<RequestRecord> {
        self.entries
            .iter()
            .filter(|r| r.seq > since)
            .cloned()
            .collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
