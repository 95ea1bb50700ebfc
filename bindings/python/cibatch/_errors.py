"""The exception hierarchy, built from the library's error objects."""
from __future__ import annotations

import builtins
import ctypes
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from typing import Optional

from ._ffi import lib

OK, INVALID_INPUT, TRANSPORT, SERVICE, INVALID_RESPONSE, JOB_NOT_FOUND, WAIT_TIMEOUT = range(7)
NULL_ARGUMENT, INVALID_UTF8, PANIC, IO, CANCELLED, CREDENTIALS, CLOSED = range(7, 14)


class Error(Exception):
    """Root of every cibatch error. `str(e)` is the full message; no secret is ever in it."""

    def __init__(self, message: str, *, result: int = 0, status: int = 0, code: Optional[str] = None,
                 service_message: Optional[str] = None, request_id: Optional[str] = None,
                 trace_id: Optional[str] = None, attempts: int = 0, argument: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.result = result
        self.status = status
        self.code = code
        self.service_message = service_message
        self.request_id = request_id
        self.trace_id = trace_id
        self.attempts = attempts
        self.argument = argument


class InvalidArgument(Error, ValueError):
    """An argument was refused before anything was sent; `argument` names it."""


class TransportError(Error):
    """No HTTP answer: DNS, connect, TLS, a broken connection."""


class TimeoutError(TransportError, builtins.TimeoutError):
    """Time ran out: a connect/read/call timeout, or `wait_for_job` past its timeout."""


class ServiceError(Error):
    """The service answered with an error: `status`, `code`, `message` (the service's), `request_id`, `trace_id`."""

    def __init__(self, message: str, **kw):
        super().__init__(message, **kw)
        # For a ServiceError, `message` is the service's own message; str(e) keeps the full one.
        self.message = self.service_message or message


class InvalidResponse(Error):
    """The service answered with something that could not be read."""


class JobNotFound(Error, LookupError):
    """A described job does not exist."""


class CredentialsError(Error):
    """The credentials provider failed and no valid credentials were left."""


class Cancelled(Error):
    """The call was cancelled: its CancelToken fired (or a wait's callback stopped it)."""


class ClientClosed(Error, ValueError):
    """The client was closed before this call started."""


class EmulatorError(Error, OSError):
    """The emulator could not start (for example, the port is in use)."""


_BY_RESULT = {
    INVALID_INPUT: InvalidArgument, NULL_ARGUMENT: InvalidArgument, INVALID_UTF8: InvalidArgument,
    TRANSPORT: TransportError, SERVICE: ServiceError, INVALID_RESPONSE: InvalidResponse,
    JOB_NOT_FOUND: JobNotFound, WAIT_TIMEOUT: TimeoutError, IO: EmulatorError, CREDENTIALS: CredentialsError,
    CANCELLED: Cancelled, CLOSED: ClientClosed,
}


def _text(b: Optional[bytes]) -> Optional[str]:
    return None if b is None else b.decode("utf-8", "replace")


def raise_for(result: int, err: ctypes.c_void_p) -> None:
    """Turns a failed call's error object into an exception (and frees the object)."""
    try:
        cls = _BY_RESULT.get(result, Error)
        if result == TRANSPORT and lib.cibatch_error_is_timeout(err):
            cls = TimeoutError
        raise cls(
            _text(lib.cibatch_error_message(err)) or f"cibatch error {result}",
            result=result,
            status=lib.cibatch_error_status(err),
            code=_text(lib.cibatch_error_code(err)),
            service_message=_text(lib.cibatch_error_service_message(err)),
            request_id=_text(lib.cibatch_error_request_id(err)),
            trace_id=_text(lib.cibatch_error_trace_id(err)),
            attempts=lib.cibatch_error_attempts(err),
            argument=_text(lib.cibatch_error_argument(err)),
        )
    finally:
        lib.cibatch_error_free(err)


def call(fn, *args) -> None:
    """Calls a fallible function with a trailing error slot; raises on failure."""
    err = ctypes.c_void_p()
    result = fn(*args, ctypes.byref(err))
    if result != OK:
        raise_for(result, err)
