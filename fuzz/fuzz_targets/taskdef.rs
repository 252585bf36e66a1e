#![no_main]
//! The `taskdef` target of `ecslint::fuzzing`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ecslint::fuzzing::run("taskdef", data);
});
