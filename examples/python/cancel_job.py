#!/usr/bin/env python3
"""Cancel a job: python examples/python/cancel_job.py JOB_ID"""
import sys

import cibatch

with cibatch.Client.from_env() as client:
    try:
        client.cancel_job(sys.argv[1])
        print("cancelled", sys.argv[1], "->", client.describe_job(sys.argv[1]).state)
    except cibatch.ServiceError as e:
        print(f"refused: {e.code} {e.message} (request id {e.request_id})")
