//! Creates whose answer was lost. The API has no idempotency token, so the client itself finds out whether a create
//! that failed after its request may have reached the service made a job: it lists jobs of the request's type and
//! name created since just before the first attempt, and keeps those that match the request exactly.
//!
//! Matching rules (also in the README): same type, same name, same input (kind and value); for a Workflow job the
//! same workflow ID; for a Job-type job the same tag, and the same queue ID and user data when the request set them;
//! created at or after the lookup's start. Unique names make the lookup reliable: a name shared by earlier jobs with
//! the same input makes it ambiguous, and then nothing more is created.

use crate::error::{Error, Operation, Result};
use crate::model::{Input, Job, JobRequest, JobType, ListOptions, Order, WorkflowJobRequest};
use crate::Client;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A create request of either type, for [`Client::find_created`].
#[derive(Debug, Clone, Copy)]
pub enum CreateRequest<'a> {
    Workflow(&'a WorkflowJobRequest),
    Job(&'a JobRequest),
}

impl<'a> From<&'a WorkflowJobRequest> for CreateRequest<'a> {
    fn from(r: &'a WorkflowJobRequest) -> Self {
        CreateRequest::Workflow(r)
    }
}

impl<'a> From<&'a JobRequest> for CreateRequest<'a> {
    fn from(r: &'a JobRequest) -> Self {
        CreateRequest::Job(r)
    }
}

/// Lookups after a lost answer: the first, then this many more a second apart, while none is found (the service may
/// list a new job a moment after creating it).
const LOOKUP_RETRIES: u32 = 3;
/// Jobs of the same type and name scanned at most per lookup.
const MAX_SCANNED: usize = 1000;
/// How far before the first attempt the lookup starts, at least (more when the clock offset is larger).
const LOOKUP_MARGIN: Duration = Duration::from_secs(300);

impl CreateRequest<'_> {
    fn job_type(&self) -> JobType {
        match self {
            CreateRequest::Workflow(_) => JobType::Workflow,
            CreateRequest::Job(_) => JobType::Job,
        }
    }

    fn name(&self) -> &str {
        match self {
            CreateRequest::Workflow(r) => &r.name,
            CreateRequest::Job(r) => &r.name,
        }
    }

    fn input(&self) -> &Input {
        match self {
            CreateRequest::Workflow(r) => &r.input,
            CreateRequest::Job(r) => &r.input,
        }
    }

    /// Whether `job` is what this request would have made (the rules at the top of this module).
    pub fn matches(&self, job: &Job) -> bool {
        let i = &job.input;
        let same_input = match self.input() {
            Input::Prefix(v) => i.prefix.as_deref() == Some(v),
            Input::Manifest(v) => i.manifest.as_deref() == Some(v),
            Input::UrlFile(v) => i.url_file.as_deref() == Some(v),
            Input::Object(v) => i.object.as_deref() == Some(v),
        };
        let op = &job.operation;
        let same_operation = match self {
            CreateRequest::Workflow(r) => op.workflow_ids.as_deref() == Some(r.workflow_id.as_str()),
            CreateRequest::Job(r) => {
                op.tag.as_deref() == Some(r.tag.as_str())
                    && r.queue_id.as_ref().is_none_or(|q| op.queue_id.as_ref() == Some(q))
                    && r.user_data.as_ref().is_none_or(|u| op.user_data.as_ref() == Some(u))
            }
        };
        job.job_type == self.job_type() && job.name == self.name() && same_input && same_operation
    }
}

fn unix(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl Client {
    /// The jobs `request` may have made since `since`, by the matching rules of this module: after a create failed
    /// with [`Error::OutcomeUnknown`], or after a process restart, ask before creating again. Pass a time a little
    /// before the first attempt (allowing for clock skew); one match is the job, none means it was not created.
    pub fn find_created<'a>(&self, request: impl Into<CreateRequest<'a>>, since: SystemTime) -> Result<Vec<Job>> {
        let request = request.into();
        let since = unix(since);
        let opts = ListOptions {
            job_type: Some(request.job_type()),
            name: Some(request.name().to_string()),
            start_creation_time: Some(crate::timefmt::format_ci(since, 8 * 3600)),
            order_by_time: Some(Order::Desc),
            size: Some(100),
            ..ListOptions::default()
        };
        let mut found = Vec::new();
        for job in self.jobs(opts).take(MAX_SCANNED) {
            let job = job?;
            let recent = job.creation_time.as_deref().and_then(crate::timefmt::parse_ci).is_none_or(|t| t >= since);
            if recent && request.matches(&job) {
                found.push(job);
            }
        }
        Ok(found)
    }

    /// A create under [`Config::resolve_creates`](crate::Config::resolve_creates): after an outcome-unknown failure,
    /// the job it made if exactly one matches; if none does, one more create (and the same again); if several do,
    /// [`Error::AmbiguousCreate`].
    pub(crate) fn create_resolving(&self, request: CreateRequest<'_>, create: impl Fn() -> Result<Job>) -> Result<Job> {
        let margin = LOOKUP_MARGIN.max(Duration::from_secs(self.clock_offset().unsigned_abs()));
        let since = SystemTime::now() - margin;
        let mut creates = 0;
        loop {
            creates += 1;
            let lost = match create() {
                Err(e) if e.is_outcome_unknown() => e,
                done => return done,
            };
            self.warn(&format!("{lost}; looking for the job it may have made"));
            let Ok(mut found) = self.find_settled(request, since) else { return Err(lost) };
            match found.len() {
                1 => {
                    let job = found.remove(0);
                    self.warn(&format!("create job: the lost answer's job is {}", job.job_id));
                    return Ok(job);
                }
                0 if creates < 2 => self.warn("create job: no job was made; creating again"),
                0 => return Err(lost),
                _ => {
                    let job_ids = found.into_iter().map(|j| j.job_id).collect();
                    return Err(Error::AmbiguousCreate { operation: Operation::CreateJob, job_ids });
                }
            }
        }
    }

    /// `find_created`, asked again a second apart while it finds nothing.
    fn find_settled(&self, request: CreateRequest<'_>, since: SystemTime) -> Result<Vec<Job>> {
        for retry in 0..=LOOKUP_RETRIES {
            let found = self.find_created(request, since)?;
            if !found.is_empty() || retry == LOOKUP_RETRIES {
                return Ok(found);
            }
            if !self.pause(Duration::from_secs(1)) {
                return Err(Error::Cancelled {
                    operation: Operation::CreateJob,
                    detail: " while looking for a lost create's job".into(),
                });
            }
        }
        unreachable!("the loop returns on its last turn")
    }
}
