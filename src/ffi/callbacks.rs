//! The user's callbacks: a credentials provider and a logger, with the user data they carry and its release.

use super::*;
use crate::{Credentials, LogLevel};
use std::ffi::c_void;
use std::time::Duration;

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
