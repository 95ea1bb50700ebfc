"""cibatch.aio: every operation a coroutine, the loop never blocked, task cancellation reaching the library.

Time bounds are generous (a second and more) so that the suite passes on a loaded machine; the tight figures
(a 10 ms heartbeat late by at most 50 ms, cancellation within 100 ms) are measured by hand and reported."""
from __future__ import annotations

import asyncio
import time
from typing import List

import pytest

import cibatch
from cibatch.aio import AsyncClient


def test_every_operation_is_a_coroutine(emu: cibatch.Emulator) -> None:
    async def main() -> None:
        async with AsyncClient(emu.bucket, emu.region, emu.secret_id, emu.secret_key, emu.token,
                               endpoint=emu.endpoint) as client:
            job = await client.create_workflow_job("aio", "w1", prefix="in/")
            assert (await client.describe_job(job.job_id)).name == "aio"
            several = await client.describe_jobs([job.job_id, "b" + "0" * 32])
            assert len(several.jobs) == 1 and several.non_exist_job_ids == ["b" + "0" * 32]
            for i in range(4):
                await client.create_job(f"t{i}", "Transcode", object=f"v{i}.mp4", job_param={"TemplateId": "t1"})
            page = await client.list_jobs(type="Job", size=2)
            assert len(page.jobs) == 2 and page.next_token
            pages: List[int] = []
            names = [j.name async for j in client.iter_jobs(type="Job", size=3, on_page=lambda p: pages.append(p.number))]
            assert sorted(names) == ["t0", "t1", "t2", "t3"] and pages == [1, 2]
            done = await client.wait_for_job(job.job_id, timeout=30, poll_interval=0.02)
            assert done.state == "Success"
            other = await client.create_workflow_job("to-cancel", "w1", prefix="in/")
            await client.cancel_job(other.job_id)
            with pytest.raises(cibatch.ServiceError):
                await client.cancel_job(other.job_id)
        with pytest.raises(cibatch.ClientClosed):
            await client.describe_job(job.job_id)

    asyncio.run(main())


def test_the_loop_keeps_ticking_during_a_slow_call(emu: cibatch.Emulator) -> None:
    async def main() -> float:
        client = AsyncClient.wrap(emu.client(timeout=10.0))
        lateness = 0.0
        stop = asyncio.Event()

        async def heartbeat() -> None:
            nonlocal lateness
            while not stop.is_set():
                before = time.monotonic()
                await asyncio.sleep(0.01)
                lateness = max(lateness, time.monotonic() - before - 0.01)

        beat = asyncio.create_task(heartbeat())
        emu.inject_delay(1.0)
        await client.list_jobs()
        stop.set()
        await beat
        await client.aclose()
        return lateness

    # A blocked loop would be late by the whole second the answer took.
    assert asyncio.run(main()) < 0.5


def test_a_hundred_concurrent_describes_through_one_client(emu: cibatch.Emulator) -> None:
    async def main() -> None:
        async with AsyncClient.wrap(emu.client(timeout=10.0)) as client:
            job = await client.create_workflow_job("many", "w1", prefix="in/")
            jobs = await asyncio.gather(*(client.describe_job(job.job_id) for _ in range(100)))
            assert {j.job_id for j in jobs} == {job.job_id}

    asyncio.run(main())


def test_cancelling_the_task_stops_the_wait_and_frees_its_thread(emu: cibatch.Emulator) -> None:
    async def main() -> float:
        client = AsyncClient.wrap(emu.client(timeout=10.0), max_threads=1)
        job = await client.create_workflow_job("long", "w1", prefix="in/")
        emu.set_job_state(job.job_id, "Running")
        polled = asyncio.Event()
        loop = asyncio.get_running_loop()
        wait = asyncio.create_task(client.wait_for_job(job.job_id, poll_interval=30,
                                                       on_state=lambda j: loop.call_soon_threadsafe(polled.set)))
        await polled.wait()
        started = time.monotonic()
        wait.cancel()
        with pytest.raises(asyncio.CancelledError):
            await wait
        took = time.monotonic() - started
        # The only thread is free again: a call right after runs at once, not after the 30 s interval.
        assert (await client.describe_job(job.job_id)).state == "Running"
        await client.aclose()
        return took

    assert asyncio.run(main()) < 5.0


def test_cancelling_the_task_abandons_the_request_in_flight(emu: cibatch.Emulator) -> None:
    async def main() -> float:
        async with AsyncClient.wrap(emu.client(timeout=20.0)) as client:
            emu.inject_delay(20.0)
            before = emu.request_count
            call = asyncio.create_task(client.list_jobs())
            while emu.request_count == before:
                await asyncio.sleep(0.005)
            started = time.monotonic()
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            emu.clear_faults()
            return time.monotonic() - started

    assert asyncio.run(main()) < 5.0
