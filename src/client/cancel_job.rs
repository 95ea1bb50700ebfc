//! Cancel, made idempotent within one call: a retried attempt may find the job already cancelled by the attempt
//! whose answer was lost.

use super::{Client, Request, JOBS_PATH};
use crate::error::{Error, Operation, Result};
use crate::model::JobState;
use crate::validate;

impl Client {
    /// Cancels a job. Cancelling a job that already ended is a service error, except within one call: when a retried
    /// attempt (the earlier one's answer was lost, so it may have landed) is refused and the job is now `Cancel`,
    /// the cancel succeeded.
    pub fn cancel_job(&self, job_id: &str) -> Result<()> {
        validate::job_id(job_id)?;
        let req = Request {
            op: Operation::CancelJob,
            method: "PUT",
            path: format!("{JOBS_PATH}/{job_id}"),
            query: vec![("cancel", String::new())],
            body: None,
            retryable: true,
        };
        match self.call(&req, |_| Ok(())) {
            Ok(_) => Ok(()),
            Err(e) => self.cancel_outcome(job_id, e),
        }
    }

    /// What a failed cancel of `job_id` means. A service refusal that came after an earlier attempt (whose answer was
    /// lost, so it may have landed) is success if the job is now `Cancel`; anything else is `err` as it was.
    pub(super) fn cancel_outcome(&self, job_id: &str, err: Error) -> Result<()> {
        let retried_refusal = matches!(&err, Error::Service(se) if se.attempts > 1 && (400..500).contains(&se.status)
            && !matches!(se.status, 401 | 403 | 429));
        if !retried_refusal {
            return Err(err);
        }
        match self.describe_job(job_id) {
            Ok(job) if job.state == JobState::Cancel => {
                self.log(crate::LogLevel::Info, || {
                    format!("CancelJob: {job_id} is already Cancel after a retried attempt; treating it as cancelled")
                });
                Ok(())
            }
            _ => Err(err),
        }
    }
}
