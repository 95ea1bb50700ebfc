"""Per-object results of a batch job and the report over them (`Client.iter_results`, `list_results`, `report`)."""
from __future__ import annotations

import ctypes

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any, Callable, Dict, Generator, Iterable, List, Optional, Union

from . import _args
from ._errors import Error, InvalidArgument, call
from ._ffi import REPORT_CALLBACK, RESULT_STRING_FIELDS, lib
from ._handle import Handle
from ._requests import ORDERS


class ObjectResult:
    """What one unit of a batch job (a workflow execution or a media job) did with one input object.

    `object` is the input key, `unit_id` the execution's RunId or the media job's JobId, `workflow_id` (Workflow) or
    `tag` (Job) the source; `code`/`message` say why a media job failed (empty for workflow executions); times are in
    the documented `+0800` form (None while unset); `raw_xml` is the item as received."""

    __slots__ = tuple(RESULT_STRING_FIELDS)

    object: str
    state: str
    code: str
    message: str
    unit_id: str
    workflow_id: Optional[str]
    tag: Optional[str]
    creation_time: Optional[str]
    start_time: Optional[str]
    end_time: Optional[str]
    progress: Optional[str]
    raw_xml: str

    def __init__(self, ptr: int):
        for field in RESULT_STRING_FIELDS:
            raw = getattr(lib, f"cibatch_object_result_{field}")(ptr)
            setattr(self, field, None if raw is None else raw.decode("utf-8", "replace"))

    @property
    def failed(self) -> bool:
        return self.state == "Failed"

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in RESULT_STRING_FIELDS}

    def __repr__(self) -> str:
        return (f"ObjectResult(object={self.object!r}, state={self.state!r}, code={self.code!r}, "
                f"unit_id={self.unit_id!r})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ObjectResult) and self.raw_xml == other.raw_xml

    def __hash__(self) -> int:
        return hash(self.raw_xml)


class ResultPage:
    """One page of object results: from `workflow_id` (a Workflow batch job) or `tag` (a Job one). `next_token` is
    None on that source's last page; `number` counts pages from 1 in `iter_results`."""

    __slots__ = ("results", "next_token", "request_id", "workflow_id", "tag", "number")

    def __init__(self, ptr: int, number: int = 1):
        try:
            self.results: List[ObjectResult] = [ObjectResult(lib.cibatch_result_page_get(ptr, i))
                                                for i in range(lib.cibatch_result_page_count(ptr))]
            s = lambda b: None if b is None else b.decode("utf-8", "replace")  # noqa: E731
            self.next_token: Optional[str] = s(lib.cibatch_result_page_next_token(ptr))
            self.request_id: str = s(lib.cibatch_result_page_request_id(ptr)) or ""
            self.workflow_id: Optional[str] = s(lib.cibatch_result_page_workflow_id(ptr))
            self.tag: Optional[str] = s(lib.cibatch_result_page_tag(ptr))
            self.number = number
        finally:
            lib.cibatch_result_page_free(ptr)

    def __repr__(self) -> str:
        return (f"ResultPage(results={len(self.results)}, next_token={self.next_token!r}, "
                f"workflow_id={self.workflow_id!r}, tag={self.tag!r})")


class ReportProgress:
    """Where a report stands after a page: pages fetched, results counted, of which failed."""

    __slots__ = ("pages", "results", "failed")

    def __init__(self, pages: int, results: int, failed: int):
        self.pages, self.results, self.failed = pages, results, failed

    def __repr__(self) -> str:
        return f"ReportProgress(pages={self.pages}, results={self.results}, failed={self.failed})"


class Report:
    """A batch job and what its units did: `job` (as described when the report started), `counts` (results by
    state), `total`, `failed` (the first `failed_limit` failed results in creation order), `pages`, and `outcome`:
    "in progress", "completed", "completed with failures" (the batch job ended Success, as it does once its fan-out
    finished, but units failed), "failed" or "cancelled"."""

    __slots__ = ("job", "counts", "total", "failed", "pages", "outcome")

    def __init__(self, job: Any, counts: Dict[str, int], total: int, failed: List[ObjectResult], pages: int,
                 outcome: str):
        self.job, self.counts, self.total, self.failed, self.pages, self.outcome = (
            job, counts, total, failed, pages, outcome)

    @property
    def failed_total(self) -> int:
        """Failed results counted (all of them, not only those kept in `failed`)."""
        return self.counts.get("Failed", 0)

    def __repr__(self) -> str:
        return (f"Report(job_id={self.job.job_id!r}, outcome={self.outcome!r}, total={self.total}, "
                f"counts={self.counts!r}, failed={len(self.failed)} kept)")


class _ResultOptions(Handle):
    def __init__(self, states: Union[None, str, Iterable[str]], object: Optional[str],
                 start_creation_time: Union[None, str, "datetime"], end_creation_time: Union[None, str, "datetime"],
                 order_by_time: Optional[str], size: Optional[int]):
        out = ctypes.c_void_p()
        call(lib.cibatch_result_options_new, ctypes.byref(out))
        super().__init__(out.value, lib.cibatch_result_options_free)
        h = self._handle
        try:
            if states is not None:
                for state in _args.states(states, "states"):
                    call(lib.cibatch_result_options_add_state, h, state)
            call(lib.cibatch_result_options_set_object, h, _args.opt_text(object, "object"))
            call(lib.cibatch_result_options_set_creation_range, h,
                 _args.time_text(start_creation_time, "start_creation_time"),
                 _args.time_text(end_creation_time, "end_creation_time"))
            if order_by_time is not None:
                if order_by_time not in ORDERS:
                    raise InvalidArgument(f"invalid argument `order_by_time`: {order_by_time!r} is not Desc or Asc",
                                          argument="order_by_time")
                call(lib.cibatch_result_options_set_order, h, ORDERS[order_by_time])
            if size is not None:
                call(lib.cibatch_result_options_set_size, h, _args.integer(size, "size", 1, 100))
        except BaseException:
            self.close()
            raise


RESULT_FILTERS = ("states", "object", "start_creation_time", "end_creation_time", "order_by_time", "size")


def options(filters: Dict[str, Any]) -> _ResultOptions:
    extra = set(filters) - set(RESULT_FILTERS)
    if extra:
        raise TypeError(f"unknown filter(s): {', '.join(sorted(extra))}")
    return _ResultOptions(**{k: filters.get(k) for k in RESULT_FILTERS})


def pages(job_id: str, scope: Any, plain: Callable[[], Any],
          filters: Dict[str, Any]) -> Generator[ResultPage, None, None]:
    """Every page of a batch job's results (`scope` gives the call's handle: timeout, cancel token; `plain()` a scope
    for each page that raises what a logging callback raised)."""
    with options(filters) as opts:
        out = ctypes.c_void_p()
        with scope as h:
            # The pager keeps what it needs of h (connections, deadline, token) until it is freed.
            call(lib.cibatch_client_results, h, _args.text(job_id, "job_id"), opts._handle, ctypes.byref(out))
    with Handle(out.value, lib.cibatch_results_pager_free) as pager:
        while True:
            page = ctypes.c_void_p()
            with plain():
                call(lib.cibatch_results_pager_next_page, pager._handle, ctypes.byref(page))
            if not page.value:
                return
            yield ResultPage(page.value, lib.cibatch_results_pager_pages_fetched(pager._handle))


def list_page(job_id: str, workflow_id: Optional[str], tag: Optional[str], next_token: Optional[str], scope: Any,
              filters: Dict[str, Any]) -> ResultPage:
    if (workflow_id is None) == (tag is None):
        raise InvalidArgument("invalid argument `workflow_id`: give exactly one of workflow_id and tag",
                              argument="workflow_id")
    with options(filters) as opts:
        out = ctypes.c_void_p()
        with scope as h:
            call(lib.cibatch_client_list_results, h, _args.text(job_id, "job_id"),
                 _args.opt_text(workflow_id, "workflow_id"), _args.opt_text(tag, "tag"), opts._handle,
                 _args.opt_text(next_token, "next_token"), ctypes.byref(out))
    return ResultPage(out.value)


def report(job_id: str, failed_limit: int, on_page: Optional[Callable[[ReportProgress], Any]], scope: Any,
           job_class: Any) -> Report:
    raised: List[BaseException] = []

    def relay(_user_data: int, pages: int, results: int, failed: int) -> bool:
        try:
            on_page(ReportProgress(pages, results, failed))  # type: ignore[misc]
            return True
        except BaseException as e:  # noqa: BLE001 - raised again below, once the report has stopped
            raised.append(e)
            return False

    callback = REPORT_CALLBACK(relay) if on_page is not None else REPORT_CALLBACK()
    out = ctypes.c_void_p()
    try:
        with scope as h:
            call(lib.cibatch_client_report, h, _args.text(job_id, "job_id"),
                 _args.integer(failed_limit, "failed_limit", 0, 2**32 - 1), callback, None, ctypes.byref(out))
    except Error:
        if raised:
            raise raised[0] from None
        raise
    try:
        r = out.value
        counts = {lib.cibatch_report_state_name(r, i).decode("utf-8", "replace"): lib.cibatch_report_state_total(r, i)
                  for i in range(lib.cibatch_report_state_count(r))}
        failed = [ObjectResult(lib.cibatch_report_failed_get(r, i)) for i in range(lib.cibatch_report_failed_count(r))]
        job = job_class._own(lib.cibatch_job_clone(lib.cibatch_report_job(r)))
        return Report(job, counts, lib.cibatch_report_total(r), failed, lib.cibatch_report_pages(r),
                      lib.cibatch_report_outcome(r).decode())
    finally:
        lib.cibatch_report_free(out.value)
