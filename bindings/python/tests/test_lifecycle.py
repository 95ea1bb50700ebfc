"""Closing under load, cancellation, whole-call deadlines, range checks and exceptions from callbacks.

No test waits for a race to be won: each step waits for the state it needs; time bounds are generous (seconds, where
the blocked operation would take 20-30 s)."""
import logging
import threading
import time

import pytest

import cibatch

PROMPT = 10.0  # seconds: far below the delays the blocked operations would take


def test_eight_threads_calling_while_another_closes(emu):
    with emu.client(timeout=5.0) as setup:
        job = setup.create_workflow_job("close-race", "w1", prefix="in/")
    for _round in range(50):
        client = emu.client(timeout=5.0)
        started = threading.Barrier(9)
        outcomes = []

        def caller():
            first = True
            while True:
                try:
                    client.describe_job(job.job_id)
                except cibatch.ClientClosed as e:
                    outcomes.append("closed" if "closed" in str(e) else repr(e))
                    return
                except Exception as e:  # noqa: BLE001 - any other error fails the test below
                    outcomes.append(repr(e))
                    return
                finally:
                    if first:
                        first = False
                        started.wait()

        threads = [threading.Thread(target=caller) for _ in range(8)]
        for t in threads:
            t.start()
        started.wait()  # every thread has made a call
        client.close()
        for t in threads:
            t.join()
        assert outcomes == ["closed"] * 8
        assert client.closed
        del client


def test_close_from_inside_a_wait_callback_takes_effect_when_the_wait_returns(emu):
    client = emu.client(timeout=5.0)
    job = client.create_workflow_job("close-inside", "w1", prefix="in/")
    emu.set_job_state(job.job_id, "Running")

    def on_state(j):
        client.close()
        emu.set_job_state(job.job_id, "Success")

    done = client.wait_for_job(job.job_id, timeout=30, poll_interval=0.02, on_state=on_state)
    assert done.state == "Success"
    with pytest.raises(cibatch.ClientClosed):
        client.describe_job(job.job_id)


def fire_when_sent(emu, token):
    before = emu.request_count

    def fire():
        while emu.request_count == before:
            time.sleep(0.001)
        token.cancel()

    t = threading.Thread(target=fire)
    t.start()
    return t


def test_a_cancel_token_abandons_the_request_in_flight(emu, client):
    job = client.create_workflow_job("cancel", "w1", prefix="in/")
    token = cibatch.CancelToken()
    emu.inject_delay(30.0)
    firing = fire_when_sent(emu, token)
    started = time.monotonic()
    with pytest.raises(cibatch.Cancelled):
        client.describe_job(job.job_id, cancel=token)
    assert time.monotonic() - started < PROMPT
    firing.join()
    assert token.cancelled
    emu.clear_faults()
    # Cancelled stays cancelled; the client itself is unaffected.
    with pytest.raises(cibatch.Cancelled):
        client.list_jobs(cancel=token)
    assert client.describe_job(job.job_id).job_id == job.job_id


def test_a_cancel_token_ends_a_wait_between_polls(emu, client):
    job = client.create_workflow_job("cancel-wait", "w1", prefix="in/")
    emu.set_job_state(job.job_id, "Running")
    token = cibatch.CancelToken()
    started = time.monotonic()
    with pytest.raises(cibatch.Cancelled) as e:
        client.wait_for_job(job.job_id, poll_interval=30, on_state=lambda j: token.cancel(), cancel=token)
    assert time.monotonic() - started < PROMPT
    assert "was Running" in str(e.value)


def test_call_timeout_bounds_the_whole_call(emu):
    # Before: a read could take 3 x timeout + backoff; call_timeout bounds retries and backoffs together.
    client = emu.client(timeout=20.0, max_attempts=3)
    emu.inject_delay(20.0, times=3)
    started = time.monotonic()
    with pytest.raises(cibatch.TimeoutError):
        client.list_jobs(call_timeout=0.3)
    assert time.monotonic() - started < PROMPT
    emu.clear_faults()
    bounded = emu.client(timeout=20.0, call_timeout=0.3)
    emu.inject_delay(20.0, times=3)
    started = time.monotonic()
    with pytest.raises(cibatch.TimeoutError):
        bounded.list_jobs()
    assert time.monotonic() - started < PROMPT
    emu.clear_faults()


def test_a_wait_ends_by_its_own_timeout_when_the_service_stalls(emu, client):
    job = client.create_workflow_job("stall", "w1", prefix="in/")
    emu.inject_delay(20.0, times=10)
    started = time.monotonic()
    with pytest.raises(cibatch.TimeoutError):
        client.wait_for_job(job.job_id, timeout=0.3)
    assert time.monotonic() - started < PROMPT
    emu.clear_faults()


@pytest.mark.parametrize("option, value", [
    ("timeout", 1.8e16), ("timeout", 1e300), ("timeout", float("inf")), ("timeout", float("nan")),
    ("timeout", 25 * 3600), ("call_timeout", 1e300), ("max_xml_depth", 2**32), ("max_xml_depth", 257),
    ("max_attempts", 11), ("max_attempts", 2**32 + 1), ("max_response_bytes", 2**31), ("clock_offset", 2**63),
    ("clock_offset", 86401), ("backoff", (0.1, 1e300)), ("user_agent", "u" * 600),
])
def test_values_out_of_range_are_refused_not_wrapped(emu, option, value):
    with pytest.raises(cibatch.InvalidArgument):
        emu.client(**{option: value})


def test_a_wait_timeout_too_large_is_refused(client):
    with pytest.raises(cibatch.InvalidArgument):
        client.wait_for_job("b1", timeout=1.8e16)


def test_a_provider_exception_is_the_cause_of_the_credentials_error(emu):
    class Boom(Exception):
        pass

    def provider():
        raise Boom("sts unreachable")

    client = cibatch.Client.with_provider(emu.bucket, emu.region, provider, endpoint=emu.endpoint)
    with pytest.raises(cibatch.CredentialsError) as e:
        client.list_jobs()
    assert isinstance(e.value.__cause__, Boom)


def test_a_call_from_inside_the_provider_on_the_same_client_fails_at_once(emu):
    inner = []
    holder = {}

    def provider():
        try:
            holder["client"].list_jobs()
        except cibatch.CredentialsError as e:
            inner.append(str(e))
        return emu.secret_id, emu.secret_key, emu.token, time.time() + 3600

    client = cibatch.Client.with_provider(emu.bucket, emu.region, provider, endpoint=emu.endpoint)
    holder["client"] = client
    client.list_jobs()
    assert inner and "inside the credentials provider" in inner[0]


def test_an_exception_from_a_logging_callback_is_raised_after_the_call(emu):
    class Refused(Exception):
        pass

    def refuse(record):
        if "credentials refreshed" in record.getMessage():
            raise Refused("filter bug")
        return True

    logger = logging.getLogger("cibatch")
    logger.setLevel(logging.INFO)
    logger.addFilter(refuse)
    try:
        client = cibatch.Client.with_provider(
            emu.bucket, emu.region, lambda: (emu.secret_id, emu.secret_key, emu.token, time.time() + 3600),
            endpoint=emu.endpoint)
        with pytest.raises(Refused):
            client.list_jobs()
        client.list_jobs()  # the client is still usable
    finally:
        logger.removeFilter(refuse)
        logger.setLevel(logging.NOTSET)


def test_refresh_happens_once_for_all_threads(emu):
    calls = []

    def provider():
        calls.append(1)
        time.sleep(0.3)  # every thread arrives while it runs
        return emu.secret_id, emu.secret_key, emu.token, time.time() + 3600

    client = cibatch.Client.with_provider(emu.bucket, emu.region, provider, endpoint=emu.endpoint)
    barrier = threading.Barrier(8)
    errors = []

    def call():
        barrier.wait()
        try:
            client.list_jobs()
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(calls) == 1


def test_a_program_that_never_imports_logging_does_not_pay_for_it():
    import subprocess
    import sys

    code = ("import sys, cibatch\n"
            "with cibatch.Emulator() as e, e.client() as c:\n"
            "    c.list_jobs()\n"
            "print('logging' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_one_refresh_per_expiry_under_contention(emu):
    """Credentials inside the refresh margin (5 minutes) are refreshed by the next call, once for all the threads
    that call meanwhile: a slow provider, 8 callers per round, 3 rounds, exactly 3 refreshes."""
    callers, rounds = 8, 3
    calls = []
    arrived = [0]
    cond = threading.Condition()

    def provider():
        calls.append(1)
        # Hold the refresh until every caller of this round has started its call (a generous bound), then a
        # little longer so that each reaches the wait for this refresh.
        with cond:
            cond.wait_for(lambda: arrived[0] >= callers * len(calls), timeout=30)
        time.sleep(0.3)
        # Expires in a minute: inside the margin, so the next round must refresh again.
        return emu.secret_id, emu.secret_key, emu.token, time.time() + 60

    client = cibatch.Client.with_provider(emu.bucket, emu.region, provider, endpoint=emu.endpoint)
    errors = []

    def call():
        with cond:
            arrived[0] += 1
            cond.notify_all()
        try:
            client.list_jobs()
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    with client:
        for r in range(1, rounds + 1):
            threads = [threading.Thread(target=call) for _ in range(callers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == []
            assert len(calls) == r, f"round {r}: {len(calls)} refreshes in all"
