import pytest

import cibatch


@pytest.fixture
def emu():
    with cibatch.Emulator(submitted=0.1, running=0.2) as e:
        yield e


@pytest.fixture
def client(emu):
    with emu.client(timeout=5.0) as c:
        yield c
