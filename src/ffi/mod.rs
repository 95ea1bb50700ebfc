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

mod callbacks;
mod cancel;
mod client;
mod config;
mod create;
#[cfg(feature = "emulator")]
mod emulator;
mod error;
mod job;
mod job_fields;
mod job_list;
mod listing;
mod report;
mod request;
mod result_options;
mod results;
mod sign;

// Rust callers of the C ABI (the fuzz targets) reach every export from here.
pub use callbacks::*;
pub use cancel::*;
pub use client::*;
pub use config::*;
pub use create::*;
#[cfg(feature = "emulator")]
pub use emulator::*;
pub use error::*;
pub use job::*;
pub use job_fields::*;
pub use job_list::*;
pub use listing::*;
pub use report::*;
pub use request::*;
pub use result_options::*;
pub use results::*;
pub use sign::*;

use crate::error::Error;
use cibatch_result::*;

use std::ffi::{c_char, CStr, CString};

use std::panic::{catch_unwind, AssertUnwindSafe};

/// A C string from Rust text; an interior NUL (which C cannot carry) ends the string there.
pub(crate) fn cstring(s: &str) -> CString {
    let end = s.find('\0').unwrap_or(s.len());
    CString::new(&s[..end]).unwrap_or_default()
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

/// An optional C string argument copied into an owned string: `None` for NULL.
///
/// # Safety
/// As [`arg_opt_str`].
pub(crate) unsafe fn opt_text(p: *const c_char, name: &'static str) -> FfiResult<Option<String>> {
    Ok(arg_opt_str(p, name)?.map(str::to_string))
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

/// A handle the caller lends mutably to a setter: the name its argument has, and the value it wraps.
pub(crate) trait Editable {
    type Inner;
    const ARGUMENT: &'static str;
    fn inner(&mut self) -> &mut Self::Inner;
}

/// A setter: borrows `handle` mutably and edits the value inside it with `f`.
///
/// # Safety
/// `handle` is NULL or a live handle that no other thread uses meanwhile.
pub(crate) unsafe fn edit<H: Editable>(
    handle: *mut H,
    error: *mut *mut cibatch_error,
    f: impl FnOnce(&mut H::Inner) -> FfiResult<()>,
) -> cibatch_result {
    call(error, || f(arg_mut(handle, H::ARGUMENT)?.inner()))
}

/// Sets one field of an editable handle: `field` picks it, `value` reads the new value from the arguments. As with
/// [`edit`], the handle is checked first and everything runs inside the boundary; on an error the field is unchanged.
///
/// # Safety
/// As [`edit`].
pub(crate) unsafe fn set<H: Editable, T>(
    handle: *mut H,
    error: *mut *mut cibatch_error,
    field: impl FnOnce(&mut H::Inner) -> &mut T,
    value: impl FnOnce() -> FfiResult<T>,
) -> cibatch_result {
    edit(handle, error, |h| {
        *field(h) = value()?;
        Ok(())
    })
}

/// Implements [`Editable`] for handles that wrap one value in a field.
macro_rules! editable {
    ($($handle:ty => $field:ident: $inner:ty as $argument:literal;)*) => {$(
        impl $crate::ffi::Editable for $handle {
            type Inner = $inner;
            const ARGUMENT: &'static str = $argument;
            fn inner(&mut self) -> &mut $inner {
                &mut self.$field
            }
        }
    )*};
}

pub(crate) use editable;

/// What a getter returns when its handle is NULL (and if it panicked): NULL, 0, false, or a type's "other".
pub(crate) trait Fallback {
    const FALLBACK: Self;
}

macro_rules! fallback {
    ($($t:ty => $v:expr),* $(,)?) => {$(impl Fallback for $t { const FALLBACK: Self = $v; })*};
}

fallback!(() => (), bool => false, u16 => 0, u32 => 0, u64 => 0, usize => 0, i64 => 0);

impl<T> Fallback for *const T {
    const FALLBACK: Self = std::ptr::null();
}

impl<T> Fallback for *mut T {
    const FALLBACK: Self = std::ptr::null_mut();
}

/// A getter: `f` of the handle, or the result type's [`Fallback`] when `handle` is NULL.
///
/// # Safety
/// `handle` is NULL or a live handle.
pub(crate) unsafe fn read<H, R: Fallback>(handle: *const H, f: impl FnOnce(&H) -> R) -> R {
    guard(R::FALLBACK, || handle.as_ref().map_or(R::FALLBACK, f))
}

/// Checks that an out-parameter can be written.
pub(crate) fn check_out<T>(out: *mut *mut T, name: &'static str) -> FfiResult<()> {
    if out.is_null() {
        Err(cibatch_error::null(name))
    } else {
        Ok(())
    }
}

/// Moves `value` to the heap and hands it to the caller through `out`.
///
/// # Safety
/// `out` was checked by [`check_out`], and points to storage for one pointer.
pub(crate) unsafe fn give<T>(out: *mut *mut T, value: T) {
    *out = Box::into_raw(Box::new(value));
}

/// A constructor's ending: checks `out` first (nothing is done for a NULL one), then makes the value and hands it to
/// the caller through `out`.
///
/// # Safety
/// `out` is NULL or points to storage for one pointer.
pub(crate) unsafe fn produce<T>(
    out: *mut *mut T,
    name: &'static str,
    make: impl FnOnce() -> FfiResult<T>,
) -> FfiResult<()> {
    check_out(out, name)?;
    give(out, make()?);
    Ok(())
}

/// An iterator's step: as [`produce`], but `next` may find nothing more, and then `*out` becomes NULL.
///
/// # Safety
/// As [`produce`].
pub(crate) unsafe fn produce_next<T>(
    out: *mut *mut T,
    name: &'static str,
    next: impl FnOnce() -> FfiResult<Option<T>>,
) -> FfiResult<()> {
    check_out(out, name)?;
    match next()? {
        Some(value) => give(out, value),
        None => *out = std::ptr::null_mut(),
    }
    Ok(())
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

/// Frees a string this library returned as `char *` (for example from `cibatch_sign`). NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn cibatch_string_free(s: *mut c_char) {
    guard((), || {
        if !s.is_null() {
            // SAFETY: `s` came from `CString::into_raw` in this library and is freed once.
            drop(CString::from_raw(s));
        }
    })
}
