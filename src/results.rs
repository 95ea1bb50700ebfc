//! Per-object results of a batch job: what each unit of its fan-out (a workflow execution or a media job) did, and
//! a report over all of them. The walk itself is in `client/results.rs`.

use crate::error::{Error, Result};
use crate::model::{Job, JobState, JobType, Order};
use crate::validate;
#[cfg(test)]
use crate::xml::XmlLimits;
use std::collections::BTreeMap;

mod parse;
#[cfg(test)]
mod tree;

pub(crate) use parse::parse_results_page;

/// At most this many items are read from one page (the service's page size is 1..100); more are refused.
pub const MAX_RESULTS_PER_PAGE: usize = 100;

/// Where a batch job's units are listed: the workflow executions of one workflow, or the media jobs of one tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResultSource {
    /// `GET /workflowexecution?workflowId=<id>&jobId=<batch job id>`.
    Workflow(String),
    /// `GET /jobs?tag=<tag>&inventoryTriggerJobId=<batch job id>`.
    Tag(String),
}

/// What one unit of a batch job did with one input object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectResult {
    /// The input object's key (`Object`, or `Input/Object` of a media job).
    pub object: String,
    pub state: JobState,
    /// The media job's `Code` (`Success` unless it failed); empty for a workflow execution, which has none.
    pub code: String,
    pub message: String,
    /// The unit's ID: the workflow execution's `RunId` or the media job's `JobId`.
    pub unit_id: String,
    /// The workflow the execution ran (Workflow batch jobs).
    pub workflow_id: Option<String>,
    /// The media job's tag (Job-type batch jobs).
    pub tag: Option<String>,
    /// Times as the service sent them, in the documented `+hhmm` form when readable (`+08:00` is read too); `None`
    /// while unset (`-` or empty). A workflow execution's `CreateTime` is its creation time.
    pub creation_time: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    /// The media job's `Progress`, when present.
    pub progress: Option<String>,
    /// The item's element (`<WorkflowExecutionList>` or `<JobsDetail>`) exactly as received.
    pub raw_xml: String,
}

impl ObjectResult {
    /// Whether the unit failed.
    pub fn is_failed(&self) -> bool {
        self.state == JobState::Failed
    }

    /// The creation time in Unix seconds, when readable.
    pub fn creation_unix(&self) -> Option<i64> {
        self.creation_time.as_deref().and_then(crate::timefmt::parse_ci)
    }
}

/// One page of object results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultPage {
    pub results: Vec<ObjectResult>,
    /// The token for this source's next page; `None` on its last page.
    pub next_token: Option<String>,
    pub request_id: String,
    /// The workflow ID or tag this page was listed for.
    pub source: Option<ResultSource>,
}

/// Filters and paging of a batch job's object results. Only what is set is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultOptions {
    /// Only units in these states (e.g. `Failed`); empty means all.
    pub states: Vec<JobState>,
    /// Only the unit of this input object key.
    pub object: Option<String>,
    /// Creation time range, `2022-02-25T12:00:00+0800` (`Z` and `+08:00` are read too, sent as `+hhmm`).
    pub start_creation_time: Option<String>,
    pub end_creation_time: Option<String>,
    pub order_by_time: Option<Order>,
    /// Page size, 1 to 100.
    pub size: Option<u32>,
}

impl ResultOptions {
    /// The query for `source` and the batch job `job_id`, checked.
    pub(crate) fn to_query(
        &self,
        source: &ResultSource,
        job_id: &str,
        next_token: Option<&str>,
    ) -> Result<Vec<(&'static str, String)>> {
        let mut q: Vec<(&'static str, String)> = Vec::new();
        match source {
            ResultSource::Workflow(id) => {
                q.push(("workflowId", id.clone()));
                q.push(("jobId", job_id.to_string()));
            }
            ResultSource::Tag(tag) => {
                q.push(("tag", tag.clone()));
                q.push(("inventoryTriggerJobId", job_id.to_string()));
            }
        }
        crate::model::push_shared_filters(
            &mut q,
            self.order_by_time,
            &self.states,
            self.size,
            [&self.start_creation_time, &self.end_creation_time],
        )?;
        if let Some(o) = &self.object {
            validate::xml_text("object", o)?;
            validate::max_len("object", o, 1024)?;
            // The two APIs name the filter differently.
            q.push((if matches!(source, ResultSource::Workflow(_)) { "name" } else { "inputObject" }, o.clone()));
        }
        if let Some(t) = next_token.filter(|t| !t.is_empty()) {
            q.push(("nextToken", t.to_string()));
        }
        Ok(q)
    }

    /// Checks the options without sending anything.
    pub(crate) fn check(&self) -> Result<()> {
        self.to_query(&ResultSource::Tag("t".into()), "b", None).map(drop)
    }
}

/// Where the units of `job` are listed: one source per workflow ID (comma-separated `WorkflowIds`) of a Workflow
/// batch job, or the tag of a Job-type one.
pub fn sources_of(job: &Job) -> Result<Vec<ResultSource>> {
    let workflow_ids = || -> Vec<ResultSource> {
        job.operation
            .workflow_ids
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| ResultSource::Workflow(s.to_string()))
            .collect()
    };
    let tag = job.operation.tag.clone().or_else(|| job.tag.clone()).filter(|t| !t.trim().is_empty());
    let sources = match &job.job_type {
        JobType::Workflow => workflow_ids(),
        JobType::Job => tag.map(|t| vec![ResultSource::Tag(t)]).unwrap_or_default(),
        JobType::Other(_) => match tag {
            Some(t) if job.operation.workflow_ids.is_none() => vec![ResultSource::Tag(t)],
            _ => workflow_ids(),
        },
    };
    if sources.is_empty() {
        return Err(Error::invalid(
            "job_id",
            format!(
                "batch job {} names no workflow ID and no tag, so its per-object results cannot be found",
                job.job_id
            ),
        ));
    }
    Ok(sources)
}

/// What a report over a batch job's object results says of it as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOutcome {
    /// The batch job has not reached a terminal state.
    InProgress,
    /// The batch job ended `Success` and no unit failed.
    Completed,
    /// The batch job ended `Success` (its fan-out finished) but some units failed.
    CompletedWithFailures,
    /// The batch job itself ended `Failed`.
    Failed,
    /// The batch job was cancelled.
    Cancelled,
}

impl ReportOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportOutcome::InProgress => "in progress",
            ReportOutcome::Completed => "completed",
            ReportOutcome::CompletedWithFailures => "completed with failures",
            ReportOutcome::Failed => "failed",
            ReportOutcome::Cancelled => "cancelled",
        }
    }
}

impl std::fmt::Display for ReportOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// How to build a report.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Keep at most this many failed results (the first in creation order). Default 100; 0 keeps none.
    pub failed_limit: usize,
    /// Page size, 1 to 100 (default 100: fewest requests).
    pub page_size: u32,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions { failed_limit: 100, page_size: 100 }
    }
}

/// Where a report stands after a page: for progress callbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportProgress {
    /// Pages fetched so far.
    pub pages: u32,
    /// Results counted so far.
    pub results: u64,
    /// Of which failed.
    pub failed: u64,
}

/// A batch job and what its units did, built by paging once through every result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The batch job, as described when the report started.
    pub job: Job,
    /// Results by state (the state's text), in name order.
    pub counts: BTreeMap<String, u64>,
    /// Every result counted.
    pub total: u64,
    /// The first `failed_limit` failed results in creation order (ties by unit ID).
    pub failed: Vec<ObjectResult>,
    /// Pages fetched.
    pub pages: u32,
}

impl Report {
    /// Results in `state` (0 when none).
    pub fn count(&self, state: &JobState) -> u64 {
        self.counts.get(state.as_str()).copied().unwrap_or(0)
    }

    /// Failed results counted (all of them, not only those kept in `failed`).
    pub fn failed_total(&self) -> u64 {
        self.count(&JobState::Failed)
    }

    /// What the report says of the batch job as a whole; a `Success` batch job with failed units "completed with
    /// failures" (the service ends a batch job `Success` once its fan-out finished).
    pub fn outcome(&self) -> ReportOutcome {
        match self.job.state {
            JobState::Success if self.failed_total() > 0 => ReportOutcome::CompletedWithFailures,
            JobState::Success => ReportOutcome::Completed,
            JobState::Failed => ReportOutcome::Failed,
            JobState::Cancel => ReportOutcome::Cancelled,
            _ => ReportOutcome::InProgress,
        }
    }
}

/// Keeps the first `limit` failed results in (creation time, unit ID) order; unreadable times sort last.
pub(crate) struct FailedKeeper {
    limit: usize,
    kept: Vec<(i64, ObjectResult)>,
}

impl FailedKeeper {
    pub(crate) fn new(limit: usize) -> Self {
        FailedKeeper { limit, kept: Vec::new() }
    }

    pub(crate) fn offer(&mut self, r: &ObjectResult) {
        if self.limit == 0 {
            return;
        }
        let t = r.creation_unix().unwrap_or(i64::MAX);
        let key = |e: &(i64, ObjectResult)| (e.0, e.1.unit_id.clone());
        let at = self.kept.partition_point(|e| key(e) <= (t, r.unit_id.clone()));
        if at >= self.limit {
            return;
        }
        self.kept.insert(at, (t, r.clone()));
        self.kept.truncate(self.limit);
    }

    pub(crate) fn into_vec(self) -> Vec<ObjectResult> {
        self.kept.into_iter().map(|(_, r)| r).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_parse_tolerantly_in_both_time_forms() {
        let body = "<?xml version=\"1.0\"?><Response><Future>x</Future><WorkflowExecutionList><RunId>i1</RunId>\
            <WorkflowId>w1</WorkflowId><State>Failed</State><CreateTime>2022-06-27T15:23:10+08:00</CreateTime>\
            <Object>a &amp; b.jpg</Object><New><Deep>1</Deep></New></WorkflowExecutionList><NextToken>7</NextToken>\
            <RequestId>r</RequestId></Response>";
        let page = parse_results_page(body, XmlLimits::default(), true).unwrap();
        assert_eq!((page.request_id.as_str(), page.next_token.as_deref()), ("r", Some("7")));
        let r = &page.results[0];
        assert_eq!((r.unit_id.as_str(), r.object.as_str(), r.state.clone()), ("i1", "a & b.jpg", JobState::Failed));
        assert_eq!(r.creation_time.as_deref(), Some("2022-06-27T15:23:10+0800"));
        assert!(r.raw_xml.contains("<New><Deep>1</Deep></New>"));

        let body = "<Response><JobsDetail><JobId>j1</JobId><Tag>Snapshot</Tag><State>Running</State>\
            <CreationTime>2022-06-27T15:23:10+0800</CreationTime><StartTime>-</StartTime><EndTime/>\
            <Progress>40</Progress><Input><Object>k</Object></Input></JobsDetail><NextToken/></Response>";
        let page = parse_results_page(body, XmlLimits::default(), false).unwrap();
        let r = &page.results[0];
        assert_eq!((r.unit_id.as_str(), r.object.as_str(), r.tag.as_deref()), ("j1", "k", Some("Snapshot")));
        assert_eq!((r.start_time.as_deref(), r.end_time.as_deref(), r.progress.as_deref()), (None, None, Some("40")));
        assert_eq!(page.next_token, None);
    }

    #[test]
    fn a_page_of_more_than_a_hundred_items_is_refused() {
        let item = "<JobsDetail><JobId>j</JobId></JobsDetail>";
        let ok = format!("<Response>{}</Response>", item.repeat(100));
        assert_eq!(parse_results_page(&ok, XmlLimits::default(), false).unwrap().results.len(), 100);
        let big = format!("<Response>{}</Response>", item.repeat(101));
        assert!(parse_results_page(&big, XmlLimits::default(), false).unwrap_err().contains("more than 100"));
        assert!(parse_results_page("<Error/>", XmlLimits::default(), false).is_err());
    }

    #[test]
    fn failed_results_are_kept_in_creation_order_up_to_the_limit() {
        let r = |id: &str, t: &str| ObjectResult {
            object: id.into(),
            state: JobState::Failed,
            code: String::new(),
            message: String::new(),
            unit_id: id.into(),
            workflow_id: None,
            tag: None,
            creation_time: Some(t.into()),
            start_time: None,
            end_time: None,
            progress: None,
            raw_xml: String::new(),
        };
        let mut k = FailedKeeper::new(2);
        for (id, t) in [
            ("c", "2022-01-03T00:00:00+0800"),
            ("a", "2022-01-02T00:00:00+0800"),
            ("z", "2022-01-01T00:00:00+0800"),
            ("b", "2022-01-02T00:00:00+0800"),
        ] {
            k.offer(&r(id, t));
        }
        let kept: Vec<String> = k.into_vec().into_iter().map(|r| r.unit_id).collect();
        assert_eq!(kept, ["z", "a"]);
    }
}
