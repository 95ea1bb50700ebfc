"""The one reader of include/cibatch.h for the checks that compare something with the header.

Used by tests/c/gen_abi_checks.py (which generates C checks of every function) and by
bindings/python/tests/test_ffi_table.py (which compares the ctypes table and every number Python copies with the
header). Both put this directory on sys.path and `import abi_header`: no packaging, no install.

The header is cbindgen's output, so its shapes are regular: one declaration per function, ending in `);`, with the
return type at the start of a line; enums as `typedef enum { CIBATCH_X = N, ... } name;`.
"""
import pathlib
import re

HEADER = pathlib.Path(__file__).resolve().parents[1] / "include" / "cibatch.h"

_DECLARATION = re.compile(r"^([A-Za-z_][\w \*]*?)\s*\b(cibatch_\w+)\(([^;{]*?)\);", re.M | re.S)
_ENUMERATOR = re.compile(r"\b(CIBATCH_\w+) = (\d+)")
_ENUM = re.compile(r"typedef enum \{([^}]*)\} (cibatch_\w+);")


def read(path=None):
    """The header's text (include/cibatch.h of this repository unless `path` is given)."""
    return pathlib.Path(path or HEADER).read_text()


def params(text):
    """A parameter list as [(type, name)], types with their whitespace normalized; [] for `()` and `(void)`."""
    text = " ".join(text.split())
    if text in ("", "void"):
        return []
    out = []
    for p in text.split(","):
        m = re.match(r"(.*?)(\w+)$", p.strip())
        out.append((m.group(1).strip(), m.group(2)))
    return out


def declarations(text):
    """Every function the header declares, in order, as (return type, name, [(type, name)])."""
    return [(" ".join(ret.split()), name, params(ptext)) for ret, name, ptext in _DECLARATION.findall(text)]


def constants(text):
    """Every `CIBATCH_NAME = N` enumerator of the header, by name."""
    return {name: int(value) for name, value in _ENUMERATOR.findall(text)}


def enum(text, name):
    """The enumerators of `typedef enum {...} <name>;` by name; KeyError if the header has no such enum."""
    for body, found in _ENUM.findall(text):
        if found == name:
            return {n: int(v) for n, v in _ENUMERATOR.findall(body)}
    raise KeyError(f"no enum {name} in the header")


def with_prefix(consts, prefix):
    """The constants whose name starts with `prefix`, by the rest of their name: {"JOB_ID": 0, ...}."""
    return {n[len(prefix):]: v for n, v in consts.items() if n.startswith(prefix)}
