#![no_main]
//! The `cloudformation` target of `ecslint::fuzzing`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ecslint::fuzzing::run("cloudformation", data);
});
