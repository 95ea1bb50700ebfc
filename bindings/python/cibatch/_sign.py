"""cibatch.sign: the COS request signature, computed by the library.

Signing is a hot path (a few microseconds in the library), so the call is made without ctypes' argument
conversion: every argument is already a ctypes value or bytes, built once per call; the library writes the result
into a union that reads both as an address (to free it) and as a C string (to copy it) without another foreign
call. The checks on Python values are those of every other call (`_args`), inlined for the common case; a failed
call is made again through the checked path (`_errors.call`), which raises the library's error.
"""
from __future__ import annotations

import ctypes
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from typing import Any, Iterable, Tuple

from . import _args
from ._errors import call
from ._ffi import lib

_sign = lib["cibatch_sign"]  # a second function object for the same symbol, with no argtypes
_sign.restype = ctypes.c_int
_free = lib.cibatch_string_free
_byref = ctypes.byref
_I64 = ctypes.c_int64
_I64_MIN, _I64_MAX = _args.I64
_CharPtrs = ctypes.c_char_p
_SMALL = 16
_SIZES = tuple(ctypes.c_size_t(n) for n in range(_SMALL + 1))
_ARRAYS = tuple(_CharPtrs * n for n in range(_SMALL + 1))


class _Out(ctypes.Union):
    """The `char **out` slot: `address` for cibatch_string_free, `text` to copy the string."""

    _fields_ = (("address", ctypes.c_void_p), ("text", ctypes.c_char_p))


def _text(value: object, name: str) -> bytes:
    if type(value) is str and "\0" not in value:
        return value.encode("utf-8", "surrogatepass")
    return _args.text(value, name)  # raises the precise error, or handles a str subclass


def _int64(value: object, name: str) -> ctypes.c_int64:
    return _I64(_args.integer(value, name, _I64_MIN, _I64_MAX))


_NO_PAIRS = (None, None, _SIZES[0])


def _arrays(pairs: Iterable[Tuple[str, str]], what: str) -> Tuple[Any, Any, ctypes.c_size_t]:
    """Parallel arrays of names and values, and their length (NULL arrays when there is none)."""
    if not isinstance(pairs, (list, tuple)):
        pairs = list(pairs)
    n = len(pairs)
    if not n:
        return _NO_PAIRS
    array = _ARRAYS[n] if n <= _SMALL else _CharPtrs * n
    names, values = array(), array()  # filled item by item: faster in ctypes than array(*items)
    i = 0
    for name, value in pairs:
        if type(name) is str and type(value) is str and "\0" not in name and "\0" not in value:
            names[i], values[i] = name.encode("utf-8", "surrogatepass"), value.encode("utf-8", "surrogatepass")
        else:
            names[i], values[i] = _text(name, what), _text(value, what)
        i += 1
    return names, values, (_SIZES[n] if n <= _SMALL else ctypes.c_size_t(n))


def _checked(*args: Any) -> str:
    """The same call through the checked path, with an error slot: raises the library's error (a failed signing
    fails again the same way: it depends on its arguments only)."""
    out = ctypes.c_void_p()
    call(lib.cibatch_sign, *args, ctypes.byref(out))
    try:
        return ctypes.string_at(out.value).decode()  # type: ignore[arg-type]
    finally:
        _free(out.value)


def sign(method: str, path: str, *, secret_id: str, secret_key: str, start: int, end: int,
         params: Iterable[Tuple[str, str]] = (), headers: Iterable[Tuple[str, str]] = ()) -> str:
    """The Authorization value (q-sign-algorithm=sha1) for any COS/CI request. `path` is the decoded path."""
    m, p = _text(method, "method"), _text(path, "path")
    pn, pv, pc = _arrays(params, "params")
    hn, hv, hc = _arrays(headers, "headers")
    i, k = _text(secret_id, "secret_id"), _text(secret_key, "secret_key")
    s = _I64(start) if type(start) is int and _I64_MIN <= start <= _I64_MAX else _int64(start, "start")
    e = _I64(end) if type(end) is int and _I64_MIN <= end <= _I64_MAX else _int64(end, "end")
    out = _Out()
    if _sign(m, p, pn, pv, pc, hn, hv, hc, i, k, s, e, _byref(out), None):
        return _checked(m, p, pn, pv, pc, hn, hv, hc, i, k, s, e)
    try:
        return out.text.decode()  # type: ignore[union-attr]
    finally:
        _free(out.address)
