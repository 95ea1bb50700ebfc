//! The parser of per-object results as it was before it read straight from the bytes ([`super::parse`]): each item
//! built from the element tree. Kept for the tests only, as the reference the streaming parser must agree with.

use super::*;
use crate::xml::XmlElement;

impl ObjectResult {
    fn from_element(mut e: XmlElement, raw_xml: &str, workflow: bool) -> ObjectResult {
        let mut r = ObjectResult {
            object: String::new(),
            state: JobState::Other(String::new()),
            code: String::new(),
            message: String::new(),
            unit_id: String::new(),
            workflow_id: None,
            tag: None,
            creation_time: None,
            start_time: None,
            end_time: None,
            progress: None,
            raw_xml: raw_xml.to_string(),
        };
        let mut seen_state = false;
        for c in std::mem::take(&mut e.children) {
            let text = c.text.trim();
            match c.name.as_str() {
                "RunId" if workflow => first_str(&mut r.unit_id, text),
                "JobId" if !workflow => first_str(&mut r.unit_id, text),
                "WorkflowId" => first(&mut r.workflow_id, text),
                "Tag" => first(&mut r.tag, text),
                "Object" => first_str(&mut r.object, text),
                "State" if !seen_state => (seen_state, r.state) = (true, JobState::parse(text)),
                "Code" => first_str(&mut r.code, text),
                "Message" => first_str(&mut r.message, text),
                "Progress" => first(&mut r.progress, text),
                "CreateTime" | "CreationTime" => first_time(&mut r.creation_time, text),
                "StartTime" => first_time(&mut r.start_time, text),
                "EndTime" => first_time(&mut r.end_time, text),
                "Input" if r.object.is_empty() => {
                    if let Some(o) = c.find_text("Object") {
                        r.object = o.trim().to_string();
                    }
                }
                _ => {}
            }
        }
        r
    }
}

fn first_str(slot: &mut String, text: &str) {
    if slot.is_empty() {
        *slot = text.to_string();
    }
}

fn first(slot: &mut Option<String>, text: &str) {
    if slot.is_none() && !text.is_empty() {
        *slot = Some(text.to_string());
    }
}

fn first_time(slot: &mut Option<String>, text: &str) {
    if slot.is_none() && !text.is_empty() && text != "-" {
        *slot = Some(crate::timefmt::normalize_ci(text).unwrap_or_else(|| text.to_string()));
    }
}

/// Parses a `/workflowexecution` (`workflow`) or `/jobs` answer. Unknown elements are ignored (and stay in each
/// item's raw XML); more than [`MAX_RESULTS_PER_PAGE`] items are refused.
fn parse_by_tree(body: &str, limits: XmlLimits, workflow: bool) -> std::result::Result<ResultPage, String> {
    let item = if workflow { "WorkflowExecutionList" } else { "JobsDetail" };
    let mut page = ResultPage::default();
    // Each item becomes a result as soon as it is read: one item's tree exists at a time, and a page holding more
    // than a page can is refused as soon as the excess is seen.
    let root = crate::xml::parse_each(body, limits, |root, mut child, span| {
        if root != "Response" {
            return Err(format!("expected a <Response> root, found <{root}>"));
        }
        match child.name.as_str() {
            "RequestId" => {
                page.request_id = crate::error::printable_owned(std::mem::take(&mut child.text).trim().to_string())
            }
            "NextToken" => {
                let t = child.text.trim();
                if !t.is_empty() {
                    page.next_token = Some(t.to_string());
                }
            }
            n if n == item => {
                if page.results.len() == MAX_RESULTS_PER_PAGE {
                    return Err(format!("more than {MAX_RESULTS_PER_PAGE} <{item}> items in one page"));
                }
                page.results.push(ObjectResult::from_element(child, &body[span], workflow));
            }
            _ => {}
        }
        Ok(())
    })?;
    if root.name != "Response" {
        return Err(format!("expected a <Response> root, found <{}>", root.name));
    }
    Ok(page)
}

mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAMES: &[&str] = &[
        "Response",
        "JobsDetail",
        "WorkflowExecutionList",
        "RunId",
        "JobId",
        "WorkflowId",
        "Tag",
        "Object",
        "State",
        "Code",
        "Message",
        "Progress",
        "CreateTime",
        "CreationTime",
        "StartTime",
        "EndTime",
        "Input",
        "RequestId",
        "NextToken",
        "X",
    ];
    const TEXTS: &[&str] = &[
        "",
        " a ",
        "Failed",
        "Success",
        "-",
        "x&amp;y",
        "2022-06-27T15:23:10+08:00",
        " 2022-06-27T15:23:10+0800 ",
        "2022-06-27T07:23:10Z",
        "<![CDATA[c<d]]>",
        "\n ",
        "r1",
        "é",
    ];

    #[derive(Debug, Clone)]
    enum Node {
        Text(usize),
        Element(usize, Vec<Node>),
    }

    fn write(n: &Node, out: &mut String) {
        match n {
            Node::Text(t) => out.push_str(TEXTS[*t]),
            Node::Element(name, children) => {
                let name = NAMES[*name];
                out.push_str(&format!("<{name}>"));
                for c in children {
                    write(c, out);
                }
                out.push_str(&format!("</{name}>"));
            }
        }
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = (0..TEXTS.len()).prop_map(Node::Text);
        leaf.prop_recursive(4, 60, 6, |inner| {
            (0..NAMES.len(), prop::collection::vec(inner, 0..6)).prop_map(|(n, c)| Node::Element(n, c))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
        /// The streaming parser and the tree it replaced agree on every page: the same results (every field and the
        /// raw XML), or the same error.
        #[test]
        fn streaming_results_parser_agrees_with_the_tree(
            items in prop::collection::vec((node(), any::<bool>()), 0..6),
            workflow in any::<bool>(),
            error_root in any::<bool>(),
            cut in any::<u16>(),
        ) {
            let root = if error_root { "Error" } else { "Response" };
            let mut doc = format!("<{root}>");
            for (n, as_item) in &items {
                let n = match n {
                    Node::Element(_, kids) if *as_item => Node::Element(if workflow { 2 } else { 1 }, kids.clone()),
                    n => n.clone(),
                };
                write(&n, &mut doc);
            }
            doc.push_str(&format!("</{root}>"));
            if cut % 5 == 0 {
                let at = cut as usize % (doc.len() + 1);
                if doc.is_char_boundary(at) {
                    doc.truncate(at);
                }
            }
            let limits = XmlLimits { max_depth: 6, max_elements: 80 };
            prop_assert_eq!(parse_results_page(&doc, limits, workflow), parse_by_tree(&doc, limits, workflow), "{}", doc);
        }
    }

    #[test]
    fn agrees_on_a_full_page_and_on_too_many_items() {
        let item = "<JobsDetail><JobId>j</JobId><Input><Object/><Object>o</Object></Input><Object>p</Object><State>Failed</State><Code>E</Code><CreationTime>2022-06-27T15:23:10+08:00</CreationTime></JobsDetail>";
        for n in [1, 100, 101] {
            let doc =
                format!("<Response><RequestId> r </RequestId>{}<NextToken>7</NextToken></Response>", item.repeat(n));
            let limits = XmlLimits::default();
            assert_eq!(parse_results_page(&doc, limits, false), parse_by_tree(&doc, limits, false), "{n} items");
        }
    }
}
