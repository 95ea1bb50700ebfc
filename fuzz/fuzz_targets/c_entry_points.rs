//! The fuzz target; its body is in `fuzz/bodies/c_entry_points.rs`.
#![no_main]

#[path = "../bodies/c_entry_points.rs"]
mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::run(data));
