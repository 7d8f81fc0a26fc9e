#![no_main]
//! See fuzz/src/checks/msgpack_value.rs for what is checked.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tfbaidu_fuzz::checks::msgpack_value::check(data);
});
