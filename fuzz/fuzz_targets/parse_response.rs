//! The fuzz target; its body is in `fuzz/bodies/parse_response.rs`.
#![no_main]

#[path = "../bodies/parse_response.rs"]
mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::run(data));
