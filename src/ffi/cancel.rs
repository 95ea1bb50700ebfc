//! `cibatch_cancel`: a token that stops the calls of the clients made with it.

use super::*;
use crate::CancelToken;

/// A cancellation token: fire it from any thread to stop the calls of every client made with it by
/// `cibatch_client_with_cancel`. Thread-safe. Once fired it stays fired.
pub struct cibatch_cancel {
    pub(crate) token: CancelToken,
}

/// Makes a token. On success `*cancel_out` is a new token the caller frees with `cibatch_cancel_free`.
#[no_mangle]
pub unsafe extern "C" fn cibatch_cancel_new(
    cancel_out: *mut *mut cibatch_cancel,
    error: *mut *mut cibatch_error,
) -> cibatch_result {
    call(error, || produce(cancel_out, "cancel_out", || Ok(cibatch_cancel { token: CancelToken::new() })))
}

/// Fires the token: calls carrying it stop within milliseconds with `CIBATCH_CANCELLED`, and later calls carrying it
/// fail at once. Idempotent; callable from any thread, including from inside a callback. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_cancel_fire(cancel: *const cibatch_cancel) {
    read(cancel, |c| c.token.cancel())
}

/// Whether the token has fired. False for NULL.
#[no_mangle]
pub unsafe extern "C" fn cibatch_cancel_is_fired(cancel: *const cibatch_cancel) -> bool {
    read(cancel, |c| c.token.is_cancelled())
}

/// Frees the caller's token. Clients made with it keep what they need. NULL does nothing. Must not be called while
/// another thread may still fire it.
#[no_mangle]
pub unsafe extern "C" fn cibatch_cancel_free(cancel: *mut cibatch_cancel) {
    guard((), || free_box(cancel))
}
