//! `cibatch_config` and `cibatch_client`, and the operations of the client.

use super::job::{cibatch_job, cibatch_job_list, cibatch_pager};
use super::request::{cibatch_job_request, cibatch_list_options, cibatch_workflow_request};
use super::*;
use crate::config::{check_clock_offset, check_duration, check_range, limits};
use crate::{CancelToken, Client, Config, Credentials, LogLevel, WaitOptions};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A client configuration under construction. Not thread-safe: use it from one thread at a time.
pub struct cibatch_config {
    pub(crate) config: Config,
}

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

/// Starts a configuration for `bucket` (`name-appid`) in `region` (`ap-beijing`) with permanent keys.
/// Defaults: HTTPS to `<bucket>.ci.<region>.myqcloud.com`, 60 s per attempt, 10 s to connect, 30 s per read,
/// 3 attempts for describe/list/cancel, create not retried. The strings are copied.
/// On success `*config_out` is a new configuration the caller frees with `cibatch_config_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_new(
    bucket: *const c_char,
    region: *const c_char,
    secret_id: *const c_char,
    secret_key: *const c_char,
    config_out: *mut *mut cibatch_config,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let (bucket, region) = (arg_str(bucket, "bucket")?, arg_str(region, "region")?);
        let creds = Credentials::new(arg_str(secret_id, "secret_id")?, arg_str(secret_key, "secret_key")?);
        check_out(config_out, "config_out")?;
        give(config_out, cibatch_config { config: Config::new(bucket, region, creds) });
        Ok(())
    })
}

/// A configuration from the environment: `CIBATCH_BUCKET`, `CIBATCH_REGION`, optional `CIBATCH_ENDPOINT`,
/// and `TENCENTCLOUD_SECRET_ID`/`TENCENTCLOUD_SECRET_KEY`/`TENCENTCLOUD_SESSION_TOKEN` (else `COS_SECRET_ID`/
/// `COS_SECRET_KEY`). A missing variable is `CIBATCH_INVALID_INPUT` naming it.
/// On success `*config_out` is a new configuration the caller frees with `cibatch_config_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_from_env(
    config_out: *mut *mut cibatch_config,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        check_out(config_out, "config_out")?;
        give(config_out, cibatch_config { config: Config::from_env()? });
        Ok(())
    })
}

unsafe fn edit(
    config: *mut cibatch_config,
    error: *mut *mut cibatch_error,
    f: impl FnOnce(&mut Config) -> FfiResult<()>,
) -> cibatch_result {
    call(error, || f(&mut arg_mut(config, "config")?.config))
}

/// Temporary credentials: the session token, sent and signed as `x-ci-security-token`. NULL or "" removes it.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_token(
    config: *mut cibatch_config,
    token: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        c.credentials = c.credentials.clone().with_token(arg_opt_str(token, "token")?.unwrap_or(""));
        Ok(())
    })
}

/// A full base URL (`"http://127.0.0.1:9000"`) that replaces scheme and host. NULL restores the default host.
/// Checked when the client is created.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_endpoint(
    config: *mut cibatch_config,
    endpoint: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        c.endpoint = arg_opt_str(endpoint, "endpoint")?.map(str::to_string);
        Ok(())
    })
}

/// HTTPS (the default) or plain HTTP to the default host. Ignored when an endpoint is set.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_https(
    config: *mut cibatch_config,
    https: bool,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        c.https = https;
        Ok(())
    })
}

/// Timeouts in milliseconds: `total_ms` for a whole attempt, `connect_ms` to connect, `read_ms` for any one
/// read. 0 keeps the current value; more than a day (86,400,000) is `CIBATCH_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_timeouts(
    config: *mut cibatch_config,
    total_ms: u64,
    connect_ms: u64,
    read_ms: u64,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        for (argument, ms, slot) in [
            ("total_ms", total_ms, &mut c.timeout),
            ("connect_ms", connect_ms, &mut c.connect_timeout),
            ("read_ms", read_ms, &mut c.read_timeout),
        ] {
            if ms > 0 {
                check_duration(argument, Duration::from_millis(ms))?;
                *slot = Duration::from_millis(ms);
            }
        }
        Ok(())
    })
}

/// The `User-Agent` header, at most 512 bytes. Its characters are checked when the client is created.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_user_agent(
    config: *mut cibatch_config,
    user_agent: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        let ua = arg_str(user_agent, "user_agent")?;
        if ua.len() > limits::USER_AGENT_BYTES {
            return Err(Error::invalid("user_agent", format!("is {} bytes; at most 512 are sent", ua.len())).into());
        }
        c.user_agent = ua.to_string();
        Ok(())
    })
}

/// How many attempts in all describe, list and cancel make (and create, with `cibatch_config_set_retry_create`):
/// 1 to 10, default 3; out of range is `CIBATCH_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_max_attempts(
    config: *mut cibatch_config,
    max_attempts: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        check_range("max_attempts", max_attempts, limits::ATTEMPTS)?;
        c.max_attempts = max_attempts;
        Ok(())
    })
}

/// Whether create is retried too (default false: the API has no idempotency token, so a create sent again can
/// start a second job; see `cibatch_config_set_resolve_creates` for the safe alternative).
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_retry_create(
    config: *mut cibatch_config,
    retry_create: bool,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        c.retry_create = retry_create;
        Ok(())
    })
}

/// The full-jitter exponential backoff between attempts: before retry n the client waits a random time in
/// `[0, min(cap_ms, base_ms * 2^(n-1))]` (defaults 200 ms and 5 s). Each is more than 0 and at most a day, else
/// `CIBATCH_INVALID_INPUT` and nothing changes.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_backoff(
    config: *mut cibatch_config,
    base_ms: u64,
    cap_ms: u64,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        let (base, cap) = (Duration::from_millis(base_ms), Duration::from_millis(cap_ms));
        check_duration("base_ms", base)?;
        check_duration("cap_ms", cap)?;
        (c.backoff_base, c.backoff_cap) = (base, cap);
        Ok(())
    })
}

/// A convenience over `cibatch_config_set_max_attempts`, `cibatch_config_set_retry_create` and
/// `cibatch_config_set_backoff`, kept for compatibility: for `max_attempts`, `base_ms` and `cap_ms`, 0 keeps the
/// current value; `retry_create` is always set. Out of range is `CIBATCH_INVALID_INPUT` and nothing changes.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_retries(
    config: *mut cibatch_config,
    max_attempts: u32,
    retry_create: bool,
    base_ms: u64,
    cap_ms: u64,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        if max_attempts > 0 {
            check_range("max_attempts", max_attempts, limits::ATTEMPTS)?;
        }
        for (argument, ms) in [("base_ms", base_ms), ("cap_ms", cap_ms)] {
            if ms > 0 {
                check_duration(argument, Duration::from_millis(ms))?;
            }
        }
        if max_attempts > 0 {
            c.max_attempts = max_attempts;
        }
        c.retry_create = retry_create;
        if base_ms > 0 {
            c.backoff_base = Duration::from_millis(base_ms);
        }
        if cap_ms > 0 {
            c.backoff_cap = Duration::from_millis(cap_ms);
        }
        Ok(())
    })
}

/// The largest response body read (default 8 MiB, at most 1 GiB, at least 1); past it a call fails instead of
/// growing memory. Out of range is `CIBATCH_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_max_response_bytes(
    config: *mut cibatch_config,
    max_bytes: u64,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        check_range("max_bytes", max_bytes, limits::RESPONSE_BYTES)?;
        c.max_response_bytes = max_bytes;
        Ok(())
    })
}

/// The deepest XML nesting accepted in a response (default 32; 4 to 256, else `CIBATCH_INVALID_INPUT`); past it a
/// call fails with `CIBATCH_INVALID_RESPONSE` instead of using unbounded memory.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_max_xml_depth(
    config: *mut cibatch_config,
    max_depth: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        check_range("max_depth", max_depth as usize, limits::XML_DEPTH)?;
        c.max_xml_depth = max_depth as usize;
        Ok(())
    })
}

/// Seconds to add to this machine's clock when signing (default 0; at most a day either way, else
/// `CIBATCH_INVALID_INPUT`). The client also corrects it by itself when the service reports a skewed request time
/// and sends its `Date`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_clock_offset(
    config: *mut cibatch_config,
    seconds: i64,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        check_clock_offset(seconds)?;
        c.clock_offset = seconds;
        Ok(())
    })
}

/// A PEM file of root certificates to trust instead of the built-in (Mozilla) roots; NULL restores them. Read and
/// checked when the client is created. Certificate verification cannot be turned off.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_ca_bundle(
    config: *mut cibatch_config,
    pem_path: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        c.ca_bundle = arg_opt_str(pem_path, "pem_path")?.map(std::path::PathBuf::from);
        Ok(())
    })
}

/// An HTTP(S) proxy URL (`"http://proxy:3128"`, reached with CONNECT). NULL (the default) honours `ALL_PROXY`,
/// `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` from the environment. Checked when the client is created.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_proxy(
    config: *mut cibatch_config,
    proxy_url: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        c.proxy = arg_opt_str(proxy_url, "proxy_url")?.map(str::to_string);
        Ok(())
    })
}

/// Fresh credentials, filled in by a `cibatch_credentials_callback` with `cibatch_credentials_set`.
pub struct cibatch_credentials {
    value: Option<(Credentials, Option<std::time::SystemTime>)>,
}

/// Asked for fresh temporary credentials: fill `out` with `cibatch_credentials_set` and return true, or return
/// false when they cannot be had (the call then fails with `CIBATCH_CREDENTIALS`, unless the current ones are
/// still valid). Called before the first request and again 5 minutes before the credentials expire, by one
/// thread at a time (others wait): from any thread that uses the client, so `user_data` must be usable there.
pub type cibatch_credentials_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, out: *mut cibatch_credentials) -> bool>;

/// Fills `out` (inside a `cibatch_credentials_callback`) with SecretId, SecretKey, an optional session token
/// (NULL: none) and when they expire, in Unix seconds (0: never). The strings are copied.
#[no_mangle]
pub unsafe extern "C" fn cibatch_credentials_set(
    out: *mut cibatch_credentials,
    secret_id: *const c_char,
    secret_key: *const c_char,
    token: *const c_char,
    expires_at_unix: i64,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let out = arg_mut(out, "out")?;
        let mut creds = Credentials::new(arg_str(secret_id, "secret_id")?, arg_str(secret_key, "secret_key")?);
        if let Some(t) = arg_opt_str(token, "token")? {
            creds = creds.with_token(t);
        }
        let expires =
            (expires_at_unix > 0).then(|| std::time::UNIX_EPOCH + Duration::from_secs(expires_at_unix as u64));
        out.value = Some((creds, expires));
        Ok(())
    })
}

/// Called once with a callback's `user_data` when nothing can call that callback any more: no configuration,
/// client or pager holds it. The place to free `user_data` (or a binding's handle to it). May be NULL.
pub type cibatch_release_callback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// A callback's user data, released when the last holder of the callback goes.
struct UserData {
    ptr: *mut c_void,
    release: cibatch_release_callback,
}

// SAFETY: the header requires `user_data` to be usable from any thread that uses the client.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

impl Drop for UserData {
    fn drop(&mut self) {
        if let Some(release) = self.release {
            // SAFETY: the caller's function with its own user data, called once.
            unsafe { release(self.ptr) };
        }
    }
}

struct CallbackProvider {
    callback: unsafe extern "C" fn(*mut c_void, *mut cibatch_credentials) -> bool,
    user_data: UserData,
}

impl crate::CredentialsProvider for CallbackProvider {
    fn fetch(&self) -> Result<(Credentials, Option<std::time::SystemTime>), String> {
        let mut out = cibatch_credentials { value: None };
        // SAFETY: a function pointer the caller registered, with its own user data.
        let ok = unsafe { (self.callback)(self.user_data.ptr, &mut out) };
        match (ok, out.value) {
            (true, Some(v)) => Ok(v),
            (true, None) => {
                Err("the credentials callback returned true without calling cibatch_credentials_set".into())
            }
            (false, _) => Err("the credentials callback could not provide credentials".into()),
        }
    }
}

/// Makes the client ask `callback` for temporary credentials (see `cibatch_credentials_callback`) instead of using
/// the configuration's keys; NULL goes back to them. `user_data` is passed through untouched and must stay valid
/// until `release` (may be NULL) is called with it (never when `callback` is NULL): once, when no configuration, client or pager can call `callback`
/// any more (which may be after `cibatch_client_free`, while a pager or a running call still uses the client). When
/// this call fails, `release` is not called and `user_data` stays the caller's.
///
/// The provider runs with no lock held. A call it makes on a client that shares these credentials fails at once with
/// `CIBATCH_CREDENTIALS` (it would wait for the credentials being fetched); calls on other clients work.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_credentials_provider(
    config: *mut cibatch_config,
    callback: cibatch_credentials_callback,
    user_data: *mut c_void,
    release: cibatch_release_callback,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        c.credentials_provider = callback.map(|callback| {
            std::sync::Arc::new(CallbackProvider { callback, user_data: UserData { ptr: user_data, release } })
                as std::sync::Arc<dyn crate::CredentialsProvider>
        });
        Ok(())
    })
}

/// Log levels (`cibatch_log_callback`'s `level`, `cibatch_config_set_logger`'s `max_level`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cibatch_log_level {
    CIBATCH_LOG_ERROR = 1,
    CIBATCH_LOG_WARN = 2,
    CIBATCH_LOG_INFO = 3,
    CIBATCH_LOG_DEBUG = 4,
}

/// Receives a log message: `level` is a `cibatch_log_level`, `message` is borrowed for the call only and never
/// contains a secret key or token. Called from whichever thread makes a call, possibly several at once.
pub type cibatch_log_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: cibatch_log_level, message: *const c_char)>;

struct CallbackLogger {
    callback: unsafe extern "C" fn(*mut c_void, cibatch_log_level, *const c_char),
    user_data: UserData,
}

impl CallbackLogger {
    fn emit(&self, level: LogLevel, message: &str) {
        let level = match level {
            LogLevel::Error => cibatch_log_level::CIBATCH_LOG_ERROR,
            LogLevel::Warn => cibatch_log_level::CIBATCH_LOG_WARN,
            LogLevel::Info => cibatch_log_level::CIBATCH_LOG_INFO,
            LogLevel::Debug => cibatch_log_level::CIBATCH_LOG_DEBUG,
        };
        let text = cstring(message);
        // SAFETY: the caller's function with its own user data; the message outlives the call.
        unsafe { (self.callback)(self.user_data.ptr, level, text.as_ptr()) };
    }
}

/// Sends the client's log messages at `max_level` (a `cibatch_log_level`) and more severe to `callback`; NULL turns
/// logging off. Debug messages give the operation, request line, status, request id, attempt and duration. The
/// logger is called with no lock held: it may make calls on the client. `user_data` must stay valid until `release`
/// (may be NULL) is called with it: once, when no configuration, client or pager can call `callback` any more. When
/// this call fails, `release` is not called.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_logger(
    config: *mut cibatch_config,
    callback: cibatch_log_callback,
    user_data: *mut c_void,
    max_level: u32,
    release: cibatch_release_callback,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        let level = match max_level {
            1 => LogLevel::Error,
            2 => LogLevel::Warn,
            3 => LogLevel::Info,
            4 => LogLevel::Debug,
            _ => return Err(Error::invalid("max_level", format!("{max_level} is not a cibatch_log_level")).into()),
        };
        c.log = callback.map(|callback| {
            let logger = CallbackLogger { callback, user_data: UserData { ptr: user_data, release } };
            let sink: crate::LogSink =
                std::sync::Arc::new(move |level: LogLevel, message: &str| logger.emit(level, message));
            (sink, level)
        });
        Ok(())
    })
}

/// Frees a configuration. NULL does nothing. Clients made from it are not affected.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_free(config: *mut cibatch_config) {
    guard((), || free_box(config))
}

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
        check_out(client_out, "client_out")?;
        give(client_out, cibatch_client::new(Client::new(config)?));
        Ok(())
    })
}

/// `cibatch_config_from_env` and `cibatch_client_new` in one call.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_new_from_env(
    client_out: *mut *mut cibatch_client,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        check_out(client_out, "client_out")?;
        give(client_out, cibatch_client::new(Client::from_env()?));
        Ok(())
    })
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
        check_out(client_out, "client_out")?;
        if timeout_ms > 0 {
            check_duration("timeout_ms", Duration::from_millis(timeout_ms))?;
        }
        let deadline = std::time::Instant::now() + Duration::from_millis(timeout_ms);
        give(client_out, cibatch_client::new(client.with_deadline(deadline)));
        Ok(())
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
        check_out(client_out, "client_out")?;
        let mut derived = match cancel.as_ref() {
            Some(c) => client.with_cancel(c.token.clone()),
            None => client.share(),
        };
        if timeout_ms > 0 {
            check_duration("timeout_ms", Duration::from_millis(timeout_ms))?;
            derived = derived.with_deadline(std::time::Instant::now() + Duration::from_millis(timeout_ms));
        }
        give(client_out, cibatch_client::new(derived));
        Ok(())
    })
}

/// The clock offset, in seconds, the client currently signs with (set, or learned from the service). 0 for a
/// NULL `client`.
#[no_mangle]
pub extern "C" fn cibatch_client_clock_offset(client: *const cibatch_client) -> i64 {
    guard(0, || unsafe { client.as_ref() }.map_or(0, |c| c.client.clock_offset()))
}

/// Marks a client closed (see `cibatch_client`): calls already running finish normally, calls that start after it
/// fail with `CIBATCH_CLOSED`. Returns at once; idempotent; NULL does nothing. Safe from any thread and from inside a
/// callback. The handle stays valid until `cibatch_client_free`.
#[no_mangle]
pub extern "C" fn cibatch_client_close(client: *const cibatch_client) {
    guard((), || {
        if let Some(c) = unsafe { client.as_ref() } {
            c.closed.store(true, Ordering::Release);
        }
    })
}

/// Whether `cibatch_client_close` (or nothing else) was called on this handle. False for NULL.
#[no_mangle]
pub extern "C" fn cibatch_client_is_closed(client: *const cibatch_client) -> bool {
    guard(false, || unsafe { client.as_ref() }.is_some_and(|c| c.closed.load(Ordering::Acquire)))
}

/// Closes and frees a client. NULL does nothing. Calls already running on other threads finish normally (each keeps
/// what it uses, released when the last of them returns), but no call may start on `client` once this has been
/// called: see `cibatch_client` for the safe order. Pagers and clients derived from it keep what they need and stay
/// usable.
#[no_mangle]
pub unsafe extern "C" fn cibatch_client_free(client: *mut cibatch_client) {
    guard((), || free_box(client))
}

/// A cancellation token: fire it from any thread to stop the calls of every client made with it by
/// `cibatch_client_with_cancel`. Thread-safe. Once fired it stays fired.
pub struct cibatch_cancel {
    token: CancelToken,
}

/// Makes a token. On success `*cancel_out` is a new token the caller frees with `cibatch_cancel_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_cancel_new(
    cancel_out: *mut *mut cibatch_cancel,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        check_out(cancel_out, "cancel_out")?;
        give(cancel_out, cibatch_cancel { token: CancelToken::new() });
        Ok(())
    })
}

/// Fires the token: calls carrying it stop within milliseconds with `CIBATCH_CANCELLED`, and later calls carrying it
/// fail at once. Idempotent; callable from any thread, including from inside a callback. NULL does nothing.
#[no_mangle]
pub extern "C" fn cibatch_cancel_fire(cancel: *const cibatch_cancel) {
    guard((), || {
        if let Some(c) = unsafe { cancel.as_ref() } {
            c.token.cancel();
        }
    })
}

/// Whether the token has fired. False for NULL.
#[no_mangle]
pub extern "C" fn cibatch_cancel_is_fired(cancel: *const cibatch_cancel) -> bool {
    guard(false, || unsafe { cancel.as_ref() }.is_some_and(|c| c.token.is_cancelled()))
}

/// Frees the caller's token. Clients made with it keep what they need. NULL does nothing. Must not be called while
/// another thread may still fire it.
#[no_mangle]
pub unsafe extern "C" fn cibatch_cancel_free(cancel: *mut cibatch_cancel) {
    guard((), || free_box(cancel))
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
    call(error, || {
        let (client, request) = (live(client)?, arg_ref(request, "request")?);
        check_out(job_out, "job_out")?;
        give(job_out, cibatch_job::new(client.create_workflow_job(&request.request)?));
        Ok(())
    })
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
    call(error, || {
        let (client, request) = (live(client)?, arg_ref(request, "request")?);
        check_out(job_out, "job_out")?;
        give(job_out, cibatch_job::new(client.create_job(&request.request)?));
        Ok(())
    })
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
        check_out(job_out, "job_out")?;
        give(job_out, cibatch_job::new(client.describe_job(job_id)?));
        Ok(())
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
        check_out(list_out, "list_out")?;
        let res = client.describe_jobs(&ids)?;
        give(list_out, cibatch_job_list::new(res.jobs, res.non_exist_job_ids, None, res.request_id));
        Ok(())
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
        check_out(page_out, "page_out")?;
        let page = client.list_jobs(&opts)?;
        give(page_out, cibatch_job_list::page(page));
        Ok(())
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
        check_out(pager_out, "pager_out")?;
        give(pager_out, cibatch_pager::new(client, opts));
        Ok(())
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
        check_out(job_out, "job_out")?;
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
        give(job_out, cibatch_job::new(job));
        Ok(())
    })
}
