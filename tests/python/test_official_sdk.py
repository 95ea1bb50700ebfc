"""The official Python SDK (cos-python-sdk-v5), unchanged, against the cibatch emulator.

If the emulator accepts what the official SDK sends (its signature, its host without port, its
x-ci-security-token, its unsigned ?cancel, its empty list parameters) and the SDK reads what the emulator
answers, the emulator is faithful enough to stand in for the service in our users' tests.
"""


import pytest
from qcloud_cos import CosConfig, CosS3Client
from qcloud_cos.cos_exception import CosServiceError


def official_client(emu, secret_key=None):
    config = CosConfig(Region=emu.region, SecretId=emu.secret_id, SecretKey=secret_key or emu.secret_key,
                       Token=emu.token, Scheme="http", IP=emu.host, Port=emu.port)
    return CosS3Client(config, retry=0)


def create_workflow(client, emu, name="official-sdk"):
    body = {
        "Name": name,
        "Type": "Workflow",
        "Input": {"Prefix": "input/"},
        "Operation": {
            "WorkflowIds": "w7476ff3564ee45b7b490d64bccaba6cc",
            "TimeInterval": {"Start": "2022-02-01T12:00:00+0800", "End": "2022-05-01T12:00:00+0800"},
        },
    }
    return client.ci_create_inventory_trigger_jobs(Bucket=emu.bucket, JobBody=body)


def test_create_describe_list_cancel(emulator):
    client = official_client(emulator)

    created = create_workflow(client, emulator)
    detail = created["JobsDetail"][0]
    assert detail["State"] == "Submitted"
    assert "Type" not in detail  # as the service answers a create; describe and list carry it
    assert detail["Name"] == "official-sdk"
    job_id = detail["JobId"]
    assert created["RequestId"]

    job_body = {
        "Name": "transcode <&>",
        "Type": "Job",
        "Input": {"Object": "in/a b.mp4"},
        "Operation": {
            "Tag": "Transcode",
            "JobParam": {"TemplateId": "t1460606b9752148c4ab182f55163ba7cd"},
            "Output": {"Region": "ap-chongqing", "Bucket": "test-1234567890", "Object": "out/${InputName}.mp4"},
            "QueueId": "p893bcda225bf4945a378da6662e81a89",
        },
    }
    job = client.ci_create_inventory_trigger_jobs(Bucket=emulator.bucket, JobBody=job_body)["JobsDetail"][0]
    assert "Type" not in job
    assert job["Name"] == "transcode <&>"
    assert job["Operation"]["JobParam"]["TemplateId"] == "t1460606b9752148c4ab182f55163ba7cd"

    described = client.ci_get_inventory_trigger_jobs(Bucket=emulator.bucket, JobID=job_id)
    assert [d["JobId"] for d in described["JobsDetail"]] == [job_id]
    assert described["JobsDetail"][0]["Type"] == "Workflow"
    assert described["JobsDetail"][0]["Input"]["Prefix"] == "input/"

    # The SDK's defaults: type=Workflow, orderByTime=Desc, states=All, size=10, empty nextToken/workflowId/jobId.
    listed = client.ci_list_inventory_trigger_jobs(Bucket=emulator.bucket)
    assert [d["JobId"] for d in listed["JobsDetail"]] == [job_id]
    listed_jobs = client.ci_list_inventory_trigger_jobs(Bucket=emulator.bucket, Type="Job", States="Submitted,Running",
                                                        Name="transcode <&>", OrderByTime="Asc", Size=5)
    assert [d["JobId"] for d in listed_jobs["JobsDetail"]] == [job["JobId"]]

    client.ci_delete_inventory_trigger_jobs(Bucket=emulator.bucket, JobId=job["JobId"])
    after = client.ci_get_inventory_trigger_jobs(Bucket=emulator.bucket, JobID=job["JobId"])
    assert after["JobsDetail"][0]["State"] == "Cancel"

    # The workflow job runs to the end as it is described (the emulator moves a job one state per describe).
    states = [client.ci_get_inventory_trigger_jobs(Bucket=emulator.bucket, JobID=job_id)["JobsDetail"][0]
              for _ in range(2)]
    assert [d["State"] for d in states] == ["Running", "Success"]
    done = states[-1]
    assert done["EndTime"] != "-"


def test_paging_with_the_official_sdk(emulator):
    client = official_client(emulator)
    ids = [create_workflow(client, emulator, name=f"p{i}")["JobsDetail"][0]["JobId"] for i in range(7)]
    seen, token = [], ""
    for _ in range(10):
        page = client.ci_list_inventory_trigger_jobs(Bucket=emulator.bucket, Size=3, NextToken=token, OrderByTime="Asc")
        seen += [d["JobId"] for d in page.get("JobsDetail", [])]
        token = page.get("NextToken") or ""
        if not token:
            break
    assert seen == ids


def test_errors_reach_the_official_sdk(emulator):
    client = official_client(emulator)
    with pytest.raises(CosServiceError) as bad_size:
        client.ci_list_inventory_trigger_jobs(Bucket=emulator.bucket, Size=500)
    assert bad_size.value.get_status_code() == 400

    wrong = official_client(emulator, secret_key="not-the-key")
    with pytest.raises(CosServiceError) as denied:
        wrong.ci_list_inventory_trigger_jobs(Bucket=emulator.bucket)
    assert denied.value.get_status_code() == 403

    missing = client.ci_get_inventory_trigger_jobs(Bucket=emulator.bucket, JobID="b00000000000000000000000000000000")
    assert missing["NonExistJobIds"] == "b00000000000000000000000000000000"
