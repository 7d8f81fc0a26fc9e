#![no_main]
//! See fuzz/src/checks/emulator_request.rs for what is checked.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tfbaidu_fuzz::checks::emulator_request::check(data);
});
