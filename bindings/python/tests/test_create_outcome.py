"""A create never duplicates a job and never leaves the caller guessing (Python)."""
import random
import time

import pytest

import cibatch

WF = "w7476ff3564ee45b7b490d64bccaba6cc"


def test_a_lost_answer_is_outcome_unknown_and_find_created_answers_later(emu, client):
    since = time.time() - 300
    emu.inject("lose_answer")
    with pytest.raises(cibatch.OutcomeUnknown) as e:
        client.create_job("later", "Transcode", prefix="v/", job_param={"TemplateId": "t1"}, user_data="batch 7")
    assert "outcome unknown" in str(e.value) and e.value.attempts == 1 and not e.value.timeout
    found = client.find_created_job("later", "Transcode", since, prefix="v/", user_data="batch 7")
    assert [j.user_data for j in found] == ["batch 7"]
    assert client.find_created_job("later", "Transcode", since, prefix="v/", user_data="batch 8") == []
    assert client.find_created_workflow_job("later", WF, since, prefix="v/") == []


def test_refused_creates_are_not_outcome_unknown(emu, client):
    emu.inject_status(400, "InvalidArgument")
    with pytest.raises(cibatch.ServiceError):
        client.create_workflow_job("refused", WF, prefix="p/")


def test_a_hundred_creates_with_answers_lost_at_random_make_a_hundred_jobs(emu):
    client = emu.client(timeout=5.0, resolve_creates=True)
    rng = random.Random(7)
    before = emu.job_count
    ids = set()
    lost = 0
    for i in range(100):
        if rng.random() < 0.5:
            emu.inject("lose_answer")
            lost += 1
        job = client.create_workflow_job(f"lossy-{i}", WF, prefix="lossy/")
        assert job.name == f"lossy-{i}"
        ids.add(job.job_id)
    assert lost > 20 and len(ids) == 100
    assert emu.job_count - before == 100


def test_an_ambiguous_match_is_reported_and_nothing_more_is_created(emu, client):
    earlier = {client.create_workflow_job("shared", WF, prefix="s/").job_id for _ in range(2)}
    resolving = emu.client(timeout=5.0, resolve_creates=True)
    emu.inject("lose_answer")
    before = emu.job_count
    with pytest.raises(cibatch.AmbiguousCreate) as e:
        resolving.create_workflow_job("shared", WF, prefix="s/")
    assert len(e.value.job_ids) == 3 and earlier <= set(e.value.job_ids)
    assert emu.job_count == before + 1  # the lost answer's job; nothing more
