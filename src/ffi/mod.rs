//! The C ABI. Only this module knows about C: it checks pointers and UTF-8, calls the safe core, maps errors
//! and writes out-parameters. Every export runs inside `guard` or `call`, so no panic crosses into C.
//!
//! Conventions (also in the README, "C API conventions", and at the top of `include/cibatch.h`):
//! - Fallible functions return a `cibatch_result`; on failure they set `*error` (when `error` is not NULL) to a
//!   new `cibatch_error` the caller frees with `cibatch_error_free`. `*error` is never read.
//! - Out-parameters come last (before `error`) and are written only on success.
//! - Every pointer is checked: NULL gives `CIBATCH_NULL_ARGUMENT`, invalid UTF-8 `CIBATCH_INVALID_UTF8`.
//! - `_free(NULL)` does nothing. Strings returned as `const char *` are borrowed from their handle.
#![allow(non_camel_case_types)]
// C callers pass pointers that the header's contracts make valid or NULL; every one is NULL-checked. Marking the
// getters `unsafe fn` would change nothing for C, and this module is public only for the fuzz targets.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod client;
mod create;
#[cfg(feature = "emulator")]
mod emulator;
mod job;
mod listing;
mod request;
mod results;
mod sign;

// Rust callers of the C ABI (the fuzz targets) reach every export from here.
pub use client::*;
pub use create::*;
#[cfg(feature = "emulator")]
pub use emulator::*;
pub use job::*;
pub use listing::*;
pub use request::*;
pub use results::*;
pub use sign::*;

use crate::error::Error;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The outcome of a call. Numbers are stable and never reused.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cibatch_result {
    /// Success.
    CIBATCH_OK = 0,
    /// An argument was refused before anything was sent (see `cibatch_error_argument`).
    CIBATCH_INVALID_INPUT = 1,
    /// No HTTP answer: DNS, connect, timeout, TLS or a broken connection.
    CIBATCH_TRANSPORT = 2,
    /// The service answered with an error status (see `cibatch_error_status` and `cibatch_error_code`).
    CIBATCH_SERVICE = 3,
    /// The service answered with something that could not be read.
    CIBATCH_INVALID_RESPONSE = 4,
    /// A describe of one job found no such job.
    CIBATCH_JOB_NOT_FOUND = 5,
    /// Waiting ended before the job reached a terminal state.
    CIBATCH_WAIT_TIMEOUT = 6,
    /// A required pointer argument was NULL.
    CIBATCH_NULL_ARGUMENT = 7,
    /// A string argument was not valid UTF-8.
    CIBATCH_INVALID_UTF8 = 8,
    /// An internal error (a bug in cibatch) was caught before it could reach the caller.
    CIBATCH_PANIC = 9,
    /// The emulator could not start (for example, the port is in use).
    CIBATCH_IO = 10,
    /// The call was cancelled: its `cibatch_cancel` token fired, or the caller's wait callback stopped the wait.
    CIBATCH_CANCELLED = 11,
    /// The credentials provider failed and no valid credentials were left.
    CIBATCH_CREDENTIALS = 12,
    /// The client was closed (`cibatch_client_close`) before this call started.
    CIBATCH_CLOSED = 13,
    /// A create failed after its request may have reached the service: a job may or may not exist now. The error
    /// carries the failure's details (status, code, request id, timeout); look for the job with
    /// `cibatch_client_find_created_*`, or create with `cibatch_config_set_resolve_creates`.
    CIBATCH_OUTCOME_UNKNOWN = 14,
    /// A create whose answer was lost was looked for, and several jobs match it (`cibatch_error_job_id`): nothing more
    /// was created.
    CIBATCH_AMBIGUOUS_CREATE = 15,
}

use cibatch_result::*;

/// The detail of a failed call. Create by failing; free with `cibatch_error_free`.
pub struct cibatch_error {
    result: cibatch_result,
    /// For `CIBATCH_OUTCOME_UNKNOWN`, the result the failure behind it has; else `result`.
    cause: cibatch_result,
    message: CString,
    argument: Option<CString>,
    status: u16,
    code: Option<CString>,
    service_message: Option<CString>,
    request_id: Option<CString>,
    trace_id: Option<CString>,
    attempts: u32,
    timeout: bool,
    job_ids: Vec<CString>,
}

/// A C string from Rust text; an interior NUL (which C cannot carry) ends the string there.
pub(crate) fn cstring(s: &str) -> CString {
    let end = s.find('\0').unwrap_or(s.len());
    CString::new(&s[..end]).unwrap_or_default()
}

fn opt_cstring(s: Option<&str>) -> Option<CString> {
    s.filter(|s| !s.is_empty()).map(cstring)
}

impl cibatch_error {
    pub(crate) fn new(result: cibatch_result, message: impl AsRef<str>) -> Box<Self> {
        Box::new(cibatch_error {
            result,
            cause: result,
            message: cstring(message.as_ref()),
            argument: None,
            status: 0,
            code: None,
            service_message: None,
            request_id: None,
            trace_id: None,
            attempts: 0,
            timeout: false,
            job_ids: Vec::new(),
        })
    }

    pub(crate) fn null(argument: &'static str) -> Box<Self> {
        let mut e = cibatch_error::new(CIBATCH_NULL_ARGUMENT, format!("argument `{argument}` is NULL"));
        e.argument = Some(cstring(argument));
        e
    }
}

fn result_of(kind: crate::ErrorKind) -> cibatch_result {
    match kind {
        crate::ErrorKind::InvalidInput => CIBATCH_INVALID_INPUT,
        crate::ErrorKind::Transport => CIBATCH_TRANSPORT,
        crate::ErrorKind::Service => CIBATCH_SERVICE,
        crate::ErrorKind::InvalidResponse => CIBATCH_INVALID_RESPONSE,
        crate::ErrorKind::JobNotFound => CIBATCH_JOB_NOT_FOUND,
        crate::ErrorKind::WaitTimeout => CIBATCH_WAIT_TIMEOUT,
        crate::ErrorKind::Cancelled => CIBATCH_CANCELLED,
        crate::ErrorKind::Credentials => CIBATCH_CREDENTIALS,
        crate::ErrorKind::OutcomeUnknown => CIBATCH_OUTCOME_UNKNOWN,
        crate::ErrorKind::AmbiguousCreate => CIBATCH_AMBIGUOUS_CREATE,
    }
}

impl From<Error> for cibatch_error {
    fn from(e: Error) -> Self {
        let mut out = cibatch_error::new(result_of(e.kind()), e.to_string());
        out.cause = result_of(e.cause().kind());
        out.status = e.status().unwrap_or(0);
        out.code = opt_cstring(e.service_code());
        out.request_id = opt_cstring(e.request_id());
        out.trace_id = opt_cstring(e.trace_id());
        out.attempts = e.attempts();
        out.timeout = matches!(
            e.cause(),
            Error::Transport { kind: crate::TransportKind::Timeout, .. } | Error::WaitTimeout { .. }
        );
        match e.cause() {
            Error::InvalidInput { argument, .. } => out.argument = Some(cstring(argument)),
            Error::Service(se) => out.service_message = opt_cstring(Some(&se.message)),
            _ => {}
        }
        if let Error::AmbiguousCreate { job_ids, .. } = &e {
            out.job_ids = job_ids.iter().map(|id| cstring(id)).collect();
        }
        *out
    }
}

/// Boxed: an error object is made once per failure, and keeps every `Result` of the boundary small.
pub(crate) type FfiResult<T> = Result<T, Box<cibatch_error>>;

impl From<Error> for Box<cibatch_error> {
    fn from(e: Error) -> Self {
        Box::new(cibatch_error::from(e))
    }
}

/// Runs `f` so that no panic escapes; a panic returns `fallback`.
pub(crate) fn guard<R>(fallback: R, f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(|| {
        fault_hook();
        f()
    }))
    .unwrap_or(fallback)
}

/// Runs a fallible export: maps its error to a result code and, when asked, an error object.
pub(crate) fn call(error: *mut *mut cibatch_error, f: impl FnOnce() -> FfiResult<()>) -> cibatch_result {
    let e = match catch_unwind(AssertUnwindSafe(|| {
        fault_hook();
        f()
    })) {
        Ok(Ok(())) => return CIBATCH_OK,
        Ok(Err(e)) => e,
        Err(_) => cibatch_error::new(CIBATCH_PANIC, "internal error in cibatch (a panic was caught); please report it"),
    };
    let result = e.result;
    if !error.is_null() {
        // SAFETY: the caller passes either NULL or a pointer to writable storage for one pointer.
        unsafe { *error = Box::into_raw(e) };
    }
    result
}

/// Only in a build with the `test-hooks` feature (never a shipped one): while the environment variable
/// `CIBATCH_TEST_PANIC` is set, every export panics inside its boundary, so that tests in C can see the boundary
/// turn a panic into `CIBATCH_PANIC` (or a getter's fallback) and the process live on (`tests/c/test_panic.c`).
#[cfg(feature = "test-hooks")]
fn fault_hook() {
    if std::env::var_os("CIBATCH_TEST_PANIC").is_some() {
        panic!("CIBATCH_TEST_PANIC is set: a panic inside the boundary (test-hooks build)");
    }
}

#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
fn fault_hook() {}

/// Borrows a NUL-terminated UTF-8 argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives the returned borrow.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, name: &'static str) -> FfiResult<&'a str> {
    if p.is_null() {
        return Err(cibatch_error::null(name));
    }
    CStr::from_ptr(p).to_str().map_err(|e| {
        let mut err = cibatch_error::new(CIBATCH_INVALID_UTF8, format!("argument `{name}` is not valid UTF-8: {e}"));
        err.argument = Some(cstring(name));
        err
    })
}

/// As [`arg_str`], but NULL means "not given".
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn arg_opt_str<'a>(p: *const c_char, name: &'static str) -> FfiResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        arg_str(p, name).map(Some)
    }
}

/// Borrows a handle argument.
///
/// # Safety
/// `p` is NULL or a live handle of this type created by this library.
pub(crate) unsafe fn arg_ref<'a, T>(p: *const T, name: &'static str) -> FfiResult<&'a T> {
    p.as_ref().ok_or_else(|| cibatch_error::null(name))
}

/// As [`arg_ref`], mutably.
///
/// # Safety
/// As [`arg_ref`], and no other reference to the handle is in use.
pub(crate) unsafe fn arg_mut<'a, T>(p: *mut T, name: &'static str) -> FfiResult<&'a mut T> {
    p.as_mut().ok_or_else(|| cibatch_error::null(name))
}

/// An array of `count` C strings (`count` may be 0 with a NULL array).
///
/// # Safety
/// `p` is NULL (only with `count == 0`) or points to `count` valid string pointers.
pub(crate) unsafe fn arg_str_array<'a>(
    p: *const *const c_char,
    count: usize,
    name: &'static str,
) -> FfiResult<Vec<&'a str>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(cibatch_error::null(name));
    }
    std::slice::from_raw_parts(p, count).iter().map(|&s| arg_str(s, name)).collect()
}

/// Checks that an out-parameter can be written.
pub(crate) fn check_out<T>(out: *mut *mut T, name: &'static str) -> FfiResult<()> {
    if out.is_null() {
        Err(cibatch_error::null(name))
    } else {
        Ok(())
    }
}

/// Moves `value` to the heap and hands it to the caller through `out` (checked by [`check_out`]).
pub(crate) fn give<T>(out: *mut *mut T, value: T) {
    // SAFETY: `out` was checked non-NULL and the caller provides storage for one pointer.
    unsafe { *out = Box::into_raw(Box::new(value)) };
}

/// Frees a handle made by [`give`]; NULL does nothing.
///
/// # Safety
/// `p` is NULL or a handle of this type that has not been freed yet.
pub(crate) unsafe fn free_box<T>(p: *mut T) {
    if !p.is_null() {
        drop(Box::from_raw(p));
    }
}

/// A borrowed C string from an optional field: NULL when absent.
pub(crate) fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

static VERSION_C: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
    Ok(s) => s,
    Err(_) => panic!("version string"),
};

/// The library version, `"MAJOR.MINOR.PATCH"`. Static: never free it. Compare with `CIBATCH_VERSION` to detect
/// a header/library mismatch.
#[no_mangle]
pub extern "C" fn cibatch_version() -> *const c_char {
    guard(std::ptr::null(), || VERSION_C.as_ptr())
}

static BUILD_ID_C: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CIBATCH_BUILD_ID"), "\0").as_bytes()) {
    Ok(s) => s,
    Err(_) => panic!("build id"),
};

/// An identifier of this build of the library: 16 hex digits hashed (by `build.rs`) from the version, the
/// header and the Rust sources. Static: never free it. Packagers bake it into whatever they ship beside the
/// library (the Go module does), so a stale library of the same version is caught at start.
#[no_mangle]
pub extern "C" fn cibatch_build_id() -> *const c_char {
    guard(std::ptr::null(), || BUILD_ID_C.as_ptr())
}

/// A static name for a result code (a `cibatch_result` value: `"CIBATCH_OK"`, ...), or `"CIBATCH_UNKNOWN"`.
/// Never free it.
#[no_mangle]
pub extern "C" fn cibatch_result_name(result: i32) -> *const c_char {
    guard(std::ptr::null(), || {
        let name: &'static CStr = match result {
            0 => c"CIBATCH_OK",
            1 => c"CIBATCH_INVALID_INPUT",
            2 => c"CIBATCH_TRANSPORT",
            3 => c"CIBATCH_SERVICE",
            4 => c"CIBATCH_INVALID_RESPONSE",
            5 => c"CIBATCH_JOB_NOT_FOUND",
            6 => c"CIBATCH_WAIT_TIMEOUT",
            7 => c"CIBATCH_NULL_ARGUMENT",
            8 => c"CIBATCH_INVALID_UTF8",
            9 => c"CIBATCH_PANIC",
            10 => c"CIBATCH_IO",
            11 => c"CIBATCH_CANCELLED",
            12 => c"CIBATCH_CREDENTIALS",
            13 => c"CIBATCH_CLOSED",
            14 => c"CIBATCH_OUTCOME_UNKNOWN",
            15 => c"CIBATCH_AMBIGUOUS_CREATE",
            _ => c"CIBATCH_UNKNOWN",
        };
        name.as_ptr()
    })
}

/// The result code this error was returned with. `CIBATCH_NULL_ARGUMENT` if `error` is NULL.
#[no_mangle]
pub extern "C" fn cibatch_error_result(error: *const cibatch_error) -> cibatch_result {
    guard(CIBATCH_PANIC, || unsafe { error.as_ref() }.map_or(CIBATCH_NULL_ARGUMENT, |e| e.result))
}

/// A full human-readable message: operation, status, code, message, request id, trace id, attempts.
/// Never contains a secret key or token. Borrowed: valid until `error` is freed. NULL if `error` is NULL.
#[no_mangle]
pub extern "C" fn cibatch_error_message(error: *const cibatch_error) -> *const c_char {
    guard(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| e.message.as_ptr()))
}

/// For `CIBATCH_INVALID_INPUT`, `CIBATCH_NULL_ARGUMENT` and `CIBATCH_INVALID_UTF8`: the name of the argument
/// at fault. NULL otherwise. Borrowed: valid until `error` is freed.
#[no_mangle]
pub extern "C" fn cibatch_error_argument(error: *const cibatch_error) -> *const c_char {
    guard(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| opt_ptr(&e.argument)))
}

/// The HTTP status of the answer, or 0 when there was none.
#[no_mangle]
pub extern "C" fn cibatch_error_status(error: *const cibatch_error) -> u16 {
    guard(0, || unsafe { error.as_ref() }.map_or(0, |e| e.status))
}

/// The service's error code (`"InvalidArgument"`, `"SlowDown"`, ...), or NULL. Borrowed: valid until `error`
/// is freed.
#[no_mangle]
pub extern "C" fn cibatch_error_code(error: *const cibatch_error) -> *const c_char {
    guard(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| opt_ptr(&e.code)))
}

/// The service's own `Message`, or NULL. Borrowed: valid until `error` is freed.
#[no_mangle]
pub extern "C" fn cibatch_error_service_message(error: *const cibatch_error) -> *const c_char {
    guard(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| opt_ptr(&e.service_message)))
}

/// The request id (from the body or the `x-ci-request-id` header), or NULL. Borrowed: valid until `error` is
/// freed.
#[no_mangle]
pub extern "C" fn cibatch_error_request_id(error: *const cibatch_error) -> *const c_char {
    guard(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| opt_ptr(&e.request_id)))
}

/// The trace id, or NULL. Borrowed: valid until `error` is freed.
#[no_mangle]
pub extern "C" fn cibatch_error_trace_id(error: *const cibatch_error) -> *const c_char {
    guard(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| opt_ptr(&e.trace_id)))
}

/// How many requests were sent for the failed call (0 when none was).
#[no_mangle]
pub extern "C" fn cibatch_error_attempts(error: *const cibatch_error) -> u32 {
    guard(0, || unsafe { error.as_ref() }.map_or(0, |e| e.attempts))
}

/// True when the call failed because time ran out: a connect, read or whole-call timeout
/// (`CIBATCH_TRANSPORT`), or a wait that ended first (`CIBATCH_WAIT_TIMEOUT`). False for a NULL `error`.
#[no_mangle]
pub extern "C" fn cibatch_error_is_timeout(error: *const cibatch_error) -> bool {
    guard(false, || unsafe { error.as_ref() }.is_some_and(|e| e.timeout))
}

/// For `CIBATCH_OUTCOME_UNKNOWN`, the result of the failure behind it (`CIBATCH_TRANSPORT` for a timeout or a reset,
/// `CIBATCH_SERVICE` for a 5xx, `CIBATCH_CANCELLED`, ...); for any other error, its result. `CIBATCH_NULL_ARGUMENT`
/// if `error` is NULL.
#[no_mangle]
pub extern "C" fn cibatch_error_cause_result(error: *const cibatch_error) -> cibatch_result {
    guard(CIBATCH_PANIC, || unsafe { error.as_ref() }.map_or(CIBATCH_NULL_ARGUMENT, |e| e.cause))
}

/// True for `CIBATCH_OUTCOME_UNKNOWN`: a create failed after its request may have reached the service, so a job may
/// exist now. False for a NULL `error`.
#[no_mangle]
pub extern "C" fn cibatch_error_is_outcome_unknown(error: *const cibatch_error) -> bool {
    guard(false, || unsafe { error.as_ref() }.is_some_and(|e| e.result == CIBATCH_OUTCOME_UNKNOWN))
}

/// For `CIBATCH_AMBIGUOUS_CREATE`: how many jobs match the create (0 otherwise, and for NULL).
#[no_mangle]
pub extern "C" fn cibatch_error_job_id_count(error: *const cibatch_error) -> usize {
    guard(0, || unsafe { error.as_ref() }.map_or(0, |e| e.job_ids.len()))
}

/// For `CIBATCH_AMBIGUOUS_CREATE`: the ID of matching job `index`, or NULL when out of range. Borrowed: valid until
/// `error` is freed.
#[no_mangle]
pub extern "C" fn cibatch_error_job_id(error: *const cibatch_error, index: usize) -> *const c_char {
    guard(std::ptr::null(), || {
        unsafe { error.as_ref() }.and_then(|e| e.job_ids.get(index)).map_or(std::ptr::null(), |c| c.as_ptr())
    })
}

/// Frees an error. NULL does nothing.
#[no_mangle]
pub extern "C" fn cibatch_error_free(error: *mut cibatch_error) {
    guard((), || unsafe { free_box(error) })
}

/// Frees a string this library returned as `char *` (for example from `cibatch_sign`). NULL does nothing.
#[no_mangle]
pub extern "C" fn cibatch_string_free(s: *mut c_char) {
    guard((), || {
        if !s.is_null() {
            // SAFETY: `s` came from `CString::into_raw` in this library and is freed once.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}
