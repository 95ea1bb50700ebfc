"""cibatch: a fast, correct client for Tencent Cloud Cloud Infinite batch data-processing jobs.

    import cibatch
    client = cibatch.Client.from_env()
    for job in client.iter_jobs(type="Workflow", states=["Running"]):
        print(job.job_id, job.state)

Pure ctypes over libcibatch (bundled in this package; CIBATCH_LIBRARY may point at another build).
"""
from ._cancel import CancelToken
from ._client import Client
from ._job import TERMINAL_STATES, DescribeResult, Job, Page
from ._sign import sign
from ._emulator import Emulator
from ._results import ObjectResult, Report, ReportProgress, ResultPage
from ._errors import (AmbiguousCreate, Cancelled, ClientClosed, CredentialsError, EmulatorError, Error, InvalidArgument,
                      InvalidResponse, JobNotFound, OutcomeUnknown, ServiceError, TimeoutError, TransportError)
from ._ffi import lib as _lib

__version__ = "0.1.0"
library_version: str = _lib.cibatch_version().decode()

__all__ = [
    "Client", "Job", "Page", "DescribeResult", "Emulator", "sign", "TERMINAL_STATES", "CancelToken",
    "ObjectResult", "ResultPage", "Report", "ReportProgress",
    "Error", "InvalidArgument", "TransportError", "TimeoutError", "ServiceError", "InvalidResponse",
    "JobNotFound", "EmulatorError", "CredentialsError", "Cancelled", "ClientClosed", "OutcomeUnknown", "AmbiguousCreate", "library_version",
]
