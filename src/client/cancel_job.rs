//! Cancel, made idempotent within one call: a retried attempt may find the job already cancelled by the attempt
//! whose answer was lost.

use super::Client;
use crate::error::{Error, Result};
use crate::model::JobState;

impl Client {
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
