#!/usr/bin/env python3
"""Describe several jobs in one request: python examples/python/describe_jobs.py JOB_ID [JOB_ID...]"""
import sys

import cibatch

with cibatch.Client.from_env() as client:
    res = client.describe_jobs(sys.argv[1:])
    for job in res.jobs:
        print(job.job_id, job.state, job.name)
    for missing in res.non_exist_job_ids:
        print(missing, "does not exist")
