//! Creates whose answer was lost: the resolving mode and the lookup (`crate::create`).

use super::*;
use crate::CreateRequest;
use std::time::{Duration, UNIX_EPOCH};

/// After a create fails with `CIBATCH_OUTCOME_UNKNOWN`, look for the job it may have made and return it when exactly
/// one matches the request (same type, name and input; same workflow ID, or same tag, queue ID and user data); create
/// once more when none does; fail with `CIBATCH_AMBIGUOUS_CREATE` when several do. Off by default; replaces
/// `retry_create` when on. Give jobs unique names for it to be reliable.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_resolve_creates(
    config: *mut cibatch_config,
    on: bool,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(config, error, |c| &mut c.resolve_creates, || Ok(on))
}

/// # Safety
/// `client` is NULL or a live handle; `list_out` is NULL or points to storage for one pointer.
unsafe fn find(
    client: *const cibatch_client,
    request: CreateRequest<'_>,
    since_unix: i64,
    list_out: *mut *mut cibatch_job_list,
) -> FfiResult<()> {
    let client = live(client)?;
    produce(list_out, "list_out", || {
        let since = UNIX_EPOCH + Duration::from_secs(since_unix.max(0) as u64);
        let jobs = client.find_created(request, since)?;
        Ok(cibatch_job_list::new(jobs, Vec::new(), None, String::new()))
    })
}

/// The jobs `request` may have made since `since_unix` (Unix seconds; a little before the first attempt, allowing for
/// clock skew), by the matching rules of `cibatch_config_set_resolve_creates`: ask after `CIBATCH_OUTCOME_UNKNOWN`,
/// or after a restart, before creating again. On success `*list_out` is a new list (0, 1 or more jobs) the caller
/// frees with `cibatch_job_list_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_find_created_workflow_job(
    client: *const cibatch_client,
    request: *const cibatch_workflow_request,
    since_unix: i64,
    list_out: *mut *mut cibatch_job_list,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || find(client, CreateRequest::Workflow(&arg_ref(request, "request")?.request), since_unix, list_out))
}

/// As `cibatch_client_find_created_workflow_job`, for a Job-type request.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_find_created_job(
    client: *const cibatch_client,
    request: *const cibatch_job_request,
    since_unix: i64,
    list_out: *mut *mut cibatch_job_list,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || find(client, CreateRequest::Job(&arg_ref(request, "request")?.request), since_unix, list_out))
}
