#!/usr/bin/env python3
"""Wait for a job to finish, printing each state: python examples/python/wait_for_job.py JOB_ID [TIMEOUT_S]"""
import sys

import cibatch

timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 600
with cibatch.Client.from_env() as client:
    job = client.wait_for_job(sys.argv[1], timeout=timeout, poll_interval=0.2,
                              on_state=lambda j: print("  state:", j.state))
    print(job.job_id, "ended", job.state, job.code, job.message)
