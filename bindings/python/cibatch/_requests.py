"""What a client sends: job and workflow requests, list options, and the checks on their arguments."""
from __future__ import annotations

import ctypes
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from datetime import datetime
    from typing import Any, Iterable, Mapping, Optional, Sequence, Tuple, Union

    XmlValue = Union[str, Mapping[str, Any], Sequence[Any]]

from . import _args
from ._errors import InvalidArgument, call
from ._ffi import lib
from ._handle import Handle

# cibatch_input_kind and cibatch_order (tests/test_ffi_table.py checks them against include/cibatch.h).
INPUT_KINDS = {"prefix": 0, "manifest": 1, "url_file": 2, "object": 3}
ORDERS = {"Desc": 0, "Asc": 1}


def escape(text: str) -> str:
    """XML text escaping (the library parses fragments again and re-escapes what it sends)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def one_input(**inputs: Optional[str]) -> Tuple[int, bytes]:
    given = [(k, v) for k, v in inputs.items() if v is not None]
    if len(given) != 1:
        raise InvalidArgument("invalid argument `input`: give exactly one of prefix, manifest, url_file, object",
                              argument="input")
    kind, value = given[0]
    return INPUT_KINDS[kind], _args.text(value, kind)


def fragment(name: str, value: XmlValue) -> str:
    """XML for a pass-through element; the library parses it again, checks names and re-escapes text."""
    if isinstance(value, str):
        return f"<{name}>{escape(value)}</{name}>"
    if isinstance(value, dict) or hasattr(value, "items"):
        return f"<{name}>" + "".join(fragment(k, v) for k, v in value.items()) + f"</{name}>"
    if isinstance(value, (list, tuple)):
        return "".join(fragment(name, v) for v in value)
    raise TypeError(f"{name}: expected str, mapping or list, not {type(value).__name__}")  # noqa: E501


def unix(t: Union[float, "datetime"]) -> int:
    if hasattr(t, "timestamp"):
        return int(t.timestamp())  # type: ignore[union-attr]
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        raise TypeError(f"since must be a Unix time or a datetime, not {type(t).__name__}")
    return _args.integer(int(t), "since", *_args.I64)


def workflow_request(name: str, workflow_id: str, prefix: Optional[str], manifest: Optional[str],
                     url_file: Optional[str], object: Optional[str], start: Union[None, str, "datetime"],
                     end: Union[None, str, "datetime"]) -> Handle:
    """A cibatch_workflow_request for create_workflow_job's arguments."""
    kind, value = one_input(prefix=prefix, manifest=manifest, url_file=url_file, object=object)
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


def job_request(name: str, tag: str, *, prefix: Optional[str] = None, manifest: Optional[str] = None,
                url_file: Optional[str] = None, object: Optional[str] = None,
                job_param: Optional[Mapping[str, XmlValue]] = None, output: Optional[Mapping[str, XmlValue]] = None,
                queue_id: Optional[str] = None, user_data: Optional[str] = None, job_level: Optional[int] = None,
                callback: Optional[str] = None, callback_format: Optional[str] = None,
                callback_type: Optional[str] = None, callback_mq: Optional[Mapping[str, str]] = None,
                start: Union[None, str, "datetime"] = None, end: Union[None, str, "datetime"] = None,
                operation: Optional[Mapping[str, XmlValue]] = None, queue_type: Optional[str] = None,
                callback_kafka: Optional[Mapping[str, str]] = None) -> Handle:
    """A cibatch_job_request for create_job's arguments."""
    kind, value = one_input(prefix=prefix, manifest=manifest, url_file=url_file, object=object)
    req = ctypes.c_void_p()
    call(lib.cibatch_job_request_new, _args.text(name, "name"), _args.text(tag, "tag"), kind, value,
         ctypes.byref(req))
    r = Handle(req.value, lib.cibatch_job_request_free)
    try:
        h = r._handle
        for k, v in (job_param or {}).items():
            call(lib.cibatch_job_request_add_param_xml, h, _args.text(fragment(k, v), "job_param"))
        for k, v in (output or {}).items():
            call(lib.cibatch_job_request_add_output_xml, h, _args.text(fragment(k, v), "output"))
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
            call(lib.cibatch_job_request_add_operation_xml, h, _args.text(fragment(k, v), "operation"))
    except BaseException:
        r.close()
        raise
    return r


class ListOptions(Handle):
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
            if order_by_time not in ORDERS:
                raise InvalidArgument(f"invalid argument `order_by_time`: {order_by_time!r} is not Desc or Asc",
                                      argument="order_by_time")
            call(lib.cibatch_list_options_set_order, h, ORDERS[order_by_time])
        if states is not None:
            for state in _args.states(states, "states"):
                call(lib.cibatch_list_options_add_state, h, state)
        if size is not None:
            call(lib.cibatch_list_options_set_size, h, _args.integer(size, "size", 1, 2**32 - 1))
        call(lib.cibatch_list_options_set_next_token, h, _args.opt_text(next_token, "next_token"))
        call(lib.cibatch_list_options_set_filters, h, _args.time_text(start_creation_time, "start_creation_time"),
             _args.time_text(end_creation_time, "end_creation_time"), _args.opt_text(workflow_id, "workflow_id"),
             _args.opt_text(job_id, "job_id"), _args.opt_text(name, "name"))


LIST_FILTERS = ("type", "states", "order_by_time", "size", "next_token", "start_creation_time",
                "end_creation_time", "workflow_id", "job_id", "name")


def unknown(filters: Mapping[str, Any]) -> None:
    extra = set(filters) - set(LIST_FILTERS)
    if extra:
        raise TypeError(f"unknown filter(s): {', '.join(sorted(extra))}")
