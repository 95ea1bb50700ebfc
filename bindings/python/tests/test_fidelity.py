"""Right whatever the service does: the Python binding's own code paths under every reading the emulator can be
switched to (README, "Behaviour worth knowing")."""
import datetime

import pytest

import cibatch

WF = "w7476ff3564ee45b7b490d64bccaba6cc"


@pytest.fixture
def slow(emu):
    emu.set_timing(3600, 3600)
    return emu


def _mixed(emu, client):
    """4 Workflow and 3 Job jobs, interleaved, created 10 s apart by the emulator's clock."""
    ids = []
    for i in range(7):
        emu.set_clock_skew(10 * i)
        if i % 2 == 0:
            ids.append(client.create_workflow_job(f"wf-{i}", WF, prefix="p/").job_id)
        else:
            ids.append(client.create_job(f"job-{i}", "Transcode", prefix="p/").job_id)
    emu.set_clock_skew(0)
    return ids


@pytest.mark.parametrize("workflow_default", [False, True])
def test_iter_jobs_covers_both_types_whatever_the_default(slow, client, workflow_default):
    slow.set_switch("list_default_workflow", workflow_default)
    ids = _mixed(slow, client)
    for order in (None, "Desc", "Asc"):
        pages = []
        jobs = list(client.iter_jobs(size=2, order_by_time=order, on_page=pages.append))
        assert sorted(j.job_id for j in jobs) == sorted(ids)
        assert [j.job_id for j in jobs] == (ids if order == "Asc" else ids[::-1])
        assert [p.number for p in pages] == [1, 2, 3, 4]
        assert sorted(p.type for p in pages) == ["Job", "Job", "Workflow", "Workflow"]
        assert sum(len(p.jobs) for p in pages) == 7
    pages = list(client.iter_pages(size=3))
    assert [p.type for p in pages] == ["Workflow", "Workflow", "Job"]
    assert [p.number for p in pages] == [1, 2, 3]
    one = client.list_jobs(size=100)
    assert one.type is None and len(one.jobs) == (4 if workflow_default else 7)
    assert [j.type for j in client.iter_jobs(type="Job")] == ["Job"] * 3


def test_describe_falls_back_when_joined_ids_are_one_unknown_id(slow, client):
    a = client.create_workflow_job("a", WF, prefix="p/").job_id
    b = client.create_job("b", "Transcode", prefix="p/").job_id
    missing = "b00000000000000000000000000000000"
    slow.set_switch("describe_joined_as_one_id")
    before = slow.request_count
    res = client.describe_jobs([a, missing, b])
    assert [j.job_id for j in res.jobs] == [a, b] and res.non_exist_job_ids == [missing]
    assert slow.request_count - before == 4
    with pytest.raises(ValueError):
        slow.set_switch("no_such_switch")


def test_paging_ends_cleanly_on_a_repeated_token_and_stops_on_empty_pages(slow, client):
    slow.set_switch("repeat_last_token")
    ids = _mixed(slow, client)
    pages = list(client.iter_pages(type="Workflow", size=2))
    assert [len(p.jobs) for p in pages] == [2, 2] and pages[-1].next_token is None
    assert sorted(j.job_id for j in client.iter_jobs(size=3)) == sorted(ids)
    slow.inject("empty_page", 20)
    with pytest.raises(cibatch.InvalidResponse) as e:
        list(client.iter_jobs(type="Workflow"))
    assert "20 pages in a row held no job" in str(e.value)


def test_times_in_every_form_and_as_datetimes(slow, client):
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    job = client.create_workflow_job("t", WF, prefix="p/", start=datetime.datetime(2022, 2, 1, 12, tzinfo=beijing),
                                     end="2022-05-01T04:00:00Z")
    assert (job.time_interval_start, job.time_interval_end) == ("2022-02-01T12:00:00+0800", "2022-05-01T04:00:00+0000")
    job = client.create_job("t2", "Transcode", prefix="p/", start="2022-02-01T12:00:00+08:00",
                            end=datetime.datetime(2022, 5, 1, 4, tzinfo=datetime.timezone.utc))
    assert (job.time_interval_start, job.time_interval_end) == ("2022-02-01T12:00:00+0800", "2022-05-01T04:00:00+0000")
    now = datetime.datetime.now(datetime.timezone.utc)
    hour = datetime.timedelta(hours=1)
    assert len(client.list_jobs(start_creation_time=now - hour, end_creation_time=now + hour).jobs) == 2
    assert client.list_jobs(start_creation_time=(now + hour).strftime("%Y-%m-%dT%H:%M:%Sz")).jobs == []
    with pytest.raises(cibatch.InvalidArgument) as e:
        client.list_jobs(start_creation_time=datetime.datetime(2022, 2, 1))
    assert "naive datetime" in str(e.value)
    with pytest.raises(TypeError):
        client.list_jobs(start_creation_time=1700000000)


def test_states_as_the_official_sdk_writes_them(slow, client):
    a = client.create_workflow_job("a", WF, prefix="p/").job_id
    b = client.create_workflow_job("b", WF, prefix="p/").job_id
    client.create_workflow_job("c", WF, prefix="p/")
    slow.set_job_state(a, "Running")
    slow.set_job_state(b, "Failed")
    for states in ("Running,Failed", " Running , Failed ", ["Running", "Failed"], ("Failed", "Running")):
        assert {j.job_id for j in client.iter_jobs(states=states)} == {a, b}, states
    assert [j.job_id for j in client.list_jobs(states="Running").jobs] == [a]


def test_retried_cancel_after_a_lost_answer_succeeds(slow, client):
    job = client.create_workflow_job("c", WF, prefix="p/")
    slow.inject("lose_answer")
    client.cancel_job(job.job_id)
    assert client.describe_job(job.job_id).state == "Cancel"
    with pytest.raises(cibatch.ServiceError):
        client.cancel_job(job.job_id)


def test_names_follow_the_documented_rule(emu, client):
    before = emu.request_count
    with pytest.raises(cibatch.InvalidArgument) as e:
        client.create_workflow_job("a b", WF, prefix="p/")
    assert e.value.argument == "name" and "letter, digit, '-', '_' or CJK" in str(e.value)
    assert emu.request_count == before
    assert client.create_job("转码-1", "Transcode", prefix="p/").name == "转码-1"


def test_create_answers_carry_the_type(client):
    assert client.create_workflow_job("w", WF, prefix="p/").type == "Workflow"
    assert client.create_job("j", "Transcode", prefix="p/").type == "Job"


def test_kafka_callbacks_queue_types_and_callback_case(client):
    job = client.create_job("k", "Transcode", object="a.mp4", queue_id="p1", queue_type="SpeedTranscoding",
                            callback_format="json", callback_kafka={"Region": "ap-guangzhou", "InstanceId": "ckafka-1",
                                                                     "Topic": "jobs"})
    assert (job.queue_type, job.callback_format, job.callback_type) == ("SpeedTranscoding", "JSON", "Kafka")
    assert (job.callback_kafka_region, job.callback_kafka_instance_id, job.callback_kafka_topic) == (
        "ap-guangzhou", "ckafka-1", "jobs")
    assert job.progress is None and job.to_dict()["queue_type"] == "SpeedTranscoding"
    job = client.create_job("u", "Transcode", object="a.mp4", callback_format="xml", callback_type="tdmq")
    assert (job.callback_format, job.callback_type) == ("XML", "TDMQ")
