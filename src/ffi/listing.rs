//! `cibatch_job_iter`: every job of a listing, both types merged when no type is named.

use super::*;
use crate::{Client, JobCursor};
use std::sync::Arc;

/// Walks every job of a listing (`cibatch_client_jobs`). Use from one thread at a time.
pub struct cibatch_job_iter {
    client: Arc<Client>,
    cursor: JobCursor,
}

/// An iterator over every job of a listing, starting at the options' next token (`options` may be NULL; they are
/// copied). Options without a type (and without a next token) list `"Workflow"` and `"Job"` jobs explicitly and
/// merge them by (creation time, job ID) in the requested order, so no job is skipped whatever the service's
/// default type is. With `keep_pages`, each page it fetches is also kept for `cibatch_job_iter_take_page` (for
/// progress reports). On success `*iter_out` is a new iterator the caller frees with `cibatch_job_iter_free`; it
/// keeps the client's connections alive and may outlive the client handle.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_jobs(
    client: *const cibatch_client,
    options: *const cibatch_list_options,
    keep_pages: bool,
    iter_out: *mut *mut cibatch_job_iter,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let client = live(client)?;
        let opts = options.as_ref().map(|o| o.options.clone()).unwrap_or_default();
        produce(iter_out, "iter_out", || Ok(cibatch_job_iter { client, cursor: JobCursor::new(opts, keep_pages) }))
    })
}

/// The next job, fetching pages as needed. On success `*job_out` is a new job the caller frees with
/// `cibatch_job_free`, or NULL after the last job. Paging ends as for `cibatch_pager_next`; after any error the
/// iterator is done.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_iter_next(
    iter: *mut cibatch_job_iter,
    job_out: *mut *mut cibatch_job,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let iter = arg_mut(iter, "iter")?;
        produce_next(job_out, "job_out", || Ok(iter.cursor.next_job(&iter.client).transpose()?.map(cibatch_job::new)))
    })
}

/// With `keep_pages`: the oldest page fetched and not yet taken, or NULL when there is none. On success
/// `*page_out` is a new list (that page's jobs, next token, request id and type) the caller frees with
/// `cibatch_job_list_free`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_iter_take_page(
    iter: *mut cibatch_job_iter,
    page_out: *mut *mut cibatch_job_list,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let iter = arg_mut(iter, "iter")?;
        produce_next(page_out, "page_out", || Ok(iter.cursor.take_page().map(cibatch_job_list::page)))
    })
}

/// Pages fetched so far, of every type (0 for a NULL `iter`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_iter_pages_fetched(iter: *const cibatch_job_iter) -> u32 {
    read(iter, |i| i.cursor.pages_fetched())
}

/// Frees an iterator. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_job_iter_free(iter: *mut cibatch_job_iter) {
    guard((), || free_box(iter))
}
