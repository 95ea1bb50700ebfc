#!/usr/bin/env python3
"""Query one job and print it.

    python examples/python/query_job.py JOB_ID

Configured from the environment like the demo: CIBATCH_BUCKET, CIBATCH_REGION, optional CIBATCH_ENDPOINT, and
TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY / TENCENTCLOUD_SESSION_TOKEN (or COS_SECRET_ID / COS_SECRET_KEY).
"""
import sys

import cibatch


def main() -> int:
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} JOB_ID", file=sys.stderr)
        return 2
    try:
        with cibatch.Client.from_env() as client:
            job = client.describe_job(sys.argv[1])
    except cibatch.Error as e:
        print(e, file=sys.stderr)
        return 1
    print(f"job {job.job_id}")
    for field, value in job.to_dict().items():
        if value not in (None, "") and field not in ("job_id", "raw_xml"):
            print(f"  {field:<20} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
