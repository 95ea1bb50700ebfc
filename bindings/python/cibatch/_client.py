"""Client, Job, pages and the signer: thin wrappers over libcibatch."""
from __future__ import annotations

import ctypes
import sys
import threading
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from datetime import datetime
    from typing import Any, Callable, Generator, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

    XmlValue = Union[str, Mapping[str, Any], Sequence[Any]]

from . import _args
from . import _errors as cibatch_errors
from ._errors import InvalidArgument, call
from ._ffi import CREDENTIALS_CALLBACK, LOG_CALLBACK, RELEASE_CALLBACK, WAIT_CALLBACK, lib
from ._cancel import CancelToken

# cibatch_log_level -> logging level (ERROR, WARNING, INFO, DEBUG).
_LEVELS = {1: 40, 2: 30, 3: 20, 4: 10}


def _logger():
    import logging

    return logging.getLogger("cibatch")


def _log_level_for(lg) -> int:
    """The most verbose library level the `cibatch` logger would show (0: none)."""
    for level in (4, 3, 2, 1):
        if lg.isEnabledFor(_LEVELS[level]):
            return level
    return 0


class _Pending(threading.local):
    """What a logging callback raised on this thread, to raise again once the library call has returned."""

    error: Optional[BaseException] = None


_pending = _Pending()


@LOG_CALLBACK
def _forward_log(_user_data, level, message):
    try:
        _logger().log(_LEVELS.get(level, 10), "%s", message.decode("utf-8", "replace"))
    except BaseException as e:  # noqa: BLE001 - raised again on this thread when the call returns
        if _pending.error is None:
            _pending.error = e
from ._handle import Handle
from . import _results
from ._results import ObjectResult, Report, ReportProgress, ResultPage

_INPUT_KINDS = {"prefix": 0, "manifest": 1, "url_file": 2, "object": 3}
_ORDERS = {"Desc": 0, "Asc": 1}
TERMINAL_STATES = frozenset({"Success", "Failed", "Cancel"})

# Python attribute -> the C getter's suffix (cibatch_job_<suffix>).
_JOB_FIELDS = {
    "job_id": "id", "name": "name", "type": "type", "state": "state", "code": "code", "message": "message",
    "creation_time": "creation_time", "start_time": "start_time", "end_time": "end_time",
    "prefix": "input_prefix", "manifest": "input_manifest", "url_file": "input_url_file", "object": "input_object",
    "workflow_ids": "workflow_ids", "time_interval_start": "time_interval_start",
    "time_interval_end": "time_interval_end", "tag": "tag", "template_id": "template_id",
    "job_param_xml": "job_param_xml", "output_region": "output_region", "output_bucket": "output_bucket",
    "output_object": "output_object", "output_xml": "output_xml", "queue_id": "queue_id", "user_data": "user_data",
    "callback": "callback", "callback_format": "callback_format", "callback_type": "callback_type",
    "callback_mq_mode": "callback_mq_mode", "callback_mq_region": "callback_mq_region",
    "callback_mq_name": "callback_mq_name", "callback_kafka_region": "callback_kafka_region",
    "callback_kafka_instance_id": "callback_kafka_instance_id", "callback_kafka_topic": "callback_kafka_topic",
    "queue_type": "queue_type", "progress": "progress", "raw_xml": "raw_xml",
}


class _Owned(Handle):
    """Memory a Job reads from: its own job handle, or the list it was borrowed from."""


def _getter(suffix: str):
    fn = getattr(lib, f"cibatch_job_{suffix}")

    def get(self: "Job") -> Optional[str]:
        raw = fn(self._job)
        return None if raw is None else raw.decode("utf-8", "replace")

    return get


class Job:
    """One job. Fields are read from the library on access; absent ones are None. Immutable."""

    __slots__ = ("_job", "_owner")

    job_id: str
    name: str
    type: str
    state: str
    code: str
    message: str
    creation_time: Optional[str]
    start_time: Optional[str]
    end_time: Optional[str]
    prefix: Optional[str]
    manifest: Optional[str]
    url_file: Optional[str]
    object: Optional[str]
    workflow_ids: Optional[str]
    time_interval_start: Optional[str]
    time_interval_end: Optional[str]
    tag: Optional[str]
    template_id: Optional[str]
    job_param_xml: Optional[str]
    output_region: Optional[str]
    output_bucket: Optional[str]
    output_object: Optional[str]
    output_xml: Optional[str]
    queue_id: Optional[str]
    user_data: Optional[str]
    callback: Optional[str]
    callback_format: Optional[str]
    callback_type: Optional[str]
    callback_mq_mode: Optional[str]
    callback_mq_region: Optional[str]
    callback_mq_name: Optional[str]
    callback_kafka_region: Optional[str]
    callback_kafka_instance_id: Optional[str]
    callback_kafka_topic: Optional[str]
    queue_type: Optional[str]
    progress: Optional[str]
    raw_xml: str

    def __init__(self, job_ptr: int, owner: Handle):
        self._job = job_ptr
        self._owner = owner  # keeps the memory alive as long as this Job

    @classmethod
    def _own(cls, job_ptr: int) -> "Job":
        return cls(job_ptr, _Owned(job_ptr, lib.cibatch_job_free))

    @property
    def is_terminal(self) -> bool:
        """True for Success, Failed and Cancel."""
        return bool(lib.cibatch_job_is_terminal(self._job))

    @property
    def job_level(self) -> Optional[int]:
        raw = lib.cibatch_job_job_level(self._job)
        return int(raw) if raw and raw.isdigit() else None

    def to_dict(self) -> dict:
        d = {name: getattr(self, name) for name in _JOB_FIELDS}
        d["job_level"] = self.job_level
        return d

    def __repr__(self) -> str:
        return f"Job(job_id={self.job_id!r}, name={self.name!r}, type={self.type!r}, state={self.state!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Job) and self.raw_xml == other.raw_xml

    def __hash__(self) -> int:
        return hash(self.raw_xml)


for _name, _suffix in _JOB_FIELDS.items():
    setattr(Job, _name, property(_getter(_suffix)))


class Page:
    """One page of a listing. `next_token` is None on the last page; `number` counts pages from 1 in `iter_pages`;
    `type` is the type the page was listed with ("Workflow" or "Job"), None for a page listed without a type."""

    __slots__ = ("jobs", "next_token", "request_id", "number", "type")

    def __init__(self, jobs: List[Job], next_token: Optional[str], request_id: str, number: int = 1,
                 type: Optional[str] = None):
        self.jobs, self.next_token, self.request_id, self.number = jobs, next_token, request_id, number
        self.type = type

    def __repr__(self) -> str:
        return (f"Page(jobs={self.jobs!r}, next_token={self.next_token!r}, request_id={self.request_id!r}, "
                f"type={self.type!r})")


class DescribeResult:
    """Jobs found, and the queried IDs that do not exist."""

    __slots__ = ("jobs", "non_exist_job_ids", "request_id")

    def __init__(self, jobs: List[Job], non_exist_job_ids: List[str], request_id: str):
        self.jobs, self.non_exist_job_ids, self.request_id = jobs, non_exist_job_ids, request_id

    def __repr__(self) -> str:
        return (f"DescribeResult(jobs={self.jobs!r}, non_exist_job_ids={self.non_exist_job_ids!r}, "
                f"request_id={self.request_id!r})")


def escape(text: str) -> str:
    """XML text escaping (the library parses fragments again and re-escapes what it sends)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _str(b: Optional[bytes]) -> Optional[str]:
    return None if b is None else b.decode("utf-8", "replace")


def _jobs_of(list_ptr: int) -> Tuple[List[Job], "_Owned"]:
    owner = _Owned(list_ptr, lib.cibatch_job_list_free)
    jobs = [Job(lib.cibatch_job_list_get(list_ptr, i), owner) for i in range(lib.cibatch_job_list_count(list_ptr))]
    return jobs, owner


def _page(list_ptr: int) -> Page:
    jobs, owner = _jobs_of(list_ptr)  # `owner` frees the list when the last Job of it goes
    page = Page(jobs, _str(lib.cibatch_job_list_next_token(list_ptr)),
                _str(lib.cibatch_job_list_request_id(list_ptr)) or "", type=_str(lib.cibatch_job_list_type(list_ptr)))
    del owner
    return page


def _one_input(**inputs: Optional[str]) -> Tuple[int, bytes]:
    given = [(k, v) for k, v in inputs.items() if v is not None]
    if len(given) != 1:
        raise InvalidArgument("invalid argument `input`: give exactly one of prefix, manifest, url_file, object",
                              argument="input")
    kind, value = given[0]
    return _INPUT_KINDS[kind], _args.text(value, kind)




def _fragment(name: str, value: XmlValue) -> str:
    """XML for a pass-through element; the library parses it again, checks names and re-escapes text."""
    if isinstance(value, str):
        return f"<{name}>{escape(value)}</{name}>"
    if isinstance(value, dict) or hasattr(value, "items"):
        return f"<{name}>" + "".join(_fragment(k, v) for k, v in value.items()) + f"</{name}>"
    if isinstance(value, (list, tuple)):
        return "".join(_fragment(name, v) for v in value)
    raise TypeError(f"{name}: expected str, mapping or list, not {type(value).__name__}")  # noqa: E501


def _configure_callbacks(cfg, provider, failures: list):
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


def _unix(t: Union[float, "datetime"]) -> int:
    if hasattr(t, "timestamp"):
        return int(t.timestamp())  # type: ignore[union-attr]
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        raise TypeError(f"since must be a Unix time or a datetime, not {type(t).__name__}")
    return _args.integer(int(t), "since", *_args.I64)


def _workflow_request(name: str, workflow_id: str, prefix: Optional[str], manifest: Optional[str],
                      url_file: Optional[str], object: Optional[str], start: Union[None, str, "datetime"],
                      end: Union[None, str, "datetime"]) -> Handle:
    """A cibatch_workflow_request for create_workflow_job's arguments."""
    kind, value = _one_input(prefix=prefix, manifest=manifest, url_file=url_file, object=object)
    req = ctypes.c_void_p()
    call(lib.cibatch_workflow_request_new, _args.text(name, "name"), kind, value,
         _args.text(workflow_id, "workflow_id"), ctypes.byref(req))
    r = Handle(req.value, lib.cibatch_workflow_request_free)
    try:
        if start is not None or end is not None:
            call(lib.cibatch_workflow_request_set_time_interval, r._handle, _args.time_text(start, "start"),
                 _args.time_text(end, "end"))
    except BaseException:
        r.close()
        raise
    return r


def _job_request(name: str, tag: str, *, prefix: Optional[str] = None, manifest: Optional[str] = None,
                 url_file: Optional[str] = None, object: Optional[str] = None,
                 job_param: Optional[Mapping[str, XmlValue]] = None, output: Optional[Mapping[str, XmlValue]] = None,
                 queue_id: Optional[str] = None, user_data: Optional[str] = None, job_level: Optional[int] = None,
                 callback: Optional[str] = None, callback_format: Optional[str] = None,
                 callback_type: Optional[str] = None, callback_mq: Optional[Mapping[str, str]] = None,
                 start: Union[None, str, "datetime"] = None, end: Union[None, str, "datetime"] = None,
                 operation: Optional[Mapping[str, XmlValue]] = None, queue_type: Optional[str] = None,
                 callback_kafka: Optional[Mapping[str, str]] = None) -> Handle:
    """A cibatch_job_request for create_job's arguments."""
    kind, value = _one_input(prefix=prefix, manifest=manifest, url_file=url_file, object=object)
    req = ctypes.c_void_p()
    call(lib.cibatch_job_request_new, _args.text(name, "name"), _args.text(tag, "tag"), kind, value,
         ctypes.byref(req))
    r = Handle(req.value, lib.cibatch_job_request_free)
    try:
        h = r._handle
        for k, v in (job_param or {}).items():
            call(lib.cibatch_job_request_add_param_xml, h, _args.text(_fragment(k, v), "job_param"))
        for k, v in (output or {}).items():
            call(lib.cibatch_job_request_add_output_xml, h, _args.text(_fragment(k, v), "output"))
        if any(v is not None for v in (queue_id, user_data, callback, callback_format, callback_type)):
            call(lib.cibatch_job_request_set_options, h, _args.opt_text(queue_id, "queue_id"),
                 _args.opt_text(user_data, "user_data"), _args.opt_text(callback, "callback"),
                 _args.opt_text(callback_format, "callback_format"), _args.opt_text(callback_type, "callback_type"))
        if job_level is not None:
            call(lib.cibatch_job_request_set_job_level, h, _args.integer(job_level, "job_level", 0, 255))
        if callback_mq is not None:
            call(lib.cibatch_job_request_set_callback_mq, h, _args.opt_text(callback_mq.get("MqMode"), "MqMode"),
                 _args.opt_text(callback_mq.get("MqRegion"), "MqRegion"),
                 _args.opt_text(callback_mq.get("MqName"), "MqName"))
        if callback_kafka is not None:
            call(lib.cibatch_job_request_set_callback_kafka, h,
                 _args.opt_text(callback_kafka.get("Region"), "Region"),
                 _args.opt_text(callback_kafka.get("InstanceId"), "InstanceId"),
                 _args.opt_text(callback_kafka.get("Topic"), "Topic"))
        if queue_type is not None:
            call(lib.cibatch_job_request_set_queue_type, h, _args.text(queue_type, "queue_type"))
        if start is not None or end is not None:
            call(lib.cibatch_job_request_set_time_interval, h, _args.time_text(start, "start"),
                 _args.time_text(end, "end"))
        for k, v in (operation or {}).items():
            call(lib.cibatch_job_request_add_operation_xml, h, _args.text(_fragment(k, v), "operation"))
    except BaseException:
        r.close()
        raise
    return r


class _ListOptions(Handle):
    def __init__(self, type: Optional[str], states: Union[None, str, Iterable[str]], order_by_time: Optional[str],
                 size: Optional[int], next_token: Optional[str], start_creation_time: Optional[str],
                 end_creation_time: Optional[str], workflow_id: Optional[str], job_id: Optional[str],
                 name: Optional[str]):
        out = ctypes.c_void_p()
        call(lib.cibatch_list_options_new, ctypes.byref(out))
        super().__init__(out.value, lib.cibatch_list_options_free)
        h = self._handle
        if type is not None:
            call(lib.cibatch_list_options_set_type, h, _args.text(type, "type"))
        if order_by_time is not None:
            if order_by_time not in _ORDERS:
                raise InvalidArgument(f"invalid argument `order_by_time`: {order_by_time!r} is not Desc or Asc",
                                      argument="order_by_time")
            call(lib.cibatch_list_options_set_order, h, _ORDERS[order_by_time])
        if states is not None:
            for state in _args.states(states, "states"):
                call(lib.cibatch_list_options_add_state, h, state)
        if size is not None:
            call(lib.cibatch_list_options_set_size, h, _args.integer(size, "size", 1, 2**32 - 1))
        call(lib.cibatch_list_options_set_next_token, h, _args.opt_text(next_token, "next_token"))
        call(lib.cibatch_list_options_set_filters, h, _args.time_text(start_creation_time, "start_creation_time"),
             _args.time_text(end_creation_time, "end_creation_time"), _args.opt_text(workflow_id, "workflow_id"),
             _args.opt_text(job_id, "job_id"), _args.opt_text(name, "name"))


class _Scope:
    """One call's handle: the client's own, or a derived one bounded by a call timeout and/or a cancel token. On the
    way out it raises what a logging callback raised during the call, and gives a CredentialsError its cause."""

    __slots__ = ("client", "derived", "handle")

    def __init__(self, client: "Client", call_timeout: Optional[float], cancel: Optional[CancelToken],
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
        failures = self.client._provider_failures
        if isinstance(exc, cibatch_errors.CredentialsError) and failures:
            exc.__cause__ = failures.pop()


class Client(Handle):
    """A client for one bucket. Thread-safe: share one between threads to share its connections.

    `timeout` is the longest one attempt may take, in seconds. Describe, list and cancel are retried (3 attempts
    in all by default, with `backoff=(base, cap)` seconds of full-jitter exponential backoff); create is not, unless
    `retry_create=True` (the API has no idempotency token, so a create sent again can start a second job).
    A create that fails after its request may have reached the service raises OutcomeUnknown; with
    `resolve_creates=True` the client then looks for the job it may have made and returns it when exactly one matches
    (creating once more when none does, raising AmbiguousCreate when several do): give jobs unique names.
    `call_timeout` (seconds; None: none) bounds every whole call, retries, backoffs and waits included; each call also
    takes its own `call_timeout=` and `cancel=` (a CancelToken).

    `close()` (or leaving a `with` block) makes calls that start afterwards raise ClientClosed; calls in progress on
    other threads, iterators and the callbacks they make finish normally. It may be called from a callback.
    `clock_offset` (seconds) corrects a known clock error; a skewed clock is also corrected from the service's
    answer. `ca_bundle` is a PEM file of roots to trust instead of the built-in ones; `proxy` an HTTP(S) proxy URL
    (by default HTTPS_PROXY/ALL_PROXY/NO_PROXY are honoured).
    """

    def __init__(self, bucket: str, region: str, secret_id: str, secret_key: str, token: Optional[str] = None,
                 endpoint: Optional[str] = None, timeout: float = 30.0, *, connect_timeout: Optional[float] = None,
                 read_timeout: Optional[float] = None, user_agent: Optional[str] = None,
                 max_attempts: Optional[int] = None, retry_create: bool = False,
                 backoff: Optional[Tuple[float, float]] = None, https: bool = True,
                 max_response_bytes: Optional[int] = None, max_xml_depth: Optional[int] = None,
                 clock_offset: int = 0, ca_bundle: Optional[str] = None, proxy: Optional[str] = None,
                 credentials_provider: Optional[Callable[[], Tuple[str, str, Optional[str], Optional[float]]]] = None,
                 call_timeout: Optional[float] = None, resolve_creates: bool = False):
        cfg = ctypes.c_void_p()
        self._callbacks: list = []
        self._provider_failures: list = []
        self._call_timeout = call_timeout
        if call_timeout is not None:
            _args.millis(call_timeout, "call_timeout")
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
            # None (or 0) keeps the library's defaults; the library checks the ranges.
            attempts = 0 if max_attempts is None else _args.integer(max_attempts, "max_attempts", *_args.U32)
            base = cap = 0
            if backoff is not None:
                if not isinstance(backoff, tuple) or len(backoff) != 2:
                    raise TypeError("backoff must be a (base, cap) tuple of seconds")
                base, cap = _args.millis(backoff[0], "backoff"), _args.millis(backoff[1], "backoff")
            call(lib.cibatch_config_set_retries, cfg, attempts, bool(retry_create), base, cap)
            call(lib.cibatch_config_set_resolve_creates, cfg, bool(resolve_creates))
            if max_xml_depth is not None:
                call(lib.cibatch_config_set_max_xml_depth, cfg,
                     _args.integer(max_xml_depth, "max_xml_depth", *_args.U32))
            if clock_offset:
                call(lib.cibatch_config_set_clock_offset, cfg, _args.integer(clock_offset, "clock_offset", *_args.I64))
            if ca_bundle is not None:
                call(lib.cibatch_config_set_ca_bundle, cfg, _args.text(str(ca_bundle), "ca_bundle"))
            if proxy is not None:
                call(lib.cibatch_config_set_proxy, cfg, _args.text(proxy, "proxy"))
            self._callbacks = _configure_callbacks(cfg, credentials_provider, self._provider_failures)
            if max_response_bytes is not None:
                call(lib.cibatch_config_set_max_response_bytes, cfg,
                     _args.integer(max_response_bytes, "max_response_bytes", *_args.U64))
            out = ctypes.c_void_p()
            call(lib.cibatch_client_new, cfg, ctypes.byref(out))
        finally:
            lib.cibatch_config_free(cfg)
        super().__init__(out.value, lib.cibatch_client_free)

    @classmethod
    def with_provider(cls, bucket: str, region: str,
                      provider: Callable[[], Tuple[str, str, Optional[str], Optional[float]]], **options: Any) -> "Client":
        """A client whose temporary credentials come from `provider()`, which returns (secret_id, secret_key, token,
        expires_at as a Unix time or None). It is called before the first request and again 5 minutes before expiry,
        by one thread at a time, from whichever thread makes the call."""
        return cls(bucket, region, "", "", credentials_provider=provider, **options)

    @classmethod
    def from_env(cls) -> "Client":
        """CIBATCH_BUCKET, CIBATCH_REGION, optional CIBATCH_ENDPOINT; TENCENTCLOUD_SECRET_ID/_SECRET_KEY/
        _SESSION_TOKEN (else COS_SECRET_ID/COS_SECRET_KEY)."""
        out = ctypes.c_void_p()
        call(lib.cibatch_client_new_from_env, ctypes.byref(out))
        client = cls.__new__(cls)
        client._callbacks, client._provider_failures, client._call_timeout = [], [], None
        Handle.__init__(client, out.value, lib.cibatch_client_free)
        return client

    def close(self) -> None:
        """Closes the client: calls that start afterwards raise ClientClosed; calls in progress (on any thread),
        iterators and the callbacks they make finish normally. Idempotent; returns at once; callable from a callback.
        The memory goes when the object is garbage collected (no thread can be inside a call then)."""
        ptr = self._ptr
        if ptr:
            lib.cibatch_client_close(ptr)

    @property
    def closed(self) -> bool:
        return bool(self._ptr) and bool(lib.cibatch_client_is_closed(self._ptr))

    def __del__(self) -> None:
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            lib.cibatch_client_free(ptr)

    def _scope(self, call_timeout: Optional[float] = None, cancel: Optional[CancelToken] = None) -> _Scope:
        return _Scope(self, call_timeout, cancel)

    def __repr__(self) -> str:
        return f"<cibatch.Client {'closed' if self.closed else 'open'}>"

    @property
    def clock_offset(self) -> int:
        """Seconds added to this machine's clock when signing (set, or learned from the service's Date)."""
        return lib.cibatch_client_clock_offset(self._handle)

    def describe_job(self, job_id: str, *, call_timeout: Optional[float] = None,
                     cancel: Optional[CancelToken] = None) -> Job:
        """One job; raises JobNotFound when the service does not know it."""
        out = ctypes.c_void_p()
        with self._scope(call_timeout, cancel) as h:
            call(lib.cibatch_client_describe_job, h, _args.text(job_id, "job_id"), ctypes.byref(out))
        return Job._own(out.value)

    def describe_jobs(self, job_ids: Sequence[str], *, call_timeout: Optional[float] = None,
                      cancel: Optional[CancelToken] = None) -> DescribeResult:
        """Several jobs, comma-joined in one request per 4 KiB of path (one request per ID if the service takes the
        joined IDs for one); unknown IDs come back in `non_exist_job_ids`."""
        if isinstance(job_ids, str):
            raise TypeError("job_ids must be a sequence of str, not one str")
        ids = [_args.text(i, "job_ids") for i in job_ids]
        arr = (ctypes.c_char_p * len(ids))(*ids)
        out = ctypes.c_void_p()
        with self._scope(call_timeout, cancel) as h:
            call(lib.cibatch_client_describe_jobs, h, arr, len(ids), ctypes.byref(out))
        jobs, owner = _jobs_of(out.value)
        missing = [_str(lib.cibatch_job_list_non_exist_get(out.value, i)) or ""
                   for i in range(lib.cibatch_job_list_non_exist_count(out.value))]
        result = DescribeResult(jobs, missing, _str(lib.cibatch_job_list_request_id(out.value)) or "")
        del owner
        return result

    def list_jobs(self, type: Optional[str] = None, states: Union[None, str, Iterable[str]] = None,
                  order_by_time: Optional[str] = None, size: Optional[int] = None, next_token: Optional[str] = None,
                  start_creation_time: Union[None, str, "datetime"] = None,
                  end_creation_time: Union[None, str, "datetime"] = None,
                  workflow_id: Optional[str] = None, job_id: Optional[str] = None,
                  name: Optional[str] = None, *, call_timeout: Optional[float] = None,
                  cancel: Optional[CancelToken] = None) -> Page:
        """One page. Pass the previous page's `next_token` for the next; or use `iter_jobs`.

        `states` is a list of states or one str (`"Running"`, or `"Running,Failed"` as the official SDK takes).
        Times are str (`+0800`, `+08:00`, `Z`) or aware datetimes, sent as 2022-02-25T12:00:00+0800. Without
        `type` no type is sent, so the service's undocumented default applies (it may list Workflow jobs only);
        `iter_jobs` and `iter_pages` cover both types."""
        with _ListOptions(type, states, order_by_time, size, next_token, start_creation_time, end_creation_time,
                          workflow_id, job_id, name) as opts:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                call(lib.cibatch_client_list_jobs, h, opts._handle, ctypes.byref(out))
        return _page(out.value)

    def iter_pages(self, *, call_timeout: Optional[float] = None, cancel: Optional[CancelToken] = None,
                   **filters: Any) -> Generator[Page, None, None]:
        """Every page of a listing (same filters as `list_jobs`). Without `type`, every Workflow page and then every
        Job page (`page.type` says which). A type's walk ends on an empty NextToken or one that repeats the token the
        page was asked with; a token an earlier page gave, or 20 pages in a row without jobs, raises
        InvalidResponse. `call_timeout` bounds the whole iteration; `cancel` stops it."""
        _unknown(filters)
        with _ListOptions(**{k: filters.get(k) for k in _LIST_FILTERS}) as opts:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                # The pager keeps what it needs of h (connections, deadline, token) until it is freed.
                call(lib.cibatch_client_pages, h, opts._handle, ctypes.byref(out))
        with Handle(out.value, lib.cibatch_pager_free) as pager:
            while True:
                page = ctypes.c_void_p()
                with _Scope(self, None, None, derive=False):
                    call(lib.cibatch_pager_next, pager._handle, ctypes.byref(page))
                if not page.value:
                    return
                result = _page(page.value)
                result.number = lib.cibatch_pager_pages_fetched(pager._handle)
                yield result

    def iter_jobs(self, on_page: Optional[Callable[[Page], Any]] = None,
                  **filters: Any) -> Generator[Job, None, None]:
        """Every job of a listing, across pages (same filters as `list_jobs`, and `call_timeout`/`cancel` as for
        `iter_pages`). Without `type`, Workflow and Job jobs merged by (creation time, job ID) in the requested
        order, so no job is skipped whatever the service's default type. `on_page(page)` is called as each page
        arrives (`page.number` counts them, `page.type` says its type), for progress reports."""
        call_timeout, cancel = filters.pop("call_timeout", None), filters.pop("cancel", None)
        _unknown(filters)
        with _ListOptions(**{k: filters.get(k) for k in _LIST_FILTERS}) as opts:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                # The iterator keeps what it needs of h (connections, deadline, token) until it is freed.
                call(lib.cibatch_client_jobs, h, opts._handle, on_page is not None, ctypes.byref(out))
        with Handle(out.value, lib.cibatch_job_iter_free) as it:
            number = 0
            while True:
                job = ctypes.c_void_p()
                with _Scope(self, None, None, derive=False):
                    call(lib.cibatch_job_iter_next, it._handle, ctypes.byref(job))
                while on_page is not None:
                    page = ctypes.c_void_p()
                    call(lib.cibatch_job_iter_take_page, it._handle, ctypes.byref(page))
                    if not page.value:
                        break
                    number += 1
                    taken = _page(page.value)
                    taken.number = number
                    on_page(taken)
                if not job.value:
                    return
                yield Job._own(job.value)

    def create_workflow_job(self, name: str, workflow_id: str, *, prefix: Optional[str] = None,
                            manifest: Optional[str] = None, url_file: Optional[str] = None,
                            object: Optional[str] = None, start: Union[None, str, "datetime"] = None,
                            end: Union[None, str, "datetime"] = None, call_timeout: Optional[float] = None,
                            cancel: Optional[CancelToken] = None) -> Job:
        """Triggers workflow `workflow_id` over exactly one input. `start`/`end` filter by upload time (str or
        aware datetime, sent as 2022-02-01T12:00:00+0800). `name`: 1 to 128 letters, digits, '-', '_' or CJK."""
        with _workflow_request(name, workflow_id, prefix, manifest, url_file, object, start, end) as r:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                call(lib.cibatch_client_create_workflow_job, h, r._handle, ctypes.byref(out))
        return Job._own(out.value)

    def create_job(self, name: str, tag: str, *, prefix: Optional[str] = None, manifest: Optional[str] = None,
                   url_file: Optional[str] = None, object: Optional[str] = None,
                   job_param: Optional[Mapping[str, XmlValue]] = None,
                   output: Optional[Mapping[str, XmlValue]] = None, queue_id: Optional[str] = None,
                   user_data: Optional[str] = None, job_level: Optional[int] = None, callback: Optional[str] = None,
                   callback_format: Optional[str] = None, callback_type: Optional[str] = None,
                   callback_mq: Optional[Mapping[str, str]] = None, start: Union[None, str, "datetime"] = None,
                   end: Union[None, str, "datetime"] = None, operation: Optional[Mapping[str, XmlValue]] = None,
                   queue_type: Optional[str] = None, callback_kafka: Optional[Mapping[str, str]] = None,
                   call_timeout: Optional[float] = None, cancel: Optional[CancelToken] = None) -> Job:
        """Runs job type `tag` (Transcode, Snapshot, ...) over exactly one input.

        `job_param`, `output` and `operation` map element names to text, to nested mappings (tag-specific
        containers) or to lists (repeated elements); they are passed through as given. `callback_format` and
        `callback_type` may be in any letter case; `callback_kafka={"Region", "InstanceId", "Topic"}` sets a Kafka
        callback (and `callback_type` "Kafka"); `queue_type` is e.g. "SpeedTranscoding".
        """
        with _job_request(name, tag, prefix=prefix, manifest=manifest, url_file=url_file, object=object,
                          job_param=job_param, output=output, queue_id=queue_id, user_data=user_data,
                          job_level=job_level, callback=callback, callback_format=callback_format,
                          callback_type=callback_type, callback_mq=callback_mq, start=start, end=end,
                          operation=operation, queue_type=queue_type, callback_kafka=callback_kafka) as r:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                call(lib.cibatch_client_create_job, h, r._handle, ctypes.byref(out))
        return Job._own(out.value)

    def find_created_workflow_job(self, name: str, workflow_id: str, since: Union[float, "datetime"], *,
                                  prefix: Optional[str] = None, manifest: Optional[str] = None,
                                  url_file: Optional[str] = None, object: Optional[str] = None,
                                  start: Union[None, str, "datetime"] = None, end: Union[None, str, "datetime"] = None,
                                  call_timeout: Optional[float] = None,
                                  cancel: Optional[CancelToken] = None) -> List[Job]:
        """The jobs `create_workflow_job(...)` with these arguments may have made since `since` (a Unix time or an
        aware datetime: a little before the first attempt): same type, name, input and workflow. After
        OutcomeUnknown, or a restart, ask before creating again: one job is the one it made, none means it was not
        created."""
        with _workflow_request(name, workflow_id, prefix, manifest, url_file, object, start, end) as r:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                call(lib.cibatch_client_find_created_workflow_job, h, r._handle, _unix(since), ctypes.byref(out))
        return _jobs_of(out.value)[0]

    def find_created_job(self, name: str, tag: str, since: Union[float, "datetime"], *,
                         call_timeout: Optional[float] = None, cancel: Optional[CancelToken] = None,
                         **request: Any) -> List[Job]:
        """As `find_created_workflow_job`, for `create_job(name, tag, **request)`: same type, name, input and tag,
        and the same queue ID and user data when given."""
        with _job_request(name, tag, **request) as r:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                call(lib.cibatch_client_find_created_job, h, r._handle, _unix(since), ctypes.byref(out))
        return _jobs_of(out.value)[0]

    def cancel_job(self, job_id: str, *, call_timeout: Optional[float] = None,
                   cancel: Optional[CancelToken] = None) -> None:
        """Cancels a job; cancelling one that already ended raises ServiceError, except within one call: a retried
        attempt (the earlier answer was lost) refused while the job is now Cancel is success."""
        with self._scope(call_timeout, cancel) as h:
            call(lib.cibatch_client_cancel_job, h, _args.text(job_id, "job_id"))

    def wait_for_job(self, job_id: str, timeout: float = 600.0, on_state: Optional[Callable[[Job], Any]] = None,
                     poll_interval: float = 1.0, max_interval: float = 15.0, *,
                     cancel: Optional[CancelToken] = None) -> Job:
        """Polls until the job is Success, Failed or Cancel, and returns it; raises TimeoutError after `timeout`
        seconds (every poll, its retries and backoffs included, ends by then). `on_state(job)` is called on this
        thread each time the state changes; an exception it raises stops the wait and is raised again here; it may
        call the client or close it. `cancel` stops the wait at once, raising Cancelled."""
        raised: List[BaseException] = []

        def relay(_user_data: int, job_ptr: int, state_changed: bool) -> bool:
            if not state_changed:
                return True
            try:
                on_state(Job._own(lib.cibatch_job_clone(job_ptr)))  # type: ignore[misc]
                return True
            except BaseException as e:  # noqa: BLE001 - raised again below, once the wait has stopped
                raised.append(e)
                return False

        callback = WAIT_CALLBACK(relay) if on_state is not None else WAIT_CALLBACK()
        out = ctypes.c_void_p()
        try:
            with self._scope(None, cancel) as h:
                call(lib.cibatch_client_wait_for_job, h, _args.text(job_id, "job_id"),
                     _args.millis(timeout, "timeout"), _args.millis(poll_interval, "poll_interval"),
                     _args.millis(max_interval, "max_interval"), callback, None, ctypes.byref(out))
        except cibatch_errors.Error:
            if raised:
                raise raised[0] from None
            raise
        return Job._own(out.value)

    def iter_results(self, job_id: str, *, on_page: Optional[Callable[[ResultPage], Any]] = None,
                     call_timeout: Optional[float] = None, cancel: Optional[CancelToken] = None,
                     **filters: Any) -> Generator[ObjectResult, None, None]:
        """Every per-object result of batch job `job_id`, whatever its type: the job is described, then the
        executions of each of its workflow IDs are walked in turn (Workflow) or the media jobs of its tag (Job).
        Filters: `states` (e.g. `["Failed"]` or `"Failed"`), `object` (one input key), `start_creation_time`,
        `end_creation_time`, `order_by_time` ("Desc"/"Asc"), `size` (page size, 1 to 100). `on_page(page)` is called
        as each page arrives. Paging ends as for `iter_pages`; `call_timeout` bounds the whole walk, `cancel` stops
        it."""
        plain = lambda: _Scope(self, None, None, derive=False)  # noqa: E731
        for page in _results.pages(job_id, self._scope(call_timeout, cancel), plain, filters):
            if on_page is not None:
                on_page(page)
            yield from page.results

    def list_results(self, job_id: str, *, workflow_id: Optional[str] = None, tag: Optional[str] = None,
                     next_token: Optional[str] = None, call_timeout: Optional[float] = None,
                     cancel: Optional[CancelToken] = None, **filters: Any) -> ResultPage:
        """One page of batch job `job_id`'s results from one source: exactly one of `workflow_id` (one of a
        Workflow batch job's workflow IDs) and `tag` (a Job batch job's tag). Pass the previous page's
        `next_token` for the next. Same filters as `iter_results`; nothing is described first."""
        return _results.list_page(job_id, workflow_id, tag, next_token, self._scope(call_timeout, cancel), filters)

    def report(self, job_id: str, failed_limit: int = 100, on_page: Optional[Callable[[ReportProgress], Any]] = None,
               *, call_timeout: Optional[float] = None, cancel: Optional[CancelToken] = None) -> Report:
        """A report over batch job `job_id`: the job, its results counted by state, the total and the first
        `failed_limit` failed results in creation order, built by paging once through every result (100 a page).
        `on_page(progress)` is called after each page (`progress.pages`, `.results`, `.failed`); an exception it
        raises stops the report and is raised again here."""
        return _results.report(job_id, failed_limit, on_page, self._scope(call_timeout, cancel), Job)


_LIST_FILTERS = ("type", "states", "order_by_time", "size", "next_token", "start_creation_time",
                 "end_creation_time", "workflow_id", "job_id", "name")


def _unknown(filters: Mapping[str, Any]) -> None:
    extra = set(filters) - set(_LIST_FILTERS)
    if extra:
        raise TypeError(f"unknown filter(s): {', '.join(sorted(extra))}")


def sign(method: str, path: str, *, secret_id: str, secret_key: str, start: int, end: int,
         params: Iterable[Tuple[str, str]] = (), headers: Iterable[Tuple[str, str]] = ()) -> str:
    """The Authorization value (q-sign-algorithm=sha1) for any COS/CI request. `path` is the decoded path."""
    params, headers = list(params), list(headers)

    def arrays(pairs: List[Tuple[str, str]], what: str):
        names = (ctypes.c_char_p * len(pairs))(*[_args.text(k, what) for k, _ in pairs])
        values = (ctypes.c_char_p * len(pairs))(*[_args.text(v, what) for _, v in pairs])
        return names, values, len(pairs)

    pn, pv, pc = arrays(params, "params")
    hn, hv, hc = arrays(headers, "headers")
    out = ctypes.c_void_p()
    call(lib.cibatch_sign, _args.text(method, "method"), _args.text(path, "path"), pn, pv, pc, hn, hv, hc,
         _args.text(secret_id, "secret_id"), _args.text(secret_key, "secret_key"),
         _args.integer(start, "start", -2**63, 2**63 - 1), _args.integer(end, "end", -2**63, 2**63 - 1),
         ctypes.byref(out))
    try:
        return ctypes.string_at(out.value).decode()
    finally:
        lib.cibatch_string_free(out.value)
