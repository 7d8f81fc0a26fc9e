#![no_main]
//! See fuzz/src/checks/json_state.rs for what is checked.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tfbaidu_fuzz::checks::json_state::check(data);
});
