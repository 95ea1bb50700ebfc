//! `cibatch_result` and `cibatch_error`: what a failed call tells C, made from the core's `Error`.

use super::*;
use crate::error::Error;
use std::ffi::{c_char, CStr, CString};

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
    pub(crate) result: cibatch_result,
    /// For `CIBATCH_OUTCOME_UNKNOWN`, the result the failure behind it has; else `result`.
    cause: cibatch_result,
    message: CString,
    pub(crate) argument: Option<CString>,
    status: u16,
    code: Option<CString>,
    service_message: Option<CString>,
    request_id: Option<CString>,
    trace_id: Option<CString>,
    attempts: u32,
    timeout: bool,
    job_ids: Vec<CString>,
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

/// Gives `cibatch_result` its list of codes and their names, from one list of the variants: the match it makes is
/// exhaustive, so a code added to the enum and not here does not compile; numbers come from the enum itself.
macro_rules! result_names {
    ($($code:ident),* $(,)?) => {
        impl cibatch_result {
            const ALL: &'static [cibatch_result] = &[$($code),*];

            fn name(self) -> &'static CStr {
                match self {
                    $($code => {
                        const NAME: &CStr = match CStr::from_bytes_with_nul(concat!(stringify!($code), "\0").as_bytes()) {
                            Ok(name) => name,
                            Err(_) => panic!("a result code's name"),
                        };
                        NAME
                    })*
                }
            }
        }
    };
}

result_names!(
    CIBATCH_OK,
    CIBATCH_INVALID_INPUT,
    CIBATCH_TRANSPORT,
    CIBATCH_SERVICE,
    CIBATCH_INVALID_RESPONSE,
    CIBATCH_JOB_NOT_FOUND,
    CIBATCH_WAIT_TIMEOUT,
    CIBATCH_NULL_ARGUMENT,
    CIBATCH_INVALID_UTF8,
    CIBATCH_PANIC,
    CIBATCH_IO,
    CIBATCH_CANCELLED,
    CIBATCH_CREDENTIALS,
    CIBATCH_CLOSED,
    CIBATCH_OUTCOME_UNKNOWN,
    CIBATCH_AMBIGUOUS_CREATE,
);

/// A static name for a result code (a `cibatch_result` value: `"CIBATCH_OK"`, ...), or `"CIBATCH_UNKNOWN"`.
/// Never free it.
#[no_mangle]
pub extern "C" fn cibatch_result_name(result: i32) -> *const c_char {
    guard(std::ptr::null(), || {
        let code = cibatch_result::ALL.iter().find(|&&code| code as i32 == result);
        code.map_or(c"CIBATCH_UNKNOWN", |code| code.name()).as_ptr()
    })
}

/// The result code this error was returned with. `CIBATCH_NULL_ARGUMENT` if `error` is NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_result(error: *const cibatch_error) -> cibatch_result {
    guard(CIBATCH_PANIC, || error.as_ref().map_or(CIBATCH_NULL_ARGUMENT, |e| e.result))
}

/// A full human-readable message: operation, status, code, message, request id, trace id, attempts.
/// Never contains a secret key or token. Borrowed: valid until `error` is freed. NULL if `error` is NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_message(error: *const cibatch_error) -> *const c_char {
    read(error, |e| e.message.as_ptr())
}

/// For `CIBATCH_INVALID_INPUT`, `CIBATCH_NULL_ARGUMENT` and `CIBATCH_INVALID_UTF8`: the name of the argument
/// at fault. NULL otherwise. Borrowed: valid until `error` is freed.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_argument(error: *const cibatch_error) -> *const c_char {
    read(error, |e| opt_ptr(&e.argument))
}

/// The HTTP status of the answer, or 0 when there was none.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_status(error: *const cibatch_error) -> u16 {
    read(error, |e| e.status)
}

/// The service's error code (`"InvalidArgument"`, `"SlowDown"`, ...), or NULL. Borrowed: valid until `error`
/// is freed.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_code(error: *const cibatch_error) -> *const c_char {
    read(error, |e| opt_ptr(&e.code))
}

/// The service's own `Message`, or NULL. Borrowed: valid until `error` is freed.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_service_message(error: *const cibatch_error) -> *const c_char {
    read(error, |e| opt_ptr(&e.service_message))
}

/// The request id (from the body or the `x-ci-request-id` header), or NULL. Borrowed: valid until `error` is
/// freed.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_request_id(error: *const cibatch_error) -> *const c_char {
    read(error, |e| opt_ptr(&e.request_id))
}

/// The trace id, or NULL. Borrowed: valid until `error` is freed.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_trace_id(error: *const cibatch_error) -> *const c_char {
    read(error, |e| opt_ptr(&e.trace_id))
}

/// How many requests were sent for the failed call (0 when none was).
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_attempts(error: *const cibatch_error) -> u32 {
    read(error, |e| e.attempts)
}

/// True when the call failed because time ran out: a connect, read or whole-call timeout
/// (`CIBATCH_TRANSPORT`), or a wait that ended first (`CIBATCH_WAIT_TIMEOUT`). False for a NULL `error`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_is_timeout(error: *const cibatch_error) -> bool {
    read(error, |e| e.timeout)
}

/// For `CIBATCH_OUTCOME_UNKNOWN`, the result of the failure behind it (`CIBATCH_TRANSPORT` for a timeout or a reset,
/// `CIBATCH_SERVICE` for a 5xx, `CIBATCH_CANCELLED`, ...); for any other error, its result. `CIBATCH_NULL_ARGUMENT`
/// if `error` is NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_cause_result(error: *const cibatch_error) -> cibatch_result {
    guard(CIBATCH_PANIC, || error.as_ref().map_or(CIBATCH_NULL_ARGUMENT, |e| e.cause))
}

/// True for `CIBATCH_OUTCOME_UNKNOWN`: a create failed after its request may have reached the service, so a job may
/// exist now. False for a NULL `error`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_is_outcome_unknown(error: *const cibatch_error) -> bool {
    read(error, |e| e.result == CIBATCH_OUTCOME_UNKNOWN)
}

/// For `CIBATCH_AMBIGUOUS_CREATE`: how many jobs match the create (0 otherwise, and for NULL).
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_job_id_count(error: *const cibatch_error) -> usize {
    read(error, |e| e.job_ids.len())
}

/// For `CIBATCH_AMBIGUOUS_CREATE`: the ID of matching job `index`, or NULL when out of range. Borrowed: valid until
/// `error` is freed.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_job_id(error: *const cibatch_error, index: usize) -> *const c_char {
    read(error, |e| e.job_ids.get(index).map_or(std::ptr::null(), |c| c.as_ptr()))
}

/// Frees an error. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_error_free(error: *mut cibatch_error) {
    guard((), || free_box(error))
}
