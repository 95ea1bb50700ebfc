//! `cibatch_config`: a client configuration under construction, one setter per knob.

use super::*;
use crate::config::{check_clock_offset, check_duration, check_range, limits};
use crate::{Config, Credentials};
use std::time::Duration;

/// A client configuration under construction. Not thread-safe: use it from one thread at a time.
pub struct cibatch_config {
    pub(crate) config: Config,
}

editable!(cibatch_config => config: Config as "config";);

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
        produce(config_out, "config_out", || Ok(cibatch_config { config: Config::new(bucket, region, creds) }))
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
    call(error, || produce(config_out, "config_out", || Ok(cibatch_config { config: Config::from_env()? })))
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
    set(config, error, |c| &mut c.endpoint, || opt_text(endpoint, "endpoint"))
}

/// HTTPS (the default) or plain HTTP to the default host. Ignored when an endpoint is set.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_https(
    config: *mut cibatch_config,
    https: bool,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(config, error, |c| &mut c.https, || Ok(https))
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
    set(config, error, |c| &mut c.max_attempts, || Ok(check_range("max_attempts", max_attempts, limits::ATTEMPTS)?))
}

/// Whether create is retried too (default false: the API has no idempotency token, so a create sent again can
/// start a second job; see `cibatch_config_set_resolve_creates` for the safe alternative).
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_retry_create(
    config: *mut cibatch_config,
    retry_create: bool,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(config, error, |c| &mut c.retry_create, || Ok(retry_create))
}

/// The full-jitter exponential backoff between attempts: before retry n the client waits a random time in
/// `[0, min(cap_ms, base_ms * 2^(n-1))]` (defaults 200 ms and 5 s). 0 keeps the current value of either; a value
/// above a day is `CIBATCH_INVALID_INPUT` and nothing changes.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_backoff(
    config: *mut cibatch_config,
    base_ms: u64,
    cap_ms: u64,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    edit(config, error, |c| {
        let checked = |argument, ms: u64| -> FfiResult<Option<Duration>> {
            if ms == 0 {
                return Ok(None);
            }
            check_duration(argument, Duration::from_millis(ms))?;
            Ok(Some(Duration::from_millis(ms)))
        };
        let (base, cap) = (checked("base_ms", base_ms)?, checked("cap_ms", cap_ms)?);
        c.backoff_base = base.unwrap_or(c.backoff_base);
        c.backoff_cap = cap.unwrap_or(c.backoff_cap);
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
    set(
        config,
        error,
        |c| &mut c.max_response_bytes,
        || Ok(check_range("max_bytes", max_bytes, limits::RESPONSE_BYTES)?),
    )
}

/// The deepest XML nesting accepted in a response (default 32; 4 to 256, else `CIBATCH_INVALID_INPUT`); past it a
/// call fails with `CIBATCH_INVALID_RESPONSE` instead of using unbounded memory.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_max_xml_depth(
    config: *mut cibatch_config,
    max_depth: u32,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(
        config,
        error,
        |c| &mut c.max_xml_depth,
        || Ok(check_range("max_depth", max_depth as usize, limits::XML_DEPTH)?),
    )
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
    set(config, error, |c| &mut c.clock_offset, || Ok(check_clock_offset(seconds)?))
}

/// A PEM file of root certificates to trust instead of the built-in (Mozilla) roots; NULL restores them. Read and
/// checked when the client is created. Certificate verification cannot be turned off.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_ca_bundle(
    config: *mut cibatch_config,
    pem_path: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(config, error, |c| &mut c.ca_bundle, || Ok(arg_opt_str(pem_path, "pem_path")?.map(std::path::PathBuf::from)))
}

/// An HTTP(S) proxy URL (`"http://proxy:3128"`, reached with CONNECT). NULL (the default) honours `ALL_PROXY`,
/// `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` from the environment. Checked when the client is created.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_set_proxy(
    config: *mut cibatch_config,
    proxy_url: *const c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    set(config, error, |c| &mut c.proxy, || opt_text(proxy_url, "proxy_url"))
}

/// Frees a configuration. NULL does nothing. Clients made from it are not affected.
#[no_mangle]
pub unsafe extern "C" fn cibatch_config_free(config: *mut cibatch_config) {
    guard((), || free_box(config))
}
