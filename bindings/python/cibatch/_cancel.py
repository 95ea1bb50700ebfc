"""CancelToken: stops the calls it is given, from any thread."""
from __future__ import annotations

import ctypes

from ._errors import call
from ._ffi import lib
from ._handle import Handle


class CancelToken(Handle):
    """Pass it as `cancel=` to any call; `cancel()` from any thread (or a callback) stops those calls at once:
    waits, retry backoffs and polls end, and a request in flight is abandoned, raising `cibatch.Cancelled`. Once
    cancelled it stays cancelled. Thread-safe."""

    def __init__(self) -> None:
        out = ctypes.c_void_p()
        call(lib.cibatch_cancel_new, ctypes.byref(out))
        super().__init__(out.value, lib.cibatch_cancel_free)

    def cancel(self) -> None:
        lib.cibatch_cancel_fire(self._handle)

    @property
    def cancelled(self) -> bool:
        return bool(lib.cibatch_cancel_is_fired(self._handle))

    def __repr__(self) -> str:
        return f"<cibatch.CancelToken {'cancelled' if self._ptr and self.cancelled else 'live'}>"

    def close(self) -> None:
        """Nothing to do: the token is freed when garbage collected, since any thread may still fire it."""

    def __del__(self) -> None:
        ptr, self._ptr = self._ptr, None
        if ptr:
            lib.cibatch_cancel_free(ptr)
