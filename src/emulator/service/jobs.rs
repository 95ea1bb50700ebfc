//! The four operations on the job store: create, describe, list and cancel, with the answers the service gives.

use super::query::{bad, param, ApiError, Paging};
use super::{time_text, EmuJob, Service, Timing, BEIJING};
use crate::emulator::http::HttpRequest;
use crate::emulator::EmulatorClock;
use crate::model::JobState;
use crate::timefmt::format_ci;
use crate::xml::{self, escape_text, XmlElement, XmlLimits};
use base64::Engine as _;
use md5::{Digest, Md5};
use std::time::Duration;

impl Service {
    pub(super) fn create(&self, req: &HttpRequest, request_id: &str) -> Result<String, ApiError> {
        let bad = |code: &'static str, m: String| (400, code, m);
        if req.body.is_empty() {
            return Err(bad("MissingContent", "the request body is empty".into()));
        }
        if let Some(md5) = req.header("content-md5") {
            let want = base64::engine::general_purpose::STANDARD.encode(Md5::digest(&req.body));
            if md5 != want {
                return Err(bad("InvalidContent", "Content-MD5 does not match the body".into()));
            }
        }
        let text = std::str::from_utf8(&req.body).map_err(|_| bad("InvalidContent", "the body is not UTF-8".into()))?;
        let doc = xml::parse(text, XmlLimits::default())
            .map_err(|e| bad("InvalidContent", format!("the body is not valid XML: {e}")))?;
        let root = doc.root;
        if root.name != "Request" {
            return Err(bad("InvalidContent", format!("the root element is <{}>, not <Request>", root.name)));
        }
        let name = root.find_text("Name").unwrap_or("").to_string();
        if name.is_empty() || name.chars().count() > 128 {
            return Err(bad("InvalidArgument", "Name is required, at most 128 characters".into()));
        }
        // `Type` is optional on the Workflow page (the Go SDK's example omits it): absent means Workflow.
        let job_type = match root.find_text("Type") {
            None => "Workflow".to_string(),
            Some(t) => t.to_string(),
        };
        let input = root.find("Input").cloned().unwrap_or_default();
        let inputs = input
            .children
            .iter()
            .filter(|c| matches!(c.name.as_str(), "Prefix" | "Manifest" | "UrlFile" | "Object"))
            .count();
        if inputs != 1 {
            return Err(bad(
                "InvalidArgument",
                "Input must hold exactly one of Prefix, Manifest, UrlFile, Object".into(),
            ));
        }
        let operation = root.find("Operation").cloned().unwrap_or_else(|| XmlElement::new("Operation"));
        match job_type.as_str() {
            "Workflow" if operation.find_text("WorkflowIds").is_some_and(|w| !w.is_empty()) => {}
            "Workflow" => {
                return Err(bad("InvalidArgument", "Operation.WorkflowIds is required for Type Workflow".into()))
            }
            "Job" if operation.find_text("Tag").is_some_and(|t| !t.is_empty()) => {}
            "Job" => return Err(bad("InvalidArgument", "Operation.Tag is required for Type Job".into())),
            other => return Err(bad("InvalidArgument", format!("Type {other:?} is not Workflow or Job"))),
        }
        if let Some(level) = operation.find_text("JobLevel") {
            if !matches!(level, "0" | "1" | "2") {
                return Err(bad("InvalidArgument", format!("JobLevel {level:?} is not 0, 1 or 2")));
            }
        }
        let mut store = self.store();
        store.seq += 1;
        let seq = store.seq;
        // `b` + 32 hex digits, like the service's IDs.
        let digest = sha1::Sha1::digest(format!("{seq}/{:?}/{}", std::time::SystemTime::now(), std::process::id()));
        let id: String =
            std::iter::once('b'.to_string()).chain(digest[..16].iter().map(|b| format!("{b:02x}"))).collect();
        let (now, mode, unix) = self.job_clock();
        let job = EmuJob {
            id: id.clone(),
            name,
            job_type,
            input,
            operation,
            created_unix: unix,
            created_at: now,
            seq,
            fail_with: None,
            forced: None,
            describes: 0,
            units: Vec::new(),
        };
        let units = self.objects.fan_out(&job.id, &job.job_type, &job.input, &job.operation);
        let job = EmuJob { units, ..job };
        let timing = self.timing.lock().unwrap_or_else(|e| e.into_inner());
        let mut body = format!("<Response><RequestId>{request_id}</RequestId>");
        write_created_job(&mut body, &job, &timing, now, mode);
        body.push_str("</Response>");
        let i = store.jobs.len();
        store.index.insert(id, i);
        store.jobs.push(job);
        Ok(body)
    }

    pub(super) fn describe(&self, ids: &str, request_id: &str) -> Result<String, ApiError> {
        let ids: Vec<&str> = if self.switches.joined_describe_unknown() {
            vec![ids]
        } else {
            ids.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
        };
        if ids.is_empty() {
            return Err((400, "InvalidArgument", "no job ID given".into()));
        }
        let mut store = self.store();
        let timing = self.timing.lock().unwrap_or_else(|e| e.into_inner());
        let (now, mode, _) = self.job_clock();
        let mut body = format!("<Response><RequestId>{request_id}</RequestId>");
        let mut missing = Vec::new();
        for id in ids {
            match store.index.get(id) {
                Some(&i) => {
                    let job = &mut store.jobs[i];
                    write_job(&mut body, job, &timing, now, mode);
                    // Answered first, then moved on: the first describe after create still says Submitted.
                    job.describes = job.describes.saturating_add(1);
                }
                None => missing.push(id),
            }
        }
        for id in missing {
            body.push_str("<NonExistJobIds>");
            body.push_str(&escape_text(id));
            body.push_str("</NonExistJobIds>");
        }
        body.push_str("</Response>");
        Ok(body)
    }

    pub(super) fn list(&self, req: &HttpRequest, request_id: &str) -> Result<String, ApiError> {
        // Empty values (as the Python SDK sends for unused filters) mean "not set".
        let param = |n: &str| param(req, n);
        let Paging { size, ascending, states, from, to, offset } = Paging::read(req)?;
        let job_type = match param("type") {
            None => self.switches.list_type_default(),
            Some(t @ ("Workflow" | "Job")) => Some(t),
            Some(t) => return Err(bad(format!("type {t:?} is not Workflow or Job"))),
        };
        let (workflow_id, job_id, name) = (param("workflowId"), param("jobId"), param("name"));

        let store = self.store();
        let timing = self.timing.lock().unwrap_or_else(|e| e.into_inner());
        let (now, mode, _) = self.job_clock();
        let mut matching: Vec<&EmuJob> = store
            .jobs
            .iter()
            .filter(|j| job_type.is_none_or(|t| j.job_type == t))
            .filter(|j| from.is_none_or(|f| j.created_unix >= f) && to.is_none_or(|t| j.created_unix <= t))
            .filter(|j| workflow_id.is_none_or(|w| names_workflow(&j.operation, w)))
            .filter(|j| job_id.is_none_or(|id| j.id == id))
            .filter(|j| name.is_none_or(|n| j.name == n))
            .filter(|j| states.as_ref().is_none_or(|s| s.contains(&j.status(now, &timing, mode).state)))
            .collect();
        matching.sort_by_key(|j| (j.created_unix, j.seq));
        if !ascending {
            matching.reverse();
        }
        let mut body = format!("<Response><RequestId>{request_id}</RequestId>");
        for j in matching.iter().skip(offset).take(size) {
            write_job(&mut body, j, &timing, now, mode);
        }
        body.push_str("<NextToken>");
        if offset + size < matching.len() {
            body.push_str(&(offset + size).to_string());
        } else if self.switches.repeat_last_token() {
            body.push_str(&escape_text(param("nextToken").unwrap_or("")));
        }
        body.push_str("</NextToken></Response>");
        Ok(body)
    }

    pub(super) fn cancel(&self, id: &str, _request_id: &str) -> Result<String, ApiError> {
        let mut store = self.store();
        let timing = self.timing.lock().unwrap_or_else(|e| e.into_inner());
        let Some(&i) = store.index.get(id) else {
            return Err((400, "ResourceNotFound", format!("job {id} does not exist")));
        };
        let (now, mode, unix) = self.job_clock();
        let job = &mut store.jobs[i];
        let state = job.status(now, &timing, mode).state;
        if state.is_terminal() {
            return Err((400, "InvalidArgument", format!("job {id} is already {state} and cannot be cancelled")));
        }
        job.forced = Some((JobState::Cancel, now, unix));
        Ok(String::new())
    }
}

/// `WorkflowIds` may name several workflows, comma-separated; `workflowId` matches any of them.
fn names_workflow(operation: &XmlElement, wanted: &str) -> bool {
    operation.find_text("WorkflowIds").is_some_and(|ids| ids.split(',').any(|id| id.trim() == wanted))
}

/// A create's answer: as a describe's, but without `Type` (the service's create answer has none).
fn write_created_job(out: &mut String, j: &EmuJob, timing: &Timing, now: Duration, mode: EmulatorClock) {
    let start = out.len();
    write_job(out, j, timing, now, mode);
    let typed = format!("<Type>{}</Type>", escape_text(&j.job_type));
    if let Some(at) = out[start..].find(&typed) {
        out.replace_range(start + at..start + at + typed.len(), "");
    }
}

fn write_job(out: &mut String, j: &EmuJob, timing: &Timing, now: Duration, mode: EmulatorClock) {
    let st = j.status(now, timing, mode);
    let (code, message) = match (&st.state, &j.fail_with) {
        (JobState::Failed, Some((c, m))) => (c.as_str(), m.as_str()),
        (JobState::Failed, None) => ("InternalError", "the job failed"),
        _ => ("Success", ""),
    };
    out.push_str("<JobsDetail><Code>");
    out.push_str(&escape_text(code));
    out.push_str("</Code><Type>");
    out.push_str(&escape_text(&j.job_type));
    out.push_str("</Type>");
    if message.is_empty() {
        out.push_str("<Message/>");
    } else {
        out.push_str("<Message>");
        out.push_str(&escape_text(message));
        out.push_str("</Message>");
    }
    out.push_str("<Name>");
    out.push_str(&escape_text(&j.name));
    out.push_str("</Name><JobId>");
    out.push_str(&j.id);
    out.push_str("</JobId><State>");
    out.push_str(st.state.as_str());
    out.push_str("</State><CreationTime>");
    out.push_str(&format_ci(j.created_unix, BEIJING));
    out.push_str("</CreationTime><StartTime>");
    out.push_str(&time_text(st.start));
    out.push_str("</StartTime><EndTime>");
    out.push_str(&time_text(st.end));
    out.push_str("</EndTime>");
    j.input.write_xml(out);
    j.operation.write_xml(out);
    out.push_str("</JobsDetail>");
}
