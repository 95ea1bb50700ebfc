"""asyncio front door: `AsyncClient` mirrors `Client`, every operation a coroutine.

Calls run on a thread pool of the client's own (the library releases the GIL), so the event loop never blocks.
Cancelling the task of a call fires a `CancelToken` given to that call: a wait, a backoff or a request in flight
stops within milliseconds, and the coroutine returns (raising `asyncio.CancelledError`) only once the call's thread
is free again.

    async with cibatch.aio.AsyncClient.from_env() as client:
        job = await client.describe_job(job_id)
        async for job in client.iter_jobs(states=["Failed"]):
            print(job.job_id)
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import functools

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Callable, Generator, List, Optional, Sequence, TypeVar

    T = TypeVar("T")

from ._cancel import CancelToken
from ._client import Client, DescribeResult, Job, Page
from ._results import ObjectResult, Report, ReportProgress, ResultPage

__all__ = ["AsyncClient"]


class AsyncClient:
    """A `Client` for asyncio code. Construct it like `Client` (same arguments), or wrap one with
    `AsyncClient.wrap(client)`. `max_threads` bounds the calls running at once (default 64); more wait their turn
    without blocking the loop. Use `async with`, or `await client.aclose()`."""

    def __init__(self, *args: Any, max_threads: int = 64, **kwargs: Any) -> None:
        self._init(Client(*args, **kwargs), max_threads)

    def _init(self, client: Client, max_threads: int) -> None:
        if isinstance(max_threads, bool) or not isinstance(max_threads, int) or not 1 <= max_threads <= 1024:
            raise ValueError("max_threads must be an int from 1 to 1024")
        self.client = client
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="cibatch-aio")

    @classmethod
    def wrap(cls, client: Client, max_threads: int = 64) -> "AsyncClient":
        """An AsyncClient over an existing Client (closing one closes the other)."""
        self = cls.__new__(cls)
        self._init(client, max_threads)
        return self

    @classmethod
    def from_env(cls, max_threads: int = 64) -> "AsyncClient":
        return cls.wrap(Client.from_env(), max_threads)

    @classmethod
    def with_provider(cls, bucket: str, region: str,
                      provider: Callable[[], tuple], max_threads: int = 64, **options: Any) -> "AsyncClient":
        """As `Client.with_provider`; the provider runs on the pool's threads."""
        return cls.wrap(Client.with_provider(bucket, region, provider, **options), max_threads)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Closes the client (calls that start afterwards raise ClientClosed) and lets the pool's threads finish the
        calls in progress."""
        self.client.close()
        await asyncio.get_running_loop().run_in_executor(None, functools.partial(self._pool.shutdown, wait=True))

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs fn(*args, cancel=token, **kwargs) on the pool; task cancellation fires the token."""
        token = CancelToken()
        if self.client.closed:
            return fn(*args, cancel=token, **kwargs)  # raises ClientClosed at once, without a thread
        return await self._on_pool(token, functools.partial(fn, *args, cancel=token, **kwargs))

    async def _on_pool(self, token: CancelToken, work: Callable[[], T]) -> T:
        """Awaits work() on the pool. If the awaiting task is cancelled, fires `token` (the call stops within
        milliseconds) and returns only once the call's thread is free."""
        future = asyncio.get_running_loop().run_in_executor(self._pool, work)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            token.cancel()
            try:
                await future
            except BaseException:  # noqa: BLE001 - the call's own outcome (Cancelled) is not the caller's concern
                pass
            raise

    async def describe_job(self, job_id: str, *, call_timeout: Optional[float] = None) -> Job:
        return await self._run(self.client.describe_job, job_id, call_timeout=call_timeout)

    async def describe_jobs(self, job_ids: Sequence[str], *, call_timeout: Optional[float] = None) -> DescribeResult:
        return await self._run(self.client.describe_jobs, job_ids, call_timeout=call_timeout)

    async def list_jobs(self, **filters: Any) -> Page:
        """One page; same filters as `Client.list_jobs` (and `call_timeout=`)."""
        return await self._run(self.client.list_jobs, **filters)

    async def create_workflow_job(self, name: str, workflow_id: str, **options: Any) -> Job:
        return await self._run(self.client.create_workflow_job, name, workflow_id, **options)

    async def create_job(self, name: str, tag: str, **options: Any) -> Job:
        return await self._run(self.client.create_job, name, tag, **options)

    async def cancel_job(self, job_id: str, *, call_timeout: Optional[float] = None) -> None:
        await self._run(self.client.cancel_job, job_id, call_timeout=call_timeout)

    async def wait_for_job(self, job_id: str, timeout: float = 600.0,
                           on_state: Optional[Callable[[Job], Any]] = None, poll_interval: float = 1.0,
                           max_interval: float = 15.0) -> Job:
        """As `Client.wait_for_job`; cancelling the task stops the wait at once. `on_state` runs on a pool thread."""
        return await self._run(self.client.wait_for_job, job_id, timeout, on_state, poll_interval, max_interval)

    async def iter_pages(self, **filters: Any) -> AsyncIterator[Page]:
        """Every page of a listing (`async for`); same filters as `Client.iter_pages`. Cancelling the task stops the
        page request in flight."""
        token = CancelToken()
        pages = self.client.iter_pages(cancel=token, **filters)  # nothing runs until the first next()
        try:
            while True:
                page = await self._step(pages, token)
                if page is None:
                    return
                yield page
        finally:
            # Left early (break, an exception, cancellation): stop what is in flight and free the pager.
            token.cancel()
            await asyncio.get_running_loop().run_in_executor(self._pool, pages.close)

    async def _step(self, items: Generator[T, None, None], token: CancelToken) -> Optional[T]:
        return await self._on_pool(token, functools.partial(next, items, None))

    async def iter_jobs(self, on_page: Optional[Callable[[Page], Any]] = None, **filters: Any) -> AsyncIterator[Job]:
        """Every job of a listing (`async for`): without `type`, Workflow and Job jobs merged by creation time, as
        `Client.iter_jobs`. `on_page(page)` runs on the loop as each page arrives. Cancelling the task stops the page
        request in flight."""
        token = CancelToken()
        arrived: List[Page] = []  # appended on a pool thread, read on the loop between steps
        jobs = self.client.iter_jobs(on_page=None if on_page is None else arrived.append, cancel=token, **filters)
        try:
            while True:
                job = await self._step(jobs, token)
                while arrived and on_page is not None:
                    on_page(arrived.pop(0))
                if job is None:
                    return
                yield job
        finally:
            token.cancel()
            await asyncio.get_running_loop().run_in_executor(self._pool, jobs.close)

    async def iter_results(self, job_id: str, on_page: Optional[Callable[[ResultPage], Any]] = None,
                           **filters: Any) -> AsyncIterator[ObjectResult]:
        """Every per-object result of a batch job (`async for`); same filters as `Client.iter_results`.
        `on_page(page)` runs on the loop as each page arrives. Cancelling the task stops the page request in
        flight."""
        token = CancelToken()
        arrived: List[ResultPage] = []  # appended on a pool thread, read on the loop between steps
        results = self.client.iter_results(job_id, on_page=None if on_page is None else arrived.append,
                                           cancel=token, **filters)
        try:
            while True:
                result = await self._step(results, token)
                while arrived and on_page is not None:
                    on_page(arrived.pop(0))
                if result is None:
                    return
                yield result
        finally:
            token.cancel()
            await asyncio.get_running_loop().run_in_executor(self._pool, results.close)

    async def list_results(self, job_id: str, **options: Any) -> ResultPage:
        """One page of a batch job's results from one source; as `Client.list_results`."""
        return await self._run(self.client.list_results, job_id, **options)

    async def report(self, job_id: str, failed_limit: int = 100,
                     on_page: Optional[Callable[[ReportProgress], Any]] = None, *,
                     call_timeout: Optional[float] = None) -> Report:
        """As `Client.report`; cancelling the task stops it at once. `on_page` runs on a pool thread."""
        return await self._run(self.client.report, job_id, failed_limit, on_page, call_timeout=call_timeout)

    def __repr__(self) -> str:
        return f"<cibatch.aio.AsyncClient {self.client!r}>"
