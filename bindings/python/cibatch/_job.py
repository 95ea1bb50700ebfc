"""Job, Page and DescribeResult: what describe, list and create return, read from the library's job handles."""
from __future__ import annotations

import ctypes
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from ctypes import Array
    from typing import List, Optional, Tuple

from ._ffi import lib
from ._handle import Handle

TERMINAL_STATES = frozenset({"Success", "Failed", "Cancel"})

# Job attributes in `cibatch_job_field` order: the attribute at index i is field number i, CIBATCH_JOB_FIELD_ and
# its name in capitals (tests/test_ffi_table.py checks every number against include/cibatch.h). `job_level` is read
# as an int by its own property; `raw_xml` is last.
FIELDS = (
    "job_id", "name", "type", "state", "code", "message", "creation_time", "start_time", "end_time", "prefix",
    "manifest", "url_file", "object", "workflow_ids", "time_interval_start", "time_interval_end", "tag",
    "template_id", "job_param_xml", "output_region", "output_bucket", "output_object", "output_xml", "queue_id",
    "user_data", "job_level", "callback", "callback_format", "callback_type", "callback_mq_mode",
    "callback_mq_region", "callback_mq_name", "callback_kafka_region", "callback_kafka_instance_id",
    "callback_kafka_topic", "queue_type", "progress", "raw_xml",
)
_COUNT = len(FIELDS)
_JOB_LEVEL = FIELDS.index("job_level")
_Fields = ctypes.c_char_p * _COUNT
# The large fields (the job's whole XML, and its <JobParam> and <Output> elements as received) are read when asked
# for, not with the others; in their places the first read asks for a number the library does not know (NULL).
_LARGE_FIELDS = ("job_param_xml", "output_xml", "raw_xml")
_NOT_A_FIELD = 0xFFFFFFFF
_WANTED = (ctypes.c_uint32 * _COUNT)(*(_NOT_A_FIELD if name in _LARGE_FIELDS else i for i, name in enumerate(FIELDS)))
# cibatch_job_fields without argtypes: each argument below is already a ctypes value, which saves converting them
# on every call (the table in _ffi still declares the signature, which tests/test_ffi_table.py checks).
_read_fields = lib["cibatch_job_fields"]
_read_fields.restype = ctypes.c_bool
_COUNT_ARG = ctypes.c_size_t(_COUNT)
_JobPtr = ctypes.c_void_p


class _Owned(Handle):
    """Memory a Job reads from: its own job handle, or the list it was borrowed from."""


def _field(index: int) -> property:
    def get(self: "Job") -> Optional[str]:
        raw = (self._fields or self._read())[index]
        return None if raw is None else raw.decode("utf-8", "replace")

    return property(get)


def _large_field(index: int) -> property:
    wanted, one = ctypes.c_uint32(index), ctypes.c_size_t(1)

    def get(self: "Job") -> Optional[str]:
        out = (ctypes.c_char_p * 1)()
        _read_fields(_JobPtr(self._job), ctypes.byref(wanted), one, out)
        raw = out[0]
        return None if raw is None else raw.decode("utf-8", "replace")

    return property(get)


class Job:
    """One job; absent fields are None. Immutable. Its fields are read from the library in one call, on the first
    access to any of them (`raw_xml`, `job_param_xml` and `output_xml`, the large ones, when asked for)."""

    __slots__ = ("_job", "_owner", "_fields")

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
        self._fields: Optional[Array[ctypes.c_char_p]] = None

    def _read(self) -> Array[ctypes.c_char_p]:
        """Every field in one library call (cibatch_job_fields). The pointers are borrowed from the job, which
        `_owner` keeps alive; each access copies its field into a new str."""
        fields = self._fields = _Fields()
        _read_fields(_JobPtr(self._job), _WANTED, _COUNT_ARG, fields)
        return fields

    @classmethod
    def _own(cls, job_ptr: int) -> "Job":
        return cls(job_ptr, _Owned(job_ptr, lib.cibatch_job_free))

    @property
    def is_terminal(self) -> bool:
        """True for Success, Failed and Cancel."""
        return bool(lib.cibatch_job_is_terminal(self._job))

    @property
    def job_level(self) -> Optional[int]:
        raw = (self._fields or self._read())[_JOB_LEVEL]
        return int(raw) if raw and raw.isdigit() else None

    def to_dict(self) -> dict:
        d = {name: None if raw is None else raw.decode("utf-8", "replace")
             for name, raw in zip(FIELDS, (self._fields or self._read())[:])}
        d["job_level"] = self.job_level
        for name in _LARGE_FIELDS:
            d[name] = getattr(self, name)
        return d

    def __repr__(self) -> str:
        return f"Job(job_id={self.job_id!r}, name={self.name!r}, type={self.type!r}, state={self.state!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Job) and self.raw_xml == other.raw_xml

    def __hash__(self) -> int:
        return hash(self.raw_xml)


for _index, _name in enumerate(FIELDS):
    if _index != _JOB_LEVEL:
        setattr(Job, _name, _large_field(_index) if _name in _LARGE_FIELDS else _field(_index))


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


def text(b: Optional[bytes]) -> Optional[str]:
    return None if b is None else b.decode("utf-8", "replace")


def jobs_of(list_ptr: int) -> Tuple[List[Job], _Owned]:
    owner = _Owned(list_ptr, lib.cibatch_job_list_free)
    jobs = [Job(lib.cibatch_job_list_get(list_ptr, i), owner) for i in range(lib.cibatch_job_list_count(list_ptr))]
    return jobs, owner


def page(list_ptr: int) -> Page:
    jobs, owner = jobs_of(list_ptr)  # `owner` frees the list when the last Job of it goes
    result = Page(jobs, text(lib.cibatch_job_list_next_token(list_ptr)),
                  text(lib.cibatch_job_list_request_id(list_ptr)) or "", type=text(lib.cibatch_job_list_type(list_ptr)))
    del owner
    return result


def describe_result(list_ptr: int) -> DescribeResult:
    jobs, owner = jobs_of(list_ptr)
    missing = [text(lib.cibatch_job_list_non_exist_get(list_ptr, i)) or ""
               for i in range(lib.cibatch_job_list_non_exist_count(list_ptr))]
    result = DescribeResult(jobs, missing, text(lib.cibatch_job_list_request_id(list_ptr)) or "")
    del owner
    return result
