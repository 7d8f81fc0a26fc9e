//! The emulator's mutable state: peerings, finished (tombstoned) peerings,
//! remembered client tokens. Serializable as a whole for the state file.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::clock::Millis;
use super::model::{PeerConnRecord, Settled};

/// How long a client token is remembered after its last use (BCE convention: 24 h).
pub const TOKEN_TTL_MS: Millis = 24 * 3_600_000;

/// What a successful tokened request answered, to replay on a retry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenEntry {
    pub operation: String,
    /// Everything that must match for a retry to count as "the same request".
    pub fingerprint: Value,
    /// The response body (`None`: an empty 200).
    pub response: Option<Value>,
    pub peer_conn_id: Option<String>,
    pub last_seen: Millis,
}

/// The persisted part of the state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreData {
    /// Live peerings by id.
    pub peer_conns: BTreeMap<String, PeerConnRecord>,
    /// Peerings that finished deleting (kept for `/__emulator/state` and list markers).
    pub deleted: Vec<PeerConnRecord>,
    /// account id → client token → entry.
    pub tokens: BTreeMap<String, BTreeMap<String, TokenEntry>>,
    pub next_seq: u64,
    /// The clock offset, so emulated time survives a restart.
    pub clock_offset_ms: Millis,
}

/// State plus the id generator.
#[derive(Debug)]
pub struct Store {
    pub data: StoreData,
    rng: StdRng,
}

const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

impl Store {
    pub fn new(data: StoreData, seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_os_rng(),
        };
        Self { data, rng }
    }

    /// Applies due transitions to every peering; finished deletions move to
    /// the tombstones. Returns whether anything was removed.
    pub fn settle_all(&mut self, now: Millis) -> bool {
        let mut gone = Vec::new();
        for (id, rec) in self.data.peer_conns.iter_mut() {
            if rec.settle(now) == Settled::Gone {
                gone.push(id.clone());
            }
        }
        let removed = !gone.is_empty();
        for id in gone {
            if let Some(mut rec) = self.data.peer_conns.remove(&id) {
                rec.deleted_by.get_or_insert_with(|| "api".to_string());
                self.data.deleted.push(rec);
            }
        }
        removed
    }

    /// Moves a live peering to the tombstones right away.
    pub fn remove_now(&mut self, id: &str, now: Millis, by: &str) -> Option<PeerConnRecord> {
        let mut rec = self.data.peer_conns.remove(id)?;
        rec.status = super::model::Status::Deleted;
        rec.steps.clear();
        rec.deleted = Some(now);
        rec.deleted_by = Some(by.to_string());
        self.data.deleted.push(rec.clone());
        Some(rec)
    }

    fn random_suffix(&mut self) -> String {
        (0..12)
            .map(|_| char::from(ID_ALPHABET[self.rng.random_range(0..ID_ALPHABET.len())]))
            .collect()
    }

    /// A fresh `peerconn-` + 12 lowercase alphanumerics, unused so far.
    pub fn new_peer_conn_id(&mut self) -> String {
        loop {
            let id = format!("peerconn-{}", self.random_suffix());
            let used = self.data.peer_conns.contains_key(&id)
                || self.data.deleted.iter().any(|d| d.peer_conn_id == id);
            if !used {
                return id;
            }
        }
    }

    /// A fresh interface id `qpif-` + 12 lowercase alphanumerics.
    pub fn new_interface_id(&mut self) -> String {
        format!("qpif-{}", self.random_suffix())
    }

    pub fn next_seq(&mut self) -> u64 {
        self.data.next_seq += 1;
        self.data.next_seq
    }

    /// A remembered token of `account`, if still valid at `now`.
    pub fn token(&self, account: &str, token: &str, now: Millis) -> Option<&TokenEntry> {
        self.data
            .tokens
            .get(account)?
            .get(token)
            .filter(|e| now - e.last_seen < TOKEN_TTL_MS)
    }

    pub fn touch_token(&mut self, account: &str, token: &str, now: Millis) {
        if let Some(e) = self
            .data
            .tokens
            .get_mut(account)
            .and_then(|m| m.get_mut(token))
        {
            e.last_seen = now;
        }
    }

    pub fn remember_token(&mut self, account: &str, token: &str, entry: TokenEntry) {
        self.data
            .tokens
            .entry(account.to_string())
            .or_default()
            .insert(token.to_string(), entry);
    }

    /// Forgets tokens unused for longer than the TTL.
    pub fn expire_tokens(&mut self, now: Millis) {
        for m in self.data.tokens.values_mut() {
            m.retain(|_, e| now - e.last_seen < TOKEN_TTL_MS);
        }
        self.data.tokens.retain(|_, m| !m.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_documented_shape_and_are_reproducible() {
        let mut a = Store::new(StoreData::default(), Some(1));
        let mut b = Store::new(StoreData::default(), Some(1));
        let id = a.new_peer_conn_id();
        assert_eq!(id, b.new_peer_conn_id());
        let suffix = id.strip_prefix("peerconn-").unwrap();
        assert_eq!(suffix.len(), 12);
        assert!(suffix
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert!(a.new_interface_id().starts_with("qpif-"));
    }

    #[test]
    fn tokens_expire() {
        let mut s = Store::new(StoreData::default(), Some(1));
        let e = TokenEntry {
            operation: "CreatePeerConn".into(),
            fingerprint: Value::Null,
            response: None,
            peer_conn_id: None,
            last_seen: 0,
        };
        s.remember_token("acct", "tok", e);
        assert!(s.token("acct", "tok", TOKEN_TTL_MS - 1).is_some());
        assert!(s.token("acct", "tok", TOKEN_TTL_MS).is_none());
        assert!(s.token("other", "tok", 0).is_none());
        s.expire_tokens(TOKEN_TTL_MS);
        assert!(s.data.tokens.is_empty());
    }
}
