"""Starts the cibatch-emulator binary for the Python tests."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


class RunningEmulator:
    def __init__(self, proc, line, secret_id, secret_key, token):
        fields = dict(part.split("=", 1) for part in line.split())
        self.proc = proc
        self.endpoint = fields["endpoint"]
        self.bucket = fields["bucket"]
        self.region = fields["region"]
        self.host, port = self.endpoint.removeprefix("http://").split(":")
        self.port = int(port)
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.token = token


def start_emulator(token=None):
    binary = os.environ.get("CIBATCH_EMULATOR_BIN", str(ROOT / "target" / "release" / "cibatch-emulator"))
    secret_id, secret_key = "AKIDpythonOfficialSdkTest0000000", "pythonOfficialSdkTestKey00000000"
    args = [binary, "--port", "0", "--secret-id", secret_id, "--secret-key", secret_key,
            "--clock", "per-describe"]  # jobs move one state per describe: nothing depends on timing
    if token:
        args += ["--token", token]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("endpoint="):
        proc.kill()
        raise RuntimeError(f"emulator did not start: {line!r}")
    return RunningEmulator(proc, line, secret_id, secret_key, token)


@pytest.fixture(params=[None, "tok+en/="], ids=["permanent-keys", "temporary-keys"])
def emulator(request):
    emu = start_emulator(token=request.param)
    yield emu
    emu.proc.terminate()
    emu.proc.wait(timeout=10)
