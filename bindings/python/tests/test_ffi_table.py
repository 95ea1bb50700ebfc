"""The ctypes table (argtypes/restype) agrees with include/cibatch.h, function by function."""
import ctypes
import pathlib
import re

from cibatch import _ffi

HEADER = pathlib.Path(__file__).resolve().parents[3] / "include" / "cibatch.h"

C_TO_CTYPES = {
    "const char *": {ctypes.c_char_p},
    "char *": {ctypes.c_void_p},  # a string the caller frees: kept as a raw pointer
    "char **": {_ffi.OUT},
    "const char *const *": {ctypes.POINTER(ctypes.c_char_p)},
    "cibatch_error **": {_ffi.ERR},
    "bool": {ctypes.c_bool},
    "uint8_t": {ctypes.c_uint8},
    "uint16_t": {ctypes.c_uint16},
    "uint32_t": {ctypes.c_uint32},
    "uint64_t": {ctypes.c_uint64},
    "int32_t": {ctypes.c_int32},
    "int64_t": {ctypes.c_int64},
    "size_t": {ctypes.c_size_t},
    "void *": {ctypes.c_void_p},
    "cibatch_wait_callback": {_ffi.WAIT_CALLBACK},
    "cibatch_credentials_callback": {_ffi.CREDENTIALS_CALLBACK},
    "cibatch_log_callback": {_ffi.LOG_CALLBACK},
    "cibatch_release_callback": {_ffi.RELEASE_CALLBACK},
    "cibatch_report_callback": {_ffi.REPORT_CALLBACK},
    "cibatch_log_level": {ctypes.c_int},
    "cibatch_result": {ctypes.c_int},
    "cibatch_state": {ctypes.c_int},
    "void": {None},
}


def expected(ctype):
    ctype = " ".join(ctype.split())
    if ctype in C_TO_CTYPES:
        return C_TO_CTYPES[ctype]
    if re.fullmatch(r"(const )?cibatch_\w+ \*", ctype):
        return {ctypes.c_void_p}  # a handle
    if re.fullmatch(r"cibatch_\w+ \*\*", ctype):
        return {_ffi.OUT}  # a handle out-parameter
    raise AssertionError(f"no ctypes mapping for {ctype!r}")


def declarations():
    text = HEADER.read_text()
    for ret, name, params in re.findall(r"^([A-Za-z_][\w \*]*?)\s*\b(cibatch_\w+)\(([^;{]*?)\);", text, re.M | re.S):
        params = " ".join(params.split())
        types = [] if params in ("", "void") else [re.match(r"(.*?)\w+$", p.strip()).group(1).strip()
                                                    for p in params.split(",")]
        yield name, ret.strip(), types


def test_every_header_function_is_declared_and_matches():
    decls = list(declarations())
    assert len(decls) > 100
    names = {n for n, _, _ in decls}
    assert set(_ffi.SIGNATURES) == names, (set(_ffi.SIGNATURES) ^ names)
    for name, ret, params in decls:
        restype, argtypes = _ffi.SIGNATURES[name]
        if ret == "const char *":
            assert restype is ctypes.c_char_p, name
        elif ret.endswith("*"):
            assert restype is ctypes.c_void_p, name
        else:
            assert restype in expected(ret), (name, ret, restype)
        assert len(argtypes) == len(params), name
        for i, (want, got) in enumerate(zip(params, argtypes)):
            assert got in expected(want), f"{name} parameter {i}: header {want!r}, ctypes {got}"


def test_no_caller_freed_string_uses_c_char_p():
    """ctypes would copy and lose a char* the caller must free; such results must be void*."""
    for name, ret, _ in declarations():
        if ret == "char *":
            assert _ffi.SIGNATURES[name][0] is ctypes.c_void_p, name


def header_constants():
    """Every `CIBATCH_NAME = N` enumerator of the header."""
    return {name: int(value) for name, value in re.findall(r"\b(CIBATCH_\w+) = (\d+)", HEADER.read_text())}


def test_every_number_python_copies_is_the_headers():
    from cibatch import _client, _emulator, _errors

    consts = header_constants()
    block = re.search(r"typedef enum \{([^}]*)\} cibatch_result;", HEADER.read_text()).group(1)
    results = {n[len("CIBATCH_"):]: int(v) for n, v in re.findall(r"\b(CIBATCH_\w+) = (\d+)", block)}
    assert results, "no cibatch_result enumerators found"
    for name, value in results.items():
        assert getattr(_errors, name) == value, f"_errors.{name}"
    checks = [
        (_client._INPUT_KINDS, "CIBATCH_INPUT_"),
        (_client._ORDERS, "CIBATCH_ORDER_"),
        (_emulator._FAULTS, "CIBATCH_FAULT_"),
        (_emulator._SWITCHES, "CIBATCH_SWITCH_"),
        (_emulator._CLOCKS, "CIBATCH_EMULATOR_CLOCK_"),
    ]
    for table, prefix in checks:
        in_header = {n[len(prefix):]: v for n, v in consts.items() if n.startswith(prefix)}
        assert {k.upper(): v for k, v in table.items()} == in_header, prefix
    assert set(_client._LEVELS) == {v for n, v in consts.items() if n.startswith("CIBATCH_LOG_")}
    # Every Job attribute reads a getter the header declares.
    for suffix in _client._JOB_FIELDS.values():
        assert f"cibatch_job_{suffix}(" in HEADER.read_text(), suffix
