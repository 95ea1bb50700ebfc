#!/usr/bin/env python3
"""Test code against the in-process emulator: a fault, a retry, a failed job."""
import cibatch

# clock="per_describe": each describe moves the job one state on, so what this prints never depends on timing.
with cibatch.Emulator(clock="per_describe") as emu:
    client = emu.client()
    job = client.create_workflow_job("emulated", "w1", prefix="input/")
    emu.inject_status(503, "SlowDown", times=1)  # the next request is refused once: describe retries
    print("describe after a SlowDown:", client.describe_job(job.job_id).state)
    emu.fail_job(job.job_id, "InvalidInput", "not a video")
    done = client.wait_for_job(job.job_id, poll_interval=0.05)
    print("the job ended", done.state, done.code, done.message)
