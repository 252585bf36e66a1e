#![no_main]
//! The `json` target of `ecslint::fuzzing`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ecslint::fuzzing::run("json", data);
});
