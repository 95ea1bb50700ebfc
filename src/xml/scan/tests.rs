use super::*;
use crate::xml::scan_quick;
use proptest::prelude::*;

#[test]
fn finds_control_characters_at_every_offset() {
    for len in 0..20 {
        for at in 0..len {
            for c in [0u8, 1, 0x1b, 0x1f] {
                let mut b = vec![b'a'; len];
                b[at] = c;
                assert_eq!(find_control(&b), Some(at), "len {len} at {at} byte {c}");
            }
        }
        let mut ok = vec![b'a'; len];
        for (i, c) in ok.iter_mut().enumerate() {
            *c = [b'\t', b'\n', b'\r', b' ', 0x7f, 0x80, 0xff, b'<'][i % 8];
        }
        assert_eq!(find_control(&ok), None, "len {len}");
    }
}

#[test]
fn steps_carry_names_offsets_and_text() {
    let src = "\u{feff}<R>a&amp;b<E/><![CDATA[<c>]]></R>";
    let mut s = Scanner::new(src, XmlLimits::default()).unwrap();
    let mut steps = Vec::new();
    while let Some(step) = s.next().unwrap() {
        steps.push(step);
    }
    let bom = 3;
    assert_eq!(
        steps,
        [
            Step::Open { name: "R", at: bom },
            Step::Text("a".into()),
            Step::Text("&".into()),
            Step::Text("b".into()),
            Step::Open { name: "E", at: bom + 10 },
            Step::Close { end: bom + 14 },
            Step::Text("<c>".into()),
            Step::Close { end: src.len() },
        ]
    );
}

#[derive(Debug, PartialEq)]
enum Merged {
    Open(String, usize),
    Close(usize),
    Text(String),
}

/// Every step of a document (consecutive texts joined), or the error.
macro_rules! run {
    ($scanner:ty, $src:expr, $limits:expr) => {{
        let mut out: Vec<Merged> = Vec::new();
        let result = (|| {
            let mut s = <$scanner>::new($src, $limits)?;
            while let Some(step) = s.next()? {
                let depth = s.depth();
                match step {
                    Step::Open { name, at } => out.push(Merged::Open(format!("{name}@{depth}"), at)),
                    Step::Close { end } => out.push(Merged::Close(end)),
                    // quick-xml hands out an empty CDATA section as empty text; nothing reads it.
                    Step::Text(t) if t.is_empty() => {}
                    Step::Text(t) => match out.last_mut() {
                        Some(Merged::Text(prev)) => prev.push_str(&t),
                        _ => out.push(Merged::Text(t.into_owned())),
                    },
                }
            }
            Ok::<(), String>(())
        })();
        result.map(|()| out)
    }};
}

const TOKENS: &[&str] = &[
    "<r>",
    "</r>",
    "<a>",
    "</a>",
    "<a/>",
    "<a:b>",
    "</a:b>",
    "</a:c>",
    "<r a='>'>",
    "<a x=\"1\"/>",
    "<a x=\"1>",
    "</a >",
    "</ a>",
    "<a/ >",
    "<a / >",
    "< a>",
    "<>",
    "<:a/>",
    "<a:>",
    "<a\t/>",
    "<a\n>",
    "text",
    " ",
    "\n",
    "\r\n",
    "\r",
    "&amp;",
    "&lt;&gt;&apos;&quot;",
    "&bogus;",
    "&#65;",
    "&#x41;",
    "&#X41;",
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&#1114111;",
    "&#;",
    "&#+1;",
    "&",
    ";",
    "<!-- c -- d -->",
    "<!-->",
    "<![CDATA[x<y\r\n]]>",
    "<![CDATA[",
    "]]>",
    "<?pi x?>",
    "<?xml version='1.0'?>",
    "<!DOCTYPE r>",
    "<!doctype r>",
    "<!x>",
    "é",
    "\u{feff}",
    "<é>",
    "</é>",
    "<",
    ">",
    "\"",
    "'",
    "<b>",
    "</b>",
    "<b/>",
    "<1a>",
    "<a-b.c_d>",
    "</a-b.c_d>",
    "<a'>':b>",
    "</a'>':b>",
    "</a'",
    "<a:b/>",
    "<ab>",
    "</ab>",
    "<a>x&amp;y 0123456789</a>",
    "0123456789abcdef",
    "</r x='>'>",
    " y'>",
    "\u{1}",
    "<r>x</r>",
];

#[test]
fn agrees_with_the_quick_xml_scanner_on_hand_picked_documents() {
    for doc in [
        // A namespace prefix may hold a quoted `>`: its end tag is matched the way quick-xml matches it.
        "<a'>':b></a'>':b>",
        "<r><a'>':b></a'>':b></r>",
        "<r><x:a/><x:a></x:a><a\t/><a\n></a\n ></r>",
        "<r><a/ ></r>",
        "<r><a / ></a></r>",
        "<r>x\r\ny\rz &amp;&#x41;<![CDATA[\r\n]]></r>",
        "<r></r x='>'>",
        "<r></r'>'>",
        "<r><a'x:b y'></a'x:b></r>",
        "<r><a'x:b y'></a'x:b y'></r>",
        "<r></r",
    ] {
        let limits = XmlLimits::default();
        let (ours, theirs) = (run!(Scanner, doc, limits), run!(scan_quick::Scanner, doc, limits));
        assert_eq!(ours.is_ok(), theirs.is_ok(), "{doc:?}: {ours:?} {theirs:?}");
        if ours.is_ok() {
            assert_eq!(ours, theirs, "{doc:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20000, ..ProptestConfig::default() })]
    /// The scanner and the quick-xml reader it replaced accept the same documents with the same steps, and
    /// refuse the same documents (with the same reason, unless both found them malformed, which each words
    /// its own way).
    #[test]
    fn agrees_with_the_quick_xml_scanner(
        tokens in prop::collection::vec(0..TOKENS.len(), 0..24),
        wrap in any::<bool>(),
        max_depth in 1..6usize,
        max_elements in 1..12usize,
    ) {
        let mut doc: String = tokens.iter().map(|&t| TOKENS[t]).collect();
        if wrap {
            doc = format!("<r>{doc}</r>");
        }
        // quick-xml skipped a second byte-order mark after the one skipped before it; this scanner reads it as
        // the text it is (outside the root: refused).
        prop_assume!(!doc.starts_with("\u{feff}\u{feff}"));
        let limits = XmlLimits { max_depth, max_elements };
        let ours = run!(Scanner, &doc, limits);
        let theirs = run!(scan_quick::Scanner, &doc, limits);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b, "{:?}", doc),
            (Err(a), Err(b)) if a.starts_with("malformed") || b.starts_with("malformed") => {}
            _ => prop_assert_eq!(&ours, &theirs, "{:?}", doc),
        }
    }
}
