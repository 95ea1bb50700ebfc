//! Reading the service's answers: job lists (create, describe, list) and error bodies.

use crate::model::{own_text, read_job, Job};
use crate::xml::{self, Scanner, Step, XmlLimits};

/// A parsed `<Response>` carrying jobs: what create, describe and list all return.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobsResponse {
    pub request_id: String,
    pub jobs: Vec<Job>,
    /// IDs named by `NonExistJobIds` (one element per ID, or comma-separated, or both).
    pub non_exist_job_ids: Vec<String>,
    /// `None` when `NextToken` is absent or empty.
    pub next_token: Option<String>,
}

/// The most jobs and missing IDs an answer may hold; an answer holding more is refused before it is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Expected {
    /// `JobsDetail` elements.
    pub(crate) jobs: usize,
    /// IDs in `NonExistJobIds`.
    pub(crate) missing: usize,
}

impl Expected {
    /// No bound beyond the XML limits (for bodies obtained elsewhere).
    pub(crate) const ANY: Expected = Expected { jobs: usize::MAX, missing: usize::MAX };
}

/// The children of a `<Response>` body's root, one after another, for the parsers that read answers straight from
/// their bytes. The root's name is checked once each child has been read, and at the end: a body that is not XML at
/// all says so before it says that its root is wrong.
pub(crate) struct ResponseChildren<'a> {
    pub(crate) scan: Scanner<'a>,
    root: &'a str,
}

impl<'a> ResponseChildren<'a> {
    pub(crate) fn new(body: &'a str, limits: XmlLimits) -> Result<Self, String> {
        Ok(ResponseChildren { scan: Scanner::new(body, limits)?, root: "" })
    }

    /// The next child's name and the offset of its `<`, the scanner just inside it; `None` at the end of a body
    /// whose root is `<Response>`. The caller reads the child to its end, then calls [`Self::check_root`] (or uses
    /// [`Self::text`] or [`Self::skip`], which do both).
    pub(crate) fn next(&mut self) -> Result<Option<(&'a str, usize)>, String> {
        while let Some(step) = self.scan.next()? {
            match step {
                Step::Open { name, .. } if self.scan.depth() == 1 => self.root = name,
                Step::Open { name, at } => return Ok(Some((name, at))),
                Step::Text(_) | Step::Close { .. } => {}
            }
        }
        self.check_root()?;
        Ok(None)
    }

    pub(crate) fn check_root(&self) -> Result<(), String> {
        match self.root {
            "Response" => Ok(()),
            root => Err(format!("expected a <Response> root, found <{root}>")),
        }
    }

    /// The text of the child just opened, read to its end.
    pub(crate) fn text(&mut self) -> Result<std::borrow::Cow<'a, str>, String> {
        let text = own_text(&mut self.scan)?;
        self.check_root()?;
        Ok(text)
    }

    /// Passes over the child just opened.
    pub(crate) fn skip(&mut self) -> Result<(), String> {
        self.scan.skip_to_close(2)?;
        self.check_root()
    }
}

/// A `RequestId`'s text as kept: trimmed, and escaped (errors and logs quote it) like everything they print.
pub(crate) fn request_id_of(text: &str) -> String {
    crate::error::printable(text.trim()).into_owned()
}

/// A `NextToken`'s text as kept: trimmed; `None` when empty.
pub(crate) fn next_token_of(text: &str) -> Option<String> {
    Some(text.trim()).filter(|t| !t.is_empty()).map(str::to_string)
}

/// Parses a `<Response>` body straight from its bytes. Unknown elements anywhere are skipped (and stay in each job's
/// raw XML). Each `JobsDetail` is read into a [`Job`] as it goes, and an answer holding more jobs or missing IDs than
/// `expected` is refused as soon as the excess is read (an excess job is checked, never built).
pub(crate) fn parse_jobs_response(body: &str, limits: XmlLimits, expected: Expected) -> Result<JobsResponse, String> {
    let mut children = ResponseChildren::new(body, limits)?;
    let mut out = JobsResponse::default();
    let mut seen_request_id = false;
    while let Some((name, at)) = children.next()? {
        match name {
            "JobsDetail" if out.jobs.len() >= expected.jobs => {
                children.skip()?;
                return Err(format!("more than {} JobsDetail, more than the request can return", expected.jobs));
            }
            "JobsDetail" => {
                let job = read_job(&mut children.scan, body, at)?;
                children.check_root()?;
                if out.jobs.is_empty() {
                    // Room for as many more jobs as the rest of the body holds if they are the size of the first
                    // (at most what the request can return, and 1,000), rather than growing and copying.
                    let more = body.len().saturating_sub(at + job.raw_xml.len()) / job.raw_xml.len().max(1);
                    out.jobs.reserve_exact(1 + more.min(expected.jobs - 1).min(1000));
                }
                out.jobs.push(job);
            }
            // The Go SDK reads the singular form; accept both.
            "NonExistJobIds" | "NonExistJobId" => {
                let text = children.text()?;
                let ids = text.split(',').map(str::trim).filter(|s| !s.is_empty());
                // Counted before any is copied: a body of "a,a,a,..." must not become millions of strings.
                if ids.clone().count() > expected.missing - out.non_exist_job_ids.len() {
                    return Err(format!(
                        "more than {} IDs in NonExistJobIds, more than the request asked for",
                        expected.missing
                    ));
                }
                out.non_exist_job_ids.extend(ids.map(str::to_string));
            }
            "RequestId" if !seen_request_id => {
                out.request_id = request_id_of(&children.text()?);
                seen_request_id = true;
            }
            "NextToken" => {
                if let Some(token) = next_token_of(&children.text()?) {
                    out.next_token = Some(token);
                }
            }
            _ => children.skip()?,
        }
    }
    Ok(out)
}

/// What an error answer's body said. Fields are empty when the body did not carry them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    pub request_id: String,
    pub trace_id: String,
}

/// Reads an `<Error>` body, or a `<Response>` carrying `Code`/`Message` as some CI APIs send.
/// `None` when the body is empty, not XML, or neither shape.
pub fn parse_error_body(body: &str) -> Option<ErrorBody> {
    if body.trim().is_empty() {
        return None;
    }
    let doc = xml::parse(body, XmlLimits { max_depth: 8, max_elements: 1000 }).ok()?;
    if doc.root.name != "Error" && doc.root.name != "Response" {
        return None;
    }
    let get = |n: &str| doc.root.find_text(n).unwrap_or("").to_string();
    let e = ErrorBody {
        code: get("Code"),
        message: get("Message"),
        request_id: get("RequestId"),
        trace_id: get("TraceId"),
    };
    if e.code.is_empty() && e.message.is_empty() {
        return None;
    }
    Some(e)
}
