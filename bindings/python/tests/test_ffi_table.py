"""The ctypes table (argtypes/restype) and every number Python copies agree with include/cibatch.h."""
import ctypes
import pathlib
import re
import sys

from cibatch import _ffi

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests"))
import abi_header  # noqa: E402 - tests/abi_header.py, the header parser shared with tests/c/gen_abi_checks.py

HEADER_TEXT = abi_header.read()

C_TO_CTYPES = {
    "const char *": {ctypes.c_char_p},
    "char *": {ctypes.c_void_p},  # a string the caller frees: kept as a raw pointer
    "char **": {_ffi.OUT},
    "const char *const *": {ctypes.POINTER(ctypes.c_char_p)},
    "const char **": {ctypes.POINTER(ctypes.c_char_p)},  # filled by the library (cibatch_job_fields)
    "const uint32_t *": {ctypes.POINTER(ctypes.c_uint32)},
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
    for ret, name, params in abi_header.declarations(HEADER_TEXT):
        yield name, ret, [ctype for ctype, _ in params]


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


def test_every_number_python_copies_is_the_headers():
    from cibatch import _callbacks, _emulator, _errors, _requests, _results

    consts = abi_header.constants(HEADER_TEXT)
    results = abi_header.with_prefix(abi_header.enum(HEADER_TEXT, "cibatch_result"), "CIBATCH_")
    assert results, "no cibatch_result enumerators found"
    for name, value in results.items():
        assert getattr(_errors, name) == value, f"_errors.{name}"
    checks = [
        (_requests.INPUT_KINDS, "CIBATCH_INPUT_"),
        (_requests.ORDERS, "CIBATCH_ORDER_"),
        (_emulator._FAULTS, "CIBATCH_FAULT_"),
        (_emulator._SWITCHES, "CIBATCH_SWITCH_"),
        (_emulator._CLOCKS, "CIBATCH_EMULATOR_CLOCK_"),
    ]
    for table, prefix in checks:
        in_header = abi_header.with_prefix(consts, prefix)
        assert in_header, prefix
        assert {k.upper(): v for k, v in table.items()} == in_header, prefix
    assert _results.ORDERS is _requests.ORDERS
    import logging

    levels = abi_header.with_prefix(abi_header.enum(HEADER_TEXT, "cibatch_log_level"), "CIBATCH_LOG_")
    assert {v: getattr(logging, {"WARN": "WARNING"}.get(n, n)) for n, v in levels.items()} == _callbacks.LEVELS


def test_job_fields_are_the_headers_numbers():
    """Job reads every field with cibatch_job_fields by number: attribute i must be CIBATCH_JOB_FIELD_<ATTRIBUTE> = i,
    and every field the header names must be an attribute (a field added in Rust and not here fails)."""
    from cibatch import _job

    numbers = abi_header.with_prefix(abi_header.enum(HEADER_TEXT, "cibatch_job_field"), "CIBATCH_JOB_FIELD_")
    assert len(numbers) > 30
    assert {name.upper(): i for i, name in enumerate(_job.FIELDS)} == numbers
    assert _ffi.lib.cibatch_job_field_count() == len(_job.FIELDS)
    # Each attribute's field has its own getter in the header too (the input fields' are cibatch_job_input_<field>).
    getters = {name for name, _, _ in declarations()}
    for name in _job.FIELDS:
        suffix = {"job_id": "id"}.get(name, name)
        assert f"cibatch_job_{suffix}" in getters or f"cibatch_job_input_{suffix}" in getters, name
