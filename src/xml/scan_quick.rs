//! Tests only: the checked event stream as it was built on quick-xml's reader, kept as the reference the scanner
//! that replaced it ([`super::scan`]) must agree with. The limits and rules a client needs against hostile bodies (depth and element count, no control characters, no DOCTYPE, only the five
//! predefined entities, names we could write back, one root). The element tree ([`super::parse`]) and the parsers
//! that read straight into the job model ([`crate::model`]) are both built on it, so they refuse exactly the same
//! documents with the same reasons.
//!
//! Nothing here recurses and nothing is kept per open element (quick-xml keeps the open names to match end tags), so
//! memory is bounded by the body and stack use by nothing at all.

use super::scan::{find_control, Step};
use super::{is_xml_name, is_xml_text, XmlLimits};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::borrow::Cow;

/// The checked event stream over one document. Call [`Scanner::next`] until it returns `Ok(None)` (the whole
/// document was read and is well-formed) or an error (a short human-readable reason; the document must be
/// dropped).
pub(crate) struct Scanner<'a> {
    src: &'a str,
    reader: Reader<&'a [u8]>,
    /// The length of a byte-order mark quick-xml skips without counting: added to its offsets so they index `src`.
    bom: usize,
    limits: XmlLimits,
    depth: usize,
    elements: usize,
    root_closed: bool,
    /// An empty element was opened: its `Close` comes next, ending here.
    pending_close: Option<usize>,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(src: &'a str, limits: XmlLimits) -> Result<Scanner<'a>, String> {
        // Control characters other than tab, CR and LF are not allowed anywhere in an XML 1.0 document: refuse them
        // before anything is built, so that none reaches a caller (a NUL would cut a C string short, an escape
        // sequence would reach a terminal).
        if let Some(at) = find_control(src.as_bytes()) {
            return Err(format!("control character U+{:04X} at byte {at} (not allowed in XML)", src.as_bytes()[at]));
        }
        let bom = if src.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
        Ok(Scanner {
            src,
            reader: Reader::from_str(&src[bom..]),
            bom,
            limits,
            depth: 0,
            elements: 0,
            root_closed: false,
            pending_close: None,
        })
    }

    /// How many elements are open (1 inside the root).
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// The next step, `None` at the well-formed end of the document.
    #[allow(clippy::should_implement_trait)] // fallible, and callers want `?` on each step
    pub(crate) fn next(&mut self) -> Result<Option<Step<'a>>, String> {
        if let Some(end) = self.pending_close.take() {
            return Ok(Some(self.close(end)));
        }
        loop {
            let before = self.reader.buffer_position() as usize + self.bom;
            let event = self
                .reader
                .read_event()
                .map_err(|e| format!("malformed XML at byte {}: {e}", self.reader.error_position()))?;
            let text: Cow<'a, str> = match event {
                Event::Start(start) => return self.open(start.local_name().as_ref(), before, false),
                Event::Empty(start) => return self.open(start.local_name().as_ref(), before, true),
                // quick-xml checks that end tags match their start tags.
                Event::End(_) => {
                    if self.depth == 0 {
                        return Err("unbalanced end tag".into());
                    }
                    let end = self.reader.buffer_position() as usize + self.bom;
                    return Ok(Some(self.close(end)));
                }
                Event::Text(t) => t.xml10_content().map_err(|e| format!("bad text: {e}"))?,
                Event::CData(t) => t.decode().map_err(|e| format!("bad CDATA: {e}"))?,
                Event::GeneralRef(r) => {
                    if r.is_char_ref() {
                        match r.resolve_char_ref() {
                            // `&#0;`, `&#x1B;` and the like name characters XML does not allow, as raw ones would be.
                            Ok(Some(c)) if is_xml_text(c.encode_utf8(&mut [0; 4])) => Cow::Owned(c.to_string()),
                            Ok(Some(c)) => {
                                return Err(format!("character reference to U+{:04X} (not allowed in XML)", c as u32))
                            }
                            _ => return Err("invalid character reference".into()),
                        }
                    } else {
                        let name = r.decode().map_err(|e| format!("bad entity: {e}"))?;
                        // Only the five predefined entities: custom ones (and so entity expansion bombs) are
                        // refused, never expanded.
                        match resolve_predefined_entity(&name) {
                            Some(v) => Cow::Borrowed(v),
                            None => return Err(format!("unknown entity &{name};")),
                        }
                    }
                }
                Event::DocType(_) => return Err("DOCTYPE declarations are not accepted".into()),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
                Event::Eof => {
                    if self.depth != 0 {
                        return Err("truncated document: unclosed elements".into());
                    }
                    if !self.root_closed {
                        return Err("empty document".into());
                    }
                    return Ok(None);
                }
            };
            if self.depth == 0 {
                if text.trim().is_empty() {
                    continue;
                }
                return Err("text outside the root element".into());
            }
            return Ok(Some(Step::Text(text)));
        }
    }

    fn open(&mut self, name: &[u8], at: usize, empty: bool) -> Result<Option<Step<'a>>, String> {
        if self.root_closed {
            return Err("content after the root element".into());
        }
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(format!("more than {} elements", self.limits.max_elements));
        }
        if self.depth >= self.limits.max_depth {
            return Err(format!("nested deeper than {} elements", self.limits.max_depth));
        }
        // quick-xml is lenient about names; one we could not write back is a malformed document.
        let name = match within(self.src, name) {
            Some(n) if is_xml_name(n) => n,
            _ => return Err(format!("invalid element name {:?}", String::from_utf8_lossy(name))),
        };
        self.depth += 1;
        if empty {
            self.pending_close = Some(self.reader.buffer_position() as usize + self.bom);
        }
        Ok(Some(Step::Open { name, at }))
    }

    fn close(&mut self, end: usize) -> Step<'a> {
        self.depth -= 1;
        if self.depth == 0 {
            self.root_closed = true;
        }
        Step::Close { end }
    }
}

/// `part` (which quick-xml's slice reader hands out as a slice of the source) as a `&str` borrowed from `src`; `None`
/// if it is not a part of `src` that starts and ends on character boundaries.
fn within<'a>(src: &'a str, part: &[u8]) -> Option<&'a str> {
    let offset = (part.as_ptr() as usize).checked_sub(src.as_ptr() as usize)?;
    src.get(offset..offset.checked_add(part.len())?)
}
