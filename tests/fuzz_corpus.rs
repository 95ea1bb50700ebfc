//! Every committed fuzz corpus input, replayed through the fuzz targets' own bodies on stable Rust: what the fuzzer
//! once found interesting stays a regression test without libFuzzer or nightly.

#[path = "../fuzz/bodies/c_entry_points.rs"]
mod c_entry_points;
#[path = "../fuzz/bodies/parse_response.rs"]
mod parse_response;

use std::path::Path;

/// Runs `body` over every file of `fuzz/corpus/<target>` and returns how many there were.
fn replay(target: &str, body: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        // A panic names the input, so it can be replayed alone.
        if let Err(e) = std::panic::catch_unwind(|| body(&data)) {
            panic!("{} fails: {e:?}", path.display());
        }
        n += 1;
    }
    n
}

// The corpora hold 1,682 and 1,337 inputs: a floor well below that catches a corpus that went missing or emptied.
#[test]
fn parse_response_corpus() {
    let n = replay("parse_response", parse_response::run);
    assert!(n >= 1000, "only {n} inputs in fuzz/corpus/parse_response");
}

#[test]
fn c_entry_points_corpus() {
    let n = replay("c_entry_points", c_entry_points::run);
    assert!(n >= 1000, "only {n} inputs in fuzz/corpus/c_entry_points");
}
