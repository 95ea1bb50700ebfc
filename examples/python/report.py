#!/usr/bin/env python3
"""What happened to each object of a batch job: python examples/python/report.py JOB_ID

Waits for the batch job to end, then prints its report: the outcome, counts by state and the first failed objects."""
import sys

import cibatch

with cibatch.Client.from_env() as client:
    client.wait_for_job(sys.argv[1], poll_interval=0.2)
    report = client.report(sys.argv[1], failed_limit=5,
                           on_page=lambda p: print(f"  page {p.pages}: {p.results} results so far, {p.failed} failed"))
    print(f"{report.job.job_id} {report.job.state}: {report.outcome}, {report.total} results")
    for state, n in sorted(report.counts.items()):
        print(f"  {state}: {n}")
    for r in report.failed:
        print(f"  failed: {r.object} ({r.unit_id} {r.workflow_id or r.tag}) {r.message}")
