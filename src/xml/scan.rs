//! The checked event stream every parse of a response goes through, read straight from the bytes, with the limits
//! and rules a client needs against hostile bodies: depth and element count, no control characters, no DOCTYPE, only
//! the five predefined entities, names we could write back, end tags that match, one root. The element tree
//! ([`super::parse`]) and the parsers that read straight into the job model ([`crate::model`]) are both built on it,
//! so they refuse exactly the same documents with the same reasons.
//!
//! It accepts what quick-xml's reader (which it replaced on this path, for about a third of a describe's parsing
//! cost) accepted under the same checks; a property test holds the two to the same steps on every document. Nothing
//! recurses; per open element it keeps one `&str` (the name its end tag must repeat), at most `max_depth` of them.

use super::{is_xml_name, is_xml_text, XmlLimits};
use std::borrow::Cow;

/// One step through a document.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step<'a> {
    /// An element opens (an empty element `<A/>` gives `Open` then `Close`). `at` is the byte offset of its `<` in
    /// the source; [`Scanner::depth`] counts it from here on (the root is at depth 1).
    Open { name: &'a str, at: usize },
    /// The innermost open element closes; `end` is the byte offset just past its end tag (or its `/>`).
    Close { end: usize },
    /// Text (unescaped, end of lines normalised) directly inside the innermost open element. One element's text may
    /// come in several pieces (around entities, CDATA, comments and children).
    Text(Cow<'a, str>),
}

/// The checked event stream over one document. Call [`Scanner::next`] until it returns `Ok(None)` (the whole
/// document was read and is well-formed) or an error (a short human-readable reason; the document must be
/// dropped).
pub(crate) struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    limits: XmlLimits,
    /// The qualified names of the open elements, innermost last.
    open: Vec<&'a str>,
    elements: usize,
    root_closed: bool,
    /// An empty element was opened: its `Close` comes next, ending here.
    pending_close: Option<usize>,
    /// An element's name held a `>` or a quote (possible in a namespace prefix): end tags are then matched the
    /// general way.
    odd_names: bool,
}

/// The bytes of the names the fast path reads: [`NAME`] for ASCII letters, digits, `_`, `-` and `.`, [`COLON`] for
/// `:`, 0 for any other.
const NAME_BYTE: [u8; 256] = {
    let mut t = [0; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') {
            NAME
        } else if b == b':' {
            COLON
        } else {
            0
        };
        c += 1;
    }
    t
};
const NAME: u8 = 1;
const COLON: u8 = 2;

impl<'a> Scanner<'a> {
    pub(crate) fn new(src: &'a str, limits: XmlLimits) -> Result<Scanner<'a>, String> {
        // Control characters other than tab, CR and LF are not allowed anywhere in an XML 1.0 document: refuse them
        // before anything is built, so that none reaches a caller (a NUL would cut a C string short, an escape
        // sequence would reach a terminal).
        if let Some(at) = find_control(src.as_bytes()) {
            return Err(format!("control character U+{:04X} at byte {at} (not allowed in XML)", src.as_bytes()[at]));
        }
        let pos = if src.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
        Ok(Scanner {
            src,
            pos,
            limits,
            open: Vec::with_capacity(limits.max_depth.min(16)),
            elements: 0,
            root_closed: false,
            pending_close: None,
            odd_names: false,
        })
    }

    /// How many elements are open (1 inside the root).
    pub(crate) fn depth(&self) -> usize {
        self.open.len()
    }

    fn malformed(&self, at: usize, what: &str) -> String {
        format!("malformed XML at byte {at}: {what}")
    }

    /// The next step, `None` at the well-formed end of the document.
    #[allow(clippy::should_implement_trait)] // fallible, and callers want `?` on each step
    pub(crate) fn next(&mut self) -> Result<Option<Step<'a>>, String> {
        if let Some(end) = self.pending_close.take() {
            self.open.pop();
            return Ok(Some(self.close(end)));
        }
        let bytes = self.src.as_bytes();
        loop {
            let at = self.pos;
            let text: Cow<'a, str> = match bytes.get(at) {
                None => {
                    if !self.open.is_empty() {
                        return Err("truncated document: unclosed elements".into());
                    }
                    if !self.root_closed {
                        return Err("empty document".into());
                    }
                    return Ok(None);
                }
                Some(b'<') => match bytes.get(at + 1) {
                    Some(b'/') => {
                        // The usual case: `</name>` exactly naming the open element (a name holding `>` or a quote,
                        // which only a namespace prefix can, takes the general path).
                        if let (Some(open), false) = (self.open.last(), self.odd_names) {
                            let n = at + 2 + open.len();
                            if bytes.get(n) == Some(&b'>') && &bytes[at + 2..n] == open.as_bytes() {
                                self.open.pop();
                                self.pos = n + 1;
                                return Ok(Some(self.close(n + 1)));
                            }
                        }
                        let end = self.tag_end(at + 2).ok_or_else(|| self.malformed(at, "end tag not closed"))?;
                        let mut name = &self.src[at + 2..end];
                        if name.ends_with([' ', '\t', '\r', '\n']) {
                            name = name.trim_end_matches([' ', '\t', '\r', '\n']);
                        }
                        match self.open.last() {
                            Some(open) if *open == name => {}
                            Some(open) => {
                                let found = &self.src[at + 2..end];
                                return Err(self.malformed(at, &format!("expected </{open}>, found </{found}>")));
                            }
                            None => return Err(self.malformed(at, "an end tag that matches no open element")),
                        }
                        self.open.pop();
                        self.pos = end + 1;
                        return Ok(Some(self.close(end + 1)));
                    }
                    Some(b'!') => {
                        let rest = &bytes[at + 2..];
                        if rest.starts_with(b"--") {
                            let end =
                                self.find(at + 4, b"-->").ok_or_else(|| self.malformed(at, "comment not closed"))?;
                            self.pos = end + 3;
                            continue;
                        } else if rest.starts_with(b"[CDATA[") {
                            let start = at + 9;
                            let end = self.find(start, b"]]>").ok_or_else(|| self.malformed(at, "CDATA not closed"))?;
                            self.pos = end + 3;
                            Cow::Borrowed(&self.src[start..end])
                        } else if rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"DOCTYPE") {
                            return Err("DOCTYPE declarations are not accepted".into());
                        } else {
                            return Err(self.malformed(at, "unknown markup after <!"));
                        }
                    }
                    Some(b'?') => {
                        let end = self
                            .find(at + 2, b"?>")
                            .ok_or_else(|| self.malformed(at, "processing instruction not closed"))?;
                        self.pos = end + 2;
                        continue;
                    }
                    _ => return self.open_tag(at),
                },
                Some(b'&') => {
                    let end = self
                        .find(at + 1, b";")
                        .ok_or_else(|| self.malformed(at, "entity or character reference not closed"))?;
                    self.pos = end + 1;
                    reference(&self.src[at + 1..end])?
                }
                Some(_) => {
                    let end = find_markup(bytes, at);
                    self.pos = end;
                    normalize_eols(&self.src[at..end])
                }
            };
            if self.open.is_empty() {
                if text.trim().is_empty() {
                    continue;
                }
                return Err("text outside the root element".into());
            }
            if text.is_empty() {
                continue;
            }
            return Ok(Some(Step::Text(text)));
        }
    }

    /// A start tag or an empty element at `at`.
    fn open_tag(&mut self, at: usize) -> Result<Option<Step<'a>>, String> {
        let bytes = self.src.as_bytes();
        // The usual case: `<name>` or `<name/>` with a name of ASCII name characters only, checked on the way.
        let mut i = at + 1;
        let mut colons = 0;
        let mut local = at + 1;
        loop {
            match bytes.get(i).map(|&b| NAME_BYTE[b as usize]) {
                Some(NAME) => {}
                Some(COLON) => {
                    colons += 1;
                    if colons == 1 {
                        local = i + 1;
                    }
                }
                _ => break,
            }
            i += 1;
        }
        // A local name (after the first colon) of name characters, starting with a letter or `_`: what
        // `is_xml_name` accepts, read in the same pass.
        let plain_name =
            colons <= 1 && bytes.get(local).is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_') && local < i;
        let (qname, end, empty, checked) = match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'>'), _) => (&self.src[at + 1..i], i, false, plain_name),
            (Some(b'/'), Some(b'>')) => (&self.src[at + 1..i], i + 1, true, plain_name),
            _ => {
                let (qname, end, empty) = self.general_tag(at)?;
                (qname, end, empty, false)
            }
        };
        if self.root_closed {
            return Err("content after the root element".into());
        }
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(format!("more than {} elements", self.limits.max_elements));
        }
        if self.open.len() >= self.limits.max_depth {
            return Err(format!("nested deeper than {} elements", self.limits.max_depth));
        }
        // The local name (after a namespace prefix), which must be a name we could write back.
        let name = match qname.bytes().position(|b| b == b':') {
            Some(colon) => &qname[colon + 1..],
            None => qname,
        };
        if !checked && !is_xml_name(name) {
            return Err(format!("invalid element name {name:?}"));
        }
        self.pos = end + 1;
        // An empty element counts as open until its `Close` is handed out.
        self.open.push(qname);
        if empty {
            self.pending_close = Some(end + 1);
        }
        Ok(Some(Step::Open { name, at }))
    }

    /// A tag's name, end (its `>`) and whether it is empty, read the general way: the tag ends at the first `>`
    /// outside quotes (attribute values may hold `>`), its name runs to the first blank (so `<a/ >` names `a/`, as
    /// quick-xml reads it).
    fn general_tag(&mut self, at: usize) -> Result<(&'a str, usize, bool), String> {
        let bytes = self.src.as_bytes();
        let end = self.tag_end(at + 1).ok_or_else(|| self.malformed(at, "tag not closed"))?;
        let empty = bytes[end - 1] == b'/' && end - 1 > at;
        let content_end = if empty { end - 1 } else { end };
        // The name runs to the first blank (so `<a/ >` names `a/`, as quick-xml reads it).
        let name_end = bytes[at + 1..content_end]
            .iter()
            .position(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .map_or(content_end, |n| at + 1 + n);
        let qname = &self.src[at + 1..name_end];
        if qname.contains(['>', '"', '\'']) {
            self.odd_names = true;
        }
        Ok((qname, end, empty))
    }

    /// The offset of the `>` that ends a tag whose name starts at `from`: the first `>` outside quotes (attribute
    /// values may hold `>`). Quotes are rare (the service sends no attributes): find the first `>`, and walk the
    /// quotes only if the tag has any before it.
    fn tag_end(&self, from: usize) -> Option<usize> {
        let bytes = self.src.as_bytes();
        let gt = bytes.get(from..)?.iter().position(|&b| b == b'>').map(|n| from + n);
        if let Some(gt) = gt {
            if !bytes[from..gt].iter().any(|&b| b == b'"' || b == b'\'') {
                return Some(gt);
            }
        }
        let mut quote = None;
        for (i, &b) in bytes[from..].iter().enumerate() {
            match (b, quote) {
                (b'>', None) => return Some(from + i),
                (b'"' | b'\'', None) => quote = Some(b),
                (b, Some(q)) if b == q => quote = None,
                _ => {}
            }
        }
        None
    }

    fn close(&mut self, end: usize) -> Step<'a> {
        if self.open.is_empty() {
            self.root_closed = true;
        }
        Step::Close { end }
    }

    /// The offset of the first `needle` at or after `from`.
    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        let hay = self.src.as_bytes().get(from..)?;
        let first = needle[0];
        let mut i = 0;
        while let Some(n) = hay[i..].iter().position(|&b| b == first) {
            i += n;
            if hay[i..].starts_with(needle) {
                return Some(from + i);
            }
            i += 1;
        }
        None
    }

    /// Reads up to and including the `Close` of the element that is open at depth `depth`, checking everything on
    /// the way.
    pub(crate) fn skip_to_close(&mut self, depth: usize) -> Result<(), String> {
        while self.depth() >= depth {
            if self.next()?.is_none() {
                return Err("truncated document: unclosed elements".into());
            }
        }
        Ok(())
    }
}

/// The text of `&name;` (`name` without `&` and `;`): one of the five predefined entities or a character reference
/// to a character XML allows. Custom entities (and so entity expansion bombs) are refused, never expanded.
fn reference(name: &str) -> Result<Cow<'static, str>, String> {
    let Some(number) = name.strip_prefix('#') else {
        return match name {
            "lt" => Ok(Cow::Borrowed("<")),
            "gt" => Ok(Cow::Borrowed(">")),
            "amp" => Ok(Cow::Borrowed("&")),
            "apos" => Ok(Cow::Borrowed("'")),
            "quot" => Ok(Cow::Borrowed("\"")),
            _ => Err(format!("unknown entity &{name};")),
        };
    };
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    let c = (!digits.is_empty() && digits.bytes().all(|b| (b as char).is_digit(radix)))
        .then(|| u32::from_str_radix(digits, radix).ok())
        .flatten()
        .filter(|&n| n != 0)
        .and_then(char::from_u32)
        .ok_or("invalid character reference")?;
    // `&#0;`, `&#x1B;` and the like name characters XML does not allow, as raw ones would be.
    let mut buf = [0; 4];
    if !is_xml_text(c.encode_utf8(&mut buf)) {
        return Err(format!("character reference to U+{:04X} (not allowed in XML)", c as u32));
    }
    Ok(Cow::Owned(c.to_string()))
}

/// The offset of the first `<` or `&` at or after `from` (the end of `b` if none). Eight bytes at a time.
fn find_markup(b: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH != 0;
    let mut i = from;
    while i + 8 <= b.len() {
        let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        if has_zero(w ^ (ONES * b'<' as u64)) || has_zero(w ^ (ONES * b'&' as u64)) {
            break;
        }
        i += 8;
    }
    b[i..].iter().position(|&c| c == b'<' || c == b'&').map_or(b.len(), |n| i + n)
}

/// XML 1.0 end-of-line handling: `\r\n` and a lone `\r` become `\n`.
fn normalize_eols(s: &str) -> Cow<'_, str> {
    if !s.contains('\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The position of the first byte below 0x20 other than tab, LF and CR. Eight bytes at a time: a word holding no
/// byte below 0x20 (the usual case) is passed over with a few instructions.
pub(super) fn find_control(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let is_control = |c: u8| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r');
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // Sets a byte's high bit when that byte is below 0x20 (exact for the question "is any byte below 0x20").
        if w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0 {
            if let Some(i) = chunk.iter().position(|&c| is_control(c)) {
                return Some(at + i);
            }
        }
        at += 8;
    }
    chunks.remainder().iter().position(|&c| is_control(c)).map(|i| at + i)
}

#[cfg(test)]
mod tests;
