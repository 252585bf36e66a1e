#![no_main]
//! The `hcl` target of `ecslint::fuzzing`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ecslint::fuzzing::run("hcl", data);
});
