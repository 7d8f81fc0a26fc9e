#![no_main]
//! See fuzz/src/checks/peerconn_response.rs for what is checked.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tfbaidu_fuzz::checks::peerconn_response::check(data);
});
