//! The signer on its own.

use super::*;
use crate::signer::{authorization, SignInput};

/// Computes the `Authorization` header value (`q-sign-algorithm=sha1&q-ak=...`) for any COS/CI request:
/// `method` (`"GET"`), the decoded `path` (`"/inventorytriggerjob/abc"`), `param_count` query parameters as parallel
/// arrays of names and values (a parameter without value is `""`), `header_count` headers likewise (only the ones
/// the official SDKs sign are used: `host`, `content-*`, `x-cos-*`, `x-ci-*`, ...), the keys, and the key-time window
/// `[start, end]` in Unix seconds. Order does not matter. Arrays may be NULL when their count is 0.
/// On success `*authorization_out` is a new string the caller frees with `cibatch_string_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_sign(
    method: *const c_char,
    path: *const c_char,
    param_names: *const *const c_char,
    param_values: *const *const c_char,
    param_count: usize,
    header_names: *const *const c_char,
    header_values: *const *const c_char,
    header_count: usize,
    secret_id: *const c_char,
    secret_key: *const c_char,
    start: i64,
    end: i64,
    authorization_out: *mut *mut c_char,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || {
        let method = arg_str(method, "method")?;
        let path = arg_str(path, "path")?;
        let pn = arg_str_array(param_names, param_count, "param_names")?;
        let pv = arg_str_array(param_values, param_count, "param_values")?;
        let hn = arg_str_array(header_names, header_count, "header_names")?;
        let hv = arg_str_array(header_values, header_count, "header_values")?;
        let secret_id = arg_str(secret_id, "secret_id")?;
        let secret_key = arg_str(secret_key, "secret_key")?;
        check_out(authorization_out, "authorization_out")?;
        let params: Vec<(&str, &str)> = pn.into_iter().zip(pv).collect();
        let headers: Vec<(&str, &str)> = hn.into_iter().zip(hv).collect();
        let auth = authorization(&SignInput {
            method,
            path,
            params: &params,
            headers: &headers,
            secret_id,
            secret_key,
            start,
            end,
        });
        *authorization_out = cstring(&auth).into_raw();
        Ok(())
    })
}
