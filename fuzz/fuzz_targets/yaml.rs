#![no_main]
//! The `yaml` target of `ecslint::fuzzing`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ecslint::fuzzing::run("yaml", data);
});
