"""Every operation of the Python binding against the in-process emulator."""
import threading
import time

import pytest

import cibatch

WF = "w7476ff3564ee45b7b490d64bccaba6cc"


def test_create_workflow_job(client):
    job = client.create_workflow_job("demo", WF, prefix="input/", start="2022-02-01T12:00:00+0800",
                                     end="2022-05-01T12:00:00+0800")
    assert isinstance(job, cibatch.Job)
    assert job.state == "Submitted" and not job.is_terminal
    assert (job.type, job.name, job.code, job.message) == ("Workflow", "demo", "Success", "")
    assert len(job.job_id) == 33 and job.creation_time
    assert job.start_time is None and job.end_time is None
    assert job.prefix == "input/" and job.manifest is None and job.url_file is None and job.object is None
    assert job.workflow_ids == WF
    assert (job.time_interval_start, job.time_interval_end) == ("2022-02-01T12:00:00+0800", "2022-05-01T12:00:00+0800")
    assert job.raw_xml.startswith("<JobsDetail>")
    assert "Job(job_id=" in repr(job)


def test_create_job_with_pass_through(client):
    job = client.create_job(
        "snap_q", "Snapshot", manifest="https://b-125.cos.ap-beijing.myqcloud.com/m.json",
        job_param={"TemplateId": "t1", "Snapshot": {"Mode": "Interval", "Count": "3", "Extra": ["a", "b"]}},
        output={"Region": "ap-chongqing", "Bucket": "test-1234567890", "Object": "o/${InputName}.jpg",
                "SpriteObject": "s/<x>.jpg"},
        queue_id="p1", user_data="u&d", job_level=2, callback="https://cb/?a=1&b=2", callback_format="JSON",
        callback_type="TDMQ", callback_mq={"MqMode": "Queue", "MqRegion": "Guangzhou", "MqName": "q1"},
        start="2022-02-01T12:00:00+0800", operation={"FutureField": "v"})
    assert job.type == "Job" and job.name == "snap_q"
    assert job.manifest == "https://b-125.cos.ap-beijing.myqcloud.com/m.json"
    assert job.tag == "Snapshot" and job.template_id == "t1"
    assert "<Snapshot><Mode>Interval</Mode><Count>3</Count><Extra>a</Extra><Extra>b</Extra></Snapshot>" in job.job_param_xml
    assert (job.output_region, job.output_bucket, job.output_object) == ("ap-chongqing", "test-1234567890", "o/${InputName}.jpg")
    assert "<SpriteObject>s/&lt;x&gt;.jpg</SpriteObject>" in job.output_xml
    assert (job.queue_id, job.user_data, job.job_level, job.callback) == ("p1", "u&d", 2, "https://cb/?a=1&b=2")
    assert (job.callback_format, job.callback_type) == ("JSON", "TDMQ")
    assert (job.callback_mq_mode, job.callback_mq_region, job.callback_mq_name) == ("Queue", "Guangzhou", "q1")
    assert job.time_interval_start == "2022-02-01T12:00:00+0800" and job.time_interval_end is None
    assert "<FutureField>v</FutureField>" in job.raw_xml
    assert job.to_dict()["job_level"] == 2


@pytest.mark.parametrize("kind", ["prefix", "manifest", "url_file", "object"])
def test_every_input_kind(client, kind):
    job = client.create_job("n", "Transcode", job_param={"TemplateId": "t1"}, **{kind: "a b+c/d"})
    assert getattr(job, kind) == "a b+c/d"


def test_describe(client):
    a = client.create_workflow_job("a", WF, prefix="p/")
    b = client.create_workflow_job("b", WF, prefix="p/")
    assert client.describe_job(a.job_id).name == "a"
    missing = "b00000000000000000000000000000000"
    res = client.describe_jobs([a.job_id, missing, b.job_id])
    assert [j.job_id for j in res.jobs] == [a.job_id, b.job_id]
    assert res.non_exist_job_ids == [missing]
    assert res.request_id
    with pytest.raises(cibatch.JobNotFound) as e:
        client.describe_job(missing)
    assert e.value.request_id and isinstance(e.value, LookupError)


def test_list_filters_and_paging(emu, client):
    emu.set_timing(3600, 3600)
    wf = [client.create_workflow_job(f"wf-{i}", WF, prefix="p/").job_id for i in range(23)]
    jobs = [client.create_job(f"job-{i}", "Transcode", prefix="p/").job_id for i in range(4)]
    emu.set_job_state(wf[0], "Running")
    emu.set_job_state(wf[1], "Failed")

    page = client.list_jobs(type="Workflow", size=10, order_by_time="Asc")
    assert [j.job_id for j in page.jobs] == wf[:10] and page.next_token
    page2 = client.list_jobs(type="Workflow", size=10, order_by_time="Asc", next_token=page.next_token)
    assert [j.job_id for j in page2.jobs] == wf[10:20]
    pages = list(client.iter_pages(type="Workflow", size=10, order_by_time="Asc"))
    assert [len(p.jobs) for p in pages] == [10, 10, 3] and pages[-1].next_token is None
    seen_pages = []
    assert [j.job_id for j in client.iter_jobs(type="Workflow", size=7, order_by_time="Asc",
                                               on_page=lambda p: seen_pages.append(p.number))] == wf
    assert seen_pages == [1, 2, 3, 4]
    assert [j.job_id for j in client.iter_jobs(type="Workflow", size=100, order_by_time="Desc")] == wf[::-1]
    assert sorted(j.job_id for j in client.iter_jobs(type="Job")) == sorted(jobs)
    assert {j.job_id for j in client.iter_jobs(states=["Running", "Failed"])} == {wf[0], wf[1]}
    assert [j.job_id for j in client.list_jobs(states="Running").jobs] == [wf[0]]
    assert [j.job_id for j in client.list_jobs(name="wf-7").jobs] == [wf[7]]
    assert [j.name for j in client.list_jobs(job_id=jobs[2]).jobs] == ["job-2"]
    assert len(list(client.iter_jobs(workflow_id=WF))) == 23
    assert client.list_jobs(workflow_id="wother").jobs == []
    now = time.time()
    fmt = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(t))  # noqa: E731
    assert len(list(client.iter_jobs(start_creation_time=fmt(now - 60), end_creation_time=fmt(now + 60)))) == 27
    assert client.list_jobs(end_creation_time=fmt(now - 3600)).jobs == []
    with pytest.raises(TypeError):
        list(client.iter_jobs(colour="blue"))


def test_jobs_outlive_their_page(client):
    client.create_workflow_job("keep", WF, prefix="p/")
    job = client.list_jobs().jobs[0]
    import gc
    gc.collect()
    assert job.name == "keep"


def test_cancel(emu, client):
    emu.set_timing(3600, 3600)
    job = client.create_workflow_job("c", WF, prefix="p/")
    client.cancel_job(job.job_id)
    after = client.describe_job(job.job_id)
    assert after.state == "Cancel" and after.is_terminal and after.end_time
    with pytest.raises(cibatch.ServiceError) as e:
        client.cancel_job(job.job_id)
    err = e.value
    assert (err.status, err.code, err.attempts) == (400, "InvalidArgument", 1)
    assert "already Cancel" in err.message and err.request_id and err.trace_id
    assert "cancel job" in str(err)


def test_wait(client, emu):
    # Each describe moves a job one state on: no poll can miss a state, however busy the machine.
    emu.set_clock("per_describe")
    job = client.create_workflow_job("w", WF, prefix="p/")
    seen = []
    done = client.wait_for_job(job.job_id, timeout=10, on_state=lambda j: seen.append(j.state), poll_interval=0.02,
                               max_interval=0.05)
    assert done.state == "Success" and done.end_time
    assert seen == ["Submitted", "Running", "Success"]

    failing = client.create_job("f", "Transcode", object="x.mp4")
    emu.fail_job(failing.job_id, "InvalidInput", "not a video")
    done = client.wait_for_job(failing.job_id, timeout=10, poll_interval=0.02)
    assert (done.state, done.code, done.message) == ("Failed", "InvalidInput", "not a video")

    # A clock only the test moves: the job stays Submitted however long the wait takes.
    emu.set_clock("manual")
    slow = client.create_workflow_job("s", WF, prefix="p/")
    with pytest.raises(cibatch.TimeoutError) as e:
        client.wait_for_job(slow.job_id, timeout=0.3, poll_interval=0.05)
    assert isinstance(e.value, TimeoutError)  # the builtin too
    assert "Submitted" in str(e.value)
    emu.advance(0.1)
    assert client.describe_job(slow.job_id).state == "Running"
    with pytest.raises(cibatch.InvalidArgument):
        emu.set_clock("sundial")


def test_callback_exception_stops_the_wait(client):
    job = client.create_workflow_job("w", WF, prefix="p/")

    def boom(_job):
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        client.wait_for_job(job.job_id, timeout=10, on_state=boom, poll_interval=0.02)


def test_exception_types(emu):
    assert issubclass(cibatch.InvalidArgument, ValueError)
    for cls in (cibatch.InvalidArgument, cibatch.TransportError, cibatch.TimeoutError, cibatch.ServiceError,
                cibatch.InvalidResponse, cibatch.JobNotFound):
        assert issubclass(cls, cibatch.Error)

    with pytest.raises(cibatch.InvalidArgument) as e:
        cibatch.Client("evil.com/x-125", "ap-beijing", "id", "key")
    assert e.value.argument == "bucket"

    dead = cibatch.Client(emu.bucket, emu.region, "id", "key", endpoint="http://127.0.0.1:1", max_attempts=2)
    with pytest.raises(cibatch.TransportError) as e:
        dead.list_jobs()
    assert e.value.attempts == 2 and not isinstance(e.value, cibatch.TimeoutError)

    wrong = cibatch.Client(emu.bucket, emu.region, emu.secret_id, "wrong-key", endpoint=emu.endpoint)
    with pytest.raises(cibatch.ServiceError) as e:
        wrong.list_jobs()
    assert (e.value.status, e.value.code) == (403, "AccessDenied")
    assert "wrong-key" not in str(e.value) and "wrong-key" not in repr(e.value.__dict__)

    c = emu.client(max_attempts=1)
    emu.inject("malformed_xml")
    with pytest.raises(cibatch.InvalidResponse):
        c.list_jobs()
    emu.inject_delay(2.0)
    slow = emu.client(timeout=0.2, max_attempts=1)
    with pytest.raises(cibatch.TimeoutError):
        slow.list_jobs()
    emu.inject_huge_body(100_000)
    small = emu.client(max_response_bytes=10_000, max_attempts=1)
    with pytest.raises(cibatch.Error, match="exceeds the limit"):
        small.list_jobs()
    with pytest.raises(cibatch.EmulatorError):
        cibatch.Emulator(port=emu.port)


def test_retries_and_no_duplicate_create(emu, client):
    job = client.create_workflow_job("r", WF, prefix="p/")
    before = emu.request_count
    emu.inject_status(500, "InternalError")
    client.describe_job(job.job_id)
    assert emu.request_count - before == 2
    n = emu.job_count
    emu.inject("cut_body")
    with pytest.raises(cibatch.OutcomeUnknown) as e:
        client.create_workflow_job("once", WF, prefix="p/")
    assert e.value.attempts == 1 and emu.job_count == n + 1
    emu.inject_status(503, "SlowDown", times=5)
    with pytest.raises(cibatch.ServiceError) as e:
        client.list_jobs()
    assert (e.value.code, e.value.attempts) == ("SlowDown", 3)


@pytest.mark.parametrize("bad_id", ["", "a/b", "..", "a,b", "a?b", "a#b", "a%2F", "a b", "a\r\nb", "ü", "\ud800"])
def test_bad_job_ids_are_refused_before_sending(emu, client, bad_id):
    before = emu.request_count
    with pytest.raises(cibatch.InvalidArgument) as e:
        client.describe_job(bad_id)
    assert e.value.argument == "job_id"
    with pytest.raises(cibatch.InvalidArgument):
        client.cancel_job(bad_id)
    assert emu.request_count == before


def test_bad_inputs(emu, client):
    with pytest.raises(cibatch.InvalidArgument, match="exactly one"):
        client.create_workflow_job("n", WF)
    with pytest.raises(cibatch.InvalidArgument, match="exactly one"):
        client.create_workflow_job("n", WF, prefix="a", object="b")
    with pytest.raises(cibatch.InvalidArgument) as e:
        client.list_jobs(size=101)
    assert e.value.argument == "size"
    with pytest.raises(cibatch.InvalidArgument):
        client.list_jobs(order_by_time="Up")
    with pytest.raises(cibatch.InvalidArgument) as e:
        client.create_job("n", "T", prefix="p", job_level=7)
    assert e.value.argument == "job_level"
    with pytest.raises(cibatch.InvalidArgument):
        client.describe_job("a\0b")
    with pytest.raises(cibatch.InvalidArgument):
        cibatch.Client(emu.bucket, emu.region, "id", "key", token="t\r\nX: y")
    with pytest.raises(cibatch.InvalidArgument):
        client.create_job("n", "T", prefix="p", job_param={"Bad Name": "v"})


@pytest.mark.parametrize("call", [
    lambda c: c.describe_job(123),
    lambda c: c.describe_job(None),
    lambda c: c.describe_job(b"bytes"),
    lambda c: c.describe_jobs("one-string"),
    lambda c: c.describe_jobs([1, 2]),
    lambda c: c.list_jobs(size="10"),
    lambda c: c.list_jobs(size=True),
    lambda c: c.create_workflow_job(1, WF, prefix="p"),
    lambda c: c.create_job("n", "T", prefix="p", job_param={"A": 1}),
    lambda c: c.wait_for_job("b1", timeout="soon"),
    lambda c: cibatch.sign("GET", "/", secret_id="i", secret_key="k", start="1", end=2),
])
def test_wrong_python_types_are_type_errors(client, call):
    with pytest.raises(TypeError):
        call(client)


def test_closed_objects(emu):
    c = emu.client()
    c.close()
    c.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        c.list_jobs()


def test_temporary_credentials():
    with cibatch.Emulator(token="tok+en/=") as emu:
        assert emu.token == "tok+en/="
        emu.client().list_jobs()
        plain = cibatch.Client(emu.bucket, emu.region, emu.secret_id, emu.secret_key, endpoint=emu.endpoint)
        with pytest.raises(cibatch.ServiceError):
            plain.list_jobs()


def test_from_env(emu, monkeypatch):
    monkeypatch.setenv("CIBATCH_BUCKET", emu.bucket)
    monkeypatch.setenv("CIBATCH_REGION", emu.region)
    monkeypatch.setenv("CIBATCH_ENDPOINT", emu.endpoint)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", emu.secret_id)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", emu.secret_key)
    with cibatch.Client.from_env() as c:
        assert c.list_jobs().jobs == []
    monkeypatch.delenv("CIBATCH_BUCKET")
    with pytest.raises(cibatch.InvalidArgument):
        cibatch.Client.from_env()


def test_eight_threads_share_one_client(emu, client):
    errors = []

    def work(t):
        try:
            for i in range(15):
                job = client.create_workflow_job(f"t{t}-{i}", WF, prefix="p/")
                assert client.describe_job(job.job_id).name == f"t{t}-{i}"
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert emu.job_count == 120
    assert len(list(client.iter_jobs(size=100))) == 120


def test_calls_release_the_gil(emu):
    """While one thread waits on a slow answer, another keeps running Python (and so sees the request arrive)."""
    emu.inject_delay(60)
    slow = emu.client(timeout=4.0, max_attempts=1)
    t = threading.Thread(target=lambda: pytest.raises(cibatch.TimeoutError, slow.list_jobs))
    t.start()
    # Were the GIL held during the call, this loop could not run until the call had ended (after 4 s).
    deadline = time.time() + 3.5
    while emu.request_count == 0 and time.time() < deadline:
        time.sleep(0.001)
    assert emu.request_count == 1
    assert t.is_alive(), "the call ended before Python could run: the GIL was held"
    t.join()


def _rss_kib():
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import resource
    return pages * resource.getpagesize() // 1024


def test_thousands_of_calls_with_flat_memory(client):
    job = client.create_job("leak", "Transcode", prefix="p/", job_param={"TemplateId": "t1"})
    for _ in range(500):  # warm up caches and pools
        client.describe_job(job.job_id).raw_xml
    start = _rss_kib()
    for _ in range(5000):
        j = client.describe_job(job.job_id)
        j.name, j.raw_xml, j.output_xml
        client.describe_jobs([job.job_id, "bnope"]).non_exist_job_ids
        try:
            client.describe_job("bnope")
        except cibatch.JobNotFound:
            pass
    grown = _rss_kib() - start
    assert grown < 4096, f"RSS grew by {grown} KiB over 15,000 calls"


def test_reliability_options(emu):
    emu.set_clock_skew(7200)
    c = emu.client()
    before = emu.request_count
    c.list_jobs()
    assert emu.request_count - before == 2 and 7000 < c.clock_offset < 7400
    known = emu.client(clock_offset=7200)
    before = emu.request_count
    known.list_jobs()
    assert emu.request_count - before == 1
    emu.set_clock_skew(0)
    with pytest.raises(cibatch.InvalidArgument) as e:
        emu.client(ca_bundle="/nonexistent/ca.pem")
    assert e.value.argument == "ca_bundle"
    with pytest.raises(cibatch.InvalidArgument):
        emu.client(proxy="::not a url::")
    with pytest.raises(TypeError):
        emu.client(backoff=1.0)
    assert emu.client(max_xml_depth=8, backoff=(0.01, 0.1)).list_jobs().jobs == []


def test_secrets_never_show():
    secret, token = "SUPERSECRETKEY-python", "SUPERSECRETTOKEN-python"
    c = cibatch.Client("examplebucket-1250000000", "ap-beijing", "AKIDpublic", secret, token=token,
                       endpoint="http://127.0.0.1:1", max_attempts=1)
    with pytest.raises(cibatch.Error) as e:
        c.list_jobs()
    text = f"{e.value} {e.value!r} {vars(e.value)} {c!r}"
    assert secret not in text and token not in text


def test_credentials_provider_and_logging(caplog):
    import logging
    with cibatch.Emulator(token="sts-token") as emu:
        calls = []

        def provider():
            calls.append(1)
            return emu.secret_id, emu.secret_key, "sts-token", time.time() + 3600

        with caplog.at_level(logging.DEBUG, logger="cibatch"):
            c = cibatch.Client.with_provider(emu.bucket, emu.region, provider, endpoint=emu.endpoint)
            threads = [threading.Thread(target=c.list_jobs) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            c.list_jobs()
        assert len(calls) == 1
        text = caplog.text
        assert "list jobs: GET /inventorytriggerjob -> HTTP 200" in text and "credentials refreshed" in text
        assert emu.secret_key not in text and "sts-token" not in text

        def broken():
            raise RuntimeError("no STS today")

        bad = cibatch.Client.with_provider(emu.bucket, emu.region, broken, endpoint=emu.endpoint)
        with pytest.raises(cibatch.CredentialsError):
            bad.list_jobs()


def test_retry_create_sends_a_create_again(emu):
    emu.inject_status(503, "InternalError", times=1)
    with emu.client(retry_create=True, backoff=(0.001, 0.005)) as blunt:
        job = blunt.create_workflow_job("again", WF, prefix="p/")
    assert job.name == "again" and emu.request_count == 2 and emu.job_count == 1
    # Without it (the default), the same failure is not retried: the create's outcome is unknown.
    emu.inject_status(503, "InternalError", times=1)
    with emu.client(backoff=(0.001, 0.005)) as careful, pytest.raises(cibatch.OutcomeUnknown):
        careful.create_workflow_job("once", WF, prefix="p/")
    assert emu.request_count == 3 and emu.job_count == 1


def test_the_readme_defaults_of_the_python_binding():
    """Python's own defaults (the README: 30 s per attempt, not the core's 60 s; waits of 10 minutes polling from
    1 s up to 15 s); the others are the core's, kept by passing nothing (0) to the C ABI."""
    import inspect

    client = inspect.signature(cibatch.Client).parameters
    assert client["timeout"].default == 30.0
    for kept in ("connect_timeout", "read_timeout", "max_attempts", "backoff", "max_response_bytes", "max_xml_depth"):
        assert client[kept].default is None, kept
    assert client["retry_create"].default is False
    wait = inspect.signature(cibatch.Client.wait_for_job).parameters
    assert (wait["timeout"].default, wait["poll_interval"].default, wait["max_interval"].default) == (600.0, 1.0, 15.0)
