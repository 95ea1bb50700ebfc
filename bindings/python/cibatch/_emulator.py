"""The local emulator of the service, in process, for tests and demos."""
from __future__ import annotations

import ctypes
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from typing import Any, Iterable, Optional

from . import _args
from ._client import Client
from ._errors import InvalidArgument, call
from ._ffi import lib
from ._handle import Handle

_FAULTS = {"close_connection": 0, "cut_body": 1, "truncated_xml": 2, "malformed_xml": 3, "empty_page": 4,
           "lose_answer": 5}
# cibatch_emulator_switch
_SWITCHES = {"list_default_workflow": 0, "describe_joined_as_one_id": 1, "repeat_last_token": 2}
# cibatch_emulator_clock
_CLOCKS = {"wall": 0, "manual": 1, "per_describe": 2}


class Emulator(Handle):
    """An emulator of the batch-job API on 127.0.0.1 (a free port unless `port` is given).

    Jobs stay Submitted for `submitted` seconds, then Running for `running` seconds, then succeed. With `token`,
    every request must carry and sign that session token. `clock` says what moves jobs: "wall" (real time, the
    default), "manual" (only `advance()`), or "per_describe" (each describe that returns a job moves it one state
    on, after answering: Submitted, Running, then its end); tests that assert a sequence of states use one of the
    last two, so that no load on the machine changes what they see. Use as a context manager, or call `close()`.
    """

    def __init__(self, port: int = 0, token: Optional[str] = None, submitted: float = 0.2, running: float = 0.8,
                 clock: str = "wall"):
        if clock not in _CLOCKS:
            raise InvalidArgument(f"invalid argument `clock`: {clock!r} is not one of {', '.join(_CLOCKS)}",
                                  argument="clock")
        out = ctypes.c_void_p()
        call(lib.cibatch_emulator_start, _args.integer(port, "port", 0, 65535), _args.opt_text(token, "token"),
             _args.millis(submitted, "submitted"), _args.millis(running, "running"), ctypes.byref(out))
        super().__init__(out.value, lib.cibatch_emulator_free)
        if clock != "wall":
            self.set_clock(clock)

    def _s(self, fn) -> Optional[str]:
        raw = fn(self._handle)
        return None if raw is None else raw.decode()

    @property
    def endpoint(self) -> str:
        return self._s(lib.cibatch_emulator_endpoint) or ""

    @property
    def bucket(self) -> str:
        return self._s(lib.cibatch_emulator_bucket) or ""

    @property
    def region(self) -> str:
        return self._s(lib.cibatch_emulator_region) or ""

    @property
    def secret_id(self) -> str:
        return self._s(lib.cibatch_emulator_secret_id) or ""

    @property
    def secret_key(self) -> str:
        return self._s(lib.cibatch_emulator_secret_key) or ""

    @property
    def token(self) -> Optional[str]:
        return self._s(lib.cibatch_emulator_session_token)

    @property
    def port(self) -> int:
        return lib.cibatch_emulator_port(self._handle)

    def client(self, **options: Any) -> Client:
        """A Client for this emulator; `options` are Client's keyword options."""
        return Client(self.bucket, self.region, self.secret_id, self.secret_key, token=self.token,
                      endpoint=self.endpoint, **options)

    def inject_status(self, status: int, code: str, times: int = 1) -> None:
        """The next `times` requests get HTTP `status` with an <Error> carrying `code` (e.g. 503, "SlowDown")."""
        call(lib.cibatch_emulator_inject_status, self._handle, _args.integer(status, "status", 100, 599),
             _args.text(code, "code"), _args.integer(times, "times", 0, 2**32 - 1))

    def inject_delay(self, seconds: float, times: int = 1) -> None:
        """The next `times` requests are answered after `seconds`."""
        call(lib.cibatch_emulator_inject_delay, self._handle, _args.millis(seconds, "seconds"),
             _args.integer(times, "times", 0, 2**32 - 1))

    def inject_huge_body(self, nbytes: int, times: int = 1) -> None:
        """The next `times` requests get a 200 answer of about `nbytes` bytes."""
        call(lib.cibatch_emulator_inject_huge_body, self._handle, _args.integer(nbytes, "nbytes", 0, 2**62),
             _args.integer(times, "times", 0, 2**32 - 1))

    def inject(self, fault: str, times: int = 1) -> None:
        """`fault` is "close_connection", "cut_body", "truncated_xml", "malformed_xml", "empty_page" (no jobs, a new
        NextToken) or "lose_answer" (handled, then the connection closes without an answer)."""
        if fault not in _FAULTS:
            raise ValueError(f"unknown fault {fault!r}; one of {', '.join(_FAULTS)}")
        call(lib.cibatch_emulator_inject, self._handle, _FAULTS[fault], _args.integer(times, "times", 0, 2**32 - 1))

    def set_switch(self, switch: str, on: bool = True) -> None:
        """Answers where the service's documents are silent: "list_default_workflow" (a list without type covers
        only Workflow jobs), "describe_joined_as_one_id" (a comma-joined describe is one unknown ID),
        "repeat_last_token" (the last page repeats its token instead of an empty NextToken)."""
        if switch not in _SWITCHES:
            raise ValueError(f"unknown switch {switch!r}; one of {', '.join(_SWITCHES)}")
        call(lib.cibatch_emulator_set_switch, self._handle, _SWITCHES[switch], bool(on))

    def clear_faults(self) -> None:
        lib.cibatch_emulator_clear_faults(self._handle)

    @property
    def job_count(self) -> int:
        return lib.cibatch_emulator_job_count(self._handle)

    @property
    def request_count(self) -> int:
        return lib.cibatch_emulator_request_count(self._handle)

    def set_timing(self, submitted: float, running: float) -> None:
        """How long jobs stay Submitted and then Running, in seconds; 0 skips that state (0 and 0: a job has ended,
        and so have its units, as soon as it is created)."""
        ms = lambda v, n: 0 if (v == 0 and not isinstance(v, bool)) else _args.millis(v, n)  # noqa: E731
        lib.cibatch_emulator_set_timing(self._handle, ms(submitted, "submitted"), ms(running, "running"))

    def set_clock(self, clock: str) -> None:
        """What moves jobs from now on: "wall", "manual" or "per_describe" (see the class); time goes on from here."""
        if clock not in _CLOCKS:
            raise InvalidArgument(f"invalid argument `clock`: {clock!r} is not one of {', '.join(_CLOCKS)}",
                                  argument="clock")
        call(lib.cibatch_emulator_set_clock, self._handle, _CLOCKS[clock])

    def advance(self, seconds: float) -> None:
        """Moves the job clock forward by `seconds` (under any clock): jobs whose time in a state passed move on."""
        lib.cibatch_emulator_advance(self._handle, _args.millis(seconds, "seconds"))

    def set_clock_skew(self, seconds: int) -> None:
        """Puts the emulated service's clock `seconds` ahead of this machine's (negative: behind)."""
        lib.cibatch_emulator_set_clock_skew(self._handle, _args.integer(seconds, "seconds", -2**62, 2**62))

    def fail_job(self, job_id: str, code: str, message: str) -> None:
        """Makes the job end Failed with `code` and `message`."""
        call(lib.cibatch_emulator_fail_job, self._handle, _args.text(job_id, "job_id"), _args.text(code, "code"),
             _args.text(message, "message"))

    def set_job_state(self, job_id: str, state: str) -> None:
        """Puts the job in `state` now; it stays there."""
        call(lib.cibatch_emulator_set_job_state, self._handle, _args.text(job_id, "job_id"),
             _args.text(state, "state"))

    def add_objects(self, keys: Iterable[str]) -> None:
        """Adds objects (keys) to the emulated bucket. A batch job created afterwards fans out over the objects
        under its prefix (or its one object): one workflow execution per object per workflow ID, or one media job
        per object; they run while it runs and end with it."""
        if isinstance(keys, str):
            raise TypeError("keys must be an iterable of str, not one str")
        for key in keys:
            call(lib.cibatch_emulator_add_objects, self._handle, _args.text(key, "keys"), None, 1)

    def add_numbered_objects(self, prefix: str, count: int, suffix: str = "") -> None:
        """Adds `count` objects `<prefix>00000<suffix>`, `<prefix>00001<suffix>`, ... in one call."""
        call(lib.cibatch_emulator_add_objects, self._handle, _args.text(prefix, "prefix"),
             _args.text(suffix, "suffix"), _args.integer(count, "count", 0, 1_000_000))

    @property
    def object_count(self) -> int:
        return lib.cibatch_emulator_object_count(self._handle)

    def fail_objects(self, pattern: str, code: str, message: str) -> None:
        """Units of batch jobs created afterwards whose object key matches `pattern` (`*` matches any run of
        characters) end Failed with `code` and `message`; the batch job itself still ends Success."""
        call(lib.cibatch_emulator_fail_objects, self._handle, _args.text(pattern, "pattern"),
             _args.text(code, "code"), _args.text(message, "message"))
