#!/usr/bin/env bash
# examples/c/query_job.c, examples/python/query_job.py and examples/go/query_job end to end: the standalone emulator, a job created by the official Python SDK,
# and the C example configured from the environment like the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
log=target/c/emulator.out
target/release/cibatch-emulator --port 0 > "$log" &
emu=$!
trap 'kill $emu 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q endpoint= "$log" && break; sleep 0.1; done
endpoint=$(sed -n 's/^endpoint=\([^ ]*\).*/\1/p' "$log")
export CIBATCH_BUCKET=examplebucket-1250000000 CIBATCH_REGION=ap-beijing CIBATCH_ENDPOINT="$endpoint"
export TENCENTCLOUD_SECRET_ID=AKIDcibatchEmulatorLocalOnly0000 TENCENTCLOUD_SECRET_KEY=cibatchEmulatorLocalOnlyKey00000
job=$(target/venv/bin/python - <<'PY'
import os
from qcloud_cos import CosConfig, CosS3Client
host, port = os.environ["CIBATCH_ENDPOINT"].removeprefix("http://").split(":")
c = CosS3Client(CosConfig(Region="ap-beijing", SecretId=os.environ["TENCENTCLOUD_SECRET_ID"],
                          SecretKey=os.environ["TENCENTCLOUD_SECRET_KEY"], Scheme="http", IP=host, Port=int(port)))
body = {"Name": "query-me", "Type": "Workflow", "Input": {"Prefix": "in/"}, "Operation": {"WorkflowIds": "w1"}}
print(c.ci_create_inventory_trigger_jobs(Bucket=os.environ["CIBATCH_BUCKET"], JobBody=body)["JobsDetail"][0]["JobId"])
PY
)
LD_LIBRARY_PATH=target/release target/c/query_job "$job" | tee target/c/query_job.out
grep -q "name *query-me" target/c/query_job.out
target/venv/bin/python examples/python/query_job.py "$job" | tee target/c/query_job_py.out
grep -q "name *query-me" target/c/query_job_py.out
target/go-query_job "$job" | tee target/c/query_job_go.out
grep -q "name *query-me" target/c/query_job_go.out
