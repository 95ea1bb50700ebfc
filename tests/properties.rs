//! Property tests: the signer does not care about order and encodes exactly like the official SDKs; the parsers
//! never panic; whatever we escape reads back unchanged.

use cibatch::signer::{encode, signature, SignInput};
use proptest::prelude::*;

fn decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Every `%` is followed by two uppercase hex digits.
fn escapes_are_uppercase(e: &str) -> bool {
    let b = e.as_bytes();
    b.iter().enumerate().filter(|(_, c)| **c == b'%').all(|(i, _)| {
        b.get(i + 1..i + 3).is_some_and(|h| h.iter().all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c)))
    })
}

fn sign(params: &[(String, String)], headers: &[(String, String)]) -> String {
    let p: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    signature(&SignInput {
        method: "GET",
        path: "/inventorytriggerjob",
        params: &p,
        headers: &h,
        secret_id: "id",
        secret_key: "key",
        start: 1,
        end: 2,
    })
    .signature
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn encoding_keeps_only_unreserved_and_round_trips(s in ".*") {
        let e = encode(&s);
        prop_assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
        prop_assert!(escapes_are_uppercase(&e));
        prop_assert_eq!(decode(&e), s.as_bytes());
    }

    #[test]
    fn signature_ignores_the_order_of_params_and_headers(
        params in proptest::collection::btree_map("[a-zA-Z][a-zA-Z0-9]{0,8}", ".{0,12}", 0..8),
        headers in proptest::collection::btree_map("x-ci-[a-z]{1,8}", "[ -~]{0,12}", 0..5),
        seed in any::<u64>(),
    ) {
        // Distinct lower-cased names: the SDKs' maps cannot hold duplicates either.
        let params: Vec<(String, String)> = params.into_iter().collect::<std::collections::BTreeMap<_, _>>()
            .into_iter().fold(Vec::<(String, String)>::new(), |mut acc, (k, v)| {
                if !acc.iter().any(|(a, _)| a.eq_ignore_ascii_case(&k)) { acc.push((k, v)); }
                acc
            });
        let headers: Vec<(String, String)> = headers.into_iter().collect();
        let mut shuffled_p = params.clone();
        let mut shuffled_h = headers.clone();
        // A deterministic shuffle from the seed.
        let n = shuffled_p.len().max(1);
        shuffled_p.rotate_left((seed as usize) % n);
        shuffled_p.reverse();
        shuffled_h.reverse();
        prop_assert_eq!(sign(&params, &headers), sign(&shuffled_p, &shuffled_h));
    }

    #[test]
    fn parsers_never_panic(s in ".*") {
        let _ = cibatch::parse_response(&s);
        let _ = cibatch::parse_error_body(&s);
        let _ = cibatch::parse_results_response(&s, true);
        let _ = cibatch::parse_results_response(&s, false);
    }

    #[test]
    fn parsers_never_panic_on_xml_like_text(s in "(<[A-Za-z/!?]{0,3}[^<>]{0,6}>?|&[a-z#0-9]{0,4};?|[^<&]{0,6}){0,40}") {
        let wrapped = format!("<Response><JobsDetail>{s}</JobsDetail></Response>");
        let _ = cibatch::parse_response(&wrapped);
        let _ = cibatch::parse_results_response(&wrapped, false);
        let _ = cibatch::parse_results_response(&format!("<Response><WorkflowExecutionList>{s}</WorkflowExecutionList></Response>"), true);
        let _ = cibatch::parse_error_body(&s);
    }

    #[test]
    fn escaped_text_reads_back_unchanged(s in "[\\t\\n\\r\\u{20}-\\u{D7FF}\\u{E000}-\\u{FFFD}]{0,64}") {
        let e = cibatch::XmlElement::with_text("N", s.clone());
        let doc = cibatch::xml::parse(&e.to_xml(), Default::default()).unwrap();
        // XML normalises line ends to \n on reading; \r is escaped to survive.
        prop_assert_eq!(&doc.root.text, &s);
    }

    #[test]
    fn create_bodies_are_well_formed_for_any_text(name in ".{1,40}", prefix in ".{1,40}", data in ".{0,40}") {
        let req = cibatch::JobRequest::new(name.clone(), "Transcode", cibatch::Input::Prefix(prefix.clone())).user_data(data);
        if let Ok(body) = req.to_xml() {
            let doc = cibatch::xml::parse(&body, Default::default()).unwrap();
            prop_assert_eq!(doc.root.find("Name").map(|n| n.text.clone()), Some(name));
        }
    }
}
