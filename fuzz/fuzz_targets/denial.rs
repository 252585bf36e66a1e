#![no_main]
//! The `denial` target of `ecslint::fuzzing`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ecslint::fuzzing::run("denial", data);
});
