//! Per-object results of a batch job: `cibatch_result_options`, `cibatch_results_pager`, `cibatch_result_page`,
//! `cibatch_object_result`, and the report (`cibatch_report`). Results, pages and reports are immutable once made:
//! any number of threads may read one at once.

use super::*;
use crate::{Client, ObjectResult, ResultCursor, ResultPage, ResultSource};
use std::sync::{Arc, OnceLock};

/// What one unit of a batch job (a workflow execution or a media job) did with one input object. Made by
/// `cibatch_results_pager_next` (free with `cibatch_object_result_free`) or borrowed from a page or a report.
pub struct cibatch_object_result {
    result: ObjectResult,
    strings: [OnceLock<Option<CString>>; RFIELDS],
}

#[derive(Clone, Copy)]
enum RField {
    Object,
    State,
    Code,
    Message,
    UnitId,
    WorkflowId,
    Tag,
    CreationTime,
    StartTime,
    EndTime,
    Progress,
    RawXml,
}

const RFIELDS: usize = RField::RawXml as usize + 1;

impl cibatch_object_result {
    pub(crate) fn new(result: ObjectResult) -> Self {
        cibatch_object_result { result, strings: std::array::from_fn(|_| OnceLock::new()) }
    }

    fn value(&self, f: RField) -> Option<String> {
        let r = &self.result;
        match f {
            RField::Object => Some(r.object.clone()),
            RField::State => Some(r.state.as_str().to_string()),
            RField::Code => Some(r.code.clone()),
            RField::Message => Some(r.message.clone()),
            RField::UnitId => Some(r.unit_id.clone()),
            RField::WorkflowId => r.workflow_id.clone(),
            RField::Tag => r.tag.clone(),
            RField::CreationTime => r.creation_time.clone(),
            RField::StartTime => r.start_time.clone(),
            RField::EndTime => r.end_time.clone(),
            RField::Progress => r.progress.clone(),
            RField::RawXml => Some(r.raw_xml.clone()),
        }
    }

    fn ptr(&self, f: RField) -> *const c_char {
        opt_ptr(self.strings[f as usize].get_or_init(|| self.value(f).as_deref().map(cstring)))
    }
}

unsafe fn rget(result: *const cibatch_object_result, f: RField) -> *const c_char {
    read(result, |r| r.ptr(f))
}

/// One page of object results (`cibatch_results_pager_next_page`, `cibatch_client_list_results`).
pub struct cibatch_result_page {
    results: Vec<cibatch_object_result>,
    next_token: Option<CString>,
    request_id: CString,
    workflow_id: Option<CString>,
    tag: Option<CString>,
}

impl cibatch_result_page {
    fn new(page: ResultPage) -> Self {
        let (workflow_id, tag) = match &page.source {
            Some(ResultSource::Workflow(w)) => (Some(cstring(w)), None),
            Some(ResultSource::Tag(t)) => (None, Some(cstring(t))),
            None => (None, None),
        };
        cibatch_result_page {
            results: page.results.into_iter().map(cibatch_object_result::new).collect(),
            next_token: page.next_token.as_deref().map(cstring),
            request_id: cstring(&page.request_id),
            workflow_id,
            tag,
        }
    }
}

/// Walks a batch job's per-object results (`cibatch_client_results`). Use from one thread at a time.
pub struct cibatch_results_pager {
    client: Arc<Client>,
    cursor: ResultCursor,
    job: cibatch_job,
}

/// A pager over every per-object result of batch job `job_id`, whatever its type: the job is described first (a
/// job the service does not know is `CIBATCH_JOB_NOT_FOUND`), then the executions of each of its workflow IDs are
/// walked in turn (a `"Workflow"` batch job) or the media jobs of its tag (a `"Job"` one). `options` may be NULL
/// (every result); they are copied and checked here. On success `*pager_out` is a new pager the caller frees with
/// `cibatch_results_pager_free`; it keeps the client's connections alive and may outlive the client handle.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_results(
    client: *const cibatch_client,
    job_id: *const c_char,
    options: *const cibatch_result_options,
    pager_out: *mut *mut cibatch_results_pager,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let (client, job_id) = (live(client)?, arg_str(job_id, "job_id")?);
        let opts = options.as_ref().map(|o| o.options.clone()).unwrap_or_default();
        produce(pager_out, "pager_out", || {
            let cursor = client.results_of(client.describe_job(job_id)?, &opts).map(|r| r.into_cursor())?;
            let job = cibatch_job::new(cursor.job().clone());
            Ok(cibatch_results_pager { client, cursor, job })
        })
    })
}

/// The batch job the pager walks, as described when it was made (borrowed: valid until the pager is freed; NULL for
/// a NULL `pager`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_results_pager_job(pager: *const cibatch_results_pager) -> *const cibatch_job {
    read(pager, |p| &p.job as *const cibatch_job)
}

/// Fetches the next page. On success `*page_out` is a new page the caller frees with `cibatch_result_page_free`, or
/// NULL after the last page. A source's walk ends on an empty or absent `NextToken` and on a page that repeats the
/// token it was asked with; a token an earlier page gave, or 20 pages in a row without results, is
/// `CIBATCH_INVALID_RESPONSE`. After any error the pager is done. Do not mix with `cibatch_results_pager_next`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_results_pager_next_page(
    pager: *mut cibatch_results_pager,
    page_out: *mut *mut cibatch_result_page,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let pager = arg_mut(pager, "pager")?;
        produce_next(page_out, "page_out", || {
            Ok(pager.cursor.next_page(&pager.client).transpose()?.map(cibatch_result_page::new))
        })
    })
}

/// The next result, fetching pages as needed. On success `*result_out` is a new result the caller frees with
/// `cibatch_object_result_free`, or NULL after the last one. Paging ends as for `cibatch_results_pager_next_page`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_results_pager_next(
    pager: *mut cibatch_results_pager,
    result_out: *mut *mut cibatch_object_result,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let pager = arg_mut(pager, "pager")?;
        produce_next(result_out, "result_out", || {
            Ok(pager.cursor.next_result(&pager.client).transpose()?.map(cibatch_object_result::new))
        })
    })
}

/// Pages fetched so far (0 for a NULL `pager`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_results_pager_pages_fetched(pager: *const cibatch_results_pager) -> u32 {
    read(pager, |p| p.cursor.pages_fetched())
}

/// Frees a results pager. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_results_pager_free(pager: *mut cibatch_results_pager) {
    guard((), || free_box(pager))
}

/// One page of the results of batch job `job_id` from one source: exactly one of `workflow_id` (one of a
/// `"Workflow"` batch job's workflow IDs: `GET /workflowexecution`) and `tag` (a `"Job"` batch job's tag:
/// `GET /jobs`) is not NULL. `options` may be NULL; `next_token` is the previous page's
/// `cibatch_result_page_next_token`, or NULL for the first page. Nothing is described first. On success `*page_out`
/// is a new page the caller frees with `cibatch_result_page_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_list_results(
    client: *const cibatch_client,
    job_id: *const c_char,
    workflow_id: *const c_char,
    tag: *const c_char,
    options: *const cibatch_result_options,
    next_token: *const c_char,
    page_out: *mut *mut cibatch_result_page,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let (client, job_id) = (live(client)?, arg_str(job_id, "job_id")?);
        let workflow_id = arg_opt_str(workflow_id, "workflow_id")?;
        let tag = arg_opt_str(tag, "tag")?;
        let opts = options.as_ref().map(|o| o.options.clone()).unwrap_or_default();
        let next_token = arg_opt_str(next_token, "next_token")?;
        let source = match (workflow_id, tag) {
            (Some(w), None) => ResultSource::Workflow(w.to_string()),
            (None, Some(t)) => ResultSource::Tag(t.to_string()),
            _ => return Err(Error::invalid("workflow_id", "give exactly one of workflow_id and tag").into()),
        };
        produce(page_out, "page_out", || {
            let page = client.list_results(job_id, &source, &opts, next_token)?;
            Ok(cibatch_result_page::new(page))
        })
    })
}

/// Results on the page (0 for a NULL `page`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_page_count(page: *const cibatch_result_page) -> usize {
    read(page, |p| p.results.len())
}

/// The result at `index` (borrowed: valid until the page is freed), or NULL when out of range.
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_page_get(
    page: *const cibatch_result_page,
    index: usize,
) -> *const cibatch_object_result {
    read(page, |p| p.results.get(index).map_or(std::ptr::null(), |r| r as *const _))
}

/// The token of this source's next page, or NULL on its last page (borrowed until the page is freed).
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_page_next_token(page: *const cibatch_result_page) -> *const c_char {
    read(page, |p| opt_ptr(&p.next_token))
}

/// The page's request ID (borrowed until the page is freed), or NULL for a NULL `page`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_page_request_id(page: *const cibatch_result_page) -> *const c_char {
    read(page, |p| p.request_id.as_ptr())
}

/// The workflow ID this page was listed for, or NULL for a page of a tag (borrowed until the page is freed).
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_page_workflow_id(page: *const cibatch_result_page) -> *const c_char {
    read(page, |p| opt_ptr(&p.workflow_id))
}

/// The tag this page was listed for, or NULL for a page of a workflow (borrowed until the page is freed).
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_page_tag(page: *const cibatch_result_page) -> *const c_char {
    read(page, |p| opt_ptr(&p.tag))
}

/// Frees a page and the results borrowed from it. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_page_free(page: *mut cibatch_result_page) {
    guard((), || free_box(page))
}

/// The input object's key. Every `const char *` an object-result getter returns is borrowed: valid until the result
/// (or the page or report it came from) is freed. Getters return NULL when `result` is NULL or the field is absent.
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_object(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::Object)
}

/// The unit's state as the service wrote it (`"Success"`, `"Failed"`, ...).
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_state(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::State)
}

/// The state as a number; `CIBATCH_STATE_OTHER` for a state this version does not know (or a NULL `result`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_state_code(result: *const cibatch_object_result) -> cibatch_state {
    read(result, |r| state_code(&r.result.state))
}

/// The media job's `Code` (`"Success"` unless it failed); empty for a workflow execution.
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_code(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::Code)
}

/// The media job's `Message` (why it failed); empty when none.
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_message(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::Message)
}

/// The unit's ID: the workflow execution's `RunId` or the media job's `JobId`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_unit_id(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::UnitId)
}

/// The workflow the execution ran, or NULL (media jobs).
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_workflow_id(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::WorkflowId)
}

/// The media job's tag, or NULL (workflow executions).
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_tag(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::Tag)
}

/// Creation time (`+hhmm` form when readable; `+08:00` answers are converted), or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_creation_time(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::CreationTime)
}

/// Start time, or NULL while unset.
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_start_time(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::StartTime)
}

/// End time, or NULL while unset.
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_end_time(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::EndTime)
}

/// The media job's `Progress`, or NULL when absent.
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_progress(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::Progress)
}

/// The item's element (`<WorkflowExecutionList>` or `<JobsDetail>`) exactly as received, for fields not modelled.
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_raw_xml(result: *const cibatch_object_result) -> *const c_char {
    rget(result, RField::RawXml)
}

/// Frees a result made by `cibatch_results_pager_next`. NULL does nothing. Never pass one borrowed from a page or
/// a report.
#[no_mangle]
pub unsafe extern "C" fn cibatch_object_result_free(result: *mut cibatch_object_result) {
    guard((), || free_box(result))
}
