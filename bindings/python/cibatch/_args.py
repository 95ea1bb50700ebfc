"""Checks on Python values at the boundary: wrong types are TypeError, never a crash."""
from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from typing import Optional

from ._errors import InvalidArgument


def text(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    if "\0" in value:
        # A C string ends at NUL: passing it on would silently send a different value.
        raise InvalidArgument(f"invalid argument `{name}`: contains NUL", argument=name)
    # Lone surrogates pass through as invalid UTF-8, which the library refuses with a clear error.
    return value.encode("utf-8", "surrogatepass")


def opt_text(value: object, name: str) -> Optional[bytes]:
    return None if value is None else text(value, name)


def time_text(value: object, name: str) -> Optional[bytes]:
    """A time for a list filter or a time interval: a str the library reads (`+0800`, `+08:00`, `Z`, `z`), or an
    aware datetime. The library sends it as 2022-02-25T12:00:00+0800."""
    if value is None:
        return None
    if isinstance(value, str):
        return text(value, name)
    import datetime  # only when a datetime may be given

    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidArgument(f"invalid argument `{name}`: a naive datetime has no time zone; give an aware one "
                                  "(e.g. with tzinfo=datetime.timezone.utc)", argument=name)
        return value.strftime("%Y-%m-%dT%H:%M:%S%z").encode()
    raise TypeError(f"{name} must be str or datetime, not {type(value).__name__}")


def states(value: object, name: str) -> list:
    """States as a list: one str (`"Running"` or the official SDK's `"Running,Failed"`) or an iterable of str."""
    if isinstance(value, str):
        return [text(s.strip(), name) for s in value.split(",") if s.strip()]
    return [text(s, name) for s in value]  # type: ignore[union-attr]


def integer(value: object, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    if not lo <= value <= hi:
        raise InvalidArgument(f"invalid argument `{name}`: {value} is outside {lo}..={hi}", argument=name)
    return value


# The C parameters' ranges: what does not fit is refused here, never wrapped by ctypes. The library checks the
# meaningful ranges (e.g. at most a day for every duration) and names the argument.
U32, U64, I64 = (0, 2**32 - 1), (0, 2**64 - 1), (-2**63, 2**63 - 1)


def millis(value: object, name: str) -> int:
    """Seconds as whole milliseconds (at least 1) for a uint64_t parameter."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not value > 0:  # NaN too
        raise InvalidArgument(f"invalid argument `{name}`: must be more than zero", argument=name)
    if not value * 1000 <= U64[1]:  # inf too
        raise InvalidArgument(f"invalid argument `{name}`: {value} seconds is too long", argument=name)
    return max(1, int(value * 1000))
