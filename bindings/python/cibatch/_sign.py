"""cibatch.sign: the COS request signature, computed by the library."""
from __future__ import annotations

import ctypes
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from typing import Iterable, List, Tuple

from . import _args
from ._errors import call
from ._ffi import lib


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
