#!/usr/bin/env python3
"""Create a Workflow job and a Job-type job, configured from the environment (CIBATCH_BUCKET, CIBATCH_REGION,
optional CIBATCH_ENDPOINT, TENCENTCLOUD_SECRET_ID/_SECRET_KEY/_SESSION_TOKEN).

    python examples/python/create_jobs.py WORKFLOW_ID TEMPLATE_ID
"""
import sys

import cibatch

workflow_id, template_id = sys.argv[1], sys.argv[2]
with cibatch.Client.from_env() as client:
    wf = client.create_workflow_job("example-workflow", workflow_id, prefix="input/")
    print("created", wf.job_id, wf.type, wf.state)
    job = client.create_job("example-transcode", "Transcode", prefix="videos/", job_param={"TemplateId": template_id},
                            output={"Region": "ap-beijing", "Bucket": "examplebucket-1250000000",
                                    "Object": "out/${InputName}.mp4"})
    print("created", job.job_id, job.type, job.tag, job.state)
