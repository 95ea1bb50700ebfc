//! `cibatch_report`: what happened to the objects of a batch job, summed over all its results.

use super::*;
use crate::{JobState, Report, ReportOptions};
use std::ffi::c_void;

/// A batch job and what its units did (`cibatch_client_report`).
pub struct cibatch_report {
    report: Report,
    job: cibatch_job,
    states: Vec<(CString, u64)>,
    failed: Vec<cibatch_object_result>,
}

/// Called by `cibatch_client_report` after every page, on the calling thread, with the pages fetched, the results
/// counted and how many of them failed so far. Return true to go on, false to stop (the report then returns
/// `CIBATCH_CANCELLED`). `user_data` is passed through untouched.
pub type cibatch_report_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, pages: u32, results: u64, failed: u64) -> bool>;

/// A report over batch job `job_id`: the job as described, its results counted by state, and the first
/// `failed_limit` failed results in creation order (0 keeps none), built by paging once through every result (100
/// a page). `on_page` (may be NULL) is called on the calling thread with `user_data` after every page (see
/// `cibatch_report_callback`). On success `*report_out` is a new report the caller frees with
/// `cibatch_report_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_report(
    client: *const cibatch_client,
    job_id: *const c_char,
    failed_limit: u32,
    on_page: cibatch_report_callback,
    user_data: *mut c_void,
    report_out: *mut *mut cibatch_report,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let (client, job_id) = (live(client)?, arg_str(job_id, "job_id")?);
        produce(report_out, "report_out", || {
            let opts = ReportOptions { failed_limit: failed_limit as usize, ..ReportOptions::default() };
            let report = client.report_with(job_id, &opts, |p| match on_page {
                // SAFETY: the caller supplied a function that accepts its own user_data.
                Some(cb) => cb(user_data, p.pages, p.results, p.failed),
                None => true,
            })?;
            let job = cibatch_job::new(report.job.clone());
            let states = report.counts.iter().map(|(s, n)| (cstring(s), *n)).collect();
            let failed = report.failed.iter().cloned().map(cibatch_object_result::new).collect();
            Ok(cibatch_report { report, job, states, failed })
        })
    })
}

/// The batch job, as described when the report started (borrowed: valid until the report is freed).
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_job(report: *const cibatch_report) -> *const cibatch_job {
    read(report, |r| &r.job as *const cibatch_job)
}

/// Every result counted (0 for a NULL `report`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_total(report: *const cibatch_report) -> u64 {
    read(report, |r| r.report.total)
}

/// Pages fetched to build the report.
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_pages(report: *const cibatch_report) -> u32 {
    read(report, |r| r.report.pages)
}

/// How many different states the results were in (the count/get pairs below walk them in name order).
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_state_count(report: *const cibatch_report) -> usize {
    read(report, |r| r.states.len())
}

/// The `index`th state's name (borrowed until the report is freed), or NULL when out of range.
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_state_name(report: *const cibatch_report, index: usize) -> *const c_char {
    read(report, |r| r.states.get(index).map_or(std::ptr::null(), |(s, _)| s.as_ptr()))
}

/// How many results were in the `index`th state (0 when out of range).
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_state_total(report: *const cibatch_report, index: usize) -> u64 {
    read(report, |r| r.states.get(index).map_or(0, |(_, n)| *n))
}

/// How many results were in `state` (e.g. `"Failed"`); 0 when none, or when an argument is NULL or not UTF-8.
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_count(report: *const cibatch_report, state: *const c_char) -> u64 {
    read(report, |r| arg_str(state, "state").map_or(0, |s| r.report.count(&JobState::parse(s))))
}

/// Failed results kept (at most the `failed_limit` asked for; `cibatch_report_count(report, "Failed")` counts them
/// all).
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_failed_count(report: *const cibatch_report) -> usize {
    read(report, |r| r.failed.len())
}

/// The `index`th failed result kept, in creation order (borrowed until the report is freed), or NULL when out of
/// range.
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_failed_get(
    report: *const cibatch_report,
    index: usize,
) -> *const cibatch_object_result {
    read(report, |r| r.failed.get(index).map_or(std::ptr::null(), |f| f as *const _))
}

/// What the report says of the batch job: `"in progress"`, `"completed"`, `"completed with failures"` (the batch job
/// ended `Success`, as it does once its fan-out finished, but units failed), `"failed"` or `"cancelled"`. A static
/// string (never freed); NULL for a NULL `report`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_outcome(report: *const cibatch_report) -> *const c_char {
    read(report, |r| {
        let s: &'static CStr = match r.report.outcome() {
            crate::ReportOutcome::InProgress => c"in progress",
            crate::ReportOutcome::Completed => c"completed",
            crate::ReportOutcome::CompletedWithFailures => c"completed with failures",
            crate::ReportOutcome::Failed => c"failed",
            crate::ReportOutcome::Cancelled => c"cancelled",
        };
        s.as_ptr()
    })
}

/// Frees a report and everything borrowed from it. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_report_free(report: *mut cibatch_report) {
    guard((), || free_box(report))
}
