"""Client(...) sets only the retry knobs the caller gave, each through its own C setter, so no default of the core
is restated in Python (issue 16, item 4)."""
import pytest

import cibatch
from cibatch import _ffi

RETRY_SETTERS = ("cibatch_config_set_max_attempts", "cibatch_config_set_retry_create", "cibatch_config_set_backoff",
                 "cibatch_config_set_retries")


@pytest.fixture
def setter_calls(monkeypatch):
    """Records each retry setter's arguments (config handle and error slot left out), then calls the real one."""
    calls = []
    for name in RETRY_SETTERS:
        real = getattr(_ffi.lib, name)

        def spy(*args, _real=real, _name=name):
            calls.append((_name, args[1:-1]))
            return _real(*args)

        monkeypatch.setattr(_ffi.lib, name, spy)
    return calls


def test_no_retry_knob_given_sets_none(emu, setter_calls):
    emu.client().close()
    assert setter_calls == []


@pytest.mark.parametrize("options, expected", [
    (dict(max_attempts=2), [("cibatch_config_set_max_attempts", (2,))]),
    (dict(retry_create=True), [("cibatch_config_set_retry_create", (True,))]),
    (dict(retry_create=False), []),
    (dict(backoff=(0.25, 2)), [("cibatch_config_set_backoff", (250, 2000))]),
])
def test_each_given_knob_has_its_own_setter(emu, setter_calls, options, expected):
    emu.client(**options).close()
    assert setter_calls == expected


def test_the_library_checks_the_ranges(emu):
    # 0 is not "keep the default" for a knob set on its own: the library refuses it and names it.
    for options, argument in ((dict(max_attempts=0), "max_attempts"), (dict(max_attempts=11), "max_attempts"),
                              (dict(backoff=(0.5, 2 * 86400)), "cap_ms")):
        with pytest.raises(cibatch.InvalidArgument) as e:
            emu.client(**options)
        assert e.value.argument == argument, options
