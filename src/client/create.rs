//! Creating jobs.

use super::{Client, Request, JOBS_PATH};
use crate::error::{Error, Operation, Result};
use crate::model::{Job, JobRequest, WorkflowJobRequest};
use crate::response::{parse_jobs_response, Expected};

impl Client {
    /// Creates a job that triggers a workflow. A failure after the request may have reached the service is
    /// [`Error::OutcomeUnknown`]; under [`Config::resolve_creates`] the client then finds the job itself. Not sent
    /// again otherwise, unless [`Config::retry_create`] is set.
    pub fn create_workflow_job(&self, req: &WorkflowJobRequest) -> Result<Job> {
        let body = req.to_xml()?;
        if self.config.resolve_creates {
            return self.create_resolving(req.into(), || self.create(&body, crate::JobType::Workflow));
        }
        self.create(&body, crate::JobType::Workflow)
    }

    /// Creates a Job-type job; as [`Client::create_workflow_job`] for lost answers and retries.
    pub fn create_job(&self, req: &JobRequest) -> Result<Job> {
        let body = req.to_xml()?;
        if self.config.resolve_creates {
            return self.create_resolving(req.into(), || self.create(&body, crate::JobType::Job));
        }
        self.create(&body, crate::JobType::Job)
    }

    /// The create answer has no `Type`: the job's type is the request's.
    fn create(&self, body: &str, job_type: crate::JobType) -> Result<Job> {
        let req = Request {
            op: Operation::CreateJob,
            method: "POST",
            path: JOBS_PATH.to_string(),
            query: Vec::new(),
            body: Some(body),
            // Resolving replaces blind retries: a lost answer is looked for instead of sent again.
            retryable: self.config.retry_create && !self.config.resolve_creates,
        };
        // One job; a create never names missing IDs, but one is tolerated.
        let expected = Expected { jobs: 1, missing: 1 };
        let (mut resp, attempts) = self.call(&req, |b| parse_jobs_response(b, self.xml_limits(), expected))?;
        match resp.jobs.len() {
            1 => {
                let mut job = resp.jobs.remove(0);
                if job.job_type == crate::JobType::Other(String::new()) {
                    job.job_type = job_type;
                }
                Ok(job)
            }
            n => Err(Error::InvalidResponse {
                operation: Operation::CreateJob,
                status: 200,
                reason: format!("expected one JobsDetail, found {n}"),
                excerpt: String::new(),
                request_id: resp.request_id,
                attempts,
            }),
        }
    }
}
