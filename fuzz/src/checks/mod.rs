//! What each fuzz target checks, as plain functions of the input bytes.
//!
//! Every `check` must never panic for any input; a panic (or an assertion
//! below failing) is a finding. The same files are compiled into the main
//! crate's `tests/reliability_fuzz_regressions.rs`, which replays the saved
//! crashers from `fuzz/regressions/<target>/` and a fixed-seed random sample,
//! so they only use crates the main crate already has.

pub mod cursor;
pub mod emulator_request;
pub mod json_state;
pub mod msgpack_value;
pub mod peerconn_response;
pub mod types;

/// A target's check.
pub type Check = fn(&[u8]);

/// Every target's name and check, for drivers that loop over all of them.
pub const TARGETS: [(&str, Check); 4] = [
    ("msgpack_value", msgpack_value::check),
    ("json_state", json_state::check),
    ("peerconn_response", peerconn_response::check),
    ("emulator_request", emulator_request::check),
];
