//! Waiting for a job: polls with a growing interval until a terminal state, the wait's deadline or a stop.

use super::Client;
use crate::config::limits;
use crate::error::{printable, Error, Operation, Result, TransportKind};
use crate::model::Job;
use crate::validate;
use std::time::{Duration, Instant};

/// How to wait for a job: poll with a growing interval until a terminal state or `max_wait`.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    pub max_wait: Duration,
    pub initial_interval: Duration,
    pub max_interval: Duration,
    /// Each interval is the previous one times this (at least 1).
    pub multiplier: f64,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            max_wait: Duration::from_secs(600),
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
            multiplier: 1.5,
        }
    }
}

impl Client {
    /// Polls a job until it reaches a terminal state, and returns it.
    pub fn wait_for_job(&self, job_id: &str, opts: &WaitOptions) -> Result<Job> {
        self.wait_for_job_with(job_id, opts, |_| {})
    }

    /// As [`Client::wait_for_job`], calling `on_state` with the job each time its state changes
    /// (and once for the first state seen).
    pub fn wait_for_job_with(&self, job_id: &str, opts: &WaitOptions, mut on_state: impl FnMut(&Job)) -> Result<Job> {
        self.wait_for_job_polling(job_id, opts, |job, changed| {
            if changed {
                on_state(job);
            }
            true
        })
    }

    /// The general form of waiting: `on_poll(job, state_changed)` runs after every poll; returning false stops
    /// the wait with [`Error::Cancelled`] (for callers that can be cancelled, such as a Go `context`).
    pub fn wait_for_job_polling(
        &self,
        job_id: &str,
        opts: &WaitOptions,
        mut on_poll: impl FnMut(&Job, bool) -> bool,
    ) -> Result<Job> {
        validate::job_id(job_id)?;
        let started = Instant::now();
        let mut deadline = started + opts.max_wait;
        if let Some(d) = self.deadline {
            deadline = deadline.min(d);
        }
        // Every poll, with its retries and backoffs, ends by the wait's deadline.
        let poller = self.with_deadline(deadline);
        let floor = limits::MIN_POLL_INTERVAL;
        let mut interval = opts.initial_interval.max(floor);
        let max_interval = opts.max_interval.max(interval);
        let mut last: Option<crate::JobState> = None;
        let timed_out = |last: &Option<crate::JobState>| Error::WaitTimeout {
            job_id: job_id.to_string(),
            last_state: last.as_ref().map_or_else(|| "unknown".to_string(), |s| printable(s.as_str()).into_owned()),
            waited: started.elapsed(),
        };
        let cancelled = |last: &Option<crate::JobState>| Error::Cancelled {
            operation: Operation::WaitForJob,
            detail: match last {
                Some(state) => format!(" while job {job_id} was {}", printable(state.as_str())),
                None => format!(" before job {job_id} was first described"),
            },
        };
        loop {
            let job = match poller.describe_job(job_id) {
                Ok(job) => job,
                // The poll itself ran into the wait's deadline.
                Err(Error::Transport { kind: TransportKind::Timeout, .. }) if Instant::now() >= deadline => {
                    return Err(timed_out(&last))
                }
                Err(Error::Cancelled { .. }) => return Err(cancelled(&last)),
                Err(e) => return Err(e),
            };
            let changed = last.as_ref() != Some(&job.state);
            if changed {
                last = Some(job.state.clone());
            }
            if !on_poll(&job, changed) {
                return Err(cancelled(&last));
            }
            if job.is_terminal() {
                return Ok(job);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(timed_out(&last));
            }
            // The last poll happens at the deadline, not after it; under a client deadline there is no time left
            // for a poll then, so the wait ends.
            if !self.pause(interval.min(deadline - now)) {
                return Err(cancelled(&last));
            }
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(timed_out(&last));
            }
            interval = interval.mul_f64(opts.multiplier.max(1.0)).min(max_interval);
        }
    }
}
