//! Response parsing never panics, whatever the bytes: job lists, result pages, error bodies, the element tree.
//!
//! The body of the fuzz target of the same name, shared with the corpus replay in `tests/fuzz_corpus.rs` (stable
//! Rust, no libFuzzer), so that every committed corpus input is a regression test.

pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = cibatch::parse_response(&text);
    let _ = cibatch::parse_error_body(&text);
    for workflow in [true, false] {
        if let Ok(page) = cibatch::parse_results_response(&text, workflow) {
            assert!(page.results.len() <= cibatch::MAX_RESULTS_PER_PAGE);
        }
    }
    if let Ok(doc) = cibatch::xml::parse(&text, Default::default()) {
        // Whatever parses serialises to XML that parses back to the same tree.
        let again = cibatch::xml::parse(&doc.root.to_xml(), Default::default()).expect("re-parse");
        assert_eq!(again.root, doc.root);
    }
}
