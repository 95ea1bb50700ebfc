//! `cibatch_job_list` (a describe result or a page) and `cibatch_pager` (a listing, page by page). Lists are
//! immutable once made: any number of threads may read one at once.

use super::*;
use crate::{Client, Job, ListOptions, PageCursor};
use std::sync::Arc;

/// Jobs from a describe of several IDs or from one page of a listing.
pub struct cibatch_job_list {
    jobs: Vec<cibatch_job>,
    non_exist: Vec<CString>,
    next_token: Option<CString>,
    request_id: CString,
    job_type: Option<CString>,
}

impl cibatch_job_list {
    pub(crate) fn new(jobs: Vec<Job>, non_exist: Vec<String>, next_token: Option<String>, request_id: String) -> Self {
        cibatch_job_list {
            jobs: jobs.into_iter().map(cibatch_job::new).collect(),
            non_exist: non_exist.iter().map(|s| cstring(s)).collect(),
            next_token: next_token.as_deref().map(cstring),
            request_id: cstring(&request_id),
            job_type: None,
        }
    }

    /// A page of a listing, which says the type it was listed with.
    pub(crate) fn page(page: crate::JobPage) -> Self {
        let job_type = page.job_type.as_ref().map(|t| cstring(t.as_str()));
        cibatch_job_list { job_type, ..cibatch_job_list::new(page.jobs, Vec::new(), page.next_token, page.request_id) }
    }
}

/// For a page: the type it was listed with, `"Workflow"` or `"Job"`, or NULL for a page listed without a type (and
/// for a describe result). Borrowed until the list is freed.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_list_type(list: *const cibatch_job_list) -> *const c_char {
    read(list, |l| opt_ptr(&l.job_type))
}

/// How many jobs the list holds (0 for a NULL `list`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_list_count(list: *const cibatch_job_list) -> usize {
    read(list, |l| l.jobs.len())
}

/// Job `index` (0-based), borrowed: valid until the list is freed; do not free it (use `cibatch_job_clone` to
/// keep it). NULL when `list` is NULL or `index` is out of range.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_list_get(list: *const cibatch_job_list, index: usize) -> *const cibatch_job {
    read(list, |l| l.jobs.get(index).map_or(std::ptr::null(), |j| j as *const _))
}

/// For a describe: how many of the queried IDs do not exist.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_list_non_exist_count(list: *const cibatch_job_list) -> usize {
    read(list, |l| l.non_exist.len())
}

/// For a describe: queried ID `index` that does not exist, borrowed until the list is freed; NULL out of range.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_list_non_exist_get(list: *const cibatch_job_list, index: usize) -> *const c_char {
    read(list, |l| l.non_exist.get(index).map_or(std::ptr::null(), |s| s.as_ptr()))
}

/// For a page: the token of the next page, or NULL on the last page. Borrowed until the list is freed.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_list_next_token(list: *const cibatch_job_list) -> *const c_char {
    read(list, |l| opt_ptr(&l.next_token))
}

/// The service's request id for this answer. Borrowed until the list is freed.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_list_request_id(list: *const cibatch_job_list) -> *const c_char {
    read(list, |l| l.request_id.as_ptr())
}

/// Frees a list and every job borrowed from it. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_list_free(list: *mut cibatch_job_list) {
    guard((), || free_box(list))
}

/// Walks every page of a listing (`cibatch_client_pages`). Use from one thread at a time.
pub struct cibatch_pager {
    client: Arc<Client>,
    cursor: PageCursor,
}

impl cibatch_pager {
    pub(crate) fn new(client: Arc<Client>, opts: ListOptions) -> Self {
        cibatch_pager { client, cursor: PageCursor::new(opts) }
    }
}

/// Fetches the next page. On success `*page_out` is a new list the caller frees with `cibatch_job_list_free`, or
/// NULL when the previous page was the last. Options without a type (and without a next token) walk every
/// `"Workflow"` page and then every `"Job"` page; `cibatch_job_list_type` says which type a page holds. A type's
/// walk ends on an empty or absent `NextToken` and on a page that repeats the token it was asked with (that page's
/// next token reads NULL). A `NextToken` an earlier page gave, or 20 pages in a row without jobs, is
/// `CIBATCH_INVALID_RESPONSE` (instead of looping forever); after any error the pager is done.
#[no_mangle]
pub unsafe extern "C" fn cibatch_pager_next(
    pager: *mut cibatch_pager,
    page_out: *mut *mut cibatch_job_list,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let pager = arg_mut(pager, "pager")?;
        produce_next(page_out, "page_out", || {
            Ok(pager.cursor.next_page(&pager.client).transpose()?.map(cibatch_job_list::page))
        })
    })
}

/// Pages fetched so far.
#[no_mangle]
pub unsafe extern "C" fn cibatch_pager_pages_fetched(pager: *const cibatch_pager) -> u32 {
    read(pager, |p| p.cursor.pages_fetched())
}

/// Frees a pager. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_pager_free(pager: *mut cibatch_pager) {
    guard((), || free_box(pager))
}
