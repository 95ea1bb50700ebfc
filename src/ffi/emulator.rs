//! The emulator, for C, Python and Go tests and for users' own tests.

use super::*;
use crate::emulator::{Emulator, EmulatorClock, EmulatorConfig, Fault};
use crate::JobState;
use std::time::Duration;

/// A running emulator. Thread-safe: its functions may be called from any thread, also while clients use it.
pub struct cibatch_emulator {
    emulator: Emulator,
    endpoint: CString,
    bucket: CString,
    region: CString,
    secret_id: CString,
    secret_key: CString,
    token: Option<CString>,
}

/// Faults without parameters (`cibatch_emulator_inject`'s `fault`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cibatch_fault {
    /// Close the connection without answering or handling the request.
    CIBATCH_FAULT_CLOSE_CONNECTION = 0,
    /// Handle the request, then send the full `Content-Length` but only half the body, and close.
    CIBATCH_FAULT_CUT_BODY = 1,
    /// Handle the request, then answer 200 with the XML cut in half.
    CIBATCH_FAULT_TRUNCATED_XML = 2,
    /// Handle the request, then answer 200 with a body that is not well-formed XML.
    CIBATCH_FAULT_MALFORMED_XML = 3,
    /// Answer 200 with no jobs and a `NextToken` never given before, without handling the request.
    CIBATCH_FAULT_EMPTY_PAGE = 4,
    /// Handle the request, then close the connection without answering (an answer lost on the way back).
    CIBATCH_FAULT_LOSE_ANSWER = 5,
}

/// The emulator's answers where the service's documents are silent (`cibatch_emulator_set_switch`'s `which`).
/// All are off when an emulator starts.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cibatch_emulator_switch {
    /// A list without `type` covers only `Workflow` jobs (off: both types).
    CIBATCH_SWITCH_LIST_DEFAULT_WORKFLOW = 0,
    /// A describe of several comma-joined IDs is answered as one unknown ID, the whole joined string.
    CIBATCH_SWITCH_DESCRIBE_JOINED_AS_ONE_ID = 1,
    /// The last page of a listing repeats the `nextToken` it was asked with instead of an empty `NextToken`.
    CIBATCH_SWITCH_REPEAT_LAST_TOKEN = 2,
}

/// What moves the emulator's jobs from `Submitted` to `Running` to their end (`cibatch_emulator_set_clock`'s
/// `clock`). Tests that assert a sequence of states or a duration use `MANUAL` or `PER_DESCRIBE`, so that no load on
/// the machine changes what they see.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cibatch_emulator_clock {
    /// Real time (the default): a job is `Submitted` for `submitted_ms`, then `Running` for `running_ms`, plus any
    /// `cibatch_emulator_advance`.
    CIBATCH_EMULATOR_CLOCK_WALL = 0,
    /// Time stands still until `cibatch_emulator_advance` moves it.
    CIBATCH_EMULATOR_CLOCK_MANUAL = 1,
    /// Each describe that returns a job moves it one state on, after answering: the first describe after create
    /// says `Submitted`, the second `Running`, the third and later its end. Lists and time do not move jobs.
    CIBATCH_EMULATOR_CLOCK_PER_DESCRIBE = 2,
}

/// Starts an emulator on 127.0.0.1: `port` 0 picks a free one. With `session_token` (may be NULL) every request must
/// carry and sign that token. New jobs stay `Submitted` for `submitted_ms` and then `Running` for `running_ms`
/// before they succeed (0 and 0 give 200 ms and 800 ms). On success `*emulator_out` is a running emulator the caller
/// stops and frees with `cibatch_emulator_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_start(
    port: u16,
    session_token: *const c_char,
    submitted_ms: u64,
    running_ms: u64,
    emulator_out: *mut *mut cibatch_emulator,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let token = arg_opt_str(session_token, "session_token")?;
        check_out(emulator_out, "emulator_out")?;
        let mut cfg = EmulatorConfig { port, session_token: token.map(str::to_string), ..Default::default() };
        if submitted_ms > 0 || running_ms > 0 {
            cfg.submitted_for = Duration::from_millis(submitted_ms);
            cfg.running_for = Duration::from_millis(running_ms);
        }
        let emulator = Emulator::start(cfg)
            .map_err(|e| cibatch_error::new(CIBATCH_IO, format!("cannot start the emulator on port {port}: {e}")))?;
        give(
            emulator_out,
            cibatch_emulator {
                endpoint: cstring(&emulator.endpoint()),
                bucket: cstring(emulator.bucket()),
                region: cstring(emulator.region()),
                secret_id: cstring(emulator.secret_id()),
                secret_key: cstring(emulator.secret_key()),
                token: emulator.session_token().map(cstring),
                emulator,
            },
        );
        Ok(())
    })
}

/// `"http://127.0.0.1:PORT"`. Every string an emulator getter returns is borrowed: valid until the emulator is
/// freed. NULL for a NULL `emulator`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_endpoint(emulator: *const cibatch_emulator) -> *const c_char {
    read(emulator, |e| e.endpoint.as_ptr())
}

/// The emulated bucket, `"examplebucket-1250000000"`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_bucket(emulator: *const cibatch_emulator) -> *const c_char {
    read(emulator, |e| e.bucket.as_ptr())
}

/// The emulated region, `"ap-beijing"`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_region(emulator: *const cibatch_emulator) -> *const c_char {
    read(emulator, |e| e.region.as_ptr())
}

/// The SecretId the emulator accepts.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_secret_id(emulator: *const cibatch_emulator) -> *const c_char {
    read(emulator, |e| e.secret_id.as_ptr())
}

/// The SecretKey the emulator accepts (a local-only test key).
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_secret_key(emulator: *const cibatch_emulator) -> *const c_char {
    read(emulator, |e| e.secret_key.as_ptr())
}

/// The session token the emulator requires, or NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_session_token(emulator: *const cibatch_emulator) -> *const c_char {
    read(emulator, |e| opt_ptr(&e.token))
}

/// The port it listens on (0 for a NULL `emulator`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_port(emulator: *const cibatch_emulator) -> u16 {
    read(emulator, |e| e.emulator.port())
}

/// A client configuration for this emulator (endpoint, bucket, region, keys, token). On success `*config_out` is
/// a new configuration the caller frees with `cibatch_config_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_client_config(
    emulator: *const cibatch_emulator,
    config_out: *mut *mut cibatch_config,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let e = arg_ref(emulator, "emulator")?;
        produce(config_out, "config_out", || Ok(cibatch_config { config: e.emulator.client_config() }))
    })
}

unsafe fn inject(
    emulator: *const cibatch_emulator,
    times: u32,
    error: *mut *mut cibatch_error,
    fault: impl FnOnce() -> FfiResult<Fault>,
) -> cibatch_result {
    call(error, || {
        let e = arg_ref(emulator, "emulator")?;
        e.emulator.inject(fault()?, times);
        Ok(())
    })
}

/// The next `times` requests get HTTP `status` with an `<Error>` body carrying `code` (e.g. 503, `"SlowDown"`),
/// without being handled.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_inject_status(
    emulator: *const cibatch_emulator,
    status: u16,
    code: *const c_char,
    times: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    inject(emulator, times, error, || Ok(Fault::status(status, arg_str(code, "code")?)))
}

/// The next `times` requests are handled after a delay of `delay_ms`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_inject_delay(
    emulator: *const cibatch_emulator,
    delay_ms: u64,
    times: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    inject(emulator, times, error, || Ok(Fault::Delay(Duration::from_millis(delay_ms))))
}

/// The next `times` requests get a 200 answer of about `bytes` bytes, without being handled.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_inject_huge_body(
    emulator: *const cibatch_emulator,
    bytes: usize,
    times: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    inject(emulator, times, error, || Ok(Fault::HugeBody(bytes)))
}

/// The next `times` requests get `fault` (a `cibatch_fault`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_inject(
    emulator: *const cibatch_emulator,
    fault: u32,
    times: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    use cibatch_fault::*;
    inject(emulator, times, error, || match fault {
        f if f == CIBATCH_FAULT_CLOSE_CONNECTION as u32 => Ok(Fault::CloseConnection),
        f if f == CIBATCH_FAULT_CUT_BODY as u32 => Ok(Fault::CutBody),
        f if f == CIBATCH_FAULT_TRUNCATED_XML as u32 => Ok(Fault::TruncatedXml),
        f if f == CIBATCH_FAULT_MALFORMED_XML as u32 => Ok(Fault::MalformedXml),
        f if f == CIBATCH_FAULT_EMPTY_PAGE as u32 => Ok(Fault::EmptyPage),
        f if f == CIBATCH_FAULT_LOSE_ANSWER as u32 => Ok(Fault::LoseAnswer),
        _ => Err(Error::invalid("fault", format!("{fault} is not a cibatch_fault")).into()),
    })
}

/// Turns switch `which` (a `cibatch_emulator_switch`) on or off, for the requests that follow.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_set_switch(
    emulator: *const cibatch_emulator,
    which: u32,
    on: bool,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        use crate::emulator::ListTypeDefault;
        use cibatch_emulator_switch::*;
        let e = &arg_ref(emulator, "emulator")?.emulator;
        match which {
            w if w == CIBATCH_SWITCH_LIST_DEFAULT_WORKFLOW as u32 => {
                e.set_list_type_default(if on { ListTypeDefault::Workflow } else { ListTypeDefault::Both })
            }
            w if w == CIBATCH_SWITCH_DESCRIBE_JOINED_AS_ONE_ID as u32 => e.set_joined_describe_unknown(on),
            w if w == CIBATCH_SWITCH_REPEAT_LAST_TOKEN as u32 => e.set_repeat_last_token(on),
            _ => return Err(Error::invalid("which", format!("{which} is not a cibatch_emulator_switch")).into()),
        }
        Ok(())
    })
}

/// Drops every queued fault.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_clear_faults(emulator: *const cibatch_emulator) {
    read(emulator, |e| e.emulator.clear_faults())
}

/// Jobs created so far (0 for a NULL `emulator`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_job_count(emulator: *const cibatch_emulator) -> usize {
    read(emulator, |e| e.emulator.job_count())
}

/// Requests received so far, faulted ones included (0 for a NULL `emulator`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_request_count(emulator: *const cibatch_emulator) -> u64 {
    read(emulator, |e| e.emulator.request_count())
}

/// Changes how long jobs stay `Submitted` and then `Running`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_set_timing(
    emulator: *const cibatch_emulator,
    submitted_ms: u64,
    running_ms: u64,
) {
    read(emulator, |e| e.emulator.set_timing(Duration::from_millis(submitted_ms), Duration::from_millis(running_ms)))
}

/// Puts the emulated service's clock `seconds` ahead of this machine's (negative: behind), to test clock skew.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_set_clock_skew(emulator: *const cibatch_emulator, seconds: i64) {
    read(emulator, |e| e.emulator.set_clock_skew(seconds))
}

/// Changes what moves jobs (`clock` is a `cibatch_emulator_clock`); the job clock goes on from where it is.
/// `CIBATCH_INVALID_INPUT` for an unknown `clock`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_set_clock(
    emulator: *const cibatch_emulator,
    clock: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        use cibatch_emulator_clock::*;
        let e = arg_ref(emulator, "emulator")?;
        let clock = match clock {
            c if c == CIBATCH_EMULATOR_CLOCK_WALL as u32 => EmulatorClock::Wall,
            c if c == CIBATCH_EMULATOR_CLOCK_MANUAL as u32 => EmulatorClock::Manual,
            c if c == CIBATCH_EMULATOR_CLOCK_PER_DESCRIBE as u32 => EmulatorClock::PerDescribe,
            _ => return Err(Error::invalid("clock", format!("{clock} is not a cibatch_emulator_clock")).into()),
        };
        e.emulator.set_clock(clock);
        Ok(())
    })
}

/// Moves the job clock forward by `ms` milliseconds, under any clock: jobs whose time in a state has passed move
/// on, and later jobs' times are that much later. Signatures are still checked against this machine's clock.
/// Does nothing for a NULL `emulator`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_advance(emulator: *const cibatch_emulator, ms: u64) {
    read(emulator, |e| e.emulator.advance(Duration::from_millis(ms)))
}

/// Makes job `job_id` end `Failed` with `code` and `message` instead of `Success`. `CIBATCH_INVALID_INPUT` when the
/// job does not exist or already ended.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_fail_job(
    emulator: *const cibatch_emulator,
    job_id: *const c_char,
    code: *const c_char,
    message: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let e = arg_ref(emulator, "emulator")?;
        let (id, code, message) = (arg_str(job_id, "job_id")?, arg_str(code, "code")?, arg_str(message, "message")?);
        if !e.emulator.fail_job(id, code, message) {
            return Err(Error::invalid("job_id", format!("{id} does not exist or already ended")).into());
        }
        Ok(())
    })
}

/// Adds objects to the emulated bucket: `count` keys `<prefix><n><suffix>`, `n` from 0 zero-padded to 5 digits
/// (`count` 1, with `prefix` the whole key and `suffix` NULL, adds the key `prefix` alone, unnumbered). A batch
/// job created afterwards fans out over the objects under its `Prefix` (or its one `Object`): one workflow
/// execution per object per workflow ID, or one media job per object; they run while it runs and end with it.
/// `suffix` may be NULL. At most 1,000,000 objects a call.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_add_objects(
    emulator: *const cibatch_emulator,
    prefix: *const c_char,
    suffix: *const c_char,
    count: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let e = arg_ref(emulator, "emulator")?;
        let (prefix, suffix) = (arg_str(prefix, "prefix")?, arg_opt_str(suffix, "suffix")?);
        if count > 1_000_000 {
            return Err(Error::invalid("count", format!("{count} is more than 1000000")).into());
        }
        match (count, suffix) {
            (1, None) => e.emulator.add_objects([prefix]),
            _ => e.emulator.add_objects((0..count).map(|n| format!("{prefix}{n:05}{}", suffix.unwrap_or("")))),
        }
        Ok(())
    })
}

/// Objects in the emulated bucket (0 for a NULL `emulator`).
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_object_count(emulator: *const cibatch_emulator) -> usize {
    read(emulator, |e| e.emulator.object_count())
}

/// Units of batch jobs created afterwards whose object key matches `pattern` (`*` matches any run of characters)
/// end `Failed` with `code` and `message` (the first matching rule counts); the batch job still ends `Success`, as
/// the service's does once its fan-out finishes. The strings are copied.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_fail_objects(
    emulator: *const cibatch_emulator,
    pattern: *const c_char,
    code: *const c_char,
    message: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let e = arg_ref(emulator, "emulator")?;
        let (pattern, code, message) =
            (arg_str(pattern, "pattern")?, arg_str(code, "code")?, arg_str(message, "message")?);
        e.emulator.fail_objects(pattern, code, message);
        Ok(())
    })
}

/// Puts job `job_id` in `state` (`"Running"`, `"Pause"`, ...) now; it stays there. `CIBATCH_INVALID_INPUT` for an
/// unknown job.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_set_job_state(
    emulator: *const cibatch_emulator,
    job_id: *const c_char,
    state: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let e = arg_ref(emulator, "emulator")?;
        let (id, state) = (arg_str(job_id, "job_id")?, arg_str(state, "state")?);
        if !e.emulator.set_job_state(id, JobState::parse(state)) {
            return Err(Error::invalid("job_id", format!("{id} does not exist")).into());
        }
        Ok(())
    })
}

/// Stops the emulator (waiting for its threads) and frees it. NULL does nothing. Clients pointing at it then get
/// transport errors.
#[no_mangle]
pub unsafe extern "C" fn cibatch_emulator_free(emulator: *mut cibatch_emulator) {
    guard((), || free_box(emulator))
}
