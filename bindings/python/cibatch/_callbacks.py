"""The callbacks a client installs (the `cibatch` logger, a credentials provider) and the per-call scope that raises
what they raised once the library call has returned."""
from __future__ import annotations

import ctypes
import sys
# What `threading.local` is, without importing `threading` (milliseconds of every program's start-up).
from _thread import _local as thread_local
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from typing import Any, Callable, List, Optional

from . import _args
from . import _errors as cibatch_errors
from ._cancel import CancelToken
from ._errors import call
from ._ffi import CREDENTIALS_CALLBACK, LOG_CALLBACK, RELEASE_CALLBACK, lib

# cibatch_log_level -> logging level (ERROR, WARNING, INFO, DEBUG).
LEVELS = {1: 40, 2: 30, 3: 20, 4: 10}


def _logger():
    import logging

    return logging.getLogger("cibatch")


def _log_level_for(lg) -> int:
    """The most verbose library level the `cibatch` logger would show (0: none)."""
    for level in (4, 3, 2, 1):
        if lg.isEnabledFor(LEVELS[level]):
            return level
    return 0


class _Pending(thread_local):
    """What a logging callback raised on this thread, to raise again once the library call has returned."""

    error: Optional[BaseException] = None


_pending = _Pending()


@LOG_CALLBACK
def _forward_log(_user_data, level, message):
    try:
        _logger().log(LEVELS.get(level, 10), "%s", message.decode("utf-8", "replace"))
    except BaseException as e:  # noqa: BLE001 - raised again on this thread when the call returns
        if _pending.error is None:
            _pending.error = e


def configure(cfg, provider: Optional[Callable[[], Any]], failures: list) -> list:
    """Installs the `cibatch` logger and the credentials provider; returns what must stay alive with the client.
    What the provider raises goes into `failures`, to become the cause of the call's CredentialsError."""
    keep = []
    # Only a program that imported `logging` can have configured the `cibatch` logger: importing it here for
    # everyone else would cost milliseconds for nothing.
    level = _log_level_for(_logger()) if "logging" in sys.modules else 0
    if level:
        call(lib.cibatch_config_set_logger, cfg, _forward_log, None, level, RELEASE_CALLBACK())
    if provider is not None:
        if not callable(provider):
            raise TypeError("credentials_provider must be callable")

        @CREDENTIALS_CALLBACK
        def provide(_user_data, out):
            try:
                secret_id, secret_key, token, expires = provider()
                call(lib.cibatch_credentials_set, out, _args.text(secret_id, "secret_id"),
                     _args.text(secret_key, "secret_key"), _args.opt_text(token, "token"),
                     0 if expires is None else int(expires))
                return True
            except BaseException as e:  # noqa: BLE001 - the cause of the call's CredentialsError
                failures[:] = [e]
                return False

        call(lib.cibatch_config_set_credentials_provider, cfg, provide, None, RELEASE_CALLBACK())
        keep.append(provide)
    return keep


class Scope:
    """One call's handle: the client's own, or a derived one bounded by a call timeout and/or a cancel token. On the
    way out it raises what a logging callback raised during the call, and gives a CredentialsError its cause."""

    __slots__ = ("client", "derived", "handle")

    def __init__(self, client: Any, call_timeout: Optional[float], cancel: Optional[CancelToken],
                 derive: bool = True):
        self.client = client
        self.derived = None
        timeout = client._call_timeout if call_timeout is None else call_timeout
        if not derive or (timeout is None and cancel is None):
            self.handle = client._handle
            return
        if cancel is not None and not isinstance(cancel, CancelToken):
            raise TypeError(f"cancel must be a cibatch.CancelToken, not {type(cancel).__name__}")
        out = ctypes.c_void_p()
        call(lib.cibatch_client_with_cancel, client._handle, None if cancel is None else cancel._handle,
             0 if timeout is None else _args.millis(timeout, "call_timeout"), ctypes.byref(out))
        self.derived = self.handle = out.value

    def __enter__(self) -> int:
        return self.handle

    def __exit__(self, kind, exc, tb) -> None:
        if self.derived:
            lib.cibatch_client_free(self.derived)
        raised, _pending.error = _pending.error, None
        if raised is not None and exc is None:
            raise raised
        failures: List[BaseException] = self.client._provider_failures
        if isinstance(exc, cibatch_errors.CredentialsError) and failures:
            exc.__cause__ = failures.pop()
