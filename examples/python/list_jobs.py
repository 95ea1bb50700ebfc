#!/usr/bin/env python3
"""List every job of a type, page by page: python examples/python/list_jobs.py [Workflow|Job]"""
import sys

import cibatch

job_type = sys.argv[1] if len(sys.argv) > 1 else "Workflow"
with cibatch.Client.from_env() as client:
    for n, page in enumerate(client.iter_pages(type=job_type, size=10, order_by_time="Desc"), 1):
        print(f"page {n}: {len(page.jobs)} job(s)")
        for job in page.jobs:
            print(" ", job.job_id, job.state, job.creation_time, job.name)
