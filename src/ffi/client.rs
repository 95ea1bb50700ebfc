//! `cibatch_client` and the operations of the client.

use super::*;
use crate::config::check_duration;
use crate::{Client, WaitOptions};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A client for one bucket. Thread-safe: one client may be used by any number of threads at once, and should
/// be, to share its keep-alive connections.
///
/// Closing and freeing: `cibatch_client_close` marks the client closed and returns at once; calls already running
/// (on any thread, and the callbacks they make) finish normally, since each call keeps what it uses alive, and calls
/// that start after it fail with `CIBATCH_CLOSED`. `cibatch_client_free` closes and frees the handle; it too may be
/// called while other threads are inside calls on the client (what they use is released when the last of them
/// returns), but no call may start on the handle once `cibatch_client_free` has been called. So, to stop a client
/// other threads are using: `cibatch_client_close`, let those threads see `CIBATCH_CLOSED` and finish, then
/// `cibatch_client_free`. Both may be called from inside a callback of a call on the same client.
pub struct cibatch_client {
    client: Arc<Client>,
    closed: AtomicBool,
}

impl cibatch_client {
    pub(crate) fn new(client: Client) -> Self {
        cibatch_client { client: Arc::new(client), closed: AtomicBool::new(false) }
    }
}

/// The client behind a handle, for the duration of one call: refused once the handle is closed.
///
/// # Safety
/// `client` is NULL or a live handle.
pub(crate) unsafe fn live(client: *const cibatch_client) -> FfiResult<Arc<Client>> {
    let handle = arg_ref(client, "client")?;
    if handle.closed.load(Ordering::Acquire) {
        return Err(cibatch_error::new(CIBATCH_CLOSED, "the client is closed (cibatch_client_close was called)"));
    }
    Ok(handle.client.clone())
}

/// Called by `cibatch_client_wait_for_job` after every poll, on the waiting thread, with the job as just
/// described and whether its state changed since the previous poll (true on the first poll). Return true to go on
/// waiting, false to stop (the wait then returns `CIBATCH_CANCELLED`). `job` is borrowed for the duration of the
/// call only; `user_data` is passed through untouched.
pub type cibatch_wait_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, job: *const cibatch_job, state_changed: bool) -> bool>;

/// Checks `config` (bucket, region, endpoint, token, user agent; nothing is sent) and makes a client. The
/// configuration is copied: free it whenever you like. On success `*client_out` is a new client the caller frees
/// with `cibatch_client_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_new(
    config: *const cibatch_config,
    client_out: *mut *mut cibatch_client,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let config = arg_ref(config, "config")?.config.clone();
        produce(client_out, "client_out", || Ok(cibatch_client::new(Client::new(config)?)))
    })
}

/// `cibatch_config_from_env` and `cibatch_client_new` in one call.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_new_from_env(
    client_out: *mut *mut cibatch_client,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || produce(client_out, "client_out", || Ok(cibatch_client::new(Client::from_env()?))))
}

/// A client that shares `client`'s connections and whose every call, retries and waits included, ends within
/// `timeout_ms` from now (a per-call deadline, such as a Go context's): past it a call fails with a timeout
/// (`cibatch_error_is_timeout`). 0 is a deadline already passed; more than a day is `CIBATCH_INVALID_INPUT`. Cheap
/// enough to make per call. On success `*client_out` is a new client the caller frees with `cibatch_client_free`; it
/// may outlive `client`, and closing `client` does not close it.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_with_timeout(
    client: *const cibatch_client,
    timeout_ms: u64,
    client_out: *mut *mut cibatch_client,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let client = live(client)?;
        produce(client_out, "client_out", || {
            if timeout_ms > 0 {
                check_duration("timeout_ms", Duration::from_millis(timeout_ms))?;
            }
            let deadline = std::time::Instant::now() + Duration::from_millis(timeout_ms);
            Ok(cibatch_client::new(client.with_deadline(deadline)))
        })
    })
}

/// A client that shares `client`'s connections and whose every call stops when `cancel` fires (see
/// `cibatch_cancel_fire`): waits, backoffs, polls and waits for credentials end at once and a request in flight is
/// abandoned (its connection is shut down), the call failing with `CIBATCH_CANCELLED`. `cancel` may be NULL (no
/// token); `timeout_ms`, when not 0 (none), also bounds every call as `cibatch_client_with_timeout` does (at most a day).
/// The new client keeps what it needs of `cancel`: free the token whenever you like. On success `*client_out` is a
/// new client the caller frees with `cibatch_client_free`; it may outlive `client`, and closing `client` does not
/// close it.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_with_cancel(
    client: *const cibatch_client,
    cancel: *const cibatch_cancel,
    timeout_ms: u64,
    client_out: *mut *mut cibatch_client,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let client = live(client)?;
        produce(client_out, "client_out", || {
            let mut derived = match cancel.as_ref() {
                Some(c) => client.with_cancel(c.token.clone()),
                None => client.share(),
            };
            if timeout_ms > 0 {
                check_duration("timeout_ms", Duration::from_millis(timeout_ms))?;
                derived = derived.with_deadline(std::time::Instant::now() + Duration::from_millis(timeout_ms));
            }
            Ok(cibatch_client::new(derived))
        })
    })
}

/// The clock offset, in seconds, the client currently signs with (set, or learned from the service). 0 for a
/// NULL `client`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_clock_offset(client: *const cibatch_client) -> i64 {
    read(client, |c| c.client.clock_offset())
}

/// Marks a client closed (see `cibatch_client`): calls already running finish normally, calls that start after it
/// fail with `CIBATCH_CLOSED`. Returns at once; idempotent; NULL does nothing. Safe from any thread and from inside a
/// callback. The handle stays valid until `cibatch_client_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_close(client: *const cibatch_client) {
    read(client, |c| c.closed.store(true, Ordering::Release))
}

/// Whether `cibatch_client_close` (or nothing else) was called on this handle. False for NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_is_closed(client: *const cibatch_client) -> bool {
    read(client, |c| c.closed.load(Ordering::Acquire))
}

/// Closes and frees a client. NULL does nothing. Calls already running on other threads finish normally (each keeps
/// what it uses, released when the last of them returns), but no call may start on `client` once this has been
/// called: see `cibatch_client` for the safe order. Pagers and clients derived from it keep what they need and stay
/// usable.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_free(client: *mut cibatch_client) {
    guard((), || free_box(client))
}

/// A create: the client and request checked, then the job the service made into `*job_out`.
///
/// # Safety
/// As the create exports' arguments.
unsafe fn create<R>(
    client: *const cibatch_client,
    request: *const R,
    job_out: *mut *mut cibatch_job,
    error: *mut *mut cibatch_error,
    send: impl FnOnce(&Client, &R) -> crate::Result<crate::Job>,
) -> cibatch_result {
    call(error, || {
        let (client, request) = (live(client)?, arg_ref(request, "request")?);
        produce(job_out, "job_out", || Ok(cibatch_job::new(send(&client, request)?)))
    })
}

/// Creates a Workflow job (not retried unless `retry_create` is set). On success `*job_out` is a new job the
/// caller frees with `cibatch_job_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_create_workflow_job(
    client: *const cibatch_client,
    request: *const cibatch_workflow_request,
    job_out: *mut *mut cibatch_job,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    create(client, request, job_out, error, |client, r| client.create_workflow_job(&r.request))
}

/// Creates a Job-type job (not retried unless `retry_create` is set). On success `*job_out` is a new job the
/// caller frees with `cibatch_job_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_create_job(
    client: *const cibatch_client,
    request: *const cibatch_job_request,
    job_out: *mut *mut cibatch_job,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    create(client, request, job_out, error, |client, r| client.create_job(&r.request))
}

/// Describes one job. A job the service does not know is `CIBATCH_JOB_NOT_FOUND`. On success `*job_out` is a new
/// job the caller frees with `cibatch_job_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_describe_job(
    client: *const cibatch_client,
    job_id: *const c_char,
    job_out: *mut *mut cibatch_job,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let (client, job_id) = (live(client)?, arg_str(job_id, "job_id")?);
        produce(job_out, "job_out", || Ok(cibatch_job::new(client.describe_job(job_id)?)))
    })
}

/// Describes `count` jobs, comma-joined in one request per 4 KiB of path; if the service answers a joined path as
/// one unknown ID, each ID is described on its own. IDs the service does not know are listed by
/// `cibatch_job_list_non_exist_count`/`_get`, not reported as errors. On success `*list_out` is a new list the
/// caller frees with `cibatch_job_list_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_describe_jobs(
    client: *const cibatch_client,
    job_ids: *const *const c_char,
    count: usize,
    list_out: *mut *mut cibatch_job_list,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let client = live(client)?;
        let ids = arg_str_array(job_ids, count, "job_ids")?;
        produce(list_out, "list_out", || {
            let res = client.describe_jobs(&ids)?;
            Ok(cibatch_job_list::new(res.jobs, res.non_exist_job_ids, None, res.request_id))
        })
    })
}

/// One page of jobs. `options` may be NULL for the service's defaults. Options without a type send no `type`, so
/// the service's undocumented default applies (it may list `"Workflow"` jobs only); `cibatch_client_jobs` and
/// `cibatch_client_pages` cover both types. On success `*page_out` is a new list the caller frees with
/// `cibatch_job_list_free`; `cibatch_job_list_next_token` gives the next page's token.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_list_jobs(
    client: *const cibatch_client,
    options: *const cibatch_list_options,
    page_out: *mut *mut cibatch_job_list,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let client = live(client)?;
        let opts = options.as_ref().map(|o| o.options.clone()).unwrap_or_default();
        produce(page_out, "page_out", || {
            let page = client.list_jobs(&opts)?;
            Ok(cibatch_job_list::page(page))
        })
    })
}

/// A pager over every page of a listing, starting at the options' next token (`options` may be NULL). The
/// options are copied. On success `*pager_out` is a new pager the caller frees with `cibatch_pager_free`; it
/// keeps the client's connections alive and may outlive the client handle.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_pages(
    client: *const cibatch_client,
    options: *const cibatch_list_options,
    pager_out: *mut *mut cibatch_pager,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let client = live(client)?;
        let opts = options.as_ref().map(|o| o.options.clone()).unwrap_or_default();
        produce(pager_out, "pager_out", || Ok(cibatch_pager::new(client, opts)))
    })
}

/// Cancels a job. Cancelling a job that already ended is a `CIBATCH_SERVICE` error, except within one call: a
/// retried attempt (the earlier answer was lost) that is refused while the job is now `Cancel` is success.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_cancel_job(
    client: *const cibatch_client,
    job_id: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let (client, job_id) = (live(client)?, arg_str(job_id, "job_id")?);
        client.cancel_job(job_id)?;
        Ok(())
    })
}

/// Polls a job until it is `Success`, `Failed` or `Cancel`, at most `max_wait_ms` (0: 10 minutes), starting
/// every `initial_interval_ms` (0: 1 s; less than 10 ms is raised to 10 ms) and growing by 1.5x up to
/// `max_interval_ms` (0: 15 s); each at most a day, else `CIBATCH_INVALID_INPUT`. Every poll, retries and backoffs
/// included, ends by the wait's deadline. `on_poll` (may be
/// NULL) is called on the calling thread with `user_data` after every poll (see `cibatch_wait_callback`); it
/// returning false stops the wait with `CIBATCH_CANCELLED`. Past `max_wait_ms` the result is
/// `CIBATCH_WAIT_TIMEOUT`. On success `*job_out` is the terminal job, which the caller frees with
/// `cibatch_job_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_wait_for_job(
    client: *const cibatch_client,
    job_id: *const c_char,
    max_wait_ms: u64,
    initial_interval_ms: u64,
    max_interval_ms: u64,
    on_poll: cibatch_wait_callback,
    user_data: *mut c_void,
    job_out: *mut *mut cibatch_job,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let (client, job_id) = (live(client)?, arg_str(job_id, "job_id")?);
        produce(job_out, "job_out", || {
            let mut opts = WaitOptions::default();
            for (argument, ms, slot) in [
                ("max_wait_ms", max_wait_ms, &mut opts.max_wait),
                ("initial_interval_ms", initial_interval_ms, &mut opts.initial_interval),
                ("max_interval_ms", max_interval_ms, &mut opts.max_interval),
            ] {
                if ms > 0 {
                    check_duration(argument, Duration::from_millis(ms))?;
                    *slot = Duration::from_millis(ms);
                }
            }
            let job = client.wait_for_job_polling(job_id, &opts, |j, changed| match on_poll {
                Some(cb) => {
                    let handle = cibatch_job::new(j.clone());
                    // SAFETY: the caller supplied a function that accepts its own user_data and a borrowed job.
                    cb(user_data, &handle, changed)
                }
                None => true,
            })?;
            Ok(cibatch_job::new(job))
        })
    })
}
