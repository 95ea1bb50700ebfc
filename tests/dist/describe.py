"""A user's Python program, run by scripts/test-dist.sh in fresh venvs: create a job, describe it."""
import sys

import cibatch

with cibatch.Client.from_env() as client:
    created = client.create_workflow_job("dist-python", "w7476ff3564ee45b7b490d64bccaba6cc", prefix="input/")
    job = client.describe_job(created.job_id)
    print("described", job.job_id, job.name, job.state, "on Python", sys.version.split()[0], "from",
          cibatch.__file__)
