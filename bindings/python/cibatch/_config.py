"""A client's configuration, from `Client(...)`'s arguments to a library client handle."""
from __future__ import annotations

import ctypes
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from typing import Any, Callable, List, Optional, Tuple

from . import _args, _callbacks
from ._errors import call
from ._ffi import lib


def new_client(bucket: str, region: str, secret_id: str, secret_key: str, failures: List[BaseException], *,
               token: Optional[str], endpoint: Optional[str], timeout: float, connect_timeout: Optional[float],
               read_timeout: Optional[float], user_agent: Optional[str], max_attempts: Optional[int],
               retry_create: bool, backoff: Optional[Tuple[float, float]], https: bool,
               max_response_bytes: Optional[int], max_xml_depth: Optional[int], clock_offset: int,
               ca_bundle: Optional[str], proxy: Optional[str], credentials_provider: Optional[Callable[[], Any]],
               resolve_creates: bool) -> Tuple[int, list]:
    """A new library client and the callbacks that must live as long as it. A knob left at None (or retry_create
    left False) is not set at all, so the library's default applies: no default of the core is restated here. The
    library checks the ranges and names the argument; values that do not fit the C type are refused first."""
    cfg = ctypes.c_void_p()
    call(lib.cibatch_config_new, _args.text(bucket, "bucket"), _args.text(region, "region"),
         _args.text(secret_id, "secret_id"), _args.text(secret_key, "secret_key"), ctypes.byref(cfg))
    try:
        if token is not None:
            call(lib.cibatch_config_set_token, cfg, _args.text(token, "token"))
        if endpoint is not None:
            call(lib.cibatch_config_set_endpoint, cfg, _args.text(endpoint, "endpoint"))
        call(lib.cibatch_config_set_https, cfg, bool(https))
        call(lib.cibatch_config_set_timeouts, cfg, _args.millis(timeout, "timeout"),
             0 if connect_timeout is None else _args.millis(connect_timeout, "connect_timeout"),
             0 if read_timeout is None else _args.millis(read_timeout, "read_timeout"))
        if user_agent is not None:
            call(lib.cibatch_config_set_user_agent, cfg, _args.text(user_agent, "user_agent"))
        if max_attempts is not None:
            call(lib.cibatch_config_set_max_attempts, cfg, _args.integer(max_attempts, "max_attempts", *_args.U32))
        if retry_create:
            call(lib.cibatch_config_set_retry_create, cfg, True)
        if backoff is not None:
            if not isinstance(backoff, tuple) or len(backoff) != 2:
                raise TypeError("backoff must be a (base, cap) tuple of seconds")
            call(lib.cibatch_config_set_backoff, cfg, _args.millis(backoff[0], "backoff"),
                 _args.millis(backoff[1], "backoff"))
        call(lib.cibatch_config_set_resolve_creates, cfg, bool(resolve_creates))
        if max_xml_depth is not None:
            call(lib.cibatch_config_set_max_xml_depth, cfg, _args.integer(max_xml_depth, "max_xml_depth", *_args.U32))
        if clock_offset:
            call(lib.cibatch_config_set_clock_offset, cfg, _args.integer(clock_offset, "clock_offset", *_args.I64))
        if ca_bundle is not None:
            call(lib.cibatch_config_set_ca_bundle, cfg, _args.text(str(ca_bundle), "ca_bundle"))
        if proxy is not None:
            call(lib.cibatch_config_set_proxy, cfg, _args.text(proxy, "proxy"))
        callbacks = _callbacks.configure(cfg, credentials_provider, failures)
        if max_response_bytes is not None:
            call(lib.cibatch_config_set_max_response_bytes, cfg,
                 _args.integer(max_response_bytes, "max_response_bytes", *_args.U64))
        out = ctypes.c_void_p()
        call(lib.cibatch_client_new, cfg, ctypes.byref(out))
    finally:
        lib.cibatch_config_free(cfg)
    return out.value, callbacks
