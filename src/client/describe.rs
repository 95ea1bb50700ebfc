//! Describing several jobs: one request per 4 KiB of path, and one request per ID when the service answers a
//! comma-joined path as one unknown ID (several IDs in one describe are not documented for this path).

use super::{Client, Request, JOBS_PATH};
use crate::error::{Error, Operation, Result};
use crate::model::{DescribeJobsResult, Job};
use crate::response::{parse_jobs_response, Expected};
use crate::validate;

/// The longest path one describe sends; more IDs are split over several requests.
pub const MAX_DESCRIBE_PATH: usize = 4096;

/// Whether an answer names the whole joined string (commas included) in `NonExistJobIds`: the service took the
/// joined path for one ID.
fn names_joined(body: &str, joined: &str) -> bool {
    let Ok(doc) = crate::xml::parse(body, crate::xml::XmlLimits::default()) else {
        return false;
    };
    doc.root
        .children
        .iter()
        .any(|c| matches!(c.name.as_str(), "NonExistJobIds" | "NonExistJobId") && c.text.trim() == joined)
}

/// The IDs in groups whose joined path stays within [`MAX_DESCRIBE_PATH`] (an ID is at most 256 bytes, so every
/// group holds at least one).
fn groups<'a>(ids: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut len = 0;
    for &id in ids {
        match out.last_mut() {
            Some(g) if len + 1 + id.len() <= MAX_DESCRIBE_PATH => {
                g.push(id);
                len += 1 + id.len();
            }
            _ => {
                out.push(vec![id]);
                len = JOBS_PATH.len() + 1 + id.len();
            }
        }
    }
    out
}

impl Client {
    /// Describes one job. A job the service does not know is [`Error::JobNotFound`].
    /// An answer that holds another job than the one asked for is [`Error::InvalidResponse`], never that job.
    pub fn describe_job(&self, job_id: &str) -> Result<Job> {
        validate::job_id(job_id)?;
        let (mut res, _, attempts) = self.describe_request(&[job_id])?;
        match res.jobs.iter().position(|j| j.job_id == job_id) {
            Some(i) => Ok(res.jobs.swap_remove(i)),
            None if res.jobs.is_empty() => {
                Err(Error::JobNotFound { job_id: job_id.to_string(), request_id: res.request_id })
            }
            None => Err(Error::InvalidResponse {
                operation: Operation::DescribeJobs,
                status: 200,
                reason: format!(
                    "asked for job {job_id}, the answer holds job {:?} instead",
                    crate::error::printable(&res.jobs[0].job_id)
                ),
                excerpt: String::new(),
                request_id: res.request_id,
                attempts,
            }),
        }
    }

    /// Describes several jobs. IDs the service does not know come back in `non_exist_job_ids`, not as an error.
    /// IDs are sent comma-joined, in as many requests as keep each path within 4 KiB; if the service answers a
    /// joined path as one unknown ID, each ID is described on its own, so real jobs are never reported missing. `request_id` is the first request's.
    pub fn describe_jobs<S: AsRef<str>>(&self, job_ids: &[S]) -> Result<DescribeJobsResult> {
        if job_ids.is_empty() {
            return Err(Error::invalid("job_ids", "is empty"));
        }
        let ids: Vec<&str> = job_ids.iter().map(AsRef::as_ref).collect();
        for id in &ids {
            validate::job_id(id)?;
        }
        let mut out = DescribeJobsResult::default();
        for group in groups(&ids) {
            let (res, joined_as_one, _) = self.describe_request(&group)?;
            let res = if joined_as_one { self.describe_each(&group)? } else { res };
            if out.request_id.is_empty() {
                out.request_id = res.request_id;
            }
            out.jobs.extend(res.jobs);
            out.non_exist_job_ids.extend(res.non_exist_job_ids);
        }
        Ok(out)
    }

    /// One describe request; the flag says the service answered the joined IDs as one unknown ID; the number is the
    /// attempts it took.
    pub(super) fn describe_request(&self, ids: &[&str]) -> Result<(DescribeJobsResult, bool, u32)> {
        let joined = ids.join(",");
        let req = Request {
            op: Operation::DescribeJobs,
            method: "GET",
            path: format!("{JOBS_PATH}/{joined}"),
            query: Vec::new(),
            body: None,
            retryable: true,
        };
        // At most one job or missing ID per ID asked for: more is a broken (or hostile) answer, refused as it is
        // read.
        let expected = Expected { jobs: ids.len(), missing: ids.len() };
        let ((resp, joined_as_one), attempts) = self.call(&req, |b| {
            let resp = parse_jobs_response(b, self.xml_limits(), expected)?;
            let joined_as_one = ids.len() > 1 && resp.jobs.is_empty() && names_joined(b, &joined);
            Ok((resp, joined_as_one))
        })?;
        let res = DescribeJobsResult {
            jobs: resp.jobs,
            non_exist_job_ids: resp.non_exist_job_ids,
            request_id: resp.request_id,
        };
        Ok((res, joined_as_one, attempts))
    }

    /// One request per ID, in the order of `ids`. Sequential: this path serves only a service that cannot describe
    /// several IDs at once, and a call from C must not start threads of its own.
    fn describe_each(&self, ids: &[&str]) -> Result<DescribeJobsResult> {
        let answers = ids.iter().map(|id| self.describe_request(&[id]).map(|(r, _, _)| r));
        let mut out = DescribeJobsResult::default();
        for (id, answer) in ids.iter().zip(answers) {
            let res = answer?;
            if out.request_id.is_empty() {
                out.request_id = res.request_id;
            }
            if res.jobs.is_empty() && res.non_exist_job_ids.is_empty() {
                out.non_exist_job_ids.push(id.to_string());
            }
            out.jobs.extend(res.jobs);
            out.non_exist_job_ids.extend(res.non_exist_job_ids);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_keep_each_path_within_the_limit() {
        let id = "b".repeat(33);
        let ids: Vec<&str> = (0..300).map(|_| id.as_str()).collect();
        let g = groups(&ids);
        assert!(g.len() > 1);
        assert_eq!(g.iter().map(Vec::len).sum::<usize>(), 300);
        for group in &g {
            assert!(JOBS_PATH.len() + 1 + group.join(",").len() <= MAX_DESCRIBE_PATH);
        }
        assert_eq!(groups(&["a", "b"]), vec![vec!["a", "b"]]);
    }

    #[test]
    fn joined_answer_is_recognised() {
        let body = "<Response><RequestId>r</RequestId><NonExistJobIds>a,b</NonExistJobIds></Response>";
        assert!(names_joined(body, "a,b"));
        let separate = "<Response><NonExistJobIds>a</NonExistJobIds><NonExistJobIds>b</NonExistJobIds></Response>";
        assert!(!names_joined(separate, "a,b"));
    }
}
