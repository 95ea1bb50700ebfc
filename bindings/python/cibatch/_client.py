"""Client: the operations on one bucket, over libcibatch."""
from __future__ import annotations

import ctypes
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from datetime import datetime
    from typing import Any, Callable, Generator, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

    from ._requests import XmlValue

from . import _args, _config, _job
from . import _errors as cibatch_errors
from . import _results
from ._callbacks import Scope
from ._cancel import CancelToken
from ._errors import call
from ._ffi import WAIT_CALLBACK, lib
from ._handle import Handle
from ._job import TERMINAL_STATES, DescribeResult, Job, Page
from ._requests import LIST_FILTERS, ListOptions, job_request, unknown, unix, workflow_request
from ._results import ObjectResult, Report, ReportProgress, ResultPage
from ._sign import sign

__all__ = ["Client", "Job", "Page", "DescribeResult", "TERMINAL_STATES", "sign"]


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
        self._callbacks: list = []
        self._provider_failures: List[BaseException] = []
        self._call_timeout = call_timeout
        if call_timeout is not None:
            _args.millis(call_timeout, "call_timeout")
        ptr, self._callbacks = _config.new_client(
            bucket, region, secret_id, secret_key, self._provider_failures, token=token, endpoint=endpoint,
            timeout=timeout, connect_timeout=connect_timeout, read_timeout=read_timeout, user_agent=user_agent,
            max_attempts=max_attempts, retry_create=retry_create, backoff=backoff, https=https,
            max_response_bytes=max_response_bytes, max_xml_depth=max_xml_depth, clock_offset=clock_offset,
            ca_bundle=ca_bundle, proxy=proxy, credentials_provider=credentials_provider,
            resolve_creates=resolve_creates)
        super().__init__(ptr, lib.cibatch_client_free)

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

    def _scope(self, call_timeout: Optional[float] = None, cancel: Optional[CancelToken] = None) -> Scope:
        return Scope(self, call_timeout, cancel)

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
        return _job.describe_result(out.value)

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
        with ListOptions(type, states, order_by_time, size, next_token, start_creation_time, end_creation_time,
                          workflow_id, job_id, name) as opts:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                call(lib.cibatch_client_list_jobs, h, opts._handle, ctypes.byref(out))
        return _job.page(out.value)

    def iter_pages(self, *, call_timeout: Optional[float] = None, cancel: Optional[CancelToken] = None,
                   **filters: Any) -> Generator[Page, None, None]:
        """Every page of a listing (same filters as `list_jobs`). Without `type`, every Workflow page and then every
        Job page (`page.type` says which). A type's walk ends on an empty NextToken or one that repeats the token the
        page was asked with; a token an earlier page gave, or 20 pages in a row without jobs, raises
        InvalidResponse. `call_timeout` bounds the whole iteration; `cancel` stops it."""
        unknown(filters)
        with ListOptions(**{k: filters.get(k) for k in LIST_FILTERS}) as opts:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                # The pager keeps what it needs of h (connections, deadline, token) until it is freed.
                call(lib.cibatch_client_pages, h, opts._handle, ctypes.byref(out))
        with Handle(out.value, lib.cibatch_pager_free) as pager:
            while True:
                page = ctypes.c_void_p()
                with Scope(self, None, None, derive=False):
                    call(lib.cibatch_pager_next, pager._handle, ctypes.byref(page))
                if not page.value:
                    return
                result = _job.page(page.value)
                result.number = lib.cibatch_pager_pages_fetched(pager._handle)
                yield result

    def iter_jobs(self, on_page: Optional[Callable[[Page], Any]] = None,
                  **filters: Any) -> Generator[Job, None, None]:
        """Every job of a listing, across pages (same filters as `list_jobs`, and `call_timeout`/`cancel` as for
        `iter_pages`). Without `type`, Workflow and Job jobs merged by (creation time, job ID) in the requested
        order, so no job is skipped whatever the service's default type. `on_page(page)` is called as each page
        arrives (`page.number` counts them, `page.type` says its type), for progress reports."""
        call_timeout, cancel = filters.pop("call_timeout", None), filters.pop("cancel", None)
        unknown(filters)
        with ListOptions(**{k: filters.get(k) for k in LIST_FILTERS}) as opts:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                # The iterator keeps what it needs of h (connections, deadline, token) until it is freed.
                call(lib.cibatch_client_jobs, h, opts._handle, on_page is not None, ctypes.byref(out))
        with Handle(out.value, lib.cibatch_job_iter_free) as it:
            number = 0
            while True:
                job = ctypes.c_void_p()
                with Scope(self, None, None, derive=False):
                    call(lib.cibatch_job_iter_next, it._handle, ctypes.byref(job))
                while on_page is not None:
                    page = ctypes.c_void_p()
                    call(lib.cibatch_job_iter_take_page, it._handle, ctypes.byref(page))
                    if not page.value:
                        break
                    number += 1
                    taken = _job.page(page.value)
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
        with workflow_request(name, workflow_id, prefix, manifest, url_file, object, start, end) as r:
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
        with job_request(name, tag, prefix=prefix, manifest=manifest, url_file=url_file, object=object,
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
        with workflow_request(name, workflow_id, prefix, manifest, url_file, object, start, end) as r:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                call(lib.cibatch_client_find_created_workflow_job, h, r._handle, unix(since), ctypes.byref(out))
        return _job.jobs_of(out.value)[0]

    def find_created_job(self, name: str, tag: str, since: Union[float, "datetime"], *,
                         call_timeout: Optional[float] = None, cancel: Optional[CancelToken] = None,
                         **request: Any) -> List[Job]:
        """As `find_created_workflow_job`, for `create_job(name, tag, **request)`: same type, name, input and tag,
        and the same queue ID and user data when given."""
        with job_request(name, tag, **request) as r:
            out = ctypes.c_void_p()
            with self._scope(call_timeout, cancel) as h:
                call(lib.cibatch_client_find_created_job, h, r._handle, unix(since), ctypes.byref(out))
        return _job.jobs_of(out.value)[0]

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
        plain = lambda: Scope(self, None, None, derive=False)  # noqa: E731
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
