"""The signer through Python, against the spec's worked examples."""
import cibatch

HOST = "examplebucket-1250000000.ci.ap-beijing.myqcloud.com"
KEYS = dict(secret_id="AKIDtestSecretId1234567890abcdef", secret_key="testSecretKey1234567890abcdefghij")
JOB = "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9"


def sig(auth):
    return auth.rsplit("q-signature=", 1)[1]


def test_worked_examples():
    assert sig(cibatch.sign("GET", JOB, start=1699999940, end=1700010000, headers=[("Host", HOST)], **KEYS)) == \
        "6b3df850d92e7c8feee62297ad13e6c4c4146cce"
    params = [("type", "Workflow"), ("orderByTime", "Desc"), ("states", "All"), ("size", "10"), ("nextToken", ""),
              ("workflowId", ""), ("jobId", "")]
    auth = cibatch.sign("GET", "/inventorytriggerjob", start=1699999940, end=1700010000, params=params,
                        headers=[("host", HOST)], **KEYS)
    assert "q-url-param-list=jobid;nexttoken;orderbytime;size;states;type;workflowid&" in auth
    assert sig(auth) == "06d1dfe4851659c8e7717b4c139d6d930b9ee440"
    assert sig(cibatch.sign("GET", JOB, start=1699999940, end=1700010000,
                            headers=[("host", HOST), ("x-ci-security-token", "tok+en/=")], **KEYS)) == \
        "38f755b255067e70cff2766489df6aaa040ac12a"
    assert sig(cibatch.sign("PUT", JOB, start=1699999940, end=1700010000,
                            headers=[("content-length", "0"), ("host", HOST)], **KEYS)) == \
        "d687fa9d8555b6b63e320911d45f876bc6960544"
    params = [("name", "a b/c"), ("nextToken", "25"), ("orderByTime", "Asc"), ("size", "5"),
              ("startCreationTime", "2022-02-25T12:00:00+0800"), ("states", "Running,Failed"), ("type", "Job")]
    assert sig(cibatch.sign("GET", "/inventorytriggerjob", start=1700000000, end=1700003600, params=params,
                            headers=[("host", HOST)], **KEYS)) == "b3c3b93bcde98c7dff8a70619456b2e83ed80b34"


def test_go_sdk_example():
    auth = cibatch.sign("PUT", "/testfile2", secret_id="QmFzZTY0IGlzIGEgZ2VuZXJp",
                        secret_key="AKIDZfbOA78asKUYBcXFrJD0a1ICvR98JM", start=1480932292, end=1481012292,
                        headers=[("Host", "testbucket-125000000.cos.ap-guangzhou.myqcloud.com"),
                                 ("x-cos-content-sha1", "db8ac1c259eb89d4a131b253bacfca5f319d54f2"),
                                 ("x-cos-stroage-class", "nearline")])
    assert auth.endswith("q-signature=ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a")


def test_argument_errors_name_the_argument():
    """sign() calls the library without ctypes' conversions and an error slot; every refusal still names what."""
    import pytest

    window = dict(start=1699999940, end=1700010000, **KEYS)
    refused = [
        (dict(method="GET", path="/a\0b"), "path"),
        (dict(method="GET", path="/\ud800"), "path"),  # a lone surrogate: invalid UTF-8, refused by the library
        (dict(method="GET", path=JOB, headers=[("host", "h\0x")]), "headers"),
        (dict(method="GET", path=JOB, params=[("a\ud800", "")]), "param_names"),  # the library names its array
        (dict(method="GET", path=JOB, start=2**63), "start"),
    ]
    for args, argument in refused:
        with pytest.raises(cibatch.InvalidArgument) as e:
            cibatch.sign(**{**window, **args})
        assert e.value.argument == argument, args
    for args in (dict(start=True), dict(end=1.5), dict(secret_id=b"id"), dict(headers=[("host", 1)])):
        with pytest.raises(TypeError):
            cibatch.sign("GET", JOB, **{**window, **args})


def test_pairs_may_be_any_iterable_of_any_length():
    class Text(str):
        pass

    window = dict(start=1699999940, end=1700010000, **KEYS)
    headers = [("host", HOST)] + [(f"x-cos-meta-{i}", str(i)) for i in range(40)]
    params = [(f"p{i}", "v w") for i in range(20)]
    expected = cibatch.sign("GET", JOB, params=params, headers=headers, **window)
    assert "x-cos-meta-39" in expected and "p19" in expected
    assert cibatch.sign("GET", JOB, params=iter(params), headers=tuple(reversed(headers)), **window) == expected
    assert cibatch.sign(Text("GET"), Text(JOB), params=[(Text(k), Text(v)) for k, v in params],
                        headers=(h for h in headers), **window) == expected
    assert sig(cibatch.sign("GET", JOB, params=iter(()), headers=iter([("Host", HOST)]), **window)) == \
        "6b3df850d92e7c8feee62297ad13e6c4c4146cce"
