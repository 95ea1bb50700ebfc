//! Reading a page of per-object results straight from the checked event stream ([`crate::xml::Scanner`]): each item
//! (`<WorkflowExecutionList>` or `<JobsDetail>`) into an [`ObjectResult`] field by field, with no element tree; the
//! item's raw XML is its span of the body.

use super::{ObjectResult, ResultPage, MAX_RESULTS_PER_PAGE};
use crate::model::{own_text, JobState};
use crate::response::{next_token_of, request_id_of, ResponseChildren};
use crate::xml::{Scanner, Step, XmlLimits};

/// Parses a `/workflowexecution` (`workflow`) or `/jobs` answer. Unknown elements are skipped (and stay in each
/// item's raw XML); more than [`MAX_RESULTS_PER_PAGE`] items are refused as soon as the excess is read (it is checked,
/// never built).
pub(crate) fn parse_results_page(
    body: &str,
    limits: XmlLimits,
    workflow: bool,
) -> std::result::Result<ResultPage, String> {
    let item = if workflow { "WorkflowExecutionList" } else { "JobsDetail" };
    let mut page = ResultPage::default();
    let mut children = ResponseChildren::new(body, limits)?;
    while let Some((name, at)) = children.next()? {
        match name {
            "RequestId" => page.request_id = request_id_of(&children.text()?),
            "NextToken" => {
                if let Some(token) = next_token_of(&children.text()?) {
                    page.next_token = Some(token);
                }
            }
            n if n == item && page.results.len() == MAX_RESULTS_PER_PAGE => {
                children.skip()?;
                return Err(format!("more than {MAX_RESULTS_PER_PAGE} <{item}> items in one page"));
            }
            n if n == item => {
                let result = read_result(&mut children.scan, body, at, workflow)?;
                children.check_root()?;
                if page.results.is_empty() {
                    page.results.reserve_exact(MAX_RESULTS_PER_PAGE.min(body.len() / result.raw_xml.len().max(1)));
                }
                page.results.push(result);
            }
            _ => children.skip()?,
        }
    }
    Ok(page)
}

/// Reads the rest of the item the scanner has just opened (its `<` at `at` in `src`), up to its end tag. Of repeated
/// elements the first (non-empty, for the optional ones) counts; each element's own text counts, trimmed.
fn read_result<'a>(scan: &mut Scanner<'a>, src: &'a str, at: usize, workflow: bool) -> Result<ObjectResult, String> {
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
        raw_xml: String::new(),
    };
    let mut seen_state = false;
    let depth = scan.depth();
    loop {
        let name = match scan.next()?.ok_or("truncated document: unclosed elements")? {
            Step::Open { name, .. } => name,
            Step::Text(_) => continue,
            Step::Close { end } => {
                r.raw_xml = src[at..end].to_string();
                return Ok(r);
            }
        };
        match name {
            "RunId" if workflow => first_str(&mut r.unit_id, own_text(scan)?.trim()),
            "JobId" if !workflow => first_str(&mut r.unit_id, own_text(scan)?.trim()),
            "WorkflowId" => first(&mut r.workflow_id, own_text(scan)?.trim()),
            "Tag" => first(&mut r.tag, own_text(scan)?.trim()),
            "Object" => first_str(&mut r.object, own_text(scan)?.trim()),
            "State" if !seen_state => (seen_state, r.state) = (true, JobState::parse(&own_text(scan)?)),
            "Code" => first_str(&mut r.code, own_text(scan)?.trim()),
            "Message" => first_str(&mut r.message, own_text(scan)?.trim()),
            "Progress" => first(&mut r.progress, own_text(scan)?.trim()),
            "CreateTime" | "CreationTime" => first_time(&mut r.creation_time, own_text(scan)?.trim()),
            "StartTime" => first_time(&mut r.start_time, own_text(scan)?.trim()),
            "EndTime" => first_time(&mut r.end_time, own_text(scan)?.trim()),
            "Input" if r.object.is_empty() => {
                // The input's first `Object`, even when empty.
                let d = scan.depth();
                let mut object = None;
                loop {
                    match scan.next()?.ok_or("truncated document: unclosed elements")? {
                        Step::Open { name: "Object", .. } if object.is_none() => object = Some(own_text(scan)?),
                        Step::Open { .. } => scan.skip_to_close(d + 1)?,
                        Step::Text(_) => {}
                        Step::Close { .. } => break,
                    }
                }
                if let Some(o) = object {
                    r.object = o.trim().to_string();
                }
            }
            _ => scan.skip_to_close(depth + 1)?,
        }
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
