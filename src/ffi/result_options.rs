//! `cibatch_result_options`: which per-object results to list, and in what order.

use super::*;
use crate::{JobState, ResultOptions};

/// Filters and page size for a batch job's per-object results. Not thread-safe: use it from one thread at a time.
pub struct cibatch_result_options {
    pub(crate) options: ResultOptions,
}

editable!(cibatch_result_options => options: ResultOptions as "options";);

/// Empty result options: every result, the service's page size (10). On success `*options_out` is new options the
/// caller frees with `cibatch_result_options_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_options_new(
    options_out: *mut *mut cibatch_result_options,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        produce(options_out, "options_out", || Ok(cibatch_result_options { options: ResultOptions::default() }))
    })
}

/// Adds a state to match (`"Failed"`, `"Success"`, `"Running"`, `"Cancel"`, ...); none added means all states.
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_options_add_state(
    options: *mut cibatch_result_options,
    state: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(options, error, |o| {
        o.states.push(JobState::parse(arg_str(state, "state")?));
        Ok(())
    })
}

/// Only the result of this input object key (NULL: every object). The key is copied.
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_options_set_object(
    options: *mut cibatch_result_options,
    object: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(options, error, |o| &mut o.object, || opt_text(object, "object"))
}

/// Only results created between `start` and `end` (like `"2022-02-25T12:00:00+0800"`; `+08:00`, `Z` and `z` are read
/// too, and sent as `+hhmm`); either may be NULL (no bound). Checked when the walk starts.
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_options_set_creation_range(
    options: *mut cibatch_result_options,
    start: *const c_char,
    end: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(options, error, |o| {
        o.start_creation_time = opt_text(start, "start")?;
        o.end_creation_time = opt_text(end, "end")?;
        Ok(())
    })
}

/// Sort by creation time (`order` is a `cibatch_order`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_options_set_order(
    options: *mut cibatch_result_options,
    order: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(options, error, |o| &mut o.order_by_time, || Ok(Some(order_arg(order)?)))
}

/// Page size, 1 to 100 (else `CIBATCH_INVALID_INPUT` when the walk starts); 0 for the service's default (10).
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_options_set_size(
    options: *mut cibatch_result_options,
    size: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(options, error, |o| &mut o.size, || Ok((size > 0).then_some(size)))
}

/// Frees result options. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_result_options_free(options: *mut cibatch_result_options) {
    guard((), || free_box(options))
}
