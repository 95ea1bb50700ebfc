//! Batch jobs run for real: the emulator's objects (keys), the outcome each object's unit will have, the fan-out of
//! a batch job into units (one workflow execution per object per workflow ID, or one media job per object), and the
//! two APIs that list them (`/workflowexecution`, `/jobs`).
//!
//! A batch job's units appear when it starts running and run while it runs; they end when its fan-out ends (the
//! batch job's own end, on the emulator's clock): `Failed` for objects matching a failure rule, `Success` for the
//! rest. The batch job then ends `Success` even when units failed, as the service does. A cancelled batch job's
//! units end `Cancel`; a batch job failed by the test API fails its units with its code.

use super::query::{bad, param, ApiError, Paging};
use super::{EmuJob, HttpRequest, Service, Status, BEIJING};
use crate::model::JobState;
use crate::timefmt::format_ci;
use crate::xml::escape_text;
use std::sync::Mutex;

/// A rule: objects whose key matches `pattern` (`*` matches any run of characters) fail with this code and message.
#[derive(Debug, Clone)]
struct FailRule {
    pattern: String,
    code: String,
    message: String,
}

/// The emulated bucket's objects and how their units end.
#[derive(Debug, Default)]
pub(crate) struct Objects {
    inner: Mutex<ObjectsInner>,
}

#[derive(Debug, Default)]
struct ObjectsInner {
    keys: std::collections::BTreeSet<String>,
    rules: Vec<FailRule>,
}

/// One unit of a batch job's fan-out.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    id: String,
    key: String,
    workflow_id: Option<String>,
    tag: Option<String>,
    fail: Option<(String, String)>,
}

/// `*` matches any run of characters (none included); everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(at) => rest = &rest[at + mid.len()..],
            None => return false,
        }
    }
    true
}

impl Objects {
    fn lock(&self) -> std::sync::MutexGuard<'_, ObjectsInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn add(&self, keys: impl IntoIterator<Item = String>) {
        self.lock().keys.extend(keys);
    }

    pub(crate) fn count(&self) -> usize {
        self.lock().keys.len()
    }

    pub(crate) fn fail(&self, pattern: &str, code: &str, message: &str) {
        self.lock().rules.push(FailRule { pattern: pattern.into(), code: code.into(), message: message.into() });
    }

    /// The units a new batch job fans out into: for each input object (under `Prefix`, or the one `Object`), one
    /// per workflow ID (`Workflow`) or one for the tag (`Job`). IDs sort in creation order.
    pub(crate) fn fan_out(
        &self,
        job_id: &str,
        job_type: &str,
        input: &crate::xml::XmlElement,
        operation: &crate::xml::XmlElement,
    ) -> Vec<Unit> {
        let inner = self.lock();
        let keys: Vec<String> = if let Some(prefix) = input.find_text("Prefix") {
            inner.keys.iter().filter(|k| k.starts_with(prefix)).cloned().collect()
        } else if let Some(object) = input.find_text("Object") {
            vec![object.to_string()]
        } else {
            Vec::new()
        };
        let sources: Vec<(Option<String>, Option<String>)> = if job_type == "Job" {
            vec![(None, operation.find_text("Tag").map(str::to_string))]
        } else {
            operation
                .find_text("WorkflowIds")
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(|w| (Some(w.to_string()), None))
                .collect()
        };
        let stem = job_id.get(1..25).unwrap_or(job_id);
        let mut units = Vec::new();
        for (s, (workflow_id, tag)) in sources.iter().enumerate() {
            for key in &keys {
                let n = units.len();
                let fail =
                    inner.rules.iter().find(|r| glob(&r.pattern, key)).map(|r| (r.code.clone(), r.message.clone()));
                let prefix = if tag.is_some() { 'j' } else { 'i' };
                units.push(Unit {
                    id: format!("{prefix}{stem}{s:02x}{n:06x}"),
                    key: key.clone(),
                    workflow_id: workflow_id.clone(),
                    tag: tag.clone(),
                    fail,
                });
            }
        }
        units
    }
}

/// A unit's state and times, from its batch job's; `None` while the batch job has not started running.
fn unit_status(job: &EmuJob, st: &Status, unit: &Unit) -> Option<(JobState, i64, Option<i64>, String, String)> {
    let start = st.start?;
    let ok = || ("Success".to_string(), String::new());
    let (state, code, message) = match &st.state {
        JobState::Success => match &unit.fail {
            Some((c, m)) => (JobState::Failed, c.clone(), m.clone()),
            None => (JobState::Success, ok().0, ok().1),
        },
        JobState::Failed => {
            let (c, m) = job.fail_with.clone().unwrap_or_else(|| ("InternalError".into(), "the job failed".into()));
            (JobState::Failed, c, m)
        }
        JobState::Cancel => (JobState::Cancel, ok().0, ok().1),
        _ => (JobState::Running, ok().0, ok().1),
    };
    let end = state.is_terminal().then_some(st.end.unwrap_or(start));
    Some((state, start, end, code, message))
}

/// `+08:00`, as `/workflowexecution` answers are seen to write times (the `/jobs` answers use `+0800`).
fn colon_zone(unix: i64) -> String {
    let mut s = format_ci(unix, BEIJING);
    s.insert(s.len() - 2, ':');
    s
}

impl Service {
    /// `GET /workflowexecution` (`workflow`) or `GET /jobs`: the units of batch jobs, with paging and filters.
    pub(super) fn units(&self, req: &HttpRequest, request_id: &str, workflow: bool) -> Result<String, ApiError> {
        let param = |n: &str| param(req, n);
        let (source_param, job_param, object_param) =
            if workflow { ("workflowId", "jobId", "name") } else { ("tag", "inventoryTriggerJobId", "inputObject") };
        let source = param(source_param).ok_or_else(|| bad(format!("{source_param} is required")))?;
        let Paging { size, ascending, states, from, to, offset } = Paging::read(req)?;
        let (batch_id, object) = (param(job_param), param(object_param));

        let store = self.store();
        let timing = self.timing.lock().unwrap_or_else(|e| e.into_inner());
        let mut items: Vec<(i64, &str, String)> = Vec::new();
        for job in store.jobs.iter().filter(|j| batch_id.is_none_or(|id| j.id == id)) {
            let st = self.status_of(job, &timing);
            for unit in &job.units {
                let matches_source = if workflow {
                    unit.workflow_id.as_deref() == Some(source)
                } else {
                    unit.tag.as_deref() == Some(source)
                };
                if !matches_source || object.is_some_and(|o| unit.key != o) {
                    continue;
                }
                let Some((state, start, end, code, message)) = unit_status(job, &st, unit) else { continue };
                if states.as_ref().is_some_and(|s| !s.contains(&state))
                    || from.is_some_and(|f| start < f)
                    || to.is_some_and(|t| start > t)
                {
                    continue;
                }
                let mut out = String::new();
                if workflow {
                    out.push_str("<WorkflowExecutionList><RunId>");
                    out.push_str(&unit.id);
                    out.push_str("</RunId><WorkflowId>");
                    out.push_str(&escape_text(source));
                    out.push_str("</WorkflowId><State>");
                    out.push_str(state.as_str());
                    out.push_str("</State><CreateTime>");
                    out.push_str(&colon_zone(start));
                    out.push_str("</CreateTime><Object>");
                    out.push_str(&escape_text(&unit.key));
                    out.push_str("</Object></WorkflowExecutionList>");
                } else {
                    out.push_str("<JobsDetail><Code>");
                    out.push_str(&escape_text(&code));
                    out.push_str("</Code>");
                    if message.is_empty() {
                        out.push_str("<Message/>");
                    } else {
                        out.push_str("<Message>");
                        out.push_str(&escape_text(&message));
                        out.push_str("</Message>");
                    }
                    out.push_str("<JobId>");
                    out.push_str(&unit.id);
                    out.push_str("</JobId><Tag>");
                    out.push_str(&escape_text(source));
                    out.push_str("</Tag><Progress>");
                    out.push_str(if state.is_terminal() { "100" } else { "50" });
                    out.push_str("</Progress><State>");
                    out.push_str(state.as_str());
                    out.push_str("</State><CreationTime>");
                    out.push_str(&format_ci(start, BEIJING));
                    out.push_str("</CreationTime><StartTime>");
                    out.push_str(&format_ci(start, BEIJING));
                    out.push_str("</StartTime><EndTime>");
                    out.push_str(&end.map(|e| format_ci(e, BEIJING)).unwrap_or_else(|| "-".into()));
                    out.push_str("</EndTime><Input><Object>");
                    out.push_str(&escape_text(&unit.key));
                    out.push_str("</Object></Input>");
                    job.operation.write_xml(&mut out);
                    out.push_str("</JobsDetail>");
                }
                items.push((start, &unit.id, out));
            }
        }
        items.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        if !ascending {
            items.reverse();
        }
        let mut body = format!("<Response><RequestId>{request_id}</RequestId>");
        for (_, _, item) in items.iter().skip(offset).take(size) {
            body.push_str(item);
        }
        body.push_str("<NextToken>");
        if offset + size < items.len() {
            body.push_str(&(offset + size).to_string());
        }
        body.push_str("</NextToken></Response>");
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("in/*bad*", "in/a-bad-1.mp4"));
        assert!(glob("*.mov", "in/x.mov"));
        assert!(!glob("*.mov", "in/x.mp4"));
        assert!(glob("in/x", "in/x"));
        assert!(!glob("in/*x*y", "in/yx"));
        assert!(glob("*", ""));
    }
}
