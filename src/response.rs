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

/// Parses a `<Response>` body. Unknown elements anywhere are ignored (and stay in each job's raw XML).
pub fn parse_jobs_response(body: &str, limits: XmlLimits) -> Result<JobsResponse, String> {
    let doc = xml::parse(body, limits)?;
    if doc.root.name != "Response" {
        return Err(format!("expected a <Response> root, found <{}>", doc.root.name));
    }
    let mut out =
        JobsResponse { request_id: doc.root.find_text("RequestId").unwrap_or("").to_string(), ..Default::default() };
    for (child, span) in doc.root.children.into_iter().zip(&doc.child_spans) {
        match child.name.as_str() {
            "JobsDetail" => out.jobs.push(Job::from_element(child, &body[span.clone()])),
            // The Go SDK reads the singular form; accept both.
            "NonExistJobIds" | "NonExistJobId" => out
                .non_exist_job_ids
                .extend(child.text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)),
            "NextToken" => {
                let t = child.text.trim();
                if !t.is_empty() {
                    out.next_token = Some(t.to_string());
                }
            }
            _ => {}
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
