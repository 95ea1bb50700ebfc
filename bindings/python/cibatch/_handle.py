"""The managed-handle base class: close() frees once, context manager, __del__ as a safety net."""
from __future__ import annotations

# `_thread`'s lock, which `threading.Lock` is: importing `threading` (with `functools` and `collections`) would cost
# milliseconds of every program's start-up.
from _thread import allocate_lock
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from typing import Callable, Optional


class Handle:
    """Owns one library handle. `close()` is idempotent; after it, using the object raises ValueError."""

    _free: Callable[[int], None]

    def __init__(self, ptr: Optional[int], free: Callable[[int], None]):
        self._ptr = ptr
        self._free = free
        self._lock = allocate_lock()

    @property
    def _handle(self) -> int:
        ptr = self._ptr
        if not ptr:
            raise ValueError(f"{type(self).__name__} is closed")
        return ptr

    def close(self) -> None:
        with self._lock:
            ptr, self._ptr = self._ptr, None
        if ptr:
            self._free(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        # A safety net only: interpreter shutdown may already have torn down what close() needs.
        try:
            self.close()
        except Exception:
            pass
