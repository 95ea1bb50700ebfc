//! A small XML element tree over the checked event stream of [`scan`] (which reads the bytes itself; a scanner over
//! `quick-xml`'s reader is its test reference), with the limits a client needs against hostile bodies, and text
//! escaping for the bodies we build.
//!
//! We parse into a tree instead of deriving serde types because the service's job details are open-ended:
//! elements we do not model (new job parameters, new output fields) must stay reachable, and each job's raw
//! `JobsDetail` XML must be kept byte for byte, which needs the source span of each element.

mod scan;
#[cfg(test)]
mod scan_quick;

pub(crate) use scan::{Scanner, Step};
use std::borrow::Cow;
use std::ops::Range;

/// One XML element: its local name, its text (concatenated and unescaped) and its child elements.
/// Attributes are not kept: the service uses none.
///
/// Dropping, cloning, comparing, printing and serialising an element never recurse: a tree nested however deep
/// (a hostile body parsed under a raised depth limit) cannot overflow the stack.
#[derive(Default, Eq)]
pub struct XmlElement {
    pub name: String,
    pub text: String,
    pub children: Vec<XmlElement>,
}

impl XmlElement {
    /// An element with no text and no children.
    pub fn new(name: impl Into<String>) -> Self {
        XmlElement { name: name.into(), text: String::new(), children: Vec::new() }
    }

    /// An element holding only text.
    pub fn with_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        XmlElement { name: name.into(), text: text.into(), children: Vec::new() }
    }

    /// Adds a child element (builder style).
    pub fn child(mut self, child: XmlElement) -> Self {
        self.children.push(child);
        self
    }

    /// Adds a text-only child element (builder style).
    pub fn child_text(self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.child(XmlElement::with_text(name, text))
    }

    /// The first child of this name.
    pub fn find(&self, name: &str) -> Option<&XmlElement> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child of this name, in document order.
    pub fn find_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a XmlElement> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child of this name.
    pub fn find_text(&self, name: &str) -> Option<&str> {
        self.find(name).map(|c| c.text.trim())
    }

    /// Serialises this element (and its children) with escaped text.
    pub fn to_xml(&self) -> String {
        let mut out = String::new();
        self.write_xml(&mut out);
        out
    }

    pub(crate) fn write_xml(&self, out: &mut String) {
        let open = |out: &mut String, e: &XmlElement| {
            out.push('<');
            out.push_str(&e.name);
            out.push('>');
            out.push_str(&escape_text(&e.text));
        };
        open(out, self);
        // Each entry: an element whose start tag is written, and the index of its next child to write.
        let mut stack: Vec<(&XmlElement, usize)> = vec![(self, 0)];
        while let Some((e, next)) = stack.last_mut() {
            if let Some(c) = e.children.get(*next) {
                *next += 1;
                open(out, c);
                stack.push((c, 0));
            } else {
                out.push_str("</");
                out.push_str(&e.name);
                out.push('>');
                stack.pop();
            }
        }
    }

    /// Every element of the tree, this one first, in document order, without recursion.
    pub fn descendants(&self) -> impl Iterator<Item = &XmlElement> {
        let mut stack = vec![self];
        std::iter::from_fn(move || {
            let e = stack.pop()?;
            stack.extend(e.children.iter().rev());
            Some(e)
        })
    }

    /// A copy of the name and text, with room for the children.
    fn shallow_clone(&self) -> XmlElement {
        XmlElement {
            name: self.name.clone(),
            text: self.text.clone(),
            children: Vec::with_capacity(self.children.len()),
        }
    }
}

impl Drop for XmlElement {
    fn drop(&mut self) {
        // The derived drop would recurse once per level. Move every grandchild up into one list instead, so that
        // each element is dropped with no children of its own. Shallow trees (the usual case) take the fast path.
        if self.children.iter().all(|c| c.children.is_empty()) {
            return;
        }
        let mut pending = std::mem::take(&mut self.children);
        while let Some(mut e) = pending.pop() {
            pending.append(&mut e.children);
        }
    }
}

impl Clone for XmlElement {
    fn clone(&self) -> Self {
        // Each entry: a source element, its copy being built, and the index of the next child to copy.
        let mut stack: Vec<(&XmlElement, XmlElement, usize)> = vec![(self, self.shallow_clone(), 0)];
        loop {
            let (src, _, next) = stack.last_mut().expect("the stack holds the root until it returns");
            if let Some(c) = src.children.get(*next) {
                *next += 1;
                stack.push((c, c.shallow_clone(), 0));
                continue;
            }
            let (_, done, _) = stack.pop().expect("not empty");
            match stack.last_mut() {
                Some((_, parent, _)) => parent.children.push(done),
                None => return done,
            }
        }
    }
}

impl PartialEq for XmlElement {
    fn eq(&self, other: &Self) -> bool {
        let mut pairs = vec![(self, other)];
        while let Some((a, b)) = pairs.pop() {
            if a.name != b.name || a.text != b.text || a.children.len() != b.children.len() {
                return false;
            }
            pairs.extend(a.children.iter().zip(&b.children));
        }
        true
    }
}

impl std::fmt::Debug for XmlElement {
    /// The element as XML (`XmlElement("<A>x<B/></A>")`), written without recursion.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("XmlElement").field(&self.to_xml()).finish()
    }
}

/// Limits applied while parsing a response body.
#[derive(Debug, Clone, Copy)]
pub struct XmlLimits {
    /// Deepest element nesting accepted.
    pub max_depth: usize,
    /// Most elements accepted in one document.
    pub max_elements: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        XmlLimits { max_depth: 32, max_elements: 200_000 }
    }
}

/// A parsed document: the root element and the source byte span of each of its direct children.
#[derive(Debug)]
pub struct Document {
    pub root: XmlElement,
    pub child_spans: Vec<Range<usize>>,
}

/// Parses a whole document. Errors are short human-readable reasons.
pub fn parse(src: &str, limits: XmlLimits) -> Result<Document, String> {
    let mut children = Vec::new();
    let mut child_spans = Vec::new();
    let mut root = parse_each(src, limits, |_, child, span| {
        children.push(child);
        child_spans.push(span);
        Ok(())
    })?;
    root.children = children;
    Ok(Document { root, child_spans })
}

/// Parses a whole document, handing each direct child of the root to `on_child` (with the root's name and the
/// child's source span in `src`) as soon as its end tag is read, so that a caller can turn it into something
/// smaller, or refuse the document, before the next one is built. Returns the root without its children.
pub fn parse_each(
    src: &str,
    limits: XmlLimits,
    mut on_child: impl FnMut(&str, XmlElement, Range<usize>) -> Result<(), String>,
) -> Result<XmlElement, String> {
    let mut scan = Scanner::new(src, limits)?;
    let mut stack: Vec<XmlElement> = Vec::new();
    let mut root: Option<XmlElement> = None;
    let mut child_start = 0usize;
    while let Some(step) = scan.next()? {
        match step {
            Step::Open { name, at } => {
                if stack.len() == 1 {
                    child_start = at;
                }
                stack.push(XmlElement::new(name));
            }
            Step::Text(t) => stack.last_mut().expect("text comes inside an element").text.push_str(&t),
            Step::Close { end } => {
                let element = stack.pop().expect("the scanner balances elements");
                match stack.len() {
                    0 => root = Some(element),
                    1 => on_child(&stack[0].name, element, child_start..end)?,
                    _ => stack.last_mut().expect("not empty").children.push(element),
                }
            }
        }
    }
    Ok(root.expect("a well-formed document has a root"))
}

/// Escapes text for an XML element body. `\r` is escaped so that it survives a round trip.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(|b| matches!(b, b'&' | b'<' | b'>' | b'\r')) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether `name` is an element name we accept and can write back: a letter or `_`, then letters, digits,
/// `_`, `-` or `.` (the XML name rules without `:`, which the service never uses).
pub fn is_xml_name(name: &str) -> bool {
    // Which ASCII bytes may appear in a name: 1 first or later, 2 only after the first.
    const CLASS: [u8; 128] = {
        let mut t = [0u8; 128];
        let mut c = 0;
        while c < 128 {
            let b = c as u8;
            t[c] = if b.is_ascii_alphabetic() || b == b'_' {
                1
            } else if b.is_ascii_digit() || b == b'-' || b == b'.' {
                2
            } else {
                0
            };
            c += 1;
        }
        t
    };
    // ASCII names (all the service sends) by table; any other byte sends the name to the character rules below.
    match name.as_bytes().split_first() {
        None => return false,
        Some((&first, rest)) if first < 128 => {
            if CLASS[first as usize] != 1 {
                return false;
            }
            match rest.iter().find(|&&b| b >= 128 || CLASS[b as usize] == 0) {
                None => return true,
                Some(&b) if b < 128 => return false,
                Some(_) => {}
            }
        }
        Some(_) => {}
    }
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Whether every character can appear in an XML 1.0 document.
pub fn is_xml_text(s: &str) -> bool {
    s.chars().all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
}

/// One element kept as text from a response this crate has already checked (a job's `<JobParam>` or `<Output>`),
/// read as a tree: under the highest depth any client may allow, since the bytes passed the client's own limits as
/// part of the whole body. `None` when the text is not one well-formed element.
pub(crate) fn element_of(src: &str) -> Option<XmlElement> {
    let limits = XmlLimits { max_depth: *crate::config::limits::XML_DEPTH.end(), max_elements: usize::MAX };
    parse(src, limits).ok().map(|doc| doc.root)
}

/// Parses an XML fragment (one or more elements, e.g. `"<Snapshot><Mode>Interval</Mode></Snapshot>"`) into elements
/// to pass through into a request. Text outside any element is refused.
pub fn parse_fragment(text: &str) -> Result<Vec<XmlElement>, String> {
    let mut doc = parse(&format!("<f>{text}</f>"), XmlLimits::default())
        .map_err(|e| format!("not a well-formed XML fragment: {e}"))?;
    if !doc.root.text.trim().is_empty() {
        return Err("text outside any element".into());
    }
    Ok(std::mem::take(&mut doc.root.children))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tree_and_spans() {
        let src = "<?xml version='1.0'?>\n<R><A>x &amp; y</A><B/><C><D>1</D></C></R>";
        let doc = parse(src, XmlLimits::default()).unwrap();
        assert_eq!(doc.root.name, "R");
        assert_eq!(doc.root.find_text("A"), Some("x & y"));
        assert_eq!(doc.root.find("B").unwrap().children.len(), 0);
        assert_eq!(doc.root.find("C").unwrap().find_text("D"), Some("1"));
        let spans: Vec<&str> = doc.child_spans.iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(spans, ["<A>x &amp; y</A>", "<B/>", "<C><D>1</D></C>"]);
    }

    #[test]
    fn refuses_hostile_documents() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(&deep, XmlLimits::default()).unwrap_err().contains("deeper"));
        let bomb = "<!DOCTYPE r [<!ENTITY a \"aaaa\">]><r>&a;</r>";
        assert!(parse(bomb, XmlLimits::default()).is_err());
        assert!(parse("<r>&a;</r>", XmlLimits::default()).unwrap_err().contains("unknown entity"));
        assert!(parse("<r><a>", XmlLimits::default()).unwrap_err().contains("truncated"));
        assert!(parse("<r></a>", XmlLimits::default()).is_err());
        assert!(parse("", XmlLimits::default()).is_err());
        assert!(parse("<r/><s/>", XmlLimits::default()).is_err());
        // Found by fuzzing: a byte-order mark shifted the spans.
        let bom = "\u{feff}<R><A>é</A></R>";
        let doc = parse(bom, XmlLimits::default()).unwrap();
        assert_eq!(&bom[doc.child_spans[0].clone()], "<A>é</A>");
        // Found by fuzzing: a name quick-xml accepts but that cannot be written back.
        assert!(parse("<a'b c='1'/>", XmlLimits::default()).is_err());
    }

    #[test]
    fn escapes_and_round_trips() {
        let e = XmlElement::with_text("N", "a<b>&c\"'\r\n");
        let xml = e.to_xml();
        assert_eq!(xml, "<N>a&lt;b&gt;&amp;c\"'&#xD;\n</N>");
        assert_eq!(parse(&xml, XmlLimits::default()).unwrap().root, e);
        assert!(is_xml_text("ok\t\n"));
        assert!(!is_xml_text("nul\0"));
    }
}
