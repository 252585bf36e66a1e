#![no_main]
//! The `account` target of `ecslint::fuzzing`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ecslint::fuzzing::run("account", data);
});
