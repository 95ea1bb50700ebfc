"""Per-object results of batch jobs and the report, against the emulator running batch jobs for real."""
import asyncio
import time

import pytest

import cibatch
import cibatch.aio

W1 = "w7476ff3564ee45b7b490d64bccaba6cc"
W2 = "w0000ff3564ee45b7b490d64bccaba6dd"


@pytest.fixture
def bucket(emu):
    """Jobs end as soon as they are created (so have their units): 25 images of which 4 fail, 6 videos of which the
    2 .mov fail."""
    emu.set_timing(0, 0)
    emu.add_numbered_objects("in/img-", 25, ".jpg")
    emu.add_objects(["video/a.mov", "video/b.mp4", "video/c.mp4", "video/d.mov", "video/e.mp4", "video/f.mp4"])
    emu.fail_objects("in/img-0001*", "WorkflowFailed", "unreadable")  # 00010..00019: 10 fail
    emu.fail_objects("*.mov", "InvalidInput", "unsupported <mov>")
    return emu


def _two_workflows(client):
    return client.create_workflow_job("two", f"{W1},{W2}", prefix="in/").job_id


def _transcode(client):
    return client.create_job("videos", "Transcode", prefix="video/", job_param={"TemplateId": "t01"}).job_id


def test_a_workflow_batch_job_with_two_workflow_ids(bucket, client):
    job_id = _two_workflows(client)
    pages = []
    results = list(client.iter_results(job_id, size=10, on_page=pages.append))
    assert len(results) == 50
    assert [r.workflow_id for r in results] == [W1] * 25 + [W2] * 25
    assert [(p.workflow_id, len(p.results), p.next_token is None) for p in pages] == [
        (W1, 10, False), (W1, 10, False), (W1, 5, True), (W2, 10, False), (W2, 10, False), (W2, 5, True)]
    assert [p.number for p in pages] == [1, 2, 3, 4, 5, 6]
    failed = [r for r in results if r.failed]
    assert len(failed) == 20 and all(r.object.startswith("in/img-0001") for r in failed)
    r = results[0]
    assert r.unit_id.startswith("i") and r.tag is None and r.code == ""
    assert r.creation_time.endswith("+0800") and "+08:00" in r.raw_xml
    assert r.to_dict()["object"] == r.object


def test_a_job_type_batch_job(bucket, client):
    job_id = _transcode(client)
    results = list(client.iter_results(job_id))
    assert sorted(r.object for r in results) == ["video/a.mov", "video/b.mp4", "video/c.mp4", "video/d.mov",
                                                 "video/e.mp4", "video/f.mp4"]
    mov = [r for r in results if r.object.endswith(".mov")]
    assert {(r.state, r.code, r.message) for r in mov} == {("Failed", "InvalidInput", "unsupported <mov>")}
    ok = next(r for r in results if r.object == "video/b.mp4")
    assert (ok.state, ok.code, ok.tag, ok.progress) == ("Success", "Success", "Transcode", "100")
    assert ok.unit_id.startswith("j") and ok.workflow_id is None and ok.end_time is not None


def test_filters(bucket, client):
    wf, tj = _two_workflows(client), _transcode(client)
    assert len(list(client.iter_results(wf, states="Failed"))) == 20
    assert [r.object for r in client.iter_results(tj, states=["Failed"], order_by_time="Asc")] == [
        "video/a.mov", "video/d.mov"]
    assert [r.workflow_id for r in client.iter_results(wf, object="in/img-00003.jpg")] == [W1, W2]
    asc = [r.unit_id for r in client.iter_results(tj, order_by_time="Asc")]
    assert [r.unit_id for r in client.iter_results(tj, order_by_time="Desc")] == asc[::-1]
    assert list(client.iter_results(tj, end_creation_time="2001-01-01T00:00:00+08:00")) == []
    assert len(list(client.iter_results(tj, start_creation_time="2001-01-01T00:00:00Z"))) == 6
    with pytest.raises(cibatch.InvalidArgument):
        list(client.iter_results(tj, size=101))
    with pytest.raises(cibatch.InvalidArgument):
        list(client.iter_results(tj, order_by_time="Sideways"))
    with pytest.raises(TypeError):
        list(client.iter_results(tj, colour="red"))
    with pytest.raises(cibatch.JobNotFound):
        list(client.iter_results("b0"))


def test_list_results_one_page_from_one_source(bucket, client):
    wf = _two_workflows(client)
    first = client.list_results(wf, workflow_id=W2, size=20)
    assert (len(first.results), first.next_token, first.workflow_id) == (20, "20", W2)
    second = client.list_results(wf, workflow_id=W2, size=20, next_token=first.next_token)
    assert (len(second.results), second.next_token) == (5, None)
    with pytest.raises(cibatch.InvalidArgument):
        client.list_results(wf, workflow_id=W1, tag="Transcode")


def test_report_counts_failed_and_progress(bucket, client):
    wf = _two_workflows(client)
    progress = []
    report = client.report(wf, failed_limit=3, on_page=progress.append)
    assert (report.total, report.counts, report.failed_total) == (50, {"Failed": 20, "Success": 30}, 20)
    assert [r.object for r in report.failed] == ["in/img-00010.jpg", "in/img-00011.jpg", "in/img-00012.jpg"]
    assert report.outcome == "completed with failures"
    assert report.job.job_id == wf and report.job.state == "Success"
    assert [(p.pages, p.results) for p in progress] == [(1, 25), (2, 50)]
    assert report.pages == 2

    fine = client.create_workflow_job("fine", W1, prefix="in/img-0000").job_id
    done = client.report(fine)
    assert (done.total, done.failed, done.outcome) == (10, [], "completed")


def test_an_exception_in_on_page_stops_the_report(bucket, client):
    wf = _two_workflows(client)

    def boom(progress):
        raise RuntimeError(f"stop at {progress.pages}")

    with pytest.raises(RuntimeError, match="stop at 1"):
        client.report(wf, on_page=boom)


def test_units_run_while_the_batch_job_runs(bucket, client):
    bucket.set_timing(0, 3600)
    tj = _transcode(client)
    assert {r.state for r in client.iter_results(tj)} == {"Running"}
    assert client.report(tj).outcome == "in progress"
    client.cancel_job(tj)
    report = client.report(tj)
    assert (report.counts, report.outcome) == ({"Cancel": 6}, "cancelled")


def test_asyncio(bucket, emu):
    async def main():
        async with cibatch.aio.AsyncClient.wrap(emu.client(timeout=5.0)) as client:
            wf = (await client.create_workflow_job("two", f"{W1},{W2}", prefix="in/")).job_id
            pages = []
            results = [r async for r in client.iter_results(wf, size=25, on_page=pages.append)]
            page = await client.list_results(wf, workflow_id=W1)
            report = await client.report(wf, failed_limit=1)
            return results, pages, page, report

    results, pages, page, report = asyncio.run(main())
    assert len(results) == 50 and len(pages) == 2 and len(page.results) == 10
    assert (report.total, len(report.failed), report.outcome) == (50, 1, "completed with failures")


@pytest.mark.parametrize("what", ["report", "iter_results"])
def test_cancelling_the_task_stops_the_page_request_in_flight(bucket, emu, what):
    async def main():
        async with cibatch.aio.AsyncClient.wrap(emu.client(timeout=20.0)) as client:
            wf = (await client.create_workflow_job("two", f"{W1},{W2}", prefix="in/")).job_id
            emu.inject_delay(20.0, times=2)   # the describe, or the first page: held for 20 s unless abandoned
            before = emu.request_count

            async def walk():
                if what == "report":
                    return await client.report(wf)
                return [r async for r in client.iter_results(wf)]

            task = asyncio.create_task(walk())
            while emu.request_count == before:
                await asyncio.sleep(0.005)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            emu.clear_faults()
            return time.monotonic() - started

    assert asyncio.run(main()) < 10.0   # far below the 20 s the request would have taken
