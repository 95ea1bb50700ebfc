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
    fn create_bodies_are_refused_or_carry_every_field(
        name in prop_oneof![".{0,130}", "[a-zA-Z0-9_\\-\u{4E00}-\u{4E10}\u{AC00}]{1,130}", "[a-z0-9._ /-]{0,8}"],
        prefix in prop_oneof![".{1,40}", "[\\PC]{1,40}"],
        data in prop_oneof![".{0,40}", "[ -~]{0,40}"],
        queue in prop_oneof![Just(None), "[a-z0-9]{1,20}".prop_map(Some), ".{1,20}".prop_map(Some)],
    ) {
        let mut req = cibatch::JobRequest::new(name.clone(), "Transcode", cibatch::Input::Prefix(prefix.clone()))
            .user_data(data.clone());
        if let Some(q) = &queue {
            req = req.queue_id(q.clone());
        }
        // The rules, written out independently of the library: which argument must be refused, first.
        let name_ok = (1..=128).contains(&name.chars().count()) && name.chars().all(name_char);
        let refused = if !name_ok {
            Some("name")
        } else if !xml_text(&prefix) {
            Some("input")
        } else if queue.as_deref().is_some_and(|q| !xml_text(q)) {
            Some("queue_id")
        } else if !xml_text(&data) {
            Some("user_data")
        } else {
            None
        };
        match (req.to_xml(), refused) {
            (Ok(body), None) => {
                let doc = cibatch::xml::parse(&body, Default::default()).unwrap();
                let r = &doc.root;
                let text = |path: &[&str]| {
                    let mut e = r;
                    for p in path {
                        e = e.find(p)?;
                    }
                    Some(e.text.clone())
                };
                prop_assert_eq!(r.name.as_str(), "Request");
                prop_assert_eq!(text(&["Name"]), Some(name));
                prop_assert_eq!(text(&["Type"]), Some("Job".to_string()));
                prop_assert_eq!(text(&["Input", "Prefix"]), Some(prefix));
                prop_assert_eq!(text(&["Operation", "Tag"]), Some("Transcode".to_string()));
                prop_assert_eq!(text(&["Operation", "QueueId"]), queue);
                prop_assert_eq!(text(&["Operation", "UserData"]), (!data.is_empty()).then_some(data));
            }
            (Err(cibatch::Error::InvalidInput { argument, .. }), Some(want)) => prop_assert_eq!(argument, want),
            (got, want) => prop_assert!(false, "expected refusal of {:?}, got {:?}", want, got),
        }
    }
}

/// A character a job name may hold: a letter, digit, `-`, `_`, or a CJK character.
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '-'
        || c == '_'
        || matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// What XML 1.0 can carry as text.
fn xml_text(s: &str) -> bool {
    s.chars().all(|c| matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF))
}
