//! Reading the service's answers: job lists (create, describe, list) and error bodies.

use crate::model::Job;
use crate::xml::{self, XmlLimits};

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

/// Parses a `<Response>` body. Unknown elements anywhere are ignored (and stay in each job's raw XML). Each
/// `JobsDetail` becomes a [`Job`] as soon as it is read, so that only one job's element tree exists at a time, and
/// an answer holding more jobs or missing IDs than `expected` is refused as soon as the excess is seen.
pub(crate) fn parse_jobs_response(body: &str, limits: XmlLimits, expected: Expected) -> Result<JobsResponse, String> {
    let mut out = JobsResponse::default();
    let mut seen_request_id = false;
    let root = xml::parse_each(body, limits, |root, mut child, span| {
        if root != "Response" {
            return Err(format!("expected a <Response> root, found <{root}>"));
        }
        match child.name.as_str() {
            "JobsDetail" => {
                if out.jobs.len() >= expected.jobs {
                    return Err(format!("more than {} JobsDetail, more than the request can return", expected.jobs));
                }
                out.jobs.push(Job::from_element(child, &body[span]));
            }
            // The Go SDK reads the singular form; accept both.
            "NonExistJobIds" | "NonExistJobId" => {
                let ids = child.text.split(',').map(str::trim).filter(|s| !s.is_empty());
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
                seen_request_id = true;
                // Quoted in errors and logs: escaped like everything they print.
                out.request_id = crate::error::printable_owned(trim_owned(std::mem::take(&mut child.text)));
            }
            "NextToken" => {
                let t = child.text.trim();
                if !t.is_empty() {
                    out.next_token = Some(t.to_string());
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    if root.name != "Response" {
        return Err(format!("expected a <Response> root, found <{}>", root.name));
    }
    Ok(out)
}

fn trim_owned(s: String) -> String {
    if s.trim().len() == s.len() {
        s
    } else {
        s.trim().to_string()
    }
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
